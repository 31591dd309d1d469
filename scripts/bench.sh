#!/usr/bin/env bash
# The benchmark of issue 2: parse+chunk throughput, embedding throughput,
# drop-to-ready wall time and the local analyser's precision/recall, on a
# ~6,000-word transcript built from the shared fixtures. Provisions
# PostgreSQL and the model first; the report ends with one BENCH_JSON line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$FLOWCOACH_ROOT"

phase "postgres" scripts/setup-postgres.sh
phase "model" scripts/fetch-model.sh

# The shared, labelled fixtures live beside the checkout.
if [ -z "${FLOWCOACH_FIXTURES:-}" ] && [ -d "$FLOWCOACH_ROOT/../shared/fixtures" ]; then
  export FLOWCOACH_FIXTURES="$FLOWCOACH_ROOT/../shared/fixtures"
fi

# Release: the numbers are meant to describe what ships.
phase "bench" cargo run --release --locked -p flowcoach-tests --bin bench

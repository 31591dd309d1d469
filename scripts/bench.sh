#!/usr/bin/env bash
# FlowCoach's benchmark (not in CI): parse+chunk throughput, embedding
# throughput, drop-to-ready wall time and the API under load on
# `flowcoach serve` in its own process (its peak memory), the AWS cost of a
# transcript hour, the Lambda zips and cold starts (scripts/bench-cold-start.sh)
# the local analyser's precision/recall, on a ~6,000-word transcript built
# from the shared fixtures, and how many due follow-ups one dispatcher run
# sends per second (10,000 through the outbox mailer, and through aiosmtpd).
# Provisions PostgreSQL and the model first; the report ends with one
# BENCH_JSON line.
#
# FLOWCOACH_BENCH_LAMBDAS=0 skips the Lambda step (its fat-LTO release builds
# take the longest); FLOWCOACH_BENCH_ONLY=dispatch runs only the dispatch step.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$FLOWCOACH_ROOT"

phase "postgres" scripts/setup-postgres.sh
phase "model" scripts/fetch-model.sh

# The shared, labelled fixtures live beside the checkout.
if [ -z "${FLOWCOACH_FIXTURES:-}" ] && [ -d "$FLOWCOACH_ROOT/../shared/fixtures" ]; then
  export FLOWCOACH_FIXTURES="$FLOWCOACH_ROOT/../shared/fixtures"
fi

if [ "${FLOWCOACH_BENCH_LAMBDAS:-1}" != 0 ]; then
  lambda_summary="$(mktemp --suffix=.json)"
  trap 'rm -f "$lambda_summary"' EXIT
  phase "lambda zips and cold starts" env FLOWCOACH_COLD_START_JSON="$lambda_summary" scripts/bench-cold-start.sh
  export FLOWCOACH_BENCH_LAMBDA_JSON="$lambda_summary"
fi

# Release: the numbers are meant to describe what ships. The bench starts the
# `flowcoach` built beside it as the server under test.
phase "build (release)" cargo build --release --locked -p flowcoach-tests -p flowcoach-functions \
  --bin bench --bin flowcoach
phase "bench" "$CARGO_TARGET_DIR/release/bench"

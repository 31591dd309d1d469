#!/usr/bin/env bash
# Search quality on the labelled queries (../shared/fixtures/queries.json):
# loads the fixture sessions of all three coaches into a fresh database,
# runs every query through POST /v1/search as keyword only, semantic only
# and hybrid, and prints recall@5 and MRR per mode and per query. The same
# test runs in the suite and holds hybrid above the measured floors.
# Needs what scripts/test.sh sets up (PostgreSQL with pgvector, the model).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ -z "${FLOWCOACH_FIXTURES:-}" ] && [ -d "$FLOWCOACH_ROOT/../shared/fixtures" ]; then
  export FLOWCOACH_FIXTURES="$FLOWCOACH_ROOT/../shared/fixtures"
fi
cd "$FLOWCOACH_ROOT"
cargo nextest run -p flowcoach-tests --test all --no-capture \
  -E 'test(hybrid_search_beats_each_retriever_alone_and_never_crosses_coaches)' 2>&1 |
  grep -E '^\s+(keyword|semantic|hybrid) |^search over|PASS|FAIL'

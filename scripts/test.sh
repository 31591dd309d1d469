#!/usr/bin/env bash
# The whole test suite on a fresh machine: provisions PostgreSQL with pgvector
# and the embedding model, builds, then runs every test against real services.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$FLOWCOACH_ROOT"
started=$SECONDS

phase "postgres" scripts/setup-postgres.sh
phase "model" scripts/fetch-model.sh
phase "aws tools" scripts/setup-aws-tools.sh >/dev/null
export FLOWCOACH_AWS_ENDPOINT="${FLOWCOACH_AWS_ENDPOINT:-http://127.0.0.1:4566}"
phase "aws emulator" scripts/start-moto.sh
phase "template checks" scripts/check-template.sh

# The shared, labelled fixtures live beside the checkout.
if [ -z "${FLOWCOACH_FIXTURES:-}" ] && [ -d "$FLOWCOACH_ROOT/../shared/fixtures" ]; then
  export FLOWCOACH_FIXTURES="$FLOWCOACH_ROOT/../shared/fixtures"
fi

drop_stale_test_databases() {
  psql -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'fc_test_%' OR datname LIKE 'fc_template_%'" |
    while read -r db; do psql -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"; done
}
phase "clean test databases" drop_stale_test_databases

# Every build of the workspace's own crates leaves its test binaries and
# incremental state behind (hundreds of MB a build); over a day of builds
# the shared target folder reached 76 GB and filled the disk. Past the
# limit, drop the workspace's own artifacts: they rebuild in minutes, the
# dependencies' (the long part of a cold build) stay.
readonly TARGET_LIMIT_GB="${FLOWCOACH_TARGET_LIMIT_GB:-40}"
prune_target() {
  local size_gb
  # A fresh machine has no build cache yet (du would fail, and with it the run).
  if [ ! -d "$CARGO_TARGET_DIR" ]; then
    log "build cache: none yet at $CARGO_TARGET_DIR"
    return 0
  fi
  size_gb="$(du -s --block-size=1G "$CARGO_TARGET_DIR" 2>/dev/null | cut -f1)"
  if [ "${size_gb:-0}" -le "$TARGET_LIMIT_GB" ]; then
    log "build cache: ${size_gb:-0} GB in $CARGO_TARGET_DIR (limit $TARGET_LIMIT_GB GB)"
    return 0
  fi
  log "build cache: ${size_gb} GB over $TARGET_LIMIT_GB GB: dropping the workspace's own artifacts"
  local profile
  for profile in "$CARGO_TARGET_DIR"/debug "$CARGO_TARGET_DIR"/release; do
    [ -d "$profile" ] || continue
    rm -rf "$profile/incremental"
    find "$profile/deps" -maxdepth 1 \( -name 'all-*' -o -name 'bench-*' -o -name 'cold_start-*' \
      -o -name 'api_*' -o -name 'stage_*' -o -name 'migrate-*' -o -name 'hello_lambda-*' \
      -o -name 'flowcoach*' -o -name 'libflowcoach*' \) -delete
  done
}
phase "prune build cache" prune_target

phase "format check" cargo fmt --all -- --check
phase "build" cargo build --workspace --all-targets --locked
phase "clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
# The functions that never embed are built without the model (scripts/build-lambdas.sh):
# that build must stay clean too.
phase "clippy (functions without the model)" \
  cargo clippy --locked -p flowcoach-functions --no-default-features --bins -- -D warnings
if command -v cargo-nextest >/dev/null; then
  phase "tests" cargo nextest run --workspace --locked --no-fail-fast --test-threads 2
else
  phase "tests" cargo test --workspace --locked --no-fail-fast -- --test-threads 2
fi
# The API against its own OpenAPI document, with the binary the build made.
phase "api fuzz" scripts/fuzz-api.sh
# The web app: its client against the same document, its own tests, and the
# browser tests against that binary.
phase "web app" scripts/test-web.sh
log "all tests passed in $((SECONDS - started))s"

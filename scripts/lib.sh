# Shared helpers for FlowCoach's set-up scripts. Source it; do not run it.
# shellcheck shell=bash

FLOWCOACH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FLOWCOACH_ROOT
export FLOWCOACH_CACHE="${FLOWCOACH_CACHE:-$HOME/.cache/flowcoach}"
# Builds live outside the checkout so a fresh clone (CI) reuses them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$FLOWCOACH_CACHE/target}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# phase NAME COMMAND...: runs a command and prints how long it took.
phase() {
  local name="$1"; shift
  local started=$SECONDS
  log "phase '$name' started"
  "$@"
  local status=$?
  log "phase '$name' finished in $((SECONDS - started))s (exit $status)"
  return $status
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# cargo lambda build ARGS...: how every Lambda binary is built (the functions
# and the cold-start baseline alike): linked as a position-dependent
# executable (-no-pie), so the loader applies no relocations at a cold start
# (55,000 in api-follow-ups, a 1.4 MB table written page by page before main)
# and the zip carries no relocation table. The code stays position-independent:
# only the link changes, so crates that also build a cdylib (crc-fast) still
# link. docs/decisions/0019-sdk-http-client-and-lambda-link.md
cargo_lambda_build() {
  CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C link-arg=-no-pie" \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C link-arg=-no-pie" \
    cargo lambda build "$@"
}

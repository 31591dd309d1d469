#!/usr/bin/env bash
# The web app's checks: the generated API client is current, types, lint,
# component tests, the build, then browser tests against a real
# `flowcoach serve` (built by the caller) on a fresh database.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$FLOWCOACH_ROOT"
flowcoach="$CARGO_TARGET_DIR/debug/flowcoach"
[ -x "$flowcoach" ] || die "build flowcoach first (cargo build --workspace)"

phase "web tools" scripts/setup-web.sh --browser
cd web

check_client() {
  local document generated
  document="$(mktemp --suffix=.json)" generated="$(mktemp --suffix=.d.ts)"
  "$flowcoach" openapi > "$document"
  npx openapi-typescript "$document" -o "$generated" >/dev/null
  if ! diff -q src/api/schema.d.ts "$generated" >/dev/null; then
    diff -u src/api/schema.d.ts "$generated" | head -40 >&2
    rm -f "$document" "$generated"
    die "web/src/api/schema.d.ts is stale: run 'FLOWCOACH_OPENAPI=<(flowcoach openapi) npm run generate:api' in web/"
  fi
  rm -f "$document" "$generated"
}
phase "web api client is current" check_client
phase "web typecheck" npx tsc -b
phase "web lint" npx oxlint --deny-warnings
phase "web component tests" npx vitest run
phase "web build" npx vite build --logLevel warn
export FLOWCOACH_BIN="$flowcoach"
# Kept outside the checkout, so the screenshots of every screen outlive a CI clone.
artifacts="${FLOWCOACH_ARTIFACTS:-$FLOWCOACH_CACHE/artifacts}/web"
rm -rf "$artifacts"
mkdir -p "$artifacts/screens"
export FLOWCOACH_E2E_OUTPUT="$artifacts/results" FLOWCOACH_SCREENSHOTS="$artifacts/screens"
phase "web browser tests" npx playwright test
log "web screenshots: $FLOWCOACH_SCREENSHOTS"

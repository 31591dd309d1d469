#!/usr/bin/env bash
# The web app's benchmark: the first screen's JavaScript size and the time to
# render 500 sessions, in Debian's Chromium against a real `flowcoach serve`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$FLOWCOACH_ROOT"
phase "build" cargo build --locked --workspace --bins
phase "web app" scripts/build-web.sh
scripts/setup-web.sh --browser
cd web
FLOWCOACH_BIN="$CARGO_TARGET_DIR/debug/flowcoach" npx playwright test -c playwright.bench.config.ts --reporter=list

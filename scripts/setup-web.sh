#!/usr/bin/env bash
# The web app's tools: Node packages from the lockfile (npm ci, cached in
# ~/.npm) and, for the browser tests, Debian's Chromium.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$FLOWCOACH_ROOT/web"

command -v node >/dev/null || die "Node.js is missing (Node 20.19 or later)"
# A fresh checkout has no node_modules; an unchanged lockfile needs no reinstall.
stamp="node_modules/.flowcoach-lock.sha256"
wanted="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  npm ci --no-audit --no-fund --prefer-offline
  echo "$wanted" > "$stamp"
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then
  log "installing Debian's Chromium for the browser tests"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-liberation >/dev/null
fi

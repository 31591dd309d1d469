#!/usr/bin/env bash
# Builds the web app into web/dist, which `flowcoach serve` hosts.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$FLOWCOACH_ROOT/scripts/setup-web.sh"
cd "$FLOWCOACH_ROOT/web"
npm run build --silent

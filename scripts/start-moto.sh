#!/usr/bin/env bash
# Starts the AWS emulator (moto) on $FLOWCOACH_AWS_ENDPOINT unless one already
# answers there. The tests create uniquely named resources, so a running
# emulator is reused rather than reset.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

endpoint="${FLOWCOACH_AWS_ENDPOINT:-http://127.0.0.1:4566}"
hostport="${endpoint#http://}"
host="${hostport%%:*}"
port="${hostport##*:}"

answers() { curl -sf -o /dev/null "$endpoint/moto-api/data.json"; }

if answers; then
  log "AWS emulator already answers at $endpoint"
  exit 0
fi
bin=$(scripts/setup-aws-tools.sh | tail -n1)
mkdir -p "$FLOWCOACH_CACHE/logs"
nohup "$bin/moto_server" -H "$host" -p "$port" >"$FLOWCOACH_CACHE/logs/moto.log" 2>&1 &
for _ in $(seq 1 60); do
  answers && { log "AWS emulator (moto) ready at $endpoint"; exit 0; }
  sleep 0.5
done
die "moto did not start at $endpoint; see $FLOWCOACH_CACHE/logs/moto.log"

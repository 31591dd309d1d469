#!/usr/bin/env bash
# FlowCoach on one machine: provisions PostgreSQL and the model, builds the
# server and the web app, migrates, imports a sample session for a demo
# coach, then serves both.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$FLOWCOACH_ROOT"

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/flowcoach}"
export FLOWCOACH_DATA_DIR="${FLOWCOACH_DATA_DIR:-$FLOWCOACH_CACHE/data}"
DEMO_COACH="${FLOWCOACH_DEMO_COACH:-demo@flowcoach.local}"

phase "postgres" scripts/setup-postgres.sh
phase "model" scripts/fetch-model.sh
# The whole workspace, so features unify exactly as in the test build and its artefacts are reused.
phase "build" cargo build --locked --workspace --bins
phase "web app" scripts/build-web.sh
flowcoach="$CARGO_TARGET_DIR/debug/flowcoach"

create_database() {
  local name="${DATABASE_URL##*/}"
  name="${name%%\?*}"
  if [ "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")" != "1" ]; then
    psql -d postgres -qc "CREATE DATABASE \"$name\""
  fi
}
phase "database" create_database
phase "migrate" "$flowcoach" migrate
phase "demo session" "$flowcoach" import samples/demo-session.vtt \
  --coach "$DEMO_COACH" --name "Alex Morgan" --client "Jamie Chen"
token=$("$flowcoach" token --coach "$DEMO_COACH")
coach_id=$(psql "$DATABASE_URL" -Atc "SELECT id FROM coaches WHERE lower(email) = lower('$DEMO_COACH')")
url="${FLOWCOACH_PUBLIC_URL:-http://${FLOWCOACH_BIND:-127.0.0.1:8080}}"
inbox="${FLOWCOACH_INBOX_DIR:-$FLOWCOACH_DATA_DIR/inbox}/$coach_id"
mkdir -p "$inbox"

cat <<MSG

Open FlowCoach:  $url/sign-in#token=$token
  (the link signs you in as the demo coach; the token stays in your browser)

FlowCoach is starting at $url
  demo coach:  $DEMO_COACH
  token:       $token
  inbox:       $inbox   (drop a .vtt/.srt/.txt/.json transcript here)
  outbox:      $FLOWCOACH_DATA_DIR/outbox

Try:
  curl -s -H "Authorization: Bearer \$TOKEN" $url/v1/sessions
  curl -s -H "Authorization: Bearer \$TOKEN" $url/v1/sessions/<id>/summary

MSG
exec "$flowcoach" serve

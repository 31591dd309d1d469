#!/usr/bin/env bash
# Fuzzes the HTTP API from its own OpenAPI document: validates the document
# against the OpenAPI 3.1 schema (openapi-spec-validator), then lets
# schemathesis generate valid and invalid requests for every operation and run
# all of its checks (no 5xx, status codes, content types, headers and bodies as
# documented, invalid input refused, valid input accepted, auth enforced, ...).
#
# It builds nothing: it runs the debug binary the workspace build made
# ($CARGO_TARGET_DIR/debug/flowcoach) against a fresh database (dropped at the
# end), on a free port, with a temporary data folder, as a coach with one
# client and one session with a transcript, so id-bearing routes reach data.
#
# Usage: scripts/fuzz-api.sh                short mode (CI): well under 2 minutes
#        FLOWCOACH_FUZZ=long scripts/fuzz-api.sh   more examples, 10 minutes
# Exits non-zero on any finding; schemathesis prints each with a curl to replay it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

readonly BIN="${FLOWCOACH_BIN:-$CARGO_TARGET_DIR/debug/flowcoach}"
[ -x "$BIN" ] || die "$BIN is missing: run cargo build --workspace --all-targets first"

case "${FLOWCOACH_FUZZ:-short}" in
  short) max_examples=20 fuzz_time=40 stateful_time=20 ;;
  long) max_examples=200 fuzz_time=420 stateful_time=180 ;;
  *) die "FLOWCOACH_FUZZ must be short or long" ;;
esac

venv_bin="$FLOWCOACH_CACHE/venv/bin"
if [ ! -x "$venv_bin/schemathesis" ] || [ ! -x "$venv_bin/openapi-spec-validator" ]; then
  venv_bin="$("$FLOWCOACH_ROOT/scripts/setup-aws-tools.sh")" ||
    die "scripts/setup-aws-tools.sh failed (it installs schemathesis)"
fi

work="$(mktemp -d)"
database="fc_fuzz_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
server_pid="" model_pid=""
cleanup() {
  local status=$?
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "$model_pid" ]; then
    kill "$model_pid" 2>/dev/null && wait "$model_pid" 2>/dev/null || true
  fi
  psql -d postgres -qc "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" >/dev/null ||
    log "could not drop database $database"
  if [ "$status" -ne 0 ] && [ -s "$work/serve.log" ]; then
    log "server log (last 40 lines):"
    tail -n 40 "$work/serve.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
psql -d postgres -qc "CREATE DATABASE \"$database\"" >/dev/null
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$database"
export FLOWCOACH_BIND="127.0.0.1:$port" FLOWCOACH_DATA_DIR="$work/data" RUST_LOG="${RUST_LOG:-warn}"

# Refinement goes to a scripted model, so the refine endpoints answer as they
# do with one configured; the fuzz coach's analyses stay local (below).
mkfifo "$work/model.url"
python3 "$FLOWCOACH_ROOT/scripts/scripted-model.py" >"$work/model.url" &
model_pid=$!
read -r model_url <"$work/model.url"
export FLOWCOACH_LLM_BASE_URL="$model_url" FLOWCOACH_LLM_MODEL=scripted-model FLOWCOACH_LLM_API_KEY=fuzz-not-a-secret

"$BIN" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; die "flowcoach migrate failed"; }
"$BIN" serve >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || die "flowcoach serve exited at start"
  sleep 0.1
done
curl -fsS "$base/readyz" >/dev/null || die "flowcoach serve is not ready on $base"

token="$("$BIN" token --coach fuzz@example.com --name "Fuzz Coach" 2>/dev/null)"
api() { # api METHOD PATH [JSON]: the response body; fails on a non-2xx status
  curl -fsS -X "$1" "$base$2" -H "Authorization: Bearer $token" \
    ${3:+-H "Content-Type: application/json" --data "$3"}
}
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
api PATCH /v1/me '{"analyser": "local"}' >/dev/null
FUZZ_CLIENT_ID="$(api POST /v1/clients '{"name": "Fiona Fuzz", "email": "fiona@example.com"}' | field id)"
FUZZ_SESSION_ID="$(api POST /v1/sessions "{\"title\": \"Fuzz check-in\", \"held_at\": \"2026-09-08T09:00:00Z\",
  \"participants\": [{\"client_id\": \"$FUZZ_CLIENT_ID\"}]}" | field id)"
printf 'Fuzz Coach: What will you do next?\nFiona Fuzz: I will send the plan tomorrow.\n' |
  curl -fsS -X PUT "$base/v1/sessions/$FUZZ_SESSION_ID/transcript?filename=check-in.txt" \
    -H "Authorization: Bearer $token" --data-binary @- >/dev/null
export FUZZ_CLIENT_ID FUZZ_SESSION_ID

curl -fsS "$base/v1/openapi.json" -o "$work/openapi.json"
"$venv_bin/openapi-spec-validator" "$work/openapi.json" || die "the served OpenAPI document is not valid OpenAPI 3.1"

# 422 is also how the API refuses what no schema can say (a cursor it did not
# issue, a client or template id that does not exist, a time zone outside the
# IANA list, an Idempotency-Key reused for another body), so schema-valid data
# may get it; likewise 412 for an If-Match that names a version the follow-up
# is not at, and 428 for an edit without one. The check's other expectations
# stay as schemathesis has them.
# Negative cases: schemathesis's coverage phase can mislabel a valid body as
# invalid (it reported "missing required property: subject" for an edit whose
# schema requires none); such a request then meets the If-Match check, whose
# answer is 412, so 412 counts as a rejection too.
cat >"$work/common.toml" <<'EOF'
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "412", "422", "428"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "412", "415", "422", "428", "429", "5xx"]
EOF
# Examples, coverage and fuzzing: id-bearing routes get the seeded ids; DELETE
# gets drawn ids, so the seeded session stays.
cat "$work/common.toml" - >"$work/bound.toml" <<'EOF'

[[operations]]
include-path-regex = '^/v1/clients/\{id\}$'
parameters = { "path.id" = "${FUZZ_CLIENT_ID}" }

[[operations]]
include-path-regex = '^/v1/sessions/\{id\}'
exclude-method = "DELETE"
parameters = { "path.id" = "${FUZZ_SESSION_ID}" }
EOF

cd "$work"
# One worker: on CPython 3.11, hypothesis describing a lambda (ast.parse) in two
# threads at once races on the interpreter's shared AST recursion counter and
# fails the run with "AST constructor recursion depth mismatch" (CPython
# gh-106905, fixed in 3.12+), a finding about the fuzzer rather than the API.
fuzz() { # fuzz CONFIG MAX_TIME PHASES [OPTION...]
  local config="$1" max_time="$2" phases="$3"
  shift 3
  "$venv_bin/schemathesis" --config-file "$config" run "$base/v1/openapi.json" "$@" \
    --phases "$phases" \
    --checks all \
    --header "Authorization: Bearer $token" \
    --max-examples "$max_examples" \
    --max-time "$max_time" \
    --request-timeout 10 \
    --generation-database none \
    --generation-unique-inputs \
    --workers 1 \
    --no-color
}
log "fuzzing $base: at most $max_examples examples per operation"
status=0
# DELETE waits for the stateful phase: an id drawn from a response could be the seeded session's.
fuzz "$work/bound.toml" "$fuzz_time" examples,coverage,fuzzing --exclude-method DELETE || status=$?
# Stateful: chains of calls through the ids the API returns (none bound).
# Without `ensure_resource_availability`: the fuzzer draws the same
# Idempotency-Key and body again in later scenarios, and the API then replays
# the first 201 as promised, though that session may have been deleted since.
fuzz "$work/common.toml" "$stateful_time" stateful --exclude-checks ensure_resource_availability || status=$?
exit "$status"

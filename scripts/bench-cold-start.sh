#!/usr/bin/env bash
# Cold-start benchmark of the Lambda functions (not in CI): each function's
# release zip size, and its init time and first-response time when started as
# Lambda starts it (a fresh process against a local Lambda Runtime API), next
# to a hello-world Rust Lambda built the same way (bench/hello-lambda).
#
# Builds with scripts/build-lambdas.sh for this machine's architecture (an
# arm64 binary cannot run here), then starts every bootstrap $FLOWCOACH_COLD_RUNS
# times (default 5) against local PostgreSQL (a fresh fc_bench_cold_start
# database) and the AWS emulator. Model loading is not in any figure: the
# embed stage loads the model on its first embedding, which the sample event
# (a session that does not exist) never reaches.
#
# Usage: scripts/bench-cold-start.sh   (FLOWCOACH_COLD_START_JSON=path also writes a summary)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$FLOWCOACH_ROOT"

case "$(uname -m)" in
  x86_64) arch=x86_64 arch_flag=--x86-64 ;;
  aarch64 | arm64) arch=arm64 arch_flag=--arm64 ;;
  *) die "no Lambda architecture matches this machine ($(uname -m))" ;;
esac
lambda_dir="$FLOWCOACH_ROOT/build/lambda-$arch"
database="fc_bench_cold_start"
database_url="postgres://$PGUSER@$PGHOST:$PGPORT/$database"
runs="${FLOWCOACH_COLD_RUNS:-5}"

phase "postgres" scripts/setup-postgres.sh
phase "aws emulator" scripts/start-moto.sh
phase "functions (release zips)" env FLOWCOACH_LAMBDA_ARCH="$arch" scripts/build-lambdas.sh
venv_bin="$(scripts/setup-aws-tools.sh)"
export PATH="$venv_bin:$PATH"
# Built as the API functions are (profile `lambda`, linked alike),
# so the ratio compares like with like.
phase "hello-world baseline (lambda-profile zip)" \
  cargo_lambda_build --profile lambda "$arch_flag" --output-format zip --lambda-dir "$lambda_dir" \
  --package hello-lambda

extracted="$(mktemp -d)"
trap 'rm -rf "$extracted"' EXIT
extract() {
  "$venv_bin/python" - "$lambda_dir" "$extracted" <<'PY'
import os, stat, sys, zipfile
source, target = sys.argv[1:]
for name in sorted(os.listdir(source)):
    archive = os.path.join(source, name, "bootstrap.zip")
    if not os.path.isfile(archive):
        continue
    with zipfile.ZipFile(archive) as zipped:
        path = zipped.extract("bootstrap", os.path.join(target, name))
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
PY
}
phase "extract bootstraps" extract

prepare_database() {
  psql -v ON_ERROR_STOP=1 -q -d postgres -c "DROP DATABASE IF EXISTS $database" \
    -c "CREATE DATABASE $database"
  DATABASE_URL="$database_url" cargo run -q --locked -p flowcoach-functions --bin flowcoach -- migrate
}
phase "database" prepare_database

# What the functions read at start-up on AWS, pointed at this machine.
export DATABASE_URL="$database_url"
export AWS_ENDPOINT_URL="${FLOWCOACH_AWS_ENDPOINT:-http://127.0.0.1:4566}"
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export TRANSCRIPTS_BUCKET=flowcoach-cold-start IDEMPOTENCY_TABLE=flowcoach-cold-start
export FLOWCOACH_MAIL_FROM="FlowCoach <no-reply@flowcoach.test>"
export FLOWCOACH_MODEL_DIR="$FLOWCOACH_ROOT/build/model-layer/model"
export RUST_LOG=warn
# FLOWCOACH_COLD_START_JSON: where to write the summary scripts/bench.sh reads.
phase "cold starts" cargo run -q --locked -p flowcoach-tests --bin cold_start -- "$extracted" "$lambda_dir" "$FLOWCOACH_ROOT/events" "$runs" ${FLOWCOACH_COLD_START_JSON:+"$FLOWCOACH_COLD_START_JSON"}

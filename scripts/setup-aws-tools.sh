#!/usr/bin/env bash
# Installs the AWS-side tools into one Python venv, idempotently:
#   cfn-lint and aws-sam-cli   offline template checks (scripts/check-template.sh)
#   moto[server]               the AWS emulator the integration tests talk to
#   cargo-lambda (+ zig)       cross-compiled Lambda zips (scripts/build-lambdas.sh)
#   schemathesis, openapi-spec-validator
#                              the API fuzzer and the OpenAPI 3.1 check (scripts/fuzz-api.sh)
#
# The venv lives at ${FLOWCOACH_CACHE:-$HOME/.cache/flowcoach}/venv, outside the
# checkout. A stamp file records the pinned requirement set; when it matches and
# every tool answers, nothing is installed. Changing a pin below reinstalls.
#
# Usage: scripts/setup-aws-tools.sh        (prints the venv's bin folder on stdout)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Pinned to versions verified to install together with this machine's Python.
# aws-sam-cli pins its own cfn-lint range; keep cfn-lint inside it.
readonly REQUIREMENTS=(
  "cfn-lint==1.58.0"
  "aws-sam-cli==1.170.0"
  "moto[server]==5.2.5"
  "cargo-lambda==1.9.2"
  "schemathesis==4.32.5"
  "openapi-spec-validator==0.9.0"
  # The SMTP sink the SMTP mailer's tests send to.
  "aiosmtpd==1.4.6"
)
readonly VENV="$FLOWCOACH_CACHE/venv"
readonly STAMP="$VENV/.flowcoach-requirements"
readonly TOOLS=(cfn-lint sam moto_server cargo-lambda schemathesis openapi-spec-validator)

wanted_stamp() { printf '%s\n' "${REQUIREMENTS[@]}"; }

tools_answer() {
  local tool
  for tool in "${TOOLS[@]}"; do
    [ -x "$VENV/bin/$tool" ] || return 1
  done
  "$VENV/bin/cfn-lint" --version >/dev/null 2>&1 &&
    "$VENV/bin/sam" --version >/dev/null 2>&1 &&
    "$VENV/bin/cargo-lambda" lambda --version >/dev/null 2>&1 &&
    "$VENV/bin/schemathesis" --version >/dev/null 2>&1
}

print_versions() {
  log "cfn-lint:     $("$VENV/bin/cfn-lint" --version 2>&1 | head -n1)"
  log "sam:          $("$VENV/bin/sam" --version 2>&1 | head -n1)"
  log "moto:         $("$VENV/bin/python" -c 'import moto; print(moto.__version__)')"
  log "cargo-lambda: $("$VENV/bin/cargo-lambda" lambda --version 2>&1 | head -n1)"
  log "schemathesis: $("$VENV/bin/schemathesis" --version 2>&1 | head -n1)"
}

started=$SECONDS
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(wanted_stamp)" ] && tools_answer; then
  log "AWS tools already installed in $VENV (nothing to do)"
  print_versions
  echo "$VENV/bin"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || die "python3 is required (it provides venv and pip)"
if [ ! -x "$VENV/bin/python" ]; then
  log "creating Python venv at $VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
fi

# The stamp goes only after a successful install, so an interrupted run retries.
rm -f "$STAMP"
log "installing ${REQUIREMENTS[*]} into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  "${REQUIREMENTS[@]}" || die "pip install into $VENV failed"
tools_answer || die "tools installed but one of ${TOOLS[*]} does not run"
wanted_stamp >"$STAMP"

log "installed AWS tools in $VENV in $((SECONDS - started))s"
print_versions
echo "$VENV/bin"

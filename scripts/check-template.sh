#!/usr/bin/env bash
# Offline checks of the SAM template (what CI can check without an AWS account):
#   1. cfn-lint                          CloudFormation schemas and best-practice rules
#   2. sam validate --lint               SAM CLI's own lint pass
#   3. sam validate --region us-east-1   runs the SAM translator (the transform)
# Warnings fail too: the template is kept at zero findings.
# Tools come from the venv of scripts/setup-aws-tools.sh (installed if missing).
#
# Usage: scripts/check-template.sh [TEMPLATE]   (default infra/template.yaml)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$FLOWCOACH_ROOT"

template="${1:-infra/template.yaml}"
[ -f "$template" ] || die "no template at $template"
bin="$FLOWCOACH_CACHE/venv/bin"
if [ ! -x "$bin/cfn-lint" ] || [ ! -x "$bin/sam" ]; then
  log "cfn-lint/sam not installed yet; running scripts/setup-aws-tools.sh"
  bin="$(scripts/setup-aws-tools.sh)"
fi

# No telemetry and no update check: CI has no network but the package registries.
export SAM_CLI_TELEMETRY=0 SAM_CLI_DISABLE_UPDATE_CHECK=1
# The translator needs a region and looks for credentials; none are used.
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}"

failures=0
check() {
  local name="$1"; shift
  local started=$SECONDS output status=0
  output="$("$@" 2>&1)" || status=$?
  if [ "$status" -eq 0 ]; then
    log "ok    $name ($((SECONDS - started))s)"
  else
    log "FAIL  $name (exit $status, $((SECONDS - started))s)"
    printf '%s\n' "$output" >&2
    failures=$((failures + 1))
  fi
}

check "cfn-lint $template" "$bin/cfn-lint" "$template"
check "sam validate --lint" "$bin/sam" validate --lint --template "$template"
check "sam validate --region us-east-1" "$bin/sam" validate --region us-east-1 --template "$template"

[ "$failures" -eq 0 ] || die "$failures template check(s) failed"
log "template checks passed: $template"

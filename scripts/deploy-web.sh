#!/usr/bin/env bash
# Publishes the web app to a deployed stack: builds web/, writes the
# config.json that tells the app this stack's API, live events and Cognito,
# uploads to the stack's private bucket (hashed assets cached for a year,
# the page and its config revalidated), then invalidates the page.
#   scripts/deploy-web.sh <stack name>      (samconfig.toml names them flowcoach-<env>)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
stack="${1:?usage: scripts/deploy-web.sh <stack name>}"
cd "$FLOWCOACH_ROOT"

output() {
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
bucket="$(output WebBucketName)"
distribution="$(output WebDistributionId)"
[ -n "$bucket" ] && [ "$bucket" != "None" ] || die "stack $stack has no WebBucketName output: deploy the template first"

phase "web app" scripts/build-web.sh
jq -n --arg api "$(output ApiUrl)" --arg events "$(output LiveEventsUrl)" \
  --arg domain "$(output CognitoDomainUrl)" --arg client "$(output UserPoolClientId)" \
  '{apiBase: $api, eventsUrl: $events, auth: {kind: "cognito", domain: $domain, clientId: $client}}' \
  > web/dist/config.json

upload() {
  aws s3 sync web/dist/assets "s3://$bucket/assets" --delete \
    --cache-control "public, max-age=31536000, immutable"
  aws s3 sync web/dist "s3://$bucket" --exclude "assets/*" --delete --cache-control "no-cache"
  aws cloudfront create-invalidation --distribution-id "$distribution" \
    --paths /index.html /config.json >/dev/null
}
phase "upload" upload
log "the web app is at $(output WebAppUrl)"

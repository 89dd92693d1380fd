#!/usr/bin/env bash
# Calls the environment's /api/health through CloudFront until it answers 200, or fails.
#
#   SITE_URL=https://app.example.com scripts/ci/backend-check-health.sh
#
# Environment: SITE_URL, or DISTRIBUTION_COMMENT (the distribution's comment, "<project>-<env> site
# and API": its domain is looked up); HEALTH_PATH (default /api/health); HEALTH_ATTEMPTS (default
# 20); HEALTH_INTERVAL seconds between attempts (default 15); HEALTH_TIMEOUT per request (default 10).
set -euo pipefail
# shellcheck source=scripts/ci/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/log.sh"
# shellcheck source=scripts/ci/deploy-role.sh
source "$(dirname "${BASH_SOURCE[0]}")/deploy-role.sh"
use_deploy_role

site=${SITE_URL:-}
if [ -z "$site" ]; then
  [ -n "${DISTRIBUTION_COMMENT:-}" ] || die "set SITE_URL (e.g. https://app.example.com) or DISTRIBUTION_COMMENT to look the distribution up"
  domain=$(run aws cloudfront list-distributions --query "DistributionList.Items[?Comment=='$DISTRIBUTION_COMMENT'].DomainName" --output text)
  [[ $domain =~ ^[a-z0-9.-]+$ ]] || die "no single distribution has the comment '$DISTRIBUTION_COMMENT' (found '$domain')"
  site=https://$domain
fi
path=${HEALTH_PATH:-/api/health}
attempts=${HEALTH_ATTEMPTS:-20}
interval=${HEALTH_INTERVAL:-15}
timeout=${HEALTH_TIMEOUT:-10}
[[ $attempts =~ ^[1-9][0-9]*$ ]] || die "HEALTH_ATTEMPTS must be a whole number of 1 or more (got '$attempts')"
url=${site%/}$path

for attempt in $(seq 1 "$attempts"); do
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$timeout" -H 'cache-control: no-cache' "$url" || true)
  if [ "$status" = "200" ]; then
    say "$url answered 200 (attempt $attempt of $attempts)"
    exit 0
  fi
  say "$url answered ${status:-nothing} (attempt $attempt of $attempts)"
  [ "$attempt" -lt "$attempts" ] && sleep "$interval"
done
die "$url did not answer 200 after $attempts attempts"

#!/usr/bin/env bash
# Publishes the built SPA to one environment's site bucket and invalidates its entry points.
#
#   SITE_BUCKET=platform-stage-site-123456789012 DISTRIBUTION_COMMENT="platform-stage site and API" scripts/ci/frontend-publish.sh
#
# Environment: SITE_BUCKET (required); DISTRIBUTION_ID, or DISTRIBUTION_COMMENT to look it up;
# SITE_DIR (default dist/site, what frontend-build.sh wrote).
# Fingerprinted files (<name>.<8 hex>.<ext>) go first with a year-long, immutable cache; then
# everything else, index.html included, with no-cache, deleting what the build no longer has.
# Fingerprinted files of earlier releases stay, so a browser holding an older index.html still
# loads; CloudFront is told to drop only "/" and "/index.html".
set -euo pipefail
# shellcheck source=scripts/ci/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/log.sh"
# shellcheck source=scripts/ci/deploy-role.sh
source "$(dirname "${BASH_SOURCE[0]}")/deploy-role.sh"
use_deploy_role

bucket=${SITE_BUCKET:?set SITE_BUCKET to the environment site bucket, e.g. platform-stage-site-123456789012}
dir=${SITE_DIR:-dist/site}
[ -f "$dir/index.html" ] || die "$dir/index.html does not exist: run scripts/ci/frontend-build.sh first"
distribution=${DISTRIBUTION_ID:-}
if [ -z "$distribution" ]; then
  [ -n "${DISTRIBUTION_COMMENT:-}" ] || die "set DISTRIBUTION_ID, or DISTRIBUTION_COMMENT (e.g. \"platform-stage site and API\") to look it up"
  distribution=$(run aws cloudfront list-distributions --query "DistributionList.Items[?Comment=='$DISTRIBUTION_COMMENT'].Id" --output text)
  [[ $distribution =~ ^[A-Z0-9]+$ ]] || die "no single distribution has the comment '$DISTRIBUTION_COMMENT' (found '$distribution')"
fi

hashed='*.????????.*'
say "publishing $dir to s3://$bucket (distribution $distribution)"
run aws s3 sync "$dir" "s3://$bucket" --only-show-errors --exclude '*' --include "$hashed" --cache-control 'public, max-age=31536000, immutable'
run aws s3 sync "$dir" "s3://$bucket" --only-show-errors --delete --exclude "$hashed" --cache-control 'no-cache'
run aws cloudfront create-invalidation --distribution-id "$distribution" --paths /index.html / --query Invalidation.Id --output text
say "published $dir to s3://$bucket"

#!/usr/bin/env bash
# Builds the API image (linux/arm64: app/Dockerfile for the Python app, Dockerfile.api for the
# TypeScript handlers), tags it with the commit and pushes it to every environment's ECR repository,
# then writes the digest for backend-deploy.sh.
#
#   IMAGE_REPOSITORIES="123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-stage-api ..." IMAGE_TAG=$(git rev-parse HEAD) scripts/ci/backend-build.sh
#
# Environment: IMAGE_REPOSITORIES (required: space-separated repository URIs); IMAGE_TAG (default
# CODEBUILD_RESOLVED_SOURCE_VERSION, the commit CodePipeline checked out); RUNTIME (python, the
# default, or node: compute.runtime of the environments); DOCKERFILE (default app/Dockerfile for
# python, Dockerfile.api for node); PLATFORM (default linux/arm64, what the functions and tasks run on); IMAGE_FILE
# (default image.env: IMAGE_TAG and IMAGE_DIGEST, the build artifact the deploys read).
set -euo pipefail
# shellcheck source=scripts/ci/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/log.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

repositories=${IMAGE_REPOSITORIES:?set IMAGE_REPOSITORIES to the ECR repository URIs to push to, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-stage-api}
tag=${IMAGE_TAG:-${CODEBUILD_RESOLVED_SOURCE_VERSION:-}}
[ -n "$tag" ] || die "set IMAGE_TAG (e.g. the commit id); CodeBuild sets CODEBUILD_RESOLVED_SOURCE_VERSION"
[[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "IMAGE_TAG '$tag' is not a valid image tag"
runtime=${RUNTIME:-python}
case $runtime in
  python) dockerfile=${DOCKERFILE:-app/Dockerfile} ;;
  node) dockerfile=${DOCKERFILE:-Dockerfile.api} ;;
  *) die "RUNTIME '$runtime' is neither python nor node (compute.runtime of the environments)" ;;
esac
platform=${PLATFORM:-linux/arm64}
image_file=${IMAGE_FILE:-image.env}
[ -f "$dockerfile" ] || die "$dockerfile does not exist"

if [ "$runtime" = node ]; then
# The image carries the same bundles `npm run synth` builds for zip functions (cached by content).
say "bundling the API and its runtime layer (build version $tag)"
[ -d node_modules ] || run npm ci --no-audit --no-fund
rm -rf build/api-image
mkdir -p build/api-image
IMAGE_TAG=$tag run npx --no-install tsx -e '
const { buildFunctionBundles } = require("./src/constructs/compute/function-bundles");
const bundles = buildFunctionBundles({ buildVersion: process.env.IMAGE_TAG });
process.stdout.write(JSON.stringify({ layer: bundles.layer.directory, api: bundles.handlers.api.directory, server: bundles.apiServer.directory }));
' >build/api-image/bundles.json
layer_dir=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layer"])' build/api-image/bundles.json)
api_dir=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api"])' build/api-image/bundles.json)
run cp -R "$layer_dir" build/api-image/layer
server_dir=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["server"])' build/api-image/bundles.json)
run cp -R "$api_dir" build/api-image/api
# ECS's entry point (node /var/task/server.js), beside the handler it wraps.
run cp "$server_dir/server.js" build/api-image/api/server.js
fi
# The Python image needs nothing staged: app/Dockerfile installs app/requirements.txt and copies app/platform_app.

local_image=api:$tag
run docker build --platform "$platform" --file "$dockerfile" --tag "$local_image" .

digest=""
for repository in $repositories; do
  [[ $repository =~ ^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.[a-z0-9.]+/([a-z0-9._/-]+)$ ]] || die "'$repository' is not an ECR repository URI (<account>.dkr.ecr.<region>.amazonaws.com/<name>)"
  registry=${repository%%/*}
  region=${BASH_REMATCH[2]}
  name=${BASH_REMATCH[3]}
  # Tags are immutable: a re-run of the same commit finds its image already there.
  existing=$(aws ecr describe-images --region "$region" --repository-name "$name" --image-ids "imageTag=$tag" --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true)
  if [ -z "$existing" ] || [ "$existing" = "None" ]; then
    say "pushing $local_image to $repository:$tag"
    aws ecr get-login-password --region "$region" | run docker login --username AWS --password-stdin "$registry"
    run docker tag "$local_image" "$repository:$tag"
    run docker push "$repository:$tag"
    existing=$(run aws ecr describe-images --region "$region" --repository-name "$name" --image-ids "imageTag=$tag" --query 'imageDetails[0].imageDigest' --output text)
  else
    say "$repository:$tag exists already ($existing); not pushing again"
  fi
  [[ $existing =~ ^sha256:[0-9a-f]{64}$ ]] || die "ECR reports no digest for $repository:$tag (got '$existing')"
  [ -z "$digest" ] || [ "$digest" = "$existing" ] || die "$repository:$tag is $existing, but another repository holds $digest under the same tag"
  digest=$existing
done
[ -n "$digest" ] || die "IMAGE_REPOSITORIES names no repository"

printf 'IMAGE_TAG=%s\nIMAGE_DIGEST=%s\n' "$tag" "$digest" >"$image_file"
say "image $tag is $digest (written to $image_file)"

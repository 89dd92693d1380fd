#!/usr/bin/env bash
# Rolls one environment's API to the image digest backend-build.sh pushed, and waits until it runs.
#
#   DEPLOY_TARGET=lambda FUNCTION_NAME=platform-stage-api REPOSITORY_URI=<account>.dkr.ecr.<region>.amazonaws.com/platform-stage-api scripts/ci/backend-deploy.sh
#
# Environment: DEPLOY_TARGET (required: lambda or ecs); REPOSITORY_URI (required); IMAGE_DIGEST
# (default: read from IMAGE_FILE, default image.env, written by backend-build.sh);
# lambda: FUNCTION_NAME (required);
# ecs: CLUSTER_NAME, SERVICE_NAME, TASK_FAMILY (required), CONTAINER_NAME (default api).
# AWS_REGION selects the environment's region.
set -euo pipefail
# shellcheck source=scripts/ci/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/log.sh"
# shellcheck source=scripts/ci/deploy-role.sh
source "$(dirname "${BASH_SOURCE[0]}")/deploy-role.sh"
use_deploy_role

target=${DEPLOY_TARGET:?set DEPLOY_TARGET to lambda or ecs}
repository=${REPOSITORY_URI:?set REPOSITORY_URI to the environment ECR repository, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-stage-api}
image_file=${IMAGE_FILE:-image.env}
digest=${IMAGE_DIGEST:-}
if [ -z "$digest" ] && [ -f "$image_file" ]; then
  digest=$(sed -n 's/^IMAGE_DIGEST=//p' "$image_file")
fi
[ -n "$digest" ] || die "set IMAGE_DIGEST, or run scripts/ci/backend-build.sh first (it writes $image_file)"
[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die "IMAGE_DIGEST must be sha256:<64 hex digits> (got '$digest')"
# By digest, never by tag: what was built and checked is exactly what runs.
image_uri=$repository@$digest

case "$target" in
  lambda)
    function=${FUNCTION_NAME:?set FUNCTION_NAME, e.g. platform-stage-api}
    say "rolling function $function to $image_uri"
    run aws lambda update-function-code --function-name "$function" --image-uri "$image_uri" --publish --output text --query 'LastUpdateStatus'
    run aws lambda wait function-updated --function-name "$function"
    say "function $function runs $image_uri"
    ;;
  ecs)
    cluster=${CLUSTER_NAME:?set CLUSTER_NAME, e.g. platform-stage-cluster}
    service=${SERVICE_NAME:?set SERVICE_NAME, e.g. platform-stage-api}
    family=${TASK_FAMILY:?set TASK_FAMILY, e.g. platform-stage-api}
    container=${CONTAINER_NAME:-api}
    work=$(mktemp -d)
    trap 'rm -rf "$work" "${DEPLOY_ROLE_CONFIG:-}"' EXIT
    say "registering a revision of $family with $container on $image_uri"
    run aws ecs describe-task-definition --task-definition "$family" --query taskDefinition --output json >"$work/current.json"
    # Everything but the image stays as Terraform last wrote it; read-only fields are dropped.
    python3 - "$work/current.json" "$container" "$image_uri" >"$work/next.json" <<'PY'
import json, sys
path, container, image = sys.argv[1:]
definition = json.load(open(path))
for field in ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt"):
    definition.pop(field, None)
matches = [c for c in definition["containerDefinitions"] if c["name"] == container]
if not matches:
    sys.exit(f"error: the task definition has no container named {container}")
matches[0]["image"] = image
json.dump(definition, sys.stdout)
PY
    revision=$(run aws ecs register-task-definition --cli-input-json "file://$work/next.json" --query taskDefinition.taskDefinitionArn --output text)
    say "updating service $service to $revision"
    run aws ecs update-service --cluster "$cluster" --service "$service" --task-definition "$revision" --query service.serviceName --output text
    run aws ecs wait services-stable --cluster "$cluster" --services "$service"
    say "service $service runs $image_uri"
    ;;
  *) die "DEPLOY_TARGET must be lambda or ecs (got '$target')" ;;
esac

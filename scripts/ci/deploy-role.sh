# Sourced by the scripts in scripts/ci/ that act on an environment (after log.sh).
# With DEPLOY_ROLE_ARN (an environment in another account; the pipeline sets it per stack or step),
# Terraform and the AWS CLI run as that role: a profile of its own whose source is the build's own credentials
# (DEPLOY_CREDENTIAL_SOURCE, EcsContainer in CodeBuild) or the profile already selected
# (AWS_PROFILE). The SDK behind the AWS provider and the S3 backend renews the role's session
# from it, so an apply may outlast the one hour a chained role session lasts. Nothing is written
# into the synthesized stacks: a saved plan keeps its backend settings, and the plan and the apply
# of one stack run as different roles.
use_deploy_role() {
  [ -n "${DEPLOY_ROLE_ARN:-}" ] || return 0
  [[ $DEPLOY_ROLE_ARN =~ ^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$ ]] || die "DEPLOY_ROLE_ARN '$DEPLOY_ROLE_ARN' is not an IAM role ARN"
  local config source
  config=$(mktemp "${TMPDIR:-/tmp}/deploy-role-config.XXXXXX")
  if [ -n "${AWS_PROFILE:-}" ]; then
    source="source_profile = $AWS_PROFILE"
    # The source profile lives in the user's own configuration; keep it readable beside ours.
    cat "${AWS_CONFIG_FILE:-$HOME/.aws/config}" >>"$config" 2>/dev/null || true
  else
    source="credential_source = ${DEPLOY_CREDENTIAL_SOURCE:-EcsContainer}"
  fi
  cat >>"$config" <<PROFILE

[profile platform-deploy]
role_arn = $DEPLOY_ROLE_ARN
$source
role_session_name = ${STACK:-platform-delivery}-$(date +%s)
PROFILE
  export AWS_CONFIG_FILE=$config AWS_PROFILE=platform-deploy DEPLOY_ROLE_CONFIG=$config
  # The profile lives as long as the script; a script that sets its own EXIT trap removes it too.
  trap 'rm -f "$DEPLOY_ROLE_CONFIG"' EXIT
  # Keys in the environment would win over the profile.
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
  say "running as $DEPLOY_ROLE_ARN ($source)"
}

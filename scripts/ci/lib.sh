# Shared by the scripts in scripts/ci/ (sourced, not run).
# Every command is echoed before it runs, so a build log reads as a transcript.

TERRAFORM=${TERRAFORM:-terraform}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACKS_DIR=${STACKS_DIR:-$REPO_ROOT/cdktf.out/stacks}

# shellcheck source=scripts/ci/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/log.sh"

# The working directory of $STACK, as `npm run synth` (or the Synth build) wrote it.
stack_dir() {
  [ -n "${STACK:-}" ] || die "set STACK to the stack to run, e.g. STACK=core-dev $0"
  case "$STACK" in
    */* | .*) die "STACK must be a stack name such as core-dev, not a path (got '$STACK')" ;;
  esac
  local dir=$STACKS_DIR/$STACK
  [ -f "$dir/cdk.tf.json" ] || die "$dir/cdk.tf.json does not exist: run 'npm run synth' first (stacks: $(ls "$STACKS_DIR" 2>/dev/null | tr '\n' ' '))"
  printf '%s\n' "$dir"
}

command -v "${TERRAFORM%% *}" >/dev/null 2>&1 || die "'$TERRAFORM' not found: install Terraform (scripts/ci/install-terraform.sh) or set TERRAFORM=tofu"

# shellcheck source=scripts/ci/deploy-role.sh
source "$(dirname "${BASH_SOURCE[0]}")/deploy-role.sh"

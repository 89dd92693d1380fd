#!/usr/bin/env bash
# Applies exactly the plan plan.sh saved for one stack, nothing else.
#
#   STACK=core-dev scripts/ci/apply.sh
#
# `terraform apply tfplan` refuses a plan whose state moved after planning ("Saved plan is
# stale"): plan again, review again. Environment: STACK (required); TERRAFORM (default
# terraform; tofu works); STACKS_DIR (default cdktf.out/stacks).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir=$(stack_dir)
use_deploy_role
cd "$dir"
[ -f tfplan ] || die "$dir/tfplan does not exist: run 'STACK=$STACK scripts/ci/plan.sh' first"
# A review plan skipped refresh: it shows a proposed change, not what applying it would do now.
[ "$(cat plan.mode 2>/dev/null || echo refresh)" = refresh ] || die "$dir/tfplan is a review plan (PLAN_MODE=review, no refresh); plan again without PLAN_MODE to apply"
say "applying the saved plan of $STACK in $dir with $($TERRAFORM version | sed -n 1p)"
export TF_IN_AUTOMATION=${TF_IN_AUTOMATION:-1} TF_INPUT=${TF_INPUT:-0}

# In the pipeline this runs on a fresh machine: initialize again with the lock file the plan
# was made with, so the providers are the ones the plan was made with.
lockfile=()
[ -f .terraform.lock.hcl ] && lockfile=(-lockfile=readonly)
run $TERRAFORM init -input=false -no-color ${lockfile[@]+"${lockfile[@]}"}
run $TERRAFORM apply -input=false -no-color -lock-timeout=5m tfplan
say "applied the saved plan of $STACK"

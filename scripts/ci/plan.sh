#!/usr/bin/env bash
# Plans one synthesized stack and saves the plan for apply.sh.
#
#   npm run synth && STACK=core-dev scripts/ci/plan.sh
#
# Writes into cdktf.out/stacks/$STACK/:
#   tfplan     the saved plan; apply.sh applies exactly this file
#   plan.json  the same plan as JSON (terraform show -json), for policy checks and review tools
#   plan.txt   the human-readable plan; its last line is the summary ("Plan: 1 to add, ...")
# Environment: STACK (required); TERRAFORM (default terraform; tofu works); STACKS_DIR (default
# cdktf.out/stacks); PLAN_SUMMARY_URI (optional s3:// URI: plan.txt is copied there for approvers);
# DEPLOY_ROLE_ARN (optional): run as this role of an environment account (lib.sh use_deploy_role);
# PLAN_MODE: `refresh` (default) compares with what exists and holds the lock; `review` plans a
# proposed change without refresh and without the lock, for pull requests, whose role may read
# only state and data sources. apply.sh refuses a review plan.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir=$(stack_dir)
use_deploy_role
cd "$dir"
say "planning $STACK in $dir with $($TERRAFORM version | sed -n 1p)"
export TF_IN_AUTOMATION=${TF_IN_AUTOMATION:-1} TF_INPUT=${TF_INPUT:-0}

mode=${PLAN_MODE:-refresh}
case "$mode" in
  refresh) mode_flags=(-lock-timeout=5m) ;;
  review) mode_flags=(-refresh=false -lock=false) ;;
  *) die "PLAN_MODE must be 'refresh' (compare with what exists) or 'review' (a proposed change, no refresh), not '$mode'" ;;
esac

rm -f tfplan plan.json plan.txt plan.mode
run $TERRAFORM init -input=false -no-color
run $TERRAFORM plan -input=false -no-color "${mode_flags[@]}" -out=tfplan
printf '%s\n' "$mode" >plan.mode
run $TERRAFORM show -json tfplan >plan.json
run $TERRAFORM show -no-color tfplan >plan.txt

summary=$(grep -E '^(Plan: |No changes\.|You can apply this plan)' plan.txt | tail -n 1 || true)
say "plan of $STACK saved to $dir/tfplan: ${summary:-see plan.txt}"

if [ -n "${PLAN_SUMMARY_URI:-}" ]; then
  run aws s3 cp --only-show-errors --content-type text/plain plan.txt "$PLAN_SUMMARY_URI"
fi

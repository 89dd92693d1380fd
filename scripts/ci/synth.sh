#!/usr/bin/env bash
# Installs the locked dependencies and synthesizes every stack into cdktf.out/stacks/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
say() { printf '==> %s\n' "$*" >&2; }
run() {
  printf '+ %s\n' "$*" >&2
  "$@"
}
say "synthesizing with node $(node --version)"
export CHECKPOINT_DISABLE=1
run npm ci --no-audit --no-fund
run npm run synth
say "stacks: $(ls cdktf.out/stacks | tr '\n' ' ')"

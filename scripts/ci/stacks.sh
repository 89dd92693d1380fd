#!/usr/bin/env bash
# Prints the stacks the pipeline deploys, in promotion order (delivery.config.json "environments",
# each as core, infra, app), one per line. GitHub Actions loops over this list.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
node -e '
const { environments } = JSON.parse(require("fs").readFileSync("delivery.config.json", "utf8"));
for (const environment of environments) for (const layer of ["core", "infra", "app"]) console.log(`${layer}-${environment}`);
'

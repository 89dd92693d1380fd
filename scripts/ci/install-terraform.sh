#!/usr/bin/env bash
# Installs the pinned Terraform release after checking its SHA-256.
#
#   TERRAFORM_VERSION=1.11.4 TERRAFORM_SHA256=<sha256 of the linux_amd64 zip> scripts/ci/install-terraform.sh
#
# Environment: TERRAFORM_VERSION and TERRAFORM_SHA256 (required; the pipeline sets them from
# delivery.config.json); TERRAFORM_INSTALL_DIR (default /usr/local/bin); TERRAFORM_ZIP_URL
# (default: the release on releases.hashicorp.com, for linux_amd64).
set -euo pipefail
# shellcheck source=scripts/ci/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/log.sh"

version=${TERRAFORM_VERSION:?set TERRAFORM_VERSION, e.g. 1.11.4}
sha256=${TERRAFORM_SHA256:?set TERRAFORM_SHA256 to the SHA-256 of the release zip}
[[ $sha256 =~ ^[0-9a-f]{64}$ ]] || die "TERRAFORM_SHA256 must be 64 lower-case hex digits (got '$sha256')"
dest=${TERRAFORM_INSTALL_DIR:-/usr/local/bin}
url=${TERRAFORM_ZIP_URL:-https://releases.hashicorp.com/terraform/$version/terraform_${version}_linux_amd64.zip}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say "installing Terraform $version into $dest"
run curl -fsSL --retry 3 -o "$work/terraform.zip" "$url"
# A mismatch stops the build: never run an unverified binary with the apply role's permissions.
echo "$sha256  $work/terraform.zip" | run sha256sum --check --strict -
run unzip -q -o "$work/terraform.zip" terraform -d "$work"
installed=$("$work/terraform" version | sed -n 1p) # sed reads to the end: head would close the pipe early (SIGPIPE under pipefail)
[ "$installed" = "Terraform v$version" ] || die "the download reports '$installed', expected 'Terraform v$version'; nothing was installed"
mkdir -p "$dest"
run install -m 0755 "$work/terraform" "$dest/terraform"
say "$installed, checksum verified"

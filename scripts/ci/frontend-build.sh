#!/usr/bin/env bash
# Builds the SPA into OUTPUT_DIR for frontend-publish.sh.
#
#   scripts/ci/frontend-build.sh                   # copies site/ into dist/site, fingerprinting its assets
#   BUILD_COMMAND="npm run build:site" scripts/ci/frontend-build.sh
#
# Environment: OUTPUT_DIR (default dist/site); BUILD_COMMAND (optional: runs instead of the copy
# and must leave the files in OUTPUT_DIR); SITE_SOURCE (default site).
# The copy renames every .js and .css file to <name>.<8 hex of its SHA-256>.<ext> and rewrites
# index.html to match, so frontend-publish.sh may cache them for a year: a change is a new name.
set -euo pipefail
# shellcheck source=scripts/ci/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/log.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

out=${OUTPUT_DIR:-dist/site}
case "$out" in
  /* | *..* | "" | .) die "OUTPUT_DIR must be a directory inside the repository such as dist/site (got '$out')" ;;
esac

if [ -n "${BUILD_COMMAND:-}" ]; then
  rm -rf "$out"
  run bash -c "$BUILD_COMMAND"
else
  source_dir=${SITE_SOURCE:-site}
  [ -f "$source_dir/index.html" ] || die "$source_dir/index.html does not exist"
  rm -rf "$out"
  mkdir -p "$out"
  run cp -R "$source_dir/." "$out/"
  while IFS= read -r -d '' file; do
    relative=${file#"$out"/}
    hash=$(sha256sum "$file" | cut -c1-8)
    hashed=${relative%.*}.$hash.${relative##*.}
    run mv "$file" "$out/$hashed"
    # References in index.html are relative to the site root: "app.js", "./app.js" or "/app.js".
    python3 - "$out/index.html" "$relative" "$hashed" <<'PY'
import re, sys
path, old, new = sys.argv[1:]
html = open(path).read()
html = re.sub(r'(["\'](?:\./|/)?)' + re.escape(old) + r'(["\'])', lambda m: m.group(1) + new + m.group(2), html)
open(path, "w").write(html)
PY
  done < <(find "$out" -type f \( -name '*.js' -o -name '*.css' \) -print0)
fi
[ -f "$out/index.html" ] || die "the build left no $out/index.html"
say "site built into $out: $(find "$out" -type f | wc -l | tr -d ' ') files"

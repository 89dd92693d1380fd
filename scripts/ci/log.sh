# Logging for the scripts in scripts/ci/ (sourced, not run): every command is echoed before it
# runs, so a build log reads as a transcript.
say() { printf '==> %s\n' "$*" >&2; }
run() {
  printf '+ %s\n' "$*" >&2
  "$@"
}
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

/** The three kinds of build the pipeline runs; each is one CodeBuild project reused by every stack. */
export type BuildStep = "synth" | "plan" | "apply";

/** Where the saved plans and their summaries sit inside a build's working directory. */
export const STACKS_DIR = "cdktf.out/stacks";

/**
 * The buildspec of one step: one line per phase, each calling a script under scripts/ci/, so the
 * same steps run on a laptop, in GitHub Actions and in tests. `bash` runs them because artifact
 * zips do not keep the executable bit.
 */
export function buildspec(step: BuildStep): string {
  const lines = ["version: 0.2", "phases:", "  install:"];
  if (step === "synth") {
    lines.push("    runtime-versions:", "      nodejs: 20", "  build:", "    commands:", "      - bash scripts/ci/synth.sh");
  } else {
    lines.push("    commands:", "      - bash scripts/ci/install-terraform.sh", "  build:", "    commands:", `      - bash scripts/ci/${step}.sh`);
  }
  lines.push("artifacts:", "  files:");
  if (step === "synth") {
    // The stack directories and the scripts that plan and apply them, at the same paths as in the repository.
    lines.push(`    - "${STACKS_DIR}/**/*"`, '    - "scripts/ci/**/*"');
  } else {
    // The plan artifact carries the saved plan, plan.json and plan.txt beside the configuration; providers are
    // downloaded again by `terraform init` (pinned by the lock file), so .terraform/ stays out.
    lines.push('    - "**/*"', "  exclude-paths:", '    - "**/.terraform/**/*"');
  }
  return `${lines.join("\n")}\n`;
}

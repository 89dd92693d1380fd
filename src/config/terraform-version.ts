import type { TerraformStack } from "cdktf";

/**
 * The oldest Terraform (and OpenTofu) that can run the stacks: 1.11 brought write-only arguments,
 * which keep the app secret out of state, on top of 1.10's ephemeral resources. Older versions
 * would stop at "unsupported block type" instead of saying what they lack.
 */
export const MINIMUM_TERRAFORM_VERSION = "1.11.0";

/** Declares the minimum version in the stack's `terraform` block (cdktf has no setting for it). */
export function requireTerraformVersion(stack: TerraformStack): void {
  stack.addOverride("terraform.required_version", `>= ${MINIMUM_TERRAFORM_VERSION}`);
}

/** Whether an exact release (`1.11.4`) is at least the minimum. */
export function meetsMinimumTerraformVersion(version: string): boolean {
  const [major, minor, patch] = version.split(".").map(Number);
  const [minMajor, minMinor, minPatch] = MINIMUM_TERRAFORM_VERSION.split(".").map(Number);
  return major !== minMajor ? major > minMajor : minor !== minMinor ? minor > minMinor : patch >= minPatch;
}

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeStacks, type StackJson } from "../support/synth";

/**
 * Resources whose construct path changed keep their deployed objects through `moved` blocks: the
 * origin secret's rotation function became a PlatformFunction, so its function, role, log group
 * (and its logs) and inline policy moved one construct level down. The old addresses are what
 * applied states hold, written here as they were synthesized before the change.
 */
const ROTATOR_MOVES: Record<string, string> = {
  "aws_lambda_function.origin_function_BD0CCFFA": "aws_lambda_function.origin_rotator_function_",
  "aws_iam_role.origin_role_74BC6CE2": "aws_iam_role.origin_rotator_role_",
  "aws_cloudwatch_log_group.origin_log-group_C6F41329": "aws_cloudwatch_log_group.origin_rotator_log-group_",
  "aws_iam_role_policy.origin_grants_policy_555488AD": "aws_iam_role_policy.origin_rotator_grants_policy_",
};

const toolchainDir = process.env.TOOLCHAIN_DIR ?? join(homedir(), ".cache", "serverless-platform-toolchain");
const tofu = join(toolchainDir, "bin", "tofu");

function tofuIn(dir: string, ...args: string[]) {
  const run = spawnSync(tofu, args, { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CHECKPOINT_DISABLE: "1" }, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const declared = (stack: StackJson, address: string): boolean => {
  const [type, name] = address.split(".");
  return stack.resource?.[type]?.[name] !== undefined;
};

describe("moved resources", () => {
  const stacks = synthesizeStacks();
  const infraStacks = [...stacks.entries()].filter(([name]) => name.startsWith("infra-"));

  it.each(infraStacks.map(([name]) => name))("%s moves the rotation function's parts from their old addresses to declared ones", (name) => {
    const stack = stacks.get(name)!;
    const moved: { from: string; to: string }[] = stack.moved ?? [];
    expect(moved.map((move) => move.from).sort()).toEqual(Object.keys(ROTATOR_MOVES).sort());
    for (const { from, to } of moved) {
      expect(to.startsWith(ROTATOR_MOVES[from])).toBe(true);
      // Terraform refuses a move whose source is still declared, and one to nothing.
      expect(declared(stack, to)).toBe(true);
      expect(declared(stack, from)).toBe(false);
    }
  });

  it("the synthesized moved blocks move state in OpenTofu without replacing anything", () => {
    if (!existsSync(tofu)) throw new Error(`OpenTofu is not installed at ${tofu}: npm test installs it (bash scripts/toolchain.sh tofu)`);
    const moved: { from: string; to: string }[] = stacks.get("infra-dev")!.moved;
    expect(moved).toHaveLength(4);
    // The same addresses with terraform_data (built in, no provider): what is checked is the JSON form of the blocks and the names, not the AWS types.
    const asData = (address: string) => `terraform_data.${address.split(".")[1]}`;
    const dir = mkdtempSync(join(tmpdir(), "platform-moved-"));
    const write = (config: object) => writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config));
    write({ resource: { terraform_data: Object.fromEntries(moved.map(({ from }) => [from.split(".")[1], { input: from }])) } });
    expect(tofuIn(dir, "init", "-input=false", "-no-color").status).toBe(0);
    const applied = tofuIn(dir, "apply", "-auto-approve", "-input=false", "-no-color");
    expect([applied.status, applied.output]).toEqual([0, expect.stringContaining("4 added")]);

    write({
      resource: { terraform_data: Object.fromEntries(moved.map(({ from, to }) => [to.split(".")[1], { input: from }])) },
      moved: moved.map(({ from, to }) => ({ from: asData(from), to: asData(to) })),
    });
    const plan = tofuIn(dir, "plan", "-input=false", "-no-color", "-detailed-exitcode");
    // Exit 2: a move is a change of state; a broken one would plan 4 to destroy and 4 to add instead.
    expect([plan.status, plan.output]).toEqual([2, expect.stringContaining("Plan: 0 to add, 0 to change, 0 to destroy.")]);
    for (const { from, to } of moved) expect(plan.output).toContain(`# ${asData(from)} has moved to ${asData(to)}`);
  });
});

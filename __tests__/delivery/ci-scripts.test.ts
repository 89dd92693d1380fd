import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { loadDeliveryConfig } from "../../src/config/delivery-schema";
import { stackName } from "../../src/config/layers";
import { REPOSITORY_ROOT } from "../support/project";

/** The layers every environment is promised, in deploy order (README, "Stacks"). */
const LAYERS = ["core", "infra", "app"] as const;

/**
 * The scripts the pipeline's buildspecs call, run for real: plan.sh and apply.sh against a tiny
 * synthesized stack that uses only Terraform's built-in `terraform_data` (no provider download)
 * and a local backend, with every Terraform-compatible binary this machine has.
 */
const CANDIDATES = [
  ["terraform", process.env.TERRAFORM_BIN ?? "/usr/local/bin/terraform"],
  ["tofu", join(process.env.TOOLCHAIN_DIR ?? join(homedir(), ".cache", "serverless-platform-toolchain"), "bin", "tofu")],
] as const;
const binaries = CANDIDATES.filter(([, path]) => existsSync(path));
const script = (name: string) => join(REPOSITORY_ROOT, "scripts", "ci", name);

interface Run {
  status: number | null;
  output: string;
}

function bash(file: string, env: Record<string, string>, cwd = REPOSITORY_ROOT): Run {
  const run = spawnSync("bash", [file], { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A stacks directory with one stack, `demo`, whose only resource records `value`. */
function writeStack(stacksDir: string, value: string): string {
  const dir = join(stacksDir, "demo");
  mkdirSync(dir, { recursive: true });
  const stack = {
    terraform: { backend: { local: { path: "terraform.tfstate" } } },
    variable: { v: { type: "string", default: value } },
    resource: { terraform_data: { demo: { input: "${var.v}" } } },
    output: { v: { value: "${terraform_data.demo.output}" } },
  };
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(stack, null, 2));
  return dir;
}

const stateValue = (dir: string) => JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")).outputs.v.value;

describe("scripts/ci", () => {
  it("finds a Terraform-compatible binary to run the scripts with", () => {
    if (binaries.length === 0) {
      throw new Error(
        `neither Terraform (${CANDIDATES[0][1]}) nor OpenTofu (${CANDIDATES[1][1]}) is installed: install Terraform 1.11.4 there or run scripts/toolchain.sh tofu`,
      );
    }
    expect(binaries.length).toBeGreaterThan(0);
  });

  describe.each(binaries)("plan.sh and apply.sh with %s", (_name, binary) => {
    let stacksDir: string;
    let env: Record<string, string>;
    beforeEach(() => {
      const work = mkdtempSync(join(tmpdir(), "platform-ci-"));
      stacksDir = join(work, "stacks");
      // An empty CLI configuration: no machine-wide mirrors or credentials leak into the run.
      writeFileSync(join(work, "cli.tfrc"), "");
      env = { TERRAFORM: binary, STACKS_DIR: stacksDir, STACK: "demo", CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: join(work, "cli.tfrc") };
    });

    it("saves the plan, its JSON and its human summary, and echoes what it runs", () => {
      const dir = writeStack(stacksDir, "one");
      const plan = bash(script("plan.sh"), env);
      expect([plan.status, plan.output]).toEqual([0, expect.stringContaining("plan -input=false -no-color -lock-timeout=5m -out=tfplan")]);
      expect(plan.output).toMatch(/plan of demo saved to .*tfplan: Plan: 1 to add, 0 to change, 0 to destroy\./);
      expect(existsSync(join(dir, "tfplan"))).toBe(true);
      const json = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
      expect(json.resource_changes).toEqual([expect.objectContaining({ address: "terraform_data.demo", change: expect.objectContaining({ actions: ["create"] }) })]);
      expect(readFileSync(join(dir, "plan.txt"), "utf8")).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy\./);
      expect(existsSync(join(dir, "terraform.tfstate"))).toBe(false);
    });

    it("applies exactly the saved plan on a fresh working directory, not the configuration as it is now", () => {
      const dir = writeStack(stacksDir, "one");
      expect(bash(script("plan.sh"), env).status).toBe(0);
      // The configuration changes after the plan was reviewed, and the apply runs on another machine.
      writeStack(stacksDir, "two");
      rmSync(join(dir, ".terraform"), { recursive: true, force: true });
      const apply = bash(script("apply.sh"), env);
      expect([apply.status, apply.output]).toEqual([0, expect.stringContaining("apply -input=false -no-color -lock-timeout=5m tfplan")]);
      expect(stateValue(dir)).toBe("one");
    });

    it("refuses a stale plan: the state changed after planning", () => {
      const dir = writeStack(stacksDir, "one");
      expect(bash(script("plan.sh"), env).status).toBe(0);
      expect(bash(script("apply.sh"), env).status).toBe(0);
      writeStack(stacksDir, "two");
      expect(bash(script("plan.sh"), env).status).toBe(0);
      // Someone else applies in between.
      const other = spawnSync(binary, ["apply", "-auto-approve", "-input=false", "-var", "v=three"], { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8" });
      expect([other.status, other.stderr]).toEqual([0, expect.any(String)]);
      const apply = bash(script("apply.sh"), env);
      expect(apply.status).not.toBe(0);
      expect(apply.output).toMatch(/Saved plan is stale/);
      expect(stateValue(dir)).toBe("three");
    });

    it("plans a proposed change without refresh and without the lock in review mode, and never applies such a plan", () => {
      writeStack(stacksDir, "one");
      const review = bash(script("plan.sh"), { ...env, PLAN_MODE: "review" });
      expect([review.status, review.output]).toEqual([0, expect.stringContaining("plan -input=false -no-color -refresh=false -lock=false -out=tfplan")]);
      const apply = bash(script("apply.sh"), env);
      expect([apply.status, apply.output]).toEqual([1, expect.stringContaining("is a review plan (PLAN_MODE=review, no refresh)")]);
      expect(bash(script("plan.sh"), { ...env, PLAN_MODE: "yolo" })).toEqual({ status: 1, output: expect.stringContaining("PLAN_MODE must be 'refresh'") });
    });

    it("says what is missing: the stack name, the synthesized stack, the saved plan", () => {
      const { STACK: _stack, ...withoutStack } = env;
      expect(bash(script("plan.sh"), withoutStack)).toEqual({ status: 1, output: expect.stringContaining("set STACK to the stack to run, e.g. STACK=core-dev") });
      expect(bash(script("plan.sh"), { ...env, STACK: "core-nowhere" })).toEqual({ status: 1, output: expect.stringContaining("run 'npm run synth' first") });
      expect(bash(script("plan.sh"), { ...env, STACK: "../etc" })).toEqual({ status: 1, output: expect.stringContaining("must be a stack name") });
      writeStack(stacksDir, "one");
      expect(bash(script("apply.sh"), env)).toEqual({ status: 1, output: expect.stringContaining("run 'STACK=demo scripts/ci/plan.sh' first") });
    });
  });

  describe("install-terraform.sh", () => {
    let work: string;
    let zipUrl: string;
    let sha256: string;
    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), "platform-install-"));
      // A stand-in release zip: a `terraform` that reports the pinned version.
      const fake = join(work, "terraform");
      writeFileSync(fake, '#!/bin/sh\necho "Terraform v1.11.4"\necho "on linux_amd64"\n');
      chmodSync(fake, 0o755);
      const zip = join(work, "terraform.zip");
      const made = spawnSync("python3", ["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w'); z.write(sys.argv[2], 'terraform'); z.close()", zip, fake]);
      expect(made.status).toBe(0);
      zipUrl = `file://${zip}`;
      sha256 = createHash("sha256").update(readFileSync(zip)).digest("hex");
    });

    it("installs the release whose checksum matches", () => {
      const dest = join(work, "good-bin");
      const run = bash(script("install-terraform.sh"), { TERRAFORM_VERSION: "1.11.4", TERRAFORM_SHA256: sha256, TERRAFORM_ZIP_URL: zipUrl, TERRAFORM_INSTALL_DIR: dest });
      expect([run.status, run.output]).toEqual([0, expect.stringContaining("Terraform v1.11.4, checksum verified")]);
      expect(existsSync(join(dest, "terraform"))).toBe(true);
    });

    it("refuses a download whose checksum differs, and installs nothing", () => {
      const dest = join(work, "bad-bin");
      const run = bash(script("install-terraform.sh"), { TERRAFORM_VERSION: "1.11.4", TERRAFORM_SHA256: "0".repeat(64), TERRAFORM_ZIP_URL: zipUrl, TERRAFORM_INSTALL_DIR: dest });
      expect(run.status).not.toBe(0);
      expect(run.output).toMatch(/FAILED/);
      expect(existsSync(join(dest, "terraform"))).toBe(false);
    });

    it("refuses a release that reports another version", () => {
      const dest = join(work, "other-bin");
      const run = bash(script("install-terraform.sh"), { TERRAFORM_VERSION: "1.11.5", TERRAFORM_SHA256: sha256, TERRAFORM_ZIP_URL: zipUrl, TERRAFORM_INSTALL_DIR: dest });
      expect([run.status, run.output]).toEqual([1, expect.stringContaining("the download reports 'Terraform v1.11.4', expected 'Terraform v1.11.5'; nothing was installed")]);
      expect(existsSync(join(dest, "terraform"))).toBe(false);
    });
  });

  it("runs Terraform as DEPLOY_ROLE_ARN through a profile of its own that renews itself from the build's credentials, or from the caller's profile", () => {
    const probe = (env: Record<string, string>) =>
      spawnSync("bash", ["-c", `source ${script("lib.sh")} && use_deploy_role && echo "profile=$AWS_PROFILE keys=\${AWS_ACCESS_KEY_ID:-none}" && cat "\${AWS_CONFIG_FILE:-/dev/null}"`], {
        env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "platform-home-")), TERRAFORM: "bash", STACK: "core-prod", ...env },
        encoding: "utf8",
      });
    const role = "arn:aws:iam::333333333333:role/platform-prod-deploy-apply";
    const build = probe({ DEPLOY_ROLE_ARN: role, AWS_ACCESS_KEY_ID: "AKIAEXAMPLE" });
    expect(build.status).toBe(0);
    expect(build.stdout).toContain("profile=platform-deploy keys=none");
    expect(build.stdout).toMatch(new RegExp(`\\[profile platform-deploy\\]\nrole_arn = ${role}\ncredential_source = EcsContainer\nrole_session_name = core-prod-\\d+\n`));
    const person = probe({ DEPLOY_ROLE_ARN: role, AWS_PROFILE: "tooling-admin" });
    expect(person.stdout).toMatch(/role_arn = .*\nsource_profile = tooling-admin\n/);
    const none = probe({});
    expect([none.status, none.stdout]).toEqual([0, "profile= keys=none\n"]);
    // The profile goes with the script.
    const leftover = spawnSync("bash", ["-c", `source ${script("lib.sh")} && use_deploy_role && echo "$AWS_CONFIG_FILE"`], {
      env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "platform-home-")), TERRAFORM: "bash", DEPLOY_ROLE_ARN: role },
      encoding: "utf8",
    });
    expect(leftover.status).toBe(0);
    expect(existsSync(leftover.stdout.trim().split("\n").pop()!)).toBe(false);
    const wrong = probe({ DEPLOY_ROLE_ARN: "platform-prod-deploy-apply" });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain("is not an IAM role ARN");
  });

  it("stacks.sh lists the pipeline's stacks in promotion order, for the GitHub Actions workflow", () => {
    const { environments } = loadDeliveryConfig(REPOSITORY_ROOT)!;
    const run = bash(script("stacks.sh"), {});
    expect([run.status, run.output.trim().split("\n")]).toEqual([0, environments.flatMap((environment) => LAYERS.map((layer) => stackName(layer, environment)))]);
  });
});

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { synthesizeStacks } from "../support/synth";

/**
 * The app secret's password and the expression handed to `secret_string_wo`, taken verbatim from the
 * synthesized infra-dev stack and run with OpenTofu and the random provider the toolchain builds
 * (its snapshot after 3.9.0; the stacks pin 3.7.2, which no registry here serves). The AWS secret
 * version itself needs the AWS provider, which cannot be obtained here, so a module whose input is
 * declared ephemeral stands in for the write-only argument: what it accepts, `secret_string_wo` does.
 */
const toolchainDir = process.env.TOOLCHAIN_DIR ?? join(homedir(), ".cache", "serverless-platform-toolchain");
const tofu = join(toolchainDir, "bin", "tofu");
const mirror = join(toolchainDir, "providers");

function tofuIn(dir: string, cliConfig: string, ...args: string[]) {
  const run = spawnSync(tofu, args, { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: "1" }, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("the app secret, run by OpenTofu", () => {
  let ephemeral: Record<string, any>;
  let secretString: string;
  let cliConfig: string;

  beforeAll(() => {
    if (!existsSync(tofu)) throw new Error(`OpenTofu is not installed at ${tofu}: npm test installs it (bash scripts/toolchain.sh tofu)`);
    const infra = synthesizeStacks().get("infra-dev")!;
    ephemeral = infra.ephemeral;
    const [version] = Object.values<any>(infra.resource.aws_secretsmanager_secret_version);
    secretString = version.secret_string_wo;
    cliConfig = join(mkdtempSync(join(tmpdir(), "platform-secret-cli-")), "cli.tfrc");
    writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
  });

  /** A working directory with the synthesized password block and `consumer` receiving the secret expression. */
  function stack(consumer: Record<string, any>): string {
    const dir = mkdtempSync(join(tmpdir(), "platform-secret-"));
    const randomVersion = readFileSync(join(toolchainDir, "opt", "provider-random-3.9.0.source"), "utf8").split(" ")[0];
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({
        terraform: { required_providers: { random: { source: "hashicorp/random", version: randomVersion } } },
        ephemeral,
        locals: { app_secret: secretString },
        ...consumer,
      }),
    );
    mkdirSync(join(dir, "write-only"));
    writeFileSync(join(dir, "write-only", "main.tf.json"), JSON.stringify({ variable: { value: { type: "string", ephemeral: true, sensitive: true } } }));
    return dir;
  }

  it("generates the password and builds the secret JSON on plan and apply, leaving neither in the plan or the state", () => {
    const dir = stack({ module: { secret: { source: "./write-only", value: "${local.app_secret}" } }, resource: { terraform_data: { marker: { input: "applied" } } } });
    expect(tofuIn(dir, cliConfig, "init", "-input=false", "-no-color").status).toBe(0);
    const plan = tofuIn(dir, cliConfig, "plan", "-input=false", "-no-color", "-out=tfplan");
    expect([plan.status, plan.output]).toEqual([0, expect.stringContaining("Plan: 1 to add")]);
    const apply = tofuIn(dir, cliConfig, "apply", "-input=false", "-no-color", "tfplan");
    expect([apply.status, apply.output]).toEqual([0, expect.stringContaining("Apply complete!")]);
    const state = readFileSync(join(dir, "terraform.tfstate"), "utf8");
    const planJson = tofuIn(dir, cliConfig, "show", "-json", "tfplan").output;
    // A 64-character password of the configured alphabet would be a long run of these characters.
    for (const text of [state, planJson]) expect(text).not.toMatch(/SECRET_KEY[^,}]*[A-Za-z0-9!#%&*()\-_=+[\]{}<>:?]{40,}/);
    expect(state).not.toContain("random_password");
  });

  it("is refused anywhere Terraform would store it, so it can only ever go to a write-only argument", () => {
    const dir = stack({ resource: { terraform_data: { leak: { input: "${local.app_secret}" } } } });
    expect(tofuIn(dir, cliConfig, "init", "-input=false", "-no-color").status).toBe(0);
    const validate = tofuIn(dir, cliConfig, "validate", "-no-color");
    expect(validate.status).not.toBe(0);
    expect(validate.output).toMatch(/Ephemeral value used in non-ephemeral context/);
  });
});

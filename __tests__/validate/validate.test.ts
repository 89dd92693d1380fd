import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT, unavailableProviders } from "../../scripts/validate";
import { REPOSITORY_ROOT } from "../support/project";

/**
 * scripts/validate.ts run for real, with OpenTofu from the toolchain (and Terraform where this
 * machine has it), on small stacks that need only `terraform_data` and the random provider the
 * toolchain builds into its filesystem mirror. That provider is the module snapshot e1092b0cfc07,
 * mirrored as random 3.9.0 (scripts/toolchain.sh, RANDOM_PROVIDER_VERSION): the module proxy
 * serves no snapshot of the 3.7.2 the real stacks pin. The real stacks need hashicorp/aws, which
 * nothing here can build, so validating them is `npm run validate`'s job, not this suite's.
 */
const toolchainDir = process.env.TOOLCHAIN_DIR ?? join(homedir(), ".cache", "serverless-platform-toolchain");
const RANDOM_VERSION = "3.9.0";
const tofu = join(toolchainDir, "bin", "tofu");
const mirror = join(toolchainDir, "providers");
const randomInMirror = join(mirror, "registry.opentofu.org", "hashicorp", "random", RANDOM_VERSION);
const terraform = process.env.TERRAFORM_BIN ?? "/usr/local/bin/terraform";
const binaries = [
  ["tofu", tofu, "registry.opentofu.org"],
  ...(existsSync(terraform) ? [["terraform", terraform, "registry.terraform.io"] as const] : []),
] as const;

const RANDOM = { random: { source: "hashicorp/random", version: RANDOM_VERSION } };

const STACKS = {
  valid: {
    terraform: { required_providers: RANDOM, backend: { s3: { bucket: "never-contacted", key: "valid.tfstate", region: "eu-west-1" } } },
    ephemeral: { random_password: { secret: { length: 24 } } },
    locals: { secret_length: "${length(ephemeral.random_password.secret.result)}" },
    resource: { random_password: { stored: { length: 16 } }, terraform_data: { demo: { input: "${random_password.stored.length}" } } },
  },
  misspelt: {
    resource: { terraform_data: { demo: { inptu: "one" } } },
  },
  leaky: {
    terraform: { required_providers: RANDOM },
    ephemeral: { random_password: { secret: { length: 24 } } },
    resource: { terraform_data: { demo: { input: "${ephemeral.random_password.secret.result}" } } },
  },
  aws: {
    terraform: { required_providers: { aws: { source: "aws", version: "6.25.0" } } },
    resource: { aws_sqs_queue: { work: { name: "work" } } },
  },
};
type StackName = keyof typeof STACKS;

interface Result {
  status: number | null;
  output: string;
}

describe("npm run validate", () => {
  let work: string;
  let stacksDir: string;
  let cliConfig: string;

  beforeAll(() => {
    if (!existsSync(tofu)) throw new Error(`OpenTofu is not installed at ${tofu}: npm test installs it (bash scripts/toolchain.sh tofu)`);
    if (!existsSync(randomInMirror)) throw new Error(`the random provider ${RANDOM_VERSION} is not in ${mirror}: npm test builds it (bash scripts/toolchain.sh random-provider)`);
    work = mkdtempSync(join(tmpdir(), "platform-validate-"));
    stacksDir = join(work, "stacks");
    for (const [name, stack] of Object.entries(STACKS)) {
      mkdirSync(join(stacksDir, name), { recursive: true });
      writeFileSync(join(stacksDir, name, "cdk.tf.json"), JSON.stringify(stack, null, 2));
    }
    // Only the mirror, for every provider: nothing may come from (or wait for) a registry.
    cliConfig = join(work, "cli.tfrc");
    writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
  });

  function validate(binary: string, stacks: StackName[], extra: string[] = []): Result {
    const run = spawnSync(process.execPath, [join(REPOSITORY_ROOT, "node_modules", "tsx", "dist", "cli.mjs"), join(REPOSITORY_ROOT, "scripts", "validate.ts"), "--terraform", binary, ...extra, ...stacks.map((s) => join(stacksDir, s))], {
      cwd: REPOSITORY_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TF_CLI_CONFIG_FILE: cliConfig },
      encoding: "utf8",
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  /** The table row of `stack`, columns split on runs of two or more spaces. */
  const row = (output: string, stack: string) =>
    output
      .split("\n")
      .find((line) => line.startsWith(`${stack} `))
      ?.split(/ {2,}/);

  describe.each(binaries)("with %s", (_name, binary, host) => {
    it("passes a valid stack (an ephemeral random_password used where ephemeral values may go), without touching its directory", () => {
      const run = validate(binary, ["valid"]);
      expect([run.status, run.output]).toEqual([EXIT.ok, expect.stringContaining("1 valid, 0 failed, 0 not validated")]);
      expect(row(run.output, "valid")).toEqual(["valid", "ok", "0", "0", expect.stringMatching(/^\d+\.\d$/)]);
      expect(readdirSync(join(stacksDir, "valid"))).toEqual(["cdk.tf.json"]);
    });

    it("fails on a wrong attribute and on an ephemeral value in a non-write-only argument, naming the stack of each error", () => {
      const run = validate(binary, ["misspelt", "leaky", "valid"], ["--jobs", "2"]);
      expect(run.status).toBe(EXIT.invalid);
      expect(row(run.output, "misspelt")).toEqual(["misspelt", "invalid", "1", "0", expect.any(String)]);
      expect(row(run.output, "leaky")?.slice(0, 2)).toEqual(["leaky", "invalid"]);
      expect(row(run.output, "valid")?.slice(0, 2)).toEqual(["valid", "ok"]);
      expect(run.output).toMatch(/^misspelt: Error: Extraneous JSON object property in resource\.terraform_data\.demo: No argument or block type is named "inptu"\..* \(cdk\.tf\.json:\d+\)$/m);
      // OpenTofu and Terraform word it differently; both refuse before anything could reach state.
      expect(run.output).toMatch(/^leaky: Error: (Ephemeral value used in non-ephemeral context|Invalid use of ephemeral value) in resource\.terraform_data\.demo: .*write-only.* \(cdk\.tf\.json:\d+\)$/m);
      expect(run.output).toContain("2 failed");
      for (const stack of ["misspelt", "leaky", "valid"]) expect(readdirSync(join(stacksDir, stack))).toEqual(["cdk.tf.json"]);
    });

    it("reports a stack whose provider no registry or mirror provides as 'provider unavailable', in one line, with its own exit code", () => {
      const run = validate(binary, ["aws", "valid"]);
      expect(run.status).toBe(EXIT.providerUnavailable);
      expect(row(run.output, "aws")).toEqual(["aws", `provider unavailable: ${host}/hashicorp/aws 6.25.0`, "-", "-", expect.any(String)]);
      expect(run.output).toMatch(new RegExp(`^not validated: 1 stack\\(s\\) need ${host.replace(/\./g, "\\.")}/hashicorp/aws 6\\.25\\.0, which no reachable registry or configured mirror provides`, "m"));
      expect(run.output).toContain("1 valid, 0 failed, 1 not validated");
    });
  });

  it("lets errors decide the exit code when some stacks also lack a provider", () => {
    const run = validate(tofu, ["aws", "misspelt"]);
    expect(run.status).toBe(EXIT.invalid);
    expect(run.output).toContain("0 valid, 1 failed, 1 not validated");
  });

  it("runs with the random provider built from module snapshot e1092b0cfc07, mirrored as 3.9.0", () => {
    expect(readFileSync(join(toolchainDir, "opt", `provider-random-${RANDOM_VERSION}.source`), "utf8").trim()).toBe(
      `${RANDOM_VERSION} github.com/terraform-providers/terraform-provider-random@v1.3.2-0.20260824155315-e1092b0cfc07`,
    );
  });

  it("refuses a bad option", () => {
    expect(validate(tofu, [], ["--jobs", "0"])).toEqual({ status: EXIT.usage, output: expect.stringContaining("--jobs must be a positive integer") });
    expect(validate(tofu, [], ["--frobnicate"])).toEqual({ status: EXIT.usage, output: expect.stringContaining("unknown option --frobnicate") });
  });
});

describe("unavailableProviders", () => {
  it("reads the provider address and constraint from either tool's word-wrapped init output", () => {
    const terraformOutput = `- Finding hashicorp/aws versions matching "6.25.0"...
Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider hashicorp/aws:
could not connect to registry.terraform.io: failed to request discovery`;
    expect(unavailableProviders(terraformOutput, "registry.terraform.io")).toEqual(["registry.terraform.io/hashicorp/aws 6.25.0"]);
    const tofuOutput = `- Finding hashicorp/random versions matching "3.7.2"...
Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider
hashicorp/random: no available releases match the given constraints 3.7.2`;
    expect(unavailableProviders(tofuOutput, "registry.opentofu.org")).toEqual(["registry.opentofu.org/hashicorp/random 3.7.2"]);
    expect(unavailableProviders("Error: Failed to install provider", "registry.opentofu.org")).toEqual([]);
  });
});

import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { meetsMinimumTerraformVersion, MINIMUM_TERRAFORM_VERSION } from "./terraform-version";
import { NAME_PATTERN } from "./backend-schema";
import { awsRegion } from "./environment-schema";
import { environmentFiles } from "./load";
import { ConfigError, describeIssues, exitOnConfigError, readJsonFile } from "./problems";

export const DELIVERY_CONFIG_FILE = "delivery.config.json";

const environmentName = z
  .string({ error: "must be an environment name string" })
  .regex(NAME_PATTERN, { error: "must be an environment name: lower-case letters, digits and '-', starting with a letter" });

const uniqueNames = (names: readonly string[]) => new Set(names).size === names.length;

export const deliveryConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    region: awsRegion.describe("Where the pipeline, its builds and its artifact bucket run."),
    accountId: z
      .string({ error: "must be a 12-digit AWS account id string" })
      .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id such as "123456789012"' })
      .optional()
      .describe("With it, the pipeline stack's provider refuses any other account."),
    repository: z
      .string({ error: 'must be a GitHub repository string "owner/name"' })
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, {
        error: 'must be a GitHub repository "owner/name", e.g. "acme/platform" (owner: letters, digits, "-"; name: letters, digits, ".", "_", "-")',
      })
      .describe("The GitHub repository the pipeline builds, as owner/name."),
    branch: z
      .string({ error: "must be a branch name string" })
      .regex(/^(?!\/)(?!.*\.\.)(?!.*\/\/)(?!.*\/$)[A-Za-z0-9._\/-]{1,200}$/, {
        error: 'must be a git branch name such as "main": letters, digits, ".", "_", "-" and "/" (no "..", "//" or trailing "/")',
      })
      .default("main")
      .describe("Pushes to this branch start the pipeline; only it may assume the GitHub deploy role."),
    connectionArn: z
      .string({ error: "must be a CodeConnections connection ARN string" })
      .regex(/^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/, {
        error:
          'must be a CodeConnections (CodeStar connections) ARN such as "arn:aws:codeconnections:eu-west-1:123456789012:connection/0c9a8d2e-1b2c-4d5e-8f90-1a2b3c4d5e6f"',
      })
      .optional()
      .describe("An existing, confirmed GitHub connection. Without it the stack creates one, which a human must confirm once in the console."),
    environments: z
      .array(environmentName, { error: "must be a list of environment names" })
      .min(1, { error: "must name at least one environment" })
      .refine(uniqueNames, { error: "must not name an environment twice" })
      .describe("Promotion order: each environment is planned and applied (core, infra, app) only after the one before it."),
    approvalBefore: z
      .array(environmentName, { error: "must be a list of environment names" })
      .default(["prod"])
      .describe("Environments whose applies wait for a manual approval of the saved plan."),
    terraform: z
      .strictObject({
        version: z
          .string({ error: "must be a Terraform version string" })
          .regex(/^\d+\.\d+\.\d+$/, { error: 'must be an exact Terraform release such as "1.11.4"' })
          // Only an exact release can be compared; anything else already failed the pattern.
          .refine((version) => !/^\d+\.\d+\.\d+$/.test(version) || meetsMinimumTerraformVersion(version), {
            error: `must be Terraform ${MINIMUM_TERRAFORM_VERSION} or later: the stacks use ephemeral resources and write-only arguments`,
          }),
        sha256: z
          .string({ error: "must be a SHA-256 string" })
          .regex(/^[0-9a-f]{64}$/, { error: "must be the SHA-256 of terraform_<version>_linux_amd64.zip from its SHA256SUMS: 64 lower-case hex digits" }),
      })
      .describe("The Terraform release the builds install, verified against this checksum."),
    alertEmails: z
      .array(z.email({ error: "must be an e-mail address" }), { error: "must be a list of e-mail addresses" })
      .default([])
      .describe("Subscribed to the pipeline's notification topic (failures, successes, approvals waiting)."),
    githubOidc: z
      .strictObject({
        enabled: z.boolean({ error: "must be true or false" }).default(false),
      })
      .default({ enabled: false })
      .describe("Also create the GitHub Actions OIDC provider and roles for .github/workflows/infrastructure.yml."),
    backend: z
      .strictObject({
        enabled: z.boolean({ error: "must be true or false" }).default(false),
      })
      .default({ enabled: false })
      .describe(
        "Also create the backend pipeline: build Dockerfile.api for arm64, push it to each environment's ECR repository and roll the API (image-packaged Lambda or ECS) to the new digest, then check /api/health.",
      ),
    frontend: z
      .strictObject({
        enabled: z.boolean({ error: "must be true or false" }).default(false),
        buildCommand: z
          .string({ error: "must be a shell command string" })
          .min(1, { error: "must not be empty" })
          .optional()
          .describe("Builds the SPA into outputDir (e.g. \"npm run build:site\"). Default: site/ is copied as it is."),
        outputDir: z
          .string({ error: "must be a relative directory string" })
          .regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._\/-]+$/, { error: 'must be a relative directory inside the repository such as "dist/site" (no "..", no leading "/")' })
          .default("dist/site")
          .describe("Where the build leaves the files synced to the site bucket."),
      })
      .default({ enabled: false, outputDir: "dist/site" })
      .describe("Also create the frontend pipeline: build the SPA, sync it to each environment's site bucket and invalidate CloudFront."),
  })
  .superRefine((config, context) => {
    config.approvalBefore.forEach((name, index) => {
      if (!config.environments.includes(name)) {
        context.addIssue({
          code: "custom",
          path: ["approvalBefore", index],
          message: `names "${name}", which is not in "environments"; allowed: ${[...new Set(config.environments)].join(", ")}`,
        });
      }
    });
    if (config.environments.includes("prod") && !config.approvalBefore.includes("prod")) {
      context.addIssue({ code: "custom", path: ["approvalBefore"], message: 'must include "prod": every prod apply waits for a human to approve its plan' });
    }
  });

export type DeliveryConfig = Omit<z.output<typeof deliveryConfigSchema>, "$schema">;

/**
 * Reads and validates `delivery.config.json` under `root`. Returns undefined when the project has no
 * such file (it has no pipeline). `environmentNames` are the environments that exist (default: the
 * files in environments/); the pipeline may only promote through those.
 */
export function loadDeliveryConfig(root: string, environmentNames?: readonly string[]): DeliveryConfig | undefined {
  const file = join(root, DELIVERY_CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  const json = readJsonFile(file, DELIVERY_CONFIG_FILE);
  if (!json.ok) throw new ConfigError([json.problem]);
  const { data } = json;
  const result = deliveryConfigSchema.safeParse(data, { reportInput: true });
  const problems = result.success ? [] : describeIssues(DELIVERY_CONFIG_FILE, deliveryConfigSchema, result.error.issues);

  const known = environmentNames ?? environmentFiles(root).map((path) => basename(path, ".json"));
  const listed = (data as { environments?: unknown } | null)?.environments;
  if (Array.isArray(listed)) {
    listed.forEach((name, index) => {
      if (typeof name === "string" && NAME_PATTERN.test(name) && !known.includes(name)) {
        problems.push(
          `${DELIVERY_CONFIG_FILE}: environments[${index}]: names no file environments/${name}.json; allowed: ${known.join(", ") || "(no environment files)"}`,
        );
      }
    });
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const { $schema: _editorHint, ...config } = result.data;
  return config;
}

/** For entry points: the validated delivery configuration (or undefined), or every problem on stderr and exit code 1. */
export function loadDeliveryConfigOrExit(root: string, environmentNames?: readonly string[]): DeliveryConfig | undefined {
  return exitOnConfigError(() => loadDeliveryConfig(root, environmentNames));
}

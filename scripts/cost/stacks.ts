import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPOSITORY_ROOT = join(__dirname, "..", "..");

/** A synthesized stack's Terraform JSON (cdk.tf.json). */
export type StackJson = Record<string, any>;

export interface TerraformResource {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, any>;
}

export interface Stack {
  readonly name: string;
  readonly json: StackJson;
  readonly resources: TerraformResource[];
  /** The region each provider alias ("" for the default provider) deploys to. */
  readonly providerRegions: ReadonlyMap<string, string>;
}

/**
 * Reads every `<dir>/stacks/<stack>/cdk.tf.json` (or `<dir>/<stack>/cdk.tf.json` when `dir` is the
 * stacks directory itself).
 */
export function readStacks(dir: string): Stack[] {
  const stacksDir = existsSync(join(dir, "stacks")) ? join(dir, "stacks") : dir;
  if (!existsSync(stacksDir)) throw new Error(`${dir} holds no synthesized stacks (expected ${join(dir, "stacks")}/<stack>/cdk.tf.json)`);
  const names = readdirSync(stacksDir)
    .filter((name) => existsSync(join(stacksDir, name, "cdk.tf.json")))
    .sort();
  if (names.length === 0) throw new Error(`${stacksDir} holds no <stack>/cdk.tf.json`);
  return names.map((name) => toStack(name, JSON.parse(readFileSync(join(stacksDir, name, "cdk.tf.json"), "utf8"))));
}

export function toStack(name: string, json: StackJson): Stack {
  const resources = Object.entries<Record<string, Record<string, any>>>(json.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([resourceName, body]) => ({ stack: name, type, name: resourceName, body })),
  );
  const providerRegions = new Map<string, string>();
  for (const provider of ([] as Record<string, any>[]).concat(json.provider?.aws ?? [])) {
    if (typeof provider.region === "string") providerRegions.set(provider.alias ?? "", provider.region);
  }
  return { name, json, resources, providerRegions };
}

/** The region a resource is created in: its `provider = "aws.<alias>"`, else the stack's default provider. */
export function regionOf(stack: Stack, resource: TerraformResource): string {
  const alias = typeof resource.body.provider === "string" ? resource.body.provider.replace(/^aws\.?/, "") : "";
  const region = stack.providerRegions.get(alias) ?? stack.providerRegions.get("");
  if (!region) throw new Error(`${stack.name}: ${resource.type}.${resource.name} has no provider region (provider "${resource.body.provider ?? "aws"}")`);
  return region;
}

/**
 * Synthesizes through the real entry point (`npm run synth`'s command) into a throw-away directory,
 * with `configDir` as PLATFORM_CONFIG_DIR when given, and returns the stacks.
 */
export function synthesize(configDir?: string): Stack[] {
  const scratch = mkdtempSync(join(tmpdir(), "platform-cost-"));
  try {
    const outdir = join(scratch, "cdktf.out");
    const env = { ...process.env, CDKTF_OUTDIR: outdir, ...(configDir ? { PLATFORM_CONFIG_DIR: configDir } : {}) };
    const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], { cwd: REPOSITORY_ROOT, env, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`synthesis failed (exit ${run.status ?? run.signal}):\n${run.stderr || run.stdout}`);
    return readStacks(outdir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

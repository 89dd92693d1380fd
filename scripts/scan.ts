// Security scan: checkov over every synthesized stack. Zero failed checks, except those listed in
// policy/checkov-skips.json with the stacks (optionally resources, and environment settings) they
// apply to and a reason; a skip that no longer matches anything fails too, so the file cannot rot.
// Before scanning, a canary stack with an unencrypted bucket must be caught, which proves the
// scanner ran and bites.
//
// Usage: npm run scan   (synthesizes the shipped environments and the toggle matrix of
// scripts/toggle-matrix.ts afresh into a temporary directory)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlatformConfig, type PlatformEnvironment } from "../src/config/load";
import { writeToggleMatrixConfig } from "./toggle-matrix";

interface Skip {
  check: string;
  stacks: string[];
  resources?: string[];
  /** Environment settings (dotted paths) the skip is limited to; an array lists accepted values. */
  where?: Record<string, unknown>;
  /**
   * Resource arguments that must equal an environment setting (argument -> dotted setting path):
   * the finding is accepted only where the resource does what the setting says, so a hard-coded
   * value on another resource still fails.
   */
  sameAs?: Record<string, string>;
  reason: string;
}
interface Finding {
  check_id: string;
  check_name: string;
  file_path: string;
  resource: string;
}
interface Report {
  summary: { passed: number; parsing_errors: number; checkov_version: string };
  results: { passed_checks: Finding[]; failed_checks: Finding[] };
}

const root = join(__dirname, "..");
const toolchain = process.env.TOOLCHAIN_DIR ?? join(homedir(), ".cache", "serverless-platform-toolchain");
const checkov = process.env.CHECKOV ?? join(toolchain, "bin", "checkov");
const skipsFile = join(root, "policy", "checkov-skips.json");

function fail(message: string): never {
  console.error(`scan: ${message}`);
  process.exit(1);
}

if (!existsSync(checkov)) fail(`checkov not found at ${checkov}; install it with: scripts/toolchain.sh python`);

function runCheckov(directory: string): Report {
  const run = spawnSync(checkov, ["-d", directory, "--framework", "terraform_json", "--skip-download", "-o", "json"], {
    encoding: "utf8",
    maxBuffer: 256 * 2 ** 20,
  });
  let report: Report | undefined;
  try {
    report = JSON.parse(run.stdout) as Report;
  } catch {
    fail(`checkov gave no report (exit ${run.status}):\n${run.stderr.slice(-2000)}`);
  }
  if (!report) fail("checkov gave no report");
  if (report.summary.parsing_errors > 0) fail(`checkov could not parse ${report.summary.parsing_errors} file(s) in ${directory}`);
  return report;
}

const stackOf = (filePath: string) => filePath.split("/").filter(Boolean)[0];
const matches = (pattern: string, name: string) => (pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name);
const setting = (environment: PlatformEnvironment, path: string): unknown =>
  path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], environment) ?? null;

// 1. The canary: a bucket with no encryption, versioning or public access block must fail.
const canaryDir = mkdtempSync(join(tmpdir(), "platform-scan-canary-"));
process.on("exit", () => rmSync(canaryDir, { recursive: true, force: true }));
mkdirSync(join(canaryDir, "canary"));
writeFileSync(
  join(canaryDir, "canary", "cdk.tf.json"),
  JSON.stringify({ resource: { aws_s3_bucket: { unencrypted: { bucket: "scan-canary" } } } }),
);
const canaryFailures = runCheckov(canaryDir).results.failed_checks.map((check) => check.check_id);
if (!canaryFailures.includes("CKV_AWS_145")) fail(`the canary's unencrypted bucket was not flagged (got: ${canaryFailures.join(", ") || "nothing"})`);

// 2. The stacks of the shipped environments and of every environment of the toggle matrix, and the
// stacks of the three-account example (its own configuration, so its names get a prefix here).
const work = mkdtempSync(join(tmpdir(), "platform-scan-"));
// Every app stack carries the 26 MB Python layer: the synthesized stacks go when the scan ends, however it ends.
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const configDir = join(work, "config");
writeToggleMatrixConfig(root, configDir);
const MULTI_ACCOUNT = "multi-account";
const layouts = [
  { label: "", configDir },
  { label: `${MULTI_ACCOUNT}.`, configDir: join(root, "environments", "examples", MULTI_ACCOUNT) },
];
const scanRoot = join(work, "stacks");
mkdirSync(scanRoot);
const environmentsByLabel = new Map<string, Map<string, PlatformEnvironment>>();
/** The synthesized JSON of every scanned stack, by scanned directory name, for `sameAs`. */
const stackJson = new Map<string, Record<string, any>>();
for (const layout of layouts) {
  environmentsByLabel.set(layout.label, new Map(loadPlatformConfig(layout.configDir).environments.map((environment) => [environment.name, environment])));
  const outdir = join(work, `cdktf.out${layout.label}`);
  const synth = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: root,
    env: { ...process.env, PLATFORM_CONFIG_DIR: layout.configDir, CDKTF_OUTDIR: outdir },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (synth.status !== 0) fail(`synthesis of ${layout.configDir} failed`);
  // checkov's terraform_json parser crashes on `terraform.required_version` (checkov issue 7454) and
  // fails on a top-level `moved` list (checkov 3.3.30: one parsing error per file, measured); the
  // version constraint and the moves hold nothing to scan.
  for (const stack of readdirSync(join(outdir, "stacks"))) {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
    delete json.terraform?.required_version;
    delete json.moved;
    stackJson.set(`${layout.label}${stack}`, json);
    mkdirSync(join(scanRoot, `${layout.label}${stack}`));
    writeFileSync(join(scanRoot, `${layout.label}${stack}`, "cdk.tf.json"), JSON.stringify(json, null, 2)); // checkov quotes each resource by its lines
  }
}
const report = runCheckov(scanRoot);

const { skips } = JSON.parse(readFileSync(skipsFile, "utf8")) as { skips: Skip[] };
for (const [index, skip] of skips.entries()) {
  if (!/^CKV2?_AWS_\d+$/.test(skip.check) || !Array.isArray(skip.stacks) || skip.stacks.length === 0 || !(skip.reason?.length > 20)) {
    fail(`policy/checkov-skips.json: skips[${index}] needs "check" (e.g. CKV_AWS_18), "stacks" (names or prefix*), optionally "resources" (addresses or prefix*) and "where" (environment settings), and a "reason" that explains itself`);
  }
}

/** A scanned directory's layout label and stack name: `multi-account.core-prod` is core-prod of the example. */
const layoutOf = (scanned: string): { label: string; stack: string } => {
  const label = scanned.startsWith(`${MULTI_ACCOUNT}.`) ? `${MULTI_ACCOUNT}.` : "";
  return { label, stack: scanned.slice(label.length) };
};

/** A finding's resource block: checkov names it `<type>.<name>`, or `resource.<name>` for some types. */
const resourceBody = (scanned: string, resource: string): Record<string, unknown> | undefined => {
  const [type] = resource.split(".");
  const name = resource.slice(resource.indexOf(".") + 1);
  const byType: Record<string, Record<string, Record<string, unknown>>> = stackJson.get(scanned)?.resource ?? {};
  if (type !== "resource") return byType[type]?.[name];
  return Object.values(byType).find((resources) => resources[name] !== undefined)?.[name];
};

const applies = (skip: Skip, scanned: string, resource: string) => {
  const { label, stack } = layoutOf(scanned);
  if (!skip.stacks.some((pattern) => matches(pattern, stack))) return false;
  // checkov prints `<type>.<name>`, or `resource.<name>` for some types: match on the name.
  const name = resource.slice(resource.indexOf(".") + 1);
  if (!(skip.resources ?? ["*"]).some((pattern) => matches(pattern, name))) return false;
  const environment = environmentsByLabel.get(label)!.get(stack.slice(stack.indexOf("-") + 1));
  const settingsHold = Object.entries(skip.where ?? {}).every(([path, accepted]) => {
    if (!environment) return false;
    const value = setting(environment, path);
    return Array.isArray(accepted) ? accepted.includes(value) : value === accepted;
  });
  const body = resourceBody(scanned, resource);
  const argumentsFollowSettings = Object.entries(skip.sameAs ?? {}).every(
    ([argument, path]) => environment !== undefined && body !== undefined && body[argument] !== undefined && body[argument] === setting(environment, path),
  );
  return settingsHold && argumentsFollowSettings;
};

type Row = { passed: number; failed: Finding[]; skipped: Finding[] };
/** The findings each entry accepted (`<stack> <resource>`), by entry index. */
const acceptedBy = new Map<number, string[]>();
const rows = new Map<string, Row>();
const row = (stack: string): Row => rows.get(stack) ?? rows.set(stack, { passed: 0, failed: [], skipped: [] }).get(stack)!;
for (const check of report.results.passed_checks) row(stackOf(check.file_path)).passed++;
for (const check of report.results.failed_checks) {
  const stack = stackOf(check.file_path);
  const skipIndex = skips.findIndex((skip) => skip.check === check.check_id && applies(skip, stack, check.resource));
  if (skipIndex >= 0) {
    acceptedBy.set(skipIndex, [...(acceptedBy.get(skipIndex) ?? []), `${stack} ${check.resource}`]);
    row(stack).skipped.push(check);
  } else {
    row(stack).failed.push(check);
  }
}

console.log(`checkov ${report.summary.checkov_version}: canary caught (${canaryFailures.length} findings on an unencrypted bucket)`);
console.log("stack".padEnd(28) + "passed".padStart(8) + "failed".padStart(8) + "skipped".padStart(9));
for (const [stack, counts] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(stack.padEnd(28) + String(counts.passed).padStart(8) + String(counts.failed.length).padStart(8) + String(counts.skipped.length).padStart(9));
}

const failures = [...rows].flatMap(([stack, counts]) => counts.failed.map((check) => ({ stack, ...check })));
for (const check of failures) console.log(`FAILED ${check.check_id} ${check.stack} ${check.resource}: ${check.check_name}`);
const stale = skips.filter((_skip, index) => !acceptedBy.has(index));
// SCAN_ACCEPTED=<file>: every accepted finding by entry, to review what each reason covers.
if (process.env.SCAN_ACCEPTED) {
  const accepted = skips.map((skip, index) => ({ check: skip.check, stacks: skip.stacks, findings: acceptedBy.get(index) ?? [] }));
  writeFileSync(process.env.SCAN_ACCEPTED, JSON.stringify(accepted, null, 2));
}
for (const skip of stale) console.log(`STALE SKIP ${skip.check} for ${skip.stacks.join(", ")}: matched no finding; remove it from policy/checkov-skips.json`);
const skippedCount = [...rows.values()].reduce((sum, counts) => sum + counts.skipped.length, 0);
console.log(`${skippedCount} findings accepted by ${skips.length} entries of policy/checkov-skips.json, each with its reason`);
console.log(`scan: ${report.summary.passed} passed, ${failures.length} failed, ${skippedCount} skipped`);
process.exit(failures.length > 0 || stale.length > 0 ? 1 : 0);

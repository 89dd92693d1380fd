#!/usr/bin/env node
// Security scan: checkov over every synthesized stack. Zero failed checks, except those listed
// with a stack (optionally resources) and a reason in policy/checkov-skips.json; a skip that no longer matches anything
// fails too, so the file cannot rot. Before scanning, a canary stack with an unencrypted bucket must
// be caught, which proves the scanner ran and bites.
//
// Usage: npm run scan [-- --outdir DIR]   (default: synthesize the shipped environments and the
// toggle matrix of scripts/toggle-matrix.ts afresh into a temporary directory)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const toolchain = process.env.TOOLCHAIN_DIR ?? join(homedir(), ".cache", "serverless-platform-toolchain");
const checkov = process.env.CHECKOV ?? join(toolchain, "bin", "checkov");
const skipsFile = join(root, "policy", "checkov-skips.json");

function fail(message) {
  console.error(`scan: ${message}`);
  process.exit(1);
}

if (!existsSync(checkov)) fail(`checkov not found at ${checkov}; install it with: scripts/toolchain.sh python`);

function runCheckov(directory) {
  const run = spawnSync(checkov, ["-d", directory, "--framework", "terraform_json", "--skip-download", "-o", "json"], {
    encoding: "utf8",
    maxBuffer: 256 * 2 ** 20,
  });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    fail(`checkov gave no report (exit ${run.status}):\n${run.stderr.slice(-2000)}`);
  }
  if (report.summary.parsing_errors > 0) fail(`checkov could not parse ${report.summary.parsing_errors} file(s) in ${directory}`);
  return report;
}

const stackOf = (filePath) => filePath.split("/").filter(Boolean)[0];
const matches = (pattern, stack) => (pattern.endsWith("*") ? stack.startsWith(pattern.slice(0, -1)) : pattern === stack);

// 1. The canary: a bucket with no encryption, versioning or public access block must fail.
const canaryDir = mkdtempSync(join(tmpdir(), "platform-scan-canary-"));
mkdirSync(join(canaryDir, "canary"));
writeFileSync(
  join(canaryDir, "canary", "cdk.tf.json"),
  JSON.stringify({ resource: { aws_s3_bucket: { unencrypted: { bucket: "scan-canary" } } } }),
);
const canaryFailures = runCheckov(canaryDir).results.failed_checks.map((check) => check.check_id);
if (!canaryFailures.includes("CKV_AWS_145")) fail(`the canary's unencrypted bucket was not flagged (got: ${canaryFailures.join(", ") || "nothing"})`);

// 2. The stacks of the shipped environments and of every environment of the toggle matrix.
let outdir = process.argv.includes("--outdir") ? process.argv[process.argv.indexOf("--outdir") + 1] : undefined;
if (!outdir) {
  const work = mkdtempSync(join(tmpdir(), "platform-scan-"));
  const configDir = join(work, "config");
  outdir = join(work, "cdktf.out");
  const node = (args, env = {}) =>
    spawnSync(process.execPath, ["--import", "tsx", ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
  if (node(["scripts/toggle-matrix.ts", configDir]).status !== 0) fail("writing the toggle matrix failed");
  if (node(["main.ts"], { PLATFORM_CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir }).status !== 0) fail("synthesis failed");
}
const report = runCheckov(join(outdir, "stacks"));

const { skips } = JSON.parse(readFileSync(skipsFile, "utf8"));
for (const [index, skip] of skips.entries()) {
  if (!/^CKV2?_AWS_\d+$/.test(skip.check) || !Array.isArray(skip.stacks) || skip.stacks.length === 0 || !(skip.reason?.length > 20)) {
    fail(`policy/checkov-skips.json: skips[${index}] needs "check" (e.g. CKV_AWS_18), "stacks" (names or prefix*), optionally "resources" (addresses or prefix*), and a "reason" that explains itself`);
  }
}

const used = new Set();
const rows = new Map();
const row = (stack) => rows.get(stack) ?? rows.set(stack, { passed: 0, failed: [], skipped: [] }).get(stack);
for (const check of report.results.passed_checks) row(stackOf(check.file_path)).passed++;
for (const check of report.results.failed_checks) {
  const stack = stackOf(check.file_path);
  const skipIndex = skips.findIndex(
    (skip) =>
      skip.check === check.check_id &&
      skip.stacks.some((pattern) => matches(pattern, stack)) &&
      (skip.resources ?? ["*"]).some((pattern) => matches(pattern, check.resource)),
  );
  if (skipIndex >= 0) {
    used.add(skipIndex);
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
const stale = skips.filter((_skip, index) => !used.has(index));
for (const skip of stale) console.log(`STALE SKIP ${skip.check} for ${skip.stacks.join(", ")}: matched no finding; remove it from policy/checkov-skips.json`);
const skippedCount = [...rows.values()].reduce((sum, counts) => sum + counts.skipped.length, 0);
console.log(`${skippedCount} findings accepted by ${skips.length} entries of policy/checkov-skips.json, each with its reason`);
console.log(`scan: ${report.summary.passed} passed, ${failures.length} failed, ${skippedCount} skipped`);
process.exit(failures.length > 0 || stale.length > 0 ? 1 : 0);

// `terraform validate` (or `tofu validate`) over synthesized stacks: each stack directory is staged
// into a throw-away directory, initialised there with `init -backend=false` (the real backend is
// never touched and no `.terraform` lands in cdktf.out) and validated with `validate -json`.
//
// Usage: npm run validate [-- [--terraform BIN] [--jobs N] [STACK_DIR ...]]
//   STACK_DIR   stack directories (default: every directory of cdktf.out/stacks holding cdk.tf.json)
//   --terraform BIN, or TERRAFORM=BIN: the binary (default: `terraform` when on PATH, else `tofu`,
//               else the toolchain's tofu)
//   --jobs N, or VALIDATE_JOBS=N: stacks validated at once (default 2)
//
// Providers come from wherever the binary's CLI configuration says: TF_CLI_CONFIG_FILE (the
// toolchain's env.sh points it at the toolchain's filesystem mirror), else the user's own
// ~/.terraformrc or ~/.tofurc, else the toolchain's tofurc when it exists.
//
// Exit codes: 0 every stack is valid; 1 a stack has errors (or init failed for another reason);
// 2 usage (no binary, no stacks); 3 nothing failed, but some stacks could not be validated because
// a provider they need cannot be obtained (no registry reachable and no mirror holding it).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, delimiter, join, resolve } from "node:path";

export const EXIT = { ok: 0, invalid: 1, usage: 2, providerUnavailable: 3 } as const;

type Outcome = "ok" | "invalid" | "init failed" | "provider unavailable";

interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  range?: { filename: string; start: { line: number } };
  snippet?: { context?: string | null };
}

interface StackResult {
  stack: string;
  outcome: Outcome;
  errors: string[];
  warnings: number;
  seconds: number;
  /** Providers that init could not obtain, as `host/namespace/type [constraint]`. */
  unavailable: string[];
}

interface Options {
  binary: string;
  jobs: number;
  stacks: string[];
}

const root = join(__dirname, "..");
const toolchainDir = process.env.TOOLCHAIN_DIR ?? join(homedir(), ".cache", "serverless-platform-toolchain");

function usage(message: string): never {
  console.error(`validate: ${message}`);
  process.exit(EXIT.usage);
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function parseArguments(argv: string[]): Options {
  let binary = process.env.TERRAFORM;
  let jobs = Number(process.env.VALIDATE_JOBS ?? 2);
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--terraform" || arg === "--jobs") {
      const value = argv[++i];
      if (value === undefined) usage(`${arg} needs a value`);
      if (arg === "--terraform") binary = value;
      else jobs = Number(value);
    } else if (arg.startsWith("--terraform=")) binary = arg.slice("--terraform=".length);
    else if (arg.startsWith("--jobs=")) jobs = Number(arg.slice("--jobs=".length));
    else if (arg.startsWith("-")) usage(`unknown option ${arg} (known: --terraform BIN, --jobs N)`);
    else dirs.push(resolve(arg));
  }
  if (!Number.isInteger(jobs) || jobs < 1) usage(`--jobs must be a positive integer (got ${jobs})`);
  binary ??= onPath("terraform") ?? onPath("tofu") ?? (existsSync(join(toolchainDir, "bin", "tofu")) ? join(toolchainDir, "bin", "tofu") : undefined);
  if (!binary) usage("neither terraform nor tofu is on PATH: pass --terraform BIN, or install OpenTofu with: bash scripts/toolchain.sh tofu");
  let stacks = dirs;
  if (stacks.length === 0) {
    const stacksDir = join(root, "cdktf.out", "stacks");
    if (!existsSync(stacksDir)) usage(`${stacksDir} does not exist: run 'npm run synth' first, or name stack directories`);
    stacks = readdirSync(stacksDir)
      .map((name) => join(stacksDir, name))
      .filter((dir) => existsSync(join(dir, "cdk.tf.json")))
      .sort();
  }
  for (const dir of stacks) {
    if (!existsSync(dir) || !lstatSync(dir).isDirectory()) usage(`${dir} is not a directory`);
    if (!readdirSync(dir).some((file) => file.endsWith(".tf.json") || file.endsWith(".tf"))) usage(`${dir} holds no Terraform configuration`);
  }
  if (stacks.length === 0) usage("no stacks to validate");
  return { binary, jobs: Math.min(jobs, stacks.length), stacks };
}

/** The CLI configuration to run with, and how it was chosen (printed in the header). */
function cliConfiguration(isTofu: boolean): { file: string | undefined; source: string } {
  const given = process.env.TF_CLI_CONFIG_FILE;
  if (given && existsSync(given)) return { file: given, source: `TF_CLI_CONFIG_FILE=${given}` };
  const own = isTofu ? [join(homedir(), ".tofurc"), join(homedir(), ".terraformrc")] : [join(homedir(), ".terraformrc")];
  for (const file of own) {
    if (existsSync(file)) return { file, source: file };
  }
  const toolchainRc = join(toolchainDir, "tofurc");
  if (existsSync(toolchainRc)) return { file: toolchainRc, source: `${toolchainRc} (the toolchain's mirror)` };
  return { file: undefined, source: "none (providers only from their registries)" };
}

// Files of a stack directory that belong to a working directory rather than the configuration: a
// lock file of another machine's provider packages would make init refuse locally built ones.
const NOT_STAGED = new Set([".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup", "tfplan", "plan.json", "plan.txt"]);

/** Staged directories not yet removed, so an interrupted run leaves none behind. */
const staged = new Set<string>();
function removeStagedOnInterrupt(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      for (const dir of staged) rmSync(dir, { recursive: true, force: true });
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}

/** Configuration files are copied; other directories (assets) are linked, since init only reads them. */
function stage(stackDir: string): string {
  const work = mkdtempSync(join(tmpdir(), `validate-${basename(stackDir)}-`));
  staged.add(work);
  for (const entry of readdirSync(stackDir)) {
    if (NOT_STAGED.has(entry) || entry.endsWith(".tfstate")) continue;
    const source = join(stackDir, entry);
    if (lstatSync(source).isFile()) copyFileSync(source, join(work, entry));
    else symlinkSync(source, join(work, entry));
  }
  return work;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(binary: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(binary, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => done({ code: null, stdout, stderr: `${stderr}${error.message}` }));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/**
 * Providers that init could not obtain. Both tools say "Could not retrieve the list of available
 * versions for provider <address>: <why>" whether the registry is unreachable, the mirror lacks the
 * provider, or no version it has matches; the preceding "Finding <address> versions matching" line
 * gives the constraint. Output is word-wrapped, so whitespace is normalised first.
 */
export function unavailableProviders(initOutput: string, defaultHost: string): string[] {
  const text = initOutput.replace(/\s+/g, " ");
  const found = new Set<string>();
  for (const match of text.matchAll(/Could not retrieve the list of available versions for provider ([\w.-]+(?:\/[\w.-]+){1,2}):/g)) {
    const address = match[1].split("/").length === 2 ? `${defaultHost}/${match[1]}` : match[1];
    const short = address.split("/").slice(1).join("/");
    const constraint = text.match(new RegExp(`Finding ${short.replace(/[.]/g, "\\.")} versions matching "([^"]*)"`))?.[1];
    found.add(constraint ? `${address} ${constraint}` : address);
  }
  return [...found].sort();
}

function formatDiagnostic(diagnostic: Diagnostic): string {
  const where = diagnostic.range ? ` (${diagnostic.range.filename}:${diagnostic.range.start.line})` : "";
  const context = diagnostic.snippet?.context ? ` in ${diagnostic.snippet.context}` : "";
  const detail = diagnostic.detail ? `: ${diagnostic.detail.replace(/\s+/g, " ").trim()}` : "";
  return `${diagnostic.summary}${context}${detail}${where}`;
}

/** The `Error: ...` blocks of a failed init, each on one line. */
function initErrors(output: string): string[] {
  const blocks = output.split(/\n(?=Error: )/).filter((block) => block.startsWith("Error: "));
  const lines = blocks.map((block) => block.replace(/^Error: /, "").replace(/\s+/g, " ").trim());
  return lines.length > 0 ? lines : [output.replace(/\s+/g, " ").trim().slice(-500) || "init failed with no output"];
}

async function validateStack(stackDir: string, binary: string, env: NodeJS.ProcessEnv, defaultHost: string): Promise<StackResult> {
  const started = process.hrtime.bigint();
  const stack = basename(stackDir);
  const work = stage(stackDir);
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const stackEnv = { ...env, TF_DATA_DIR: join(work, ".terraform") };
    const init = await run(binary, ["init", "-backend=false", "-input=false", "-no-color"], work, stackEnv);
    if (init.code !== 0) {
      const output = `${init.stdout}\n${init.stderr}`;
      const unavailable = unavailableProviders(output, defaultHost);
      if (unavailable.length > 0) return { stack, outcome: "provider unavailable", errors: [], warnings: 0, seconds: seconds(), unavailable };
      return { stack, outcome: "init failed", errors: initErrors(output), warnings: 0, seconds: seconds(), unavailable: [] };
    }
    const validate = await run(binary, ["validate", "-json", "-no-color"], work, stackEnv);
    let report: { valid: boolean; error_count: number; warning_count: number; diagnostics: Diagnostic[] };
    try {
      report = JSON.parse(validate.stdout);
    } catch {
      const output = `${validate.stdout}\n${validate.stderr}`.replace(/\s+/g, " ").trim();
      return { stack, outcome: "invalid", errors: [`validate gave no JSON report (exit ${validate.code}): ${output.slice(-500)}`], warnings: 0, seconds: seconds(), unavailable: [] };
    }
    const errors = report.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    const outcome: Outcome = report.valid && errors.length === 0 && validate.code === 0 ? "ok" : "invalid";
    if (outcome === "invalid" && errors.length === 0) errors.push(`validate exited ${validate.code} without an error diagnostic`);
    return { stack, outcome, errors, warnings: report.warning_count, seconds: seconds(), unavailable: [] };
  } finally {
    rmSync(work, { recursive: true, force: true });
    staged.delete(work);
  }
}

async function pool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
  return results;
}

function table(results: StackResult[]): string {
  const rows = [
    ["stack", "result", "errors", "warnings", "seconds"],
    ...results.map((r) => [
      r.stack,
      r.outcome === "provider unavailable" ? `provider unavailable: ${r.unavailable.join(", ")}` : r.outcome,
      r.outcome === "provider unavailable" ? "-" : String(r.errors.length),
      r.outcome === "provider unavailable" ? "-" : String(r.warnings),
      r.seconds.toFixed(1),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const numeric = [false, false, true, true, true];
  const line = (row: string[]) =>
    row
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd();
  return [line(rows[0]), line(widths.map((w) => "-".repeat(w))), ...rows.slice(1).map(line)].join("\n");
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  removeStagedOnInterrupt();
  const env: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
  delete env.TF_CLI_CONFIG_FILE;
  delete env.TF_WORKSPACE;

  const version = spawnSync(options.binary, ["version"], { env, encoding: "utf8" });
  if (version.error || version.status !== 0) usage(`cannot run '${options.binary} version': ${version.error?.message ?? version.stderr.trim()}`);
  const product = version.stdout.split("\n")[0].trim();
  const isTofu = product.startsWith("OpenTofu");
  const defaultHost = isTofu ? "registry.opentofu.org" : "registry.terraform.io";
  const config = cliConfiguration(isTofu);
  if (config.file) env.TF_CLI_CONFIG_FILE = config.file;
  console.log(`validate: ${options.stacks.length} stack(s) with ${product} (${options.binary}), ${options.jobs} at a time; CLI config: ${config.source}`);

  const started = process.hrtime.bigint();
  const results = await pool(options.stacks, options.jobs, (dir) => validateStack(dir, options.binary, env, defaultHost));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;

  console.log(`\n${table(results)}\n`);
  for (const result of results) {
    for (const error of result.errors) console.log(`${result.stack}: ${result.outcome === "init failed" ? "init: " : ""}Error: ${error}`);
  }
  const failed = results.filter((r) => r.outcome === "invalid" || r.outcome === "init failed");
  const unavailable = results.filter((r) => r.outcome === "provider unavailable");
  const valid = results.length - failed.length - unavailable.length;
  console.log(`${valid} valid, ${failed.length} failed, ${unavailable.length} not validated (provider unavailable) in ${wall.toFixed(1)} s`);
  if (unavailable.length > 0) {
    const providers = [...new Set(unavailable.flatMap((r) => r.unavailable))].sort().join(", ");
    console.log(
      `not validated: ${unavailable.length} stack(s) need ${providers}, which no reachable registry or configured mirror provides ` +
        "(put a build of it into the toolchain's mirror: TOOLCHAIN_<NAME>_PROVIDER_BIN=<binary> bash scripts/toolchain.sh <name>-provider)",
    );
  }
  if (failed.length > 0) return EXIT.invalid;
  if (unavailable.length > 0) return EXIT.providerUnavailable;
  return EXIT.ok;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`validate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(EXIT.invalid);
    },
  );
}

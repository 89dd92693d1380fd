import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import type { TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { type BundleFile, commitCacheEntry, fileAsset, listFiles, pruneBundleCache, sha256, zipDeterministic } from "./function-bundles";

/** Lambda's managed Python runtime of zip functions and of the dependency layer. */
export const PYTHON_RUNTIME = "python3.13";
/** `--python-version` for pip: the interpreter the layer's compiled wheels must match. */
const PYTHON_ABI_VERSION = "3.13";
/**
 * The wheels Lambda's python3.13 on arm64 (Amazon Linux 2023, glibc 2.34) can load, newest first:
 * pip takes the first tag a release publishes. Pure-Python wheels (`none-any`) match any of them.
 */
const LAMBDA_WHEEL_PLATFORMS = ["manylinux_2_34_aarch64", "manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"];

/** The app's entry points in the function zip (`app/platform_app`), one per function. */
export const PYTHON_HANDLERS = {
  api: "platform_app.lambda_api.handler",
  worker: "platform_app.lambda_worker.handler",
  producer: "platform_app.lambda_producer.handler",
} as const;

const REPOSITORY_ROOT = join(__dirname, "..", "..", "..");
/** The Python reference app: its package and its pinned dependencies. */
export const APP_DIR = join(REPOSITORY_ROOT, "app");
export const DEFAULT_PYTHON_CACHE_DIR = join(REPOSITORY_ROOT, "node_modules", ".cache", "python-bundles");
const CACHE_ENTRIES_KEPT = 6;

/**
 * Lambda's documented quotas (Lambda developer guide, "Lambda quotas"): a zip uploaded directly
 * with the API (what `filename` does) is at most 50 MB, and a function with all its layers at most
 * 250 MB unzipped. Checked here so a grown dependency list fails at synthesis, not at apply.
 */
export const LAMBDA_DIRECT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024;
export const LAMBDA_UNZIPPED_MAX_BYTES = 250 * 1024 * 1024;

/** Where the compiled wheels come from: Lambda's arm64 python3.13, or the interpreter running pip (for tests on this machine). */
export type PythonTarget = "lambda" | "host";

export interface PythonSource {
  /** A directory holding the packages. */
  readonly dir: string;
  /** Top-level packages or modules in it to ship (`platform_app`). */
  readonly include: readonly string[];
}

export interface PythonBundleSpec {
  /** The code of the function zip. Default: `platform_app` of `app/`. */
  readonly sources?: readonly PythonSource[];
  /** Requirement files, every dependency pinned (installed with `--no-deps`). Default `app/requirements.txt`. */
  readonly requirements?: readonly string[];
  readonly target?: PythonTarget;
  readonly cacheDir?: string;
  /** The interpreter that runs pip. Default `PLATFORM_PYTHON`, else `python3`. */
  readonly python?: string;
}

export interface PythonBundleFile extends BundleFile {
  /** The size of everything in the zip once extracted. */
  readonly unzippedBytes: number;
}

export interface BuiltPythonBundles {
  /** The app's code, the same for every function: the handler setting picks the entry point. */
  readonly code: PythonBundleFile;
  /** The dependencies under `python/`, where Lambda's Python runtimes look in a layer (`/opt/python`). */
  readonly layer: PythonBundleFile;
  /** True when no pip run was needed (a cache entry on disk or in this process answered). */
  readonly fromCache: boolean;
}

interface ZipEntry {
  readonly path: string;
  readonly data: Buffer;
}

const built = new Map<string, BuiltPythonBundles>();

/** Bytecode belongs to the interpreter that wrote it (Lambda's /var/task is read-only, so Lambda writes none). */
const BYTECODE = /(^|\/)(__pycache__\/|[^/]+\.py[co]$)/;
/** Not shipped from the app's own packages: tests and their caches. */
const SKIPPED = /(^|\/)(__pycache__\/|[^/]+\.py[co]$|\.pytest_cache\/|tests?\/|conftest\.py$)/;

function sourceEntries(sources: readonly PythonSource[]): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (const source of sources) {
    for (const name of source.include) {
      const path = join(source.dir, name);
      if (!existsSync(path)) throw new Error(`PythonBundles: ${relative(REPOSITORY_ROOT, path)} does not exist; the function zip ships ${source.include.join(", ")} from ${relative(REPOSITORY_ROOT, source.dir) || "."}`);
      const files = statSync(path).isDirectory() ? listFiles(path) : [path];
      for (const file of files) {
        const inZip = relative(source.dir, file).split(sep).join("/");
        if (!SKIPPED.test(inZip)) entries.push({ path: inZip, data: readFileSync(file) });
      }
    }
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.path)) throw new Error(`PythonBundles: two sources ship ${entry.path}`);
    seen.add(entry.path);
  }
  return entries;
}

function pipArguments(target: PythonTarget, requirements: readonly string[], into: string): string[] {
  const platform =
    target === "lambda" ? [...LAMBDA_WHEEL_PLATFORMS.flatMap((tag) => ["--platform", tag]), "--implementation", "cp", "--python-version", PYTHON_ABI_VERSION] : [];
  return [
    "-m",
    "pip",
    "install",
    "--disable-pip-version-check",
    "--no-input",
    "--quiet",
    // Every dependency is pinned in the requirement files, so nothing is resolved at build time.
    "--no-deps",
    // Wheels only: an sdist would compile for this machine, not for Lambda.
    "--only-binary=:all:",
    // Bytecode from pip's interpreter would be for the wrong Python version and differ per build.
    "--no-compile",
    ...platform,
    "--target",
    into,
    ...requirements.flatMap((file) => ["--requirement", file]),
  ];
}

function layerEntries(python: string, target: PythonTarget, requirements: readonly string[], work: string): ZipEntry[] {
  const into = join(work, "python");
  const result = spawnSync(python, pipArguments(target, requirements, into), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : (result.stderr || result.stdout).trim().split("\n").slice(-6).join("\n  ");
    throw new Error(
      `PythonBundles: pip could not install the app's dependencies for the Lambda layer (${[python, "-m pip install", ...requirements.map((file) => relative(REPOSITORY_ROOT, file))].join(" ")}):\n  ${why}\n` +
        "The first synthesis needs python3 with pip and PyPI (or your PIP_INDEX_URL); later ones use the cache under node_modules/.cache/python-bundles. " +
        "Set PLATFORM_PYTHON to another interpreter if python3 has no pip. Every requirement must be pinned and publish a wheel for manylinux aarch64 and CPython " +
        PYTHON_ABI_VERSION +
        ".",
    );
  }
  // Console scripts carry this machine's interpreter path in their first line; nothing on Lambda runs them.
  rmSync(join(into, "bin"), { recursive: true, force: true });
  return listFiles(into)
    .map((file) => ({ path: `python/${relative(into, file).split(sep).join("/")}`, data: readFileSync(file) }))
    .filter((entry) => !BYTECODE.test(entry.path));
}

function writeZip(dir: string, name: string, entries: ZipEntry[]): PythonBundleFile {
  const zip = zipDeterministic(entries);
  writeFileSync(join(dir, `${name}.zip`), zip);
  const digest = createHash("sha256").update(zip);
  const hex = digest.copy().digest("hex");
  return {
    sha256: hex,
    sourceCodeHash: digest.digest("base64"),
    zipBytes: zip.length,
    unzippedBytes: entries.reduce((sum, entry) => sum + entry.data.length, 0),
    zipFile: join(dir, `${name}.zip`),
    directory: dir,
  };
}

/**
 * Builds (or finds in the content-addressed cache) one zip entry: `build` runs in a temporary
 * directory that becomes the entry only once complete, so a parallel build of the same key, or an
 * interrupted one, never leaves a half-written entry behind.
 */
function cached(cacheDir: string, key: string, build: (dir: string) => PythonBundleFile): { file: PythonBundleFile; fromCache: boolean } {
  const entryDir = join(cacheDir, key);
  const manifestFile = join(entryDir, "manifest.json");
  if (existsSync(manifestFile)) {
    const file = JSON.parse(readFileSync(manifestFile, "utf8")) as PythonBundleFile;
    try {
      const now = new Date();
      utimesSync(manifestFile, now, now);
    } catch {
      // A read-only cache still works; pruning just sees an older entry.
    }
    return { file: { ...file, zipFile: join(entryDir, relative(file.directory, file.zipFile)), directory: entryDir }, fromCache: true };
  }
  commitCacheEntry(cacheDir, key, "manifest.json", (temporary) => {
    const file = build(temporary);
    writeFileSync(join(temporary, "manifest.json"), `${JSON.stringify(file, null, 2)}\n`);
  });
  // Entries this process has handed out (their files are copied at synth) stay.
  const inUse = [...built.values()]
    .flatMap((bundles) => [bundles.code.directory, bundles.layer.directory])
    .filter((directory) => directory === join(cacheDir, basename(directory)))
    .map((directory) => basename(directory));
  pruneBundleCache(cacheDir, new Set([key, ...inUse]), "manifest.json", CACHE_ENTRIES_KEPT * 2 - 1);
  return { file: cached(cacheDir, key, build).file, fromCache: false };
}

/**
 * The Python packaging of zip functions: the app's code in one zip (the same for the API, the
 * worker and the producer; the handler setting names each entry point) and its pinned dependencies
 * in a layer built by pip from PyPI wheels for Lambda's arm64 python3.13. Both are deterministic
 * (sorted entries, fixed dates and modes, no bytecode, no console scripts) and kept in a
 * content-addressed cache: the layer's key hashes the requirement files, the target and this file,
 * so a warm synthesis runs no pip and needs no network.
 */
export function buildPythonBundles(spec: PythonBundleSpec = {}): BuiltPythonBundles {
  const sources = spec.sources ?? [{ dir: APP_DIR, include: ["platform_app"] }];
  const requirements = spec.requirements ?? [join(APP_DIR, "requirements.txt")];
  const target = spec.target ?? "lambda";
  const cacheDir = spec.cacheDir ?? DEFAULT_PYTHON_CACHE_DIR;
  const python = spec.python ?? (process.env.PLATFORM_PYTHON || "python3");

  const codeFiles = sourceEntries(sources);
  const codeKey = createHash("sha256");
  codeKey.update("python-code/1\0");
  for (const entry of codeFiles) codeKey.update(`${entry.path}\0${sha256(entry.data)}\0`);
  const layerKey = createHash("sha256");
  layerKey.update(`python-layer/1\0${target}\0${target === "host" ? `${python}\0${hostTag(python)}` : PYTHON_ABI_VERSION}\0`);
  layerKey.update(sha256(readFileSync(__filename)));
  for (const file of requirementFiles(requirements)) layerKey.update(`\0${sha256(readFileSync(file))}`);
  const keys = { code: `code-${codeKey.digest("hex").slice(0, 32)}`, layer: `layer-${target}-${layerKey.digest("hex").slice(0, 32)}` };
  const memoKey = `${cacheDir}\0${keys.code}\0${keys.layer}`;
  const memo = built.get(memoKey);
  if (memo) return { ...memo, fromCache: true };

  const code = cached(cacheDir, keys.code, (dir) => writeZip(dir, "code", codeFiles));
  const layer = cached(cacheDir, keys.layer, (dir) => writeZip(dir, "layer", layerEntries(python, target, requirements, dir)));
  const result: BuiltPythonBundles = { code: code.file, layer: layer.file, fromCache: code.fromCache && layer.fromCache };
  if (target === "lambda") checkLambdaLimits(result);
  built.set(memoKey, result);
  return result;
}

/** The requirement files and every file they include with `-r`, so a change to an included one rebuilds the layer. */
function requirementFiles(files: readonly string[], seen = new Set<string>()): string[] {
  for (const file of files) {
    if (seen.has(file)) continue;
    if (!existsSync(file)) throw new Error(`PythonBundles: requirement file ${relative(REPOSITORY_ROOT, file)} does not exist`);
    seen.add(file);
    const included = readFileSync(file, "utf8")
      .split("\n")
      .map((line) => /^\s*(?:-r|--requirement)[=\s]\s*(\S+)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined)
      .map((name) => join(dirname(file), name));
    requirementFiles(included, seen);
  }
  return [...seen];
}

/** The interpreter's own version and platform: a host layer is only valid for the interpreter that built it. */
function hostTag(python: string): string {
  const result = spawnSync(python, ["-c", "import sys, sysconfig; print(sys.implementation.cache_tag, sysconfig.get_platform())"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`PythonBundles: cannot run ${python} (${result.error?.message ?? result.stderr.trim()}); set PLATFORM_PYTHON to a Python 3 interpreter with pip`);
  return result.stdout.trim();
}

function checkLambdaLimits(bundles: BuiltPythonBundles): void {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const problems: string[] = [];
  for (const [name, file] of [["code", bundles.code], ["layer", bundles.layer]] as const) {
    if (file.zipBytes > LAMBDA_DIRECT_UPLOAD_MAX_BYTES) problems.push(`the ${name} zip is ${mb(file.zipBytes)}, above the ${mb(LAMBDA_DIRECT_UPLOAD_MAX_BYTES)} Lambda takes in a direct upload`);
  }
  const unzipped = bundles.code.unzippedBytes + bundles.layer.unzippedBytes;
  if (unzipped > LAMBDA_UNZIPPED_MAX_BYTES) problems.push(`code and layer unzip to ${mb(unzipped)}, above Lambda's ${mb(LAMBDA_UNZIPPED_MAX_BYTES)} per function`);
  if (problems.length > 0) {
    throw new Error(`PythonBundles: ${problems.join("; ")}. Trim app/requirements.txt, or run the API from an image ("compute.packaging": "image"), whose limit is 10 GB.`);
  }
}

export interface PythonBundlesProps {
  readonly cacheDir?: string;
}

/** The Python app's zip and dependency layer as Terraform assets (see `buildPythonBundles`). */
export class PythonBundles extends Construct {
  readonly code: TerraformAsset;
  readonly layer: TerraformAsset;
  readonly bundles: BuiltPythonBundles;

  constructor(scope: Construct, id: string, props: PythonBundlesProps = {}) {
    super(scope, id);
    this.bundles = buildPythonBundles({ cacheDir: props.cacheDir });
    this.code = fileAsset(this, "code", this.bundles.code);
    this.layer = fileAsset(this, "layer", this.bundles.layer);
  }
}

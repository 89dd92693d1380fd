import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { BuildOptions } from "esbuild";

export type HandlerName = "api" | "worker" | "producer";
export const HANDLER_NAMES: readonly HandlerName[] = ["api", "worker", "producer"];

/** The module name the layer gives the shared runtime (`src/handlers/runtime`); handlers `require` it from /opt. */
export const RUNTIME_MODULE = "@serverless-platform/runtime";
/** The `handler` setting of every function: each zip holds `index.js` exporting `handler`. */
export const LAMBDA_HANDLER = "index.handler";
/**
 * The API image's HTTP entry point for ECS (`src/handlers/api/server.ts`), next to `index.js` in the
 * image's task root. Not part of the API zip: Lambda never runs it.
 */
export const API_SERVER_FILE = "server.js";
/** The runtime the bundles target (esbuild `node22`); also the layer's compatible runtime. */
export const LAMBDA_RUNTIME = "nodejs22.x";

const REPOSITORY_ROOT = join(__dirname, "..", "..", "..");
const HANDLERS_DIR = join(REPOSITORY_ROOT, "src", "handlers");
/** Disposable, and already ignored by git with the rest of node_modules. */
export const DEFAULT_BUNDLE_CACHE_DIR = join(REPOSITORY_ROOT, "node_modules", ".cache", "function-bundles");
/** Cache entries kept after a new one is built: enough for a few branches or build versions side by side. */
export const CACHE_ENTRIES_KEPT = 8;
/** Inside the layer: Lambda puts /opt/nodejs/node_modules on NODE_PATH for Node.js runtimes. */
const LAYER_MODULE_DIR = `nodejs/node_modules/${RUNTIME_MODULE}`;
/** The import specifier handlers use for the runtime; everything else under src/handlers/runtime is off limits to them. */
const RUNTIME_IMPORT = "../runtime";
/** Packages that must come from the layer, never be inlined into a handler. */
const SDK_PACKAGE = /(^|\/)node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws)\//;

export interface BundleFile {
  /** The zip's SHA-256 as lower-case hex. */
  readonly sha256: string;
  /** The zip's SHA-256, base64: what Lambda reports as CodeSha256 and `source_code_hash` expects. */
  readonly sourceCodeHash: string;
  readonly zipFile: string;
  readonly zipBytes: number;
  /** The unzipped tree (what the zip holds), for inspection and tests. */
  readonly directory: string;
}

export interface BuiltBundles {
  /** The content hash of every input; names the cache entry. */
  readonly key: string;
  readonly layer: BundleFile;
  readonly handlers: Readonly<Record<HandlerName, BundleFile>>;
  /** The API's HTTP server for the container image (`API_SERVER_FILE`); a directory only, no zip. */
  readonly apiServer: ImageFile;
  /** False when this call ran esbuild; true when a cache entry (on disk or in this process) answered. */
  readonly fromCache: boolean;
}

export interface ImageFile {
  /** SHA-256 of the file, lower-case hex. */
  readonly sha256: string;
  /** The directory holding it, to copy into the image beside the handler. */
  readonly directory: string;
}

export interface BuildFunctionBundlesOptions {
  /** Stamped into the bundles as the fallback of `BUILD_VERSION`. Default: none ("unknown" unless the function's environment sets it). */
  readonly buildVersion?: string;
  /** Where bundles are built and kept. Default `node_modules/.cache/function-bundles` of this repository. */
  readonly cacheDir?: string;
  /** The handler sources: `runtime/` and one directory per handler with an `index.ts`. Default `src/handlers`. */
  readonly handlersDir?: string;
}

interface Manifest {
  readonly key: string;
  readonly layer: Omit<BundleFile, "zipFile" | "directory"> & { readonly name: string };
  readonly handlers: Record<HandlerName, Omit<BundleFile, "zipFile" | "directory"> & { readonly name: string }>;
  readonly apiServer: { readonly name: string; readonly sha256: string };
}

const API_SERVER_BUNDLE = "api-server";

const built = new Map<string, BuiltBundles>();

/**
 * Bundles the handlers and the layer with esbuild, or returns them from the cache. Synchronous, so
 * it can run inside a construct. The cache key hashes everything that shapes the output: the
 * handler sources, package-lock.json (the SDK's exact versions), esbuild's version, this file (the
 * build options) and the build version. The output is deterministic (no timestamps, sorted zip
 * entries, fixed modes), so equal keys mean byte-identical zips on any machine with the same Node.js
 * (zlib) major version.
 */
export function buildFunctionBundles(options: BuildFunctionBundlesOptions = {}): BuiltBundles {
  const cacheDir = options.cacheDir ?? DEFAULT_BUNDLE_CACHE_DIR;
  const handlersDir = options.handlersDir ?? HANDLERS_DIR;
  const key = inputKey(handlersDir, options.buildVersion);
  const memoKey = `${cacheDir}\0${key}`;
  const memo = built.get(memoKey);
  if (memo) return { ...memo, fromCache: true };

  const entryDir = join(cacheDir, key);
  if (!existsSync(join(entryDir, "manifest.json"))) {
    commitCacheEntry(cacheDir, key, "manifest.json", (temporary) => writeBundles(temporary, key, handlersDir, options.buildVersion));
    pruneBundleCache(cacheDir, new Set([key, ...[...built.values()].map((bundles) => bundles.key)]), "manifest.json", CACHE_ENTRIES_KEPT - 1);
    const result = readManifest(entryDir, false);
    built.set(memoKey, result);
    return result;
  }
  const result = readManifest(entryDir, true);
  built.set(memoKey, result);
  return result;
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Every file below `dir`, sorted: the order a deterministic zip or content hash needs. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []))
    .sort();
}

function inputKey(handlersDir: string, buildVersion: string | undefined): string {
  const hash = createHash("sha256");
  const add = (label: string, content: string | Buffer) => hash.update(`${label}\0${sha256(content)}\0`);
  add("format", "function-bundles/1");
  for (const [label, content] of Object.entries(bundlerInputs())) add(label, content);
  add("build-version", buildVersion ?? "\u0000none");
  add("bundler", readFileSync(__filename));
  for (const file of listFiles(handlersDir)) add(relative(handlersDir, file).split(sep).join("/"), readFileSync(file));
  return hash.digest("hex").slice(0, 32);
}

/**
 * What every bundle built here depends on besides its own sources, for cache keys: esbuild's
 * version (from its package.json: loading esbuild itself, ~7 ms, is left to a cache miss), Node's
 * major version (zlib output may differ between majors) and the installed packages.
 */
export function bundlerInputs(): Record<"esbuild" | "node-major" | "lockfile", string | Buffer> {
  const lockfile = join(REPOSITORY_ROOT, "package-lock.json");
  return {
    esbuild: JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version,
    "node-major": process.versions.node.split(".")[0],
    lockfile: readFileSync(existsSync(lockfile) ? lockfile : join(REPOSITORY_ROOT, "package.json")),
  };
}

/** esbuild's options for every function bundle: Node.js 22, CommonJS, minified, written to memory. */
export function esbuildOptions(buildVersion: string | undefined): BuildOptions {
  return {
    absWorkingDir: REPOSITORY_ROOT,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    // Stack traces in the logs point at minified code: source maps would multiply the zips' size
    // and need --enable-source-maps, which slows every throw.
    sourcemap: false,
    // The SDK's ES modules tree-shake; its CommonJS builds do not.
    mainFields: ["module", "main"],
    legalComments: "eof",
    charset: "utf8",
    write: false,
    metafile: true,
    logLevel: "silent",
    // Lets sources outside the repository (tests) resolve this repository's packages.
    nodePaths: [join(REPOSITORY_ROOT, "node_modules")],
    define: { "process.env.PLATFORM_BUNDLED_VERSION": buildVersion === undefined ? "undefined" : JSON.stringify(buildVersion) },
  };
}

/**
 * One esbuild run for the layer and every handler (one process, the shared sources parsed once):
 * the runtime bundled whole, the handlers with `../runtime` left external and then pointed at the
 * layer's module.
 */
function bundleAll(handlersDir: string, buildVersion: string | undefined): { layer: string; handlers: Record<HandlerName, string>; apiServer: string } {
  const entryPoints = {
    layer: join(handlersDir, "runtime", "index.ts"),
    ...Object.fromEntries(HANDLER_NAMES.map((name) => [name, join(handlersDir, name, "index.ts")])),
    // Bundled like a handler (the API handler inlined, the runtime from the layer), so it needs nothing but the image.
    [API_SERVER_BUNDLE]: join(handlersDir, "api", "server.ts"),
  };
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  // `../runtime` as written in a handler directory; the runtime imports only its own `./` modules, so it is bundled whole.
  const result = buildSync({ ...esbuildOptions(buildVersion), entryPoints, outdir: join(REPOSITORY_ROOT, ".function-bundles"), external: [RUNTIME_IMPORT] });
  const outputs = result.metafile?.outputs ?? {};
  const text = (name: string): { code: string; inputs: string[] } => {
    const file = result.outputFiles?.find((output) => relative(REPOSITORY_ROOT, output.path).split(sep).join("/") === `.function-bundles/${name}.js`);
    const meta = outputs[`.function-bundles/${name}.js`];
    if (!file || !meta) throw new Error(`FunctionBundles: esbuild produced no output for ${name}`);
    return { code: file.text, inputs: Object.keys(meta.inputs) };
  };
  const layer = text("layer");
  const runtimeInputs = `${relative(REPOSITORY_ROOT, join(handlersDir, "runtime")).split(sep).join("/")}/`;
  if (/require\((["'`])\.\.?\//.test(layer.code)) throw new Error("FunctionBundles: the runtime keeps a relative require; it must be self-contained");
  const handlers = Object.fromEntries(HANDLER_NAMES.map((name) => [name, linkHandler(name, text(name), runtimeInputs)])) as Record<HandlerName, string>;
  return { layer: layer.code, handlers, apiServer: linkHandler(API_SERVER_BUNDLE, text(API_SERVER_BUNDLE), runtimeInputs) };
}

/** Checks what a handler bundle inlined and points its `require("../runtime")` at the layer's module. */
function linkHandler(name: HandlerName | typeof API_SERVER_BUNDLE, output: { code: string; inputs: string[] }, runtimeInputs: string): string {
  for (const input of output.inputs) {
    if (SDK_PACKAGE.test(input)) {
      throw new Error(`FunctionBundles: handler ${name} bundles ${input}; handlers reach the AWS SDK through ${RUNTIME_IMPORT}, which the layer provides`);
    }
    if (input.startsWith(runtimeInputs)) {
      throw new Error(`FunctionBundles: handler ${name} inlines ${input}; import the runtime only as "${RUNTIME_IMPORT}" (its index), so the layer's single copy is used`);
    }
  }
  let requires = 0;
  const code = output.code.replace(/require\((["'`])\.\.\/runtime\1\)/g, () => {
    requires++;
    return `require(${JSON.stringify(RUNTIME_MODULE)})`;
  });
  if (requires === 0) throw new Error(`FunctionBundles: handler ${name} does not import ${RUNTIME_IMPORT}; every handler logs and reads its configuration through it`);
  const relativeRequire = /require\((["'`])\.\.?\//.exec(code);
  if (relativeRequire) throw new Error(`FunctionBundles: handler ${name} keeps a relative require (${relativeRequire[0]}…); only ${RUNTIME_IMPORT} may stay external`);
  return code;
}

function writeBundles(target: string, key: string, handlersDir: string, buildVersion: string | undefined): void {
  const code = bundleAll(handlersDir, buildVersion);
  const layerFiles: ZipEntry[] = [
    { path: `${LAYER_MODULE_DIR}/index.js`, data: Buffer.from(code.layer) },
    { path: `${LAYER_MODULE_DIR}/package.json`, data: Buffer.from(`${JSON.stringify({ name: RUNTIME_MODULE, private: true, main: "index.js" }, null, 2)}\n`) },
  ];
  const manifest: Manifest = {
    key,
    layer: writeBundle(target, "layer", layerFiles),
    handlers: Object.fromEntries(HANDLER_NAMES.map((name) => [name, writeBundle(target, name, [{ path: "index.js", data: Buffer.from(code.handlers[name]) }])])) as Manifest["handlers"],
    apiServer: { name: API_SERVER_BUNDLE, sha256: sha256(code.apiServer) },
  };
  mkdirSync(join(target, API_SERVER_BUNDLE), { recursive: true });
  writeFileSync(join(target, API_SERVER_BUNDLE, API_SERVER_FILE), code.apiServer);
  writeFileSync(join(target, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

function writeBundle(target: string, name: string, files: ZipEntry[]): Manifest["layer"] {
  for (const file of files) {
    const path = join(target, name, ...file.path.split("/"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.data);
  }
  const zip = zipDeterministic(files);
  writeFileSync(join(target, `${name}.zip`), zip);
  const digest = createHash("sha256").update(zip);
  const hex = digest.copy().digest("hex");
  return { name, sha256: hex, sourceCodeHash: digest.digest("base64"), zipBytes: zip.length };
}

function readManifest(entryDir: string, fromCache: boolean): BuiltBundles {
  const manifest = JSON.parse(readFileSync(join(entryDir, "manifest.json"), "utf8")) as Manifest;
  const file = ({ name, sha256: hex, sourceCodeHash, zipBytes }: Manifest["layer"]): BundleFile => ({
    sha256: hex,
    sourceCodeHash,
    zipBytes,
    zipFile: join(entryDir, `${name}.zip`),
    directory: join(entryDir, name),
  });
  if (fromCache) {
    // Marks the entry as used, so pruning keeps what recent synths read. Best effort: a read-only cache still works.
    try {
      const now = new Date();
      utimesSync(join(entryDir, "manifest.json"), now, now);
    } catch {
      // ignore
    }
  }
  return {
    key: manifest.key,
    layer: file(manifest.layer),
    handlers: Object.fromEntries(HANDLER_NAMES.map((name) => [name, file(manifest.handlers[name])])) as Record<HandlerName, BundleFile>,
    apiServer: { sha256: manifest.apiServer.sha256, directory: join(entryDir, manifest.apiServer.name) },
    fromCache,
  };
}

/**
 * Writes a cache entry as a whole or not at all: `write` fills a private temporary directory, which
 * is then renamed to `<cacheDir>/<key>`. When another process (a parallel jest worker, a second
 * synth) committed the same key first, its copy stands and this one is dropped.
 */
export function commitCacheEntry(cacheDir: string, key: string, marker: string, write: (temporary: string) => void): void {
  mkdirSync(cacheDir, { recursive: true });
  const temporary = join(cacheDir, `.tmp-${key.slice(0, 12)}-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    mkdirSync(temporary);
    write(temporary);
    try {
      renameSync(temporary, join(cacheDir, key));
    } catch (error) {
      if (!existsSync(join(cacheDir, key, marker))) throw error;
    }
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

/**
 * Drops the least recently used entries of a bundle cache (each a directory named by its key whose
 * `marker` file is written last) beyond the `othersKept` most recent, never one in `keep`: what
 * this process has handed out, whose zips are copied at synth.
 */
export function pruneBundleCache(cacheDir: string, keep: ReadonlySet<string>, marker: string, othersKept: number): void {
  const entries = readdirSync(cacheDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !keep.has(entry.name) && !entry.name.startsWith("."))
    .map((entry) => {
      const markerFile = join(cacheDir, entry.name, marker);
      return { path: join(cacheDir, entry.name), used: existsSync(markerFile) ? statSync(markerFile).mtimeMs : 0 };
    })
    .sort((a, b) => b.used - a.used);
  // Best effort: a concurrent synth may be pruning too.
  for (const stale of entries.slice(othersKept)) {
    try {
      rmSync(stale.path, { recursive: true, force: true });
    } catch {
      // ignore
    }
  }
}

interface ZipEntry {
  /** Posix path inside the zip. */
  readonly path: string;
  readonly data: Buffer;
}

/** 1980-01-01 00:00, the earliest DOS date: no build time leaks into the archive. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

/**
 * A zip whose bytes depend only on the entries: sorted names, explicit parent directories, fixed
 * dates, Unix modes 0644/0755, deflate level 9. cdktf's own ARCHIVE assets record file mtimes and
 * spawn a Node.js process per archive per synthesis (about 130 ms each), which this avoids.
 */
export function zipDeterministic(files: readonly ZipEntry[]): Buffer {
  const directories = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/");
    for (let depth = 1; depth < parts.length; depth++) directories.add(`${parts.slice(0, depth).join("/")}/`);
  }
  const entries = [...[...directories].map((path) => ({ path, data: Buffer.alloc(0) })), ...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const isDirectory = entry.path.endsWith("/");
    const name = Buffer.from(entry.path, "utf8");
    const method = isDirectory ? 0 : 8;
    const compressed = isDirectory ? entry.data : deflateRawSync(entry.data, { level: 9 });
    const crc = isDirectory ? 0 : crc32(entry.data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes carry the mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk number, internal attributes: zero
    const mode = isDirectory ? 0o040755 : 0o100644;
    central.writeUInt32LE(((mode << 16) | (isDirectory ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);

    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}

export interface FunctionBundlesProps {
  /**
   * Stamped into the bundles as the fallback of the health check's `build.version` (the function's
   * BUILD_VERSION environment variable wins). It is part of the bundles' content, so a new version
   * changes every zip and redeploys every function. Default: none, and the bundles stay unchanged
   * until their code or dependencies change.
   */
  readonly buildVersion?: string;
  /** Where bundles are built and cached. Default `node_modules/.cache/function-bundles` in this repository. */
  readonly cacheDir?: string;
}

/**
 * The zip packaging of the app layer's functions: one zip per handler (`index.js` exporting
 * `handler`, so the handler setting is `index.handler`) and one layer zip holding the shared
 * runtime and the AWS SDK clients it uses as `nodejs/node_modules/@serverless-platform/runtime`.
 *
 * Bundled by esbuild at synthesis (Node.js 22, CommonJS, minified, no source maps) into a
 * content-addressed cache, so a synthesis after the first costs a hash of the inputs and a copy of
 * each zip. Wire a function as `filename: bundles.asset("api").path`,
 * `sourceCodeHash: bundles.sourceCodeHash("api")`, `handler: LAMBDA_HANDLER`,
 * `runtime: LAMBDA_RUNTIME`, and the layer version as `filename: bundles.layer.path`,
 * `sourceCodeHash: bundles.layerSourceCodeHash`, `compatibleRuntimes: [LAMBDA_RUNTIME]`.
 */
export class FunctionBundles extends Construct {
  /** Zip of the shared layer: `nodejs/node_modules/...` with the runtime and its dependencies. */
  readonly layer: TerraformAsset;
  /** Base64 SHA-256 of the layer zip (the layer version's `source_code_hash`). */
  readonly layerSourceCodeHash: string;
  /** The built files, their hashes and sizes. */
  readonly bundles: BuiltBundles;
  private readonly handlerAssets = new Map<HandlerName, TerraformAsset>();

  constructor(scope: Construct, id: string, props: FunctionBundlesProps = {}) {
    super(scope, id);
    this.bundles = buildFunctionBundles({ buildVersion: props.buildVersion, cacheDir: props.cacheDir });
    this.layer = fileAsset(this, "layer", this.bundles.layer);
    this.layerSourceCodeHash = this.bundles.layer.sourceCodeHash;
  }

  /**
   * Zip of one handler: `index.js` exporting `handler` (so the Lambda handler setting is "index.handler").
   * Created on first use, so a stack that runs the API from an image carries no API zip.
   */
  asset(handler: HandlerName): TerraformAsset {
    let asset = this.handlerAssets.get(handler);
    if (!asset) {
      const bundle = this.bundles.handlers[handler];
      if (!bundle) throw new Error(`FunctionBundles: unknown handler "${handler}"; one of ${HANDLER_NAMES.join(", ")}`);
      asset = fileAsset(this, handler, bundle);
      this.handlerAssets.set(handler, asset);
    }
    return asset;
  }

  /** Base64 SHA-256 of a handler's zip (the function's `source_code_hash`; Lambda's CodeSha256). */
  sourceCodeHash(handler: HandlerName): string {
    const bundle = this.bundles.handlers[handler];
    if (!bundle) throw new Error(`FunctionBundles: unknown handler "${handler}"; one of ${HANDLER_NAMES.join(", ")}`);
    return bundle.sourceCodeHash;
  }
}

/**
 * A FILE asset of the prebuilt zip (cdktf copies it into the stack's `assets/`); the asset hash is
 * the zip's own, so it is stable across machines instead of depending on directory listing order.
 */
export function fileAsset(scope: Construct, id: string, bundle: BundleFile): TerraformAsset {
  return new TerraformAsset(scope, id, { path: bundle.zipFile, type: AssetType.FILE, assetHash: bundle.sha256.slice(0, 32).toUpperCase() });
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TerraformAsset } from "cdktf";
import type { Construct } from "constructs";
import { type BundleFile, bundlerInputs, CACHE_ENTRIES_KEPT, commitCacheEntry, DEFAULT_BUNDLE_CACHE_DIR, esbuildOptions, fileAsset, listFiles, pruneBundleCache, sha256, zipDeterministic } from "../compute/function-bundles";

const REPOSITORY_ROOT = join(__dirname, "..", "..", "..");
const SOURCE_DIR = join(REPOSITORY_ROOT, "src", "handlers", "origin-rotation");
const CACHE_DIR = join(DEFAULT_BUNDLE_CACHE_DIR, "..", "origin-rotation");

const memo = new Map<string, BundleFile>();

/**
 * The rotation function's zip: `index.js` with everything inlined, the AWS SDK clients and the
 * JavaScript SigV4A signer included (the managed runtime's bundled SDK has neither the KeyValueStore
 * client nor the signer, and relying on its version would make the code differ by region and date).
 * esbuild with the app's handlers' options; deterministic and cached by the hash of its inputs like them.
 */
export function originRotationBundle(cacheDir: string = CACHE_DIR): BundleFile {
  const key = inputKey();
  const memoKey = `${cacheDir}\0${key}`;
  const known = memo.get(memoKey);
  if (known) return known;
  const entryDir = join(cacheDir, key);
  if (!existsSync(join(entryDir, "index.zip"))) {
    commitCacheEntry(cacheDir, key, "index.zip", (temporary) => {
      mkdirSync(join(temporary, "index"));
      const code = bundle();
      writeFileSync(join(temporary, "index", "index.js"), code);
      writeFileSync(join(temporary, "index.zip"), zipDeterministic([{ path: "index.js", data: Buffer.from(code) }]));
    });
    pruneBundleCache(cacheDir, new Set([key]), "index.zip", CACHE_ENTRIES_KEPT - 1);
  }
  const zip = readFileSync(join(entryDir, "index.zip"));
  const result: BundleFile = {
    sha256: sha256(zip),
    sourceCodeHash: Buffer.from(sha256(zip), "hex").toString("base64"),
    zipFile: join(entryDir, "index.zip"),
    zipBytes: zip.length,
    directory: join(entryDir, "index"),
  };
  memo.set(memoKey, result);
  return result;
}

export function originRotationAsset(scope: Construct, id: string): TerraformAsset {
  return fileAsset(scope, id, originRotationBundle());
}

function inputKey(): string {
  const parts = [
    "origin-rotation/1",
    ...Object.entries(bundlerInputs()).map(([label, content]) => `${label}:${sha256(content)}`),
    sha256(readFileSync(__filename)),
    ...listFiles(SOURCE_DIR).map((file) => `${file.slice(SOURCE_DIR.length)}:${sha256(readFileSync(file))}`),
  ];
  return sha256(parts.join("\0")).slice(0, 32);
}

function bundle(): string {
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  // The handlers' options; no build version: nothing in the rotation function reports one.
  const result = buildSync({ ...esbuildOptions(undefined), entryPoints: [join(SOURCE_DIR, "index.ts")] });
  const file = result.outputFiles?.[0];
  if (!file) throw new Error("originRotationBundle: esbuild produced no output");
  if (/require\((["'`])\.\.?\//.test(file.text)) throw new Error("originRotationBundle: the bundle keeps a relative require");
  return file.text;
}

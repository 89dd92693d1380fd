/**
 * Writes the Python app's packaged artifacts, the way synthesis builds them, into a directory, so
 * the tests can run what Lambda and ECS would run:
 *
 *   npx tsx scripts/package-python.ts --out DIR [--host] [--source DIR:a,b ...] [--requirements FILE,...]
 *
 * `--source DIR:a,b` (repeatable) ships packages or modules a and b from DIR instead of
 * app/platform_app; the Django example, for one, ships platform_app (the entry point) and its site.
 *
 * DIR/function.zip  the code zip (what every Python function's `filename` is)
 * DIR/layer.zip     the dependency layer (`python/...`)
 * DIR/image-root/   the task root app/Dockerfile builds: dependencies and code in one directory
 * DIR/manifest.json sizes and hashes
 *
 * `--host` builds the layer's compiled wheels for the interpreter running pip (PLATFORM_PYTHON or
 * python3) instead of Lambda's arm64 python3.13, so they load on this machine; the code zip is
 * the same either way.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { APP_DIR, buildPythonBundles } from "../src/constructs/compute/python-bundles";

/**
 * Extracts with Python's zipfile, the reader Lambda's own tooling is closest to and one
 * independent of the writer: `prefix` keeps only entries under it, stripped of it.
 */
function unzipInto(zip: string, into: string, prefix = ""): void {
  const script = [
    "import os, sys, zipfile",
    "zip, into, prefix = sys.argv[1:4]",
    "with zipfile.ZipFile(zip) as archive:",
    "    for info in archive.infolist():",
    "        if info.is_dir() or not info.filename.startswith(prefix): continue",
    "        target = os.path.join(into, info.filename[len(prefix):])",
    "        os.makedirs(os.path.dirname(target), exist_ok=True)",
    "        with archive.open(info) as source, open(target, 'wb') as sink: sink.write(source.read())",
  ].join("\n");
  const result = spawnSync(process.env.PLATFORM_PYTHON || "python3", ["-c", script, zip, into, prefix], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`could not extract ${zip}: ${result.error?.message ?? result.stderr}`);
}

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    host: { type: "boolean", default: false },
    source: { type: "string", multiple: true },
    requirements: { type: "string" },
  },
});
if (!values.out) {
  console.error("usage: package-python.ts --out DIR [--host] [--source DIR:a,b ...] [--requirements FILE,...]");
  process.exit(2);
}
const out = resolve(values.out);
const sources = values.source?.map((source) => {
  const [dir, include = ""] = source.split(":");
  const names = include.split(",").filter(Boolean);
  if (names.length === 0) {
    console.error(`--source ${source}: name the packages to ship after the directory, e.g. app:platform_app`);
    process.exit(2);
  }
  return { dir: resolve(dir), include: names };
});
const requirements = values.requirements?.split(",").map((file) => resolve(file));

const started = Date.now();
const bundles = buildPythonBundles({ sources, requirements, target: values.host ? "host" : "lambda" });
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
copyFileSync(bundles.code.zipFile, join(out, "function.zip"));
copyFileSync(bundles.layer.zipFile, join(out, "layer.zip"));
// The image's /var/task: app/Dockerfile installs the same pinned requirements there and copies the code beside them.
const imageRoot = join(out, "image-root");
unzipInto(join(out, "layer.zip"), imageRoot, "python/");
unzipInto(join(out, "function.zip"), imageRoot);
const manifest = {
  target: values.host ? "host" : "lambda",
  appDir: APP_DIR,
  fromCache: bundles.fromCache,
  seconds: (Date.now() - started) / 1000,
  code: { zipBytes: bundles.code.zipBytes, unzippedBytes: bundles.code.unzippedBytes, sha256: bundles.code.sha256 },
  layer: { zipBytes: bundles.layer.zipBytes, unzippedBytes: bundles.layer.unzippedBytes, sha256: bundles.layer.sha256 },
};
writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(JSON.stringify(manifest));

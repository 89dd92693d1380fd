import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readZip } from "../support/zip";
import { buildPythonBundles, type BuiltPythonBundles } from "../../src/constructs/compute/python-bundles";
import { expectEvery } from "../support/expectations";

const REPOSITORY_ROOT = join(__dirname, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "python-bundles-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The zip at `file`, read independently of the writer (CRC-checked). */
const readZipFile = (file: string) => readZip(readFileSync(file));

/** `name==version` of every line of the lock, names normalised the way wheel directories spell them. */
function pins(file: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Za-z0-9_.-]+)==([^\s;#]+)/.exec(line.trim());
    if (match) result.set(match[1].toLowerCase().replace(/[-.]+/g, "_"), match[2]);
  }
  return result;
}

describe("the Python app's Lambda packaging", () => {
  // The shipped app and its lock, built for Lambda the way synthesis builds them (warm: from the cache).
  const bundles: BuiltPythonBundles = buildPythonBundles();
  const layer = readZipFile(bundles.layer.zipFile);
  const code = readZipFile(bundles.code.zipFile);

  it("puts the dependencies where Lambda's Python runtimes look in a layer, every pin of app/requirements.txt at its version", () => {
    const names = [...layer.keys()];
    expectEvery("the layer's entries", names, (name) => name.startsWith("python/"));
    const installed = new Map(
      names
        .map((name) => /^python\/([^/]+)-([^-/]+)\.dist-info\/METADATA$/.exec(name))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => [match[1].toLowerCase(), match[2]]),
    );
    const expected = pins(join(REPOSITORY_ROOT, "app", "requirements.txt"));
    // The app's own framework, adapter and drivers are among them (a lock that lost them would still "install").
    for (const name of ["fastapi", "mangum", "psycopg", "psycopg_binary", "redis", "boto3", "pydantic_core", "uvicorn"]) expect(expected.has(name)).toBe(true);
    expect(Object.fromEntries(installed)).toEqual(Object.fromEntries(expected));
  });

  it("holds only wheels Lambda's arm64 python3.13 loads: pure Python, or CPython 3.13 / abi3 built for manylinux aarch64", () => {
    const wheels = [...layer.entries()].filter(([name]) => /\.dist-info\/WHEEL$/.test(name)).map(([name, entry]) => ({ name, tags: entry.data.toString("utf8").match(/^Tag: .+$/gm) ?? [] }));
    expect(wheels.length).toBe(pins(join(REPOSITORY_ROOT, "app", "requirements.txt")).size);
    const pure = (tag: string) => /^Tag: py[23](\.py3)?-none-any$/.test(tag);
    // Amazon Linux 2023 under python3.13 has glibc 2.34: a manylinux_2_N wheel loads when N <= 34.
    const loadable = (tag: string) => {
      const match = /^Tag: cp313-(cp313|abi3)-manylinux(2014|_2_(\d+))_aarch64$/.exec(tag);
      return match !== null && (match[2] === "2014" || Number(match[3]) <= 34);
    };
    const compiled = wheels.filter((wheel) => !wheel.tags.every(pure));
    // pydantic-core and psycopg-binary at least are compiled.
    expect(compiled.length).toBeGreaterThanOrEqual(2);
    for (const wheel of compiled) expect([wheel.name, wheel.tags.some(loadable)]).toEqual([wheel.name, true]);
    const extensions = [...layer.keys()].filter((name) => /\.so(\.|$)/.test(name));
    expect(extensions.length).toBeGreaterThan(0);
    for (const name of extensions.filter((name) => /\.cpython-/.test(name))) expect(name).toMatch(/\.cpython-313-aarch64-linux-gnu\.so$/);
    // No x86-64 machine code: ELF e_machine 0xB7 is AArch64 (0x3E would be x86-64).
    for (const name of extensions) expect([name, layer.get(name)!.data.readUInt16LE(18).toString(16)]).toEqual([name, "b7"]);
  });

  it("ships no bytecode, console scripts or build-machine paths, and fits Lambda's size limits", () => {
    for (const name of layer.keys()) expect(name).not.toMatch(/__pycache__|\.pyc$|^python\/bin\//);
    const text = [...layer.values()].filter((entry) => entry.data.length < 200_000).map((entry) => entry.data.toString("latin1")).join("\n");
    expect(text).not.toContain(scratch);
    expect(text).not.toContain(join(REPOSITORY_ROOT, "node_modules"));
    // Lambda quotas: 50 MB zipped in a direct upload, 250 MB unzipped for a function with its layers.
    expect(bundles.layer.zipBytes).toBeLessThan(50 * 1024 * 1024);
    expect(bundles.code.zipBytes + bundles.layer.zipBytes).toBeLessThan(50 * 1024 * 1024);
    expect(bundles.layer.unzippedBytes + bundles.code.unzippedBytes).toBeLessThan(250 * 1024 * 1024);
  });

  it("zips the app package alone, without tests or bytecode, with every entry point the functions name", () => {
    const names = [...code.keys()].filter((name) => !name.endsWith("/"));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(name).toMatch(/^platform_app\//);
    for (const name of names) expect(name).not.toMatch(/__pycache__|\.pyc$|(^|\/)tests?\/|conftest\.py$/);
    for (const module of ["lambda_api", "lambda_worker", "lambda_producer", "server", "migrate"]) expect(code.has(`platform_app/${module}.py`)).toBe(true);
    expect(names.some((name) => /^platform_app\/migrations\/0001_[a-z0-9_]+\.sql$/.test(name))).toBe(true);
    const [first] = code.values();
    expect(first.stamp).toEqual([0, (0 << 9) | (1 << 5) | 1]);
  });

  it("is deterministic: a second build in an empty cache gives byte-identical zips", () => {
    const again = buildPythonBundles({ cacheDir: join(scratch, "rebuild") });
    expect(again.fromCache).toBe(false);
    expect([again.layer.sha256, again.code.sha256]).toEqual([bundles.layer.sha256, bundles.code.sha256]);
  });

  it("keeps the cache bounded: a new build drops all but the eleven most recently used other entries", () => {
    const prunedDir = join(scratch, "cache-prune");
    for (let index = 0; index < 15; index++) {
      const manifest = join(prunedDir, `old-${String(index).padStart(2, "0")}`, "manifest.json");
      mkdirSync(join(manifest, ".."), { recursive: true });
      writeFileSync(manifest, "{}");
      const used = new Date(Date.UTC(2024, 0, 1 + index));
      utimesSync(manifest, used, used);
    }
    const requirements = join(scratch, "no-requirements.txt");
    writeFileSync(requirements, "");
    const fresh = buildPythonBundles({ cacheDir: prunedDir, requirements: [requirements] });
    expect(fresh.fromCache).toBe(false);
    const entries = [fresh.code.directory, fresh.layer.directory].map((directory) => directory.slice(prunedDir.length + 1));
    // The code entry is built first and is the newest "other" entry when the layer's build prunes.
    expect(readdirSync(prunedDir).sort()).toEqual([...Array.from({ length: 10 }, (_, index) => `old-${String(index + 5).padStart(2, "0")}`), ...entries].sort());
  });

  it("answers a warm build from the cache without running pip (no network, no interpreter needed)", () => {
    const warm = buildPythonBundles({ cacheDir: join(scratch, "rebuild"), python: join(scratch, "no-such-python") });
    expect(warm.fromCache).toBe(true);
    expect(warm.layer.sha256).toBe(bundles.layer.sha256);
  });

  it("rebuilds the layer when the lock changes, and names the file and the fix when pip cannot install it", () => {
    const requirements = join(scratch, "requirements.txt");
    writeFileSync(requirements, "platform-no-such-package-on-pypi==0.0.1\n");
    expect(() => buildPythonBundles({ cacheDir: join(scratch, "broken"), requirements: [requirements] })).toThrow(
      /pip could not install the app's dependencies for the Lambda layer[\s\S]*requirements\.txt[\s\S]*publish a wheel for manylinux aarch64 and CPython 3\.13/,
    );
  });

  it("refuses a source package that is not there, naming it", () => {
    const empty = join(scratch, "empty-app");
    mkdirSync(empty, { recursive: true });
    expect(() => buildPythonBundles({ cacheDir: join(scratch, "rebuild"), sources: [{ dir: empty, include: ["platform_app"] }] })).toThrow(/platform_app does not exist/);
  });

  it("extracts with Python's own zipfile into the tree Lambda sees", () => {
    const into = join(scratch, "extracted");
    const result = spawnSync("python3", ["-m", "zipfile", "-e", bundles.code.zipFile, into], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(readFileSync(join(into, "platform_app", "lambda_api.py"), "utf8")).toMatch(/def handler|handler\s*=/);
  });
});

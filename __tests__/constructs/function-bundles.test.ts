import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import {
  API_SERVER_FILE,
  buildFunctionBundles,
  FunctionBundles,
  HANDLER_NAMES,
  LAMBDA_HANDLER,
  RUNTIME_MODULE,
  zipDeterministic,
  type BuiltBundles,
} from "../../src/constructs/compute/function-bundles";
import { readZip } from "../support/zip";
import { createOriginSecret, createQueue, ORIGIN_HEADER, ORIGIN_VALUE, PARAMETERS_PATH, publishParameters, receiveAll } from "../handlers/support/fixtures";
import { useMoto } from "../handlers/support/moto";

const REPOSITORY_ROOT = join(__dirname, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "function-bundles-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Unpacks a zip the way Lambda lays out a function: the function zip in /var/task, layers in /opt. */
function unpack(zipFile: string, into: string): void {
  for (const [name, entry] of readZip(readFileSync(zipFile))) {
    if (name.endsWith("/")) continue;
    mkdirSync(dirname(join(into, name)), { recursive: true });
    writeFileSync(join(into, name), entry.data);
  }
}

/** Runs a handler from its unpacked zip in a fresh Node.js, with the layer on NODE_PATH as Lambda puts it. */
function invokeBundled(root: string, handler: string, event: unknown, env: Record<string, string> = {}): any {
  const script = `require(${JSON.stringify(join(root, "task", "index.js"))}).handler(${JSON.stringify(event)}, { awsRequestId: "bundled" })
    .then((result) => process.stdout.write("\\n@@" + JSON.stringify(result)), (error) => { process.stdout.write("\\n@@" + JSON.stringify({ thrown: String(error) })); });`;
  const run = spawnSync(process.execPath, ["-e", script], {
    cwd: join(root, "task"),
    env: { ...process.env, NODE_PATH: join(root, "opt", "nodejs", "node_modules"), LOG_LEVEL: "silent", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(run.stderr).not.toMatch(/Cannot find module|Error:/);
  const marker = run.stdout.lastIndexOf("@@");
  if (marker < 0) throw new Error(`handler ${handler} printed no result: ${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout.slice(marker + 2));
}

function lambdaLayout(bundles: BuiltBundles, handler: (typeof HANDLER_NAMES)[number]): string {
  const root = mkdtempSync(join(scratch, `lambda-${handler}-`));
  unpack(bundles.handlers[handler].zipFile, join(root, "task"));
  unpack(bundles.layer.zipFile, join(root, "opt"));
  return root;
}

// Through CloudFront: the API refuses a request without its origin header (origin-check.test.ts).
const apiEvent = (rawPath: string) => ({ version: "2.0", rawPath, headers: { [ORIGIN_HEADER]: ORIGIN_VALUE }, requestContext: { requestId: "bundled-request", http: { method: "GET", path: rawPath } }, isBase64Encoded: false });

describe("FunctionBundles: the zips", () => {
  const cacheDir = join(scratch, "cache-a");
  const bundles = buildFunctionBundles({ cacheDir });

  it("gives each handler a zip with index.js alone, requiring the runtime from the layer", () => {
    for (const name of HANDLER_NAMES) {
      const entries = readZip(readFileSync(bundles.handlers[name].zipFile));
      expect([...entries.keys()]).toEqual(["index.js"]);
      const code = entries.get("index.js")!.data.toString("utf8");
      expect(code).toContain(`require("${RUNTIME_MODULE}")`);
      expect(code).not.toMatch(/require\(["']\.\.?\//);
      expect(entries.get("index.js")!.mode).toBe(0o100644);
    }
    expect(LAMBDA_HANDLER).toBe("index.handler");
  });

  it("does not inline the AWS SDK into a handler: each stays a few kilobytes while the layer carries the SDK", () => {
    const layerCode = readZip(readFileSync(bundles.layer.zipFile)).get(`nodejs/node_modules/${RUNTIME_MODULE}/index.js`)!.data;
    expect(layerCode.length).toBeGreaterThan(200_000);
    expect(layerCode.toString("utf8")).toContain("GetParametersByPath");
    expect(layerCode.toString("utf8")).toContain("SendMessageBatch");
    for (const name of HANDLER_NAMES) {
      const code = readZip(readFileSync(bundles.handlers[name].zipFile)).get("index.js")!.data;
      expect(code.length).toBeLessThan(16_000);
      expect(bundles.handlers[name].zipBytes).toBeLessThan(8_000);
      expect(code.toString("utf8")).not.toMatch(/x-amz-|SigV4|smithy/i);
    }
  });

  it("lays the layer out as nodejs/node_modules/<runtime module>, with parent directories and no stray files", () => {
    const entries = readZip(readFileSync(bundles.layer.zipFile));
    expect([...entries.keys()]).toEqual([
      "nodejs/",
      "nodejs/node_modules/",
      "nodejs/node_modules/@serverless-platform/",
      "nodejs/node_modules/@serverless-platform/runtime/",
      "nodejs/node_modules/@serverless-platform/runtime/index.js",
      "nodejs/node_modules/@serverless-platform/runtime/package.json",
    ]);
    expect(entries.get("nodejs/")!.mode).toBe(0o040755);
    expect(JSON.parse(entries.get("nodejs/node_modules/@serverless-platform/runtime/package.json")!.data.toString("utf8"))).toEqual({ name: RUNTIME_MODULE, private: true, main: "index.js" });
  });

  it("writes zips Python's zipfile reads back intact", () => {
    const python = join(process.env.TOOLCHAIN_DIR ?? join(homedir(), ".cache", "serverless-platform-toolchain"), "venv", "bin", "python");
    if (!existsSync(python)) throw new Error(`the toolchain's Python is missing at ${python}; install it with: bash scripts/toolchain.sh python`);
    const check = spawnSync(python, ["-c", "import sys, zipfile\nfor path in sys.argv[1:]:\n    z = zipfile.ZipFile(path)\n    assert z.testzip() is None, path\n    print(len(z.namelist()))", bundles.layer.zipFile, bundles.handlers.api.zipFile], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.stdout.trim().split("\n")).toEqual(["6", "1"]);
  });

  it("is byte-for-byte reproducible: a second build in an empty cache gives the same zips", () => {
    const again = buildFunctionBundles({ cacheDir: join(scratch, "cache-b") });
    expect(again.fromCache).toBe(false);
    expect(again.key).toBe(bundles.key);
    expect(readFileSync(again.layer.zipFile).equals(readFileSync(bundles.layer.zipFile))).toBe(true);
    for (const name of HANDLER_NAMES) expect(again.handlers[name].sha256).toBe(bundles.handlers[name].sha256);
  });

  it("answers from the cache when nothing changed, and rebuilds for another build version", () => {
    expect(buildFunctionBundles({ cacheDir }).fromCache).toBe(true);
    const versioned = buildFunctionBundles({ cacheDir, buildVersion: "9.9.9" });
    expect(versioned.fromCache).toBe(false);
    expect(versioned.key).not.toBe(bundles.key);
    expect(versioned.layer.sha256).not.toBe(bundles.layer.sha256);
  });

  it("keeps the cache bounded: a new build drops all but the seven most recently used other entries", () => {
    const prunedDir = join(scratch, "cache-prune");
    for (let index = 0; index < 12; index++) {
      const manifest = join(prunedDir, `old-${String(index).padStart(2, "0")}`, "manifest.json");
      mkdirSync(dirname(manifest), { recursive: true });
      writeFileSync(manifest, "{}");
      const used = new Date(Date.UTC(2024, 0, 1 + index));
      utimesSync(manifest, used, used);
    }
    const fresh = buildFunctionBundles({ cacheDir: prunedDir, buildVersion: "prune-test" });
    expect(fresh.fromCache).toBe(false);
    expect(readdirSync(prunedDir).sort()).toEqual([...Array.from({ length: 7 }, (_, index) => `old-${String(index + 5).padStart(2, "0")}`), fresh.key].sort());
  });

  it("zips only from its entries: fixed dates and sorted names whatever the input order", () => {
    const a = zipDeterministic([{ path: "b.js", data: Buffer.from("b") }, { path: "a/x.js", data: Buffer.from("x") }]);
    const b = zipDeterministic([{ path: "a/x.js", data: Buffer.from("x") }, { path: "b.js", data: Buffer.from("b") }]);
    expect(a.equals(b)).toBe(true);
    expect([...readZip(a).keys()]).toEqual(["a/", "a/x.js", "b.js"]);
    // 00:00 on 1980-01-01 for every entry of every bundle: no build time in the archive.
    for (const zip of [a, readFileSync(bundles.layer.zipFile), readFileSync(bundles.handlers.api.zipFile)]) {
      for (const entry of readZip(zip).values()) expect(entry.stamp).toEqual([0, (0 << 9) | (1 << 5) | 1]);
    }
  });
});

describe("FunctionBundles: guards on what a handler may bundle", () => {
  function handlersWith(api: string): string {
    const dir = mkdtempSync(join(scratch, "handlers-"));
    cpSync(join(REPOSITORY_ROOT, "src", "handlers"), dir, { recursive: true });
    writeFileSync(join(dir, "api", "index.ts"), api);
    return dir;
  }

  it("refuses a handler that imports the AWS SDK itself", () => {
    const handlersDir = handlersWith(`import { SQSClient } from "@aws-sdk/client-sqs";\nimport { logger } from "../runtime";\nexport const handler = async () => { logger.info("x"); return new SQSClient({}); };\n`);
    expect(() => buildFunctionBundles({ handlersDir, cacheDir: join(scratch, "cache-guard-sdk") })).toThrow(/handler api bundles .*@aws-sdk.*through \.\.\/runtime/);
  });

  it("refuses a handler that reaches into the runtime's modules instead of its index", () => {
    const handlersDir = handlersWith(`import { logger } from "../runtime/logger";\nexport const handler = async () => logger.info("x");\n`);
    expect(() => buildFunctionBundles({ handlersDir, cacheDir: join(scratch, "cache-guard-deep") })).toThrow(/handler api inlines .*runtime\/logger\.ts/);
  });
});

describe("FunctionBundles: in a stack", () => {
  function synthesize(cacheDir: string) {
    const outdir = mkdtempSync(join(scratch, "synth-"));
    const app = new App({ outdir, skipValidation: true });
    const stack = new TerraformStack(app, "app-test");
    const bundles = new FunctionBundles(stack, "bundles", { cacheDir });
    const assets = { layer: bundles.layer, api: bundles.asset("api"), worker: bundles.asset("worker"), producer: bundles.asset("producer") };
    app.synth();
    return { outdir, bundles, assets, stackDir: join(outdir, "stacks", "app-test") };
  }

  it("gives the same asset hashes and the same zip bytes on two synths from empty caches", () => {
    const first = synthesize(join(scratch, "cache-synth-1"));
    const second = synthesize(join(scratch, "cache-synth-2"));
    expect([first.bundles.bundles.fromCache, second.bundles.bundles.fromCache]).toEqual([false, false]);
    for (const name of ["layer", ...HANDLER_NAMES] as const) {
      expect(first.assets[name].assetHash).toMatch(/^[0-9A-F]{32}$/);
      expect(second.assets[name].assetHash).toBe(first.assets[name].assetHash);
      expect(second.assets[name].path).toBe(first.assets[name].path);
      const copied = join(first.stackDir, first.assets[name].path);
      expect(existsSync(copied)).toBe(true);
      expect(readFileSync(join(second.stackDir, second.assets[name].path)).equals(readFileSync(copied))).toBe(true);
    }
    expect(first.assets.layer.path).toMatch(/^assets\/.+\/layer\.zip$/);
    expect(first.bundles.sourceCodeHash("api")).toBe(createHash("sha256").update(readFileSync(join(first.stackDir, first.assets.api.path))).digest("base64"));
    expect(first.bundles.layerSourceCodeHash).toBe(second.bundles.layerSourceCodeHash);
  });

  it("creates a handler's asset only when asked for, once", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "lazy");
    const bundles = new FunctionBundles(stack, "bundles", { cacheDir: join(scratch, "cache-a") });
    expect(bundles.node.children.map((child) => child.node.id)).toEqual(["layer"]);
    expect(bundles.asset("worker")).toBe(bundles.asset("worker"));
    expect(bundles.node.children.map((child) => child.node.id).sort()).toEqual(["layer", "worker"]);
  });
});

describe("FunctionBundles: the bundled code runs as Lambda would run it", () => {
  const moto = useMoto();
  const cacheDir = join(scratch, "cache-run");
  /** The environment's parameters and origin secret in moto, `queue/url` left out so the health check fails. */
  async function incompleteEnvironment(): Promise<{ PLATFORM_PARAMETERS_PATH: string }> {
    await moto.reset();
    await publishParameters(await createQueue("platform-test-work"), { except: ["queue/url"], extra: { "edge/origin-secret-arn": await createOriginSecret() } });
    return { PLATFORM_PARAMETERS_PATH: PARAMETERS_PATH };
  }

  it("answers the API from the unpacked zips, stamping the build version", async () => {
    const env = await incompleteEnvironment();
    const bundles = buildFunctionBundles({ cacheDir, buildVersion: "2.0.0-test" });
    const root = lambdaLayout(bundles, "api");
    const hello = invokeBundled(root, "api", apiEvent("/api/hello"), env);
    expect(hello.statusCode).toBe(200);
    expect(JSON.parse(hello.body)).toEqual({ message: "Hello, world!" });
    const health = invokeBundled(root, "api", apiEvent("/health"), env);
    expect(health.statusCode).toBe(503);
    expect(JSON.parse(health.body).build.version).toBe("2.0.0-test");
  });

  it("serves the API over HTTP from the image layout (server.js beside index.js, the layer on NODE_PATH) and exits 0 on SIGTERM", async () => {
    const env = await incompleteEnvironment();
    const bundles = buildFunctionBundles({ cacheDir, buildVersion: "2.0.0-test" });
    expect(readdirSync(bundles.apiServer.directory)).toEqual([API_SERVER_FILE]);
    const code = readFileSync(join(bundles.apiServer.directory, API_SERVER_FILE));
    expect(createHash("sha256").update(code).digest("hex")).toBe(bundles.apiServer.sha256);
    expect(code.toString("utf8")).toContain(`require("${RUNTIME_MODULE}")`);
    expect(code.toString("utf8")).not.toMatch(/require\(["']\.\.?\//);
    expect(code.length).toBeLessThan(24_000); // the handler inlined, the SDK left to the layer
    // The Lambda zip is untouched: ECS's entry point is staged into the image separately.
    expect([...readZip(readFileSync(bundles.handlers.api.zipFile)).keys()]).toEqual(["index.js"]);

    const root = lambdaLayout(bundles, "api");
    cpSync(join(bundles.apiServer.directory, API_SERVER_FILE), join(root, "task", API_SERVER_FILE));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [join(root, "task", API_SERVER_FILE)], {
      cwd: join(root, "task"),
      env: { ...process.env, NODE_PATH: join(root, "opt", "nodejs", "node_modules"), PORT: String(port), LOG_LEVEL: "silent", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (status) => resolve(status)));
    try {
      let hello: Response | undefined;
      for (let attempt = 0; attempt < 100 && !hello; attempt++) {
        hello = await fetch(`http://127.0.0.1:${port}/api/hello`, { headers: { [ORIGIN_HEADER]: ORIGIN_VALUE } }).catch(async () => {
          await new Promise((resolve) => setTimeout(resolve, 50)); // not listening yet
          return undefined;
        });
      }
      expect(stderr).toBe("");
      expect(hello?.status).toBe(200);
      expect(await hello?.json()).toEqual({ message: "Hello, world!" });
      const health = await fetch(`http://127.0.0.1:${port}/health`, { headers: { [ORIGIN_HEADER]: ORIGIN_VALUE } });
      expect(health.status).toBe(503);
      expect(((await health.json()) as { build: { version: string } }).build.version).toBe("2.0.0-test");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("reads SSM and sends to SQS with the SDK the layer bundles", async () => {
    await moto.reset();
    const queueUrl = await createQueue("platform-test-work");
    await publishParameters(queueUrl, { extra: { "edge/origin-secret-arn": await createOriginSecret() } });
    const bundles = buildFunctionBundles({ cacheDir });
    const env = { PLATFORM_PARAMETERS_PATH: PARAMETERS_PATH };

    const health = invokeBundled(lambdaLayout(bundles, "api"), "api", apiEvent("/api/health"), env);
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body).checks).toEqual({ parameters: "ok" });

    expect(invokeBundled(lambdaLayout(bundles, "producer"), "producer", { count: 3 }, env)).toEqual({ requested: 3, sent: 3, failed: 0 });
    const messages = await receiveAll(queueUrl);
    expect(messages).toHaveLength(3);

    const records = messages.map((message, index) => ({ messageId: message.MessageId, body: index === 0 ? "not json" : message.Body, attributes: {} }));
    expect(invokeBundled(lambdaLayout(bundles, "worker"), "worker", { Records: records }, env)).toEqual({ batchItemFailures: [{ itemIdentifier: messages[0].MessageId }] });
  });
});

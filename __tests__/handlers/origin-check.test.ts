import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { API_SERVER_FILE, buildFunctionBundles, type BuiltBundles } from "../../src/constructs/compute/function-bundles";
import { handler } from "../../src/handlers/api";
import { startServer, type ApiServer } from "../../src/handlers/api/server";
import { readZip } from "../support/zip";
import { coldStart, deleteParameter, httpEvent, lambdaContext, ORIGIN_VALUE, PARAMETERS_PATH, publishParameters, queueDepth } from "./support/fixtures";
import { useMoto } from "./support/moto";

/*
 * Issue 17: the execute-api URL is public, so the API answers only requests carrying CloudFront's
 * x-origin-verify header with a live value of the origin secret. What is promised is pinned here,
 * not imported: the header name, the 403/503 bodies, the stages that count, the health probe path.
 */
const HEADER = "x-origin-verify";
const FORBIDDEN = { error: "forbidden", message: "this API is served only through its site's address" };
const UNVERIFIABLE = { error: "origin_unverifiable", message: "the request's origin cannot be verified right now; try again shortly" };
const LB_HEALTH = "/_platform/lb-health";
const NEXT_VALUE = "Nx7Vb2Qw9Er4Ty6Ui1Op3As5Df8Gh0Jk";
const THIRD_VALUE = "Lm2Kj4Hg6Fd8Sa0Po9Iu7Yt5Re3Wq1Zx";

const moto = useMoto();
const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? "");
const call = (...args: Parameters<typeof httpEvent>) => handler(httpEvent(...args), lambdaContext());
const withHeader = (value: string) => ({ direct: true, headers: { [HEADER]: value } });

async function putVersion(value: string, stages?: string[]): Promise<void> {
  const client = new SecretsManagerClient({});
  await client.send(new PutSecretValueCommand({ SecretId: "platform-test/origin-verification", SecretString: value, ...(stages ? { VersionStages: stages } : {}) }));
  client.destroy();
}

/** Date.now moved forward (the check's cache and throttle read it), restored after the test. */
function advanceClock(ms: number): void {
  const now = Date.now();
  jest.spyOn(Date, "now").mockReturnValue(now + ms);
}

afterEach(() => jest.restoreAllMocks());

describe("the Lambda handler's origin check", () => {
  let queueUrl: string;
  beforeEach(async () => {
    queueUrl = await coldStart(moto);
  });

  it.each([
    ["GET", "/api/hello"],
    ["GET", "/api/health"],
    ["GET", "/health"],
    ["POST", "/api/jobs"],
    ["GET", "/api/no-such-route"],
  ])("refuses a direct call (no header) to %s %s with 403 before any route runs", async (method, path) => {
    const response = await call(method, path, { direct: true, body: JSON.stringify({ kind: "echo" }), headers: { "content-type": "application/json" } });
    expect(response.statusCode).toBe(403);
    expect(bodyOf(response)).toEqual(FORBIDDEN);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(await queueDepth(queueUrl)).toBe(0);
  });

  it("gives a wrong header, an empty one and a prefix of the right one the same 403 as a missing one", async () => {
    for (const value of ["not-the-secret", "", ORIGIN_VALUE.slice(0, 16), `${ORIGIN_VALUE}x`, ORIGIN_VALUE.toLowerCase()]) {
      const response = await call("POST", "/api/jobs", { ...withHeader(value), body: JSON.stringify({ kind: "echo" }), headers: { [HEADER]: value, "content-type": "application/json" } });
      expect([value, response.statusCode, bodyOf(response)]).toEqual([value, 403, FORBIDDEN]);
    }
    expect(await queueDepth(queueUrl)).toBe(0);
  });

  it("refuses before the body-size check: a direct call with a large body learns nothing about the limit", async () => {
    process.env.MAX_REQUEST_BODY_BYTES = "100";
    try {
      const response = await call("POST", "/api/jobs", { direct: true, body: "x".repeat(500), headers: { "content-type": "application/json" } });
      expect(response.statusCode).toBe(403);
    } finally {
      delete process.env.MAX_REQUEST_BODY_BYTES;
    }
  });

  it("serves a request carrying the current value (AWSCURRENT)", async () => {
    const response = await call("POST", "/api/jobs", { body: JSON.stringify({ kind: "echo" }), headers: { [HEADER]: ORIGIN_VALUE, "content-type": "application/json" } });
    expect(response.statusCode).toBe(202);
    expect(await queueDepth(queueUrl)).toBe(1);
  });

  it("accepts the previous value after a rotation (edge locations still sending it) and picks the new one up within seconds, not per request", async () => {
    expect((await call("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(200); // values cached
    await putVersion(NEXT_VALUE); // AWSCURRENT moves to it; the first value becomes AWSPREVIOUS
    // Within the throttle a value the cache does not hold is refused without another read.
    expect((await call("GET", "/api/hello", withHeader(NEXT_VALUE))).statusCode).toBe(403);
    advanceClock(5_001);
    expect((await call("GET", "/api/hello", withHeader(NEXT_VALUE))).statusCode).toBe(200);
    expect((await call("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(200);
  });

  it("re-reads the secret when its cache is five minutes old", async () => {
    expect((await call("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(200);
    await putVersion(NEXT_VALUE);
    await putVersion(THIRD_VALUE); // ORIGIN_VALUE is now two rotations old: no stage left
    advanceClock(4_000);
    expect((await call("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(200); // cached, still fresh
    advanceClock(300_001);
    expect((await call("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(403);
    expect((await call("GET", "/api/hello", withHeader(THIRD_VALUE))).statusCode).toBe(200);
    expect((await call("GET", "/api/hello", withHeader(NEXT_VALUE))).statusCode).toBe(200);
  });

  it("retries a failed read at most every few seconds, answering from the last values meanwhile", async () => {
    expect((await call("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(200); // values cached
    const outage = Object.assign(new Error("Secrets Manager is down"), { name: "InternalServiceError" });
    const send = jest.spyOn(SecretsManagerClient.prototype, "send").mockImplementation(async () => {
      throw outage;
    });
    advanceClock(300_001); // stale: the next request tries to refresh
    for (let i = 0; i < 10; i++) {
      expect((await call("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(200);
      expect((await call("GET", "/api/hello", withHeader("forged"))).statusCode).toBe(403);
    }
    expect(send).toHaveBeenCalledTimes(1); // one failed read; no retry within the interval, whatever arrives
    advanceClock(5_001);
    expect((await call("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(200);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it("accepts AWSPENDING while a rotation is between setSecret and finishSecret", async () => {
    await putVersion(NEXT_VALUE, ["AWSPENDING"]);
    expect((await call("GET", "/api/hello", withHeader(NEXT_VALUE))).statusCode).toBe(200);
    expect((await call("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(200);
  });

  it("answers 503 (fails closed) when no origin secret is configured, and 403 still for no header", async () => {
    await deleteParameter("edge/origin-secret-arn");
    const response = await call("GET", "/api/hello");
    expect([response.statusCode, bodyOf(response)]).toEqual([503, UNVERIFIABLE]);
    expect((await call("GET", "/api/hello", { direct: true })).statusCode).toBe(403);
  });

  it("answers 503 when the named secret cannot be read, reading it at most every few seconds", async () => {
    await publishParameters(queueUrl, { extra: { "edge/origin-secret-arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-test/gone-AbCdEf" } });
    const send = jest.spyOn(SecretsManagerClient.prototype, "send");
    for (let i = 0; i < 10; i++) expect((await call("GET", "/api/hello")).statusCode).toBe(503);
    const reads = send.mock.calls.length;
    expect(reads).toBe(3); // one attempt: each live stage, none found
    advanceClock(5_001);
    expect((await call("GET", "/api/hello")).statusCode).toBe(503);
    expect(send.mock.calls.length).toBe(2 * reads);
  });

  it("still checks the origin when other parameters are missing, so the health check can say what is missing", async () => {
    await deleteParameter("queue/url");
    const health = await call("GET", "/api/health");
    expect([health.statusCode, bodyOf(health).checks]).toEqual([503, { parameters: "missing: queue/url" }]);
    expect((await call("GET", "/api/health", { direct: true })).statusCode).toBe(403);
  });

  it("exempts exactly GET and HEAD of the load balancer's probe path, served as /health", async () => {
    const probe = await call("GET", LB_HEALTH, { direct: true });
    expect([probe.statusCode, bodyOf(probe).checks]).toEqual([200, { parameters: "ok" }]);
    expect((await call("HEAD", LB_HEALTH, { direct: true })).statusCode).toBe(200);
    for (const [method, path] of [["POST", LB_HEALTH], ["GET", `${LB_HEALTH}/`], ["GET", `${LB_HEALTH}x`], ["GET", "/_platform/LB-HEALTH"], ["GET", "/health"]]) {
      expect([method, path, (await call(method, path, { direct: true })).statusCode]).toEqual([method, path, 403]);
    }
  });

  it("never writes a value of the secret, right or wrong, to the logs", async () => {
    const lines: string[] = [];
    jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    process.env.LOG_LEVEL = "debug";
    try {
      await call("GET", "/api/hello", withHeader("forged-value-1234"));
      await call("GET", "/api/hello");
      await putVersion(NEXT_VALUE);
      advanceClock(5_001);
      await call("GET", "/api/hello", withHeader(NEXT_VALUE));
      await deleteParameter("edge/origin-secret-arn");
      advanceClock(400_000);
      await call("GET", "/api/hello");
    } finally {
      process.env.LOG_LEVEL = "silent";
      jest.restoreAllMocks();
    }
    const output = lines.join("");
    expect(output).toContain("request"); // the debug request lines were captured
    for (const value of [ORIGIN_VALUE, NEXT_VALUE, "forged-value-1234"]) expect(output).not.toContain(value);
  });
});

/** A raw HTTP request on its own connection. */
function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, method, path, agent: false, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } });
    request.once("error", reject);
    request.once("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    request.end(body);
  });
}

describe("the ECS server's origin check (VPC link path)", () => {
  let queueUrl: string;
  let api: ApiServer;
  beforeEach(async () => {
    queueUrl = await coldStart(moto);
    api = await startServer({ port: 0, host: "127.0.0.1" });
  });
  afterEach(() => api.close());

  it("refuses a request without the header or with a wrong one with 403, without reading its body or enqueuing", async () => {
    const job = JSON.stringify({ kind: "echo" });
    const variants: Record<string, string>[] = [{}, { [HEADER]: "wrong" }];
    for (const headers of variants) {
      const response = await send(api.port, "POST", "/api/jobs", { "content-type": "application/json", ...headers }, job);
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body)).toEqual(FORBIDDEN);
      expect(response.headers.connection).toBe("close");
      expect(response.headers["x-request-id"]).toEqual(expect.any(String));
    }
    expect(await queueDepth(queueUrl)).toBe(0);
    const served = await send(api.port, "POST", "/api/jobs", { "content-type": "application/json", [HEADER]: ORIGIN_VALUE }, job);
    expect(served.status).toBe(202);
    expect(await queueDepth(queueUrl)).toBe(1);
  });

  it("refuses before reading the body: a direct call above the body limit gets 403, not 413", async () => {
    const small = await startServer({ port: 0, host: "127.0.0.1", maxBodyBytes: 64 });
    try {
      const body = JSON.stringify({ kind: "echo", payload: { notes: "n".repeat(200) } });
      expect((await send(small.port, "POST", "/api/jobs", { "content-type": "application/json" }, body)).status).toBe(403);
      expect((await send(small.port, "POST", "/api/jobs", { "content-type": "application/json", [HEADER]: ORIGIN_VALUE }, body)).status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it("answers the target group's probe (no header) as /health, and nothing else without the header", async () => {
    const probe = await send(api.port, "GET", LB_HEALTH);
    expect(probe.status).toBe(200);
    expect(JSON.parse(probe.body).checks).toEqual({ parameters: "ok" });
    expect((await send(api.port, "GET", `${LB_HEALTH}?x=1`)).status).toBe(200);
    expect((await send(api.port, "GET", "/health")).status).toBe(403);
    expect((await send(api.port, "DELETE", LB_HEALTH)).status).toBe(403);
  });
});

/*
 * The bundles as Lambda and the image run them: the API zip in /var/task, the runtime layer (and the
 * Secrets Manager client in it) in /opt/nodejs/node_modules, each call a fresh Node.js process.
 */
describe("the bundled API, as Lambda and ECS run it", () => {
  const scratch = mkdtempSync(join(tmpdir(), "origin-check-bundles-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let bundles: BuiltBundles;
  let root: string;
  let env: Record<string, string>;

  beforeAll(() => {
    bundles = buildFunctionBundles({ cacheDir: join(scratch, "cache") });
    root = join(scratch, "lambda");
    for (const [zip, into] of [
      [bundles.handlers.api.zipFile, "task"],
      [bundles.layer.zipFile, "opt"],
    ] as const) {
      for (const [name, entry] of readZip(readFileSync(zip))) {
        if (name.endsWith("/")) continue;
        mkdirSync(dirname(join(root, into, name)), { recursive: true });
        writeFileSync(join(root, into, name), entry.data);
      }
    }
    cpSync(join(bundles.apiServer.directory, API_SERVER_FILE), join(root, "task", API_SERVER_FILE));
  });

  beforeEach(async () => {
    await coldStart(moto);
    env = { NODE_PATH: join(root, "opt", "nodejs", "node_modules"), PLATFORM_PARAMETERS_PATH: PARAMETERS_PATH, LOG_LEVEL: "silent" };
  });

  function invoke(event: unknown): { statusCode: number; body: string } {
    const script = `require("./index.js").handler(${JSON.stringify(event)}, { awsRequestId: "bundled" })
      .then((result) => process.stdout.write("\\n@@" + JSON.stringify(result)), (error) => process.stdout.write("\\n@@" + JSON.stringify({ thrown: String(error) })));`;
    const run = spawnSync(process.execPath, ["-e", script], { cwd: join(root, "task"), env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    return JSON.parse(run.stdout.slice(run.stdout.lastIndexOf("@@") + 2));
  }

  it("keeps the Secrets Manager client in the layer, not in the API zip", () => {
    const layer = readZip(readFileSync(bundles.layer.zipFile)).get("nodejs/node_modules/@serverless-platform/runtime/index.js")!.data.toString("utf8");
    expect(layer).toContain("GetSecretValue");
    expect(layer).toContain(HEADER);
    const api = readZip(readFileSync(bundles.handlers.api.zipFile)).get("index.js")!.data.toString("utf8");
    expect(api).not.toContain("GetSecretValue");
    expect(api).toContain("verifyOrigin");
  });

  it("answers a direct call 403 and a wrong header 403, the current and the previous value 200", async () => {
    expect(invoke(httpEvent("GET", "/api/hello", { direct: true }))).toMatchObject({ statusCode: 403, body: JSON.stringify(FORBIDDEN) });
    expect(invoke(httpEvent("GET", "/api/hello", withHeader("wrong"))).statusCode).toBe(403);
    expect(invoke(httpEvent("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(200);
    await putVersion(NEXT_VALUE);
    expect(invoke(httpEvent("GET", "/api/hello", withHeader(NEXT_VALUE))).statusCode).toBe(200);
    expect(invoke(httpEvent("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(200);
    await putVersion(THIRD_VALUE);
    expect(invoke(httpEvent("GET", "/api/hello", withHeader(ORIGIN_VALUE))).statusCode).toBe(403);
  });

  it("answers 503 from the bundle when no origin secret is configured", async () => {
    await deleteParameter("edge/origin-secret-arn");
    expect(invoke(httpEvent("GET", "/api/hello"))).toMatchObject({ statusCode: 503, body: JSON.stringify(UNVERIFIABLE) });
  });

  it("serves server.js from the image layout: 403 without the header, the probe path 200, the current value 200", async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [join(root, "task", API_SERVER_FILE)], { cwd: join(root, "task"), env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (status) => resolve(status)));
    try {
      let direct: Awaited<ReturnType<typeof send>> | undefined;
      for (let attempt = 0; attempt < 100 && !direct; attempt++) {
        direct = await send(port, "GET", "/api/hello").catch(async () => {
          await new Promise((resolve) => setTimeout(resolve, 50)); // not listening yet
          return undefined;
        });
      }
      expect(direct?.status).toBe(403);
      expect((await send(port, "GET", LB_HEALTH)).status).toBe(200);
      expect((await send(port, "GET", "/api/hello", { [HEADER]: ORIGIN_VALUE })).status).toBe(200);
      expect(stderr).toBe("");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});

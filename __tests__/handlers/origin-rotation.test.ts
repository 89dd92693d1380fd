import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, RotateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { originRotationBundle } from "../../src/constructs/edge/origin-rotation-bundle";
import { useMoto } from "./support/moto";

/*
 * The rotation function as Lambda runs it (the bundled index.js of its zip), against moto's Secrets
 * Manager. moto has no CloudFront KeyValueStore data plane, so a local listener stands in for it:
 * it answers DescribeKeyValueStore, PutKey and GetKey in the shapes of the API reference
 * (restJson1: GET /key-value-stores/{KvsARN}, PUT|GET /key-value-stores/{KvsARN}/keys/{Key}) and
 * refuses what the service would: a request not signed with SigV4A for region set "*" and service
 * cloudfront-keyvaluestore, or a PutKey whose If-Match is not the store's current ETag.
 */

useMoto();
const KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
const KEY = "origin-verify";

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly authorization: string;
  readonly regionSet?: string;
  readonly ifMatch?: string;
  readonly body: string;
}

function fakeKeyValueStore(): { server: Server; seen: Seen[]; values: Map<string, string>; etag: () => string } {
  const seen: Seen[] = [];
  const values = new Map<string, string>();
  let version = 1;
  const etag = () => `ETAG${version}`;
  const server = createServer((request: IncomingMessage, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const path = decodeURIComponent((request.url ?? "").split("?")[0]);
      const entry: Seen = {
        method: request.method ?? "",
        path,
        authorization: String(request.headers.authorization ?? ""),
        regionSet: request.headers["x-amz-region-set"] as string | undefined,
        ifMatch: request.headers["if-match"] as string | undefined,
        body,
      };
      seen.push(entry);
      const reply = (status: number, payload: object, headers: Record<string, string> = {}) => {
        response.writeHead(status, { "content-type": "application/json", ...headers });
        response.end(JSON.stringify(payload));
      };
      if (!/^AWS4-ECDSA-P256-SHA256 Credential=testing\/\d{8}\/cloudfront-keyvaluestore\/aws4_request, SignedHeaders=[^,]*x-amz-region-set[^,]*, Signature=[0-9a-f]+$/.test(entry.authorization) || entry.regionSet !== "*") {
        return reply(403, { message: "not signed with SigV4A" }, { "x-amzn-errortype": "AccessDeniedException" });
      }
      const storePath = `/key-value-stores/${KVS_ARN}`;
      const keyPath = `${storePath}/keys/${KEY}`;
      const size = () => [...values.values()].reduce((total, value) => total + value.length, 0);
      if (entry.method === "GET" && path === storePath) {
        return reply(200, { KvsARN: KVS_ARN, Created: 1_700_000_000, ItemCount: values.size, TotalSizeInBytes: size() }, { etag: etag() });
      }
      if (entry.method === "PUT" && path === keyPath) {
        if (entry.ifMatch !== etag()) return reply(412, { message: "ETag mismatch" }, { "x-amzn-errortype": "ValidationException" });
        values.set(KEY, JSON.parse(body).Value);
        version++;
        return reply(200, { ItemCount: values.size, TotalSizeInBytes: size() }, { etag: etag() });
      }
      if (entry.method === "GET" && path === keyPath) {
        const value = values.get(KEY);
        if (value === undefined) return reply(404, { message: "no such key" }, { "x-amzn-errortype": "ResourceNotFoundException" });
        return reply(200, { Key: KEY, Value: value, ItemCount: values.size, TotalSizeInBytes: size() });
      }
      return reply(404, { message: `unexpected ${entry.method} ${path}` }, { "x-amzn-errortype": "ResourceNotFoundException" });
    });
  });
  return { server, seen, values, etag };
}

type Handler = (event: { SecretId: string; ClientRequestToken: string; Step: string }) => Promise<void>;

/**
 * The data plane's host is `<account>.cloudfront-kvs.global.api.aws`; with an endpoint override the
 * SDK still puts the account id in front, so the stand-in is reached as `<account>.localhost`, which
 * this machine's resolver does not know: the child process resolves `*.localhost` to loopback.
 */
const RESOLVE_LOCALHOST = `const dns = require("node:dns"); const lookup = dns.lookup; dns.lookup = (host, options, callback) => /\\.localhost$/.test(host) ? lookup("127.0.0.1", options, callback) : lookup(host, options, callback);`;

/** One invocation in a Node.js process of its own, loading index.js from the zip's tree as Lambda does. */
function invoker(indexJs: string): Handler {
  const script = `${RESOLVE_LOCALHOST} require(${JSON.stringify(indexJs)}).handler(JSON.parse(process.argv[1])).then(() => process.exit(0), (error) => { process.stderr.write(String(error && error.message)); process.exit(1); });`;
  return (event) =>
    new Promise((resolve, reject) => {
      execFile(process.execPath, ["-e", script, JSON.stringify(event)], { env: process.env, timeout: 20_000 }, (error, _stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve()));
    });
}

describe("origin secret rotation (the bundled function, moto and a KeyValueStore stand-in)", () => {
  const store = fakeKeyValueStore();
  let handler: Handler;
  let secrets: SecretsManagerClient;

  beforeAll(async () => {
    await new Promise<void>((resolve) => store.server.listen(0, "127.0.0.1", resolve));
    process.env.AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE = `http://localhost:${(store.server.address() as AddressInfo).port}`;
    process.env.ORIGIN_KVS_ARN = KVS_ARN;
    process.env.ORIGIN_KVS_KEY = KEY;
    handler = invoker(join(originRotationBundle().directory, "index.js"));
  });
  afterAll(async () => {
    secrets?.destroy();
    await new Promise<void>((resolve) => store.server.close(() => resolve()));
    for (const name of ["AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE", "ORIGIN_KVS_ARN", "ORIGIN_KVS_KEY"]) delete process.env[name];
  });
  beforeEach(() => {
    secrets ??= new SecretsManagerClient({});
  });

  async function newSecret(name: string): Promise<string> {
    // As Terraform creates it: no value at all.
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: name }));
    // Rotation enabled, as aws_secretsmanager_secret_rotation leaves it (moto needs no function for that).
    await secrets.send(new RotateSecretCommand({ SecretId: ARN, RotationRules: { AutomaticallyAfterDays: 30 }, RotateImmediately: false }));
    return ARN!;
  }

  async function rotate(secretId: string, token: string): Promise<void> {
    for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"]) await handler({ SecretId: secretId, ClientRequestToken: token, Step });
  }

  const stageValue = async (secretId: string, VersionStage: string) => (await secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage }))).SecretString;

  beforeEach(() => {
    store.seen.length = 0;
  });

  it("creates the first value from nothing, publishes it to the store with If-Match, and makes it current", async () => {
    const arn = await newSecret("platform-test/origin-verify-first");
    const etagBefore = store.etag();
    await rotate(arn, "00000000-0000-4000-8000-000000000001");

    const current = await stageValue(arn, "AWSCURRENT");
    expect(current).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(store.values.get(KEY)).toBe(current);
    const put = store.seen.filter((request) => request.method === "PUT");
    expect(put).toHaveLength(1);
    expect(put[0]).toMatchObject({ path: `/key-value-stores/${KVS_ARN}/keys/${KEY}`, ifMatch: etagBefore });
    expect(JSON.parse(put[0].body)).toEqual({ Value: current });
    // setSecret read the ETag first; testSecret read the key back.
    const order = store.seen.map((request) => `${request.method} ${request.path.endsWith(`/keys/${KEY}`) ? "key" : "store"}`);
    expect(order).toEqual(["GET store", "PUT key", "GET key"]);
    // PutSecretValue made the first version AWSCURRENT at once (as AWS documents); finishSecret took AWSPENDING off it.
    const { VersionIdsToStages } = await secrets.send(new DescribeSecretCommand({ SecretId: arn }));
    expect(VersionIdsToStages?.["00000000-0000-4000-8000-000000000001"]).toEqual(["AWSCURRENT"]);
  });

  it("a second rotation keeps the old value as AWSPREVIOUS (both accepted) and replaces the store's value", async () => {
    const arn = await newSecret("platform-test/origin-verify-second");
    await rotate(arn, "00000000-0000-4000-8000-000000000002");
    const first = await stageValue(arn, "AWSCURRENT");
    await rotate(arn, "00000000-0000-4000-8000-000000000003");
    const second = await stageValue(arn, "AWSCURRENT");
    expect(second).not.toBe(first);
    expect(await stageValue(arn, "AWSPREVIOUS")).toBe(first);
    expect(store.values.get(KEY)).toBe(second);
  });

  it("a retried createSecret keeps its value, and a step for an already current version does nothing", async () => {
    const arn = await newSecret("platform-test/origin-verify-retry");
    const token = "00000000-0000-4000-8000-000000000004";
    await handler({ SecretId: arn, ClientRequestToken: token, Step: "createSecret" });
    const pending = (await secrets.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }))).SecretString;
    await handler({ SecretId: arn, ClientRequestToken: token, Step: "createSecret" });
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }))).SecretString).toBe(pending);
    for (const Step of ["setSecret", "testSecret", "finishSecret"]) await handler({ SecretId: arn, ClientRequestToken: token, Step });
    const puts = store.seen.filter((request) => request.method === "PUT").length;
    await handler({ SecretId: arn, ClientRequestToken: token, Step: "setSecret" });
    expect(store.seen.filter((request) => request.method === "PUT").length).toBe(puts);
  });

  it("testSecret fails when the store does not hold the pending value, and the current value stays current", async () => {
    const arn = await newSecret("platform-test/origin-verify-test");
    await rotate(arn, "00000000-0000-4000-8000-000000000005");
    const current = await stageValue(arn, "AWSCURRENT");
    const token = "00000000-0000-4000-8000-000000000006";
    await handler({ SecretId: arn, ClientRequestToken: token, Step: "createSecret" });
    store.values.set(KEY, "something-else");
    await expect(handler({ SecretId: arn, ClientRequestToken: token, Step: "testSecret" })).rejects.toThrow("does not hold the pending value");
    expect(await stageValue(arn, "AWSCURRENT")).toBe(current);
  });

  it("a step for a token that is not a version of the secret is refused", async () => {
    const arn = await newSecret("platform-test/origin-verify-unknown");
    await expect(handler({ SecretId: arn, ClientRequestToken: "00000000-0000-4000-8000-00000000dead", Step: "setSecret" })).rejects.toThrow("not a version");
  });
});

describe("the rotation function's bundle cache", () => {
  it("stays bounded: a new build drops all but the seven most recently used other entries", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "origin-rotation-cache-"));
    try {
      for (let index = 0; index < 12; index++) {
        const zip = join(cacheDir, `old-${String(index).padStart(2, "0")}`, "index.zip");
        mkdirSync(join(zip, ".."), { recursive: true });
        writeFileSync(zip, "");
        const used = new Date(Date.UTC(2024, 0, 1 + index));
        utimesSync(zip, used, used);
      }
      const fresh = originRotationBundle(cacheDir);
      expect(fresh.zipBytes).toBeGreaterThan(10_000);
      const freshKey = fresh.zipFile.slice(cacheDir.length + 1).split("/")[0];
      expect(readdirSync(cacheDir).sort()).toEqual([...Array.from({ length: 7 }, (_, index) => `old-${String(index + 5).padStart(2, "0")}`), freshKey].sort());
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from "node:http";
import { startServer, type ApiServer } from "../../src/handlers/api/server";
import { queueDepth, receiveAll, coldStart, ORIGIN_HEADER, ORIGIN_VALUE } from "./support/fixtures";
import { useMoto } from "./support/moto";

// The default limit users are promised when the environment sets none: 1 MiB.
const MAX_BODY_BYTES = 1024 * 1024;

const moto = useMoto();

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A raw request on a fresh connection (no agent pooling), so each test controls its socket; through CloudFront (its header). */
function open(port: number, method: string, path: string, headers: Record<string, string | number> = {}): { request: ClientRequest; answer: Promise<Answer> } {
  const request = httpRequest({ host: "127.0.0.1", port, method, path, headers: { [ORIGIN_HEADER]: ORIGIN_VALUE, ...headers }, agent: false });
  const answer = new Promise<Answer>((resolve, reject) => {
    request.once("error", reject);
    request.once("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
      response.once("error", reject);
    });
  });
  return { request, answer };
}

function send(port: number, method: string, path: string, body?: string, headers: Record<string, string | number> = {}): Promise<Answer> {
  const { request, answer } = open(port, method, path, body === undefined ? headers : { "content-length": Buffer.byteLength(body), ...headers });
  request.end(body);
  return answer;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("api server (the ECS entry point)", () => {
  let queueUrl: string;
  let api: ApiServer;

  beforeEach(async () => {
    Object.assign(process.env, { BUILD_VERSION: "3.1.0", BUILD_COMMIT: "feedbee", BUILD_TIME: "2025-01-01T00:00:00Z" });
    queueUrl = await coldStart(moto);
    api = await startServer({ port: 0, host: "127.0.0.1" });
  });

  afterEach(async () => {
    await api.close();
  });

  it("answers GET /health with 200 JSON and a fresh request id, as the load balancer's health check expects", async () => {
    const response = await send(api.port, "GET", "/health");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers["x-request-id"]).toMatch(UUID);
    expect(JSON.parse(response.body)).toEqual({ status: "ok", build: { version: "3.1.0", commit: "feedbee", builtAt: "2025-01-01T00:00:00Z" }, checks: { parameters: "ok" } });
    const again = await send(api.port, "GET", "/health");
    expect(again.headers["x-request-id"]).not.toBe(response.headers["x-request-id"]);
  });

  it("passes the query string through to the handler", async () => {
    const response = await send(api.port, "GET", "/api/hello?name=Ann%20Lee");
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ message: "Hello, Ann Lee!" });
  });

  it("enqueues POST /api/jobs to the real queue and answers 202 with the message id", async () => {
    const response = await send(api.port, "POST", "/api/jobs", JSON.stringify({ kind: "echo", payload: { from: "ecs" } }), { "Content-Type": "application/json" });
    expect(response.status).toBe(202);
    const { messageId } = JSON.parse(response.body);
    const messages = await receiveAll(queueUrl);
    expect(messages.map((message) => message.MessageId)).toEqual([messageId]);
    expect(JSON.parse(messages[0].Body ?? "")).toEqual({ kind: "echo", payload: { from: "ecs" } });
  });

  it("answers an unknown route with the handler's 404", async () => {
    const response = await send(api.port, "GET", "/no/such/route");
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body).error).toBeDefined();
  });

  it("refuses a body above the limit with 413 before the handler sees it, declared or chunked", async () => {
    const big = JSON.stringify({ kind: "echo", payload: { blob: "x".repeat(MAX_BODY_BYTES) } });
    const declared = await send(api.port, "POST", "/api/jobs", big, { "content-type": "application/json" });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error).toBe("payload_too_large");

    const { request, answer } = open(api.port, "POST", "/api/jobs", { "content-type": "application/json", "transfer-encoding": "chunked" });
    request.on("error", () => undefined); // the server may cut the rest of the upload
    for (let sent = 0; sent <= MAX_BODY_BYTES; sent += 64 * 1024) request.write("x".repeat(64 * 1024));
    request.end();
    expect((await answer).status).toBe(413);
    expect(await queueDepth(queueUrl)).toBe(0);
    // The server keeps serving afterwards.
    expect((await send(api.port, "GET", "/health")).status).toBe(200);
  });

  it("on close stops accepting connections but finishes the request in flight", async () => {
    const body = JSON.stringify({ kind: "echo", payload: { during: "shutdown" } });
    const arrived = new Promise<void>((resolve) => api.server.once("request", () => resolve()));
    const { request, answer } = open(api.port, "POST", "/api/jobs", { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    request.write(body.slice(0, 10));
    await arrived; // the headers are in: the request is in flight, its body half sent

    let closed = false;
    const closing = api.close().then(() => (closed = true));
    await expect(send(api.port, "GET", "/health")).rejects.toThrow(/ECONNREFUSED/);
    expect(closed).toBe(false);

    request.end(body.slice(10));
    const response = await answer;
    expect(response.status).toBe(202);
    expect(response.headers.connection).toBe("close");
    await closing;
    expect(closed).toBe(true);
    expect(await queueDepth(queueUrl)).toBe(1);
    await api.close(); // idempotent
  });
});

import { handler } from "../../src/handlers/api";
import { resetRuntime } from "../../src/handlers/runtime";
import { publishParameters, deleteParameter, queueDepth, receiveAll, lambdaContext, httpEvent, coldStart } from "./support/fixtures";
import { useMoto } from "./support/moto";

const moto = useMoto();
const call = (...args: Parameters<typeof httpEvent>) => handler(httpEvent(...args), lambdaContext());
const bodyOf = (response: { body: string }) => JSON.parse(response.body);

describe("api handler", () => {
  let queueUrl: string;

  beforeEach(async () => {
    Object.assign(process.env, { BUILD_VERSION: "1.4.2", BUILD_COMMIT: "0a1b2c3", BUILD_TIME: "2025-01-01T00:00:00Z" });
    queueUrl = await coldStart(moto); // every test is a cold start
  });

  it.each(["/health", "/api/health"])("answers GET %s with 200, the build and the parameter check when every parameter is published", async (path) => {
    const response = await call("GET", path);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(bodyOf(response)).toEqual({ status: "ok", build: { version: "1.4.2", commit: "0a1b2c3", builtAt: "2025-01-01T00:00:00Z" }, checks: { parameters: "ok" } });
  });

  it("answers 503 naming the missing parameters when the configuration is incomplete", async () => {
    await deleteParameter("queue/url");
    await deleteParameter("database/secret-arn");
    const response = await call("GET", "/health");
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response)).toMatchObject({ status: "degraded", checks: { parameters: "missing: database/secret-arn, queue/url" } });
  });

  it("answers 503 when the function is not told where its parameters are", async () => {
    delete process.env.PLATFORM_PARAMETERS_PATH;
    const response = await call("GET", "/api/health");
    expect(response.statusCode).toBe(503);
    // The origin secret's ARN is one of the parameters: without them the API fails closed.
    expect(bodyOf(response).error).toBe("origin_unverifiable");
    // The load balancer's probe, exempt from the origin check, still says what is missing.
    const probe = await call("GET", "/_platform/lb-health", { direct: true });
    expect([probe.statusCode, bodyOf(probe).checks.parameters]).toEqual([503, "missing: PLATFORM_PARAMETERS_PATH"]);
  });

  it("reads the parameters once per cold start", async () => {
    expect((await call("GET", "/health")).statusCode).toBe(200);
    await deleteParameter("cache/endpoint");
    expect((await call("GET", "/health")).statusCode).toBe(200); // warm: cached
    resetRuntime();
    expect((await call("GET", "/health")).statusCode).toBe(503); // cold: read again
  });

  it("enqueues a valid job to the work queue and answers 202 with the message id", async () => {
    const response = await call("POST", "/api/jobs", { body: JSON.stringify({ kind: "echo", payload: { greeting: "hi" } }), headers: { "content-type": "application/json" } });
    expect(response.statusCode).toBe(202);
    const { messageId, kind } = bodyOf(response);
    expect(kind).toBe("echo");
    const messages = await receiveAll(queueUrl);
    expect(messages).toHaveLength(1);
    expect(messages[0].MessageId).toBe(messageId);
    expect(JSON.parse(messages[0].Body ?? "")).toEqual({ kind: "echo", payload: { greeting: "hi" } });
    expect(messages[0].MessageAttributes?.kind?.StringValue).toBe("echo");
  });

  it("takes a 9 KB job, which the web ACL's 8 KB body limit must not stop on /api/*", async () => {
    const payload = { notes: "n".repeat(9 * 1024) };
    const response = await call("POST", "/api/jobs", { body: JSON.stringify({ kind: "echo", payload }), headers: { "content-type": "application/json" } });
    expect(response.statusCode).toBe(202);
    expect(await receiveAll(queueUrl)).toHaveLength(1);
  });

  it("answers 413 above the environment's MAX_REQUEST_BODY_BYTES before any route runs, raw or base64-encoded", async () => {
    process.env.MAX_REQUEST_BODY_BYTES = "2048";
    try {
      const body = JSON.stringify({ kind: "echo", payload: { notes: "n".repeat(2100) } });
      const raw = await call("POST", "/api/jobs", { body, headers: { "content-type": "application/json" } });
      expect([raw.statusCode, bodyOf(raw).error]).toEqual([413, "payload_too_large"]);
      const encoded = await call("POST", "/api/jobs", { body: Buffer.from(body).toString("base64"), base64: true, headers: { "content-type": "application/json" } });
      expect(encoded.statusCode).toBe(413);
      expect(await queueDepth(queueUrl)).toBe(0);
      const small = await call("POST", "/api/jobs", { body: JSON.stringify({ kind: "echo", payload: {} }), headers: { "content-type": "application/json" } });
      expect(small.statusCode).toBe(202);
    } finally {
      delete process.env.MAX_REQUEST_BODY_BYTES;
    }
  });

  it("accepts a base64-encoded JSON body", async () => {
    const response = await call("POST", "/api/jobs", { body: JSON.stringify({ kind: "tick" }), headers: { "content-type": "application/json; charset=utf-8" }, base64: true });
    expect(response.statusCode).toBe(202);
    expect(await queueDepth(queueUrl)).toBe(1);
  });

  it.each([
    ["not JSON", "{kind: echo", "application/json", 400, "invalid_job"],
    ["an unknown kind", JSON.stringify({ kind: "rm -rf" }), "application/json", 400, "invalid_job"],
    ["a payload that is not an object", JSON.stringify({ kind: "echo", payload: [1] }), "application/json", 400, "invalid_job"],
    ["extra fields", JSON.stringify({ kind: "echo", queueUrl: "elsewhere" }), "application/json", 400, "invalid_job"],
    ["a form body", "kind=echo", "application/x-www-form-urlencoded", 415, "unsupported_media_type"],
    ["a body above 64 KiB", JSON.stringify({ kind: "echo", payload: { blob: "x".repeat(70_000) } }), "application/json", 413, "payload_too_large"],
  ])("refuses %s without enqueuing anything", async (_what, body, contentType, status, error) => {
    const response = await call("POST", "/api/jobs", { body, headers: { "content-type": contentType } });
    expect(response.statusCode).toBe(status);
    expect(bodyOf(response).error).toBe(error);
    expect(await queueDepth(queueUrl)).toBe(0);
  });

  it("answers 503 for a job when the queue URL is not published", async () => {
    await deleteParameter("queue/url");
    const response = await call("POST", "/api/jobs", { body: JSON.stringify({ kind: "echo" }), headers: { "content-type": "application/json" } });
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response).error).toBe("unavailable");
  });

  it("answers 503 (not 500 with details) when SQS refuses the message", async () => {
    await publishParameters(`${queueUrl}-gone`); // a queue that does not exist
    const response = await call("POST", "/api/jobs", { body: JSON.stringify({ kind: "echo" }), headers: { "content-type": "application/json" } });
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toMatch(/NonExistentQueue|QueueDoesNotExist|at .*\.ts/);
  });

  it("greets", async () => {
    expect(bodyOf(await call("GET", "/api/hello"))).toEqual({ message: "Hello, world!" });
    const named = await call("GET", "/api/hello/", { query: { name: "Ada" } });
    expect(named.statusCode).toBe(200);
    expect(bodyOf(named)).toEqual({ message: "Hello, Ada!" });
    expect((await call("GET", "/api/hello", { query: { name: "<script>" } })).statusCode).toBe(400);
  });

  it("answers unknown paths with a JSON 404 and wrong methods with 405 and Allow", async () => {
    const missing = await call("GET", "/api/nope");
    expect(missing.statusCode).toBe(404);
    expect(missing.headers["content-type"]).toMatch(/^application\/json/);
    expect(bodyOf(missing).error).toBe("not_found");
    const wrongMethod = await call("DELETE", "/api/jobs");
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe("POST");
  });

  it("answers a 500 with the request id and no stack trace when a route throws", async () => {
    const event = httpEvent("GET", "/api/hello");
    // A malformed event (no http block) makes routing throw: the handler must not leak the TypeError.
    const response = await handler({ ...event, requestContext: { ...event.requestContext, http: undefined as never } }, lambdaContext("req-500"));
    expect(response.statusCode).toBe(500);
    const body = bodyOf(response);
    expect(body).toEqual({ error: "internal_error", message: expect.any(String), requestId: event.requestContext.requestId });
    expect(response.body).not.toMatch(/TypeError|\.ts:\d+/);
    expect(response.headers["x-request-id"]).toBe(event.requestContext.requestId);
  });
});

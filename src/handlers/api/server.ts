import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { logger, ORIGIN_HEADER } from "../runtime";
import { maxRequestBodyBytes } from "./http";
import { handler } from "./index";
import { originRefusal } from "./origin";

/*
 * The API image's entry point on ECS Fargate (`node /var/task/server.js`): the same image Lambda
 * runs through its runtime interface client, which serves no port, so ECS starts this instead. It
 * turns each HTTP request into the payload v2.0 event API Gateway would send and answers with what
 * the handler returns, so both compute options run exactly one code path.
 */

/** The port when `PORT` is not set (the container port the task definition maps by default). */
export const DEFAULT_PORT = 8080;
/**
 * In-flight requests get this long after SIGTERM before their connections are cut: below ECS's
 * default 30 s stopTimeout, after which the container is killed anyway.
 */
export const DEFAULT_SHUTDOWN_GRACE_MS = 25_000;

export interface ApiServerOptions {
  /** Default `PORT`, else 8080. 0 picks a free port (tests). */
  readonly port?: number;
  /** Default all interfaces: the load balancer reaches the task on its ENI address. */
  readonly host?: string;
  /** Default `MAX_REQUEST_BODY_BYTES` (the environment's `api.maxRequestBodyKb`), else 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Default 25 s. */
  readonly shutdownGraceMs?: number;
}

export interface ApiServer {
  readonly server: Server;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Stops accepting connections, lets in-flight requests finish (up to the grace period) and resolves once the server is closed. Idempotent. */
  close(): Promise<void>;
}

const log = logger.child({ handler: "api-server" });

/** Payload v2.0 joins repeated headers with commas and moves cookies to `cookies`. */
function eventHeaders(request: IncomingMessage): { headers: Record<string, string>; cookies?: string[] } {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(",") : value;
    if (lower === "cookie") cookies = text.split(/;\s*/).filter((cookie) => cookie.length > 0);
    else headers[lower] = text;
  }
  return { headers, cookies };
}

/** The address the nearest proxy (the load balancer) saw: the last X-Forwarded-For entry, which a client cannot forge. */
function sourceIp(request: IncomingMessage): string {
  const forwarded = request.headers["x-forwarded-for"];
  const last = (Array.isArray(forwarded) ? forwarded.join(",") : forwarded)?.split(",").pop()?.trim();
  return last || request.socket.remoteAddress || "";
}

export function toEvent(request: IncomingMessage, body: string, requestId: string, now = new Date()): APIGatewayProxyEventV2 {
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  const rawPath = query < 0 ? url : url.slice(0, query);
  const rawQueryString = query < 0 ? "" : url.slice(query + 1);
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) parameters[name] = name in parameters ? `${parameters[name]},${value}` : value;
  const { headers, cookies } = eventHeaders(request);
  const method = (request.method ?? "GET").toUpperCase();
  const domainName = headers.host ?? "localhost";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(parameters).length > 0 ? { queryStringParameters: parameters } : {}),
    requestContext: {
      accountId: "-",
      apiId: "ecs",
      domainName,
      domainPrefix: domainName.split(".")[0],
      http: { method, path: rawPath, protocol: `HTTP/${request.httpVersion}`, sourceIp: sourceIp(request), userAgent: headers["user-agent"] ?? "" },
      requestId,
      routeKey: "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body } : {}),
    isBase64Encoded: false,
  };
}

function context(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "api-server",
    functionVersion: "$LATEST",
    invokedFunctionArn: "",
    memoryLimitInMB: "0",
    awsRequestId: requestId,
    logGroupName: "",
    logStreamName: "",
    // No invocation deadline on ECS: the load balancer's idle timeout bounds a request instead.
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(response: ServerResponse, statusCode: number, headers: Record<string, string | number | boolean>, body: Buffer): void {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = String(value);
  out["content-length"] = String(body.length);
  response.writeHead(statusCode, out);
  response.end(body);
}

function tooLarge(response: ServerResponse, limit: number): void {
  const body = Buffer.from(JSON.stringify({ error: "payload_too_large", message: `a request body is at most ${limit} bytes` }));
  // The rest of the body is never read, so the connection cannot be reused.
  send(response, 413, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", connection: "close" }, body);
  response.once("finish", () => response.socket?.destroySoon());
}

/** The body, or undefined after answering 413. Events, not `for await`: leaving that loop early destroys the socket before the 413 is written. */
function readBody(request: IncomingMessage, response: ServerResponse, maxBodyBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > maxBodyBytes) {
      tooLarge(response, maxBodyBytes);
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // A chunked body declares no length: count as it arrives.
      if (size <= maxBodyBytes) return void chunks.push(chunk);
      request.off("data", onData);
      request.off("end", onEnd);
      request.pause();
      tooLarge(response, maxBodyBytes);
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    request.on("data", onData);
    request.once("end", onEnd);
    request.once("error", reject);
  });
}

/**
 * The handler checks the origin too; checking here first means a caller that did not come through
 * CloudFront cannot make the task buffer a body (up to the limit) only to be refused.
 */
async function refuseUnverified(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  const presented = request.headers[ORIGIN_HEADER];
  const refusal = await originRefusal(request.method, query < 0 ? url : url.slice(0, query), Array.isArray(presented) ? presented.join(",") : presented);
  if (!refusal) return false;
  // The body is never read, so the connection cannot be reused.
  send(response, refusal.statusCode, { ...refusal.headers, "x-request-id": randomUUID(), connection: "close" }, Buffer.from(refusal.body));
  response.once("finish", () => response.socket?.destroySoon());
  return true;
}

async function serve(request: IncomingMessage, response: ServerResponse, maxBodyBytes: number): Promise<void> {
  if (await refuseUnverified(request, response)) return;
  const body = await readBody(request, response, maxBodyBytes);
  if (body === undefined) return;
  const requestId = randomUUID();
  const result = await handler(toEvent(request, body.toString("utf8"), requestId), context(requestId));
  const answer = result.isBase64Encoded ? Buffer.from(result.body ?? "", "base64") : Buffer.from(result.body ?? "", "utf8");
  if (result.cookies?.length) response.setHeader("set-cookie", result.cookies);
  send(response, result.statusCode, result.headers ?? {}, answer);
}

/** Starts the HTTP server; resolves once it listens. */
export function startServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const maxBodyBytes = options.maxBodyBytes ?? maxRequestBodyBytes();
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return Promise.reject(new Error(`api-server: PORT "${process.env.PORT}" is not a port number`));

  let closing = false;
  const server = createServer((request, response) => {
    // Tell keep-alive clients (the load balancer) to reconnect elsewhere once shutdown began.
    if (closing) response.setHeader("connection", "close");
    serve(request, response, maxBodyBytes).catch((error: unknown) => {
      log.error("request failed", { path: request.url, error });
      if (!response.headersSent) send(response, 500, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }, Buffer.from('{"error":"internal_error"}'));
      else response.destroy();
    });
  });
  // The ALB keeps idle connections for 60 s; Node's 5 s default would close them under it and
  // turn the next request on that connection into a 502.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve, reject) => {
      closing = true;
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      server.close((error) => {
        clearTimeout(force);
        if (error) reject(error);
        else resolve();
      });
      // Idle keep-alive connections would hold close() open until they time out; busy ones close after their response.
      server.closeIdleConnections();
    });
    return closed;
  };

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, options.host, () => {
      server.off("error", reject);
      resolve({ server, port: (server.address() as AddressInfo).port, close });
    });
  });
}

/** `node server.js`: serve until ECS sends SIGTERM (a deploy or scale-in), then drain and exit. */
export async function main(): Promise<void> {
  const api = await startServer();
  log.info("listening", { port: api.port });
  const stop = (signal: string) => {
    log.info("shutting down", { signal });
    api.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error("shutdown failed", { error });
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    log.error("cannot start", { error });
    process.exit(1);
  });
}

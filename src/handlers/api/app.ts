import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { buildInfo, describeConfigStatus, enqueueJob, loadConfig, MAX_JOB_BYTES, parseJobBody, type Logger } from "../runtime";
import { bodyText, header, json, problem, requestPath, type HttpResponse } from "./http";

/*
 * A stand-in for the real web application (Django or FastAPI behind an adapter): just enough
 * routes to prove the wiring end to end: configuration from SSM, the queue, the health check the
 * load balancer, CloudFront and the deploy pipeline poll.
 */

type Route = (event: APIGatewayProxyEventV2, log: Logger) => Promise<HttpResponse>;

async function health(): Promise<HttpResponse> {
  const status = await loadConfig();
  const body = { status: status.state === "ok" ? "ok" : "degraded", build: buildInfo(), checks: { parameters: describeConfigStatus(status) } };
  return json(status.state === "ok" ? 200 : 503, body);
}

const NAME = /^[\p{L}\p{N} .'-]{1,64}$/u;

async function hello(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const name = (event.queryStringParameters?.name ?? "world").trim();
  if (!NAME.test(name)) return problem(400, "invalid_name", "name must be 1-64 letters, digits, spaces, dots, apostrophes or hyphens");
  return json(200, { message: `Hello, ${name}!` });
}

async function createJob(event: APIGatewayProxyEventV2, log: Logger): Promise<HttpResponse> {
  const contentType = header(event, "content-type") ?? "";
  if (!/^application\/json\b/i.test(contentType)) return problem(415, "unsupported_media_type", "send the job as application/json");
  const text = bodyText(event);
  if (Buffer.byteLength(text) > MAX_JOB_BYTES) return problem(413, "payload_too_large", `a job is at most ${MAX_JOB_BYTES} bytes`);
  const parsed = parseJobBody(text);
  if (!parsed.ok) return problem(400, "invalid_job", "the job is not valid", { problems: parsed.problems });

  const status = await loadConfig();
  if (status.state !== "ok") {
    log.error("cannot enqueue: configuration incomplete", { parameters: describeConfigStatus(status) });
    return problem(503, "unavailable", "the service is not configured yet; try again later");
  }
  try {
    const { messageId } = await enqueueJob(status.config.queue.url, parsed.job);
    log.info("job enqueued", { kind: parsed.job.kind, messageId });
    return json(202, { messageId, kind: parsed.job.kind });
  } catch (error) {
    log.error("could not enqueue the job", { kind: parsed.job.kind, error });
    return problem(503, "queue_unavailable", "the job could not be queued; try again later");
  }
}

/** Path -> method -> route. */
const ROUTES: Record<string, Record<string, Route>> = {
  // `/health` on the API itself; `/api/health` is the same check through CloudFront's `/api/*` behaviour.
  "/health": { GET: health },
  "/api/health": { GET: health },
  "/api/hello": { GET: hello },
  "/api/jobs": { POST: createJob },
};

/** Routes one request; unknown paths are 404, known paths with another method 405. Throws only on bugs. */
export async function route(event: APIGatewayProxyEventV2, log: Logger): Promise<HttpResponse> {
  const path = requestPath(event);
  const method = event.requestContext.http.method.toUpperCase();
  const methods = ROUTES[path];
  if (!methods) return problem(404, "not_found", `no route for ${method} ${path}`);
  const handle = methods[method] ?? (method === "HEAD" ? methods.GET : undefined);
  if (!handle) {
    const allow = Object.keys(methods).join(", ");
    return problem(405, "method_not_allowed", `${path} accepts ${allow}`, {}, { allow });
  }
  return handle(event, log);
}

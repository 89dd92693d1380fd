import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { logger } from "../runtime";
import { route } from "./app";
import { maxRequestBodyBytes, problem, requestBodyBytes, requestPath, type HttpResponse } from "./http";

/**
 * API Gateway HTTP API (payload format 2.0) entry point: `index.handler` in the function zip.
 * Any error that escapes a route is logged with its stack and answered with a bare 500 that
 * carries the request id, so the client can quote it and nothing internal leaks.
 */
export async function handler(event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> {
  const requestId = event.requestContext?.requestId ?? context.awsRequestId;
  const log = logger.child({ handler: "api", requestId, awsRequestId: context.awsRequestId });
  const started = Date.now();
  let response: HttpResponse;
  try {
    const limit = maxRequestBodyBytes();
    response = requestBodyBytes(event) > limit ? problem(413, "payload_too_large", `a request body is at most ${limit} bytes`) : await route(event, log);
  } catch (error) {
    log.error("unhandled error", { path: requestPath(event), error });
    response = problem(500, "internal_error", "something went wrong; quote the request id when reporting it", { requestId });
  }
  log.debug("request", { method: event.requestContext?.http?.method, path: requestPath(event), status: response.statusCode, durationMs: Date.now() - started });
  return { ...response, headers: { ...response.headers, "x-request-id": requestId } };
}

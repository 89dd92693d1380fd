import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { logger, ORIGIN_HEADER } from "../runtime";
import { route } from "./app";
import { header, maxRequestBodyBytes, problem, requestBodyBytes, requestPath, type HttpResponse } from "./http";
import { appEvent, originRefusal } from "./origin";

/**
 * API Gateway HTTP API (payload format 2.0) entry point: `index.handler` in the function zip.
 * Any error that escapes a route is logged with its stack and answered with a bare 500 that
 * carries the request id, so the client can quote it and nothing internal leaks. Before anything
 * else, the origin check: a request that did not come through this environment's CloudFront is
 * refused without running a route (./origin.ts).
 */
export async function handler(event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> {
  const requestId = event.requestContext?.requestId ?? context.awsRequestId;
  const log = logger.child({ handler: "api", requestId, awsRequestId: context.awsRequestId });
  const started = Date.now();
  let response: HttpResponse;
  try {
    const refusal = await originRefusal(event.requestContext?.http?.method, event.rawPath, header(event, ORIGIN_HEADER));
    const limit = maxRequestBodyBytes();
    response =
      refusal ?? (requestBodyBytes(event) > limit ? problem(413, "payload_too_large", `a request body is at most ${limit} bytes`) : await route(appEvent(event), log));
  } catch (error) {
    log.error("unhandled error", { path: requestPath(event), error });
    response = problem(500, "internal_error", "something went wrong; quote the request id when reporting it", { requestId });
  }
  log.debug("request", { method: event.requestContext?.http?.method, path: requestPath(event), status: response.statusCode, durationMs: Date.now() - started });
  return { ...response, headers: { ...response.headers, "x-request-id": requestId } };
}

import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { verifyOrigin } from "../runtime";
import { problem, type HttpResponse } from "./http";

/**
 * The load balancer's health check of the ECS tasks comes from inside the VPC without CloudFront's
 * header, on a path the HTTP API has no route for (it routes only `ANY /api` and `ANY /api/{proxy+}`):
 * that exact path, and only it, passes unchecked, and the app sees it as `/health`.
 * (src/constructs/containers/load-balancer.ts probes it; app/platform_app/origin.py agrees.)
 */
export const LOAD_BALANCER_HEALTH_PATH = "/_platform/lb-health";
const APP_HEALTH_PATH = "/health";

export function isLoadBalancerHealthCheck(method: string | undefined, rawPath: string | undefined): boolean {
  const verb = (method ?? "").toUpperCase();
  return rawPath === LOAD_BALANCER_HEALTH_PATH && (verb === "GET" || verb === "HEAD");
}

/**
 * Undefined when the request may reach the app, else the answer: 403 for a missing or wrong header
 * (the same answer for both, so a prober learns nothing), 503 while the secret cannot be read.
 */
export async function originRefusal(method: string | undefined, rawPath: string | undefined, presented: string | undefined): Promise<HttpResponse | undefined> {
  if (isLoadBalancerHealthCheck(method, rawPath)) return undefined;
  const verdict = await verifyOrigin(presented);
  if (verdict === "ok") return undefined;
  if (verdict === "unavailable") return problem(503, "origin_unverifiable", "the request's origin cannot be verified right now; try again shortly");
  return problem(403, "forbidden", "this API is served only through its site's address");
}

/** The event the app sees: the load balancer's probe as the app's own health check. */
export function appEvent(event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 {
  if (!isLoadBalancerHealthCheck(event.requestContext?.http?.method, event.rawPath)) return event;
  return { ...event, rawPath: APP_HEALTH_PATH, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, path: APP_HEALTH_PATH } } };
}

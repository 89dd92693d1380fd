import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string>; body: string };

/** Every answer is JSON and personal to the request: CloudFront and browsers must not keep it. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

/** `{"error": code, "message": ...}`: a stable code for programs, a sentence for people, never a stack trace. */
export function problem(statusCode: number, error: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): HttpResponse {
  return json(statusCode, { error, message, ...extra }, headers);
}

/** The request path without a trailing slash (`/api/hello/` is `/api/hello`). */
export function requestPath(event: APIGatewayProxyEventV2): string {
  const path = event.rawPath || "/";
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** The body as text: HTTP APIs base64-encode bodies they do not recognise as text. */
export function bodyText(event: APIGatewayProxyEventV2): string {
  if (event.body === undefined || event.body === null) return "";
  return event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
}

/** Payload v2.0 lower-cases header names. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

/** The size of the body as the client sent it (before API Gateway's base64 encoding). */
export function requestBodyBytes(event: APIGatewayProxyEventV2): number {
  if (event.body === undefined || event.body === null) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, "base64").length : Buffer.byteLength(event.body);
}

/** Without `MAX_REQUEST_BODY_BYTES`: 1 MiB. */
const DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** The environment's `api.maxRequestBodyKb` in bytes, which the web ACL leaves to the API to enforce. */
export function maxRequestBodyBytes(variables: NodeJS.ProcessEnv = process.env): number {
  const configured = Number(variables.MAX_REQUEST_BODY_BYTES);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_REQUEST_BODY_BYTES;
}

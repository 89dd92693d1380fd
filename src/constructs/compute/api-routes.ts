import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Construct } from "constructs";
import type { PlatformFunction } from "./platform-function";

/** What HTTP APIs accept for an integration timeout. */
const TIMEOUT_MILLISECONDS = { min: 50, max: 30_000 } as const;

/**
 * The routes the API answers: exactly what CloudFront's `/api/*` behaviour forwards. No route of
 * its own for `/health`: requests that do not come through CloudFront are refused by the origin
 * check, so such a route could only ever answer 403; the pipeline and uptime checks call
 * `/api/health` through CloudFront. Anything else gets the HTTP API's own 404 without invoking (and
 * paying for) the function.
 */
export const API_ROUTE_KEYS = ["ANY /api", "ANY /api/{proxy+}"] as const;

export interface ApiRoutesProps {
  /** The infra layer's HTTP API (`HttpApi.apiId`). */
  readonly apiId: string;
  /** `HttpApi.executionArn`: the invoke permission is limited to this API. */
  readonly executionArn: string;
  readonly fn: PlatformFunction;
  /** How long API Gateway waits for the function, 50-30000 ms. Default 30000 (the HTTP API maximum). */
  readonly timeoutMilliseconds?: number;
}

/**
 * Attaches a function to the HTTP API: one Lambda proxy integration (payload format 2.0), the
 * routes of `API_ROUTE_KEYS`, and the permission for this API, and no other, to invoke it.
 */
export class ApiRoutes extends Construct {
  readonly integration: Apigatewayv2Integration;
  readonly routes: Apigatewayv2Route[];
  readonly permission: LambdaPermission;
  readonly integrationId: string;

  constructor(scope: Construct, id: string, props: ApiRoutesProps) {
    super(scope, id);
    const timeoutMilliseconds = props.timeoutMilliseconds ?? TIMEOUT_MILLISECONDS.max;
    if (!Number.isInteger(timeoutMilliseconds) || timeoutMilliseconds < TIMEOUT_MILLISECONDS.min || timeoutMilliseconds > TIMEOUT_MILLISECONDS.max) {
      throw new Error(`ApiRoutes: timeoutMilliseconds must be a whole number from ${TIMEOUT_MILLISECONDS.min} to ${TIMEOUT_MILLISECONDS.max} (got ${timeoutMilliseconds})`);
    }

    this.permission = new LambdaPermission(this, "invoke-permission", {
      statementId: "AllowHttpApiInvoke",
      action: "lambda:InvokeFunction",
      functionName: props.fn.functionName,
      principal: "apigateway.amazonaws.com",
      // `<api>/<stage>/<method>/<path>`: every route and stage of this API, nothing else.
      sourceArn: `${props.executionArn}/*/*`,
    });
    this.integration = new Apigatewayv2Integration(this, "integration", {
      apiId: props.apiId,
      description: "Lambda proxy to the API function",
      integrationType: "AWS_PROXY",
      integrationMethod: "POST",
      integrationUri: props.fn.invokeArn,
      payloadFormatVersion: "2.0",
      timeoutMilliseconds,
    });
    this.integrationId = this.integration.id;
    this.routes = API_ROUTE_KEYS.map(
      (routeKey) =>
        new Apigatewayv2Route(this, routeId(routeKey), {
          apiId: props.apiId,
          routeKey,
          target: `integrations/${this.integration.id}`,
          // The application authenticates its own users (sessions, tokens); API Gateway only routes.
          authorizationType: "NONE",
          // A route must not answer before the function may be invoked.
          dependsOn: [this.permission],
        }),
    );
  }
}

/** `ANY /api/{proxy+}` -> `route-any-api-proxy`. */
function routeId(routeKey: string): string {
  return `route-${routeKey.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
}

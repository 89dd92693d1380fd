import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";

/** One JSON object per request; the keys are what dashboards and Logs Insights queries read. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  routeKey: "$context.routeKey",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  integrationError: "$context.integrationErrorMessage",
  latency: "$context.responseLatency",
});

export const DEFAULT_THROTTLING = { burstLimit: 100, rateLimit: 50 } as const;

export interface HttpApiProps {
  readonly naming: Naming;
  /** A customer-managed key for the access-log group; without one CloudWatch Logs' own encryption. */
  readonly kmsKeyArn?: string;
  /** Origins browsers may call the API from. Empty: no CORS configuration (same-origin use through CloudFront only). */
  readonly corsAllowOrigins: string[];
  /** Default `GET, POST, PUT, PATCH, DELETE, OPTIONS`. */
  readonly corsAllowMethods?: string[];
  /** Default `authorization, content-type, x-request-id`. */
  readonly corsAllowHeaders?: string[];
  /** How long browsers may cache a preflight answer. Default 3600 seconds. */
  readonly corsMaxAgeSeconds?: number;
  /** Steady-state requests per second and burst for every route. Default 50/s with bursts of 100. */
  readonly throttling?: { readonly burstLimit: number; readonly rateLimit: number };
}

/**
 * The API's front door: an HTTP API with a `$default` stage that deploys every change, throttles
 * every route so one client cannot run up the bill or exhaust the database, and writes a JSON access
 * log line per request. The app layer attaches integrations and routes to `apiId`.
 */
export class HttpApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly accessLogGroup: CloudwatchLogGroup;
  readonly apiId: string;
  /** `https://<id>.execute-api.<region>.amazonaws.com`. */
  readonly apiEndpoint: string;
  /** For Lambda permissions: `<executionArn>/*` lets every route of every stage invoke. */
  readonly executionArn: string;
  readonly stageName: string;
  /** The execute-api host name without the scheme: what CloudFront's API origin points at. */
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const { naming } = props;
    this.api = new Apigatewayv2Api(this, "api", {
      name: naming.name("api"),
      protocolType: "HTTP",
      corsConfiguration:
        props.corsAllowOrigins.length > 0
          ? {
              allowOrigins: props.corsAllowOrigins,
              allowMethods: props.corsAllowMethods ?? ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
              allowHeaders: props.corsAllowHeaders ?? ["authorization", "content-type", "x-request-id"],
              maxAge: props.corsMaxAgeSeconds ?? 3600,
            }
          : undefined,
    });
    this.accessLogGroup = new CloudwatchLogGroup(this, "access-logs", {
      name: naming.path("api", "access-logs"),
      kmsKeyId: props.kmsKeyArn,
    });
    const throttling = props.throttling ?? DEFAULT_THROTTLING;
    this.stage = new Apigatewayv2Stage(this, "stage", {
      apiId: this.api.id,
      name: "$default",
      autoDeploy: true,
      defaultRouteSettings: { throttlingBurstLimit: throttling.burstLimit, throttlingRateLimit: throttling.rateLimit },
      accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
    });

    this.apiId = this.api.id;
    this.apiEndpoint = this.api.apiEndpoint;
    this.executionArn = this.api.executionArn;
    this.stageName = this.stage.name;
    this.domainName = Fn.replace(this.api.apiEndpoint, "https://", "");
  }
}

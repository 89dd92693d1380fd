import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformOutput, Testing } from "cdktf";
import { HttpApi, type HttpApiProps } from "../../src/constructs/api/http-api";
import { Naming } from "../../src/naming/naming";

const naming = new Naming("platform", "dev");
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/abc";

function synth(props: Partial<HttpApiProps> = {}): { json: string } {
  const json = Testing.synthScope((scope) => {
    const api = new HttpApi(scope, "api", { naming, kmsKeyArn: KEY, corsAllowOrigins: ["https://app.example.com"], ...props });
    new TerraformOutput(scope, "domain_name", { value: api.domainName });
  });
  return { json };
}

function stage(json: string): Record<string, any> {
  return Object.values<any>(JSON.parse(json).resource.aws_apigatewayv2_stage)[0];
}

describe("HttpApi", () => {
  it("is an HTTP API allowing the configured origins, with default methods, headers and preflight age", () => {
    expect(synth().json).toHaveResourceWithProperties(Apigatewayv2Api, {
      name: "platform-dev-api",
      protocol_type: "HTTP",
      cors_configuration: {
        allow_origins: ["https://app.example.com"],
        allow_methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers: ["authorization", "content-type", "x-request-id"],
        max_age: 3600,
      },
    });
    expect(synth({ corsAllowMethods: ["GET"], corsAllowHeaders: ["x-a"], corsMaxAgeSeconds: 60 }).json).toHaveResourceWithProperties(Apigatewayv2Api, {
      cors_configuration: { allow_origins: ["https://app.example.com"], allow_methods: ["GET"], allow_headers: ["x-a"], max_age: 60 },
    });
  });

  it("has no CORS configuration when no origin is allowed", () => {
    const api = Object.values<any>(JSON.parse(synth({ corsAllowOrigins: [] }).json).resource.aws_apigatewayv2_api)[0];
    expect(api.cors_configuration).toBeUndefined();
  });

  it("deploys every change to the $default stage and throttles routes at 50/s with bursts of 100 by default", () => {
    expect(synth().json).toHaveResourceWithProperties(Apigatewayv2Stage, {
      name: "$default",
      auto_deploy: true,
      default_route_settings: { throttling_burst_limit: 100, throttling_rate_limit: 50 },
    });
    expect(synth({ throttling: { burstLimit: 20, rateLimit: 10 } }).json).toHaveResourceWithProperties(Apigatewayv2Stage, {
      default_route_settings: { throttling_burst_limit: 20, throttling_rate_limit: 10 },
    });
  });

  it("writes one JSON access-log line per request to an encrypted log group", () => {
    const { json } = synth();
    const settings = stage(json).access_log_settings;
    expect(settings.destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.api_access-logs_.*\.arn\}$/);
    expect(JSON.parse(settings.format)).toEqual({
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
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/platform/dev/api/access-logs", kms_key_id: KEY });
    const unencrypted = Object.values<any>(JSON.parse(synth({ kmsKeyArn: undefined }).json).resource.aws_cloudwatch_log_group)[0];
    expect(unencrypted.kms_key_id).toBeUndefined();
  });

  it("exposes the execute-api host name without its scheme for the CloudFront origin", () => {
    expect(JSON.parse(synth().json).output.domain_name.value).toMatch(/^\$\{replace\(aws_apigatewayv2_api\.api_.*\.api_endpoint, "https:\/\/", ""\)\}$/);
  });
});

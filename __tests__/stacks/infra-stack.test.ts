import { resourcesOf, synthesizeStacks, type StackJson } from "../support/synth";

let dev: StackJson;
let prod: StackJson;

beforeAll(() => {
  const stacks = synthesizeStacks();
  dev = stacks.get("infra-dev")!;
  prod = stacks.get("infra-prod")!;
});

const only = (stack: StackJson, type: string) => {
  const bodies = resourcesOf(stack).filter(([candidate]) => candidate === type).map(([, , body]) => body);
  expect([type, bodies.length]).toEqual([type, 1]);
  return bodies[0];
};

describe("InfraStack", () => {
  it("reads the core layer's key through remote state in core's own state object", () => {
    expect(dev.data.terraform_remote_state["cross-stack-reference-input-core-dev"]).toMatchObject({
      backend: "s3",
      config: { bucket: "platform-tfstate-123456789012", key: "platform/dev/core.tfstate", encrypt: true },
    });
    expect(only(dev, "aws_rds_cluster").kms_key_id).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-core-dev\.outputs\./);
  });

  it("has a us-east-1 provider for the edge, tagged like the main one", () => {
    const [main, edge] = dev.provider.aws;
    expect(edge).toMatchObject({ alias: "edge", region: "us-east-1", default_tags: main.default_tags });
  });

  it("sends /api/* from CloudFront to the HTTP API and everything else to the private site bucket", () => {
    const distribution = only(dev, "aws_cloudfront_distribution");
    const apiOrigin = distribution.origin.find((origin: any) => String(origin.domain_name).includes("aws_apigatewayv2_api"));
    const siteOrigin = distribution.origin.find((origin: any) => String(origin.domain_name).includes("site-bucket"));
    expect(siteOrigin.origin_access_control_id).toMatch(/aws_cloudfront_origin_access_control/);
    expect(distribution.ordered_cache_behavior).toContainEqual(expect.objectContaining({ path_pattern: "/api/*", target_origin_id: apiOrigin.origin_id }));
  });

  it("publishes endpoints and ARNs, never secret values, as parameters under the environment's path", () => {
    const names = resourcesOf(dev).filter(([type]) => type === "aws_ssm_parameter").map(([, , body]) => body.name).sort();
    expect(names).toEqual(
      ["app/secret-arn", "cache/endpoint", "database/auth", "database/endpoint", "database/name", "database/port", "database/reader-endpoint", "database/secret-arn", "database/user", "edge/origin-secret-arn", "media/bucket", "queue/url"].map((name) => `/platform/dev/${name}`),
    );
    for (const [, , parameter] of resourcesOf(dev).filter(([type]) => type === "aws_ssm_parameter")) {
      expect([parameter.name, parameter.value]).toEqual([parameter.name, expect.not.stringMatching(/random_password|secret_string/)]);
    }
  });

  it("keeps dev cheap and prod highly available", () => {
    const count = (stack: StackJson, type: string) => resourcesOf(stack).filter(([candidate]) => candidate === type).length;
    expect({ nat: count(dev, "aws_nat_gateway"), waf: count(dev, "aws_wafv2_web_acl"), instances: count(dev, "aws_rds_cluster_instance") }).toEqual({ nat: 0, waf: 0, instances: 1 });
    expect(only(dev, "aws_rds_cluster").serverlessv2_scaling_configuration).toMatchObject({ min_capacity: 0, seconds_until_auto_pause: 300 });
    expect({ nat: count(prod, "aws_nat_gateway"), waf: count(prod, "aws_wafv2_web_acl"), instances: count(prod, "aws_rds_cluster_instance") }).toEqual({ nat: 3, waf: 1, instances: 2 });
    expect(only(prod, "aws_rds_cluster")).toMatchObject({ deletion_protection: true, serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 4 } });
  });
});

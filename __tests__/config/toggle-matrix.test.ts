import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlatformConfig } from "../../src/config/load";
import { allPairs, pairsOf, TOGGLES, toggleMatrix, writeToggleMatrixConfig } from "../../scripts/toggle-matrix";
import { REPOSITORY_ROOT } from "../support/project";
import { readStacks, resourcesOf, runSynth, type StackJson } from "../support/synth";

/** Every toggle a user can set and all its values (README, "Tests": the scan's toggle matrix). */
const PROMISED_TOGGLES = {
  natMode: ["none", "single", "per-az"],
  azCount: [2, 3],
  cacheEngine: ["valkey", "redis"],
  rdsProxy: [false, true],
  waf: [false, true],
  domain: [false, true],
  interfaceEndpoints: [false, true],
  kmsKey: [true, false],
  compute: ["lambda-zip", "lambda-image", "ecs"],
  runtime: ["python", "node"],
  dynamodbTable: [false, true],
  ipv6Egress: [false, true],
};

/**
 * The AWS APIs each kind of workload calls from its private subnets over IPv4 (README, "Workloads
 * and packaging"; app/platform_app/config.py, secret_store.py, jobs.py): functions read parameters
 * and secrets and use the queue; Fargate tasks also ship their logs and pull their images
 * themselves. With interface endpoints on, each has its endpoint; without a NAT gateway, nothing
 * else would reach it.
 */
const IPV4_API_CALLS = {
  lambda: ["secretsmanager", "sqs", "ssm"],
  ecs: ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sqs", "ssm"],
};

/** The services of a stack's interface endpoints (`com.amazonaws.<region>.<service>`), sorted. */
function interfaceEndpointServices(infra: StackJson): string[] {
  return resourcesOf(infra)
    .filter(([type, , body]) => type === "aws_vpc_endpoint" && body.vpc_endpoint_type === "Interface")
    .map(([, , body]) => /^com\.amazonaws\.(?:[a-z0-9-]+|\$\{[^}]+\})\.(.+)$/.exec(body.service_name)?.[1] ?? body.service_name)
    .sort();
}

describe("toggle matrix", () => {
  const rows = toggleMatrix();

  it("covers every pair of values of any two toggles", () => {
    const covered = new Set(rows.flatMap(pairsOf));
    expect(allPairs().size).toBeGreaterThan(200);
    expect([...allPairs()].filter((pair) => !covered.has(pair))).toEqual([]);
  });

  it("uses every value of every toggle and stays far smaller than the full product", () => {
    expect(TOGGLES).toEqual(PROMISED_TOGGLES);
    for (const [name, values] of Object.entries(TOGGLES)) {
      expect([name, new Set<unknown>(rows.map((row) => row[name as keyof typeof TOGGLES]))]).toEqual([name, new Set<unknown>(values)]);
    }
    const product = Object.values(TOGGLES).reduce((size, values) => size * values.length, 1);
    expect(rows.length).toBeLessThan(product / 10);
  });

  it("gives environments that validate and synthesize, each stack showing its toggles", () => {
    const configDir = join(mkdtempSync(join(tmpdir(), "platform-matrix-")), "config");
    const written = writeToggleMatrixConfig(REPOSITORY_ROOT, configDir);
    const config = loadPlatformConfig(configDir);
    expect(config.environments.map((environment) => environment.name)).toEqual(expect.arrayContaining(written.map((row) => row.name)));

    const run = runSynth(configDir);
    const stacks = readStacks(run);
    expect(run.stderr).toBe("");
    // Without a NAT gateway or IPv6 egress the endpoints are the workloads' only way to AWS: rows of both kinds hold that case.
    const endpointsOnly = written.filter(({ combination: c }) => c.natMode === "none" && !c.ipv6Egress).map(({ combination: c }) => (c.compute === "ecs" ? "ecs" : "lambda"));
    expect([...new Set(endpointsOnly)].sort()).toEqual(["ecs", "lambda"]);
    for (const { name, combination: c } of written) {
      const count = (layer: string, type: string) => resourcesOf(stacks.get(`${layer}-${name}`)!).filter(([candidate]) => candidate === type).length;
      const interfaceEndpoints = interfaceEndpointServices(stacks.get(`infra-${name}`)!);
      const [, , cache] = resourcesOf(stacks.get(`infra-${name}`)!).find(([type]) => type === "aws_elasticache_serverless_cache")!;
      expect({
        name,
        natGateways: count("infra", "aws_nat_gateway"),
        subnets: count("infra", "aws_subnet"),
        cacheEngine: cache.engine,
        rdsProxies: count("infra", "aws_db_proxy"),
        webAcls: count("infra", "aws_wafv2_web_acl"),
        certificates: count("infra", "aws_acm_certificate"),
        interfaceEndpoints,
        platformKey: Boolean(stacks.get(`core-${name}`)!.output?.kms_key_arn),
        functions: count("app", "aws_lambda_function"),
        services: count("app", "aws_ecs_service"),
        egressOnlyGateways: count("infra", "aws_egress_only_internet_gateway"),
      }).toEqual({
        name,
        natGateways: { none: 0, single: 1, "per-az": c.azCount }[c.natMode],
        subnets: 3 * c.azCount,
        cacheEngine: c.cacheEngine,
        rdsProxies: c.rdsProxy ? 1 : 0,
        webAcls: c.waf ? 1 : 0,
        certificates: c.domain ? 1 : 0,
        // IPv6 egress needs none (the schema refuses the pair): Secrets Manager and SQS over IPv6, the parameters handed over.
        interfaceEndpoints: c.interfaceEndpoints ? IPV4_API_CALLS[c.compute === "ecs" ? "ecs" : "lambda"] : [],
        platformKey: c.kmsKey,
        functions: c.compute === "ecs" ? 2 : 3,
        services: c.compute === "ecs" ? 1 : 0,
        egressOnlyGateways: c.ipv6Egress ? 1 : 0,
      });
    }
  });
});

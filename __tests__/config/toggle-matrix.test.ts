import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlatformConfig } from "../../src/config/load";
import { allPairs, pairsOf, TOGGLES, toggleMatrix, writeToggleMatrixConfig } from "../../scripts/toggle-matrix";
import { INTERFACE_ENDPOINT_SERVICES } from "../../src/constructs/network/vpc-endpoints";
import { REPOSITORY_ROOT } from "../support/project";
import { readStacks, resourcesOf, runSynth } from "../support/synth";

describe("toggle matrix", () => {
  const rows = toggleMatrix();

  it("covers every pair of values of any two toggles", () => {
    const covered = new Set(rows.flatMap(pairsOf));
    expect([...allPairs()].filter((pair) => !covered.has(pair))).toEqual([]);
  });

  it("uses every value of every toggle and stays far smaller than the full product", () => {
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
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const stacks = readStacks(run.outdir);
    for (const { name, combination: c } of written) {
      const count = (layer: string, type: string) => resourcesOf(stacks.get(`${layer}-${name}`)!).filter(([candidate]) => candidate === type).length;
      const interfaceEndpoints = resourcesOf(stacks.get(`infra-${name}`)!).filter(([type, , body]) => type === "aws_vpc_endpoint" && body.vpc_endpoint_type === "Interface");
      const [, , cache] = resourcesOf(stacks.get(`infra-${name}`)!).find(([type]) => type === "aws_elasticache_serverless_cache")!;
      expect({
        name,
        natGateways: count("infra", "aws_nat_gateway"),
        subnets: count("infra", "aws_subnet"),
        cacheEngine: cache.engine,
        rdsProxies: count("infra", "aws_db_proxy"),
        webAcls: count("infra", "aws_wafv2_web_acl"),
        certificates: count("infra", "aws_acm_certificate"),
        interfaceEndpoints: interfaceEndpoints.length,
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
        // With IPv6 egress only SSM, which documents no dual-stack endpoint, keeps its interface endpoint.
        interfaceEndpoints: !c.interfaceEndpoints ? 0 : c.ipv6Egress ? 1 : INTERFACE_ENDPOINT_SERVICES[c.compute === "ecs" ? "ecs" : "lambda"].length,
        platformKey: c.kmsKey,
        functions: c.compute === "ecs" ? 2 : 3,
        services: c.compute === "ecs" ? 1 : 0,
        egressOnlyGateways: c.ipv6Egress ? 1 : 0,
      });
    }
  });
});

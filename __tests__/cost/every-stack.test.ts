// Every stack a user can get (shipped environments, examples, the all-pairs toggle matrix) through
// the cost report: no resource type without a rule, and the toggles that bill while idle show up.
import { buildReport, type CostReport } from "../../scripts/cost/report";
import { toStack } from "../../scripts/cost/stacks";
import { synthesizeEveryStack, type SynthesizedStack } from "../support/every-stack";

let synthesized: SynthesizedStack[];
let report: CostReport;

beforeAll(() => {
  synthesized = synthesizeEveryStack();
  report = buildReport(synthesized.map((stack) => toStack(stack.name, stack.json)));
});

const environmentsWith = (type: string) =>
  [...new Set(synthesized.filter((stack) => stack.json.resource?.[type] && stack.environment).map((stack) => stack.environment!.name))];

const linesOf = (environment: string, type: string) => report.environments.find((cost) => cost.name === environment)!.lines.filter((line) => line.type === type);

test("every resource type of every synthesizable stack has a pricing rule", () => {
  expect(report.unclassified).toEqual([]);
});

test("an RDS Proxy bills its 8 ACU minimum wherever the toggle is on", () => {
  const withProxy = environmentsWith("aws_db_proxy");
  expect(withProxy.length).toBeGreaterThan(0);
  for (const environment of withProxy) expect(linesOf(environment, "aws_db_proxy").map((line) => line.monthlyUsd)).toEqual([87.6]);
});

test("ECS environments bill their Fargate minimum and the ALB hour; Lambda ones neither", () => {
  const ecs = environmentsWith("aws_ecs_service");
  expect(ecs.length).toBeGreaterThan(0);
  for (const environment of ecs) {
    expect(linesOf(environment, "aws_ecs_service")[0]).toMatchObject({ category: "idle" });
    expect(linesOf(environment, "aws_ecs_service")[0].monthlyUsd).toBeGreaterThan(0);
    expect(linesOf(environment, "aws_lb").reduce((sum, line) => sum + line.monthlyUsd, 0)).toBeGreaterThan(0);
  }
  for (const environment of report.environments.filter((cost) => !ecs.includes(cost.name))) {
    expect(environment.lines.filter((line) => line.group === "compute")).toEqual([]);
  }
});

test("a Redis OSS cache bills its 1 GB minimum, a Valkey one its 100 MB", () => {
  for (const stack of synthesized.filter((candidate) => candidate.json.resource?.aws_elasticache_serverless_cache)) {
    const engine = Object.values<Record<string, unknown>>(stack.json.resource.aws_elasticache_serverless_cache)[0].engine;
    const [line] = linesOf(stack.environment!.name, "aws_elasticache_serverless_cache");
    expect([engine, line.monthlyUsd]).toEqual(engine === "valkey" ? ["valkey", 6.13] : ["redis", 102.2]);
  }
});

// The README's cost table against the one `npm run cost` generates from the shipped configuration
// now: a change to the stacks or the price table that moves a figure fails here until the README
// is regenerated with `npm run cost -- --readme`.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildReport, currentReadmeBlock, renderReadmeBlock, type CostReport } from "../../scripts/cost/report";
import { readStacks } from "../../scripts/cost/stacks";
import { REPOSITORY_ROOT } from "../support/project";
import { runSynth } from "../support/synth";

let outdir: string;
let report: CostReport;

beforeAll(() => {
  const run = runSynth();
  if (run.status !== 0) throw new Error(`synthesis of the shipped configuration failed (exit ${run.status}):\n${run.stderr}`);
  outdir = run.outdir;
  report = buildReport(readStacks(outdir));
});

function cost(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/cost.ts", "--stacks", outdir, ...args], { cwd: REPOSITORY_ROOT, encoding: "utf8" });
}

test("every resource type of the shipped stacks has a pricing rule", () => {
  expect(report.unclassified).toEqual([]);
});

test("README.md's cost table is the one generated from the shipped stacks (regenerate with `npm run cost -- --readme`)", () => {
  const readme = readFileSync(join(REPOSITORY_ROOT, "README.md"), "utf8");
  expect(currentReadmeBlock(readme)).toBe(renderReadmeBlock(report));
});

test("each shipped environment bills something while idle: its list total is the sum of its idle lines, its idle total that less its free-tier share", () => {
  expect(report.environments.map((environment) => environment.name)).toEqual(["dev", "stage", "prod"]);
  for (const environment of report.environments) {
    const idle = environment.lines.filter((line) => line.category === "idle");
    expect(idle.length).toBeGreaterThan(0);
    expect(environment.listMonthlyUsd).toBeCloseTo(idle.reduce((sum, line) => sum + line.monthlyUsd, 0), 2);
    expect(environment.idleMonthlyUsd).toBeCloseTo(environment.listMonthlyUsd - environment.freeTierCredits.reduce((sum, credit) => sum + credit.usd, 0), 2);
    expect(environment.idleMonthlyUsd).toBeGreaterThan(0);
  }
});

test("dev idles at $10 a month or less, with everything the design documents ask of an environment still there", () => {
  const dev = report.environments.find((environment) => environment.name === "dev")!;
  expect(dev.idleMonthlyUsd).toBeLessThanOrEqual(10);
  const types = new Set(dev.lines.map((line) => line.type));
  for (const type of [
    "aws_rds_cluster", // Aurora Serverless v2 PostgreSQL
    "aws_elasticache_serverless_cache", // Redis/Valkey
    "aws_ssm_parameter", // endpoints and configuration
    "aws_secretsmanager_secret", // the app secret (and the database's, managed by RDS)
    "aws_apigatewayv2_api",
    "aws_cloudfront_distribution",
    "aws_sqs_queue",
    "aws_scheduler_schedule",
    "aws_cloudwatch_dashboard",
    "aws_sns_topic",
    "aws_backup_plan",
    "aws_kms_key",
  ]) {
    expect([type, types.has(type)]).toEqual([type, true]);
  }
  // The eight alarms of the architecture write-up at least (API 5xx, latency, Lambda errors, throttles, Aurora connections and CPU, cache CPU and memory).
  expect(dev.lines.filter((line) => line.type === "aws_cloudwatch_metric_alarm").length).toBeGreaterThanOrEqual(8);
  // API, worker, producer, and the origin secret's rotation function.
  expect(dev.lines.filter((line) => line.type === "aws_lambda_function").length).toBe(4);
  // The app secret and the origin secret: $0.40 each while idle.
  expect(dev.lines.filter((line) => line.type === "aws_secretsmanager_secret").map((line) => line.monthlyUsd)).toEqual([0.4, 0.4]);
});

test("npm run cost: --check passes on the committed README, --json is the same report", () => {
  const check = cost("--check");
  expect(check.stderr).toBe("");
  expect(check.status).toBe(0);
  const json = cost("--json");
  expect(json.status).toBe(0);
  const parsed = JSON.parse(json.stdout) as CostReport;
  expect(parsed.environments.map((environment) => [environment.name, environment.idleMonthlyUsd])).toEqual(
    report.environments.map((environment) => [environment.name, environment.idleMonthlyUsd]),
  );
});

test("npm run cost refuses an unknown option with exit code 2", () => {
  const run = cost("--nonsense");
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/--nonsense/);
});

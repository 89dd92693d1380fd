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

test("each shipped environment bills something while idle, and its total is the sum of its idle lines", () => {
  expect(report.environments.length).toBeGreaterThan(0);
  for (const environment of report.environments) {
    const idle = environment.lines.filter((line) => line.category === "idle");
    expect(idle.length).toBeGreaterThan(0);
    expect(environment.idleMonthlyUsd).toBeCloseTo(idle.reduce((sum, line) => sum + line.monthlyUsd, 0), 2);
    expect(environment.idleMonthlyUsd).toBeGreaterThan(0);
  }
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

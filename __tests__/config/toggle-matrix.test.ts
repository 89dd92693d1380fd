import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlatformConfig } from "../../src/config/load";
import { allPairs, pairsOf, TOGGLES, toggleMatrix, writeToggleMatrixConfig } from "../../scripts/toggle-matrix";
import { REPOSITORY_ROOT } from "../support/project";
import { readStacks, runSynth } from "../support/synth";

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

  it("gives environments that validate and synthesize every layer", () => {
    const configDir = join(mkdtempSync(join(tmpdir(), "platform-matrix-")), "config");
    const written = writeToggleMatrixConfig(REPOSITORY_ROOT, configDir);
    const config = loadPlatformConfig(configDir);
    expect(config.environments.map((environment) => environment.name)).toEqual(expect.arrayContaining(written.map((row) => row.name)));

    const run = runSynth(configDir);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const stacks = readStacks(run.outdir);
    for (const { name } of written) expect([name, stacks.has(`core-${name}`)]).toEqual([name, true]);
  });
});

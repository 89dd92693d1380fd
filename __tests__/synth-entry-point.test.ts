import { existsSync } from "node:fs";
import { projectCopy, withEnvironment } from "./support/project";
import { readStacks, runSynth, synthesizeStacks } from "./support/synth";

/** The layers every environment is promised, in deploy order (README, "Stacks"). */
const LAYERS = ["core", "infra", "app"] as const;

describe("npm run synth", () => {
  it("exits non-zero, names every problem and writes no cdktf.out when the configuration is invalid", () => {
    const configDir = projectCopy(({ read, write }) => {
      const dev = read("environments/dev.json") as any;
      dev.network.vpcCidr = "10.0.0.0/33";
      dev.database.minCapacity = 4;
      write("environments/dev.json", dev);
    });
    const run = runSynth(configDir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Invalid configuration (2 problems)");
    expect(run.stderr).toMatch(/environments\/dev\.json: network\.vpcCidr: must be an IPv4 network/);
    expect(run.stderr).toMatch(/environments\/dev\.json: database\.minCapacity: \(4\) is above maxCapacity \(2\)/);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // a message for people, not a stack trace
    expect(existsSync(run.outdir)).toBe(false);
  });

  it("synthesizes the bootstrap stack and every layer of every environment file", () => {
    const configDir = projectCopy(withEnvironment("qa", "environments/dev.json"));

    const run = runSynth(configDir);
    const stacks = readStacks(run);
    expect(run.stderr).toBe("");
    const environments = ["dev", "prod", "qa", "stage"];
    const expected = ["bootstrap", "pipeline", ...LAYERS.flatMap((layer) => environments.map((environment) => `${layer}-${environment}`))];
    expect([...stacks.keys()].sort()).toEqual(expected.sort());
  });

  it("fails the test that asks for the stacks of a synthesis that failed, with its stderr, however it asks", () => {
    const configDir = projectCopy(({ read, write }) => {
      const dev = read("environments/dev.json") as any;
      dev.network.vpcCidr = "10.0.0.0/33";
      write("environments/dev.json", dev);
    });
    const run = runSynth(configDir);
    expect(run.status).toBe(1);
    // "No <something> stack" must not hold because nothing was synthesized.
    for (const ask of [() => readStacks(run), () => readStacks(run.outdir), () => synthesizeStacks(configDir)]) {
      expect(ask).toThrow(/synthesis of .* failed \(exit 1\); stderr:\n[^]*environments\/dev\.json: network\.vpcCidr: must be an IPv4 network/);
    }
  });
});

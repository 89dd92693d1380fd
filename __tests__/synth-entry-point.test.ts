import { existsSync } from "node:fs";
import { LAYERS } from "../src/config/layers";
import { projectCopy, withEnvironment } from "./support/project";
import { readStacks, runSynth } from "./support/synth";

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
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const environments = ["dev", "prod", "qa", "stage"];
    const expected = ["bootstrap", "pipeline", ...LAYERS.flatMap((layer) => environments.map((environment) => `${layer}-${environment}`))];
    expect([...readStacks(run.outdir).keys()].sort()).toEqual(expected.sort());
  });
});

import { rmSync } from "node:fs";
import { join } from "node:path";
import { projectCopy } from "../support/project";
import { readStacks, runSynth } from "../support/synth";

/** The layers every environment is promised, in deploy order (README, "Stacks"). */
const LAYERS = ["core", "infra", "app"] as const;

describe("Terraform Cloud as the backend of an environment", () => {
  it("gives every stack of the environment its own workspace and reads earlier layers through remote state", () => {
    const configDir = projectCopy(({ root, read, write }) => {
      const backend = read("backend.config.json") as any;
      backend.environments.stage = { type: "cloud", organization: "acme", workspacePrefix: "platform-" };
      write("backend.config.json", backend);
      // The CodeBuild pipeline runs Terraform itself; Cloud environments run in their workspaces instead.
      rmSync(join(root, "delivery.config.json"));
    });
    const run = runSynth(configDir);
    const stacks = readStacks(run);
    expect(run.stderr).toBe("");
    for (const layer of LAYERS) {
      const stack = stacks.get(`${layer}-stage`)!;
      expect(stack.terraform.cloud).toEqual({ hostname: "app.terraform.io", organization: "acme", workspaces: { name: `platform-${layer}-stage` } });
      expect(stack.terraform.backend).toBeUndefined();
    }
    const remote = Object.values<any>(stacks.get("infra-stage")!.data.terraform_remote_state);
    expect(remote).toEqual([expect.objectContaining({ backend: "remote", config: expect.objectContaining({ organization: "acme", workspaces: { name: "platform-core-stage" } }) })]);
    expect(stacks.get("core-dev")!.terraform.backend.s3).toBeDefined();
  });
});

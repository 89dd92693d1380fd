import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadDeliveryConfig } from "../../../src/config/delivery-schema";
import type { SynthesizedStack } from "../../support/every-stack";
import { REPOSITORY_ROOT } from "../../support/project";
import type { DeliveryUnderTest, EnvironmentUnderTest } from "../jobs/job";

/** Every environment the stacks hold, each with a neighbour (prod's is dev, everyone else's prod) whose resources it must never reach. */
export function environmentsUnderTest(stacks: readonly SynthesizedStack[]): EnvironmentUnderTest[] {
  const byName = new Map<string, Omit<EnvironmentUnderTest, "neighbour">>();
  for (const { environment } of stacks) {
    if (!environment || byName.has(environment.name)) continue;
    byName.set(environment.name, { name: environment.name, region: environment.region, project: "platform", prefix: `platform-${environment.name}`, settings: environment });
  }
  return [...byName.values()].map((environment) => {
    const other = byName.get(environment.name === "prod" ? "dev" : "prod")!;
    return { ...environment, neighbour: { name: other.name, prefix: other.prefix, region: other.region } };
  });
}

/** The pipeline stack's view: its region, the state store, and the environments it promotes. */
export function deliveryUnderTest(environments: readonly EnvironmentUnderTest[]): DeliveryUnderTest {
  const config = loadDeliveryConfig(REPOSITORY_ROOT)!;
  const backend = JSON.parse(readFileSync(join(REPOSITORY_ROOT, "backend.config.json"), "utf8"));
  return {
    project: "platform",
    region: config.region,
    prefix: "platform-delivery",
    stateBucket: backend.state.bucket,
    lockTable: backend.state.lockTable,
    stateRegion: backend.state.region,
    environments: environments.filter((environment) => config.environments.includes(environment.name)),
  };
}

import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeToggleMatrixConfig } from "../../scripts/toggle-matrix";
import { loadPlatformConfig, type PlatformEnvironment } from "../../src/config/load";
import { REPOSITORY_ROOT } from "./project";
import { synthesizeStacks, type StackJson } from "./synth";

export interface SynthesizedStack {
  readonly name: string;
  readonly json: StackJson;
  /** The environment of a `<layer>-<env>` stack; absent for bootstrap and pipeline. */
  readonly environment?: PlatformEnvironment;
}

/**
 * Every stack a user can get from the shipped configuration: the shipped environments, every
 * complete example under environments/examples/ (added as `ex-<name>`), and every environment of
 * the all-pairs toggle matrix, synthesized by the real entry point into one temporary directory.
 */
export function synthesizeEveryStack(): SynthesizedStack[] {
  const configDir = join(mkdtempSync(join(tmpdir(), "platform-every-stack-")), "config");
  writeToggleMatrixConfig(REPOSITORY_ROOT, configDir);
  const backendFile = join(configDir, "backend.config.json");
  const backend = JSON.parse(readFileSync(backendFile, "utf8"));
  const examplesDir = join(REPOSITORY_ROOT, "environments", "examples");
  for (const file of readdirSync(examplesDir).filter((entry) => entry.endsWith(".json"))) {
    const name = `ex-${file.replace(/\.json$/, "")}`;
    cpSync(join(examplesDir, file), join(configDir, "environments", `${name}.json`));
    backend.environments[name] = { ...backend.environments.dev, keyPrefix: `${backend.project}/${name}` };
  }
  writeFileSync(backendFile, JSON.stringify(backend, null, 2));
  const environments = new Map(loadPlatformConfig(configDir).environments.map((environment) => [environment.name, environment]));
  return [...synthesizeStacks(configDir)].map(([name, json]) => ({ name, json, environment: environments.get(name.slice(name.indexOf("-") + 1)) }));
}

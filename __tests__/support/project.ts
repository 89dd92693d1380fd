import { ConfigError } from "../../src/config/problems";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlatformConfig, type PlatformEnvironment } from "../../src/config/load";

export const REPOSITORY_ROOT = join(__dirname, "..", "..");

type Json = Record<string, unknown>;

export function readRepositoryJson(file: string): Json {
  return JSON.parse(readFileSync(join(REPOSITORY_ROOT, file), "utf8")) as Json;
}

/**
 * A throw-away copy of the repository's configuration (backend.config.json, delivery.config.json
 * and environments/),
 * edited by `edit`, so tests can break one thing at a time.
 */
export function projectCopy(edit: (project: { root: string; write: (file: string, json: unknown) => void; read: (file: string) => Json }) => void = () => {}): string {
  const root = mkdtempSync(join(tmpdir(), "platform-config-"));
  cpSync(join(REPOSITORY_ROOT, "backend.config.json"), join(root, "backend.config.json"));
  cpSync(join(REPOSITORY_ROOT, "delivery.config.json"), join(root, "delivery.config.json"));
  cpSync(join(REPOSITORY_ROOT, "environments"), join(root, "environments"), { recursive: true });
  const write = (file: string, json: unknown) => writeFileSync(join(root, file), typeof json === "string" ? json : JSON.stringify(json, null, 2));
  const read = (file: string) => JSON.parse(readFileSync(join(root, file), "utf8")) as Json;
  edit({ root, write, read });
  return root;
}

/**
 * An `edit` for `projectCopy` that adds environment `name` from `sourceFile` (relative to the
 * project), with a backend entry of its own state key, as a user would.
 */
export function withEnvironment(name: string, sourceFile: string): NonNullable<Parameters<typeof projectCopy>[0]> {
  return ({ read, write }) => {
    write(`environments/${name}.json`, read(sourceFile));
    const backend = read("backend.config.json") as { project: string; environments: Record<string, Record<string, unknown>> };
    backend.environments[name] = { ...backend.environments.dev, keyPrefix: `${backend.project}/${name}` };
    write("backend.config.json", backend);
  };
}

/** The repository's own environments, validated as synthesis sees them. */
export function shippedEnvironment(name: string): PlatformEnvironment {
  const environment = loadPlatformConfig(REPOSITORY_ROOT).environments.find((candidate) => candidate.name === name);
  if (!environment) throw new Error(`environments/${name}.json is not shipped`);
  return environment;
}

/** Every problem configuration loading reports for the project at `root`; fails if it loads. */
export function configProblems(root: string): readonly string[] {
  try {
    loadPlatformConfig(root);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

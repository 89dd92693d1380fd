import { existsSync, readdirSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { z } from "zod";
import { accountLayoutProblems, type CrossAccountDeployment, crossAccountDeployment } from "./accounts";
import { type BackendConfig, backendConfigSchema, NAME_PATTERN, type ResolvedBackendSettings } from "./backend-schema";
import { type Environment, environmentSchema, subnetPlanFor } from "./environment-schema";
import { BOOTSTRAP_STACK, LAYERS, stackName } from "./layers";
import { ConfigError, describeIssues, exitOnConfigError, readJsonFile } from "./problems";
import { s3StateKey, stateKeyAlias, stateLocation } from "./state-location";

export const ENVIRONMENTS_DIR = "environments";
export const BACKEND_CONFIG_FILE = "backend.config.json";

export interface PlatformEnvironment extends Environment {
  readonly backend: ResolvedBackendSettings;
  /** Present when the environment runs outside the state account (`accounts.ts`). */
  readonly deployment?: CrossAccountDeployment;
}

export interface PlatformConfig {
  readonly project: string;
  readonly state: BackendConfig["state"];
  readonly environments: readonly PlatformEnvironment[];
}

type Parsed<T> = { ok: true; value: T } | { ok: false };

function parseJsonFile<T>(root: string, file: string, schema: z.ZodType<T>, problems: string[]): Parsed<T> {
  const shown = relative(root, file) || file;
  const json = readJsonFile(file, shown);
  if (!json.ok) {
    problems.push(json.problem);
    return { ok: false };
  }
  const result = schema.safeParse(json.data, { reportInput: true });
  if (!result.success) {
    problems.push(...describeIssues(shown, schema, result.error.issues));
    return { ok: false };
  }
  return { ok: true, value: result.data };
}

/** The environment files, one per environment; `environments/examples/` and other folders are not environments. */
export function environmentFiles(root: string): string[] {
  const dir = join(root, ENVIRONMENTS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => join(dir, entry.name))
    .sort();
}

/**
 * Reads and validates `backend.config.json` and every `environments/<name>.json` under `root`.
 * Every problem is collected before failing, and nothing is synthesized unless all files are valid.
 */
export function loadPlatformConfig(root: string): PlatformConfig {
  const problems: string[] = [];
  const backendFile = join(root, BACKEND_CONFIG_FILE);
  const backendConfig = existsSync(backendFile)
    ? parseJsonFile(root, backendFile, backendConfigSchema, problems)
    : (problems.push(`${BACKEND_CONFIG_FILE}: not found in ${root}; copy it from the repository and name your state bucket`),
      { ok: false as const });

  const files = environmentFiles(root);
  if (files.length === 0) {
    problems.push(`${ENVIRONMENTS_DIR}/: holds no <name>.json environment file; add one, e.g. ${ENVIRONMENTS_DIR}/dev.json`);
  }

  const environments: PlatformEnvironment[] = [];
  for (const file of files) {
    const name = basename(file, ".json");
    const shown = relative(root, file);
    if (!NAME_PATTERN.test(name) || name.length > 12) {
      problems.push(
        `${shown}: the file name is the environment name and must be 2-12 lower-case letters, digits or '-', starting with a letter (e.g. dev.json)`,
      );
      continue;
    }
    const parsed = parseJsonFile(root, file, environmentSchema, problems);
    if (!parsed.ok) continue;
    const { $schema: _editorHint, ...settings } = parsed.value;
    const backend = backendConfig.ok ? backendConfig.value.environments[name] : undefined;
    if (backendConfig.ok && !backend) {
      problems.push(
        `${BACKEND_CONFIG_FILE}: environments.${name}: missing; every file in ${ENVIRONMENTS_DIR}/ needs a backend entry ("type": "s3" or "cloud") for ${shown}`,
      );
      continue;
    }
    if (!backend || !backendConfig.ok) continue;
    const deployment = crossAccountDeployment(backendConfig.value.project, backendConfig.value.state, { name, ...settings });
    const resolved = resolveStateKey(backend, backendConfig.value.state, name, problems);
    if (resolved) environments.push({ ...settings, name, subnetPlan: subnetPlanFor(parsed.value), backend: resolved, ...(deployment ? { deployment } : {}) });
  }

  if (backendConfig.ok) {
    const known = new Set(files.map((file) => basename(file, ".json")));
    for (const name of Object.keys(backendConfig.value.environments)) {
      if (!known.has(name)) {
        problems.push(
          `${BACKEND_CONFIG_FILE}: environments.${name}: names no file ${ENVIRONMENTS_DIR}/${name}.json; remove the entry or add the environment file`,
        );
      }
    }
    problems.push(...duplicateStateLocations(backendConfig.value, environments));
    problems.push(...nestedEnvironmentNames(backendConfig.value.project, files.map((file) => basename(file, ".json"))));
    problems.push(
      ...accountLayoutProblems(
        backendConfig.value,
        environments.map((environment) => ({ ...environment, file: `${ENVIRONMENTS_DIR}/${environment.name}.json` })),
        BACKEND_CONFIG_FILE,
      ),
    );
  }

  if (problems.length > 0 || !backendConfig.ok) throw new ConfigError(problems);
  return { project: backendConfig.value.project, state: backendConfig.value.state, environments };
}

/**
 * Terraform's S3 backend with `encrypt = true` and no `kms_key_id` sends `AES256` with every write,
 * which overrides the bucket's default SSE-KMS; so every S3 backend names its key. The bootstrap
 * bucket's own key is the default; another bucket's key cannot be guessed.
 */
function resolveStateKey(
  backend: BackendConfig["environments"][string],
  state: BackendConfig["state"],
  name: string,
  problems: string[],
): ResolvedBackendSettings | undefined {
  if (backend.type !== "s3" || backend.kmsKeyId) return backend as ResolvedBackendSettings;
  if (backend.bucket === state.bucket) return { ...backend, kmsKeyId: stateKeyAlias(state.bucket) };
  problems.push(
    `${BACKEND_CONFIG_FILE}: environments.${name}.kmsKeyId: missing; bucket "${backend.bucket}" is not the state bucket the bootstrap stack creates ("${state.bucket}"), so name the KMS key that encrypts its state (key ARN, alias ARN or "alias/<name>"), or use "${state.bucket}"`,
  );
  return undefined;
}

function duplicateStateLocations(config: BackendConfig, environments: readonly PlatformEnvironment[]): string[] {
  const owners = new Map<string, string>();
  if (config.state.bootstrapBackend === "s3") {
    owners.set(`s3://${config.state.bucket}/${s3StateKey(config.project, BOOTSTRAP_STACK)}`, `stack ${BOOTSTRAP_STACK}`);
  }
  const problems: string[] = [];
  for (const environment of environments) {
    const locations = LAYERS.map((layer) => ({ layer, location: stateLocation(environment.backend, layer, stackName(layer, environment.name)) }));
    const clash = locations.find(({ location }) => owners.has(location));
    if (clash) {
      problems.push(
        `${BACKEND_CONFIG_FILE}: environments.${environment.name}: its ${clash.layer} state ${clash.location} is already used by ${owners.get(clash.location)}; give each environment its own keyPrefix (or workspacePrefix)`,
      );
      continue;
    }
    for (const { layer, location } of locations) owners.set(location, `stack ${stackName(layer, environment.name)}`);
  }
  return problems;
}

/**
 * Every environment's permissions boundary, bucket pattern and deploy-role pattern is
 * `<project>-<env>-*`, which would also match the resources of an environment whose name starts
 * with `<env>-` (`platform-prod-*` covers `platform-prod-eu-media-...`): prod's roles could reach
 * prod-eu's data. Refused instead of relying on separate accounts, which bucket ARNs do not name.
 */
function nestedEnvironmentNames(project: string, names: readonly string[]): string[] {
  const problems: string[] = [];
  for (const outer of names) {
    for (const inner of names) {
      if (inner === outer || !inner.startsWith(`${outer}-`)) continue;
      problems.push(
        `${ENVIRONMENTS_DIR}/${inner}.json: the environment name "${inner}" begins with "${outer}-", so environment ${outer}'s IAM and bucket patterns (${project}-${outer}-*) would also match ${inner}'s resources; rename it so that no environment name is another's followed by '-', e.g. "${inner.replace(`${outer}-`, outer)}" or "${inner.slice(outer.length + 1)}-${outer}"`,
      );
    }
  }
  return problems;
}

/** For entry points: the validated configuration, or every problem on stderr and exit code 1 before anything is written. */
export function loadPlatformConfigOrExit(root: string): PlatformConfig {
  return exitOnConfigError(() => loadPlatformConfig(root));
}

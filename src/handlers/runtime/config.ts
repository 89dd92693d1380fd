import { GetParametersByPathCommand } from "@aws-sdk/client-ssm";
import { ssmClient } from "./clients";
import { logger, serializeError } from "./logger";

/** The environment variable naming the environment's parameter path, e.g. `/platform/dev`. */
export const PARAMETERS_PATH_VARIABLE = "PLATFORM_PARAMETERS_PATH";

/** What the infra layer publishes under the path (PublishedParameters); a function cannot work without them. */
export const REQUIRED_PARAMETERS = [
  "database/endpoint",
  "database/reader-endpoint",
  "database/name",
  "database/secret-arn",
  "cache/endpoint",
  "queue/url",
  "media/bucket",
  "app/secret-arn",
] as const;
/**
 * Published only when the environment turns the feature on. Without `edge/origin-secret-arn` the API
 * serves nothing but the load balancer's health check (the origin check fails closed), so an app
 * deployed ahead of its infra layer is refused rather than open.
 */
export const OPTIONAL_PARAMETERS = ["table/name", "edge/origin-secret-arn"] as const;

export type ParameterName = (typeof REQUIRED_PARAMETERS)[number] | (typeof OPTIONAL_PARAMETERS)[number];

/** Where things are. Secrets appear as their ARNs only: a handler that needs a value fetches it itself, when it needs it. */
export interface PlatformConfig {
  readonly parametersPath: string;
  readonly database: { readonly endpoint: string; readonly readerEndpoint: string; readonly name: string; readonly secretArn: string };
  readonly cache: { readonly endpoint: string };
  readonly queue: { readonly url: string };
  readonly media: { readonly bucket: string };
  readonly app: { readonly secretArn: string };
  /** Present when the environment has the DynamoDB table. */
  readonly table?: { readonly name: string };
  /** The secret whose live values CloudFront sends as `x-origin-verify`. */
  readonly edge?: { readonly originSecretArn: string };
}

export type ConfigStatus =
  | { readonly state: "ok"; readonly config: PlatformConfig }
  /**
   * Parameters (or the path variable itself) that are not there. `originSecretArn` is kept when it
   * was read: the origin check must not hide what the health check says is missing behind its own refusal.
   */
  | { readonly state: "missing"; readonly missing: readonly string[]; readonly originSecretArn?: string }
  /** SSM could not be read; `error` is the error's name (AccessDeniedException, TimeoutError), never its details. */
  | { readonly state: "unavailable"; readonly error: string };

export class ConfigurationError extends Error {
  constructor(readonly status: Exclude<ConfigStatus, { state: "ok" }>) {
    super(`configuration is ${describeConfigStatus(status)}`);
    this.name = "ConfigurationError";
  }
}

/** `ok`, `missing: a, b` or `unavailable: ErrorName`: what the health check reports. */
export function describeConfigStatus(status: ConfigStatus): string {
  switch (status.state) {
    case "ok":
      return "ok";
    case "missing":
      return `missing: ${status.missing.join(", ")}`;
    case "unavailable":
      return `unavailable: ${status.error}`;
  }
}

/**
 * An incomplete or failed read is retried after this long rather than on every request (a broken
 * environment would otherwise call SSM per request and hit its throughput limit) or never (the
 * parameters may appear while the execution environment is warm, e.g. mid-apply).
 */
export const RETRY_AFTER_MS = 10_000;

let cached: { status: Promise<ConfigStatus>; at: number } | undefined;

/**
 * Reads every parameter under `PLATFORM_PARAMETERS_PATH` once per cold start (GetParametersByPath,
 * recursive, decrypted, paginated) and keeps a complete result for the life of the execution
 * environment. Never throws: the status says what is wrong.
 */
export function loadConfig(): Promise<ConfigStatus> {
  const now = Date.now();
  if (cached) {
    const keep = cached;
    return keep.status.then((status) => (status.state === "ok" || now - keep.at < RETRY_AFTER_MS ? status : reload(now)));
  }
  return reload(now);
}

/** The configuration, or a ConfigurationError naming what is missing or unavailable. */
export async function requireConfig(): Promise<PlatformConfig> {
  const status = await loadConfig();
  if (status.state !== "ok") throw new ConfigurationError(status);
  return status.config;
}

/** Forgets the cached configuration: the next call reads SSM again, as a cold start would. */
export function resetConfig(): void {
  cached = undefined;
}

function reload(now: number): Promise<ConfigStatus> {
  const status = readParameters();
  cached = { status, at: now };
  return status;
}

async function readParameters(): Promise<ConfigStatus> {
  const raw = process.env[PARAMETERS_PATH_VARIABLE]?.trim();
  if (!raw) return { state: "missing", missing: [PARAMETERS_PATH_VARIABLE] };
  const path = raw.replace(/\/+$/, "");
  if (!/^\/[^/]/.test(path)) {
    logger.error("parameter path is not an absolute SSM path", { [PARAMETERS_PATH_VARIABLE]: raw });
    return { state: "missing", missing: [PARAMETERS_PATH_VARIABLE] };
  }

  const values = new Map<string, string>();
  try {
    let nextToken: string | undefined;
    do {
      const page = await ssmClient().send(
        new GetParametersByPathCommand({ Path: path, Recursive: true, WithDecryption: true, MaxResults: 10, NextToken: nextToken }),
      );
      for (const parameter of page.Parameters ?? []) {
        if (parameter.Name && parameter.Value !== undefined) values.set(parameter.Name.slice(path.length + 1), parameter.Value);
      }
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    const name = error instanceof Error ? error.name : "UnknownError";
    logger.error("could not read the environment's parameters", { path, error: serializeError(error) });
    return { state: "unavailable", error: name };
  }

  const missing = REQUIRED_PARAMETERS.filter((name) => !values.get(name));
  // Names only: the values are locations, but nothing read from SSM goes to a log line.
  logger.info("read the environment's parameters", { path, found: [...values.keys()].sort(), missing });
  const originSecretArn = values.get("edge/origin-secret-arn");
  if (missing.length > 0) return { state: "missing", missing, ...(originSecretArn ? { originSecretArn } : {}) };

  const get = (name: ParameterName) => values.get(name) as string;
  const tableName = values.get("table/name");
  return {
    state: "ok",
    config: {
      parametersPath: path,
      database: {
        endpoint: get("database/endpoint"),
        readerEndpoint: get("database/reader-endpoint"),
        name: get("database/name"),
        secretArn: get("database/secret-arn"),
      },
      cache: { endpoint: get("cache/endpoint") },
      queue: { url: get("queue/url") },
      media: { bucket: get("media/bucket") },
      app: { secretArn: get("app/secret-arn") },
      ...(tableName ? { table: { name: tableName } } : {}),
      ...(originSecretArn ? { edge: { originSecretArn } } : {}),
    },
  };
}

import { z } from "zod";

/** Thrown when configuration is invalid; carries every problem found, one line each, so a user fixes them in one pass. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, "");
}

function describeInput(input: unknown): string {
  if (input === undefined) return "";
  const text = JSON.stringify(input);
  return text !== undefined && text.length <= 60 ? ` (got ${text})` : "";
}

/** The object keys a schema accepts at `path`, looking through optional, default and refinement wrappers. */
function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let current: unknown = schema;
  for (const key of [...path, undefined]) {
    for (let unwrapped = true; unwrapped; ) {
      unwrapped = false;
      const def = (current as { def?: { innerType?: unknown } }).def;
      if (def?.innerType) {
        current = def.innerType;
        unwrapped = true;
      }
    }
    const shape = (current as { shape?: Record<string, unknown> }).shape;
    if (key === undefined) return shape ? Object.keys(shape).filter((name) => name !== "$schema") : undefined;
    const element = (current as { def?: { element?: unknown; valueType?: unknown } }).def;
    current = shape?.[String(key)] ?? element?.element ?? element?.valueType;
    if (current === undefined) return undefined;
  }
  return undefined;
}

/** One line per zod issue: the file, the field, and what the field allows. */
export function describeIssues(file: string, schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const field = formatPath(issue.path);
    const where = field ? `${file}: ${field}` : file;
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeysAt(schema, issue.path);
      return issue.keys.map(
        (key) =>
          `${where}: unknown field "${key}"; allowed fields: ${allowed ? allowed.join(", ") : "see the JSON schema"}`,
      );
    }
    // Cross-field checks name the values they compare and carry no input; a missing field has none either.
    if (issue.code !== "custom" && issue.input === undefined) {
      return [`${where}: is required and ${issue.message}`];
    }
    return [`${where}: ${issue.message}${describeInput(issue.input)}`];
  });
}

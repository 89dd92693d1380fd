import { readFileSync } from "node:fs";
import { z } from "zod";

/** Thrown when configuration is invalid; carries every problem found, one line each, so a user fixes them in one pass. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** For entry points: what `load` returns, or every problem on stderr and exit code 1 before anything is written. */
export function exitOnConfigError<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nNothing was synthesized. Fix the files above and run the synthesis again.\n`);
    process.exit(1);
  }
}

/** A configuration file's JSON, or the one problem that keeps it from being read. */
export function readJsonFile(file: string, shown: string): { ok: true; data: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, data: JSON.parse(readFileSync(file, "utf8")) };
  } catch (error) {
    const reason = error instanceof SyntaxError ? `is not valid JSON: ${error.message}` : `cannot be read: ${String(error)}`;
    return { ok: false, problem: `${shown}: ${reason}` };
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

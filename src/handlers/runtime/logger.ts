/**
 * One JSON object per line on stdout: Logs Insights and metric filters read the fields without a
 * parse step. Written with `process.stdout.write`, not `console.log`, so Lambda's text log format
 * does not prefix the line with its own timestamp and request id and break the JSON.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const LEVELS: Record<LogLevel | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Keys whose values are never written, whatever a caller passes; `...Arn` keys name a secret, they do not hold it. */
const SENSITIVE_KEY = /(secret|password|passwd|token|authorization|cookie|credential|api[-_]?key)/i;
const NAMES_ONLY = /arn$/i;
const MAX_DEPTH = 4;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (the request id, the handler, the route). */
  child(fields: LogFields): Logger;
}

/** `LOG_LEVEL` (debug, info, warn, error, silent) read per line, so a test or an operator can change it without a cold start. */
function threshold(): number {
  const configured = (process.env.LOG_LEVEL ?? "info").toLowerCase();
  return configured in LEVELS ? LEVELS[configured as LogLevel] : LEVELS.info;
}

/** Errors keep their name, message and stack in the log (never in a response); cause chains are followed. */
export function serializeError(error: unknown, depth = 0): LogFields | string {
  if (!(error instanceof Error)) return typeof error === "string" ? error : safeValue(error, depth);
  const fields: LogFields = { name: error.name, message: error.message, stack: error.stack };
  if (error.cause !== undefined && depth < MAX_DEPTH) fields.cause = serializeError(error.cause, depth + 1);
  return fields;
}

function safeValue(value: unknown, depth: number): any {
  if (value instanceof Error) return serializeError(value, depth);
  if (value === null || typeof value !== "object") return typeof value === "bigint" ? value.toString() : value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) return value.map((item) => safeValue(item, depth + 1));
  const out: LogFields = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SENSITIVE_KEY.test(key) && !NAMES_ONLY.test(key) ? "[redacted]" : safeValue(item, depth + 1);
  }
  return out;
}

export function createLogger(bindings: LogFields = {}): Logger {
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LEVELS[level] < threshold()) return;
    const entry = safeValue({ ...bindings, ...fields }, 0) as LogFields;
    let line: string;
    try {
      line = JSON.stringify({ time: new Date().toISOString(), level, message, ...entry });
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level, message, logError: "fields could not be serialized" });
    }
    process.stdout.write(`${line}\n`);
  };
  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (fields) => createLogger({ ...bindings, ...fields }),
  };
}

/** The process-wide logger, bound to the function's name (absent outside Lambda). */
export const logger: Logger = createLogger(process.env.AWS_LAMBDA_FUNCTION_NAME ? { function: process.env.AWS_LAMBDA_FUNCTION_NAME } : {});

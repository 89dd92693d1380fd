import type { Stack, TerraformResource } from "./stacks";

/** A `type.name` the expression refers to (`data.` sources keep their prefix in `type`). */
export interface Reference {
  readonly type: string;
  readonly name: string;
}

const REFERENCE = /\b((?:data\.)?aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[A-Za-z_]/g;

/** Every resource or data source a value refers to, in order, anywhere inside it. */
export function referencesIn(value: unknown): Reference[] {
  const found: Reference[] = [];
  const visit = (node: unknown): void => {
    if (typeof node === "string") for (const match of node.matchAll(REFERENCE)) found.push({ type: match[1], name: match[2] });
    else if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") Object.values(node).forEach(visit);
  };
  visit(value);
  return found;
}

export function refersTo(value: unknown, type: string, name: string): boolean {
  return referencesIn(value).some((reference) => reference.type === type && reference.name === name);
}

/** The construct path without the stack name ("network/nat-1"), or `type.name` when cdktf recorded none. */
export function pathOf(resource: TerraformResource): string {
  const path: unknown = resource.body["//"]?.metadata?.path;
  if (typeof path !== "string") return `${resource.type}.${resource.name}`;
  return path.split("/").slice(1).join("/") || path;
}

/** cdktf writes single nested blocks as objects and repeated ones as arrays; this reads either. */
export function block(value: unknown): Record<string, any> | undefined {
  if (Array.isArray(value)) return value[0];
  return value && typeof value === "object" ? (value as Record<string, any>) : undefined;
}

export function blocks(value: unknown): Record<string, any>[] {
  if (Array.isArray(value)) return value;
  return value && typeof value === "object" ? [value as Record<string, any>] : [];
}

export function resourcesOfType(stacks: readonly Stack[], type: string): TerraformResource[] {
  return stacks.flatMap((stack) => stack.resources.filter((resource) => resource.type === type));
}

/** The data source `data.<type>.<name>` of a stack. */
export function dataSource(stack: Stack, type: string, name: string): Record<string, any> | undefined {
  return stack.json.data?.[type]?.[name];
}

/** Seconds between runs of `rate(N unit)`; undefined for cron and anything else. */
export function rateSeconds(expression: string): number | undefined {
  const match = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression.trim());
  if (!match) return undefined;
  const unit = match[2].replace(/s$/, "");
  return Number(match[1]) * { minute: 60, hour: 3600, day: 86400 }[unit as "minute" | "hour" | "day"];
}

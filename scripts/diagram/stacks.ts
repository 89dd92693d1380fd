// The synthesized stacks of one environment as a graph of Terraform addresses, with every
// `${...}` reference resolved to the resource it names, across stacks too: a cross-stack reference
// is `data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<output>`, and the
// output's value in <stack> names the real resource.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type StackJson = Record<string, any>;
export type Body = Record<string, any>;

export interface Address {
  readonly stack: string;
  /** `data.<type>` for data sources, the resource type otherwise. */
  readonly type: string;
  readonly name: string;
}

export interface Reference {
  readonly target: Address;
  /** What follows the address in the expression, e.g. `arn` or `master_user_secret[0].secret_arn`. */
  readonly attribute: string;
}

export const keyOf = (address: Address): string => `${address.stack}:${address.type}.${address.name}`;

const REMOTE_STATE_PREFIX = "cross-stack-reference-input-";

/** Every `${...}` template expression in a string, nested braces included. */
export function expressionsIn(text: string): string[] {
  const expressions: string[] = [];
  for (let start = text.indexOf("${"); start !== -1; start = text.indexOf("${", start + 2)) {
    let depth = 1;
    let end = start + 2;
    for (; end < text.length && depth > 0; end++) {
      if (text[end] === "{") depth++;
      else if (text[end] === "}") depth--;
    }
    expressions.push(text.slice(start + 2, end - 1));
  }
  return expressions;
}

function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const item of value) yield* stringsIn(item);
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) if (key !== "//") yield* stringsIn(item);
  }
}

export function readStackDirectory(outdir: string): Map<string, StackJson> {
  const stacksDir = join(outdir, "stacks");
  const stacks = new Map<string, StackJson>();
  if (!existsSync(stacksDir)) return stacks;
  for (const name of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, name, "cdk.tf.json");
    if (existsSync(file)) stacks.set(name, JSON.parse(readFileSync(file, "utf8")));
  }
  return stacks;
}

/** The stacks of one environment, addressable and cross-referenced. */
export class StackGraph {
  private readonly referrersByKey = new Map<string, { source: Address; attribute: string }[]>();
  private readonly dependentsByKey = new Map<string, Address[]>();

  constructor(readonly stacks: ReadonlyMap<string, StackJson>) {
    for (const source of this.all()) {
      for (const reference of this.references(source, this.body(source))) {
        const key = keyOf(reference.target);
        const list = this.referrersByKey.get(key) ?? [];
        list.push({ source, attribute: reference.attribute });
        this.referrersByKey.set(key, list);
      }
      for (const dependency of this.dependencies(source)) {
        const key = keyOf(dependency);
        this.dependentsByKey.set(key, [...(this.dependentsByKey.get(key) ?? []), source]);
      }
    }
  }

  /** What `depends_on` of `source` names (no `${}`: ordering that no attribute expresses, such as a log group created before the cluster writing to it). */
  dependencies(source: Address): Address[] {
    return (this.body(source).depends_on ?? []).flatMap((entry: string) => {
      const match = /^(data\.)?([a-z][a-z0-9_]*)\.([\w-]+)$/.exec(entry);
      if (!match) return [];
      const type = `${match[1] ?? ""}${match[2]}`;
      return this.exists(source.stack, type, match[3]) ? [{ stack: source.stack, type, name: match[3] }] : [];
    });
  }

  dependents(target: Address): Address[] {
    return this.dependentsByKey.get(keyOf(target)) ?? [];
  }

  /** Every resource and data source, sorted by stack, type and name. */
  all(): Address[] {
    const addresses: Address[] = [];
    for (const [stack, json] of [...this.stacks].sort(([a], [b]) => a.localeCompare(b))) {
      for (const [type, byName] of Object.entries<Record<string, Body>>(json.resource ?? {})) {
        for (const name of Object.keys(byName)) addresses.push({ stack, type, name });
      }
      for (const [type, byName] of Object.entries<Record<string, Body>>(json.data ?? {})) {
        for (const name of Object.keys(byName)) addresses.push({ stack, type: `data.${type}`, name });
      }
    }
    return addresses.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  /** Resources (not data sources) of `type`, in every stack, sorted. */
  ofType(type: string): Address[] {
    return this.all().filter((address) => address.type === type);
  }

  body(address: Address): Body {
    const json = this.stacks.get(address.stack);
    const [section, type] = address.type.startsWith("data.") ? ["data", address.type.slice(5)] : ["resource", address.type];
    const body = json?.[section]?.[type]?.[address.name];
    if (!body) throw new Error(`${keyOf(address)} is not in the synthesized stacks`);
    return body;
  }

  private exists(stack: string, type: string, name: string): boolean {
    const json = this.stacks.get(stack);
    if (!json) return false;
    return type.startsWith("data.") ? Boolean(json.data?.[type.slice(5)]?.[name]) : Boolean(json.resource?.[type]?.[name]);
  }

  /**
   * The resources `value` (a part of the body of `source`, or all of it) references, cross-stack
   * references followed to the resource in the stack that outputs them.
   */
  references(source: Address, value: unknown): Reference[] {
    const found = new Map<string, Reference>();
    for (const text of stringsIn(value)) {
      for (const expression of expressionsIn(text)) {
        for (const reference of this.resolveExpression(source.stack, expression, 0)) {
          found.set(`${keyOf(reference.target)}#${reference.attribute}`, reference);
        }
      }
    }
    return [...found.values()].sort((a, b) => keyOf(a.target).localeCompare(keyOf(b.target)) || a.attribute.localeCompare(b.attribute));
  }

  /** The addresses `value` (a part of the body of `source`, or all of it) references, without duplicates. */
  targets(source: Address, value: unknown): Address[] {
    const byKey = new Map(this.references(source, value).map((reference) => [keyOf(reference.target), reference.target]));
    return [...byKey.values()];
  }

  /** Who references `target`, optionally only sources of `type`. */
  referrers(target: Address, type?: string): Address[] {
    const sources = (this.referrersByKey.get(keyOf(target)) ?? []).map((entry) => entry.source);
    const byKey = new Map(sources.filter((source) => !type || source.type === type).map((source) => [keyOf(source), source]));
    return [...byKey.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  private resolveExpression(stack: string, expression: string, depth: number): Reference[] {
    if (depth > 4) throw new Error(`cross-stack references nest deeper than expected in ${stack}: ${expression}`);
    const references: Reference[] = [];
    const remote = /data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)/g;
    for (const match of expression.matchAll(remote)) {
      const [, stateName, output] = match;
      if (!stateName.startsWith(REMOTE_STATE_PREFIX)) continue;
      const producer = stateName.slice(REMOTE_STATE_PREFIX.length);
      const value = this.stacks.get(producer)?.output?.[output]?.value;
      // A reference that cannot be followed would silently drop an edge from every diagram.
      if (typeof value !== "string") throw new Error(`${stack} reads output ${output} of stack ${producer}, which the synthesized stacks do not hold`);
      for (const inner of expressionsIn(value)) references.push(...this.resolveExpression(producer, inner, depth + 1));
    }
    const local = /(?<![\w.-])(data\.)?([a-z][a-z0-9_]*)\.([\w-]+)((?:\.[\w-]+|\[\d+\])*)/g;
    for (const match of expression.replace(remote, "").matchAll(local)) {
      const [, data, type, name, rest] = match;
      const fullType = `${data ?? ""}${type}`;
      if (fullType === "data.terraform_remote_state" || !this.exists(stack, fullType, name)) continue;
      references.push({ target: { stack, type: fullType, name }, attribute: rest.replace(/^\./, "") });
    }
    return references;
  }
}

import type { StackJson } from "../support/synth";

/** One resource (or data source) block of a synthesized stack. */
export interface Block {
  readonly stack: string;
  /** `resource` or `data`. */
  readonly kind: "resource" | "data";
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, any>;
}

export interface Violation {
  /** `<stack>: <type>.<name>` (or the stack alone for stack-wide rules). */
  readonly where: string;
  readonly problem: string;
}

/**
 * An AWS constraint that neither the provider's validators nor checkov enforce, so `plan` passes
 * and `apply` (or the first run) fails. Every rule names where AWS states it, and carries a stack
 * that breaks it, so the suite proves the rule can fail.
 */
export interface ConstraintRule {
  /** Unique, kebab-case: `<service>-<what>`, e.g. `ec2-security-group-description-charset`. */
  readonly id: string;
  /** What AWS requires, in one sentence. */
  readonly requirement: string;
  /** Where it is written: an AWS API reference or user guide URL, and/or a provider source file. */
  readonly source: string;
  /** The resource or data source types the rule reads. */
  readonly types: readonly string[];
  /** Every problem in the given stacks (all of them, so a rule may compare stacks). */
  check(stacks: readonly StackView[]): Violation[];
  /** Minimal stacks (`{ resource: {...} }`) of which at least one breaks the rule. */
  readonly failingExample: Record<string, StackJson>;
}

/** A synthesized stack as rules see it. */
export class StackView {
  readonly blocks: readonly Block[];

  constructor(
    readonly name: string,
    readonly json: StackJson,
  ) {
    const of = (kind: "resource" | "data") =>
      Object.entries<Record<string, any>>(json[kind] ?? {}).flatMap(([type, byName]) =>
        Object.entries<Record<string, any>>(byName).map(([name, body]) => ({ stack: this.name, kind, type, name, body })),
      );
    this.blocks = [...of("resource"), ...of("data")];
  }

  /** Resource blocks of a type. */
  resources(type: string): Block[] {
    return this.blocks.filter((block) => block.kind === "resource" && block.type === type);
  }

  /**
   * The region a block acts in, where the stack fixes it: its own `region` argument, else the
   * region of the AWS provider (alias) it names, else of the default provider.
   */
  regionOf(block: Block): string | undefined {
    const literal = (value: unknown): string | undefined => (typeof value === "string" && !hasExpression(value) ? value : undefined);
    const own = literal(block.body.region);
    if (own) return own;
    const providers: Record<string, any>[] = [this.json.provider?.aws ?? []].flat();
    const alias = typeof block.body.provider === "string" ? block.body.provider.replace(/^aws\./, "") : undefined;
    return literal(providers.find((candidate) => (alias ? candidate.alias === alias : !candidate.alias))?.region);
  }

  /** The block a `${type.name...}` reference points at, if it is in this stack. */
  referenced(reference: unknown): Block | undefined {
    if (typeof reference !== "string") return undefined;
    const match = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\.|\})/.exec(reference);
    if (!match) return undefined;
    const kind = match[1] ? "data" : "resource";
    return this.blocks.find((block) => block.kind === kind && block.type === match[2] && block.name === match[3]);
  }
}

export const where = (block: Block) => `${block.stack}: ${block.type}.${block.name}`;

/** True when the value is, or contains, a Terraform expression resolved only at plan or apply time. */
export const hasExpression = (value: unknown): boolean => typeof value === "string" && value.includes("${");

/**
 * The literal text of a value, with every `${...}` expression (nested braces included) replaced by
 * `mask` (removed by default): what a character-set rule can check at synthesis time. Expressions
 * are checked where they come from (the referenced resource).
 */
export function literalParts(value: string, mask = ""): string {
  let out = "";
  let depth = 0;
  for (let index = 0; index < value.length; index++) {
    if (depth === 0 && value.startsWith("${", index)) {
      depth = 1;
      index++;
      out += mask;
      continue;
    }
    if (depth > 0) {
      if (value[index] === "{") depth++;
      else if (value[index] === "}") depth--;
      continue;
    }
    out += value[index];
  }
  return out;
}

/** Every value at a dotted path of a block body; arrays (Terraform blocks) are walked through. */
export function valuesAt(body: unknown, path: string): unknown[] {
  let current: unknown[] = [body];
  for (const key of path.split(".")) {
    current = current.flatMap((value) => {
      if (value === undefined || value === null) return [];
      const next = (value as Record<string, unknown>)[key];
      if (next === undefined || next === null) return [];
      return Array.isArray(next) ? next : [next];
    });
  }
  return current;
}

/**
 * A rule over each block of the given types: `problem` returns what is wrong with one block, or
 * nothing.
 */
export function perBlock(
  rule: Omit<ConstraintRule, "check"> & { problem: (block: Block, stack: StackView) => string | string[] | undefined },
): ConstraintRule {
  const { problem, ...rest } = rule;
  return {
    ...rest,
    check: (stacks) =>
      stacks.flatMap((stack) =>
        stack.blocks
          .filter((block) => rule.types.includes(block.type))
          .flatMap((block) => {
            const found = problem(block, stack);
            const problems = found === undefined ? [] : Array.isArray(found) ? found : [found];
            return problems.map((text) => ({ where: where(block), problem: text }));
          }),
      ),
  };
}

/**
 * A rule that a string argument (a dotted path, walked through nested blocks) matches a pattern and
 * length, checked on its literal text. Values that are wholly an expression are skipped here:
 * rules on the referenced resource cover them.
 */
export function stringArgument(
  rule: Omit<ConstraintRule, "check"> & {
    path: string;
    /** Allowed characters of the literal text, e.g. /^[A-Za-z0-9 ._-]*$/. */
    pattern?: RegExp;
    minLength?: number;
    maxLength?: number;
    /** Further checks on the literal text. */
    extra?: (literal: string, raw: string, block: Block) => string | undefined;
  },
): ConstraintRule {
  const { path, pattern, minLength, maxLength, extra, ...rest } = rule;
  return perBlock({
    ...rest,
    problem: (block) =>
      valuesAt(block.body, path).flatMap((value) => {
        if (typeof value !== "string") return [];
        const literal = literalParts(value);
        const whollyExpression = hasExpression(value) && literal.trim() === "";
        if (whollyExpression) return [];
        const problems: string[] = [];
        if (pattern && !pattern.test(literal)) problems.push(`${path} ${JSON.stringify(value)} has characters outside ${pattern}`);
        // With expressions inside, only the literal part's length is a lower bound.
        if (maxLength !== undefined && literal.length > maxLength) problems.push(`${path} ${JSON.stringify(value)} is longer than ${maxLength}`);
        if (minLength !== undefined && !hasExpression(value) && value.length < minLength) problems.push(`${path} ${JSON.stringify(value)} is shorter than ${minLength}`);
        const more = extra?.(literal, value, block);
        if (more) problems.push(more);
        return problems;
      }),
  });
}

/** What one group of rules covers: its rules, and for every resource type it reviewed, what was checked. */
export interface RuleGroup {
  readonly rules: readonly ConstraintRule[];
  /**
   * Every resource or data source type this group went through, with a one-line note: which rules
   * cover it, or why nothing beyond the provider's own validation applies (naming the provider file read).
   */
  readonly reviewed: Readonly<Record<string, string>>;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: "*" | Record<string, string | string[]>;
  NotPrincipal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

/**
 * The IAM policy document a policy argument holds, as AWS receives it: a JSON string written
 * in place, or a `${data.aws_iam_policy_document.<name>.json}` reference rendered the way the
 * provider renders the data source (`internal/service/iam/policy_document.go`): unset fields
 * omitted, one-element lists as strings. Expressions inside values stay as they are.
 */
export function policyOf(value: unknown, stack: StackView): PolicyDocument | undefined {
  if (typeof value !== "string") return undefined;
  const source = stack.referenced(value);
  if (source && source.kind === "data" && source.type === "aws_iam_policy_document" && /^\$\{[^}]*\.json\}$/.test(value)) {
    return renderPolicyDocument(source.body);
  }
  if (value.trimStart().startsWith("{")) return JSON.parse(value) as PolicyDocument;
  return undefined;
}

export function renderPolicyDocument(body: Record<string, any>): PolicyDocument {
  const one = (values: string[]) => (values.length === 1 ? values[0] : values);
  const principals = (list: { type: string; identifiers: string[] }[] | undefined) => {
    if (!list || list.length === 0) return undefined;
    if (list.length === 1 && list[0].type === "*" && list[0].identifiers.length === 1 && list[0].identifiers[0] === "*") return "*" as const;
    const byType: Record<string, string[]> = {};
    for (const principal of list) byType[principal.type] = [...(byType[principal.type] ?? []), ...principal.identifiers];
    return Object.fromEntries(Object.entries(byType).map(([type, ids]) => [type, one(ids)]));
  };
  const statements = (body.statement ?? []).map((statement: Record<string, any>) => {
    const rendered: PolicyStatement = { Effect: statement.effect ?? "Allow" };
    if (statement.sid) rendered.Sid = statement.sid;
    if (statement.actions) rendered.Action = one(statement.actions);
    if (statement.not_actions) rendered.NotAction = one(statement.not_actions);
    if (statement.resources) rendered.Resource = one(statement.resources);
    if (statement.not_resources) rendered.NotResource = one(statement.not_resources);
    const principal = principals(statement.principals);
    if (principal) rendered.Principal = principal;
    const notPrincipal = principals(statement.not_principals);
    if (notPrincipal && notPrincipal !== "*") rendered.NotPrincipal = notPrincipal;
    if (statement.condition) {
      const condition: Record<string, Record<string, string | string[]>> = {};
      for (const { test, variable, values } of statement.condition) condition[test] = { ...condition[test], [variable]: one(values) };
      rendered.Condition = condition;
    }
    return rendered;
  });
  return { Version: "2012-10-17", Statement: statements };
}

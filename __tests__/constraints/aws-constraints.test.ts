import { StackView } from "./constraint";
import { RULE_GROUPS, RULES } from "./rules";
import { join } from "node:path";
import { synthesizeEveryStack } from "../support/every-stack";
import { REPOSITORY_ROOT } from "../support/project";
import { synthesizeStacks } from "../support/synth";

// Every stack of the shipped environments, the examples and the toggle matrix.
let stacks: StackView[];
// The three-account example, a configuration of its own (its stack names repeat the shipped ones).
let multiAccount: StackView[];
beforeAll(() => {
  stacks = synthesizeEveryStack().map((stack) => new StackView(stack.name, stack.json));
  multiAccount = [...synthesizeStacks(join(REPOSITORY_ROOT, "environments", "examples", "multi-account"))].map(([name, json]) => new StackView(`multi-account.${name}`, json));
}, 120_000);

describe("AWS constraints the provider does not check", () => {
  it("synthesized every stack of every environment, example and toggle-matrix row", () => {
    expect(stacks.length).toBeGreaterThan(40);
  });

  it("have unique ids, a requirement and a source", () => {
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect([rule.id, rule.id]).toEqual([rule.id, expect.stringMatching(/^[a-z0-9]+(-[a-z0-9]+)+$/)]);
      expect([rule.id, rule.requirement.length > 20, rule.source]).toEqual([rule.id, true, expect.stringMatching(/https:\/\/docs\.aws\.amazon\.com\/|internal\/service\/|hashicorp\/terraform/)]);
      expect([rule.id, rule.types.length]).toEqual([rule.id, expect.any(Number)]);
      expect(rule.types.length).toBeGreaterThan(0);
    }
  });

  it("cover every resource and data source type the stacks use: each was reviewed against the AWS API reference", () => {
    const reviewed = new Set(Object.values(RULE_GROUPS).flatMap((group) => Object.keys(group.reviewed)));
    const used = new Set([...stacks, ...multiAccount].flatMap((stack) => stack.blocks.map((block) => (block.kind === "data" ? `data.${block.type}` : block.type))));
    expect([...used].filter((type) => !reviewed.has(type)).sort()).toEqual([]);
  });

  describe.each(RULES.map((rule) => [rule.id, rule] as const))("%s", (_id, rule) => {
    it("holds for every stack", () => {
      expect(rule.check(stacks)).toEqual([]);
    });

    it("holds for every stack of the three-account example", () => {
      expect(multiAccount.length).toBeGreaterThan(10);
      expect(rule.check(multiAccount)).toEqual([]);
    });

    it("fails on a stack that breaks it", () => {
      const example = Object.entries(rule.failingExample).map(([name, json]) => new StackView(name, json));
      expect(rule.check(example).length).toBeGreaterThan(0);
    });
  });
});

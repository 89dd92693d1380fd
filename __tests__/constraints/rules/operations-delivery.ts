import {
  hasExpression,
  literalParts,
  perBlock,
  policyOf,
  renderPolicyDocument,
  stringArgument,
  where,
  type Block,
  type ConstraintRule,
  type PolicyDocument,
  type PolicyStatement,
  type RuleGroup,
  type StackView,
  type Violation,
} from "../constraint";

// Each rule names the provider file whose schema leaves its constraint unchecked.
const PROVIDER = "hashicorp/terraform-provider-aws internal/service";

// ---------------------------------------------------------------------------------------------
// Shared reading of the synthesized JSON
// ---------------------------------------------------------------------------------------------

const list = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const strings = (value: unknown): string[] => list(value as unknown).filter((item): item is string => typeof item === "string");
const firstBlock = (value: unknown): Record<string, any> | undefined => list(value as Record<string, any> | Record<string, any>[])[0];

/** A resource or data block as seen from anywhere: which stack holds it and which attribute is read. */
interface Located {
  readonly stack: StackView;
  readonly block: Block;
  readonly attribute: string;
}

/** The stack whose backend writes the state a `terraform_remote_state` block reads. */
function producerOf(stacks: readonly StackView[], remoteState: Block): StackView | undefined {
  const config = remoteState.body.config ?? {};
  return stacks.find((stack) => {
    const backend = stack.json.terraform?.backend?.[remoteState.body.backend];
    return backend !== undefined && backend.bucket === config.bucket && backend.key === config.key && (backend.region ?? "") === (config.region ?? "");
  });
}

/**
 * The block a value that is wholly one reference points at, following `terraform_remote_state`
 * outputs into the stack that produces them, so cross-stack values are checked where they are made.
 */
function locate(stacks: readonly StackView[], stack: StackView, value: unknown, depth = 0): Located | undefined {
  if (typeof value !== "string" || depth > 4) return undefined;
  const match = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([^}]*)\}$/.exec(value);
  if (!match) return undefined;
  const block = stack.referenced(value);
  if (!block) return undefined;
  const attribute = match[4];
  if (block.kind === "data" && block.type === "terraform_remote_state" && attribute.startsWith("outputs.")) {
    const producer = producerOf(stacks, block);
    const output = producer?.json.output?.[attribute.slice("outputs.".length)];
    return producer && output ? locate(stacks, producer, output.value, depth + 1) : undefined;
  }
  return { stack, block, attribute };
}

const sameBlock = (left: Located | undefined, right: Located | undefined) =>
  left !== undefined && right !== undefined && left.stack.name === right.stack.name && left.block.type === right.block.type && left.block.name === right.block.name;

/** True when two values name the same thing: the same text, or references that lead to the same block. */
function sameTarget(stacks: readonly StackView[], leftStack: StackView, left: unknown, rightStack: StackView, right: unknown): boolean {
  if (typeof left === "string" && left === right && leftStack.name === rightStack.name) return true;
  return sameBlock(locate(stacks, leftStack, left), locate(stacks, rightStack, right));
}


/**
 * The text with the expressions whose value the stack itself fixes replaced by that value (region,
 * partition, DNS suffix); other expressions stay as they are.
 */
function withKnownValues(stack: StackView, text: string): string {
  return text.replace(/\$\{data\.(aws_region|aws_partition)\.([A-Za-z0-9_-]+)\.(region|name|partition|dns_suffix)\}/g, (whole, type, name, attribute) => {
    if (type === "aws_partition") return attribute === "partition" ? "aws" : attribute === "dns_suffix" ? "amazonaws.com" : whole;
    const block = stack.blocks.find((candidate) => candidate.kind === "data" && candidate.type === "aws_region" && candidate.name === name);
    return (block && stack.regionOf(block)) ?? whole;
  });
}

/**
 * The length a value has once Terraform has filled in its expressions, estimated generously: an
 * account id 12, a partition 10, a DNS suffix 16, a region 14, anything else (ARNs, names) 80.
 */
function estimatedLength(text: string): number {
  let length = 0;
  let depth = 0;
  let expression = "";
  for (let index = 0; index < text.length; index++) {
    if (depth === 0 && text.startsWith("${", index)) {
      depth = 1;
      expression = "";
      index++;
      continue;
    }
    if (depth > 0) {
      if (text[index] === "{") depth++;
      else if (text[index] === "}") depth--;
      if (depth === 0) {
        const attribute = /\.([a-z_]+)$/.exec(expression.trim())?.[1];
        length += attribute === "account_id" ? 12 : attribute === "partition" ? 10 : attribute === "dns_suffix" ? 16 : attribute === "region" ? 14 : 80;
      } else expression += text[index];
      continue;
    }
    length += 1;
  }
  return length;
}

/** A policy's size as IAM counts it: the JSON without any whitespace, expressions estimated. */
const policySize = (document: PolicyDocument) => estimatedLength(JSON.stringify(document).replace(/\s+/g, ""));

const statementsOf = (document: PolicyDocument | undefined): PolicyStatement[] => list(document?.Statement as PolicyStatement | PolicyStatement[] | undefined);

/** An IAM wildcard pattern (`*`, `?`) as a case-insensitive regular expression. */
const wildcard = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
const actionMatches = (patterns: string[], action: string) => patterns.some((pattern) => wildcard(pattern).test(action));

/** True when a statement's Action (or the complement of its NotAction) covers the action. */
function statementCovers(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return actionMatches(strings(statement.Action), action);
  if (statement.NotAction !== undefined) return !actionMatches(strings(statement.NotAction), action);
  return false;
}

type PolicyKind = "identity" | "trust" | "resource";

interface PolicyUse {
  readonly block: Block;
  readonly argument: string;
  readonly kind: PolicyKind;
  readonly document: PolicyDocument;
}

const POLICY_ARGUMENTS: readonly { type: string; argument: string; kind: PolicyKind }[] = [
  { type: "aws_iam_policy", argument: "policy", kind: "identity" },
  { type: "aws_iam_role_policy", argument: "policy", kind: "identity" },
  { type: "aws_iam_role", argument: "assume_role_policy", kind: "trust" },
  { type: "aws_sns_topic_policy", argument: "policy", kind: "resource" },
  { type: "aws_cloudwatch_log_resource_policy", argument: "policy_document", kind: "resource" },
];

/** Every policy document the stack sends to AWS through this group's resources, as AWS receives it. */
function policyUses(stack: StackView): PolicyUse[] {
  return POLICY_ARGUMENTS.flatMap(({ type, argument, kind }) =>
    stack.resources(type).flatMap((block) => {
      const document = policyOf(block.body[argument], stack);
      return document ? [{ block, argument, kind, document }] : [];
    }),
  );
}

/** Every policy document written in this group's types: each `aws_iam_policy_document` and each JSON policy written in place. */
function writtenPolicies(stack: StackView): { block: Block; document: PolicyDocument }[] {
  const dataSources = stack.blocks
    .filter((block) => block.kind === "data" && block.type === "aws_iam_policy_document")
    .map((block) => ({ block, document: renderPolicyDocument(block.body) }));
  const inPlace = POLICY_ARGUMENTS.flatMap(({ type, argument }) =>
    stack.resources(type).flatMap((block) => {
      const value = block.body[argument];
      return typeof value === "string" && value.trimStart().startsWith("{") ? [{ block, document: JSON.parse(value) as PolicyDocument }] : [];
    }),
  );
  return [...dataSources, ...inPlace];
}

/** The role a `role` argument names: a reference to the role in this stack, or the role's literal name. */
function roleNamed(stack: StackView, value: unknown): Block | undefined {
  const referenced = stack.referenced(value);
  if (referenced?.type === "aws_iam_role") return referenced;
  return typeof value === "string" ? stack.resources("aws_iam_role").find((role) => role.body.name === value) : undefined;
}

/** The identity policies a role holds: its inline policies and the managed policies attached to it. */
function rolePolicies(stacks: readonly StackView[], stack: StackView, role: Block): { inline: PolicyDocument[]; attached: { arn: string; document?: PolicyDocument }[] } {
  const inline = stack
    .resources("aws_iam_role_policy")
    .filter((policy) => roleNamed(stack, policy.body.role) === role)
    .flatMap((policy) => list(policyOf(policy.body.policy, stack)));
  for (const block of list<Record<string, any>>(role.body.inline_policy)) inline.push(...list(policyOf(block.policy, stack)));
  const attachedArns = [
    ...stack
      .resources("aws_iam_role_policy_attachment")
      .filter((attachment) => roleNamed(stack, attachment.body.role) === role)
      .map((attachment) => attachment.body.policy_arn as string),
    ...strings(role.body.managed_policy_arns),
  ];
  const attached = attachedArns.map((arn) => {
    const located = locate(stacks, stack, arn);
    return { arn, document: located?.block.type === "aws_iam_policy" ? policyOf(located.block.body.policy, located.stack) : undefined };
  });
  return { inline, attached };
}

/** The policy of a KMS key block, whether written in place or rendered from a policy document. */
const keyPolicy = (located: Located | undefined) =>
  located?.block.type === "aws_kms_key" ? policyOf(located.block.body.policy, located.stack) : undefined;

/** True when an Allow statement of the policy admits the service principal to every one of the actions. */
function admitsService(stack: StackView, document: PolicyDocument | undefined, service: string, actions: string[]): boolean {
  const allows = statementsOf(document).filter((statement) => statement.Effect === "Allow");
  return actions.every((action) =>
    allows.some((statement) => {
      if (!statementCovers(statement, action)) return false;
      const principal = statement.Principal;
      if (principal === undefined) return false;
      if (principal === "*" || strings(principal.AWS).includes("*")) return true;
      return strings(principal.Service).some((identifier) => withKnownValues(stack, identifier) === service);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

const iamRoleDescriptionCharset = stringArgument({
  id: "iam-role-description-charset",
  requirement: "An IAM role description holds only tab, line feed, carriage return and the characters U+0020-U+007E and U+00A1-U+00FF.",
  source: `https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (Description pattern); ${PROVIDER}/iam/role.go only checks the length, curly quotes and Unicode letter classes`,
  types: ["aws_iam_role"],
  path: "description",
  pattern: /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/,
  failingExample: { bad: { resource: { aws_iam_role: { x: { name: "x", assume_role_policy: "{}", description: "Runs the API → database" } } } } },
});

const iamPolicyDescriptionLength = stringArgument({
  id: "iam-policy-description-length",
  requirement: "A managed policy description is at most 1000 characters, and it cannot be changed later.",
  source: `https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html (Description); ${PROVIDER}/iam/policy.go has no validator on description`,
  types: ["aws_iam_policy"],
  path: "description",
  maxLength: 1000,
  failingExample: { bad: { resource: { aws_iam_policy: { x: { name: "x", policy: "{}", description: "x".repeat(1001) } } } } },
});

const iamPolicyDocumentCharset: ConstraintRule = perBlock({
  id: "iam-policy-document-charset",
  requirement: "An IAM policy document holds only tab, line feed, carriage return and characters U+0020 to U+00FF.",
  source: `https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html (PolicyDocument pattern [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+); ${PROVIDER}/iam/policy_document.go and verify/validate.go ValidIAMPolicyJSON only check the JSON`,
  types: ["aws_iam_policy_document", ...POLICY_ARGUMENTS.map(({ type }) => type)],
  problem: (block, stack) => {
    const own = writtenPolicies(stack).filter((written) => written.block === block);
    return own.flatMap(({ document }) => {
      const outside = [...new Set(literalParts(JSON.stringify(document)).match(/[^\t\n\r\u0020-\u00FF]/g) ?? [])];
      return outside.length > 0 ? [`policy document has characters IAM rejects: ${outside.join(" ")}`] : [];
    });
  },
  failingExample: { bad: { data: { aws_iam_policy_document: { x: { statement: [{ sid: "Read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bucket/café—menu"] }] } } } } },
});

const iamManagedPolicySize: ConstraintRule = perBlock({
  id: "iam-managed-policy-size",
  requirement: "A customer managed policy document is at most 6,144 characters, not counting whitespace.",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (managed policy size); ${PROVIDER}/iam/policy.go checks JSON only, and a policy built from references is unknown when validators run`,
  types: ["aws_iam_policy"],
  problem: (block, stack) => {
    const document = policyOf(block.body.policy, stack);
    const size = document ? policySize(document) : 0;
    return size > 6144 ? `policy is about ${size} characters without whitespace (expressions estimated), over 6,144` : undefined;
  },
  failingExample: {
    bad: {
      resource: {
        aws_iam_policy: {
          x: { name: "x", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: Array.from({ length: 160 }, (_, index) => `arn:aws:s3:::bucket-${index}-with-a-long-name/*`) }] }) },
        },
      },
    },
  },
});

const iamRoleInlinePoliciesSize: ConstraintRule = {
  id: "iam-role-inline-policies-size",
  requirement: "All inline policies of one role together are at most 10,240 characters, not counting whitespace.",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (role policy size, aggregate of all inline policies); ${PROVIDER}/iam/role_policy.go checks each policy on its own`,
  types: ["aws_iam_role", "aws_iam_role_policy"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      stack.resources("aws_iam_role").flatMap((role) => {
        const total = rolePolicies(stacks, stack, role).inline.reduce((sum, document) => sum + policySize(document), 0);
        return total > 10240 ? [{ where: where(role), problem: `inline policies total about ${total} characters without whitespace, over 10,240` }] : [];
      }),
    ),
  failingExample: {
    bad: {
      resource: {
        aws_iam_role: { r: { name: "r", assume_role_policy: "{}" } },
        aws_iam_role_policy: Object.fromEntries(
          [1, 2].map((index) => [
            `p${index}`,
            { name: `p${index}`, role: "${aws_iam_role.r.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: Array.from({ length: 130 }, (_, item) => `arn:aws:s3:::bucket-${item}-with-a-long-name/*`) }] }) },
          ]),
        ),
      },
    },
  },
};

const iamTrustPolicySize: ConstraintRule = perBlock({
  id: "iam-trust-policy-size",
  requirement: "A role trust policy is at most 2,048 characters, not counting whitespace (the default quota).",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (role trust policy length); ${PROVIDER}/iam/role.go checks assume_role_policy is JSON only`,
  types: ["aws_iam_role"],
  problem: (block, stack) => {
    const document = policyOf(block.body.assume_role_policy, stack);
    const size = document ? policySize(document) : 0;
    return size > 2048 ? `trust policy is about ${size} characters without whitespace, over 2,048` : undefined;
  },
  failingExample: {
    bad: {
      resource: {
        aws_iam_role: {
          r: {
            name: "r",
            assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: Array.from({ length: 70 }, (_, index) => `arn:aws:iam::1234567890${String(index).padStart(2, "0")}:root`) } }] }),
          },
        },
      },
    },
  },
});

const iamRoleManagedPolicyCount: ConstraintRule = {
  id: "iam-role-managed-policy-count",
  requirement: "A role has at most 10 managed policies attached (the default quota).",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (managed policies attached to an IAM role); ${PROVIDER}/iam/role_policy_attachment.go does not count`,
  types: ["aws_iam_role", "aws_iam_role_policy_attachment"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      stack.resources("aws_iam_role").flatMap((role) => {
        const count = new Set(rolePolicies(stacks, stack, role).attached.map(({ arn }) => arn)).size;
        return count > 10 ? [{ where: where(role), problem: `${count} managed policies attached, over 10` }] : [];
      }),
    ),
  failingExample: {
    bad: {
      resource: {
        aws_iam_role: { r: { name: "r", assume_role_policy: "{}" } },
        aws_iam_role_policy_attachment: Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`a${index}`, { role: "${aws_iam_role.r.name}", policy_arn: `arn:aws:iam::123456789012:policy/p${index}` }])),
      },
    },
  },
};

const iamPolicyStatementElements: ConstraintRule = {
  id: "iam-policy-statement-elements",
  requirement:
    "Each statement has exactly one of Action and NotAction; identity policies have exactly one of Resource and NotResource and no Principal; trust policies have a Principal, no Resource and only sts: actions; resource policies have a Principal and a Resource.",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html; ${PROVIDER}/iam/policy_document.go renders whatever elements are given`,
  types: ["data.aws_iam_policy_document", ...POLICY_ARGUMENTS.map(({ type }) => type)],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      policyUses(stack).flatMap(({ block, argument, kind, document }) =>
        statementsOf(document).flatMap((statement, index): Violation[] => {
          const name = `${argument} statement ${statement.Sid ?? index}`;
          const problems: string[] = [];
          if ((statement.Action === undefined) === (statement.NotAction === undefined)) problems.push("needs exactly one of Action and NotAction");
          const hasResource = statement.Resource !== undefined || statement.NotResource !== undefined;
          const hasPrincipal = statement.Principal !== undefined || statement.NotPrincipal !== undefined;
          if (kind === "identity") {
            if (statement.Resource !== undefined && statement.NotResource !== undefined) problems.push("has both Resource and NotResource");
            if (!hasResource) problems.push("has no Resource");
            if (hasPrincipal) problems.push("names a Principal, which identity policies cannot");
          }
          if (kind === "trust") {
            if (!hasPrincipal) problems.push("has no Principal");
            if (hasResource) problems.push("names a Resource, which trust policies cannot");
            const nonSts = strings(statement.Action).filter((action) => !/^sts:/i.test(action));
            if (nonSts.length > 0) problems.push(`allows ${nonSts.join(", ")}, but a trust policy only grants sts: actions`);
          }
          if (kind === "resource") {
            if (!hasPrincipal) problems.push("has no Principal");
            if (!hasResource) problems.push("has no Resource");
          }
          return problems.map((problem) => ({ where: where(block), problem: `${name} ${problem}` }));
        }),
      ),
    ),
  failingExample: {
    bad: {
      resource: {
        aws_iam_role_policy: { p: { name: "p", role: "r", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", NotAction: "s3:PutObject", Resource: "*" }] }) } },
      },
    },
  },
};

const iamPolicySidFormat: ConstraintRule = {
  id: "iam-policy-sid-format",
  requirement: "In IAM identity and trust policies a Sid holds only A-Z, a-z and 0-9 and is unique within the policy.",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html; ${PROVIDER}/iam/policy_document.go does not check sid`,
  types: ["data.aws_iam_policy_document", "aws_iam_policy", "aws_iam_role_policy", "aws_iam_role"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      policyUses(stack)
        .filter(({ kind }) => kind !== "resource")
        .flatMap(({ block, argument, document }) => {
          const sids = statementsOf(document).flatMap((statement) => strings(statement.Sid));
          const problems = sids.filter((sid) => !/^[A-Za-z0-9]*$/.test(literalParts(sid))).map((sid) => `${argument} Sid ${JSON.stringify(sid)} has characters other than A-Z, a-z, 0-9`);
          const duplicates = sids.filter((sid, index) => sid !== "" && sids.indexOf(sid) !== index);
          if (duplicates.length > 0) problems.push(`${argument} repeats Sid ${[...new Set(duplicates)].join(", ")}`);
          return problems.map((problem) => ({ where: where(block), problem }));
        }),
    ),
  failingExample: {
    bad: {
      data: { aws_iam_policy_document: { d: { statement: [{ sid: "read-objects", actions: ["s3:GetObject"], resources: ["*"] }] } } },
      resource: { aws_iam_role_policy: { p: { name: "p", role: "r", policy: "${data.aws_iam_policy_document.d.json}" } } },
    },
  },
};

const CONDITION_OPERATORS = new Set([
  "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
  "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
  "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
  "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
]);

/** True for a condition operator IAM knows: a base operator, optionally with IfExists and a set qualifier, or Null. */
function knownConditionOperator(operator: string): boolean {
  if (operator === "Null") return true;
  const base = operator.replace(/^(ForAllValues|ForAnyValue):/, "").replace(/IfExists$/, "");
  return CONDITION_OPERATORS.has(base);
}

const iamPolicyConditionOperators: ConstraintRule = perBlock({
  id: "iam-policy-condition-operators",
  requirement: "Every condition operator is one IAM defines (String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, Arn*, Null), optionally with IfExists and ForAllValues:/ForAnyValue:.",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html; ${PROVIDER}/iam/policy_document.go takes any test string`,
  types: ["aws_iam_policy_document", ...POLICY_ARGUMENTS.map(({ type }) => type)],
  problem: (block, stack) =>
    writtenPolicies(stack)
      .filter((written) => written.block === block)
      .flatMap(({ document }) => statementsOf(document).flatMap((statement) => Object.keys(statement.Condition ?? {})))
      .filter((operator) => !hasExpression(operator) && !knownConditionOperator(operator))
      .map((operator) => `condition operator ${JSON.stringify(operator)} does not exist`),
  failingExample: { bad: { data: { aws_iam_policy_document: { d: { statement: [{ actions: ["s3:GetObject"], resources: ["*"], condition: [{ test: "StringEqual", variable: "aws:SourceAccount", values: ["123456789012"] }] }] } } } } },
});

const iamPolicyActionFormat: ConstraintRule = perBlock({
  id: "iam-policy-action-format",
  requirement: "Every action is `*` or `<service prefix>:<action>` where the prefix is lower-case letters, digits and hyphens and the action letters, digits and wildcards.",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html; ${PROVIDER}/iam/policy_document.go takes any action string`,
  types: ["aws_iam_policy_document", ...POLICY_ARGUMENTS.map(({ type }) => type)],
  problem: (block, stack) =>
    writtenPolicies(stack)
      .filter((written) => written.block === block)
      .flatMap(({ document }) => statementsOf(document).flatMap((statement) => [...strings(statement.Action), ...strings(statement.NotAction)]))
      .filter((action) => !hasExpression(action) && action !== "*" && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(action))
      .map((action) => `action ${JSON.stringify(action)} is not <service>:<action>`),
  failingExample: { bad: { data: { aws_iam_policy_document: { d: { statement: [{ actions: ["s3.GetObject"], resources: ["*"] }] } } } } },
});

const iamServicePrincipalFormat: ConstraintRule = perBlock({
  id: "iam-service-principal-format",
  requirement: "A Service principal is a service's DNS name, `<service>.amazonaws.com` (or the partition's DNS suffix), never an ARN or a bare service name.",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services; ${PROVIDER}/iam/policy_document.go takes any identifier`,
  types: ["aws_iam_policy_document", ...POLICY_ARGUMENTS.map(({ type }) => type)],
  problem: (block, stack) =>
    writtenPolicies(stack)
      .filter((written) => written.block === block)
      .flatMap(({ document }) =>
        statementsOf(document).flatMap((statement) =>
          [statement.Principal, statement.NotPrincipal].flatMap((principal) => (principal && principal !== "*" ? strings((principal as Record<string, unknown>).Service) : [])),
        ),
      )
      .filter((identifier) => {
        const known = withKnownValues(stack, identifier);
        if (hasExpression(known)) return false;
        return !/^([a-z0-9-]+\.)+amazonaws\.com(\.cn)?$/.test(known);
      })
      .map((identifier) => `service principal ${JSON.stringify(identifier)} is not <service>.amazonaws.com`),
  failingExample: { bad: { data: { aws_iam_policy_document: { d: { statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda"] }] }] } } } } },
});

/** The path of each AWS managed policy the stacks attach, as the AWS managed policy reference lists it. */
const AWS_MANAGED_POLICY_PATHS: Readonly<Record<string, string>> = {
  AdministratorAccess: "/",
  ReadOnlyAccess: "/",
  PowerUserAccess: "/",
  AWSBackupServiceRolePolicyForBackup: "/service-role/",
  AWSBackupServiceRolePolicyForRestores: "/service-role/",
  AWSBackupServiceRolePolicyForS3Backup: "/",
  AWSBackupServiceRolePolicyForS3Restore: "/",
  AmazonRDSEnhancedMonitoringRole: "/service-role/",
  AWSLambdaBasicExecutionRole: "/service-role/",
  AWSLambdaVPCAccessExecutionRole: "/service-role/",
  AWSLambdaSQSQueueExecutionRole: "/service-role/",
  AmazonECSTaskExecutionRolePolicy: "/service-role/",
  AWSXRayDaemonWriteAccess: "/",
};

const iamAwsManagedPolicyPath: ConstraintRule = perBlock({
  id: "iam-aws-managed-policy-path",
  requirement: "An AWS managed policy ARN names an existing policy under its real path (for example service-role/); a wrong path fails with NoSuchEntity at attach.",
  source: `https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html; ${PROVIDER}/iam/role_policy_attachment.go only checks the ARN syntax`,
  types: ["aws_iam_role_policy_attachment", "aws_iam_role"],
  problem: (block) =>
    [...strings(block.body.policy_arn), ...strings(block.body.managed_policy_arns)].flatMap((arn) => {
      const match = /:iam::aws:policy(\/.*\/|\/)([^/]+)$/.exec(arn.replace(/\$\{[^}]*\}/g, "aws"));
      if (!match) return [];
      const [, path, name] = match;
      const expected = AWS_MANAGED_POLICY_PATHS[name];
      if (expected === undefined) return [`${arn}: ${name} is not in this project's reviewed list of AWS managed policies (add it with the path the AWS managed policy reference gives)`];
      return path === expected ? [] : [`${arn}: AWS publishes ${name} under ${expected}, not ${path}`];
    }),
  failingExample: { bad: { resource: { aws_iam_role_policy_attachment: { a: { role: "r", policy_arn: "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForBackup" } } } } },
});

/** True when the boundary lets the action through: an Allow covers it and no unconditional Deny on every resource does. */
function boundaryAllows(boundary: PolicyDocument, action: string): boolean {
  const statements = statementsOf(boundary);
  const denied = statements.some((statement) => statement.Effect === "Deny" && !statement.Condition && strings(statement.Resource).includes("*") && statementCovers(statement, action));
  return !denied && statements.some((statement) => statement.Effect === "Allow" && statementCovers(statement, action));
}

const iamRoleGrantsWithinBoundary: ConstraintRule = {
  id: "iam-role-grants-within-boundary",
  requirement: "Every action a role's policies allow is also allowed by its permissions boundary; otherwise the grant is silently ineffective and calls fail with AccessDenied.",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html; ${PROVIDER}/iam/role.go only checks that permissions_boundary is an ARN`,
  types: ["aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      stack.resources("aws_iam_role").flatMap((role) => {
        if (!role.body.permissions_boundary) return [];
        const boundaryBlock = locate(stacks, stack, role.body.permissions_boundary);
        const boundary = boundaryBlock?.block.type === "aws_iam_policy" ? policyOf(boundaryBlock.block.body.policy, boundaryBlock.stack) : undefined;
        if (!boundary) return [];
        const { inline, attached } = rolePolicies(stacks, stack, role);
        const actions = [...inline, ...attached.flatMap(({ document }) => list(document))]
          .flatMap((document) => statementsOf(document))
          .filter((statement) => statement.Effect === "Allow")
          .flatMap((statement) => strings(statement.Action))
          .filter((action) => !hasExpression(action));
        const outside = [...new Set(actions.filter((action) => !boundaryAllows(boundary, action)))];
        return outside.length > 0 ? [{ where: where(role), problem: `granted but outside its permissions boundary: ${outside.join(", ")}` }] : [];
      }),
    ),
  failingExample: {
    bad: {
      resource: {
        aws_iam_policy: { boundary: { name: "boundary", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:*"], Resource: "*" }] }) } },
        aws_iam_role: { r: { name: "r", assume_role_policy: "{}", permissions_boundary: "${aws_iam_policy.boundary.arn}" } },
        aws_iam_role_policy: { p: { name: "p", role: "${aws_iam_role.r.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: "*" }] }) } },
      },
    },
  },
};

const iamOidcTrustAudience: ConstraintRule = {
  id: "iam-oidc-trust-audience",
  requirement: "A trust policy for an OIDC provider conditions `<provider host>:aud` only on client IDs the provider registers; any other audience makes the role impossible to assume.",
  source: `https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html; ${PROVIDER}/iam/openid_connect_provider.go validates client_id_list entries alone`,
  types: ["aws_iam_role", "aws_iam_openid_connect_provider"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      stack.resources("aws_iam_role").flatMap((role) =>
        statementsOf(policyOf(role.body.assume_role_policy, stack)).flatMap((statement): Violation[] => {
          const federated = statement.Principal && statement.Principal !== "*" ? strings(statement.Principal.Federated) : [];
          return federated.flatMap((identifier) => {
            const provider = stack.referenced(identifier);
            if (provider?.type !== "aws_iam_openid_connect_provider") return [];
            const host = String(provider.body.url ?? "").replace(/^https:\/\//, "");
            const clientIds = strings(provider.body.client_id_list);
            const audiences = Object.values(statement.Condition ?? {}).flatMap((variables) => strings(variables[`${host}:aud`]));
            const unknown = audiences.filter((audience) => !hasExpression(audience) && !clientIds.includes(audience));
            return unknown.length > 0 ? [{ where: where(role), problem: `trusts ${host} for audience ${unknown.join(", ")}, which its client_id_list (${clientIds.join(", ")}) does not register` }] : [];
          });
        }),
      ),
    ),
  failingExample: {
    bad: {
      resource: {
        aws_iam_openid_connect_provider: { github: { url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] } },
        aws_iam_role: {
          r: {
            name: "r",
            assume_role_policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Principal: { Federated: "${aws_iam_openid_connect_provider.github.arn}" }, Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "https://github.com/acme" } } }],
            }),
          },
        },
      },
    },
  },
};

// ---------------------------------------------------------------------------------------------
// CloudWatch alarms and dashboards
// ---------------------------------------------------------------------------------------------

/** The period an alarm evaluates: its own, or the longest of its metric queries. */
function alarmPeriod(body: Record<string, any>): number | undefined {
  if (typeof body.period === "number") return body.period;
  const periods = list<Record<string, any>>(body.metric_query).flatMap((query) => [query.period, ...list<Record<string, any>>(query.metric).map((metric) => metric.period)]).filter((value): value is number => typeof value === "number");
  return periods.length > 0 ? Math.max(...periods) : undefined;
}

const cloudwatchAlarmEvaluationRange = perBlock({
  id: "cloudwatch-alarm-evaluation-range",
  requirement: "Period x evaluation periods is at most 86,400 s for periods under an hour and at most 604,800 s otherwise, and datapoints_to_alarm is at most evaluation_periods.",
  source: `https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (Period, EvaluationPeriods, DatapointsToAlarm); ${PROVIDER}/cloudwatch/metric_alarm.go validates each number alone`,
  types: ["aws_cloudwatch_metric_alarm"],
  problem: (block) => {
    const problems: string[] = [];
    const period = alarmPeriod(block.body);
    const evaluations = block.body.evaluation_periods;
    if (typeof period === "number" && typeof evaluations === "number") {
      const limit = period < 3600 ? 86400 : 604800;
      if (period * evaluations > limit) problems.push(`${evaluations} x ${period} s = ${period * evaluations} s, over ${limit} s`);
    }
    if (typeof block.body.datapoints_to_alarm === "number" && typeof evaluations === "number" && block.body.datapoints_to_alarm > evaluations) {
      problems.push(`datapoints_to_alarm ${block.body.datapoints_to_alarm} is more than evaluation_periods ${evaluations}`);
    }
    return problems;
  },
  failingExample: { bad: { resource: { aws_cloudwatch_metric_alarm: { a: { alarm_name: "a", comparison_operator: "GreaterThanThreshold", evaluation_periods: 300, period: 300, metric_name: "Errors", namespace: "AWS/Lambda", statistic: "Sum", threshold: 1 } } } } },
});

const METRIC_ID = /^[a-z][a-zA-Z0-9_]*$/;

/** The lower-case identifiers a metric math expression refers to (functions and keywords are upper case). */
const expressionIds = (expression: string) => [...new Set(expression.replace(/"[^"]*"|'[^']*'/g, "").match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? [])];

const cloudwatchAlarmMetricMath = perBlock({
  id: "cloudwatch-alarm-metric-math",
  requirement: "An alarm's metric queries have ids that start with a lower-case letter and are unique, exactly one of them returns data, and expressions refer only to ids the alarm defines.",
  source: `https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html (Id, ReturnData); ${PROVIDER}/cloudwatch/metric_alarm.go checks only the id length`,
  types: ["aws_cloudwatch_metric_alarm"],
  problem: (block) => {
    const queries = list<Record<string, any>>(block.body.metric_query);
    if (queries.length === 0) return undefined;
    const problems: string[] = [];
    const ids = queries.map((query) => String(query.id ?? ""));
    for (const id of ids) if (!METRIC_ID.test(id)) problems.push(`metric query id ${JSON.stringify(id)} must start with a lower-case letter and hold only letters, digits and _`);
    const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
    if (duplicates.length > 0) problems.push(`metric query ids repeat: ${[...new Set(duplicates)].join(", ")}`);
    const returning = queries.filter((query) => query.return_data === true).length;
    if (returning !== 1) problems.push(`${returning} metric queries return data; exactly one must`);
    for (const query of queries) {
      if (typeof query.expression !== "string") continue;
      const undefinedIds = expressionIds(query.expression).filter((id) => !ids.includes(id));
      if (undefinedIds.length > 0) problems.push(`expression ${JSON.stringify(query.expression)} refers to ${undefinedIds.join(", ")}, which no metric query defines`);
    }
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_cloudwatch_metric_alarm: {
          a: {
            alarm_name: "a",
            comparison_operator: "GreaterThanThreshold",
            evaluation_periods: 1,
            threshold: 1,
            metric_query: [
              { id: "Result", expression: "100 * errors / requests", return_data: true },
              { id: "errors", metric: { metric_name: "5xx", namespace: "AWS/ApiGateway", period: 300, stat: "Sum" } },
            ],
          },
        },
      },
    },
  },
});

const cloudwatchAlarmActionsLimit = perBlock({
  id: "cloudwatch-alarm-actions-limit",
  requirement: "An alarm has at most 5 alarm actions.",
  source: `https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (AlarmActions, maximum 5 items); ${PROVIDER}/cloudwatch/metric_alarm.go caps ok_actions and insufficient_data_actions but not alarm_actions`,
  types: ["aws_cloudwatch_metric_alarm"],
  problem: (block) => {
    const count = list(block.body.alarm_actions).length;
    return count > 5 ? `${count} alarm actions, over 5` : undefined;
  },
  failingExample: { bad: { resource: { aws_cloudwatch_metric_alarm: { a: { alarm_name: "a", comparison_operator: "GreaterThanThreshold", evaluation_periods: 1, alarm_actions: Array.from({ length: 6 }, (_, index) => `arn:aws:sns:eu-west-1:123456789012:t${index}`) } } } } },
});

const WIDGET_TYPES = new Set(["metric", "text", "log", "alarm", "explorer", "custom"]);

/** What is wrong with one row of a metric widget's `metrics` array. */
function metricRowProblem(row: unknown): string | undefined {
  if (!Array.isArray(row) || row.length === 0) return "a metrics row is not a non-empty array";
  const options = typeof row[row.length - 1] === "object" && row[row.length - 1] !== null ? (row[row.length - 1] as Record<string, unknown>) : undefined;
  const values = options ? row.slice(0, -1) : row;
  if (values.some((value) => typeof value !== "string")) return "a metrics row mixes an options object into its names";
  if (values.length === 0) return options && typeof options.expression === "string" ? undefined : "a metrics row has neither a metric nor an expression";
  if (values.length % 2 !== 0) return `metrics row ${JSON.stringify(values.slice(0, 2))} has an unpaired dimension (namespace, metric, then name/value pairs)`;
  return undefined;
}

const cloudwatchDashboardBody = perBlock({
  id: "cloudwatch-dashboard-body",
  requirement:
    "A dashboard body has a widgets array whose widgets have a known type, x 0-23, width 1-24 within the 24-column grid, y >= 0, height 1-1000 and properties; metric rows pair dimensions, and metric ids start lower-case and are unique per widget.",
  source: `https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html; ${PROVIDER}/cloudwatch/dashboard.go only checks the body is JSON`,
  types: ["aws_cloudwatch_dashboard"],
  problem: (block) => {
    const body = block.body.dashboard_body;
    if (typeof body !== "string") return undefined;
    const problems: string[] = [];
    if (body.length > 1_000_000) problems.push(`body is ${body.length} characters, over 1 MB`);
    const parsed = JSON.parse(body) as Record<string, any>;
    if (!Array.isArray(parsed.widgets)) return ["dashboard body has no widgets array"];
    parsed.widgets.forEach((widget: Record<string, any>, index: number) => {
      const name = `widget ${index} (${widget.type})`;
      if (!WIDGET_TYPES.has(widget.type)) problems.push(`${name} has an unknown type`);
      const { x, y, width = 6, height = 6 } = widget;
      if (x !== undefined && !(Number.isInteger(x) && x >= 0 && x <= 23)) problems.push(`${name} x ${x} is outside 0-23`);
      if (y !== undefined && !(Number.isInteger(y) && y >= 0)) problems.push(`${name} y ${y} is negative`);
      if (!(Number.isInteger(width) && width >= 1 && width <= 24)) problems.push(`${name} width ${width} is outside 1-24`);
      if (!(Number.isInteger(height) && height >= 1 && height <= 1000)) problems.push(`${name} height ${height} is outside 1-1000`);
      if (typeof x === "number" && typeof width === "number" && x + width > 24) problems.push(`${name} reaches column ${x + width}, past 24`);
      if (typeof widget.properties !== "object" || widget.properties === null) {
        problems.push(`${name} has no properties`);
        return;
      }
      if (widget.type === "metric") {
        const rows = list<unknown>(widget.properties.metrics);
        for (const row of rows) {
          const problem = metricRowProblem(row);
          if (problem) problems.push(`${name}: ${problem}`);
        }
        const ids = rows.flatMap((row) => (Array.isArray(row) && typeof row[row.length - 1] === "object" && row[row.length - 1]?.id !== undefined ? [String(row[row.length - 1].id)] : []));
        for (const id of ids) if (!METRIC_ID.test(id)) problems.push(`${name}: metric id ${JSON.stringify(id)} must start with a lower-case letter`);
        const duplicates = ids.filter((id, position) => ids.indexOf(id) !== position);
        if (duplicates.length > 0) problems.push(`${name}: metric ids repeat: ${[...new Set(duplicates)].join(", ")}`);
      }
      if (widget.type === "alarm" && list(widget.properties.alarms).length > 100) problems.push(`${name} lists more than 100 alarms`);
    });
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_cloudwatch_dashboard: {
          d: { dashboard_name: "d", dashboard_body: JSON.stringify({ widgets: [{ type: "metric", x: 12, y: 0, width: 18, height: 6, properties: { metrics: [["AWS/Lambda", "Errors", "FunctionName"]] } }] }) },
        },
      },
    },
  },
});

/** Namespaces whose metrics CloudWatch holds in us-east-1 only. */
const US_EAST_1_NAMESPACES = new Set(["AWS/CloudFront", "AWS/Route53", "AWS/Billing"]);

const cloudwatchUsEast1Metrics = perBlock({
  id: "cloudwatch-us-east-1-metrics",
  requirement: "Alarms on CloudFront, Route 53 health check and billing metrics are created in us-east-1, and dashboard widgets showing them set region us-east-1, because those metrics exist only there.",
  source: `https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/monitoring-using-cloudwatch.html (metrics in US East (N. Virginia) only); ${PROVIDER}/cloudwatch/metric_alarm.go and dashboard.go cannot know the region a metric lives in`,
  types: ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_dashboard"],
  problem: (block, stack) => {
    if (block.type === "aws_cloudwatch_metric_alarm") {
      const namespaces = [block.body.namespace, ...list<Record<string, any>>(block.body.metric_query).flatMap((query) => list<Record<string, any>>(query.metric).map((metric) => metric.namespace))];
      const global = namespaces.filter((namespace) => US_EAST_1_NAMESPACES.has(namespace));
      const region = stack.regionOf(block);
      return global.length > 0 && region !== "us-east-1" ? `alarm on ${global.join(", ")} is created in ${region}; those metrics exist only in us-east-1` : undefined;
    }
    const body = typeof block.body.dashboard_body === "string" ? (JSON.parse(block.body.dashboard_body) as Record<string, any>) : undefined;
    return list<Record<string, any>>(body?.widgets).flatMap((widget, index) => {
      const rows = widget.type === "metric" ? list<unknown[]>(widget.properties?.metrics) : [];
      const global = rows.map((row) => row[0]).filter((namespace): namespace is string => typeof namespace === "string" && US_EAST_1_NAMESPACES.has(namespace));
      return global.length > 0 && widget.properties?.region !== "us-east-1" ? [`widget ${index} shows ${[...new Set(global)].join(", ")} without region us-east-1`] : [];
    });
  },
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: { aws_cloudwatch_metric_alarm: { a: { alarm_name: "a", comparison_operator: "GreaterThanThreshold", evaluation_periods: 1, period: 300, metric_name: "5xxErrorRate", namespace: "AWS/CloudFront", statistic: "Average", threshold: 1 } } },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// EventBridge
// ---------------------------------------------------------------------------------------------

/** The paths of an event pattern whose value is not a non-empty array of matchers. */
function patternLeafProblems(pattern: unknown, path: string[] = []): string[] {
  if (Array.isArray(pattern)) return pattern.length === 0 ? [`${path.join(".")} is an empty array`] : [];
  if (pattern !== null && typeof pattern === "object") {
    return Object.entries(pattern as Record<string, unknown>).flatMap(([key, value]) =>
      key === "$or" && Array.isArray(value) ? value.flatMap((branch) => patternLeafProblems(branch, [...path, key])) : patternLeafProblems(value, [...path, key]),
    );
  }
  return [`${path.join(".") || "pattern"} is ${JSON.stringify(pattern)}, not an array`];
}

const eventsRulePatternArrays = perBlock({
  id: "events-rule-pattern-arrays",
  requirement: "Every value an event pattern matches on is a non-empty JSON array (of values or filter objects) nested under objects.",
  source: `https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html (values in event patterns are in arrays); ${PROVIDER}/events/rule.go checks JSON and length only`,
  types: ["aws_cloudwatch_event_rule"],
  problem: (block) => {
    const pattern = block.body.event_pattern;
    if (typeof pattern !== "string") return undefined;
    return patternLeafProblems(JSON.parse(pattern)).map((problem) => `event_pattern: ${problem}`);
  },
  failingExample: { bad: { resource: { aws_cloudwatch_event_rule: { r: { name: "r", event_pattern: JSON.stringify({ source: "aws.backup", detail: { state: ["FAILED"] } }) } } } } },
});

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs
// ---------------------------------------------------------------------------------------------

/** What is wrong with a value that must be a KMS key's ARN: a literal key ARN, or a key's arn attribute. */
function keyArnProblem(stacks: readonly StackView[], stack: StackView, value: string): string | undefined {
  if (!hasExpression(value)) return /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(value) ? undefined : `${JSON.stringify(value)} is not a key ARN`;
  const located = locate(stacks, stack, value);
  if (located?.block.type === "aws_kms_key" && located.attribute !== "arn") return `reads the key's ${located.attribute}, not its arn`;
  if (located?.block.type === "aws_kms_alias") return "reads an alias, not the key ARN";
  return undefined;
}

const logsGroupKmsKeyArn: ConstraintRule = {
  id: "logs-group-kms-key-arn",
  requirement: "A log group's kms_key_id is the full ARN of a KMS key (not a key id or an alias).",
  source: `https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html (kmsKeyId); ${PROVIDER}/logs/group.go has no validator on kms_key_id`,
  types: ["aws_cloudwatch_log_group"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      stack.resources("aws_cloudwatch_log_group").flatMap((group) => {
        const value = group.body.kms_key_id;
        const problem = typeof value === "string" ? keyArnProblem(stacks, stack, value) : undefined;
        return problem ? [{ where: where(group), problem: `kms_key_id ${problem}` }] : [];
      }),
    ),
  failingExample: { bad: { resource: { aws_kms_key: { k: {} }, aws_cloudwatch_log_group: { g: { name: "/x", kms_key_id: "${aws_kms_key.k.key_id}" } } } } },
};

const LOGS_KMS_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:DescribeKey"];

const logsGroupKmsKeyPolicy: ConstraintRule = {
  id: "logs-group-kms-key-policy",
  requirement: "The KMS key of a log group is in the log group's region and its key policy lets logs.<region>.amazonaws.com encrypt, decrypt, re-encrypt, generate data keys and describe the key.",
  source: `https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html; ${PROVIDER}/logs/group.go passes kms_key_id through unchecked`,
  types: ["aws_cloudwatch_log_group", "aws_kms_key"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      stack.resources("aws_cloudwatch_log_group").flatMap((group): Violation[] => {
        const key = locate(stacks, stack, group.body.kms_key_id);
        if (key?.block.type !== "aws_kms_key") return [];
        const region = stack.regionOf(group);
        const keyRegion = key.stack.regionOf(key.block);
        const problems: string[] = [];
        if (region && keyRegion && region !== keyRegion) problems.push(`log group is in ${region} but its key ${key.stack.name}: aws_kms_key.${key.block.name} is in ${keyRegion}`);
        if (region && !admitsService(key.stack, keyPolicy(key), `logs.${region}.amazonaws.com`, LOGS_KMS_ACTIONS)) {
          problems.push(`key policy of ${key.stack.name}: aws_kms_key.${key.block.name} does not let logs.${region}.amazonaws.com use the key (${LOGS_KMS_ACTIONS.join(", ")})`);
        }
        return problems.map((problem) => ({ where: where(group), problem }));
      }),
    ),
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_kms_key: { k: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }] }) } },
        aws_cloudwatch_log_group: { g: { name: "/x", kms_key_id: "${aws_kms_key.k.arn}" } },
      },
    },
  },
};

const logsDeliveryNames = perBlock({
  id: "logs-delivery-names",
  requirement: "Log delivery source and destination names are 1-60 characters of letters, digits, _ and -.",
  source: `https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliverySource.html and API_PutDeliveryDestination.html (name pattern [\\w-]*); ${PROVIDER}/logs/delivery_source.go and delivery_destination.go check the length only`,
  types: ["aws_cloudwatch_log_delivery_source", "aws_cloudwatch_log_delivery_destination", "aws_cloudwatch_log_delivery"],
  problem: (block) =>
    [block.body.name, block.body.delivery_source_name]
      .filter((value): value is string => typeof value === "string" && !hasExpression(value))
      .filter((value) => !/^[A-Za-z0-9_-]{1,60}$/.test(value))
      .map((value) => `name ${JSON.stringify(value)} is not 1-60 of [A-Za-z0-9_-]`),
  failingExample: { bad: { resource: { aws_cloudwatch_log_delivery_source: { s: { name: "platform.dev/cdn-logs", log_type: "ACCESS_LOGS", resource_arn: "arn:aws:cloudfront::123456789012:distribution/E1" } } } } },
});

/** The log types each source service accepts, for the services the stacks deliver from. */
const DELIVERY_LOG_TYPES: Readonly<Record<string, readonly string[]>> = {
  aws_cloudfront_distribution: ["ACCESS_LOGS"],
};

const logsDeliveryCloudfront: ConstraintRule = {
  id: "logs-delivery-cloudfront",
  requirement:
    "A delivery source for a CloudFront distribution is created in us-east-1 with log_type ACCESS_LOGS, and its deliveries and their destinations are created in the same region as the source.",
  source: `https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html (must use us-east-1) and https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliverySource.html (logType); ${PROVIDER}/logs/delivery_source.go checks log_type length only`,
  types: ["aws_cloudwatch_log_delivery_source", "aws_cloudwatch_log_delivery", "aws_cloudwatch_log_delivery_destination"],
  check: (stacks) =>
    stacks.flatMap((stack) => {
      const violations: Violation[] = [];
      for (const source of stack.resources("aws_cloudwatch_log_delivery_source")) {
        const origin = locate(stacks, stack, source.body.resource_arn);
        const allowed = origin ? DELIVERY_LOG_TYPES[origin.block.type] : undefined;
        if (allowed && !allowed.includes(source.body.log_type)) violations.push({ where: where(source), problem: `log_type ${source.body.log_type} is not one ${origin!.block.type} sends (${allowed.join(", ")})` });
        const region = stack.regionOf(source);
        if (origin?.block.type === "aws_cloudfront_distribution" && region !== "us-east-1") violations.push({ where: where(source), problem: `a CloudFront delivery source must be created in us-east-1, not ${region}` });
      }
      for (const delivery of stack.resources("aws_cloudwatch_log_delivery")) {
        const source = stack.referenced(delivery.body.delivery_source_name);
        const destination = stack.referenced(delivery.body.delivery_destination_arn);
        const regions = [delivery, source, destination].filter((block): block is Block => block !== undefined).map((block) => `${block.type}.${block.name} in ${stack.regionOf(block)}`);
        const distinct = new Set([delivery, source, destination].filter((block): block is Block => block !== undefined).map((block) => stack.regionOf(block)));
        if (distinct.size > 1) violations.push({ where: where(delivery), problem: `delivery, source and destination are in different regions: ${regions.join(", ")}` });
      }
      return violations;
    }),
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_cloudfront_distribution: { d: {} },
        aws_cloudwatch_log_delivery_source: { s: { name: "s", log_type: "ACCESS_LOGS", resource_arn: "${aws_cloudfront_distribution.d.arn}" } },
      },
    },
  },
};

const logsResourcePolicy = perBlock({
  id: "logs-resource-policy",
  requirement: "A CloudWatch Logs resource policy is at most 5,120 characters, grants only logs:CreateLogStream and logs:PutLogEvents, and only to service principals.",
  source: `https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html (policyDocument length, supported actions and principals); ${PROVIDER}/logs/resource_policy.go checks the JSON only`,
  types: ["aws_cloudwatch_log_resource_policy"],
  problem: (block, stack) => {
    const document = policyOf(block.body.policy_document, stack);
    if (!document) return undefined;
    const problems: string[] = [];
    const size = estimatedLength(JSON.stringify(document));
    if (size > 5120) problems.push(`policy is about ${size} characters, over 5,120`);
    for (const statement of statementsOf(document)) {
      const unsupported = strings(statement.Action).filter((action) => !["logs:CreateLogStream", "logs:PutLogEvents"].includes(action));
      if (unsupported.length > 0) problems.push(`grants ${unsupported.join(", ")}, which a logs resource policy does not enforce`);
      const principal = statement.Principal;
      const others = principal === "*" ? ["*"] : Object.keys(principal ?? {}).filter((type) => type !== "Service");
      if (others.length > 0) problems.push(`grants to ${others.join(", ")} principals; only service principals are supported`);
    }
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_cloudwatch_log_resource_policy: {
          p: { policy_name: "p", policy_document: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "logs:*", Resource: "*" }] }) },
        },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// SNS
// ---------------------------------------------------------------------------------------------

/** Every topic a service publishes to, with the publishing service's principal, from the blocks that wire it. */
function topicPublishers(stack: StackView): { block: Block; topic: unknown; service: string }[] {
  const publishers: { block: Block; topic: unknown; service: string }[] = [];
  for (const alarm of stack.resources("aws_cloudwatch_metric_alarm")) {
    for (const topic of [...list(alarm.body.alarm_actions), ...list(alarm.body.ok_actions), ...list(alarm.body.insufficient_data_actions)]) publishers.push({ block: alarm, topic, service: "cloudwatch.amazonaws.com" });
  }
  for (const target of stack.resources("aws_cloudwatch_event_target")) publishers.push({ block: target, topic: target.body.arn, service: "events.amazonaws.com" });
  for (const rule of stack.resources("aws_codestarnotifications_notification_rule")) {
    for (const target of list<Record<string, any>>(rule.body.target)) if ((target.type ?? "SNS") === "SNS") publishers.push({ block: rule, topic: target.address, service: "codestar-notifications.amazonaws.com" });
  }
  for (const notifications of stack.resources("aws_backup_vault_notifications")) publishers.push({ block: notifications, topic: notifications.body.sns_topic_arn, service: "backup.amazonaws.com" });
  return publishers;
}

const snsTopicPublishersAdmitted: ConstraintRule = {
  id: "sns-topic-publishers-admitted",
  requirement:
    "Every AWS service that publishes to a topic (alarms, EventBridge, CodeStar Notifications, Backup) is allowed sns:Publish by the topic policy, and when the topic uses a customer managed KMS key the key policy lets that service call kms:GenerateDataKey and kms:Decrypt.",
  source: `https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services and https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html; ${PROVIDER}/sns/topic_policy.go checks the JSON only`,
  types: ["aws_sns_topic", "aws_sns_topic_policy", "aws_cloudwatch_metric_alarm", "aws_cloudwatch_event_target", "aws_codestarnotifications_notification_rule", "aws_kms_key"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      topicPublishers(stack)
        .filter(({ block, topic, service }, index, all) => all.findIndex((other) => other.block === block && other.topic === topic && other.service === service) === index)
        .flatMap(({ block, topic, service }): Violation[] => {
        const located = locate(stacks, stack, topic);
        if (located?.block.type !== "aws_sns_topic") return [];
        const topicName = `${located.stack.name}: aws_sns_topic.${located.block.name}`;
        const problems: string[] = [];
        const policies = located.stack.resources("aws_sns_topic_policy").filter((policy) => located.stack.referenced(policy.body.arn) === located.block);
        const policyDocuments = [...policies.map((policy) => policyOf(policy.body.policy, located.stack)), policyOf(located.block.body.policy, located.stack)];
        if (!policyDocuments.some((document) => admitsService(located.stack, document, service, ["sns:Publish"]))) problems.push(`${service} publishes to ${topicName}, whose topic policy does not allow it sns:Publish`);
        const keyId = located.block.body.kms_master_key_id;
        if (typeof keyId === "string" && /^alias\/aws\/sns$/.test(keyId)) problems.push(`${topicName} uses the AWS managed key alias/aws/sns, which ${service} cannot use`);
        const key = locate(stacks, located.stack, keyId);
        if (key?.block.type === "aws_kms_key" && !admitsService(key.stack, keyPolicy(key), service, ["kms:GenerateDataKey", "kms:Decrypt"])) {
          problems.push(`${topicName} is encrypted with ${key.stack.name}: aws_kms_key.${key.block.name}, whose key policy does not let ${service} call kms:GenerateDataKey and kms:Decrypt`);
        }
        return problems.map((problem) => ({ where: where(block), problem }));
      }),
    ),
  failingExample: {
    bad: {
      resource: {
        aws_sns_topic: { t: { name: "alerts" } },
        aws_cloudwatch_metric_alarm: { a: { alarm_name: "a", comparison_operator: "GreaterThanThreshold", evaluation_periods: 1, alarm_actions: ["${aws_sns_topic.t.arn}"] } },
      },
    },
  },
};

const snsSubscriptionEndpoint = perBlock({
  id: "sns-subscription-endpoint",
  requirement: "A subscription endpoint has the form its protocol needs: an email address for email and email-json, an http(s) URL for http and https, an ARN for sqs, lambda and firehose.",
  source: `https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html (Endpoint); ${PROVIDER}/sns/topic_subscription.go validates the protocol but not the endpoint`,
  types: ["aws_sns_topic_subscription"],
  problem: (block) => {
    const { protocol, endpoint } = block.body;
    if (typeof endpoint !== "string" || hasExpression(endpoint)) return undefined;
    const forms: Record<string, RegExp> = {
      email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
      "email-json": /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
      http: /^http:\/\/\S+$/,
      https: /^https:\/\/\S+$/,
      sqs: /^arn:[a-z-]+:sqs:/,
      lambda: /^arn:[a-z-]+:lambda:/,
      firehose: /^arn:[a-z-]+:firehose:/,
    };
    const form = forms[protocol];
    return form && !form.test(endpoint) ? `endpoint ${JSON.stringify(endpoint)} is not what protocol ${protocol} needs` : undefined;
  },
  failingExample: { bad: { resource: { aws_sns_topic_subscription: { s: { topic_arn: "arn:aws:sns:eu-west-1:123456789012:t", protocol: "email", endpoint: "platform-alerts" } } } } },
});

// ---------------------------------------------------------------------------------------------
// SQS
// ---------------------------------------------------------------------------------------------

const DEFAULT_RETENTION_SECONDS = 345600;
const DEFAULT_VISIBILITY_SECONDS = 30;
const DEFAULT_LAMBDA_TIMEOUT_SECONDS = 3;

const parseJson = (value: unknown): Record<string, any> | undefined => (typeof value === "string" && value.trimStart().startsWith("{") ? (JSON.parse(value) as Record<string, any>) : undefined);

const sqsRedrivePolicy = perBlock({
  id: "sqs-redrive-policy",
  requirement: "A redrive policy names a deadLetterTargetArn and a maxReceiveCount from 1 to 1000.",
  source: `https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (RedrivePolicy); ${PROVIDER}/sqs/queue.go checks the JSON only`,
  types: ["aws_sqs_queue"],
  problem: (block) => {
    const policy = parseJson(block.body.redrive_policy);
    if (!policy) return undefined;
    const problems: string[] = [];
    if (typeof policy.deadLetterTargetArn !== "string") problems.push("redrive_policy has no deadLetterTargetArn");
    const count = Number(policy.maxReceiveCount);
    if (!Number.isInteger(count) || count < 1 || count > 1000) problems.push(`redrive_policy maxReceiveCount ${JSON.stringify(policy.maxReceiveCount)} is not 1-1000`);
    return problems;
  },
  failingExample: { bad: { resource: { aws_sqs_queue: { q: { name: "q", redrive_policy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:dlq", maxReceiveCount: 0 }) } } } } },
});

/** Each queue with a redrive policy and the dead-letter queue it names, where that queue is in the stacks. */
function redrives(stacks: readonly StackView[], stack: StackView): { source: Block; deadLetter: Located }[] {
  return stack.resources("aws_sqs_queue").flatMap((source) => {
    const deadLetter = locate(stacks, stack, parseJson(source.body.redrive_policy)?.deadLetterTargetArn);
    return deadLetter?.block.type === "aws_sqs_queue" ? [{ source, deadLetter }] : [];
  });
}

const sqsDeadLetterRetention: ConstraintRule = {
  id: "sqs-dead-letter-retention",
  requirement: "A dead-letter queue keeps messages at least as long as its source queue, since a message's age counts from its first enqueue and it would expire on arrival.",
  source: `https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html; ${PROVIDER}/sqs/queue.go validates each retention alone`,
  types: ["aws_sqs_queue"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      redrives(stacks, stack).flatMap(({ source, deadLetter }) => {
        const sourceRetention = source.body.message_retention_seconds ?? DEFAULT_RETENTION_SECONDS;
        const deadLetterRetention = deadLetter.block.body.message_retention_seconds ?? DEFAULT_RETENTION_SECONDS;
        return deadLetterRetention < sourceRetention
          ? [{ where: where(source), problem: `dead-letter queue ${deadLetter.block.name} keeps messages ${deadLetterRetention} s, less than this queue's ${sourceRetention} s` }]
          : [];
      }),
    ),
  failingExample: {
    bad: {
      resource: {
        aws_sqs_queue: {
          dlq: { name: "dlq", message_retention_seconds: 86400 },
          q: { name: "q", message_retention_seconds: 345600, redrive_policy: JSON.stringify({ deadLetterTargetArn: "${aws_sqs_queue.dlq.arn}", maxReceiveCount: 5 }) },
        },
      },
    },
  },
};

const sqsRedriveAllowPolicy: ConstraintRule = {
  id: "sqs-redrive-allow-policy",
  requirement: "When a dead-letter queue has a redrive allow policy it is allowAll, or byQueue listing every source queue that names it (at most 10); denyAll or a missing source makes SQS refuse the source's redrive policy.",
  source: `https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (RedriveAllowPolicy); ${PROVIDER}/sqs/queue_redrive_allow_policy.go checks the JSON only`,
  types: ["aws_sqs_queue", "aws_sqs_queue_redrive_allow_policy"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      redrives(stacks, stack).flatMap(({ source, deadLetter }): Violation[] => {
        const attached = deadLetter.stack.resources("aws_sqs_queue_redrive_allow_policy").filter((policy) => deadLetter.stack.referenced(policy.body.queue_url) === deadLetter.block);
        const policies = [...attached.map((policy) => policy.body.redrive_allow_policy), deadLetter.block.body.redrive_allow_policy].map(parseJson).filter((policy): policy is Record<string, any> => policy !== undefined);
        return policies.flatMap((policy): Violation[] => {
          if (policy.redrivePermission === "allowAll") return [];
          if (policy.redrivePermission === "denyAll") return [{ where: where(source), problem: `dead-letter queue ${deadLetter.block.name} denies every source queue (denyAll)` }];
          const sources = strings(policy.sourceQueueArns);
          const problems: string[] = [];
          if (sources.length > 10) problems.push(`dead-letter queue ${deadLetter.block.name} lists ${sources.length} source queues, over 10`);
          if (!sources.some((arn) => sameTarget(stacks, deadLetter.stack, arn, stack, `\${aws_sqs_queue.${source.name}.arn}`))) problems.push(`dead-letter queue ${deadLetter.block.name}'s redrive allow policy does not list this queue`);
          return problems.map((problem) => ({ where: where(source), problem }));
        });
      }),
    ),
  failingExample: {
    bad: {
      resource: {
        aws_sqs_queue: {
          dlq: { name: "dlq" },
          other: { name: "other" },
          q: { name: "q", redrive_policy: JSON.stringify({ deadLetterTargetArn: "${aws_sqs_queue.dlq.arn}", maxReceiveCount: 5 }) },
        },
        aws_sqs_queue_redrive_allow_policy: { p: { queue_url: "${aws_sqs_queue.dlq.url}", redrive_allow_policy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: ["${aws_sqs_queue.other.arn}"] }) } },
      },
    },
  },
};

const sqsReceiveWaitTime = perBlock({
  id: "sqs-receive-wait-time",
  requirement: "A queue's receive_wait_time_seconds (long polling) is 0 to 20.",
  source: `https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (ReceiveMessageWaitTimeSeconds); ${PROVIDER}/sqs/queue.go has no validator on receive_wait_time_seconds`,
  types: ["aws_sqs_queue"],
  problem: (block) => {
    const value = block.body.receive_wait_time_seconds;
    return typeof value === "number" && (value < 0 || value > 20) ? `receive_wait_time_seconds ${value} is not 0-20` : undefined;
  },
  failingExample: { bad: { resource: { aws_sqs_queue: { q: { name: "q", receive_wait_time_seconds: 30 } } } } },
});

/** Each Lambda function reading a queue, with the queue's visibility timeout and the function's timeout. */
function queueConsumers(stacks: readonly StackView[], stack: StackView) {
  return stack.resources("aws_lambda_event_source_mapping").flatMap((mapping) => {
    const queue = locate(stacks, stack, mapping.body.event_source_arn);
    const fn = locate(stacks, stack, mapping.body.function_name);
    if (queue?.block.type !== "aws_sqs_queue" || fn?.block.type !== "aws_lambda_function") return [];
    return [
      {
        mapping,
        queue,
        fn,
        visibility: Number(queue.block.body.visibility_timeout_seconds ?? DEFAULT_VISIBILITY_SECONDS),
        timeout: Number(fn.block.body.timeout ?? DEFAULT_LAMBDA_TIMEOUT_SECONDS),
        window: Number(mapping.body.maximum_batching_window_in_seconds ?? 0),
      },
    ];
  });
}

const consumerExample = (visibility: number, timeout: number) => ({
  bad: {
    resource: {
      aws_sqs_queue: { q: { name: "q", visibility_timeout_seconds: visibility } },
      aws_lambda_function: { f: { function_name: "f", timeout } },
      aws_lambda_event_source_mapping: { m: { event_source_arn: "${aws_sqs_queue.q.arn}", function_name: "${aws_lambda_function.f.arn}" } },
    },
  },
});

const sqsVisibilityCoversConsumer: ConstraintRule = {
  id: "sqs-visibility-covers-consumer",
  requirement: "A queue read by a Lambda function has a visibility timeout at least the function's timeout; Lambda refuses the event source mapping otherwise.",
  source: `https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html; ${PROVIDER}/sqs/queue.go and lambda/event_source_mapping.go validate each value alone`,
  types: ["aws_sqs_queue"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      queueConsumers(stacks, stack).flatMap(({ mapping, queue, fn, visibility, timeout }) =>
        visibility < timeout ? [{ where: where(mapping), problem: `queue ${queue.stack.name}: ${queue.block.name} visibility ${visibility} s is less than function ${fn.block.name} timeout ${timeout} s` }] : [],
      ),
    ),
  failingExample: consumerExample(30, 60),
};

const sqsVisibilitySixTimesConsumer: ConstraintRule = {
  id: "sqs-visibility-six-times-consumer",
  requirement: "A queue read by a Lambda function has a visibility timeout of at least six times the function's timeout, so throttled batches are retried instead of reappearing while still in flight.",
  source: `https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html (at least six times the function timeout); ${PROVIDER}/sqs/queue.go validates each value alone`,
  types: ["aws_sqs_queue"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      queueConsumers(stacks, stack).flatMap(({ mapping, queue, fn, visibility, timeout }) =>
        visibility < 6 * timeout ? [{ where: where(mapping), problem: `queue ${queue.stack.name}: ${queue.block.name} visibility ${visibility} s is less than 6 x function ${fn.block.name} timeout (${6 * timeout} s)` }] : [],
      ),
    ),
  failingExample: consumerExample(120, 60),
};

// ---------------------------------------------------------------------------------------------
// EventBridge Scheduler
// ---------------------------------------------------------------------------------------------

const RATE_UNITS = /^(minute|minutes|hour|hours|day|days)$/;

/** What is wrong with a schedule expression: rate(value unit), cron(six fields) or at(yyyy-mm-ddThh:mm:ss). */
function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = /^rate\((\d+) ([a-z]+)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) return "a rate must be positive";
    if (!RATE_UNITS.test(rate[2])) return `rate unit ${rate[2]} is not minute(s), hour(s) or day(s)`;
    if ((value === 1) !== !rate[2].endsWith("s")) return `rate(${value} ${rate[2]}) needs the ${value === 1 ? "singular" : "plural"} unit`;
    return undefined;
  }
  const cron = /^cron\(([^)]*)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) return `cron has ${fields.length} fields, not 6 (minutes hours day-of-month month day-of-week year)`;
    if (fields[2] !== "?" && fields[4] !== "?") return "cron needs ? in either day-of-month or day-of-week";
    return undefined;
  }
  if (/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/.test(expression)) return undefined;
  return "is not rate(...), cron(...) or at(yyyy-mm-ddThh:mm:ss)";
}

const schedulerScheduleExpression = perBlock({
  id: "scheduler-schedule-expression",
  requirement: "A schedule expression is rate(value unit) with a matching singular/plural unit, cron() with six fields and ? in day-of-month or day-of-week, or at(yyyy-mm-ddThh:mm:ss).",
  source: `https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html; ${PROVIDER}/scheduler/schedule.go checks the length only`,
  types: ["aws_scheduler_schedule"],
  problem: (block) => {
    const expression = block.body.schedule_expression;
    if (typeof expression !== "string" || hasExpression(expression)) return undefined;
    const problem = scheduleExpressionProblem(expression);
    return problem ? `schedule_expression ${JSON.stringify(expression)} ${problem}` : undefined;
  },
  failingExample: { bad: { resource: { aws_scheduler_schedule: { s: { name: "s", schedule_expression: "rate(1 minutes)", flexible_time_window: { mode: "OFF" }, target: { arn: "arn:aws:lambda:eu-west-1:123456789012:function:f", role_arn: "arn:aws:iam::123456789012:role/r" } } } } } },
});

/** True for an IANA zone name as written; Intl also accepts a wrongly cased name, which AWS does not. */
function knownTimeZone(zone: string): boolean {
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    return resolved === zone || resolved.toLowerCase() !== zone.toLowerCase();
  } catch {
    return false;
  }
}

const schedulerScheduleTimezone = perBlock({
  id: "scheduler-schedule-timezone",
  requirement: "schedule_expression_timezone is an IANA time zone name (for example UTC or Europe/Dublin).",
  source: `https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html (ScheduleExpressionTimezone); ${PROVIDER}/scheduler/schedule.go checks the length only`,
  types: ["aws_scheduler_schedule"],
  problem: (block) => {
    const zone = block.body.schedule_expression_timezone;
    return typeof zone === "string" && !hasExpression(zone) && !knownTimeZone(zone) ? `schedule_expression_timezone ${JSON.stringify(zone)} is not an IANA time zone` : undefined;
  },
  failingExample: { bad: { resource: { aws_scheduler_schedule: { s: { name: "s", schedule_expression: "rate(5 minutes)", schedule_expression_timezone: "CET+1", flexible_time_window: { mode: "OFF" } } } } } },
});

const schedulerFlexibleTimeWindow = perBlock({
  id: "scheduler-flexible-time-window",
  requirement: "A flexible time window in mode FLEXIBLE sets maximum_window_in_minutes, and in mode OFF does not.",
  source: `https://docs.aws.amazon.com/scheduler/latest/APIReference/API_FlexibleTimeWindow.html; ${PROVIDER}/scheduler/schedule.go validates mode and the window alone`,
  types: ["aws_scheduler_schedule"],
  problem: (block) => {
    const window = firstBlock(block.body.flexible_time_window);
    if (!window) return undefined;
    if (window.mode === "FLEXIBLE" && window.maximum_window_in_minutes === undefined) return "flexible_time_window mode FLEXIBLE without maximum_window_in_minutes";
    if (window.mode === "OFF" && window.maximum_window_in_minutes !== undefined) return "flexible_time_window mode OFF with maximum_window_in_minutes";
    return undefined;
  },
  failingExample: { bad: { resource: { aws_scheduler_schedule: { s: { name: "s", schedule_expression: "rate(5 minutes)", flexible_time_window: { mode: "FLEXIBLE" } } } } } },
});

const schedulerLambdaInput = perBlock({
  id: "scheduler-lambda-input",
  requirement: "The input of a schedule whose target is a Lambda function is a JSON document, since Lambda rejects an invocation payload that is not JSON.",
  source: `https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html (Input) and https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (Payload is JSON); ${PROVIDER}/scheduler/schedule.go checks the input length only`,
  types: ["aws_scheduler_schedule"],
  problem: (block, stack) => {
    const target = firstBlock(block.body.target);
    if (!target || typeof target.input !== "string") return undefined;
    const isLambda = stack.referenced(target.arn)?.type === "aws_lambda_function" || /^arn:[a-z-]+:lambda:/.test(String(target.arn));
    if (!isLambda) return undefined;
    try {
      JSON.parse(target.input);
      return undefined;
    } catch {
      return `target input ${JSON.stringify(target.input)} is not JSON`;
    }
  },
  failingExample: { bad: { resource: { aws_scheduler_schedule: { s: { name: "s", schedule_expression: "rate(5 minutes)", flexible_time_window: { mode: "OFF" }, target: { arn: "arn:aws:lambda:eu-west-1:123456789012:function:f", role_arn: "arn:aws:iam::123456789012:role/r", input: "run" } } } } } },
});

/** The kms:ViaService values a statement's conditions restrict it to, if any. */
const viaServices = (statement: PolicyStatement) =>
  Object.values(statement.Condition ?? {}).flatMap((variables) => Object.entries(variables).filter(([key]) => key.toLowerCase() === "kms:viaservice").flatMap(([, values]) => strings(values)));

/**
 * True when an Allow statement of the documents grants the action on the resource (the same
 * reference, or *). A statement restricted by kms:ViaService counts only for calls made through that
 * service (`via`); other conditions are assumed to hold.
 */
function grants(stacks: readonly StackView[], stack: StackView, documents: PolicyDocument[], action: string, resource: { stack: StackView; value: unknown }, via?: string): boolean {
  return documents
    .flatMap((document) => statementsOf(document))
    .some((statement) => {
      if (statement.Effect !== "Allow" || !statementCovers(statement, action)) return false;
      const services = viaServices(statement);
      if (services.length > 0 && (via === undefined || !services.some((pattern) => wildcard(withKnownValues(stack, pattern)).test(via)))) return false;
      return strings(statement.Resource).some((granted) => granted === "*" || sameTarget(stacks, stack, granted, resource.stack, resource.value));
    });
}

const schedulerExecutionRole: ConstraintRule = {
  id: "scheduler-execution-role",
  requirement:
    "A schedule's execution role may invoke its Lambda target (lambda:InvokeFunction), decrypt with the schedule's own KMS key (kms:Decrypt), send to its dead-letter queue (sqs:SendMessage), and, for a queue encrypted with a customer managed key, use that key (kms:GenerateDataKey, kms:Decrypt).",
  source: `https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role, https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html and https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html; ${PROVIDER}/scheduler/schedule.go only checks the ARNs`,
  types: ["aws_scheduler_schedule", "aws_iam_role", "aws_iam_role_policy", "aws_sqs_queue"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      stack.resources("aws_scheduler_schedule").flatMap((schedule): Violation[] => {
        const target = firstBlock(schedule.body.target);
        const role = target ? stack.referenced(target.role_arn) : undefined;
        if (!target || role?.type !== "aws_iam_role") return [];
        const { inline, attached } = rolePolicies(stacks, stack, role);
        const documents = [...inline, ...attached.flatMap(({ document }) => list(document))];
        const problems: string[] = [];
        const targetBlock = locate(stacks, stack, target.arn);
        if (targetBlock?.block.type === "aws_lambda_function" && !grants(stacks, stack, documents, "lambda:InvokeFunction", { stack, value: target.arn })) problems.push(`role ${role.name} may not lambda:InvokeFunction the target`);
        const scheduleKey = schedule.body.kms_key_arn;
        if (typeof scheduleKey === "string" && !grants(stacks, stack, documents, "kms:Decrypt", { stack, value: scheduleKey })) problems.push(`role ${role.name} may not kms:Decrypt with the schedule's key`);
        const deadLetterArn = firstBlock(target.dead_letter_config)?.arn;
        if (deadLetterArn !== undefined) {
          if (!grants(stacks, stack, documents, "sqs:SendMessage", { stack, value: deadLetterArn })) problems.push(`role ${role.name} may not sqs:SendMessage to the dead-letter queue`);
          const queue = locate(stacks, stack, deadLetterArn);
          const keyValue = queue?.block.type === "aws_sqs_queue" ? queue.block.body.kms_master_key_id : undefined;
          if (queue && typeof keyValue === "string" && !/^alias\/aws\/sqs$/.test(keyValue)) {
            const via = `sqs.${queue.stack.regionOf(queue.block)}.amazonaws.com`;
            for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
              if (!grants(stacks, stack, documents, action, { stack: queue.stack, value: keyValue }, via)) problems.push(`role ${role.name} may not ${action} with the dead-letter queue's key`);
            }
          }
        }
        return problems.map((problem) => ({ where: where(schedule), problem }));
      }),
    ),
  failingExample: {
    bad: {
      resource: {
        aws_lambda_function: { f: { function_name: "f" } },
        aws_sqs_queue: { dlq: { name: "dlq" } },
        aws_iam_role: { r: { name: "r", assume_role_policy: "{}" } },
        aws_iam_role_policy: { p: { name: "p", role: "${aws_iam_role.r.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "${aws_lambda_function.f.arn}" }] }) } },
        aws_scheduler_schedule: {
          s: { name: "s", schedule_expression: "rate(5 minutes)", flexible_time_window: { mode: "OFF" }, target: { arn: "${aws_lambda_function.f.arn}", role_arn: "${aws_iam_role.r.arn}", dead_letter_config: { arn: "${aws_sqs_queue.dlq.arn}" } } },
        },
      },
    },
  },
};

// ---------------------------------------------------------------------------------------------
// CodeBuild
// ---------------------------------------------------------------------------------------------

/** The on-demand compute types each environment type runs on. */
const COMPUTE_TYPES: Readonly<Record<string, readonly string[]>> = {
  LINUX_CONTAINER: ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"],
  ARM_CONTAINER: ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"],
  LINUX_GPU_CONTAINER: ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_LARGE"],
  WINDOWS_SERVER_2019_CONTAINER: ["BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"],
  WINDOWS_SERVER_2022_CONTAINER: ["BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"],
  MAC_ARM: ["BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"],
  LINUX_LAMBDA_CONTAINER: ["BUILD_LAMBDA_1GB", "BUILD_LAMBDA_2GB", "BUILD_LAMBDA_4GB", "BUILD_LAMBDA_8GB", "BUILD_LAMBDA_10GB"],
  ARM_LAMBDA_CONTAINER: ["BUILD_LAMBDA_1GB", "BUILD_LAMBDA_2GB", "BUILD_LAMBDA_4GB", "BUILD_LAMBDA_8GB", "BUILD_LAMBDA_10GB"],
};

const codebuildComputeType = perBlock({
  id: "codebuild-compute-type",
  requirement: "A project's compute type is one its environment type offers (for example Lambda compute only with *_LAMBDA_CONTAINER, Windows only MEDIUM or LARGE).",
  source: `https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-compute-types.html; ${PROVIDER}/codebuild/project.go validates each enum alone`,
  types: ["aws_codebuild_project"],
  problem: (block) => {
    const environment = firstBlock(block.body.environment);
    const allowed = environment ? COMPUTE_TYPES[environment.type] : undefined;
    return allowed && !allowed.includes(environment!.compute_type) ? `compute_type ${environment!.compute_type} is not offered for ${environment!.type} (${allowed.join(", ")})` : undefined;
  },
  failingExample: { bad: { resource: { aws_codebuild_project: { p: { name: "p", environment: { type: "LINUX_LAMBDA_CONTAINER", compute_type: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/amazonlinux-x86_64-lambda-standard:nodejs20" } } } } } },
});

/** The environment types a CodeBuild-managed image runs on, from the architecture its name states. */
function curatedImageEnvironments(image: string): readonly string[] | undefined {
  if (!image.startsWith("aws/codebuild/")) return undefined;
  if (/aarch64.*lambda/.test(image)) return ["ARM_LAMBDA_CONTAINER"];
  if (/x86_64.*lambda/.test(image)) return ["LINUX_LAMBDA_CONTAINER"];
  if (/aarch64/.test(image)) return ["ARM_CONTAINER"];
  if (/windows-base/.test(image)) return ["WINDOWS_SERVER_2019_CONTAINER", "WINDOWS_SERVER_2022_CONTAINER"];
  if (/macos/.test(image)) return ["MAC_ARM"];
  if (/x86_64|aws\/codebuild\/standard:/.test(image)) return ["LINUX_CONTAINER", "LINUX_GPU_CONTAINER"];
  return undefined;
}

const codebuildImageArchitecture = perBlock({
  id: "codebuild-image-architecture",
  requirement: "A CodeBuild-managed image matches the environment type's architecture (aarch64 images on ARM_CONTAINER, x86_64 and standard images on LINUX_CONTAINER).",
  source: `https://docs.aws.amazon.com/codebuild/latest/userguide/ec2-compute-images.html; ${PROVIDER}/codebuild/project.go has no validator on image`,
  types: ["aws_codebuild_project"],
  problem: (block) => {
    const environment = firstBlock(block.body.environment);
    if (!environment || typeof environment.image !== "string") return undefined;
    const allowed = curatedImageEnvironments(environment.image);
    return allowed && !allowed.includes(environment.type) ? `image ${environment.image} runs on ${allowed.join(" or ")}, not ${environment.type}` : undefined;
  },
  failingExample: { bad: { resource: { aws_codebuild_project: { p: { name: "p", environment: { type: "ARM_CONTAINER", compute_type: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/amazonlinux-x86_64-standard:5.0" } } } } } },
});

const BUILDSPEC_TOP_LEVEL = new Set(["version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache"]);
const BUILDSPEC_PHASES = new Set(["install", "pre_build", "build", "post_build"]);

/** What is wrong with the outline of an inline buildspec: version, top-level keys, phase names, tabs. */
function buildspecProblems(buildspec: string): string[] {
  const lines = buildspec.split("\n");
  const problems: string[] = [];
  if (lines.some((line) => /^\s*\t/.test(line))) problems.push("indents with a tab, which YAML forbids");
  const topLevel = lines.filter((line) => /^[^\s#-][^:]*:/.test(line)).map((line) => line.slice(0, line.indexOf(":")));
  for (const key of topLevel) if (!BUILDSPEC_TOP_LEVEL.has(key)) problems.push(`has unknown top-level key ${key}`);
  const version = /^version:\s*(\S+)\s*$/m.exec(buildspec)?.[1];
  if (version !== "0.2" && version !== "0.1") problems.push(`version is ${version ?? "missing"}, not 0.2`);
  const phasesStart = lines.findIndex((line) => /^phases:\s*$/.test(line));
  if (phasesStart >= 0) {
    for (const line of lines.slice(phasesStart + 1)) {
      if (/^\S/.test(line)) break;
      const phase = /^ {2}([^\s:#][^:]*):/.exec(line)?.[1];
      if (phase && !BUILDSPEC_PHASES.has(phase)) problems.push(`has unknown phase ${phase}`);
    }
  }
  return problems;
}

const codebuildBuildspecOutline = perBlock({
  id: "codebuild-buildspec-outline",
  requirement: "An inline buildspec declares version 0.2, uses only the top-level keys and phase names the buildspec reference defines, and indents with spaces.",
  source: `https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html; ${PROVIDER}/codebuild/project.go has no validator on buildspec (a wrong one fails the first build, not the apply)`,
  types: ["aws_codebuild_project"],
  problem: (block) =>
    list<Record<string, any>>(block.body.source)
      .map((source) => source.buildspec)
      .filter((buildspec): buildspec is string => typeof buildspec === "string" && buildspec.includes("\n"))
      .flatMap((buildspec) => buildspecProblems(buildspec).map((problem) => `buildspec ${problem}`)),
  failingExample: { bad: { resource: { aws_codebuild_project: { p: { name: "p", source: { type: "CODEPIPELINE", buildspec: "version: 0.2\nphases:\n  compile:\n    commands:\n      - make\n" } } } } } },
});

// ---------------------------------------------------------------------------------------------
// CodePipeline
// ---------------------------------------------------------------------------------------------

interface PipelineAction {
  readonly stage: string;
  readonly stageIndex: number;
  readonly body: Record<string, any>;
}

const stagesOf = (pipeline: Block) => list<Record<string, any>>(pipeline.body.stage);
const actionsOf = (pipeline: Block): PipelineAction[] =>
  stagesOf(pipeline).flatMap((stage, stageIndex) => list<Record<string, any>>(stage.action).map((body) => ({ stage: String(stage.name), stageIndex, body })));

const PIPELINE_NAME = /^[A-Za-z0-9.@_-]{1,100}$/;
const ARTIFACT_NAME = /^[A-Za-z0-9_-]{1,100}$/;

const codepipelineNames = perBlock({
  id: "codepipeline-names",
  requirement: "Stage and action names are 1-100 of [A-Za-z0-9.@_-] and artifact names 1-100 of [A-Za-z0-9_-], across the whole name.",
  source: `https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StageDeclaration.html, API_ActionDeclaration.html and API_OutputArtifact.html; ${PROVIDER}/codepipeline/codepipeline.go matches the name patterns unanchored (one valid character passes) and does not check output_artifacts`,
  types: ["aws_codepipeline"],
  problem: (block) => {
    const problems: string[] = [];
    for (const stage of stagesOf(block)) if (!PIPELINE_NAME.test(String(stage.name))) problems.push(`stage name ${JSON.stringify(stage.name)} is not 1-100 of [A-Za-z0-9.@_-]`);
    for (const { stage, body } of actionsOf(block)) {
      if (!PIPELINE_NAME.test(String(body.name))) problems.push(`action ${stage}/${JSON.stringify(body.name)} name is not 1-100 of [A-Za-z0-9.@_-]`);
      for (const artifact of [...strings(body.input_artifacts), ...strings(body.output_artifacts)]) {
        if (!ARTIFACT_NAME.test(artifact)) problems.push(`action ${stage}/${body.name} artifact ${JSON.stringify(artifact)} is not 1-100 of [A-Za-z0-9_-]`);
      }
    }
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_codepipeline: {
          p: {
            name: "p",
            stage: [
              { name: "Source", action: [{ name: "GitHub", category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1", output_artifacts: ["source.zip"] }] },
              { name: "deploy prod", action: [{ name: "Deploy", category: "Build", owner: "AWS", provider: "CodeBuild", version: "1", input_artifacts: ["source.zip"] }] },
            ],
          },
        },
      },
    },
  },
});

const codepipelineStructure = perBlock({
  id: "codepipeline-structure",
  requirement:
    "A pipeline has 2-50 stages, unique stage names, at most 50 actions per stage with unique names, source actions only and all of them in the first stage, unique output artifact names, and every input artifact produced by an earlier stage or a lower run_order.",
  source: `https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html#pipeline-requirements and https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html; ${PROVIDER}/codepipeline/codepipeline.go only requires two stages`,
  types: ["aws_codepipeline"],
  problem: (block) => {
    const problems: string[] = [];
    const stages = stagesOf(block);
    if (stages.length > 50) problems.push(`${stages.length} stages, over 50`);
    const stageNames = stages.map((stage) => String(stage.name));
    const repeatedStages = stageNames.filter((name, index) => stageNames.indexOf(name) !== index);
    if (repeatedStages.length > 0) problems.push(`stage names repeat: ${[...new Set(repeatedStages)].join(", ")}`);
    const produced = new Set<string>();
    const outputs: string[] = [];
    stages.forEach((stage, index) => {
      const actions = list<Record<string, any>>(stage.action);
      if (actions.length > 50) problems.push(`stage ${stage.name} has ${actions.length} actions, over 50`);
      const names = actions.map((action) => String(action.name));
      const repeated = names.filter((name, position) => names.indexOf(name) !== position);
      if (repeated.length > 0) problems.push(`stage ${stage.name} repeats action names: ${[...new Set(repeated)].join(", ")}`);
      for (const action of actions) {
        if (index === 0 && action.category !== "Source") problems.push(`first stage ${stage.name} has ${action.category} action ${action.name}; it may hold source actions only`);
        if (index > 0 && action.category === "Source") problems.push(`source action ${action.name} is in stage ${stage.name}, not the first stage`);
      }
      const runOrders = [...new Set(actions.map((action) => Number(action.run_order ?? 1)))].sort((a, b) => a - b);
      for (const runOrder of runOrders) {
        const batch = actions.filter((action) => Number(action.run_order ?? 1) === runOrder);
        for (const action of batch) {
          for (const input of strings(action.input_artifacts)) if (!produced.has(input)) problems.push(`action ${stage.name}/${action.name} reads artifact ${input}, which no earlier action produces`);
        }
        for (const action of batch) for (const output of strings(action.output_artifacts)) {
          outputs.push(output);
          produced.add(output);
        }
      }
    });
    const repeatedOutputs = outputs.filter((name, index) => outputs.indexOf(name) !== index);
    if (repeatedOutputs.length > 0) problems.push(`output artifact names repeat: ${[...new Set(repeatedOutputs)].join(", ")}`);
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_codepipeline: {
          p: {
            name: "p",
            stage: [
              { name: "Source", action: [{ name: "GitHub", category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1", output_artifacts: ["source"] }] },
              {
                name: "Deliver",
                action: [
                  { name: "Deploy", category: "Build", owner: "AWS", provider: "CodeBuild", version: "1", run_order: 1, input_artifacts: ["image"] },
                  { name: "Build", category: "Build", owner: "AWS", provider: "CodeBuild", version: "1", run_order: 2, input_artifacts: ["source"], output_artifacts: ["image"] },
                ],
              },
            ],
          },
        },
      },
    },
  },
});

interface ActionContract {
  readonly keys: readonly string[];
  readonly required: readonly string[];
  readonly inputs: readonly [number, number];
  readonly outputs: readonly [number, number];
}

/** Per action provider: its configuration keys, the required ones, and the artifact counts it takes. */
const ACTION_CONTRACTS: Readonly<Record<string, ActionContract>> = {
  CodeBuild: { keys: ["ProjectName", "PrimarySource", "EnvironmentVariables", "BatchEnabled", "CombineArtifacts"], required: ["ProjectName"], inputs: [1, 5], outputs: [0, 5] },
  CodeStarSourceConnection: { keys: ["ConnectionArn", "FullRepositoryId", "BranchName", "OutputArtifactFormat", "DetectChanges"], required: ["ConnectionArn", "FullRepositoryId", "BranchName"], inputs: [0, 0], outputs: [1, 1] },
  Manual: { keys: ["NotificationArn", "CustomData", "ExternalEntityLink"], required: [], inputs: [0, 0], outputs: [0, 0] },
};

const CODEBUILD_VARIABLE_TYPES = new Set(["PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER"]);

/** What is wrong with a CodeBuild action's EnvironmentVariables: a JSON array of {name, value, type}. */
function environmentVariablesProblems(value: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return ["EnvironmentVariables is not JSON"];
  }
  if (!Array.isArray(parsed)) return ["EnvironmentVariables is not a JSON array"];
  return parsed.flatMap((variable: Record<string, unknown>, index) => {
    const problems: string[] = [];
    if (typeof variable?.name !== "string" || variable.name === "") problems.push(`EnvironmentVariables[${index}] has no name`);
    if (typeof variable?.value !== "string") problems.push(`EnvironmentVariables[${index}] value is not a string`);
    if (variable?.type !== undefined && !CODEBUILD_VARIABLE_TYPES.has(String(variable.type))) problems.push(`EnvironmentVariables[${index}] type ${JSON.stringify(variable.type)} is not PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER`);
    return problems;
  });
}

const codepipelineActionConfiguration = perBlock({
  id: "codepipeline-action-configuration",
  requirement:
    "Each action's configuration uses only the keys its provider defines, sets the required ones, keeps every value 1-1000 characters, gives CodeBuild EnvironmentVariables as a JSON array of {name, value, type} and approval links as http(s) URLs, and has as many input and output artifacts as the provider takes.",
  source: `https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html (configuration value length), https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference.html and reference-pipeline-structure.html#action-requirements; ${PROVIDER}/codepipeline/codepipeline.go checks key length twice and never the value length or keys`,
  types: ["aws_codepipeline"],
  problem: (block) =>
    actionsOf(block).flatMap(({ stage, body }) => {
      const name = `action ${stage}/${body.name} (${body.provider})`;
      const contract = ACTION_CONTRACTS[body.provider];
      const configuration: Record<string, unknown> = body.configuration ?? {};
      const problems: string[] = [];
      for (const [key, value] of Object.entries(configuration)) {
        if (typeof value !== "string") continue;
        if (value === "") problems.push(`${name} configuration ${key} is empty`);
        if (literalParts(value).length > 1000) problems.push(`${name} configuration ${key} is ${literalParts(value).length}+ characters, over 1000`);
      }
      if (!contract) return problems;
      for (const key of Object.keys(configuration)) if (!contract.keys.includes(key)) problems.push(`${name} configuration key ${key} is not one ${body.provider} defines (${contract.keys.join(", ")})`);
      for (const key of contract.required) if (configuration[key] === undefined) problems.push(`${name} configuration lacks ${key}`);
      if (typeof configuration.EnvironmentVariables === "string") problems.push(...environmentVariablesProblems(configuration.EnvironmentVariables).map((problem) => `${name} ${problem}`));
      if (typeof configuration.ExternalEntityLink === "string" && !/^https?:\/\//.test(configuration.ExternalEntityLink)) problems.push(`${name} ExternalEntityLink is not an http(s) URL`);
      if (typeof configuration.OutputArtifactFormat === "string" && !["CODE_ZIP", "CODEBUILD_CLONE_REF"].includes(configuration.OutputArtifactFormat)) problems.push(`${name} OutputArtifactFormat ${configuration.OutputArtifactFormat} is not CODE_ZIP or CODEBUILD_CLONE_REF`);
      const inputs = strings(body.input_artifacts).length;
      const outputs = strings(body.output_artifacts).length;
      if (inputs < contract.inputs[0] || inputs > contract.inputs[1]) problems.push(`${name} has ${inputs} input artifacts; ${body.provider} takes ${contract.inputs.join("-")}`);
      if (outputs < contract.outputs[0] || outputs > contract.outputs[1]) problems.push(`${name} has ${outputs} output artifacts; ${body.provider} takes ${contract.outputs.join("-")}`);
      return problems;
    }),
  failingExample: {
    bad: {
      resource: {
        aws_codepipeline: {
          p: {
            name: "p",
            stage: [
              { name: "Source", action: [{ name: "GitHub", category: "Source", owner: "AWS", provider: "CodeStarSourceConnection", version: "1", output_artifacts: ["source"], configuration: { ConnectionArn: "arn:aws:codeconnections:eu-west-1:123456789012:connection/x", FullRepositoryId: "acme/app", BranchName: "main" } }] },
              { name: "Build", action: [{ name: "Build", category: "Build", owner: "AWS", provider: "CodeBuild", version: "1", input_artifacts: ["source"], configuration: { ProjectName: "p", EnvironmentVariables: '{"STACK":"core-dev"}' } }] },
            ],
          },
        },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// CodeStar Notifications and Connections
// ---------------------------------------------------------------------------------------------

/** The notification event types of each resource the rules can watch. */
const NOTIFICATION_EVENT_TYPES: Readonly<Record<string, readonly string[]>> = {
  aws_codepipeline: [
    ...["succeeded", "failed", "canceled", "started"].map((state) => `codepipeline-pipeline-action-execution-${state}`),
    ...["started", "succeeded", "resumed", "canceled", "failed"].map((state) => `codepipeline-pipeline-stage-execution-${state}`),
    ...["failed", "canceled", "started", "resumed", "succeeded", "superseded"].map((state) => `codepipeline-pipeline-pipeline-execution-${state}`),
    ...["failed", "needed", "succeeded"].map((state) => `codepipeline-pipeline-manual-approval-${state}`),
  ],
  aws_codebuild_project: [
    ...["failed", "succeeded", "in-progress", "stopped"].map((state) => `codebuild-project-build-state-${state}`),
    ...["failure", "success"].map((state) => `codebuild-project-build-phase-${state}`),
  ],
};

const codestarNotificationEventTypes: ConstraintRule = {
  id: "codestar-notification-event-types",
  requirement: "A notification rule's event type ids exist for the kind of resource it watches, and its targets are of type SNS, AWSChatbotSlack or AWSChatbotMicrosoftTeams.",
  source: `https://docs.aws.amazon.com/dtconsole/latest/userguide/concepts.html#concepts-api; ${PROVIDER}/codestarnotifications/notification_rule.go checks only the number of event types and leaves target type free`,
  types: ["aws_codestarnotifications_notification_rule"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      stack.resources("aws_codestarnotifications_notification_rule").flatMap((rule): Violation[] => {
        const problems: string[] = [];
        const watched = locate(stacks, stack, rule.body.resource);
        const known = watched ? NOTIFICATION_EVENT_TYPES[watched.block.type] : undefined;
        if (known) {
          const unknown = strings(rule.body.event_type_ids).filter((id) => !known.includes(id));
          if (unknown.length > 0) problems.push(`event types ${unknown.join(", ")} do not exist for ${watched!.block.type}`);
        }
        for (const target of list<Record<string, any>>(rule.body.target)) {
          const type = target.type ?? "SNS";
          if (!["SNS", "AWSChatbotSlack", "AWSChatbotMicrosoftTeams"].includes(type)) problems.push(`target type ${type} is not SNS, AWSChatbotSlack or AWSChatbotMicrosoftTeams`);
        }
        return problems.map((problem) => ({ where: where(rule), problem }));
      }),
    ),
  failingExample: {
    bad: {
      resource: {
        aws_codepipeline: { p: { name: "p" } },
        aws_codestarnotifications_notification_rule: { n: { name: "n", detail_type: "FULL", resource: "${aws_codepipeline.p.arn}", event_type_ids: ["codepipeline-pipeline-execution-failed"] } },
      },
    },
  },
};

const codestarConnectionName = stringArgument({
  id: "codestar-connection-name",
  requirement: "A CodeStar (CodeConnections) connection name is 1-32 characters.",
  source: `https://docs.aws.amazon.com/codestar-connections/latest/APIReference/API_CreateConnection.html (ConnectionName); ${PROVIDER}/codestarconnections/connection.go has no validator on name`,
  types: ["aws_codestarconnections_connection"],
  path: "name",
  minLength: 1,
  maxLength: 32,
  failingExample: { bad: { resource: { aws_codestarconnections_connection: { c: { name: "platform-delivery-github-connection", provider_type: "GitHub" } } } } },
});

// ---------------------------------------------------------------------------------------------
// Names across stacks
// ---------------------------------------------------------------------------------------------

interface NameScope {
  readonly argument: string;
  /** IAM names are account-wide and compared without case; the others are per region. */
  readonly global?: boolean;
  readonly ignoreCase?: boolean;
  /** A second argument the name is unique within (a schedule's group). */
  readonly within?: string;
}

const NAME_SCOPES: Readonly<Record<string, NameScope>> = {
  aws_iam_role: { argument: "name", global: true, ignoreCase: true },
  aws_iam_policy: { argument: "name", global: true, ignoreCase: true },
  aws_cloudwatch_dashboard: { argument: "dashboard_name", global: true },
  aws_sns_topic: { argument: "name" },
  aws_sqs_queue: { argument: "name" },
  aws_cloudwatch_log_group: { argument: "name" },
  aws_cloudwatch_metric_alarm: { argument: "alarm_name" },
  aws_cloudwatch_event_rule: { argument: "name" },
  aws_cloudwatch_log_delivery_source: { argument: "name" },
  aws_cloudwatch_log_delivery_destination: { argument: "name" },
  aws_cloudwatch_log_resource_policy: { argument: "policy_name" },
  aws_scheduler_schedule_group: { argument: "name" },
  aws_scheduler_schedule: { argument: "name", within: "group_name" },
  aws_codebuild_project: { argument: "name" },
  aws_codepipeline: { argument: "name" },
  aws_codestarnotifications_notification_rule: { argument: "name" },
};

const namesUniquePerAccount: ConstraintRule = {
  id: "names-unique-per-account",
  requirement:
    "Across every stack of one account (a stack's account is its provider's allowed_account_ids; stacks that name none share one account), each IAM role, policy and dashboard name is unique in the account and each topic, queue, log group, alarm, rule, schedule, project, pipeline and notification rule name unique in its region; AWS otherwise rejects the second or silently makes both stacks manage one resource.",
  source:
    `https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names (unique, not case-sensitive), https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html and https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (an existing name is overwritten or returned); ${PROVIDER}/*: validators see one resource at a time`,
  types: Object.keys(NAME_SCOPES),
  check: (stacks) => {
    const owners = new Map<string, string[]>();
    for (const stack of stacks) {
      const account = String((stack.json.provider?.aws as Record<string, any>[] | undefined)?.find((provider) => !provider.alias)?.allowed_account_ids?.[0] ?? "one account");
      for (const [type, scope] of Object.entries(NAME_SCOPES)) {
        for (const block of stack.resources(type)) {
          const name = block.body[scope.argument];
          if (typeof name !== "string" || hasExpression(name)) continue;
          const within = scope.within ? String(block.body[scope.within] ?? "default") : "";
          const key = [type, account, scope.global ? "global" : stack.regionOf(block), within, scope.ignoreCase ? name.toLowerCase() : name].join("|");
          owners.set(key, [...(owners.get(key) ?? []), where(block)]);
        }
      }
    }
    return [...owners.entries()]
      .filter(([, blocks]) => blocks.length > 1)
      .map(([key, blocks]) => ({ where: blocks[0], problem: `${key.split("|").pop()} is also the name of ${blocks.slice(1).join(", ")}` }));
  },
  failingExample: {
    dev: { resource: { aws_iam_role: { r: { name: "platform-deploy", assume_role_policy: "{}" } } } },
    stage: { resource: { aws_iam_role: { r: { name: "Platform-Deploy", assume_role_policy: "{}" } } } },
    "account-a": { provider: { aws: [{ allowed_account_ids: ["222222222222"] }] }, resource: { aws_iam_policy: { p: { name: "platform-deploy-apply-boundary", policy: "{}" } } } },
    "account-b": { provider: { aws: [{ allowed_account_ids: ["222222222222"] }] }, resource: { aws_iam_policy: { p: { name: "platform-deploy-apply-boundary", policy: "{}" } } } },
  },
};

// ---------------------------------------------------------------------------------------------
// terraform_remote_state
// ---------------------------------------------------------------------------------------------

/** The arguments of the s3 backend's configuration schema, deprecated ones included since they still load. */
const S3_BACKEND_ARGUMENTS = new Set([
  "bucket", "key", "region", "encrypt", "kms_key_id", "sse_customer_key", "acl", "use_lockfile", "dynamodb_table", "workspace_key_prefix",
  "access_key", "secret_key", "token", "profile", "shared_config_files", "shared_credentials_files", "shared_credentials_file", "assume_role", "assume_role_with_web_identity",
  "endpoints", "endpoint", "dynamodb_endpoint", "iam_endpoint", "sts_endpoint", "use_path_style", "force_path_style", "use_dualstack_endpoint", "use_fips_endpoint", "sts_region",
  "insecure", "custom_ca_bundle", "max_retries", "retry_mode", "http_proxy", "https_proxy", "no_proxy", "ec2_metadata_service_endpoint", "ec2_metadata_service_endpoint_mode",
  "allowed_account_ids", "forbidden_account_ids", "skip_credentials_validation", "skip_region_validation", "skip_requesting_account_id", "skip_metadata_api_check", "skip_s3_checksum",
]);

const terraformRemoteStateProducer: ConstraintRule = {
  id: "terraform-remote-state-producer",
  requirement: "A terraform_remote_state on the s3 backend uses only arguments the backend accepts, reads the state another stack writes (same bucket, key and region), and reads only outputs that stack declares.",
  source: "hashicorp/terraform internal/backend/remote-state/s3/backend.go (ConfigSchema; use_lockfile since 1.10, top-level role_arn and the other assume-role arguments gone); nothing compares a remote state with the stack that produces it before plan",
  types: ["data.terraform_remote_state"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      stack.blocks
        .filter((block) => block.kind === "data" && block.type === "terraform_remote_state")
        .flatMap((remoteState): Violation[] => {
          const problems: string[] = [];
          if (remoteState.body.backend === "s3") {
            for (const key of Object.keys(remoteState.body.config ?? {})) if (!S3_BACKEND_ARGUMENTS.has(key)) problems.push(`config argument ${key} is not one the s3 backend accepts`);
          }
          const producer = producerOf(stacks, remoteState);
          if (!producer) problems.push(`no stack writes ${remoteState.body.backend} state ${JSON.stringify(remoteState.body.config?.key)} in bucket ${remoteState.body.config?.bucket}`);
          else {
            const read = new Set(JSON.stringify(stack.json).match(new RegExp(`data\\.terraform_remote_state\\.${remoteState.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.outputs\\.[A-Za-z0-9_-]+`, "g")) ?? []);
            for (const reference of read) {
              const output = reference.slice(reference.lastIndexOf(".") + 1);
              if (!producer.json.output?.[output]) problems.push(`reads output ${output}, which ${producer.name} does not declare`);
            }
          }
          return problems.map((problem) => ({ where: where(remoteState), problem }));
        }),
    ),
  failingExample: {
    producer: { terraform: { backend: { s3: { bucket: "state", key: "core.tfstate", region: "eu-west-1" } } }, output: { topic: { value: "x" } } },
    consumer: {
      data: { terraform_remote_state: { core: { backend: "s3", config: { bucket: "state", key: "core.tfstate", region: "eu-west-1", role_arn: "arn:aws:iam::123456789012:role/r" } } } },
      resource: { aws_sns_topic_subscription: { s: { topic_arn: "${data.terraform_remote_state.core.outputs.queue}" } } },
    },
  },
};

// ---------------------------------------------------------------------------------------------

export const group: RuleGroup = {
  rules: [
    iamRoleDescriptionCharset,
    iamPolicyDescriptionLength,
    iamPolicyDocumentCharset,
    iamManagedPolicySize,
    iamRoleInlinePoliciesSize,
    iamTrustPolicySize,
    iamRoleManagedPolicyCount,
    iamPolicyStatementElements,
    iamPolicySidFormat,
    iamPolicyConditionOperators,
    iamPolicyActionFormat,
    iamServicePrincipalFormat,
    iamAwsManagedPolicyPath,
    iamRoleGrantsWithinBoundary,
    iamOidcTrustAudience,
    cloudwatchAlarmEvaluationRange,
    cloudwatchAlarmMetricMath,
    cloudwatchAlarmActionsLimit,
    cloudwatchDashboardBody,
    cloudwatchUsEast1Metrics,
    eventsRulePatternArrays,
    logsGroupKmsKeyArn,
    logsGroupKmsKeyPolicy,
    logsDeliveryNames,
    logsDeliveryCloudfront,
    logsResourcePolicy,
    snsTopicPublishersAdmitted,
    snsSubscriptionEndpoint,
    sqsRedrivePolicy,
    sqsDeadLetterRetention,
    sqsRedriveAllowPolicy,
    sqsReceiveWaitTime,
    sqsVisibilityCoversConsumer,
    sqsVisibilitySixTimesConsumer,
    schedulerScheduleExpression,
    schedulerScheduleTimezone,
    schedulerFlexibleTimeWindow,
    schedulerLambdaInput,
    schedulerExecutionRole,
    codebuildComputeType,
    codebuildImageArchitecture,
    codebuildBuildspecOutline,
    codepipelineNames,
    codepipelineStructure,
    codepipelineActionConfiguration,
    codestarNotificationEventTypes,
    codestarConnectionName,
    namesUniquePerAccount,
    terraformRemoteStateProducer,
  ],
  reviewed: {
    aws_iam_openid_connect_provider: "iam-oidc-trust-audience (trust audiences registered by the provider); openid_connect_provider.go validates url (https, no query), client_id_list entries 1-255 and thumbprints of 40 characters",
    aws_iam_policy: "iam-policy-description-length, iam-managed-policy-size, iam-policy-document-charset, iam-policy-statement-elements, iam-policy-sid-format, iam-policy-condition-operators, iam-policy-action-format, iam-role-grants-within-boundary, names-unique-per-account; name is validated by policy.go",
    aws_iam_role:
      "iam-role-description-charset, iam-trust-policy-size, iam-role-inline-policies-size, iam-role-managed-policy-count, iam-policy-statement-elements, iam-policy-sid-format, iam-role-grants-within-boundary, iam-oidc-trust-audience, names-unique-per-account; name (64, [\\w+=,.@-]), path, max_session_duration 3600-43200 and description length are validated by role.go",
    aws_iam_role_policy: "iam-role-inline-policies-size, iam-policy-document-charset, iam-policy-statement-elements, iam-policy-sid-format, iam-policy-condition-operators, iam-policy-action-format; name (128, [\\w+=,.@-]) and role are validated by role_policy.go",
    aws_iam_role_policy_attachment: "iam-role-managed-policy-count, iam-aws-managed-policy-path; role_policy_attachment.go validates policy_arn as an ARN and role as a name",
    "data.aws_iam_policy_document": "iam-policy-document-charset, iam-policy-condition-operators, iam-policy-action-format, iam-service-principal-format, and through the resources that send it iam-policy-statement-elements and iam-policy-sid-format; policy_document.go validates effect (Allow/Deny) and version and rejects duplicate sids when it reads",
    aws_cloudwatch_dashboard: "cloudwatch-dashboard-body, cloudwatch-us-east-1-metrics, names-unique-per-account; dashboard.go validates dashboard_name (255, [-_A-Za-z0-9]) and that the body is JSON",
    aws_cloudwatch_event_rule: "events-rule-pattern-arrays, names-unique-per-account; rule.go validates name (64, [.-_A-Za-z0-9]), description (512) and event_pattern JSON up to 4096 characters",
    aws_cloudwatch_event_target: "sns-topic-publishers-admitted (EventBridge publishing to the topic); target.go validates target_id (64, [.-_A-Za-z0-9]), rule name and arn",
    aws_cloudwatch_log_delivery: "logs-delivery-names, logs-delivery-cloudfront (same region as its source and destination); delivery.go types delivery_destination_arn as an ARN and checks delivery_source_name length 1-60",
    aws_cloudwatch_log_delivery_destination: "logs-delivery-names, logs-delivery-cloudfront, names-unique-per-account; delivery_destination.go validates name length 1-60, output_format enum and one configuration block",
    aws_cloudwatch_log_delivery_source: "logs-delivery-names, logs-delivery-cloudfront (us-east-1 and ACCESS_LOGS for CloudFront), names-unique-per-account; delivery_source.go validates name length 1-60 and log_type length",
    aws_cloudwatch_log_group: "logs-group-kms-key-arn, logs-group-kms-key-policy, names-unique-per-account; group.go validates name (512, [.-_/#A-Za-z0-9]), retention_in_days values and log_group_class",
    aws_cloudwatch_log_resource_policy: "logs-resource-policy, iam-policy-statement-elements, iam-policy-condition-operators, names-unique-per-account; resource_policy.go checks the document is JSON",
    aws_cloudwatch_metric_alarm: "cloudwatch-alarm-evaluation-range, cloudwatch-alarm-metric-math, cloudwatch-alarm-actions-limit, cloudwatch-us-east-1-metrics, sns-topic-publishers-admitted, names-unique-per-account; metric_alarm.go validates names 1-255, description 1024, statistic, period values and ok/insufficient actions (5)",
    aws_sns_topic: "sns-topic-publishers-admitted (topic policy and KMS key admit the publishing services), names-unique-per-account; topic.go validates the name (256, [A-Za-z0-9_-], .fifo) in its CustomizeDiff",
    aws_sns_topic_policy: "sns-topic-publishers-admitted, iam-policy-statement-elements, iam-policy-condition-operators; topic_policy.go checks the policy is JSON",
    aws_sns_topic_subscription: "sns-subscription-endpoint; topic_subscription.go validates protocol and topic_arn",
    aws_sqs_queue: "sqs-redrive-policy, sqs-dead-letter-retention, sqs-redrive-allow-policy, sqs-receive-wait-time, sqs-visibility-covers-consumer, sqs-visibility-six-times-consumer, names-unique-per-account; queue.go validates name (80, .fifo), visibility 0-43200, retention 60-1209600, delay, message size and key reuse period",
    aws_sqs_queue_redrive_allow_policy: "sqs-redrive-allow-policy; queue_redrive_allow_policy.go checks the policy is JSON",
    aws_scheduler_schedule: "scheduler-schedule-expression, scheduler-schedule-timezone, scheduler-flexible-time-window, scheduler-lambda-input, scheduler-execution-role, names-unique-per-account; schedule.go validates name (64, [0-9A-Za-z_.-]), description 512, retry policy 60-86400 s and 0-185 attempts, window 1-1440 and the ARNs",
    aws_scheduler_schedule_group: "names-unique-per-account; schedule_group.go validates the name (1-64 of [0-9A-Za-z_.-])",
    aws_codebuild_project: "codebuild-compute-type, codebuild-image-architecture, codebuild-buildspec-outline, names-unique-per-account; project.go validates name, description 255, build_timeout 5-2160, queued_timeout 5-480 and the enums",
    aws_codepipeline: "codepipeline-names, codepipeline-structure, codepipeline-action-configuration, names-unique-per-account; codepipeline.go validates the pipeline name, categories, owners, run_order 1-999 and version",
    aws_codestarconnections_connection: "codestar-connection-name; connection.go validates provider_type and host_arn",
    aws_codestarnotifications_notification_rule: "codestar-notification-event-types, sns-topic-publishers-admitted, names-unique-per-account; notification_rule.go validates name (64, [0-9A-Za-z_ -]), detail_type, resource ARN and 1-200 event types",
    "data.aws_caller_identity": "nothing beyond the provider's validation: the data source takes no arguments (meta/caller_identity_data_source.go)",
    "data.aws_partition": "nothing beyond the provider's validation: the data source takes no arguments (meta/partition_data_source.go)",
    "data.aws_region": "nothing beyond the provider's validation: the stacks set no arguments and read .region, the 6.x attribute (meta/region_data_source.go)",
    "data.terraform_remote_state": "terraform-remote-state-producer (s3 backend arguments, producing stack, declared outputs)",
  },
};

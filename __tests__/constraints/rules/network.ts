import type { StackJson } from "../../support/synth";
import {
  type Block,
  type ConstraintRule,
  type PolicyDocument,
  type PolicyStatement,
  type RuleGroup,
  type StackView,
  type Violation,
  hasExpression,
  literalParts,
  perBlock,
  policyOf,
  stringArgument,
  valuesAt,
  where,
} from "../constraint";

const EC2_API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference";
const VPC_GUIDE = "https://docs.aws.amazon.com/vpc/latest/userguide";
const PRIVATELINK_GUIDE = "https://docs.aws.amazon.com/vpc/latest/privatelink";
const RDS_API = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference";
const PROVIDER = "hashicorp/terraform-provider-aws internal/service";

/** What EC2 accepts in VPC security group names and descriptions and in security group rule descriptions. */
const EC2_TEXT = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;

const RULE_TYPES = ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"];

/** EC2 types of this group that carry tags (routes, associations and the zone lookup have none). */
const TAGGED_EC2_TYPES = [
  "aws_vpc",
  "aws_subnet",
  "aws_route_table",
  "aws_internet_gateway",
  "aws_nat_gateway",
  "aws_eip",
  "aws_security_group",
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
  "aws_default_security_group",
  "aws_default_network_acl",
  "aws_vpc_endpoint",
  "aws_flow_log",
];

const list = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

const isWholeReference = (value: unknown): value is string => typeof value === "string" && /^\$\{[^${}]*\}$/.test(value);

const keyOf = (block: Block) => `${block.kind === "data" ? "data." : ""}${block.type}.${block.name}`;

/**
 * What an id argument names: `type.name` of the in-stack block a whole reference points at, the
 * literal id itself, or nothing when it is an expression resolved elsewhere (remote state).
 */
function identity(value: unknown, stack: StackView): string | undefined {
  if (typeof value !== "string") return undefined;
  if (isWholeReference(value)) {
    const block = stack.referenced(value);
    return block ? keyOf(block) : undefined;
  }
  return hasExpression(value) ? undefined : value;
}

function referencedOfType(value: unknown, type: string, stack: StackView): Block | undefined {
  const block = isWholeReference(value) ? stack.referenced(value) : undefined;
  return block?.type === type ? block : undefined;
}

/** The VPC a block lives in, as `aws_vpc.<name>` or a literal VPC id; nothing when it cannot be told here. */
function vpcOf(block: Block | undefined, stack: StackView): string | undefined {
  if (!block) return undefined;
  if (block.type === "aws_vpc") return keyOf(block);
  if (block.body.vpc_id !== undefined) return identity(block.body.vpc_id, stack);
  if (block.type === "aws_nat_gateway") return vpcOf(referencedOfType(block.body.subnet_id, "aws_subnet", stack), stack);
  return undefined;
}

function groupsOf<T>(items: readonly T[], keyFor: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyFor(item);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

/** A rule that looks at each stack as a whole (cross-resource agreement, uniqueness, counts). */
function acrossStack(rule: Omit<ConstraintRule, "check"> & { problems: (stack: StackView) => Violation[] }): ConstraintRule {
  const { problems, ...rest } = rule;
  return { ...rest, check: (stacks) => stacks.flatMap((stack) => problems(stack)) };
}

interface Ipv4Range {
  readonly first: number;
  readonly last: number;
  readonly prefix: number;
}

function ipv4Range(cidr: unknown): Ipv4Range | undefined {
  if (typeof cidr !== "string") return undefined;
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const address = octets.reduce((total, octet) => total * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const first = address - (address % size);
  return { first, last: first + size - 1, prefix };
}

const overlaps = (a: Ipv4Range, b: Ipv4Range) => a.first <= b.last && b.first <= a.last;
const contains = (outer: Ipv4Range, inner: Ipv4Range) => outer.first <= inner.first && inner.last <= outer.last;

const PROTOCOL_NUMBERS: Record<string, string> = { all: "-1", icmp: "1", tcp: "6", udp: "17", icmpv6: "58" };
const protocolOf = (value: unknown) => {
  const text = String(value).toLowerCase();
  return PROTOCOL_NUMBERS[text] ?? text;
};

/** `type.name` of every block a body refers to, in expressions or `depends_on`. */
function referencesOf(body: Record<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (value: unknown, key: string | undefined) => {
    if (typeof value === "string") {
      if (key === "depends_on") found.push(value);
      for (const expression of value.match(/\$\{[^}]*\}/g) ?? []) {
        for (const match of expression.matchAll(/((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)/g)) found.push(match[1]);
      }
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, key);
    } else if (value && typeof value === "object") {
      for (const [name, item] of Object.entries(value)) if (name !== "//") walk(item, name);
    }
  };
  walk(body, undefined);
  return found;
}

/** Whether Terraform creates `from` only after `target`: a reference or `depends_on` chain leads there. */
function dependsOn(from: Block, target: string, stack: StackView): boolean {
  const byKey = new Map(stack.blocks.map((block) => [keyOf(block), block]));
  const seen = new Set<string>();
  const queue = referencesOf(from.body);
  while (queue.length > 0) {
    const key = queue.shift() as string;
    if (key === target) return true;
    if (seen.has(key)) continue;
    seen.add(key);
    const block = byKey.get(key);
    if (block) queue.push(...referencesOf(block.body));
  }
  return false;
}

/**
 * Where a subnet is placed: a literal zone name, or an index into an `aws_availability_zones` data
 * source. `element()` wraps around, so an index names a zone of its own only below the zone count
 * the data source's postcondition guarantees; a plain `names[i]` fails the plan instead of wrapping.
 */
type Zone =
  | { readonly kind: "named"; readonly name: string }
  | { readonly kind: "listed"; readonly source: string; readonly index: number; readonly wraps: boolean; readonly guaranteed: number };

function guaranteedZoneCount(zones: Block | undefined): number {
  if (!zones) return 0;
  const counts = valuesAt(zones.body, "lifecycle.postcondition.condition").map((condition) => {
    const match = typeof condition === "string" ? /length\(self\.names\)\s*(>=|>)\s*(\d+)/.exec(condition) : null;
    return match ? Number(match[2]) + (match[1] === ">" ? 1 : 0) : 0;
  });
  return Math.max(0, ...counts);
}

function zoneOf(subnet: Block, stack: StackView): Zone | undefined {
  const value = subnet.body.availability_zone;
  if (typeof value !== "string") return undefined;
  if (!hasExpression(value)) return { kind: "named", name: value };
  const element = /^\$\{element\((data\.aws_availability_zones\.[A-Za-z0-9_-]+)\.names,\s*(\d+)\)\}$/.exec(value);
  const indexed = /^\$\{(data\.aws_availability_zones\.[A-Za-z0-9_-]+)\.names\[(\d+)\]\}$/.exec(value);
  const match = element ?? indexed;
  if (!match) return undefined;
  const guaranteed = guaranteedZoneCount(stack.referenced(`\${${match[1]}.names}`));
  return { kind: "listed", source: match[1], index: Number(match[2]), wraps: element !== null, guaranteed };
}

const describeZone = (zone: Zone) =>
  zone.kind === "named" ? zone.name : `${zone.wraps ? "element(" : ""}${zone.source}.names${zone.wraps ? `, ${zone.index})` : `[${zone.index}]`}`;

function compareZones(a: Zone, b: Zone): "same" | "different" | "unknown" {
  if (a.kind === "named" && b.kind === "named") return a.name === b.name ? "same" : "different";
  if (a.kind !== "listed" || b.kind !== "listed" || a.source !== b.source) return "unknown";
  if (a.index === b.index) return "same";
  const settled = (zone: typeof a) => !zone.wraps || zone.index < zone.guaranteed;
  return settled(a) && settled(b) ? "different" : "unknown";
}

const wrapHint = (zone: Zone) =>
  zone.kind === "listed" && zone.wraps
    ? ` (the data source's postcondition guarantees ${zone.guaranteed} zone(s), so element() may wrap index ${zone.index} onto another subnet's zone)`
    : "";

/** Subnets an argument lists, or nothing when any of them is not a subnet of this stack. */
function subnetsOf(value: unknown, stack: StackView): Block[] | undefined {
  const subnets = list(value).map((id) => referencedOfType(id, "aws_subnet", stack));
  return subnets.every((subnet): subnet is Block => subnet !== undefined) ? subnets : undefined;
}

function wildcardMatches(pattern: string, text: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(text);
}

const allows = (statement: PolicyStatement, action: string) =>
  statement.Effect === "Allow" && list(statement.Action).some((pattern) => typeof pattern === "string" && wildcardMatches(pattern, action));

/** The permission policies of a role that this suite can read; nothing when one comes from outside the stack. */
function permissionPolicies(role: Block, stack: StackView): PolicyDocument[] | undefined {
  if (list(role.body.managed_policy_arns).length > 0) return undefined;
  const roleKey = keyOf(role);
  const isThisRole = (value: unknown) => identity(value, stack) === roleKey || (typeof value === "string" && value === role.body.name);
  const sources: unknown[] = [
    ...valuesAt(role.body, "inline_policy.policy"),
    ...stack
      .resources("aws_iam_role_policy")
      .filter((policy) => isThisRole(policy.body.role))
      .map((policy) => policy.body.policy),
  ];
  for (const attachment of stack.resources("aws_iam_role_policy_attachment").filter((candidate) => isThisRole(candidate.body.role))) {
    const policy = referencedOfType(attachment.body.policy_arn, "aws_iam_policy", stack);
    if (!policy) return undefined;
    sources.push(policy.body.policy);
  }
  const documents = sources.map((source) => policyOf(source, stack));
  return documents.every((document): document is PolicyDocument => document !== undefined) ? documents : undefined;
}

/** Whether a security group admits TCP 443 through one of its rules in this stack. */
function admitsHttps(group: Block, stack: StackView): boolean {
  const covers443 = (protocol: unknown, from: unknown, to: unknown) => {
    const number = protocolOf(protocol);
    if (number === "-1") return true;
    return number === "6" && typeof from === "number" && typeof to === "number" && from <= 443 && 443 <= to;
  };
  const standalone = stack
    .resources("aws_vpc_security_group_ingress_rule")
    .filter((rule) => identity(rule.body.security_group_id, stack) === keyOf(group))
    .some((rule) => covers443(rule.body.ip_protocol, rule.body.from_port, rule.body.to_port));
  const inline = list(group.body.ingress).some((rule) => {
    const entry = rule as Record<string, unknown>;
    return covers443(entry.protocol, entry.from_port, entry.to_port);
  });
  return standalone || inline;
}

/** The tags a resource ends up with: the provider's default tags overlaid with its own. */
function effectiveTags(block: Block, stack: StackView): Record<string, unknown> | undefined {
  if (block.body.tags !== undefined && (typeof block.body.tags !== "object" || Array.isArray(block.body.tags))) return undefined;
  const alias = typeof block.body.provider === "string" ? block.body.provider.split(".")[1] : undefined;
  const provider = list(stack.json.provider?.aws).find((config) => (config as Record<string, unknown>).alias === alias);
  const defaults = (valuesAt(provider, "default_tags.tags")[0] ?? {}) as Record<string, unknown>;
  return { ...defaults, ...(block.body.tags ?? {}) };
}

function tagLimits(rule: {
  id: string;
  requirement: string;
  source: string;
  types: string[];
  keyMax: number;
  valueMax: number;
  reservedPrefixes: string[];
  failingExample: Record<string, StackJson>;
}): ConstraintRule {
  const { keyMax, valueMax, reservedPrefixes, ...rest } = rule;
  return perBlock({
    ...rest,
    problem: (block, stack) => {
      const tags = effectiveTags(block, stack);
      if (!tags) return undefined;
      const problems: string[] = [];
      const entries = Object.entries(tags);
      if (entries.length > 50) problems.push(`${entries.length} tags (default tags included); at most 50`);
      for (const [key, value] of entries) {
        if (hasExpression(key)) continue;
        if (key.length < 1 || key.length > keyMax) problems.push(`tag key ${JSON.stringify(key)} is not 1-${keyMax} characters`);
        const reserved = reservedPrefixes.find((prefix) => key.toLowerCase().startsWith(prefix));
        if (reserved) problems.push(`tag key ${JSON.stringify(key)} starts with the reserved prefix ${reserved}`);
        if (typeof value === "string" && literalParts(value).length > valueMax) problems.push(`tag ${key} value is longer than ${valueMax} characters`);
      }
      return problems;
    },
  });
}

const securityGroupDescriptionCharset = stringArgument({
  id: "ec2-security-group-description-charset",
  requirement:
    "A VPC security group description is 1-255 characters from a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (no apostrophes, quotes or non-ASCII).",
  source: `${EC2_API}/API_CreateSecurityGroup.html; ${PROVIDER}/ec2/vpc_security_group.go validates only the length (0-255)`,
  types: ["aws_security_group"],
  path: "description",
  pattern: EC2_TEXT,
  minLength: 1,
  failingExample: { bad: { resource: { aws_security_group: { lb: { name: "lb", description: "the app's group" } } } } },
});

const securityGroupNameCharset = perBlock({
  id: "ec2-security-group-name-charset",
  requirement: "A VPC security group name (or name prefix) uses only a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*.",
  source: `${EC2_API}/API_CreateSecurityGroup.html; ${PROVIDER}/ec2/vpc_security_group.go validates only the length and the sg- prefix`,
  types: ["aws_security_group"],
  problem: (block) =>
    ["name", "name_prefix"].flatMap((path) => {
      const value = block.body[path];
      if (typeof value !== "string" || EC2_TEXT.test(literalParts(value))) return [];
      return [`${path} ${JSON.stringify(value)} has characters outside ${EC2_TEXT}`];
    }),
  failingExample: { bad: { resource: { aws_security_group: { app: { name: "app's group", description: "app" } } } } },
});

const securityGroupRuleDescriptionCharset = stringArgument({
  id: "ec2-security-group-rule-description-charset",
  requirement:
    "A security group rule description is at most 255 characters from a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (no apostrophes, quotes or non-ASCII).",
  source: `${EC2_API}/API_IpRange.html (and API_UserIdGroupPair.html); ${PROVIDER}/ec2/vpc_security_group_ingress_rule.go (shared by the egress rule) has no validator on description`,
  types: RULE_TYPES,
  path: "description",
  pattern: EC2_TEXT,
  maxLength: 255,
  failingExample: {
    bad: {
      resource: {
        aws_vpc_security_group_ingress_rule: {
          from_link: {
            security_group_id: "sg-1",
            description: "requests from the API's link",
            ip_protocol: "tcp",
            from_port: 80,
            to_port: 80,
            cidr_ipv4: "10.0.0.0/16",
          },
        },
      },
    },
  },
});

const securityGroupNameUnique = acrossStack({
  id: "ec2-security-group-name-unique-per-vpc",
  requirement: "Security group names are unique, case-insensitively, within a VPC, and 'default' is taken by the VPC's default group.",
  source: `${EC2_API}/API_CreateSecurityGroup.html ("Names are case-insensitive and must be unique within the VPC"); ${PROVIDER}/ec2/vpc_security_group.go does not check it`,
  types: ["aws_security_group"],
  problems: (stack) => {
    const named = stack.resources("aws_security_group").filter((group) => typeof group.body.name === "string" && !hasExpression(group.body.name));
    const reserved = named
      .filter((group) => (group.body.name as string).toLowerCase() === "default")
      .map((group) => ({ where: where(group), problem: "name 'default' is the VPC's default security group" }));
    const clashes = [...groupsOf(named, (group) => `${vpcOf(group, stack) ?? "the default VPC"}|${(group.body.name as string).toLowerCase()}`).values()]
      .filter((groups) => groups.length > 1)
      .flatMap((groups) =>
        groups.map((group) => ({ where: where(group), problem: `name ${JSON.stringify(group.body.name)} is used by ${groups.length} groups in one VPC` }))
      );
    return [...reserved, ...clashes];
  },
  failingExample: {
    bad: {
      resource: {
        aws_security_group: { one: { name: "App", description: "one", vpc_id: "vpc-1" }, two: { name: "app", description: "two", vpc_id: "vpc-1" } },
      },
    },
  },
});

const securityGroupRuleUnique = acrossStack({
  id: "ec2-security-group-rule-unique",
  requirement:
    "A security group cannot hold the same rule (direction, protocol, ports and peer) twice; the second authorization fails with InvalidPermission.Duplicate.",
  source: `${EC2_API}/API_AuthorizeSecurityGroupIngress.html and ${EC2_API}/errors-overview.html (InvalidPermission.Duplicate); ${PROVIDER}/ec2/vpc_security_group_ingress_rule.go does not check it`,
  types: RULE_TYPES,
  problems: (stack) => {
    const rules = RULE_TYPES.flatMap((type) => stack.resources(type));
    const keyFor = (rule: Block) => {
      const protocol = protocolOf(rule.body.ip_protocol);
      const ports = protocol === "-1" ? "" : `${rule.body.from_port}-${rule.body.to_port}`;
      const cidr = ipv4Range(rule.body.cidr_ipv4);
      const peer = [
        cidr ? `${cidr.first}/${cidr.prefix}` : rule.body.cidr_ipv4,
        rule.body.cidr_ipv6,
        rule.body.prefix_list_id,
        rule.body.referenced_security_group_id,
      ].join("|");
      return [rule.type, rule.body.security_group_id, protocol, ports, peer].join("|");
    };
    return [...groupsOf(rules, keyFor).values()]
      .filter((group) => group.length > 1)
      .flatMap((group) =>
        group.map((rule) => ({
          where: where(rule),
          problem: `duplicates ${group
            .filter((other) => other !== rule)
            .map((other) => other.name)
            .join(", ")}`,
        }))
      );
  },
  failingExample: {
    bad: {
      resource: {
        aws_vpc_security_group_ingress_rule: {
          a: { security_group_id: "sg-1", ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.0.0.0/16" },
          b: { security_group_id: "sg-1", ip_protocol: "6", from_port: 443, to_port: 443, cidr_ipv4: "10.0.0.1/16" },
        },
      },
    },
  },
});

const securityGroupRulePorts = perBlock({
  id: "ec2-security-group-rule-port-range",
  requirement: "A TCP or UDP security group rule names a port range, from_port <= to_port, both within 0-65535.",
  source: `${EC2_API}/API_IpPermission.html ("For tcp, udp, and icmp, you must specify a port range"); ${PROVIDER}/ec2/vpc_security_group_ingress_rule.go only bounds each port to -1..65535`,
  types: RULE_TYPES,
  problem: (block) => {
    if (!["6", "17"].includes(protocolOf(block.body.ip_protocol))) return undefined;
    const { from_port: from, to_port: to } = block.body;
    if (hasExpression(from) || hasExpression(to)) return undefined;
    if (typeof from !== "number" || typeof to !== "number") return `${block.body.ip_protocol} rule without from_port and to_port`;
    if (from < 0 || to > 65535 || from > to) return `port range ${from}-${to} is not within 0-65535 in ascending order`;
    return undefined;
  },
  failingExample: {
    bad: {
      resource: {
        aws_vpc_security_group_egress_rule: { web: { security_group_id: "sg-1", ip_protocol: "tcp", from_port: 443, to_port: 80, cidr_ipv4: "0.0.0.0/0" } },
      },
    },
  },
});

const securityGroupRuleCount = acrossStack({
  id: "ec2-security-group-rules-per-group",
  requirement: "A security group holds at most 60 inbound and 60 outbound rules (default quota; each CIDR, prefix list or peer group counts as one).",
  source: `${VPC_GUIDE}/amazon-vpc-limits.html#vpc-limits-security-groups; ${PROVIDER}/ec2/vpc_security_group.go does not count rules`,
  types: ["aws_security_group", ...RULE_TYPES],
  problems: (stack) => {
    const counts = new Map<string, number>();
    const add = (key: string, count: number) => counts.set(key, (counts.get(key) ?? 0) + count);
    for (const type of RULE_TYPES) {
      const direction = type.includes("ingress") ? "inbound" : "outbound";
      for (const rule of stack.resources(type)) add(`${direction} rules of ${rule.body.security_group_id}`, 1);
    }
    for (const group of stack.resources("aws_security_group")) {
      for (const [path, direction] of [
        ["ingress", "inbound"],
        ["egress", "outbound"],
      ] as const) {
        for (const entry of list(group.body[path]) as Record<string, unknown>[]) {
          const peers =
            list(entry.cidr_blocks).length +
            list(entry.ipv6_cidr_blocks).length +
            list(entry.prefix_list_ids).length +
            list(entry.security_groups).length +
            (entry.self ? 1 : 0);
          add(`${direction} rules of \${aws_security_group.${group.name}.id}`, Math.max(1, peers));
        }
      }
    }
    return [...counts.entries()]
      .filter(([, count]) => count > 60)
      .map(([key, count]) => ({ where: stack.name, problem: `${count} ${key}; the default quota is 60` }));
  },
  failingExample: {
    bad: {
      resource: {
        aws_vpc_security_group_ingress_rule: Object.fromEntries(
          Array.from({ length: 61 }, (_, index) => [
            `r${index}`,
            { security_group_id: "sg-1", ip_protocol: "tcp", from_port: 1000 + index, to_port: 1000 + index, cidr_ipv4: "10.0.0.0/8" },
          ])
        ),
      },
    },
  },
});

/** The VPC's IPv4 ranges: its primary block and any associated secondary blocks written in this stack. */
function vpcRanges(vpc: Block, stack: StackView): Ipv4Range[] | undefined {
  const primary = ipv4Range(vpc.body.cidr_block);
  if (!primary) return undefined;
  const secondary = stack
    .resources("aws_vpc_ipv4_cidr_block_association")
    .filter((association) => identity(association.body.vpc_id, stack) === keyOf(vpc))
    .map((association) => ipv4Range(association.body.cidr_block));
  if (secondary.some((range) => range === undefined)) return undefined;
  return [primary, ...(secondary as Ipv4Range[])];
}

const subnetWithinVpc = perBlock({
  id: "ec2-subnet-cidr-within-vpc",
  requirement: "A subnet's IPv4 block is between /16 and /28 and lies inside one of its VPC's IPv4 blocks.",
  source: `${VPC_GUIDE}/subnet-sizing.html; ${PROVIDER}/ec2/vpc_subnet.go only checks that cidr_block is a network address`,
  types: ["aws_subnet"],
  problem: (block, stack) => {
    const range = ipv4Range(block.body.cidr_block);
    if (!range) return undefined;
    const problems: string[] = [];
    if (range.prefix < 16 || range.prefix > 28) problems.push(`cidr_block ${block.body.cidr_block} is not between /16 and /28`);
    const vpc = referencedOfType(block.body.vpc_id, "aws_vpc", stack);
    const ranges = vpc ? vpcRanges(vpc, stack) : undefined;
    if (ranges && !ranges.some((outer) => contains(outer, range)))
      problems.push(`cidr_block ${block.body.cidr_block} is outside the VPC's ${vpc?.body.cidr_block}`);
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_vpc: { main: { cidr_block: "10.0.0.0/16" } },
        aws_subnet: { outside: { vpc_id: "${aws_vpc.main.id}", cidr_block: "10.1.0.0/24" }, tiny: { vpc_id: "${aws_vpc.main.id}", cidr_block: "10.0.0.0/29" } },
      },
    },
  },
});

const subnetsDisjoint = acrossStack({
  id: "ec2-subnet-cidrs-disjoint",
  requirement: "The IPv4 blocks of the subnets of one VPC do not overlap (CreateSubnet fails with InvalidSubnet.Conflict).",
  source: `${VPC_GUIDE}/subnet-sizing.html and ${EC2_API}/errors-overview.html (InvalidSubnet.Conflict); ${PROVIDER}/ec2/vpc_subnet.go does not compare subnets`,
  types: ["aws_subnet"],
  problems: (stack) =>
    [...groupsOf(stack.resources("aws_subnet"), (subnet) => vpcOf(subnet, stack)).values()].flatMap((subnets) =>
      subnets.flatMap((subnet, index) =>
        subnets.slice(index + 1).flatMap((other) => {
          const [a, b] = [ipv4Range(subnet.body.cidr_block), ipv4Range(other.body.cidr_block)];
          return a && b && overlaps(a, b)
            ? [{ where: where(subnet), problem: `cidr_block ${subnet.body.cidr_block} overlaps ${other.name}'s ${other.body.cidr_block}` }]
            : [];
        })
      )
    ),
  failingExample: {
    bad: { resource: { aws_subnet: { a: { vpc_id: "vpc-1", cidr_block: "10.0.0.0/24" }, b: { vpc_id: "vpc-1", cidr_block: "10.0.0.128/25" } } } },
  },
});

const routeDestinationUnique = acrossStack({
  id: "ec2-route-destination-unique",
  requirement: "A route table holds one route per destination, and the VPC's own block is already taken by the local route (RouteAlreadyExists).",
  source: `${EC2_API}/API_CreateRoute.html and ${EC2_API}/errors-overview.html (RouteAlreadyExists); ${PROVIDER}/ec2/vpc_route.go validates one destination and one target per route, not across routes`,
  types: ["aws_route", "aws_route_table", "aws_vpc"],
  problems: (stack) => {
    const destinationOf = (entry: Record<string, unknown>) =>
      [entry.destination_cidr_block ?? entry.cidr_block, entry.destination_ipv6_cidr_block ?? entry.ipv6_cidr_block, entry.destination_prefix_list_id].find(
        (value) => typeof value === "string"
      ) as string | undefined;
    const routes = [
      ...stack
        .resources("aws_route")
        .map((route) => ({ block: route, table: identity(route.body.route_table_id, stack), destination: destinationOf(route.body) })),
      ...stack
        .resources("aws_route_table")
        .flatMap((table) =>
          (list(table.body.route) as Record<string, unknown>[]).map((entry) => ({
            block: table,
            table: keyOf(table) as string | undefined,
            destination: destinationOf(entry),
          }))
        ),
    ].filter((route) => route.table !== undefined && route.destination !== undefined && !hasExpression(route.destination));
    const duplicates = [...groupsOf(routes, (route) => `${route.table}|${route.destination}`).values()]
      .filter((group) => group.length > 1)
      .flatMap((group) => group.map((route) => ({ where: where(route.block), problem: `${group.length} routes to ${route.destination} in ${route.table}` })));
    const local = routes.flatMap((route) => {
      const table = stack.blocks.find((block) => keyOf(block) === route.table);
      const vpc = table ? referencedOfType(table.body.vpc_id, "aws_vpc", stack) : undefined;
      return vpc && vpc.body.cidr_block === route.destination
        ? [{ where: where(route.block), problem: `route to ${route.destination} repeats the VPC's local route` }]
        : [];
    });
    return [...duplicates, ...local];
  },
  failingExample: {
    bad: {
      resource: {
        aws_route: {
          a: { route_table_id: "rtb-1", destination_cidr_block: "0.0.0.0/0", gateway_id: "igw-1" },
          b: { route_table_id: "rtb-1", destination_cidr_block: "0.0.0.0/0", nat_gateway_id: "nat-1" },
        },
      },
    },
  },
});

const subnetOneRouteTable = acrossStack({
  id: "ec2-subnet-one-route-table",
  requirement: "A subnet (or gateway) is associated with one route table at a time; a second association fails with Resource.AlreadyAssociated.",
  source: `${VPC_GUIDE}/subnet-route-tables.html and ${EC2_API}/API_AssociateRouteTable.html; ${PROVIDER}/ec2/vpc_route_table_association.go validates only subnet_id xor gateway_id`,
  types: ["aws_route_table_association"],
  problems: (stack) =>
    [
      ...groupsOf(stack.resources("aws_route_table_association"), (association) =>
        identity(association.body.subnet_id ?? association.body.gateway_id, stack)
      ).entries(),
    ]
      .filter(([, associations]) => associations.length > 1)
      .flatMap(([target, associations]) =>
        associations.map((association) => ({ where: where(association), problem: `${target} has ${associations.length} route table associations` }))
      ),
  failingExample: {
    bad: {
      resource: {
        aws_route_table_association: { a: { subnet_id: "subnet-1", route_table_id: "rtb-1" }, b: { subnet_id: "subnet-1", route_table_id: "rtb-2" } },
      },
    },
  },
});

const internetGatewayPerVpc = acrossStack({
  id: "ec2-internet-gateway-one-per-vpc",
  requirement: "A VPC has at most one internet gateway attached.",
  source: `${VPC_GUIDE}/amazon-vpc-limits.html (internet gateways: one attached per VPC); ${PROVIDER}/ec2/vpc_internet_gateway.go has no validators beyond tags`,
  types: ["aws_internet_gateway"],
  problems: (stack) =>
    [...groupsOf(stack.resources("aws_internet_gateway"), (gateway) => vpcOf(gateway, stack)).entries()]
      .filter(([, gateways]) => gateways.length > 1)
      .flatMap(([vpc, gateways]) => gateways.map((gateway) => ({ where: where(gateway), problem: `${gateways.length} internet gateways attach to ${vpc}` }))),
  failingExample: { bad: { resource: { aws_internet_gateway: { a: { vpc_id: "vpc-1" }, b: { vpc_id: "vpc-1" } } } } },
});

const ipv6NeedsVpcBlock = acrossStack({
  id: "ec2-ipv6-needs-vpc-block",
  requirement:
    "A subnet with an IPv6 CIDR block, an egress-only internet gateway and a route to one belong to a VPC that has an IPv6 block (assign_generated_ipv6_cidr_block or an IPAM pool); a VPC has at most one egress-only internet gateway, and an IPv6 route names an egress-only gateway or another IPv6-capable target.",
  source: `${VPC_GUIDE}/vpc-migrate-ipv6.html (associate an IPv6 CIDR block with the VPC first, then with subnets), https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateSubnetCidrBlock.html; ${PROVIDER}/ec2/vpc_subnet.go and vpc_egress_only_internet_gateway.go validate each resource alone`,
  types: ["aws_vpc", "aws_subnet", "aws_egress_only_internet_gateway", "aws_route"],
  problems: (stack) => {
    const problems: Violation[] = [];
    const vpcWithIpv6 = (vpc: string | undefined) => {
      const block = stack.resources("aws_vpc").find((candidate) => keyOf(candidate) === vpc);
      return block === undefined || block.body.assign_generated_ipv6_cidr_block === true || block.body.ipv6_ipam_pool_id !== undefined;
    };
    for (const subnet of stack.resources("aws_subnet")) {
      if (subnet.body.ipv6_cidr_block !== undefined && !vpcWithIpv6(vpcOf(subnet, stack))) problems.push({ where: where(subnet), problem: "has an IPv6 CIDR block but its VPC has none" });
    }
    for (const [vpc, gateways] of groupsOf(stack.resources("aws_egress_only_internet_gateway"), (gateway) => vpcOf(gateway, stack))) {
      if (!vpcWithIpv6(vpc)) gateways.forEach((gateway) => problems.push({ where: where(gateway), problem: `attaches to ${vpc}, which has no IPv6 block` }));
      if (gateways.length > 1) gateways.forEach((gateway) => problems.push({ where: where(gateway), problem: `${gateways.length} egress-only internet gateways attach to ${vpc}` }));
    }
    for (const route of stack.resources("aws_route")) {
      if (route.body.egress_only_gateway_id !== undefined && route.body.destination_ipv6_cidr_block === undefined) {
        problems.push({ where: where(route), problem: "targets an egress-only internet gateway with an IPv4 destination; it carries IPv6 only" });
      }
    }
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_vpc: { main: { cidr_block: "10.0.0.0/16" } },
        aws_subnet: { a: { vpc_id: "${aws_vpc.main.id}", cidr_block: "10.0.0.0/24", ipv6_cidr_block: "${cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 0)}" } },
        aws_egress_only_internet_gateway: { e: { vpc_id: "${aws_vpc.main.id}" } },
        aws_route: { r: { route_table_id: "rtb-1", destination_cidr_block: "0.0.0.0/0", egress_only_gateway_id: "${aws_egress_only_internet_gateway.e.id}" } },
      },
    },
  },
});

const sameVpc = acrossStack({
  id: "ec2-same-vpc-references",
  requirement:
    "Subnets and route tables that are associated, routes and their gateways, an endpoint and its route tables, subnets and security groups, and a DB subnet group's subnets all belong to one VPC.",
  source: `${EC2_API}/API_AssociateRouteTable.html, ${EC2_API}/API_CreateRoute.html, ${EC2_API}/API_CreateVpcEndpoint.html, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html; the provider files (ec2/vpc_route_table_association.go, ec2/vpc_route.go, ec2/vpc_endpoint.go, rds/subnet_group.go) do not compare VPCs`,
  types: [
    "aws_route_table_association",
    "aws_route",
    "aws_vpc_endpoint",
    "aws_db_subnet_group",
    "aws_subnet",
    "aws_route_table",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_security_group",
  ],
  problems: (stack) => {
    const problems: Violation[] = [];
    const compare = (owner: Block, expected: string | undefined, related: Block | undefined, what: string) => {
      const actual = vpcOf(related, stack);
      if (related && expected !== undefined && actual !== undefined && actual !== expected) {
        problems.push({ where: where(owner), problem: `${what} ${keyOf(related)} is in ${actual}, not ${expected}` });
      }
    };
    for (const association of stack.resources("aws_route_table_association")) {
      const table = referencedOfType(association.body.route_table_id, "aws_route_table", stack);
      compare(association, vpcOf(table, stack), referencedOfType(association.body.subnet_id, "aws_subnet", stack), "subnet");
    }
    for (const route of stack.resources("aws_route")) {
      const expected = vpcOf(referencedOfType(route.body.route_table_id, "aws_route_table", stack), stack);
      compare(route, expected, referencedOfType(route.body.gateway_id, "aws_internet_gateway", stack), "internet gateway");
      compare(route, expected, referencedOfType(route.body.nat_gateway_id, "aws_nat_gateway", stack), "NAT gateway");
    }
    for (const endpoint of stack.resources("aws_vpc_endpoint")) {
      const expected = vpcOf(endpoint, stack);
      for (const id of list(endpoint.body.route_table_ids)) compare(endpoint, expected, referencedOfType(id, "aws_route_table", stack), "route table");
      for (const id of list(endpoint.body.subnet_ids)) compare(endpoint, expected, referencedOfType(id, "aws_subnet", stack), "subnet");
      for (const id of list(endpoint.body.security_group_ids)) compare(endpoint, expected, referencedOfType(id, "aws_security_group", stack), "security group");
    }
    for (const group of stack.resources("aws_db_subnet_group")) {
      const subnets = list(group.body.subnet_ids).map((id) => referencedOfType(id, "aws_subnet", stack));
      const expected = vpcOf(
        subnets.find((subnet) => subnet !== undefined),
        stack
      );
      for (const subnet of subnets) compare(group, expected, subnet, "subnet");
    }
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_subnet: { a: { vpc_id: "vpc-1", cidr_block: "10.0.0.0/24" } },
        aws_route_table: { other: { vpc_id: "vpc-2" } },
        aws_route_table_association: { a: { subnet_id: "${aws_subnet.a.id}", route_table_id: "${aws_route_table.other.id}" } },
      },
    },
  },
});

const isPublicNat = (gateway: Block) => (gateway.body.connectivity_type ?? "public") === "public";

const natAfterInternetGateway = perBlock({
  id: "ec2-nat-gateway-after-internet-gateway",
  requirement:
    "A public NAT gateway is created in a VPC that already has an internet gateway attached, so Terraform must order it after the internet gateway (a reference or depends_on chain).",
  source: `${VPC_GUIDE}/nat-gateway-troubleshooting.html ("Network vpc-xxxxxxxx has no internet gateway attached"); ${PROVIDER}/ec2/vpc_nat_gateway.go cannot see the ordering`,
  types: ["aws_nat_gateway", "aws_internet_gateway", "aws_eip"],
  problem: (block, stack) => {
    if (block.type !== "aws_nat_gateway" || !isPublicNat(block)) return undefined;
    const vpc = vpcOf(block, stack);
    if (!vpc?.startsWith("aws_vpc.")) return undefined;
    const gateways = stack.resources("aws_internet_gateway").filter((gateway) => vpcOf(gateway, stack) === vpc);
    if (gateways.length === 0) return `${vpc} has no internet gateway`;
    return gateways.some((gateway) => dependsOn(block, keyOf(gateway), stack)) ? undefined : `nothing orders it after ${keyOf(gateways[0])}; add depends_on`;
  },
  failingExample: {
    bad: {
      resource: {
        aws_vpc: { main: { cidr_block: "10.0.0.0/16" } },
        aws_internet_gateway: { igw: { vpc_id: "${aws_vpc.main.id}" } },
        aws_subnet: { public: { vpc_id: "${aws_vpc.main.id}", cidr_block: "10.0.0.0/24" } },
        aws_eip: { nat: { domain: "vpc" } },
        aws_nat_gateway: { nat: { allocation_id: "${aws_eip.nat.allocation_id}", subnet_id: "${aws_subnet.public.id}" } },
      },
    },
  },
});

/** Whether a route table sends 0.0.0.0/0 to an internet gateway. */
function routesToInternetGateway(table: Block, stack: StackView): boolean {
  const isInternetGateway = (target: unknown) =>
    referencedOfType(target, "aws_internet_gateway", stack) !== undefined || (typeof target === "string" && target.startsWith("igw-"));
  const standalone = stack
    .resources("aws_route")
    .some(
      (route) =>
        identity(route.body.route_table_id, stack) === keyOf(table) &&
        route.body.destination_cidr_block === "0.0.0.0/0" &&
        isInternetGateway(route.body.gateway_id)
    );
  const inline = (list(table.body.route) as Record<string, unknown>[]).some((entry) => entry.cidr_block === "0.0.0.0/0" && isInternetGateway(entry.gateway_id));
  return standalone || inline;
}

const natInPublicSubnet = perBlock({
  id: "ec2-nat-gateway-in-public-subnet",
  requirement: "A public NAT gateway sits in a subnet whose route table sends 0.0.0.0/0 to an internet gateway, or its traffic never leaves the VPC.",
  source: `${VPC_GUIDE}/nat-gateway-scenarios.html and ${VPC_GUIDE}/nat-gateway-troubleshooting.html; ${PROVIDER}/ec2/vpc_nat_gateway.go does not look at routing`,
  types: ["aws_nat_gateway", "aws_route_table_association", "aws_route_table", "aws_route"],
  problem: (block, stack) => {
    if (block.type !== "aws_nat_gateway" || !isPublicNat(block)) return undefined;
    const subnet = referencedOfType(block.body.subnet_id, "aws_subnet", stack);
    if (!subnet) return undefined;
    const tables = stack
      .resources("aws_route_table_association")
      .filter((association) => identity(association.body.subnet_id, stack) === keyOf(subnet))
      .map((association) => referencedOfType(association.body.route_table_id, "aws_route_table", stack));
    if (tables.length === 0)
      return `${keyOf(subnet)} has no route table association here, so it uses the VPC's main route table, which has no route to an internet gateway`;
    if (tables.some((table) => table === undefined)) return undefined;
    return (tables as Block[]).some((table) => routesToInternetGateway(table, stack))
      ? undefined
      : `${keyOf(subnet)}'s route table has no 0.0.0.0/0 route to an internet gateway`;
  },
  failingExample: {
    bad: {
      resource: {
        aws_subnet: { private: { vpc_id: "vpc-1", cidr_block: "10.0.1.0/24" } },
        aws_nat_gateway: { nat: { allocation_id: "eipalloc-1", subnet_id: "${aws_subnet.private.id}" } },
      },
    },
  },
});

const natElasticIp = acrossStack({
  id: "ec2-nat-gateway-elastic-ip",
  requirement: "A zonal public NAT gateway is created with an Elastic IP allocation, and an allocation serves one NAT gateway only.",
  source: `${VPC_GUIDE}/vpc-nat-gateway.html (a public NAT gateway gets its Elastic IP at creation) and ${VPC_GUIDE}/nat-gateway-troubleshooting.html ("Elastic IP address eipalloc-xxxxxxxx is already associated"); ${PROVIDER}/ec2/vpc_nat_gateway.go leaves allocation_id optional`,
  types: ["aws_nat_gateway", "aws_eip"],
  problems: (stack) => {
    const gateways = stack.resources("aws_nat_gateway").filter((gateway) => isPublicNat(gateway) && gateway.body.availability_mode !== "regional");
    const missing = gateways
      .filter((gateway) => gateway.body.allocation_id === undefined)
      .map((gateway) => ({ where: where(gateway), problem: "public NAT gateway without allocation_id" }));
    const uses = gateways.flatMap((gateway) =>
      [gateway.body.allocation_id, ...list(gateway.body.secondary_allocation_ids)].map((id) => ({ gateway, allocation: identity(id, stack) }))
    );
    const shared = [...groupsOf(uses, (use) => use.allocation).entries()]
      .filter(([, group]) => group.length > 1)
      .flatMap(([allocation, group]) =>
        group.map((use) => ({ where: where(use.gateway), problem: `Elastic IP ${allocation} is given to ${group.length} NAT gateways` }))
      );
    return [...missing, ...shared];
  },
  failingExample: { bad: { resource: { aws_nat_gateway: { nat: { subnet_id: "subnet-1" } } } } },
});

const GATEWAY_SERVICES = /\.(s3|dynamodb|s3express)$/;

const endpointTypeArguments = perBlock({
  id: "ec2-vpc-endpoint-type-arguments",
  requirement:
    "Gateway endpoints exist only for S3 and DynamoDB and take route tables (no subnets, security groups or private DNS); interface endpoints take subnets and no route tables.",
  source: `${EC2_API}/API_CreateVpcEndpoint.html and ${PRIVATELINK_GUIDE}/gateway-endpoints.html; ${PROVIDER}/ec2/vpc_endpoint.go validates vpc_endpoint_type but not which arguments go with it`,
  types: ["aws_vpc_endpoint"],
  problem: (block) => {
    const type = block.body.vpc_endpoint_type ?? "Gateway";
    const service = block.body.service_name;
    const problems: string[] = [];
    if (type === "Gateway") {
      if (typeof service === "string" && !GATEWAY_SERVICES.test(service)) problems.push(`service ${service} has no gateway endpoint (only S3 and DynamoDB)`);
      if (list(block.body.subnet_ids).length > 0) problems.push("a gateway endpoint takes no subnet_ids");
      if (list(block.body.security_group_ids).length > 0) problems.push("a gateway endpoint takes no security_group_ids");
      if (block.body.private_dns_enabled === true) problems.push("private DNS is for interface endpoints only");
      if (list(block.body.route_table_ids).length === 0) problems.push("a gateway endpoint without route_table_ids routes nothing");
    }
    if (type === "Interface") {
      if (list(block.body.route_table_ids).length > 0) problems.push("an interface endpoint takes no route_table_ids");
      if (list(block.body.subnet_ids).length === 0 && list(block.body.subnet_configuration).length === 0)
        problems.push("an interface endpoint without subnet_ids has no network interface to reach");
    }
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_vpc_endpoint: { ssm: { vpc_id: "vpc-1", service_name: "com.amazonaws.eu-west-1.ssm", vpc_endpoint_type: "Gateway", route_table_ids: ["rtb-1"] } },
      },
    },
  },
});

const isInterface = (block: Block) => block.type === "aws_vpc_endpoint" && block.body.vpc_endpoint_type === "Interface";

const endpointDistinctZones = perBlock({
  id: "ec2-vpc-endpoint-subnets-distinct-azs",
  requirement: "An interface endpoint takes at most one subnet per Availability Zone.",
  source: `${PRIVATELINK_GUIDE}/create-interface-endpoint.html (one subnet per Availability Zone); ${PROVIDER}/ec2/vpc_endpoint.go does not look at the subnets' zones`,
  types: ["aws_vpc_endpoint", "aws_subnet", "data.aws_availability_zones"],
  problem: (block, stack) => {
    if (!isInterface(block)) return undefined;
    const subnets = subnetsOf(block.body.subnet_ids, stack);
    if (!subnets) return undefined;
    const zones = subnets.map((subnet) => zoneOf(subnet, stack));
    const problems: string[] = [];
    zones.forEach((zone, index) =>
      zones.slice(index + 1).forEach((other, offset) => {
        if (!zone || !other) return;
        const verdict = compareZones(zone, other);
        const pair = `${subnets[index].name} and ${subnets[index + 1 + offset].name}`;
        if (verdict === "same") problems.push(`${pair} are both in ${describeZone(zone)}`);
        else if (verdict === "unknown" && zone.kind === "listed" && other.kind === "listed" && zone.source === other.source) {
          problems.push(`${pair} may share a zone${wrapHint(zone.index > other.index ? zone : other)}`);
        }
      })
    );
    return problems;
  },
  failingExample: {
    bad: {
      data: { aws_availability_zones: { azs: { state: "available" } } },
      resource: {
        aws_subnet: {
          a: { vpc_id: "vpc-1", cidr_block: "10.0.0.0/24", availability_zone: "${element(data.aws_availability_zones.azs.names, 0)}" },
          b: { vpc_id: "vpc-1", cidr_block: "10.0.1.0/24", availability_zone: "${element(data.aws_availability_zones.azs.names, 0)}" },
        },
        aws_vpc_endpoint: {
          ssm: {
            vpc_id: "vpc-1",
            service_name: "com.amazonaws.eu-west-1.ssm",
            vpc_endpoint_type: "Interface",
            subnet_ids: ["${aws_subnet.a.id}", "${aws_subnet.b.id}"],
          },
        },
      },
    },
  },
});

const endpointPrivateDns = perBlock({
  id: "ec2-vpc-endpoint-private-dns-needs-vpc-dns",
  requirement: "An interface endpoint with private DNS needs its VPC's enableDnsSupport and enableDnsHostnames both true.",
  source: `${EC2_API}/API_CreateVpcEndpoint.html (PrivateDnsEnabled); ${PROVIDER}/ec2/vpc_endpoint.go does not read the VPC's attributes`,
  types: ["aws_vpc_endpoint", "aws_vpc"],
  problem: (block, stack) => {
    if (!isInterface(block) || block.body.private_dns_enabled !== true) return undefined;
    const vpc = referencedOfType(block.body.vpc_id, "aws_vpc", stack);
    if (!vpc) return undefined;
    const problems: string[] = [];
    if (vpc.body.enable_dns_support === false) problems.push(`${keyOf(vpc)} sets enable_dns_support = false`);
    if (vpc.body.enable_dns_hostnames !== true) problems.push(`${keyOf(vpc)} does not set enable_dns_hostnames = true (AWS defaults it to false)`);
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_vpc: { main: { cidr_block: "10.0.0.0/16" } },
        aws_vpc_endpoint: {
          ssm: {
            vpc_id: "${aws_vpc.main.id}",
            service_name: "com.amazonaws.eu-west-1.ssm",
            vpc_endpoint_type: "Interface",
            subnet_ids: ["subnet-1"],
            private_dns_enabled: true,
          },
        },
      },
    },
  },
});

const endpointSecurityGroup = perBlock({
  id: "ec2-vpc-endpoint-security-group-admits-https",
  requirement:
    "An interface endpoint names its security groups (without them AWS attaches the VPC's default group) and one of them admits HTTPS (TCP 443) from its clients.",
  source: `${EC2_API}/API_CreateVpcEndpoint.html (SecurityGroupIds: "If this parameter is not specified, we use the default security group for the VPC") and ${PRIVATELINK_GUIDE}/create-interface-endpoint.html; ${PROVIDER}/ec2/vpc_endpoint.go does not read the groups' rules`,
  types: ["aws_vpc_endpoint", "aws_security_group", "aws_vpc_security_group_ingress_rule", "aws_default_security_group"],
  problem: (block, stack) => {
    if (!isInterface(block)) return undefined;
    const ids = list(block.body.security_group_ids);
    if (ids.length === 0)
      return "no security_group_ids: the VPC's default group applies, which admits only its own members (and none once its rules are stripped)";
    const groups = ids.map((id) => referencedOfType(id, "aws_security_group", stack));
    if (groups.some((group) => group === undefined)) return undefined;
    return (groups as Block[]).some((group) => admitsHttps(group, stack)) ? undefined : "none of its security groups admits TCP 443";
  },
  failingExample: {
    bad: {
      resource: {
        aws_vpc_endpoint: { ssm: { vpc_id: "vpc-1", service_name: "com.amazonaws.eu-west-1.ssm", vpc_endpoint_type: "Interface", subnet_ids: ["subnet-1"] } },
      },
    },
  },
});

const endpointOnePerService = acrossStack({
  id: "ec2-vpc-endpoint-one-per-service",
  requirement:
    "A VPC has one private-DNS interface endpoint per service (a second one conflicts over the private hosted zone), and a route table routes to one gateway endpoint per service.",
  source: `${PRIVATELINK_GUIDE}/manage-dns-names.html and ${PRIVATELINK_GUIDE}/gateway-endpoints.html (one endpoint route per service in a route table); ${PROVIDER}/ec2/vpc_endpoint.go does not compare endpoints`,
  types: ["aws_vpc_endpoint"],
  problems: (stack) => {
    const endpoints = stack.resources("aws_vpc_endpoint").filter((endpoint) => typeof endpoint.body.service_name === "string");
    const interfaces = [
      ...groupsOf(
        endpoints.filter((endpoint) => isInterface(endpoint) && endpoint.body.private_dns_enabled === true),
        (endpoint) => `${vpcOf(endpoint, stack)}|${endpoint.body.service_name}`
      ).values(),
    ]
      .filter((group) => group.length > 1)
      .flatMap((group) =>
        group.map((endpoint) => ({
          where: where(endpoint),
          problem: `${group.length} private-DNS interface endpoints for ${endpoint.body.service_name} in one VPC`,
        }))
      );
    const gatewayRoutes = endpoints
      .filter((endpoint) => (endpoint.body.vpc_endpoint_type ?? "Gateway") === "Gateway")
      .flatMap((endpoint) => list(endpoint.body.route_table_ids).map((table) => ({ endpoint, table: identity(table, stack) })));
    const gateways = [
      ...groupsOf(gatewayRoutes, (route) => (route.table === undefined ? undefined : `${route.table}|${route.endpoint.body.service_name}`)).values(),
    ]
      .filter((group) => group.length > 1)
      .flatMap((group) =>
        group.map((route) => ({
          where: where(route.endpoint),
          problem: `${group.length} gateway endpoints for ${route.endpoint.body.service_name} route through ${route.table}`,
        }))
      );
    return [...interfaces, ...gateways];
  },
  failingExample: {
    bad: {
      resource: {
        aws_vpc_endpoint: {
          a: {
            vpc_id: "vpc-1",
            service_name: "com.amazonaws.eu-west-1.ssm",
            vpc_endpoint_type: "Interface",
            subnet_ids: ["subnet-1"],
            private_dns_enabled: true,
          },
          b: {
            vpc_id: "vpc-1",
            service_name: "com.amazonaws.eu-west-1.ssm",
            vpc_endpoint_type: "Interface",
            subnet_ids: ["subnet-2"],
            private_dns_enabled: true,
          },
        },
      },
    },
  },
});

const flowLogTrafficType = perBlock({
  id: "ec2-flow-log-traffic-type",
  requirement: "A flow log of a VPC, subnet or network interface states its traffic type (ACCEPT, REJECT or ALL).",
  source: `${EC2_API}/API_CreateFlowLogs.html (TrafficType is required for all but transit gateway resources); ${PROVIDER}/ec2/vpc_flow_log.go leaves traffic_type optional with no default`,
  types: ["aws_flow_log"],
  problem: (block) => {
    if (block.body.transit_gateway_id !== undefined || block.body.transit_gateway_attachment_id !== undefined) return undefined;
    return block.body.traffic_type === undefined ? "no traffic_type" : undefined;
  },
  failingExample: { bad: { resource: { aws_flow_log: { vpc: { vpc_id: "vpc-1", log_destination_type: "s3", log_destination: "arn:aws:s3:::flow-logs" } } } } },
});

const FLOW_LOGS_PRINCIPAL = /^vpc-flow-logs\.(amazonaws\.com(\.cn)?|\$\{data\.aws_partition\.[A-Za-z0-9_-]+\.dns_suffix\})$/;
const DELIVERY_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"];

const flowLogDeliveryRole = perBlock({
  id: "ec2-flow-log-cloudwatch-delivery-role",
  requirement:
    "A flow log to CloudWatch Logs names a log group and an IAM role that vpc-flow-logs.amazonaws.com may assume and that may create streams in, write to and describe that group.",
  source: `${EC2_API}/API_CreateFlowLogs.html (DeliverLogsPermissionArn is required for cloud-watch-logs) and ${VPC_GUIDE}/flow-logs-iam-role.html; ${PROVIDER}/ec2/vpc_flow_log.go only checks that iam_role_arn is an ARN`,
  types: ["aws_flow_log", "aws_iam_role", "aws_iam_role_policy", "aws_cloudwatch_log_group"],
  problem: (block, stack) => {
    if (block.type !== "aws_flow_log" || (block.body.log_destination_type ?? "cloud-watch-logs") !== "cloud-watch-logs") return undefined;
    const problems: string[] = [];
    const destination = isWholeReference(block.body.log_destination) ? stack.referenced(block.body.log_destination) : undefined;
    if (destination && destination.type !== "aws_cloudwatch_log_group") problems.push(`log_destination ${keyOf(destination)} is not a log group`);
    if (block.body.iam_role_arn === undefined) return [...problems, "no iam_role_arn: CloudWatch Logs delivery needs one"];
    const role = referencedOfType(block.body.iam_role_arn, "aws_iam_role", stack);
    if (!role) return problems;
    const trust = policyOf(role.body.assume_role_policy, stack);
    const trusted = trust?.Statement.some(
      (statement) =>
        allows(statement, "sts:AssumeRole") &&
        typeof statement.Principal === "object" &&
        list(statement.Principal.Service).some((principal) => typeof principal === "string" && FLOW_LOGS_PRINCIPAL.test(principal))
    );
    if (trust && !trusted) problems.push(`${keyOf(role)} does not let vpc-flow-logs.amazonaws.com assume it`);
    const policies = permissionPolicies(role, stack);
    if (!policies) return problems;
    const statements = policies.flatMap((policy) => policy.Statement);
    for (const action of DELIVERY_ACTIONS.filter((candidate) => !statements.some((statement) => allows(statement, candidate))))
      problems.push(`${keyOf(role)} may not ${action}`);
    if (destination?.type === "aws_cloudwatch_log_group") {
      const groupArn = `\${${keyOf(destination)}.arn}`;
      const name = destination.body.name;
      const coversStreams = (resource: unknown) =>
        typeof resource === "string" &&
        (resource === "*" ||
          /:log-group:\*$/.test(resource) ||
          [`${groupArn}:*`, `${groupArn}*`, `${groupArn}:log-stream:*`].includes(resource) ||
          (typeof name === "string" &&
            !hasExpression(name) &&
            (resource.endsWith(`:log-group:${name}:*`) || resource.endsWith(`:log-group:${name}:log-stream:*`))));
      for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
        if (!statements.some((statement) => allows(statement, action) && list(statement.Resource).some(coversStreams)))
          problems.push(`${keyOf(role)} may not ${action} on the streams of ${keyOf(destination)}`);
      }
    }
    return problems;
  },
  failingExample: {
    bad: {
      resource: { aws_flow_log: { vpc: { vpc_id: "vpc-1", traffic_type: "ALL", log_destination: "arn:aws:logs:eu-west-1:111122223333:log-group:flow" } } },
    },
  },
});

const networkAclEntries = perBlock({
  id: "ec2-network-acl-entries",
  requirement: "A network ACL's inbound and outbound rules each have unique rule numbers and number at most 20 per direction (default quota).",
  source: `${EC2_API}/API_CreateNetworkAclEntry.html (NetworkAclEntryAlreadyExists) and ${VPC_GUIDE}/amazon-vpc-limits.html#vpc-limits-nacls; ${PROVIDER}/ec2/vpc_network_acl.go validates each rule_no (1-32766) but not uniqueness or count`,
  types: ["aws_default_network_acl"],
  problem: (block) =>
    (["ingress", "egress"] as const).flatMap((direction) => {
      const entries = list(block.body[direction]) as Record<string, unknown>[];
      const problems: string[] = [];
      if (entries.length > 20) problems.push(`${entries.length} ${direction} rules; the default quota is 20`);
      for (const [number, group] of groupsOf(entries, (entry) => (typeof entry.rule_no === "number" ? String(entry.rule_no) : undefined))) {
        if (group.length > 1) problems.push(`${group.length} ${direction} rules numbered ${number}`);
      }
      return problems;
    }),
  failingExample: {
    bad: {
      resource: {
        aws_default_network_acl: {
          default: {
            default_network_acl_id: "acl-1",
            ingress: [
              { rule_no: 100, action: "allow", protocol: "-1", from_port: 0, to_port: 0, cidr_block: "0.0.0.0/0" },
              { rule_no: 100, action: "deny", protocol: "-1", from_port: 0, to_port: 0, cidr_block: "10.0.0.0/8" },
            ],
          },
        },
      },
    },
  },
});

/** DescribeAvailabilityZones filters, and the values of those with a closed set. */
const ZONE_FILTERS: Record<string, readonly string[] | undefined> = {
  "group-long-name": undefined,
  "group-name": undefined,
  message: undefined,
  "opt-in-status": ["opted-in", "not-opted-in", "opt-in-not-required"],
  "parent-zone-id": undefined,
  "parent-zone-name": undefined,
  "region-name": undefined,
  state: ["available", "information", "impaired", "unavailable", "constrained"],
  "zone-id": undefined,
  "zone-name": undefined,
  "zone-type": ["availability-zone", "local-zone", "wavelength-zone"],
};

const availabilityZonesFilter: ConstraintRule = {
  id: "ec2-availability-zones-filter",
  requirement: "The zone lookup filters only on names DescribeAvailabilityZones knows, with values from their documented sets.",
  source: `${EC2_API}/API_DescribeAvailabilityZones.html; ${PROVIDER}/ec2/availability_zones_data_source.go passes filter blocks through unchecked (it validates only state)`,
  types: ["data.aws_availability_zones"],
  check: (stacks) =>
    stacks.flatMap((stack) =>
      stack.blocks
        .filter((block) => block.kind === "data" && block.type === "aws_availability_zones")
        .flatMap((block) =>
          (list(block.body.filter) as Record<string, unknown>[]).flatMap((filter) => {
            const name = String(filter.name);
            if (!Object.hasOwn(ZONE_FILTERS, name)) return [{ where: where(block), problem: `unknown filter ${JSON.stringify(name)}` }];
            const allowed = ZONE_FILTERS[name];
            return list(filter.values)
              .filter((value) => allowed && typeof value === "string" && !hasExpression(value) && !allowed.includes(value))
              .map((value) => ({ where: where(block), problem: `filter ${name} value ${JSON.stringify(value)} is not one of ${allowed?.join(", ")}` }));
          })
        )
    ),
  failingExample: { bad: { data: { aws_availability_zones: { azs: { filter: [{ name: "opt-in", values: ["opt-in-not-required"] }] } } } } },
};

const dbSubnetGroupZones = perBlock({
  id: "rds-db-subnet-group-spans-two-azs",
  requirement: "A DB subnet group contains subnets in at least two Availability Zones.",
  source: `${RDS_API}/API_CreateDBSubnetGroup.html (DBSubnetGroupDoesNotCoverEnoughAZs); ${PROVIDER}/rds/subnet_group.go validates the name only`,
  types: ["aws_db_subnet_group", "aws_subnet", "data.aws_availability_zones"],
  problem: (block, stack) => {
    if (block.type !== "aws_db_subnet_group") return undefined;
    const subnets = subnetsOf(block.body.subnet_ids, stack);
    if (!subnets) return undefined;
    if (subnets.length < 2) return `${subnets.length} subnet(s); at least two zones are needed`;
    const zones = subnets.map((subnet) => zoneOf(subnet, stack));
    if (zones.some((zone) => zone === undefined)) return undefined;
    const known = zones as Zone[];
    const spread = known.some((zone, index) => known.slice(index + 1).some((other) => compareZones(zone, other) === "different"));
    if (spread) return undefined;
    const allSame = known.every((zone) => compareZones(zone, known[0]) === "same");
    if (allSame) return `every subnet is in ${describeZone(known[0])}`;
    return `its subnets cannot be shown to span two zones${wrapHint(
      known.reduce((highest, zone) => (zone.kind === "listed" && highest.kind === "listed" && zone.index > highest.index ? zone : highest))
    )}`;
  },
  failingExample: {
    bad: {
      resource: {
        aws_subnet: {
          a: { vpc_id: "vpc-1", cidr_block: "10.0.0.0/24", availability_zone: "eu-west-1a" },
          b: { vpc_id: "vpc-1", cidr_block: "10.0.1.0/24", availability_zone: "eu-west-1a" },
        },
        aws_db_subnet_group: { db: { name: "db", subnet_ids: ["${aws_subnet.a.id}", "${aws_subnet.b.id}"] } },
      },
    },
  },
});

const ec2TagLimits = tagLimits({
  id: "ec2-tag-limits",
  requirement:
    "EC2 resources carry at most 50 tags (provider default tags included), keys of 1-127 characters not starting with aws:, values of at most 256 characters.",
  source: `${EC2_API}/API_Tag.html and https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions; the provider's tag schema (hashicorp/terraform-provider-aws internal/tags, TagsSchema) has no validators`,
  types: TAGGED_EC2_TYPES,
  keyMax: 127,
  valueMax: 256,
  reservedPrefixes: ["aws:"],
  failingExample: { bad: { resource: { aws_vpc: { main: { cidr_block: "10.0.0.0/16", tags: { [`k${"e".repeat(130)}`]: "long key" } } } } } },
});

const rdsTagLimits = tagLimits({
  id: "rds-db-subnet-group-tag-limits",
  requirement:
    "An RDS DB subnet group carries at most 50 tags (provider default tags included), keys of 1-128 characters not starting with aws: or rds:, values of at most 256 characters.",
  source: `${RDS_API}/API_Tag.html; ${PROVIDER}/rds/subnet_group.go (TagsSchema) has no validators`,
  types: ["aws_db_subnet_group"],
  keyMax: 128,
  valueMax: 256,
  reservedPrefixes: ["aws:", "rds:"],
  failingExample: {
    bad: { resource: { aws_db_subnet_group: { db: { name: "db", subnet_ids: ["subnet-1", "subnet-2"], tags: { "rds:owner": "platform" } } } } },
  },
});

export const group: RuleGroup = {
  rules: [
    securityGroupDescriptionCharset,
    securityGroupNameCharset,
    securityGroupRuleDescriptionCharset,
    securityGroupNameUnique,
    securityGroupRuleUnique,
    securityGroupRulePorts,
    securityGroupRuleCount,
    subnetWithinVpc,
    subnetsDisjoint,
    routeDestinationUnique,
    subnetOneRouteTable,
    internetGatewayPerVpc,
    ipv6NeedsVpcBlock,
    sameVpc,
    natAfterInternetGateway,
    natInPublicSubnet,
    natElasticIp,
    endpointTypeArguments,
    endpointDistinctZones,
    endpointPrivateDns,
    endpointSecurityGroup,
    endpointOnePerService,
    flowLogTrafficType,
    flowLogDeliveryRole,
    networkAclEntries,
    availabilityZonesFilter,
    dbSubnetGroupZones,
    ec2TagLimits,
    rdsTagLimits,
  ],
  reviewed: {
    aws_vpc:
      "ec2-subnet-cidr-within-vpc, ec2-route-destination-unique, ec2-vpc-endpoint-private-dns-needs-vpc-dns, ec2-tag-limits; the provider validates cidr_block as a /16-/28 network and instance_tenancy (internal/service/ec2/vpc_.go)",
    aws_subnet:
      "ec2-subnet-cidr-within-vpc, ec2-subnet-cidrs-disjoint, ec2-vpc-endpoint-subnets-distinct-azs, rds-db-subnet-group-spans-two-azs, ec2-same-vpc-references, ec2-tag-limits; the provider only checks that cidr_block is an IPv4 network address (internal/service/ec2/vpc_subnet.go)",
    aws_route:
      "ec2-route-destination-unique, ec2-same-vpc-references, ec2-nat-gateway-in-public-subnet; the provider validates CIDR syntax and exactly one destination and one target (internal/service/ec2/vpc_route.go)",
    aws_route_table:
      "ec2-route-destination-unique, ec2-same-vpc-references, ec2-nat-gateway-in-public-subnet, ec2-tag-limits; the provider validates inline route CIDR syntax only (internal/service/ec2/vpc_route_table.go)",
    aws_route_table_association:
      "ec2-subnet-one-route-table, ec2-same-vpc-references, ec2-nat-gateway-in-public-subnet; the provider validates subnet_id xor gateway_id (internal/service/ec2/vpc_route_table_association.go)",
    aws_egress_only_internet_gateway:
      "ec2-ipv6-needs-vpc-block, ec2-tag-limits; the provider validates nothing but vpc_id's presence (internal/service/ec2/vpc_egress_only_internet_gateway.go)",
    aws_internet_gateway:
      "ec2-internet-gateway-one-per-vpc, ec2-nat-gateway-after-internet-gateway, ec2-tag-limits; the provider has no validators beyond tags (internal/service/ec2/vpc_internet_gateway.go)",
    aws_nat_gateway:
      "ec2-nat-gateway-after-internet-gateway, ec2-nat-gateway-in-public-subnet, ec2-nat-gateway-elastic-ip, ec2-tag-limits; the provider validates connectivity_type and private_ip and rejects allocation_id on private gateways (internal/service/ec2/vpc_nat_gateway.go)",
    aws_eip:
      "ec2-nat-gateway-elastic-ip, ec2-tag-limits; the provider validates domain (vpc/standard); the stacks set nothing else AWS constrains (internal/service/ec2/ec2_eip.go)",
    aws_security_group:
      "ec2-security-group-description-charset, ec2-security-group-name-charset, ec2-security-group-name-unique-per-vpc, ec2-security-group-rules-per-group, ec2-tag-limits; the provider validates name/description length (255) and the sg- prefix, and inline rule descriptions (internal/service/ec2/vpc_security_group.go)",
    aws_vpc_security_group_egress_rule:
      "ec2-security-group-rule-description-charset, ec2-security-group-rule-unique, ec2-security-group-rule-port-range, ec2-security-group-rules-per-group, ec2-tag-limits; the provider validates CIDR syntax, ports in -1..65535 and exactly one peer (internal/service/ec2/vpc_security_group_egress_rule.go, schema in vpc_security_group_ingress_rule.go)",
    aws_vpc_security_group_ingress_rule:
      "ec2-security-group-rule-description-charset, ec2-security-group-rule-unique, ec2-security-group-rule-port-range, ec2-security-group-rules-per-group, ec2-vpc-endpoint-security-group-admits-https, ec2-tag-limits; the provider validates CIDR syntax, ports in -1..65535 and exactly one peer (internal/service/ec2/vpc_security_group_ingress_rule.go)",
    aws_default_security_group:
      "ec2-tag-limits; name and description are computed, inline rule descriptions are validated by the provider (internal/service/ec2/vpc_default_security_group.go); the stacks set only vpc_id and tags",
    aws_default_network_acl:
      "ec2-network-acl-entries, ec2-tag-limits; the provider validates rule_no (1-32766), ports and protocol names, and at apply requires 0/0 ports for protocol -1 (internal/service/ec2/vpc_default_network_acl.go, vpc_network_acl.go)",
    aws_vpc_endpoint:
      "ec2-vpc-endpoint-type-arguments, ec2-vpc-endpoint-subnets-distinct-azs, ec2-vpc-endpoint-private-dns-needs-vpc-dns, ec2-vpc-endpoint-security-group-admits-https, ec2-vpc-endpoint-one-per-service, ec2-same-vpc-references, ec2-tag-limits; the provider validates vpc_endpoint_type and dns_options enums only (internal/service/ec2/vpc_endpoint.go)",
    aws_flow_log:
      "ec2-flow-log-traffic-type, ec2-flow-log-cloudwatch-delivery-role, ec2-tag-limits; the provider validates ARNs, the destination type enum, max_aggregation_interval and one monitored resource (internal/service/ec2/vpc_flow_log.go)",
    aws_db_subnet_group:
      "rds-db-subnet-group-spans-two-azs, ec2-same-vpc-references, rds-db-subnet-group-tag-limits; the provider validates the name (lowercase, 255, not 'default') (internal/service/rds/subnet_group.go, rds/validate.go); the description has no documented constraint",
    "data.aws_availability_zones":
      "ec2-availability-zones-filter, and the zone-spread rules read its postcondition; the provider validates state only (internal/service/ec2/availability_zones_data_source.go)",
  },
};

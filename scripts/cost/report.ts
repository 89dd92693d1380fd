import { relative } from "node:path";
import { accountOf, DEPLOYING_ACCOUNT, type FreeTierCredit, freeTierCredits } from "./free-tiers";
import { PRICE_FILE, Prices, type Rate } from "./prices";
import { contextFor, ruleFor, type CostLine, type Group } from "./rules";
import { REPOSITORY_ROOT, type Stack } from "./stacks";
import { pathOf } from "./terraform";

export const SHARED = "shared";
export const README_BEGIN = "<!-- cost-report:begin";
export const README_END = "<!-- cost-report:end -->";

export interface EnvironmentCost {
  readonly name: string;
  readonly stacks: string[];
  /** The regions of the stacks' default providers. */
  readonly regions: string[];
  readonly lines: CostLine[];
  /** The AWS account the stacks deploy to (their providers' allowed_account_ids), or DEPLOYING_ACCOUNT. */
  readonly account: string;
  /** Sum of the idle lines at list price, each rounded to cents first so the total matches the lines shown. */
  readonly listMonthlyUsd: number;
  /** This environment's share of its account's free tiers. */
  readonly freeTierCredits: FreeTierCredit[];
  /** The list total less the free-tier credits: what the environment adds to its account's idle bill. */
  readonly idleMonthlyUsd: number;
}

export interface Unclassified {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
}

export interface CostReport {
  readonly hoursPerMonth: number;
  readonly pricesReadOn: string;
  readonly priceFile: string;
  readonly environments: EnvironmentCost[];
  /** bootstrap, pipeline and account baselines: stacks that belong to no environment. */
  readonly shared?: EnvironmentCost;
  /** Resource types with no rule: the report is incomplete while any is listed. */
  readonly unclassified: Unclassified[];
  readonly missingFigures: string[];
}

const LAYER_STACK = /^(core|infra|app)-(.+)$/;

export function environmentOf(stackName: string): string {
  return LAYER_STACK.exec(stackName)?.[2] ?? SHARED;
}

/** Lifecycle order for the usual names; any other environment follows, alphabetically. */
const USUAL_ORDER = ["dev", "development", "test", "qa", "stage", "staging", "preprod", "prod", "production"];

function byLifecycle(a: string, b: string): number {
  const rank = (name: string) => (USUAL_ORDER.includes(name) ? USUAL_ORDER.indexOf(name) : USUAL_ORDER.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}

const cents = (usd: number) => Math.round(usd * 100);

function costOf(name: string, stacks: Stack[], prices: Prices, unclassified: Unclassified[]): EnvironmentCost {
  const lines: CostLine[] = [];
  for (const stack of stacks) {
    for (const resource of stack.resources) {
      const rule = ruleFor(resource.type);
      if (!rule) {
        unclassified.push({ stack: stack.name, type: resource.type, name: resource.name });
        continue;
      }
      const context = contextFor(name, stacks, stack, resource, prices);
      for (const draft of rule(resource, context)) {
        lines.push({
          environment: name,
          stack: stack.name,
          address: `${resource.type}.${resource.name}`,
          type: resource.type,
          path: pathOf(resource),
          region: context.region,
          group: draft.group,
          category: draft.category,
          description: draft.description,
          cell: draft.cell,
          cellCount: draft.cellCount,
          monthlyUsd: cents(draft.monthlyUsd ?? 0) / 100,
          rates: draft.rates ?? [],
          notes: draft.notes ?? [],
          freeTierUnits: draft.freeTierUnits,
        });
      }
    }
  }
  const idle = lines.filter((line) => line.category === "idle");
  const list = idle.reduce((sum, line) => sum + cents(line.monthlyUsd), 0) / 100;
  return {
    name,
    stacks: stacks.map((stack) => stack.name),
    regions: [...new Set(stacks.map((stack) => stack.providerRegions.get("")).filter((region): region is string => !!region))],
    lines,
    account: accountOf(stacks),
    listMonthlyUsd: list,
    freeTierCredits: [],
    idleMonthlyUsd: list,
  };
}

/** Each cost with its share of its account's free tiers subtracted. */
function withFreeTiers(costs: EnvironmentCost[], prices: Prices): EnvironmentCost[] {
  const credits = freeTierCredits(costs, prices);
  return costs.map((cost) => {
    const own = credits.get(cost.name) ?? [];
    return { ...cost, freeTierCredits: own, idleMonthlyUsd: (cents(cost.listMonthlyUsd) - own.reduce((sum, credit) => sum + cents(credit.usd), 0)) / 100 };
  });
}

export function buildReport(stacks: Stack[], prices: Prices = new Prices()): CostReport {
  const byEnvironment = new Map<string, Stack[]>();
  for (const stack of stacks) {
    const environment = environmentOf(stack.name);
    byEnvironment.set(environment, [...(byEnvironment.get(environment) ?? []), stack]);
  }
  const unclassified: Unclassified[] = [];
  const listed = [...byEnvironment.keys()]
    .filter((name) => name !== SHARED)
    .sort(byLifecycle)
    .map((name) => costOf(name, byEnvironment.get(name)!, prices, unclassified));
  const sharedListed = byEnvironment.has(SHARED) ? costOf(SHARED, byEnvironment.get(SHARED)!, prices, unclassified) : undefined;
  const all = withFreeTiers([...listed, ...(sharedListed ? [sharedListed] : [])], prices);
  const environments = all.filter((cost) => cost.name !== SHARED);
  const shared = all.find((cost) => cost.name === SHARED);
  return {
    hoursPerMonth: prices.hoursPerMonth,
    pricesReadOn: prices.readOn,
    priceFile: relative(REPOSITORY_ROOT, PRICE_FILE),
    environments,
    shared,
    unclassified,
    missingFigures: prices.missing(),
  };
}

// ---------------------------------------------------------------------------------------------
// Text

const usd = (amount: number) => `$${amount.toFixed(2)}`;
const fellBack = (rates: readonly Rate[]) => rates.some((rate) => rate.fallback);

function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()];
}

/** Idle lines of one stack and type that read the same, shown once with a count ("14 × alarm ..."). */
function mergedIdleLines(cost: EnvironmentCost): { lines: CostLine[]; total: number; path: string }[] {
  const merged = new Map<string, CostLine[]>();
  for (const line of cost.lines.filter((candidate) => candidate.category === "idle")) {
    const key = [line.stack, line.type, line.description, line.monthlyUsd].join("\u0000");
    merged.set(key, [...(merged.get(key) ?? []), line]);
  }
  return [...merged.values()]
    .map((lines) => {
      const paths = lines.map((line) => line.path);
      const common = paths.reduce((prefix, path) => {
        while (!path.startsWith(prefix)) prefix = prefix.slice(0, prefix.lastIndexOf("/", prefix.length - 2) + 1);
        return prefix;
      }, paths[0].slice(0, paths[0].lastIndexOf("/") + 1));
      return { lines, total: lines.reduce((sum, line) => sum + cents(line.monthlyUsd), 0) / 100, path: lines.length > 1 ? `${common}* (${lines.length})` : paths[0] };
    })
    .sort((a, b) => b.total - a.total || a.lines[0].stack.localeCompare(b.lines[0].stack) || a.path.localeCompare(b.path));
}

const FREE_TIER_UNITS: Record<string, [string, string]> = {
  "cloudwatch.alarm.metricMonth": ["alarm metric", "alarm metrics"],
  "cloudwatch.dashboard.month": ["dashboard", "dashboards"],
};

const units = (count: number) => (Number.isInteger(count) ? String(count) : count.toFixed(2));

function creditText(credit: FreeTierCredit, account: string): string {
  const [one, many] = FREE_TIER_UNITS[credit.key] ?? [credit.key, credit.key];
  const whose = account === DEPLOYING_ACCOUNT ? "the deploying account's" : `account ${account}'s`;
  const what = (count: number) => `${units(count)} ${count === 1 ? one : many}`;
  const free = `${whose} ${what(credit.freeUnits)} free a month`;
  if (credit.sharedWith.length === 1) return `free tier: ${what(credit.creditedUnits)} of ${free} (the only user)`;
  const together = `${credit.sharedWith.join(", ")} use ${units(credit.accountUsedUnits)} together`;
  return credit.accountUsedUnits <= credit.freeUnits
    ? `free tier: ${what(credit.creditedUnits)} of ${free} (${together}: all free)`
    : `free tier: ${what(credit.creditedUnits)} of ${free} (${together}; this environment's share is in proportion to its ${units(credit.usedUnits)})`;
}

function environmentText(cost: EnvironmentCost, hours: number): string {
  const out: string[] = [];
  const title = cost.name === SHARED ? `shared stacks (${cost.stacks.join(", ")})` : `${cost.name} (${cost.regions.join(", ")})`;
  out.push(`${title}: idle ${usd(cost.idleMonthlyUsd)} a month (${hours} h)`);
  const idle = mergedIdleLines(cost);
  const width = Math.max(9, ...idle.map((entry) => usd(entry.total).length + 1));
  for (const { lines, total, path } of idle) {
    const line = lines[0];
    out.push(`  ${(usd(total) + (fellBack(line.rates) ? "†" : " ")).padStart(width)}  ${line.stack}/${path}`);
    out.push(`  ${" ".repeat(width)}  ${lines.length > 1 ? `${lines.length} × ` : ""}${line.description}`);
    for (const note of line.notes) out.push(`  ${" ".repeat(width)}    - ${note}`);
  }
  out.push(`  ${"─".repeat(width)}`);
  if (cost.freeTierCredits.length > 0) {
    out.push(`  ${usd(cost.listMonthlyUsd).padStart(width)}  at list price`);
    for (const credit of cost.freeTierCredits) out.push(`  ${`-${usd(credit.usd)}`.padStart(width)}  ${creditText(credit, cost.account)}`);
  }
  out.push(`  ${usd(cost.idleMonthlyUsd).padStart(width)}  idle total`);
  const section = (heading: string, category: CostLine["category"]) => {
    const lines = cost.lines.filter((line) => line.category === category);
    if (lines.length === 0) return;
    out.push(`  ${heading}:`);
    for (const [description, count] of countBy(lines, (line) => line.description)) {
      out.push(`    ${count > 1 ? `${count} × ` : ""}${description}`);
      for (const note of new Set(lines.filter((line) => line.description === description).flatMap((line) => line.notes))) out.push(`      - ${note}`);
    }
  };
  section("Not priced, may bill while idle (check these)", "unpriced");
  section("Billed per use, $0 idle", "usage");
  section("Billed per GB stored, about $0 for an empty platform, not priced", "storage");
  const free = cost.lines.filter((line) => line.category === "free");
  if (free.length) out.push(`  Free: ${countBy(free, (line) => line.type).map(([type, count]) => `${type} ×${count}`).join(", ")}`);
  return out.join("\n");
}

export function renderText(report: CostReport): string {
  const out = [
    `Idle cost per environment: list prices read ${report.pricesReadOn} (${report.priceFile}), ${report.hoursPerMonth} h a month, no traffic.`,
    "† a us-east-1 price: the table has no figure for the line's region.",
    "Account free tiers (10 alarm metrics, 3 dashboards) are shared by the environments of an account in proportion to their use.",
    "",
  ];
  for (const cost of [...report.environments, ...(report.shared ? [report.shared] : [])]) out.push(environmentText(cost, report.hoursPerMonth), "");
  out.push(`Totals: ${report.environments.map((cost) => `${cost.name} ${usd(cost.idleMonthlyUsd)}`).join(", ")}${report.shared ? `, shared ${usd(report.shared.idleMonthlyUsd)}` : ""}`);
  if (report.missingFigures.length) out.push("", "Figures not found (the us-east-1 figure stands in):", ...report.missingFigures.map((missing) => `  - ${missing}`));
  if (report.unclassified.length) out.push("", ...unclassifiedMessage(report));
  return out.join("\n");
}

export function unclassifiedMessage(report: CostReport): string[] {
  return [
    `Resource types the cost report does not know (add a rule in scripts/cost/rules.ts, even if only to call them free):`,
    ...countBy(report.unclassified, (entry) => `${entry.type} (${entry.stack})`).map(([what, count]) => `  - ${what}${count > 1 ? ` ×${count}` : ""}`),
  ];
}

// ---------------------------------------------------------------------------------------------
// README

const GROUP_ROWS: [Group, string][] = [
  ["nat", "NAT gateways, their IPv4"],
  ["endpoints", "interface endpoints"],
  ["database", "Aurora Serverless v2"],
  ["proxy", "RDS Proxy"],
  ["cache", "ElastiCache Serverless"],
  ["compute", "ECS Fargate, ALB"],
  ["waf", "WAF (on CloudFront)"],
  ["keys-secrets", "KMS keys, secrets"],
  ["monitoring", "alarms, dashboard"],
  ["dns", "Route 53 zone"],
];

/** "3 × NAT gateway, 3 × public IPv4: $116.07": the group's lines by cell, largest amount first. */
function cellSummary(lines: readonly CostLine[]): string {
  const byCell = new Map<string, { count: number; cents: number }>();
  for (const line of lines) {
    const cell = line.cell ?? line.type;
    const entry = byCell.get(cell) ?? { count: 0, cents: 0 };
    byCell.set(cell, { count: entry.count + (line.cellCount ?? 1), cents: entry.cents + cents(line.monthlyUsd) });
  }
  return [...byCell.entries()]
    .sort(([, x], [, y]) => y.cents - x.cents)
    .map(([cell, { count }]) => (count === 1 ? cell : `${count} × ${cell}`))
    .join(", ");
}

function groupCell(cost: EnvironmentCost, group: Group): string | undefined {
  const lines = cost.lines.filter((line) => line.category === "idle" && line.group === group);
  if (lines.length === 0) return undefined;
  const total = lines.reduce((sum, line) => sum + cents(line.monthlyUsd), 0) / 100;
  return `${cellSummary(lines)}: ${usd(total)}${lines.some((line) => fellBack(line.rates)) ? " †" : ""}`;
}

/** Which environments share which account's free tiers, as the README states it. */
function freeTierSentence(environments: readonly EnvironmentCost[]): string {
  const byAccount = new Map<string, string[]>();
  for (const cost of environments) byAccount.set(cost.account, [...(byAccount.get(cost.account) ?? []), cost.name]);
  const accounts = [...byAccount.entries()].map(([account, names]) =>
    names.length > 1 ? `${names.join(", ")} share ${account === DEPLOYING_ACCOUNT ? "one account (none sets accountId)" : `account ${account}`}` : `${names[0]} has ${account === DEPLOYING_ACCOUNT ? "an account" : `account ${account}`} to itself`,
  );
  return (
    "An account's free tiers (10 alarm metrics, 3 dashboards of up to 50 metrics a month) are shared by the environments deployed to it, in proportion to their use: " +
    `${accounts.join("; ")}. An environment with an account of its own gets them whole.`
  );
}

/** The README block between the markers (without them), from a report of the shipped stacks. */
export function renderReadmeBlock(report: CostReport): string {
  if (report.unclassified.length) throw new Error(unclassifiedMessage(report).join("\n"));
  const environments = report.environments;
  const regions = [...new Set(environments.flatMap((cost) => cost.regions))];
  const rows: string[] = [`| | ${environments.map((cost) => cost.name).join(" | ")} |`, `|---|${environments.map(() => "---|").join("")}`];
  for (const [group, label] of GROUP_ROWS) {
    const cells = environments.map((cost) => groupCell(cost, group));
    if (cells.every((cell) => cell === undefined)) continue;
    rows.push(`| ${label} | ${cells.map((cell) => cell ?? "none").join(" | ")} |`);
  }
  const unpriced = environments.map((cost) => cost.lines.filter((line) => line.category === "unpriced"));
  if (unpriced.some((lines) => lines.length > 0)) {
    rows.push(`| not priced | ${unpriced.map((lines) => (lines.length ? [...new Set(lines.map((line) => line.description.split(":")[0]))].join("; ") : "none")).join(" | ")} |`);
  }
  if (environments.some((cost) => cost.freeTierCredits.length > 0)) {
    const credit = (cost: EnvironmentCost) => cost.freeTierCredits.reduce((sum, entry) => sum + cents(entry.usd), 0) / 100;
    rows.push(`| **at list price** | ${environments.map((cost) => usd(cost.listMonthlyUsd)).join(" | ")} |`);
    rows.push(`| account free tiers, share | ${environments.map((cost) => (credit(cost) > 0 ? `−${usd(credit(cost))}` : "none")).join(" | ")} |`);
  }
  rows.push(`| **idle total** | ${environments.map((cost) => `**${usd(cost.idleMonthlyUsd)}**`).join(" | ")} |`);
  const fallbackRegion = environments.some((cost) => cost.lines.some((line) => fellBack(line.rates)));
  const shared = report.shared;
  const sharedLine = shared
    ? ` Shared stacks (${shared.stacks.join(", ")}): ${usd(shared.idleMonthlyUsd)} a month (${cellSummary(shared.lines.filter((line) => line.category === "idle"))}).`
    : "";
  return [
    "Idle cost per month of the shipped environments, generated from the synthesized stacks by `npm run cost`",
    `(${report.hoursPerMonth} h a month, no traffic, list prices less each environment's share of its account's free tiers; \`npm run cost\` lists every resource):`,
    "",
    ...rows,
    "",
    `Prices are ${regions.join(", ")} list prices read on ${report.pricesReadOn}, with their sources in \`${report.priceFile}\`` +
      `${fallbackRegion ? `; † marks a us-east-1 price where no ${regions.join("/")} figure was found` : ""}.` +
      " Billed per use and $0 idle: CloudFront, API Gateway, Lambda, SQS, SNS, DynamoDB on demand, EventBridge Scheduler, CodePipeline V2 and CodeBuild;" +
      " S3, ECR, log and backup storage bill per GB stored and are not priced." +
      ` ${freeTierSentence(environments)}` +
      sharedLine,
  ].join("\n");
}

/** `readme` with the text between its cost-report markers replaced by `block`. */
export function replaceReadmeBlock(readme: string, block: string): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no "${README_BEGIN} ... -->" ... "${README_END}" markers in that order`);
  const afterBegin = readme.indexOf("\n", begin) + 1;
  return `${readme.slice(0, afterBegin)}${block}\n${readme.slice(end)}`;
}

/** The text between the markers as it stands, for comparison with a fresh `renderReadmeBlock`. */
export function currentReadmeBlock(readme: string): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no "${README_BEGIN} ... -->" ... "${README_END}" markers in that order`);
  return readme.slice(readme.indexOf("\n", begin) + 1, end).replace(/\n$/, "");
}


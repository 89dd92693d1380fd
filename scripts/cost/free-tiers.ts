import type { Prices } from "./prices";
import type { CostLine } from "./rules";
import type { Stack } from "./stacks";

/** Environments whose stacks name no account (no `allowed_account_ids`) deploy to whatever account their credentials are in. */
export const DEPLOYING_ACCOUNT = "the deploying account";

export interface FreeTierCredit {
  /** The price whose free units these are (`cloudwatch.alarm.metricMonth`). */
  readonly key: string;
  /** The account's free units of the price, and how many this environment's lines use. */
  readonly freeUnits: number;
  readonly usedUnits: number;
  /** What every environment of the account uses together. */
  readonly accountUsedUnits: number;
  /** Every environment (or "shared") of the account using the price, with this one. */
  readonly sharedWith: string[];
  /** This environment's share of the free units: all it uses when the account's use fits the free tier, else in proportion to use. */
  readonly creditedUnits: number;
  /** What the credited units would have cost, subtracted from the idle total (cents). */
  readonly usd: number;
}

/** The account an environment's stacks deploy to: their default providers' `allowed_account_ids`. */
export function accountOf(stacks: readonly Stack[]): string {
  const accounts = new Set<string>();
  for (const stack of stacks) {
    const defaults = ([] as Record<string, any>[]).concat(stack.json.provider?.aws ?? []).filter((provider) => !provider.alias);
    for (const provider of defaults) for (const id of provider.allowed_account_ids ?? []) accounts.add(String(id));
  }
  // Only the shared stacks (bootstrap, pipeline, account baselines) can span accounts.
  return accounts.size > 0 ? [...accounts].sort().join(" + ") : DEPLOYING_ACCOUNT;
}

interface Member {
  readonly name: string;
  readonly account: string;
  readonly lines: readonly CostLine[];
}

/**
 * The account-level free tiers (CloudWatch's alarm metrics and dashboards), shared by the
 * environments of each account in proportion to what each uses: what an environment would cost
 * alongside the others, not what it would cost alone. An account's bill is the sum of its
 * environments' totals (within a cent per environment, from rounding).
 */
export function freeTierCredits(members: readonly Member[], prices: Prices): Map<string, FreeTierCredit[]> {
  const credits = new Map<string, FreeTierCredit[]>(members.map((member) => [member.name, []]));
  const usage = (member: Member, key: string) =>
    member.lines.filter((line) => line.category === "idle" && line.rates[0]?.key === key).reduce((sum, line) => sum + (line.freeTierUnits ?? 0), 0);
  for (const [key, entry] of Object.entries(prices.table.prices)) {
    const free = entry.freeTierPerAccount?.units;
    if (!free) continue;
    for (const account of new Set(members.map((member) => member.account))) {
      const users = members.filter((member) => member.account === account).map((member) => ({ member, used: usage(member, key) })).filter(({ used }) => used > 0);
      const total = users.reduce((sum, { used }) => sum + used, 0);
      for (const { member, used } of users) {
        const creditedUnits = total <= free ? used : (free * used) / total;
        const rate = member.lines.find((line) => line.rates[0]?.key === key)!.rates[0];
        credits.get(member.name)!.push({
          key,
          freeUnits: free,
          usedUnits: used,
          accountUsedUnits: total,
          sharedWith: users.map(({ member: other }) => other.name),
          creditedUnits,
          usd: Math.round(creditedUnits * rate.usd * 100) / 100,
        });
      }
    }
  }
  return credits;
}

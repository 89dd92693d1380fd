import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";

export const PRICE_FILE = join(__dirname, "prices.json");

/** The region whose figure stands in when a region has none (the one AWS lists first and best). */
export const FALLBACK_REGION = "us-east-1";

const figureSchema = z.union([
  z.strictObject({ usd: z.number().nonnegative(), read: z.iso.date(), readFrom: z.string().min(1), note: z.string().optional() }),
  z.strictObject({ usd: z.null(), note: z.string().min(1) }),
]);

const priceSchema = z.strictObject({
  unit: z.string().min(1),
  page: z.url(),
  minimumAcu: z.number().positive().optional(),
  minimumGb: z.number().positive().optional(),
  /** Units of this price every account gets free each month, whatever the region (the CloudWatch free tier). */
  freeTierPerAccount: z.strictObject({ units: z.number().positive(), readFrom: z.string().min(1) }).optional(),
  figures: z.record(z.string(), figureSchema).refine((figures) => Object.keys(figures).length > 0, "needs at least one figure"),
});

const priceTableSchema = z.strictObject({
  $comment: z.string().optional(),
  hoursPerMonth: z.number().positive(),
  prices: z.record(z.string(), priceSchema),
});

export type PriceTable = z.infer<typeof priceTableSchema>;
export type PriceKey = string;

export interface Rate {
  readonly key: PriceKey;
  readonly usd: number;
  /** The region the figure is for: the asked one, "*" (every region), or FALLBACK_REGION when the asked one has none. */
  readonly region: string;
  /** True when the asked region had no figure and FALLBACK_REGION's stands in. */
  readonly fallback: boolean;
  readonly read: string;
  readonly page: string;
}

export function loadPriceTable(file: string = PRICE_FILE): PriceTable {
  const parsed = priceTableSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    throw new Error(`${relative(process.cwd(), file)}: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  return parsed.data;
}

export class Prices {
  constructor(readonly table: PriceTable = loadPriceTable()) {}

  get hoursPerMonth(): number {
    return this.table.hoursPerMonth;
  }

  entry(key: PriceKey) {
    const entry = this.table.prices[key];
    if (!entry) throw new Error(`the price table has no "${key}"`);
    return entry;
  }

  rate(key: PriceKey, region: string): Rate {
    const entry = this.entry(key);
    for (const [candidate, fallback] of [[region, false], ["*", false], [FALLBACK_REGION, true]] as const) {
      const figure = entry.figures[candidate];
      if (figure && figure.usd !== null) {
        return { key, usd: figure.usd, region: candidate, fallback: fallback && candidate !== region, read: figure.read, page: entry.page };
      }
    }
    throw new Error(`the price table has no figure for "${key}" in ${region}, nor one for every region, nor a ${FALLBACK_REGION} one`);
  }

  /** The day the figures were read: the latest `read` of the table (one day for a table read at once). */
  get readOn(): string {
    const days = Object.values(this.table.prices).flatMap((entry) => Object.values(entry.figures).flatMap((figure) => (figure.usd === null ? [] : [figure.read])));
    return days.sort().at(-1) ?? "unknown";
  }

  /** "<key> in <region>: <note>" for every figure the table could not fill. */
  missing(): string[] {
    return Object.entries(this.table.prices).flatMap(([key, entry]) =>
      Object.entries(entry.figures).flatMap(([region, figure]) => (figure.usd === null ? [`${key} in ${region}: ${figure.note}`] : [])),
    );
  }
}

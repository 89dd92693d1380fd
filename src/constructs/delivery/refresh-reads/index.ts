import { EDGE_OPERATIONS_DELIVERY_READS } from "./edge-operations-delivery";
import { NETWORK_DATA_COMPUTE_READS } from "./network-data-compute";
import type { RefreshReads, RefreshReadTable } from "./types";

export type { RefreshReads, RefreshReadTable } from "./types";

/** Every resource and data source type the stacks can declare (`data.<type>` for data sources). */
export const REFRESH_READS: RefreshReadTable = { ...NETWORK_DATA_COMPUTE_READS, ...EDGE_OPERATIONS_DELIVERY_READS };

const union = (entries: readonly RefreshReads[], pick: (entry: RefreshReads) => readonly string[] | undefined) =>
  [...new Set(entries.flatMap((entry) => pick(entry) ?? []))].sort();

const dataSources = () => Object.entries(REFRESH_READS).filter(([type]) => type.startsWith("data."));

/** What refreshing every type needs: plain reads, secret reads, and the services that decrypt on the caller's behalf. */
export function refreshReads(): { actions: string[]; secretActions: string[]; decryptsVia: string[] } {
  const entries = Object.values(REFRESH_READS);
  return { actions: union(entries, (entry) => entry.actions), secretActions: union(entries, (entry) => entry.secretActions), decryptsVia: union(entries, (entry) => entry.decryptsVia) };
}

/** What a plan without refresh still calls: the data sources' reads (data sources are read on every plan). */
export function dataSourceReads(): string[] {
  return union(
    dataSources().map(([, entry]) => entry),
    (entry) => entry.actions,
  );
}

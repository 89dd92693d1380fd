import type { RuleGroup } from "../constraint";
import { group as computeEdge } from "./compute-edge";
import { group as dataStores } from "./data-stores";
import { group as network } from "./network";
import { group as operationsDelivery } from "./operations-delivery";

export const RULE_GROUPS: Readonly<Record<string, RuleGroup>> = { network, dataStores, computeEdge, operationsDelivery };
export const RULES = Object.values(RULE_GROUPS).flatMap((group) => group.rules);

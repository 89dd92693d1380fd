import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Every toggle a user can set in an environment file, with all its values. The matrix covers every
 * pair of values of any two toggles (all-pairs), which finds the interaction bugs a full cartesian
 * product would, in a handful of environments instead of hundreds.
 */
export const TOGGLES = {
  natMode: ["none", "single", "per-az"],
  azCount: [2, 3],
  cacheEngine: ["valkey", "redis"],
  rdsProxy: [false, true],
  waf: [false, true],
  domain: [false, true],
  interfaceEndpoints: [false, true],
  kmsKey: [true, false],
  compute: ["lambda-zip", "lambda-image", "ecs"],
  runtime: ["python", "node"],
  dynamodbTable: [false, true],
  ipv6Egress: [false, true],
} as const;

export type ToggleName = keyof typeof TOGGLES;

/** Pairs configuration validation refuses, so no environment can (or needs to) cover them. */
const REFUSED_PAIRS = new Set([
  // IPv6 egress: Lambda with the Python app, without a NAT gateway or interface endpoints.
  "natMode=single|ipv6Egress=true",
  "natMode=per-az|ipv6Egress=true",
  "interfaceEndpoints=true|ipv6Egress=true",
  "compute=ecs|ipv6Egress=true",
  "runtime=node|ipv6Egress=true",
]);
/**
 * Larger combinations it refuses although each of their pairs is allowed: without a NAT gateway or
 * interface endpoints the private subnets' only way out is IPv6 egress, which needs the Python app
 * on Lambda. Written in TOGGLES order.
 */
const REFUSED_TRIPLES = [
  "natMode=none|interfaceEndpoints=false|ipv6Egress=false",
  "natMode=none|interfaceEndpoints=false|compute=ecs",
  "natMode=none|interfaceEndpoints=false|runtime=node",
];
export type Combination = { [name in ToggleName]: (typeof TOGGLES)[name][number] };

const names = Object.keys(TOGGLES) as ToggleName[];
const pairKey = (a: ToggleName, va: unknown, b: ToggleName, vb: unknown) => `${a}=${String(va)}|${b}=${String(vb)}`;

export function allPairs(): Set<string> {
  const pairs = new Set<string>();
  names.forEach((a, i) =>
    names.slice(i + 1).forEach((b) => TOGGLES[a].forEach((va) => TOGGLES[b].forEach((vb) => pairs.add(pairKey(a, va, b, vb))))),
  );
  for (const refused of REFUSED_PAIRS) pairs.delete(refused);
  return pairs;
}

export function pairsOf(combination: Combination): string[] {
  return names.flatMap((a, i) => names.slice(i + 1).map((b) => pairKey(a, combination[a], b, combination[b])));
}

function refusedWith(row: Partial<Record<ToggleName, unknown>>, name: ToggleName, value: unknown): boolean {
  const pairRefused = Object.entries(row).some(([other, otherValue]) => {
    const ordered = names.indexOf(other as ToggleName) < names.indexOf(name);
    return REFUSED_PAIRS.has(ordered ? pairKey(other as ToggleName, otherValue, name, value) : pairKey(name, value, other as ToggleName, otherValue));
  });
  const candidate = `${name}=${String(value)}`;
  const set = new Set(Object.entries(row).map(([other, otherValue]) => `${other}=${String(otherValue)}`));
  const tripleRefused = REFUSED_TRIPLES.some((triple) => {
    const parts = triple.split("|");
    return parts.includes(candidate) && parts.every((part) => part === candidate || set.has(part));
  });
  return pairRefused || tripleRefused;
}

/** Greedy all-pairs: each new row starts from an uncovered pair and fills the other toggles to cover the most new pairs. */
export function toggleMatrix(): Combination[] {
  const uncovered = allPairs();
  const rows: Combination[] = [];
  while (uncovered.size > 0) {
    const [first] = uncovered;
    const row: Partial<Record<ToggleName, unknown>> = {};
    for (const part of first.split("|")) {
      const [name, value] = part.split("=") as [ToggleName, string];
      row[name] = TOGGLES[name].find((candidate) => String(candidate) === value);
    }
    for (const name of names) {
      if (name in row) continue;
      let best: unknown;
      let bestGain = -1;
      for (const value of TOGGLES[name]) {
        if (refusedWith(row, name, value)) continue;
        const gain = Object.entries(row).filter(([other, otherValue]) => {
          const [a, b] = names.indexOf(other as ToggleName) < names.indexOf(name) ? [other, name] : [name, other];
          const va = a === name ? value : otherValue;
          const vb = b === name ? value : otherValue;
          return uncovered.has(pairKey(a as ToggleName, va, b as ToggleName, vb));
        }).length;
        if (gain > bestGain) [best, bestGain] = [value, gain];
      }
      row[name] = best;
    }
    const combination = row as Combination;
    pairsOf(combination).forEach((pair) => uncovered.delete(pair));
    rows.push(combination);
  }
  return rows;
}

type Json = Record<string, any>;

/** An environment file for one combination, built on the shipped dev environment. */
export function environmentFor(combination: Combination, base: Json, name: string): Json {
  const environment: Json = structuredClone(base);
  environment.network = {
    ...environment.network,
    natMode: combination.natMode,
    azCount: combination.azCount,
    interfaceEndpoints: combination.interfaceEndpoints,
    ipv6Egress: combination.ipv6Egress,
  };
  environment.cache = { ...environment.cache, engine: combination.cacheEngine };
  // RDS Proxy cannot front a database that pauses at 0 ACU; config validation refuses that pair.
  environment.database = { ...environment.database, rdsProxy: combination.rdsProxy, minCapacity: combination.rdsProxy ? 0.5 : 0 };
  environment.features = { ...environment.features, waf: combination.waf, kmsKey: combination.kmsKey, dynamodbTable: combination.dynamodbTable };
  const [kind, packaging] = combination.compute === "ecs" ? ["ecs", "image"] : combination.compute.split("-");
  environment.compute = { ...environment.compute, kind, packaging, runtime: combination.runtime };
  if (combination.domain) environment.domain = { name: `${name}.example.com`, hostedZoneId: "Z0123456789ABCDEFGHIJ" };
  else delete environment.domain;
  return environment;
}

/**
 * Writes a configuration directory holding the repository's environments plus one `tmNN`
 * environment per matrix row, each with its own state key.
 */
export function writeToggleMatrixConfig(repositoryRoot: string, target: string): { name: string; combination: Combination }[] {
  mkdirSync(target, { recursive: true });
  cpSync(join(repositoryRoot, "environments"), join(target, "environments"), { recursive: true });
  cpSync(join(repositoryRoot, "delivery.config.json"), join(target, "delivery.config.json"));
  const base = JSON.parse(readFileSync(join(repositoryRoot, "environments", "dev.json"), "utf8"));
  const backend = JSON.parse(readFileSync(join(repositoryRoot, "backend.config.json"), "utf8"));
  const rows = toggleMatrix().map((combination, index) => ({ name: `tm${String(index + 1).padStart(2, "0")}`, combination }));
  for (const { name, combination } of rows) {
    writeFileSync(join(target, "environments", `${name}.json`), JSON.stringify(environmentFor(combination, base, name), null, 2));
    backend.environments[name] = { ...backend.environments.dev, keyPrefix: `${backend.project}/${name}` };
  }
  writeFileSync(join(target, "backend.config.json"), JSON.stringify(backend, null, 2));
  return rows;
}

if (require.main === module) {
  const [target] = process.argv.slice(2);
  if (!target) throw new Error("usage: tsx scripts/toggle-matrix.ts <target-config-dir>");
  for (const { name, combination } of writeToggleMatrixConfig(join(__dirname, ".."), target)) console.log(name, JSON.stringify(combination));
}

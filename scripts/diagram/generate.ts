// The architecture pages, from one synthesis of the repository's configuration plus the complete
// examples under environments/examples/ (each added as an environment named after its file, as a
// user would copy it in), so the ECS variant is drawn too.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAYERS } from "../../src/config/layers";
import { GENERATED_NOTICE, renderEnvironmentPage, renderIndexPage } from "./mermaid";
import { buildEnvironmentDiagram, type EnvironmentDiagram } from "./model";
import { readStackDirectory, type StackJson, StackGraph } from "./stacks";

export const REPOSITORY_ROOT = join(__dirname, "..", "..");
export const DOCS_DIR = join("docs", "architecture");

export interface ArchitectureDocs {
  /** Page contents by path relative to the repository root. */
  readonly files: Map<string, string>;
  readonly diagrams: EnvironmentDiagram[];
  /** Every synthesized stack, the shared ones (bootstrap, pipeline) too. */
  readonly stacks: ReadonlyMap<string, StackJson>;
  readonly synthesisSeconds: number;
}

/** A copy of the configuration with every complete example added as an environment. */
function configurationWithExamples(root: string, into: string): Map<string, string> {
  const sources = new Map<string, string>();
  cpSync(join(root, "backend.config.json"), join(into, "backend.config.json"));
  if (existsSync(join(root, "delivery.config.json"))) cpSync(join(root, "delivery.config.json"), join(into, "delivery.config.json"));
  cpSync(join(root, "environments"), join(into, "environments"), { recursive: true });
  for (const file of readdirSync(join(root, "environments")).filter((entry) => entry.endsWith(".json"))) {
    sources.set(file.replace(/\.json$/, ""), `environments/${file}`);
  }
  const backendFile = join(into, "backend.config.json");
  const backend = JSON.parse(readFileSync(backendFile, "utf8"));
  const examplesDir = join(root, "environments", "examples");
  const examples = existsSync(examplesDir) ? readdirSync(examplesDir).filter((entry) => entry.endsWith(".json")) : [];
  for (const file of examples.sort()) {
    const name = file.replace(/\.json$/, "");
    if (sources.has(name)) continue;
    cpSync(join(examplesDir, file), join(into, "environments", file));
    const template = Object.values<Record<string, unknown>>(backend.environments)[0];
    backend.environments[name] = { ...template, ...("keyPrefix" in template ? { keyPrefix: `${backend.project}/${name}` } : {}) };
    sources.set(name, `environments/examples/${file}`);
  }
  writeFileSync(backendFile, JSON.stringify(backend, null, 2));
  return sources;
}

/** Runs the real entry point (`npm run synth`'s command) and reads what it wrote. */
function synthesize(root: string): { stacks: Map<string, StackJson>; sources: Map<string, string>; seconds: number } {
  const workDir = mkdtempSync(join(tmpdir(), "platform-diagram-"));
  try {
    const configDir = join(workDir, "config");
    const outdir = join(workDir, "cdktf.out");
    const sources = configurationWithExamples(root, configDir);
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
      cwd: root,
      env: { ...process.env, PLATFORM_CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.status !== 0) throw new Error(`synthesis failed (exit ${run.status ?? run.signal}):\n${run.stderr}`);
    return { stacks: readStackDirectory(outdir), sources, seconds };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** `<layer>-<env>` stacks grouped by environment; an environment is one with an app stack. */
export function stacksByEnvironment(stacks: ReadonlyMap<string, StackJson>): Map<string, Map<string, StackJson>> {
  const environments = new Map<string, Map<string, StackJson>>();
  for (const name of [...stacks.keys()].filter((candidate) => candidate.startsWith("app-")).sort()) {
    const environment = name.slice("app-".length);
    environments.set(environment, new Map(LAYERS.filter((layer) => stacks.has(`${layer}-${environment}`)).map((layer) => [`${layer}-${environment}`, stacks.get(`${layer}-${environment}`)!])));
  }
  return environments;
}

export function diagramsOf(stacks: ReadonlyMap<string, StackJson>): EnvironmentDiagram[] {
  return [...stacksByEnvironment(stacks)].map(([environment, own]) => buildEnvironmentDiagram(environment, new StackGraph(own)));
}

export function generateArchitectureDocs(root: string = REPOSITORY_ROOT): ArchitectureDocs {
  const { stacks, sources, seconds } = synthesize(root);
  const diagrams = diagramsOf(stacks);
  const files = new Map<string, string>();
  for (const diagram of diagrams) {
    files.set(join(DOCS_DIR, `${diagram.environment}.md`), renderEnvironmentPage(diagram, sources.get(diagram.environment) ?? "unknown source"));
  }
  files.set(
    join(DOCS_DIR, "README.md"),
    renderIndexPage(diagrams.map((diagram) => ({ environment: diagram.environment, source: sources.get(diagram.environment) ?? "", stacks: diagram.stacks.map((stack) => stack.name) }))),
  );
  return { files, diagrams, stacks, synthesisSeconds: seconds };
}

/**
 * Pages on disk that differ from `files`, are missing, or are no longer generated (a generated page
 * of an environment that is gone; pages written by hand are left alone).
 */
export function stalePages(root: string, files: ReadonlyMap<string, string>): { path: string; problem: "stale" | "missing" | "not generated" }[] {
  const problems: { path: string; problem: "stale" | "missing" | "not generated" }[] = [];
  for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const file = join(root, path);
    if (!existsSync(file)) problems.push({ path, problem: "missing" });
    else if (readFileSync(file, "utf8") !== content) problems.push({ path, problem: "stale" });
  }
  const dir = join(root, DOCS_DIR);
  for (const entry of existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".md")).sort() : []) {
    const path = join(DOCS_DIR, entry);
    if (!files.has(path) && readFileSync(join(root, path), "utf8").startsWith(GENERATED_NOTICE)) problems.push({ path, problem: "not generated" });
  }
  return problems;
}

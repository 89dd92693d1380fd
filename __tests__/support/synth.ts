import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "./project";

export interface SynthRun {
  /** Exit status; null when the process was killed or never started (see `stderr`). */
  readonly status: number | null;
  readonly stderr: string;
  readonly outdir: string;
  readonly configDir: string;
}

/*
 * Every run by its output directory, so that `readStacks(run.outdir)` knows whether the synthesis
 * behind the directory succeeded: a crashed synthesis writes no stacks, and an empty map would let
 * a test asserting the absence of a stack pass on the crash.
 */
const runs = new Map<string, SynthRun>();

/**
 * Runs the real entry point (`npm run synth`'s command) against a configuration directory. Returns
 * whatever happened, failure included: only a test that expects synthesis to fail should look at
 * the run itself; every other test takes its stacks from `readStacks` or `synthesizeStacks`.
 */
export function runSynth(configDir: string = REPOSITORY_ROOT): SynthRun {
  const outdir = join(mkdtempSync(join(tmpdir(), "platform-synth-")), "cdktf.out");
  const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, PLATFORM_CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  const stderr = [run.stderr ?? "", run.signal ? `(killed by ${run.signal})` : "", run.error ? `(could not run: ${run.error.message})` : ""].filter(Boolean).join("\n");
  const result = { status: run.status, stderr, outdir, configDir };
  runs.set(outdir, result);
  return result;
}

export type StackJson = Record<string, any>;

/** Why a synthesis cannot be used: its exit status and everything it wrote to stderr. */
function failure(run: SynthRun): string {
  return `synthesis of ${run.configDir} failed (exit ${run.status ?? "none"}); stderr:\n${run.stderr || "(empty)"}`;
}

/**
 * The stacks a synthesis wrote, by name. Throws, failing the test that asked, when the synthesis
 * behind `from` (a run, or a run's `outdir`) exited non-zero, or when it wrote no stack at all.
 */
export function readStacks(from: SynthRun | string): Map<string, StackJson> {
  const outdir = typeof from === "string" ? from : from.outdir;
  const run = typeof from === "string" ? runs.get(from) : from;
  if (run && run.status !== 0) throw new Error(failure(run));
  const stacksDir = join(outdir, "stacks");
  const names = existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [];
  if (names.length === 0) throw new Error(`no stacks in ${stacksDir}${run ? `: synthesis of ${run.configDir} exited 0 without writing any; stderr:\n${run.stderr || "(empty)"}` : ""}`);
  const stacks = new Map<string, StackJson>();
  for (const name of names) stacks.set(name, JSON.parse(readFileSync(join(stacksDir, name, "cdk.tf.json"), "utf8")));
  return stacks;
}

/** Synthesizes `configDir` (default: the repository) and returns its stacks; throws with synthesis's stderr if it fails. */
export function synthesizeStacks(configDir: string = REPOSITORY_ROOT): Map<string, StackJson> {
  return readStacks(runSynth(configDir));
}

/** Every `[type, name, body]` of a resource block in a synthesized stack. */
export function resourcesOf(stack: StackJson): [string, string, Record<string, any>][] {
  return Object.entries<Record<string, any>>(stack.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries<Record<string, any>>(byName).map(([name, body]) => [type, name, body] as [string, string, Record<string, any>]),
  );
}

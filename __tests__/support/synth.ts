import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "./project";

export interface SynthRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly outdir: string;
}

/** Runs the real entry point (`npm run synth`'s command) against a configuration directory. */
export function runSynth(configDir: string = REPOSITORY_ROOT): SynthRun {
  const outdir = join(mkdtempSync(join(tmpdir(), "platform-synth-")), "cdktf.out");
  const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, PLATFORM_CONFIG_DIR: configDir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { status: run.status, stderr: run.stderr, outdir };
}

export type StackJson = Record<string, any>;

export function readStacks(outdir: string): Map<string, StackJson> {
  const stacksDir = join(outdir, "stacks");
  const stacks = new Map<string, StackJson>();
  if (!existsSync(stacksDir)) return stacks;
  for (const name of readdirSync(stacksDir).sort()) {
    stacks.set(name, JSON.parse(readFileSync(join(stacksDir, name, "cdk.tf.json"), "utf8")));
  }
  return stacks;
}

/** Every `[type, name, body]` of a resource block in a synthesized stack. */
export function resourcesOf(stack: StackJson): [string, string, Record<string, any>][] {
  return Object.entries<Record<string, any>>(stack.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries<Record<string, any>>(byName).map(([name, body]) => [type, name, body] as [string, string, Record<string, any>]),
  );
}

#!/usr/bin/env node
// Whole-app synthesis benchmark: the exact command `npm run synth` runs, repeated, reporting the
// median wall time and the peak resident memory. Usage: npm run bench [-- --runs N]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runsFlag = process.argv.indexOf("--runs");
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 7;
const TARGET = { medianSeconds: 1.5, peakMegabytes: 400 };

function synthesizeOnce() {
  const work = mkdtempSync(join(tmpdir(), "platform-bench-"));
  const rssFile = join(work, "peak-rss");
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--import", "tsx", "--import", "./scripts/peak-rss.mjs", "main.ts"], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: join(work, "cdktf.out"), BENCH_PEAK_RSS_FILE: rssFile },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    process.exit(run.status ?? 1);
  }
  const stacks = readdirSync(join(work, "cdktf.out", "stacks")).length;
  const peakBytes = Number(readFileSync(rssFile, "utf8"));
  rmSync(work, { recursive: true, force: true });
  return { seconds, peakBytes, stacks };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const warmup = synthesizeOnce(); // fills tsx's transform cache; reported, not counted
const samples = Array.from({ length: runs }, synthesizeOnce);
const seconds = samples.map((sample) => sample.seconds);
const peakMegabytes = Math.max(...samples.map((sample) => sample.peakBytes)) / 2 ** 20;
const medianSeconds = median(seconds);
const verdict = (value, limit) => (value <= limit ? "within target" : "OVER TARGET");

console.log(`whole-app synthesis: ${samples[0].stacks} stacks, ${runs} runs after one warm-up (${warmup.seconds.toFixed(2)} s)`);
console.log(`  wall time  median ${medianSeconds.toFixed(2)} s  min ${Math.min(...seconds).toFixed(2)} s  max ${Math.max(...seconds).toFixed(2)} s  (target < ${TARGET.medianSeconds} s: ${verdict(medianSeconds, TARGET.medianSeconds)})`);
console.log(`  peak RSS   ${peakMegabytes.toFixed(0)} MB  (target < ${TARGET.peakMegabytes} MB: ${verdict(peakMegabytes, TARGET.peakMegabytes)})`);

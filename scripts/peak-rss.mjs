// Preloaded by the benchmark: records the process's peak resident set size when it exits.
import { writeFileSync } from "node:fs";

const target = process.env.BENCH_PEAK_RSS_FILE;
if (target) process.on("exit", () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));

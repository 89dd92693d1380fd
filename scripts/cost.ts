// The platform's idle cost per environment, from the synthesized stacks and the price table in
// scripts/cost/prices.json (no network, no credentials).
//
// Usage: npm run cost [-- [--stacks DIR] [--json] [--readme | --check]]
//   --stacks DIR  read synthesized stacks from DIR (a cdktf.out, or its stacks/ directory) instead
//                 of synthesizing through main.ts into a throw-away directory (PLATFORM_CONFIG_DIR
//                 applies to that synthesis as to `npm run synth`)
//   --json        the whole report as JSON: every resource, its category, rates and sources
//   --readme      rewrite README.md between the cost-report markers with the generated table
//   --check       exit 1 when README.md's table differs from the generated one
//   --help        this text
//
// Exit codes: 0 done; 1 the README differs (--check) or a resource type has no rule; 2 usage or
// synthesis failure.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildReport, currentReadmeBlock, renderReadmeBlock, renderText, replaceReadmeBlock, unclassifiedMessage } from "./cost/report";
import { readStacks, REPOSITORY_ROOT, synthesize } from "./cost/stacks";

const README = join(REPOSITORY_ROOT, "README.md");

function main(): number {
  let options: { stacks?: string; json?: boolean; readme?: boolean; check?: boolean; help?: boolean };
  try {
    options = parseArgs({
      options: { stacks: { type: "string" }, json: { type: "boolean" }, readme: { type: "boolean" }, check: { type: "boolean" }, help: { type: "boolean" } },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`cost: ${(error as Error).message} (known: --stacks DIR, --json, --readme, --check, --help)`);
    return 2;
  }
  if (options.help) {
    const header = readFileSync(__filename, "utf8").split("\n").filter((line) => line.startsWith("//")).map((line) => line.replace(/^\/\/ ?/, ""));
    console.log(header.join("\n"));
    return 0;
  }
  let stacks;
  try {
    stacks = options.stacks ? readStacks(options.stacks) : synthesize();
  } catch (error) {
    console.error(`cost: ${(error as Error).message}`);
    return 2;
  }
  const report = buildReport(stacks);
  console.log(options.json ? JSON.stringify(report, null, 2) : renderText(report));
  if (report.unclassified.length) {
    if (options.json) console.error(unclassifiedMessage(report).join("\n"));
    return 1;
  }
  if (options.readme || options.check) {
    const readme = readFileSync(README, "utf8");
    const block = renderReadmeBlock(report);
    if (options.check) {
      if (currentReadmeBlock(readme) === block) return 0;
      console.error("cost: README.md's cost table differs from the stacks; run `npm run cost -- --readme`");
      return 1;
    }
    const updated = replaceReadmeBlock(readme, block);
    if (updated !== readme) writeFileSync(README, updated);
    console.error(updated === readme ? "cost: README.md's cost table is up to date" : "cost: README.md's cost table rewritten");
  }
  return 0;
}

process.exitCode = main();

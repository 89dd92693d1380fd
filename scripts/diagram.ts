// Architecture diagrams of every environment (and of the complete examples under
// environments/examples/), drawn from the synthesized stacks into docs/architecture/.
//
// Usage: npm run diagram [-- --check]
//   (no option)  synthesizes once into a temporary directory and writes docs/architecture/<env>.md
//                and docs/architecture/README.md
//   --check      writes nothing; exits 1 naming every page that is stale, missing or no longer
//                generated (what CI runs, so a stack change cannot land with an outdated diagram)
//
// Exit codes: 0 done (or, with --check, every page current); 1 a page is stale; 2 usage or synthesis failure.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateArchitectureDocs, REPOSITORY_ROOT, stalePages } from "./diagram/generate";

function main(argv: string[]): number {
  const unknown = argv.filter((arg) => arg !== "--check");
  if (unknown.length) {
    console.error(`diagram: unknown argument ${unknown[0]} (known: --check)`);
    return 2;
  }
  const check = argv.includes("--check");
  const started = process.hrtime.bigint();
  let docs: ReturnType<typeof generateArchitectureDocs>;
  try {
    docs = generateArchitectureDocs(REPOSITORY_ROOT);
  } catch (error) {
    console.error(`diagram: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const problems = stalePages(REPOSITORY_ROOT, docs.files);
  const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);

  if (check) {
    for (const { path, problem } of problems) {
      console.error(`${path}: ${problem === "not generated" ? "no environment produces it any more; delete it" : `${problem}; run npm run diagram`}`);
    }
    if (problems.length) return 1;
    console.log(`${docs.files.size} architecture pages are current (${seconds} s, synthesis ${docs.synthesisSeconds.toFixed(1)} s)`);
    return 0;
  }

  for (const { path, problem } of problems) {
    if (problem === "not generated") {
      rmSync(join(REPOSITORY_ROOT, path));
      console.log(`removed ${path}`);
    }
  }
  for (const [path, content] of docs.files) {
    const changed = problems.some((problem) => problem.path === path);
    if (changed) {
      mkdirSync(dirname(join(REPOSITORY_ROOT, path)), { recursive: true });
      writeFileSync(join(REPOSITORY_ROOT, path), content);
    }
    console.log(`${changed ? "wrote    " : "unchanged"} ${path}`);
  }
  console.log(`${docs.files.size} pages in ${seconds} s (synthesis ${docs.synthesisSeconds.toFixed(1)} s)`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));

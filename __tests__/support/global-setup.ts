import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * One temporary directory for the whole run, which every worker and every process they start
 * inherit as TMPDIR: synthesized stacks carry the 26 MB Python layer per app stack, and a run
 * synthesizes some hundred of them, so whatever a test leaves behind is removed with it.
 */
export default function globalSetup(): void {
  const root = mkdtempSync(join(tmpdir(), "platform-tests-"));
  process.env.PLATFORM_TESTS_TMPDIR = root;
  process.env.TMPDIR = root;
}

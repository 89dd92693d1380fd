import { rmSync } from "node:fs";

export default function globalTeardown(): void {
  const root = process.env.PLATFORM_TESTS_TMPDIR;
  if (root) rmSync(root, { recursive: true, force: true });
}

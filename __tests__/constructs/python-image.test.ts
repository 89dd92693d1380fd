import { readFileSync } from "node:fs";
import { join } from "node:path";

const REPOSITORY_ROOT = join(__dirname, "..", "..");
const dockerfile = readFileSync(join(REPOSITORY_ROOT, "app", "Dockerfile"), "utf8");
/** Instructions with their continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));

describe("app/Dockerfile, the Python app's image for Lambda and ECS", () => {
  it("builds on AWS's Lambda base image for python3.13 on arm64, the runtime and architecture of the zip functions", () => {
    // The zip functions' runtime is pinned as python3.13 in __tests__/stacks/app-stack.test.ts.
    expect(instructions[0]).toBe("FROM --platform=linux/arm64 public.ecr.aws/lambda/python:3.13");
  });

  it("installs exactly the layer's pins, the same way the layer does (no resolution, wheels only), into the task root", () => {
    const install = instructions.find((line) => line.startsWith("RUN pip install"))!;
    expect(install).toContain("--no-deps");
    expect(install).toContain("--only-binary=:all:");
    expect(install).toContain('--target "${LAMBDA_TASK_ROOT}"');
    expect(install).toContain("--requirement /tmp/requirements.txt");
    expect(instructions).toContain("COPY app/requirements.txt /tmp/requirements.txt");
  });

  it("copies the package the zip ships and runs the API entry point the zip functions name", () => {
    expect(instructions).toContain("COPY app/platform_app/ ${LAMBDA_TASK_ROOT}/platform_app/");
    expect(instructions[instructions.length - 1]).toBe('CMD ["platform_app.lambda_api.handler"]');
  });

  it("compiles its bytecode at build time, since ECS runs it on a read-only root file system", () => {
    expect(instructions).toContain("ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1");
    expect(instructions.some((line) => /^RUN python -m compileall /.test(line))).toBe(true);
  });
});

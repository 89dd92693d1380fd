import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where `bash scripts/toolchain.sh python` links moto's server (TOOLCHAIN_DIR moves the cache; MOTO_SERVER names another binary). */
export function motoServerPath(): string {
  if (process.env.MOTO_SERVER) return process.env.MOTO_SERVER;
  const toolchain = process.env.TOOLCHAIN_DIR ?? join(homedir(), ".cache", "serverless-platform-toolchain");
  return join(toolchain, "bin", "moto_server");
}

export interface MotoServer {
  readonly endpoint: string;
  /** Forgets every resource moto holds (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts moto_server on a free loopback port and waits until it answers. Fails (never skips) when it is not installed. */
export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  const binary = motoServerPath();
  if (!existsSync(binary)) {
    throw new Error(`moto_server is not installed at ${binary}; install it with: bash scripts/toolchain.sh python`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(binary, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`moto_server exited with code ${exited} before answering:\n${stderr}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms:\n${stderr}`);
    }
    await sleep(100);
  }

  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== undefined) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

const AWS_VARIABLES = [
  "AWS_ENDPOINT_URL",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "LOG_LEVEL",
  "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED",
] as const;

export const TEST_REGION = "eu-west-1";

/**
 * One moto server for the suite (beforeAll/afterAll), with the SDK pointed at it the way a user
 * would: AWS_ENDPOINT_URL plus fake credentials and a region. Nothing of the SDK is mocked.
 * Returns a handle whose `endpoint` is valid once beforeAll has run.
 */
export function useMoto(): { readonly endpoint: string; reset(): Promise<void> } {
  let server: MotoServer | undefined;
  const saved = new Map<string, string | undefined>();
  beforeAll(async () => {
    server = await startMoto();
    for (const name of AWS_VARIABLES) saved.set(name, process.env[name]);
    for (const name of ["AWS_SESSION_TOKEN", "AWS_PROFILE"]) delete process.env[name];
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: TEST_REGION,
      AWS_DEFAULT_REGION: TEST_REGION,
      // No developer profile or instance metadata may leak in.
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_EC2_METADATA_DISABLED: "true",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
      // The SDK warns once per process on Node.js < 22; Lambda runs 22, this is only the test host.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });
  }, 40_000);
  afterAll(async () => {
    await server?.stop();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  return {
    get endpoint() {
      if (!server) throw new Error("moto is not started yet (use the endpoint inside tests or hooks)");
      return server.endpoint;
    },
    reset: () => (server ? server.reset() : Promise.resolve()),
  };
}

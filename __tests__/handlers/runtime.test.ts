import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { createLogger, loadConfig, requireConfig, resetRuntime, ConfigurationError, REQUIRED_PARAMETERS } from "../../src/handlers/runtime";
import { ssm, PARAMETERS_PATH, publishParameters, coldStart } from "./support/fixtures";
import { useMoto } from "./support/moto";

const moto = useMoto();

describe("runtime configuration", () => {
  let queueUrl: string;

  beforeEach(async () => {
    queueUrl = await coldStart(moto, { publish: false });
  });

  it("maps every published parameter, decrypted, and leaves out the optional table when absent", async () => {
    await publishParameters(queueUrl);
    const config = await requireConfig();
    expect(config).toEqual({
      parametersPath: PARAMETERS_PATH,
      database: {
        endpoint: "db.cluster-abc.eu-west-1.rds.amazonaws.com",
        readerEndpoint: "db.cluster-ro-abc.eu-west-1.rds.amazonaws.com",
        name: "app",
        secretArn: expect.stringMatching(/^arn:aws:secretsmanager:.*:secret:platform-test-db-/),
      },
      cache: { endpoint: "cache-abc.serverless.euw1.cache.amazonaws.com" },
      queue: { url: queueUrl },
      media: { bucket: "platform-test-media" },
      app: { secretArn: expect.stringMatching(/:secret:platform-test-app-/) },
    });
  });

  it("reads every page (GetParametersByPath returns ten at a time) and nested paths, and a trailing slash in the path is harmless", async () => {
    const client = ssm();
    for (let index = 0; index < 15; index++) {
      await client.send(new PutParameterCommand({ Name: `${PARAMETERS_PATH}/extra/deep/p${index}`, Value: "x", Type: "String" }));
    }
    client.destroy();
    await publishParameters(queueUrl, { extra: { "table/name": "platform-test-table" } });
    process.env.PLATFORM_PARAMETERS_PATH = `${PARAMETERS_PATH}/`;
    const config = await requireConfig();
    expect(config.table).toEqual({ name: "platform-test-table" });
    expect(config.queue.url).toBe(queueUrl);
  });

  it("does not read parameters of another environment sharing a prefix", async () => {
    await publishParameters(queueUrl, { path: `${PARAMETERS_PATH}-other` });
    const status = await loadConfig();
    expect(status).toEqual({ state: "missing", missing: [...REQUIRED_PARAMETERS] });
  });

  it("reports SSM being unreachable by error name and throws a ConfigurationError from requireConfig", async () => {
    await publishParameters(queueUrl);
    const endpoint = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:9"; // discard port: connection refused
    try {
      resetRuntime();
      const status = await loadConfig();
      expect(status.state).toBe("unavailable");
      await expect(requireConfig()).rejects.toBeInstanceOf(ConfigurationError);
    } finally {
      process.env.AWS_ENDPOINT_URL = endpoint;
      resetRuntime();
    }
    await expect(loadConfig()).resolves.toMatchObject({ state: "ok" });
  });

  it("never logs parameter values, only their names", async () => {
    await publishParameters(queueUrl);
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    process.env.LOG_LEVEL = "debug";
    try {
      await requireConfig();
    } finally {
      write.mockRestore();
      process.env.LOG_LEVEL = "silent";
    }
    const output = lines.join("");
    expect(output).toContain("database/secret-arn"); // the name
    expect(output).not.toContain("arn:aws:secretsmanager"); // not the value
    expect(output).not.toContain("db.cluster-abc");
  });
});

describe("runtime logger", () => {
  it("writes one JSON object per line with bound fields, redacting secret-looking keys but not ARNs", () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const level = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = "info";
    try {
      const log = createLogger({ handler: "test" }).child({ requestId: "r1" });
      log.debug("dropped below the level");
      log.info("hello", { password: "hunter2", nested: { apiToken: "t0k3n", secretArn: "arn:aws:secretsmanager:x" }, error: new Error("boom") });
    } finally {
      write.mockRestore();
      process.env.LOG_LEVEL = level;
    }
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith("\n")).toBe(true);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: "info", message: "hello", handler: "test", requestId: "r1", password: "[redacted]", nested: { apiToken: "[redacted]", secretArn: "arn:aws:secretsmanager:x" } });
    expect(entry.error).toMatchObject({ name: "Error", message: "boom", stack: expect.stringContaining("boom") });
    expect(lines[0]).not.toContain("hunter2");
  });
});

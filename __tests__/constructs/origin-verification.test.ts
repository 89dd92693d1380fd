import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SynthesizedStack, synthesizeEveryStack } from "../support/every-stack";

/*
 * The origin check's infrastructure over every synthesized stack (shipped environments, examples,
 * toggle matrix), and the CloudFront Function's code run the way cloudfront-js-2.0 runs it: an ES
 * module importing `cloudfront`, whose `kvs()` handle exists only at the edge. The stand-in below
 * implements the documented surface the function uses (`cf.kvs()` with no id when one store is
 * associated; `get(key)` resolving to the string value, rejecting when the key does not exist).
 */

const HEADER = "x-origin-verify";
const KEY = "origin-verify";

let stacks: SynthesizedStack[];
beforeAll(() => {
  stacks = synthesizeEveryStack();
}, 600_000);

const resources = (stack: SynthesizedStack, type: string): Record<string, any> => stack.json.resource?.[type] ?? {};
const infraStacks = () => stacks.filter((stack) => stack.name.startsWith("infra-"));

describe("origin verification in every infra stack", () => {
  it("the /api/* behaviour runs the origin-header function on viewer requests, the function reads the store", () => {
    expect(infraStacks().length).toBeGreaterThan(3);
    for (const stack of infraStacks()) {
      const [store] = Object.entries(resources(stack, "aws_cloudfront_key_value_store"));
      expect(store).toBeDefined();
      expect(store[1].name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(store[1].name.endsWith("-origin")).toBe(true);
      const functions = Object.entries(resources(stack, "aws_cloudfront_function")).filter(([, fn]) => fn.code.includes(HEADER));
      expect(functions).toHaveLength(1);
      const [functionId, fn] = functions[0];
      expect(fn.runtime).toBe("cloudfront-js-2.0");
      expect(fn.key_value_store_associations).toEqual([`\${aws_cloudfront_key_value_store.${store[0]}.arn}`]);
      expect(fn.publish).toBe(true);
      const [distribution] = Object.values(resources(stack, "aws_cloudfront_distribution"));
      const api = distribution.ordered_cache_behavior.find((behavior: any) => behavior.path_pattern === "/api/*");
      expect(api.function_association).toEqual([{ event_type: "viewer-request", function_arn: `\${aws_cloudfront_function.${functionId}.arn}` }]);
      // All viewer headers but Host reach API Gateway: the function's header among them.
      expect(api.origin_request_policy_id).toBe("b689b0a8-53d0-40ab-baf2-68738e2966ac");
    }
  });

  it("the secret rotates every 30 days, at once on creation, through a function only Secrets Manager may invoke for it", () => {
    for (const stack of infraStacks()) {
      const secrets = Object.entries(resources(stack, "aws_secretsmanager_secret")).filter(([, secret]) => String(secret.name).endsWith("/origin-verification"));
      expect(secrets).toHaveLength(1);
      const [secretId, secret] = secrets[0];
      expect(secret.kms_key_id).toEqual(stack.environment?.features.kmsKey === false ? undefined : expect.stringContaining("kms"));
      const rotations = Object.values(resources(stack, "aws_secretsmanager_secret_rotation"));
      expect(rotations).toHaveLength(1);
      const [rotation] = rotations as any[];
      expect(rotation.secret_id).toBe(`\${aws_secretsmanager_secret.${secretId}.id}`);
      expect(rotation.rotation_rules).toEqual({ automatically_after_days: 30 });
      expect(rotation.rotate_immediately).toBe(true);
      const functionId = /aws_lambda_function\.([^.]+)\.arn/.exec(rotation.rotation_lambda_arn)![1];
      const fn = resources(stack, "aws_lambda_function")[functionId];
      expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.handler" });
      expect(fn.vpc_config).toBeUndefined();
      const permissions = Object.values(resources(stack, "aws_lambda_permission")).filter((permission: any) => permission.function_name.includes(functionId));
      expect(permissions).toEqual([expect.objectContaining({ principal: "secretsmanager.amazonaws.com", source_arn: `\${aws_secretsmanager_secret.${secretId}.arn}` })]);
      expect(rotation.depends_on).toContain(`aws_lambda_permission.${Object.keys(resources(stack, "aws_lambda_permission")).find((id) => resources(stack, "aws_lambda_permission")[id] === permissions[0])}`);
    }
  });

  it("no stack holds a value for the origin secret: no secret version, no secret_string anywhere", () => {
    for (const stack of stacks) {
      const secretIds = Object.entries(resources(stack, "aws_secretsmanager_secret"))
        .filter(([, secret]) => String(secret.name).endsWith("/origin-verification"))
        .map(([id]) => id);
      for (const version of Object.values(resources(stack, "aws_secretsmanager_secret_version")) as any[]) {
        for (const id of secretIds) expect(String(version.secret_id)).not.toContain(id);
      }
      const text = JSON.stringify(stack.json);
      for (const id of secretIds) expect(text).not.toMatch(new RegExp(`secret_string[^"]*"\\s*:\\s*"[^"]*${id}`));
    }
    // The app layer finds the secret by the parameter the infra layer publishes, never by a value.
    for (const stack of infraStacks()) {
      const parameters = Object.values(resources(stack, "aws_ssm_parameter")).filter((parameter: any) => String(parameter.name).endsWith("/edge/origin-secret-arn"));
      expect(parameters).toHaveLength(1);
    }
  });

  it("the ECS load balancer probes a path the HTTP API does not route", () => {
    const ecs = stacks.filter((stack) => stack.name.startsWith("app-") && Object.keys(resources(stack, "aws_lb_target_group")).length > 0);
    expect(ecs.length).toBeGreaterThan(0);
    for (const stack of ecs) {
      const routes = Object.values(resources(stack, "aws_apigatewayv2_route")).map((route: any) => route.route_key);
      expect(routes.sort()).toEqual(["ANY /api", "ANY /api/{proxy+}"]);
      for (const group of Object.values(resources(stack, "aws_lb_target_group")) as any[]) {
        const path: string = group.health_check.path;
        expect(path).toBe("/_platform/lb-health");
        expect(path === "/health" || path === "/api" || path.startsWith("/api/")).toBe(false);
      }
    }
  });
});

type Request = { uri: string; method: string; headers: Record<string, { value: string }> };

/** The function as an ES module in a Node.js process of its own, `cloudfront` resolving to the stand-in. */
function runFunction(code: string, store: Map<string, string>, request: Request): any {
  const dir = mkdtempSync(join(tmpdir(), "cf-function-"));
  try {
    mkdirSync(join(dir, "node_modules", "cloudfront"), { recursive: true });
    writeFileSync(join(dir, "node_modules", "cloudfront", "package.json"), JSON.stringify({ name: "cloudfront", type: "module", exports: "./index.js" }));
    writeFileSync(
      join(dir, "node_modules", "cloudfront", "index.js"),
      `const values = new Map(JSON.parse(process.env.KVS_ENTRIES));
export default { kvs: () => ({ get: async (key) => { if (!values.has(key)) throw new Error("key not found"); return values.get(key); } }) };`,
    );
    writeFileSync(join(dir, "function.mjs"), `${code}\nexport { handler };\n`);
    writeFileSync(
      join(dir, "run.mjs"),
      `import { handler } from "./function.mjs";
const event = { version: "1.0", context: { eventType: "viewer-request" }, viewer: { ip: "192.0.2.1" }, request: JSON.parse(process.argv[2]) };
process.stdout.write(JSON.stringify(await handler(event)));`,
    );
    const output = execFileSync(process.execPath, [join(dir, "run.mjs"), JSON.stringify(request)], { env: { ...process.env, KVS_ENTRIES: JSON.stringify([...store]) }, encoding: "utf8" });
    return JSON.parse(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the origin-header CloudFront Function, run as an ES module", () => {
  let code: string;
  beforeAll(() => {
    const stack = infraStacks()[0];
    code = (Object.values(resources(stack, "aws_cloudfront_function")) as any[]).find((fn) => fn.code.includes(HEADER)).code;
  });
  const request = (headers: Record<string, string> = {}): Request => ({
    uri: "/api/hello",
    method: "GET",
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, { value }])),
  });

  it("sets the header from the store, replacing whatever the viewer sent", async () => {
    const store = new Map([[KEY, "value-from-the-store"]]);
    const result = runFunction(code, store, request({ [HEADER]: "forged", accept: "application/json" }));
    expect(result.uri).toBe("/api/hello");
    expect(result.headers[HEADER]).toEqual({ value: "value-from-the-store" });
    expect(result.headers.accept).toEqual({ value: "application/json" });
  });

  it("answers 503 at the edge while the store has no value, forwarding nothing", async () => {
    for (const store of [new Map<string, string>(), new Map([[KEY, ""]])]) {
      const result = runFunction(code, store, request({ [HEADER]: "forged" }));
      expect(result.statusCode).toBe(503);
      expect(result.headers["cache-control"]).toEqual({ value: "no-store" });
      expect(result.headers[HEADER]).toBeUndefined();
    }
  });

  it("stays within CloudFront's 10 KB function size", () => {
    expect(Buffer.byteLength(code)).toBeLessThan(10_240);
    expect(readFileSync(__filename, "utf8")).toContain("cloudfront-js-2.0");
  });
});

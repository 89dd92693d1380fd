import { loadPlatformConfig } from "../src/config/load";
import { REPOSITORY_ROOT } from "./support/project";
import { readStacks, resourcesOf, runSynth, type StackJson } from "./support/synth";

/** The layers every environment is promised, in deploy order (README, "Stacks"). */
const LAYERS = ["core", "infra", "app"] as const;

const config = loadPlatformConfig(REPOSITORY_ROOT);
let stacks: Map<string, StackJson>;

beforeAll(() => {
  const run = runSynth();
  stacks = readStacks(run);
  expect(run.stderr).toBe("");
});

const each = (check: (name: string, stack: StackJson) => void) => () => {
  expect(stacks.size).toBeGreaterThan(0);
  for (const [name, stack] of stacks) check(name, stack);
};

describe("every synthesized stack", () => {
  it("follows the naming contract: bootstrap, then <layer>-<environment> for every environment file", () => {
    const expected = ["bootstrap", "pipeline", ...config.environments.flatMap((environment) => LAYERS.map((layer) => `${layer}-${environment.name}`))].sort();
    expect([...stacks.keys()]).toEqual(expected);
  });

  it(
    "keeps its state in an encrypted, locked remote backend (bootstrap: local until migrated)",
    each((name, stack) => {
      const backend = stack.terraform.backend;
      if (name === "bootstrap" && config.state.bootstrapBackend === "local") {
        expect(backend).toEqual({ local: { path: "../../../terraform.bootstrap.tfstate" } });
        return;
      }
      if (backend.s3) {
        expect(backend.s3.encrypt).toBe(true);
        expect(backend.s3.key).toMatch(/\.tfstate$/);
        expect(Boolean(backend.s3.dynamodb_table) || backend.s3.use_lockfile === true).toBe(true);
      } else {
        expect(stack.terraform.cloud?.workspaces?.name).toBeTruthy();
      }
    }),
  );

  it("reads earlier layers' states through S3 remote state in the shipped configuration (so the check below sees them)", () => {
    const readers = [...stacks].flatMap(([name, stack]) => Object.values<any>(stack.data?.terraform_remote_state ?? {}).map((remote) => `${name}: ${remote.backend}`));
    // infra and app of each environment read core; app reads infra.
    expect(readers.filter((reader) => reader.endsWith(": s3")).length).toBeGreaterThanOrEqual(3 * config.environments.length);
  });

  it(
    "encrypts its state and every state it reads with the bootstrap stack's state key, not S3's AES256 default",
    each((name, stack) => {
      // Terraform's S3 backend sends `AES256` on every write unless kms_key_id is set, overriding
      // the bucket's SSE-KMS default (hashicorp/terraform internal/backend/remote-state/s3/client.go).
      const stateKey = "alias/platform-tfstate-123456789012";
      const bootstrapAlias = resourcesOf(stacks.get("bootstrap")!).find(([type]) => type === "aws_kms_alias")![2].name;
      expect(bootstrapAlias).toBe(stateKey);
      const s3 = stack.terraform.backend.s3;
      if (s3) expect([name, s3.kms_key_id]).toEqual([name, stateKey]);
      for (const [reader, remote] of Object.entries<any>(stack.data?.terraform_remote_state ?? {})) {
        if (remote.backend === "s3") expect([name, reader, remote.config.kms_key_id]).toEqual([name, reader, stateKey]);
      }
    }),
  );

  it(
    "keeps generated secrets out of state: no random_password resource, no secret_string, ephemeral values only in write-only arguments",
    each((name, stack) => {
      expect([name, stack.resource?.random_password, stack.resource?.random_string]).toEqual([name, undefined, undefined]);
      for (const [type, resourceName, body] of resourcesOf(stack)) {
        const where = `${name}: ${type}.${resourceName}`;
        if (type === "aws_secretsmanager_secret_version") expect([where, body.secret_string, body.secret_binary]).toEqual([where, undefined, undefined]);
        for (const [argument, value] of Object.entries(body)) {
          if (JSON.stringify(value).includes("ephemeral.")) expect([where, argument]).toEqual([where, expect.stringMatching(/_wo$/)]);
        }
      }
    }),
  );

  it(
    "asks for Terraform or OpenTofu 1.11 or later, which write-only arguments need",
    each((name, stack) => expect([name, stack.terraform.required_version]).toEqual([name, ">= 1.11.0"])),
  );

  it("has a state location of its own", () => {
    const locations = [...stacks.values()].map((stack) => {
      const { s3, local } = stack.terraform.backend ?? {};
      return s3 ? `s3://${s3.bucket}/${s3.key}` : local ? `local:${local.path}` : `cloud:${stack.terraform.cloud.workspaces.name}`;
    });
    expect(new Set(locations).size).toBe(locations.length);
  });

  it(
    "tags everything through default_tags on every AWS provider",
    each((_name, stack) => {
      const providers: any[] = stack.provider.aws;
      expect(providers.length).toBeGreaterThan(0);
      for (const provider of providers) {
        expect(Object.keys(provider.default_tags[0].tags).sort()).toEqual(["environment", "layer", "managed-by", "project"]);
      }
    }),
  );

  it(
    "encrypts every bucket, topic, table and log group, and rotates every key",
    each((_name, stack) => {
      const resources = resourcesOf(stack);
      const encryptedBuckets = resources
        .filter(([type]) => type === "aws_s3_bucket_server_side_encryption_configuration")
        .map(([, , body]) => body.bucket);
      for (const [type, name, body] of resources) {
        const where = `${type}.${name}`;
        if (type === "aws_s3_bucket") expect([where, encryptedBuckets]).toEqual([where, expect.arrayContaining([`\${aws_s3_bucket.${name}.id}`])]);
        if (type === "aws_sns_topic") expect([where, body.kms_master_key_id]).toEqual([where, expect.any(String)]);
        if (type === "aws_sqs_queue") expect([where, body.kms_master_key_id ?? body.sqs_managed_sse_enabled]).toEqual([where, expect.anything()]);
        if (type === "aws_dynamodb_table") expect([where, body.server_side_encryption?.enabled]).toEqual([where, true]);
        if (type === "aws_kms_key") expect([where, body.enable_key_rotation]).toEqual([where, true]);
        if (type === "aws_cloudwatch_log_group") expect([where, body.retention_in_days]).toEqual([where, expect.any(Number)]);
      }
    }),
  );

  it("protects the state store and the keys of protected environments from destroy", () => {
    const bootstrap = resourcesOf(stacks.get("bootstrap")!).filter(([type]) => ["aws_s3_bucket", "aws_dynamodb_table", "aws_kms_key"].includes(type));
    // The state bucket and its access-log bucket, the lock table, the state key.
    expect(bootstrap.map(([type]) => type).sort()).toEqual(["aws_dynamodb_table", "aws_kms_key", "aws_s3_bucket", "aws_s3_bucket"]);
    for (const [type, name, body] of bootstrap) {
      expect([`${type}.${name}`, body.lifecycle?.prevent_destroy]).toEqual([`${type}.${name}`, true]);
    }
    expect(new Set(config.environments.map((environment) => environment.protectData))).toEqual(new Set([true, false]));
    for (const environment of config.environments) {
      const keys = resourcesOf(stacks.get(`core-${environment.name}`)!).filter(([type]) => type === "aws_kms_key");
      expect([environment.name, keys.length]).toEqual([environment.name, 1]);
      for (const [, , body] of keys) expect([environment.name, body.lifecycle?.prevent_destroy]).toEqual([environment.name, environment.protectData]);
    }
  });

  it("guards every stateful resource of an environment exactly when the environment protects its data", () => {
    const stateful = ["aws_kms_key", "aws_rds_cluster", "aws_elasticache_serverless_cache", "aws_dynamodb_table", "aws_s3_bucket", "aws_ecr_repository"];
    // Shipped environments of both kinds, so both branches of the promise are checked.
    expect(new Set(config.environments.map((environment) => environment.protectData))).toEqual(new Set([true, false]));
    for (const environment of config.environments) {
      const guarded = LAYERS.flatMap((layer) => resourcesOf(stacks.get(`${layer}-${environment.name}`)!).filter(([type]) => stateful.includes(type)));
      // At least the key, the database, the cache, the site, media and access-log buckets and the image repository.
      expect([environment.name, [...new Set(guarded.map(([type]) => type))].sort()]).toEqual([
        environment.name,
        expect.arrayContaining(["aws_ecr_repository", "aws_elasticache_serverless_cache", "aws_kms_key", "aws_rds_cluster", "aws_s3_bucket"]),
      ]);
      for (const [type, name, body] of guarded) {
        expect([environment.name, `${type}.${name}`, body.lifecycle?.prevent_destroy ?? false]).toEqual([environment.name, `${type}.${name}`, environment.protectData]);
      }
      const clusters = resourcesOf(stacks.get(`infra-${environment.name}`)!).filter(([type]) => type === "aws_rds_cluster");
      expect([environment.name, clusters.length]).toEqual([environment.name, 1]);
      for (const [, , cluster] of clusters) {
        expect([environment.name, cluster.deletion_protection, cluster.skip_final_snapshot]).toEqual([environment.name, environment.protectData, !environment.protectData]);
      }
    }
  });

  it("has at least the design's eight alarms per environment, each notifying the alert topic when it fires and when it clears", () => {
    for (const environment of config.environments) {
      const alarms = resourcesOf(stacks.get(`app-${environment.name}`)!).filter(([type]) => type === "aws_cloudwatch_metric_alarm");
      const names = alarms.map(([, , body]) => body.alarm_name as string);
      for (const required of ["api-5xx-rate", "api-latency-p90", "api-errors", "worker-throttles", "db-connections", "db-cpu", "cache-ecpu", "cache-storage", "work-dlq-not-empty", "work-oldest-message"]) {
        expect([environment.name, names]).toEqual([environment.name, expect.arrayContaining([`platform-${environment.name}-${required}`])]);
      }
      for (const [, , alarm] of alarms) {
        expect([alarm.alarm_name, alarm.alarm_actions, alarm.ok_actions]).toEqual([alarm.alarm_name, [expect.stringMatching(/alert.*topic|remote_state/)], alarm.alarm_actions]);
        expect(alarm.alarm_description).toMatch(/Check first: /);
      }
    }
  });
});

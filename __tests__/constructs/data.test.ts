import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbProxy } from "@cdktf/provider-aws/lib/db-proxy";
import { DbProxyDefaultTargetGroup } from "@cdktf/provider-aws/lib/db-proxy-default-target-group";
import { DbProxyTarget } from "@cdktf/provider-aws/lib/db-proxy-target";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { ElasticacheServerlessCache } from "@cdktf/provider-aws/lib/elasticache-serverless-cache";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { AccountContext } from "../../src/constructs/account/account-context";
import { AppSecrets } from "../../src/constructs/data/app-secrets";
import { AppTable } from "../../src/constructs/data/app-table";
import { AuroraPostgres, type AuroraPostgresProps, type AuroraPostgresSettings } from "../../src/constructs/data/aurora-postgres";
import { PublishedParameters } from "../../src/constructs/data/published-parameters";
import { ServerlessCache, type ServerlessCacheSettings } from "../../src/constructs/data/serverless-cache";
import { Naming } from "../../src/naming/naming";

const naming = new Naming("platform", "dev");
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000";
const DEV_DATABASE: AuroraPostgresSettings = { minCapacity: 0, maxCapacity: 2, secondsUntilAutoPause: 1800, readers: 0, backupRetentionDays: 7, rdsProxy: false };

type Json = Record<string, any>;
const parse = (synthesized: string): Json => JSON.parse(synthesized) as Json;
const resourcesOfType = (synthesized: string, type: string): Json[] => Object.values(parse(synthesized).resource?.[type] ?? {});

function database(settings: Partial<AuroraPostgresSettings> = {}, props: Partial<AuroraPostgresProps> = {}): string {
  return Testing.synthScope((scope) => {
    new AuroraPostgres(scope, "db", {
      naming,
      account: new AccountContext(scope, "account"),
      settings: { ...DEV_DATABASE, ...settings },
      protectData: false,
      serviceRoleBoundaryArn: "arn:aws:iam::123456789012:policy/platform-dev-service-boundary",
      kmsKeyArn: KEY,
      dbSubnetGroupName: "platform-dev-data",
      securityGroupIds: ["sg-database"],
      proxySubnetIds: ["subnet-a", "subnet-b"],
      ...props,
    });
  });
}

describe("AuroraPostgres", () => {
  it("is Aurora Serverless v2 PostgreSQL 16 that can pause, with a managed and KMS-encrypted master secret", () => {
    const synthesized = database();
    expect(synthesized).toHaveResourceWithProperties(RdsCluster, {
      cluster_identifier: "platform-dev-db",
      engine: "aurora-postgresql",
      engine_mode: "provisioned",
      engine_version: expect.stringMatching(/^16\.([3-9]|\d{2,})$/),
      database_name: "app",
      port: 5432,
      manage_master_user_password: true,
      master_user_secret_kms_key_id: KEY,
      storage_encrypted: true,
      kms_key_id: KEY,
      iam_database_authentication_enabled: true,
      enabled_cloudwatch_logs_exports: ["postgresql"],
      copy_tags_to_snapshot: true,
      backup_retention_period: 7,
      db_subnet_group_name: "platform-dev-data",
      vpc_security_group_ids: ["sg-database"],
    });
    const [cluster] = resourcesOfType(synthesized, "aws_rds_cluster");
    expect(cluster).not.toHaveProperty("master_password");
    expect(cluster.lifecycle.ignore_changes).toContain("engine_version");
  });

  it("pauses after the configured idle time only when the minimum is 0 ACU", () => {
    const pausing = resourcesOfType(database({ minCapacity: 0 }), "aws_rds_cluster")[0];
    expect(pausing.serverlessv2_scaling_configuration).toEqual({ min_capacity: 0, max_capacity: 2, seconds_until_auto_pause: 1800 });

    const alwaysOn = resourcesOfType(database({ minCapacity: 0.5, maxCapacity: 4 }), "aws_rds_cluster")[0];
    expect(alwaysOn.serverlessv2_scaling_configuration).toEqual({ min_capacity: 0.5, max_capacity: 4 });
  });

  it("creates a serverless writer plus one instance per reader, readers after the writer", () => {
    expect(resourcesOfType(database({ readers: 0 }), "aws_rds_cluster_instance")).toHaveLength(1);

    const synthesized = database({ readers: 2 }, { availabilityZones: ["eu-west-1a", "eu-west-1b"] });
    const instances = resourcesOfType(synthesized, "aws_rds_cluster_instance");
    expect(instances).toHaveLength(3);
    expect(instances.map((instance) => instance.identifier)).toEqual(["platform-dev-db-1", "platform-dev-db-2", "platform-dev-db-3"]);
    expect(instances.map((instance) => instance.availability_zone)).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1a"]);
    expect(instances.map((instance) => instance.promotion_tier)).toEqual([0, 1, 1]);
    for (const reader of instances.slice(1)) {
      expect(reader.depends_on).toEqual(expect.arrayContaining([expect.stringContaining("aws_rds_cluster_instance.db_instance-1")]));
    }
    expect(synthesized).toHaveResourceWithProperties(RdsClusterInstance, {
      instance_class: "db.serverless",
      publicly_accessible: false,
      auto_minor_version_upgrade: true,
      performance_insights_enabled: true,
      performance_insights_kms_key_id: KEY,
      performance_insights_retention_period: 7,
      monitoring_interval: 60,
      monitoring_role_arn: expect.stringContaining("aws_iam_role.db_monitoring-role"),
    });
  });

  it("without protectData is destroyable: no deletion protection, no final snapshot, no prevent_destroy", () => {
    const [cluster] = resourcesOfType(database(), "aws_rds_cluster");
    expect(cluster).toMatchObject({ deletion_protection: false, skip_final_snapshot: true, delete_automated_backups: true, lifecycle: { prevent_destroy: false } });
    expect(cluster).not.toHaveProperty("final_snapshot_identifier");
  });

  it("with protectData refuses destroy, keeps backups and takes a final snapshot", () => {
    const [cluster] = resourcesOfType(database({}, { protectData: true }), "aws_rds_cluster");
    expect(cluster).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "platform-dev-db-final",
      delete_automated_backups: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("logs slow queries and schema changes and forces TLS through its PostgreSQL 16 parameter group", () => {
    const synthesized = database();
    expect(synthesized).toHaveResourceWithProperties(RdsClusterParameterGroup, {
      family: "aurora-postgresql16",
      parameter: expect.arrayContaining([
        { name: "rds.force_ssl", value: "1" },
        { name: "log_min_duration_statement", value: "1000" },
        { name: "log_statement", value: "ddl" },
      ]),
    });
    const [cluster] = resourcesOfType(synthesized, "aws_rds_cluster");
    expect(cluster.db_cluster_parameter_group_name).toContain("aws_rds_cluster_parameter_group.db_parameters");
  });

  it("exports its logs into a log group it creates first, encrypted with the key", () => {
    const synthesized = database();
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/rds/cluster/platform-dev-db/postgresql", kms_key_id: KEY });
    const [cluster] = resourcesOfType(synthesized, "aws_rds_cluster");
    expect(cluster.depends_on).toEqual(expect.arrayContaining([expect.stringContaining("aws_cloudwatch_log_group.db_postgresql-logs")]));
  });

  it("falls back to AWS-managed keys without a customer key", () => {
    const [cluster] = resourcesOfType(database({}, { kmsKeyArn: undefined }), "aws_rds_cluster");
    expect(cluster.storage_encrypted).toBe(true);
    expect(cluster).not.toHaveProperty("kms_key_id");
    expect(cluster).not.toHaveProperty("master_user_secret_kms_key_id");
  });

  it("creates no proxy unless asked", () => {
    const synthesized = database();
    expect(synthesized).not.toHaveResource(DbProxy);
    expect(synthesized).not.toHaveResource(DbProxyTarget);
    expect(resourcesOfType(synthesized, "aws_iam_role").map((role) => role.name)).toEqual(["platform-dev-db-monitoring"]);
  });

  describe("with RDS Proxy", () => {
    const synthesized = database({ minCapacity: 0.5, rdsProxy: true });

    it("puts a TLS-only, IAM-authenticated proxy in the given subnets that logs in with the master secret", () => {
      expect(synthesized).toHaveResourceWithProperties(DbProxy, {
        name: "platform-dev-db-proxy",
        engine_family: "POSTGRESQL",
        require_tls: true,
        vpc_subnet_ids: ["subnet-a", "subnet-b"],
        vpc_security_group_ids: ["sg-database"],
        role_arn: expect.stringContaining("aws_iam_role.db_proxy-role"),
        auth: [expect.objectContaining({ auth_scheme: "SECRETS", iam_auth: "REQUIRED", secret_arn: expect.stringContaining("master_user_secret[0].secret_arn") })],
      });
    });

    it("targets the cluster through the default target group", () => {
      expect(synthesized).toHaveResourceWithProperties(DbProxyDefaultTargetGroup, { db_proxy_name: expect.stringContaining("aws_db_proxy.db_proxy") });
      expect(synthesized).toHaveResourceWithProperties(DbProxyTarget, {
        target_group_name: expect.stringContaining("aws_db_proxy_default_target_group"),
        db_cluster_identifier: expect.stringContaining("aws_rds_cluster.db_cluster"),
      });
    });

    it("gives the proxy a role RDS assumes that reads only the master secret and decrypts only through Secrets Manager", () => {
      expect(synthesized).toHaveResourceWithProperties(IamRole, { name: "platform-dev-db-proxy" });
      expect(synthesized).toHaveResource(IamRolePolicy);
      expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
        statement: [
          expect.objectContaining({ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: [expect.stringMatching(/^rds\./)] }] }),
        ],
      });
      expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
        statement: [
          expect.objectContaining({ actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], resources: [expect.stringContaining("master_user_secret[0].secret_arn")] }),
          expect.objectContaining({
            actions: ["kms:Decrypt"],
            resources: [KEY],
            condition: [expect.objectContaining({ variable: "kms:ViaService", values: [expect.stringMatching(/^secretsmanager\./)] })],
          }),
        ],
      });
    });
  });

  it("refuses a proxy on a cluster that pauses, and impossible reader counts", () => {
    expect(() => database({ minCapacity: 0, rdsProxy: true })).toThrow(/RDS Proxy/);
    expect(() => database({ readers: 16 })).toThrow(/readers/);
  });
});

function cache(settings: Partial<ServerlessCacheSettings>, protectData = false, key: { kmsKeyArn?: string } = { kmsKeyArn: KEY }): string {
  return Testing.synthScope((scope) => {
    new ServerlessCache(scope, "cache", {
      naming,
      settings: { engine: "valkey", maxStorageGb: 1, maxEcpuPerSecond: 5000, ...settings },
      protectData,
      kmsKeyArn: key.kmsKeyArn,
      securityGroupIds: ["sg-cache"],
      subnetIds: ["subnet-a", "subnet-b"],
    });
  });
}

describe("ServerlessCache", () => {
  it("runs Valkey 8 with usage limits, the key, the cache security group and the data subnets", () => {
    expect(cache({ engine: "valkey", maxStorageGb: 2, maxEcpuPerSecond: 7000 })).toHaveResourceWithProperties(ElasticacheServerlessCache, {
      name: "platform-dev-cache",
      engine: "valkey",
      major_engine_version: "8",
      cache_usage_limits: [{ data_storage: [{ maximum: 2, unit: "GB" }], ecpu_per_second: [{ maximum: 7000 }] }],
      kms_key_id: KEY,
      security_group_ids: ["sg-cache"],
      subnet_ids: ["subnet-a", "subnet-b"],
      daily_snapshot_time: expect.stringMatching(/^\d{2}:\d{2}$/),
    });
  });

  it("runs Redis OSS 7 when asked", () => {
    const [redis] = resourcesOfType(cache({ engine: "redis" }), "aws_elasticache_serverless_cache");
    expect(redis).toMatchObject({ engine: "redis", major_engine_version: "7" });
  });

  it("keeps a week of snapshots and refuses destroy only with protectData", () => {
    expect(resourcesOfType(cache({}, true), "aws_elasticache_serverless_cache")[0]).toMatchObject({ snapshot_retention_limit: 7, lifecycle: { prevent_destroy: true } });
    expect(resourcesOfType(cache({}, false), "aws_elasticache_serverless_cache")[0]).toMatchObject({ snapshot_retention_limit: 1, lifecycle: { prevent_destroy: false } });
  });

  it("uses the AWS-owned key without a customer key", () => {
    expect(resourcesOfType(cache({}, false, {}), "aws_elasticache_serverless_cache")[0]).not.toHaveProperty("kms_key_id");
  });
});

describe("AppTable", () => {
  const table = (protectData: boolean, kmsKeyArn?: string) => Testing.synthScope((scope) => new AppTable(scope, "table", { naming, protectData, kmsKeyArn }));

  it("is an on-demand pk/sk table with PITR, TTL on expiresAt and the key", () => {
    expect(table(true, KEY)).toHaveResourceWithProperties(DynamodbTable, {
      name: "platform-dev-app",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "pk",
      range_key: "sk",
      attribute: [{ name: "pk", type: "S" }, { name: "sk", type: "S" }],
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: KEY },
      ttl: { attribute_name: "expiresAt", enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("is destroyable without protectData and uses DynamoDB's own key without a customer key", () => {
    expect(table(false)).toHaveResourceWithProperties(DynamodbTable, {
      server_side_encryption: { enabled: false },
      deletion_protection_enabled: false,
      lifecycle: { prevent_destroy: false },
    });
  });
});

describe("AppSecrets", () => {
  const secrets = (protectData: boolean, kmsKeyArn?: string) =>
    Testing.synthScope((scope: Construct) => {
      new RandomProvider(scope, "random");
      new AppSecrets(scope, "secrets", { naming, protectData, kmsKeyArn });
    });

  it("stores a generated 64-character SECRET_KEY as JSON in <project>-<env>/app through the write-only argument", () => {
    const synthesized = secrets(true, KEY);
    expect(synthesized).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: "platform-dev/app",
      kms_key_id: KEY,
      recovery_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    const json = parse(synthesized);
    expect(json.ephemeral.random_password.secrets_secret_key).toMatchObject({ length: 64, special: true, min_special: 4 });
    const [version] = resourcesOfType(synthesized, "aws_secretsmanager_secret_version");
    expect(version.secret_string_wo).toBe("${jsonencode({ SECRET_KEY = ephemeral.random_password.secrets_secret_key.result })}");
    expect(version.secret_string_wo_version).toBe(1);
  });

  it("keeps the value out of Terraform state: no random_password resource, no secret_string, nothing but a write-only argument takes it", () => {
    const json = parse(secrets(false));
    expect(json.resource.random_password).toBeUndefined();
    const [version] = resourcesOfType(secrets(false), "aws_secretsmanager_secret_version");
    expect(version).not.toHaveProperty("secret_string");
    expect(version).not.toHaveProperty("secret_binary");
    const values: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === "string") values.push(value);
      else if (value && typeof value === "object") Object.values(value).forEach(walk);
    };
    walk(json.resource);
    // A literal 64-character password would be a long run of letters, digits and the allowed specials.
    expect(values.filter((value) => /[A-Za-z0-9!#%&*()\-_=+[\]{}<>:?]{40,}/.test(value.replace(/\$\{[^}]*\}/g, "")))).toEqual([]);
  });

  it("stores a fresh value when valueVersion is raised", () => {
    const raised = Testing.synthScope((scope: Construct) => {
      new RandomProvider(scope, "random");
      new AppSecrets(scope, "secrets", { naming, protectData: true, valueVersion: 2 });
    });
    expect(resourcesOfType(raised, "aws_secretsmanager_secret_version")[0].secret_string_wo_version).toBe(2);
  });

  it("deletes at once without protectData so a torn-down environment can be recreated", () => {
    expect(secrets(false)).toHaveResourceWithProperties(SecretsmanagerSecret, { recovery_window_in_days: 0, lifecycle: { prevent_destroy: false } });
    expect(resourcesOfType(secrets(false), "aws_secretsmanager_secret")[0]).not.toHaveProperty("kms_key_id");
  });
});

describe("PublishedParameters", () => {
  let published: PublishedParameters | undefined;
  const synthesized = Testing.synthScope((scope) => {
    published = new PublishedParameters(scope, "published", {
      naming,
      account: new AccountContext(scope, "account"),
      kmsKeyArn: KEY,
      parameters: { "database/endpoint": "db.example.internal", "queue/url": "https://sqs.example/queue" },
    });
  });

  it("publishes every value under the environment's path, encrypted with the key", () => {
    expect(synthesized).toHaveResourceWithProperties(SsmParameter, { name: "/platform/dev/database/endpoint", type: "SecureString", key_id: KEY, value: "db.example.internal" });
    expect(synthesized).toHaveResourceWithProperties(SsmParameter, { name: "/platform/dev/queue/url", value: "https://sqs.example/queue" });
    expect(resourcesOfType(synthesized, "aws_ssm_parameter")).toHaveLength(2);
  });

  it("exposes the names, ARNs and a path wildcard for IAM", () => {
    expect(published?.parameterNames).toEqual({ "database/endpoint": "/platform/dev/database/endpoint", "queue/url": "/platform/dev/queue/url" });
    expect(Object.keys(published?.parameterArns ?? {})).toEqual(["database/endpoint", "queue/url"]);
    expect(published?.pathPrefix).toMatch(/^arn:\$\{.*\}:ssm:\$\{.*\}:\$\{.*\}:parameter\/platform\/dev\/\*$/);
  });

  it("refuses names that would escape or break the path", () => {
    for (const bad of ["/database/endpoint", "database/", "../x", "a//b", "a b"]) {
      expect(() =>
        Testing.synthScope((scope) => {
          new PublishedParameters(scope, "published", { naming, account: new AccountContext(scope, "account"), parameters: { [bad]: "x" } });
        }),
      ).toThrow(/PublishedParameters/);
    }
  });
});

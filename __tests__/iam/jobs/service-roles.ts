import { ACCOUNT, arn, exampleId } from "../support/account-model";
import type { Request } from "../support/simulate";
import type { Assumer, EnvironmentUnderTest, RoleJob } from "./job";

/*
 * The roles AWS services act as for the environment: AWS Backup, RDS Enhanced Monitoring, RDS
 * Proxy, EventBridge Scheduler and VPC flow logs. Their jobs come from what each service documents
 * it does with the role (the AWS page is named in each `why`) and from the construct that hands the
 * role to the service (src/constructs/backup/platform-backup.ts, src/constructs/data/aurora-postgres.ts,
 * src/constructs/compute/producer-schedule.ts, src/constructs/network/flow-logs.ts).
 */

type Environment = EnvironmentUnderTest;

const FOREIGN_ACCOUNT = "210987654321";

/** The environment's customer key, when it has one (`features.kmsKey`). */
const environmentKey = (environment: Environment) => (environment.settings.features.kmsKey ? arn.kmsKey(environment.region, `alias/${environment.prefix}`) : undefined);

/** kms requests made through `service` in `region` with `key`, or none without a key. */
function throughKey(key: string | undefined, service: string, region: string, actions: string[], why: string, context: Record<string, string> = {}): Request[] {
  if (!key) return [];
  return actions.map((action) => ({ action, resource: key, context: { "kms:ViaService": `${service}.${region}.amazonaws.com`, ...context }, why }));
}

/** `naming.name("db")`: the Aurora cluster's identifier (src/constructs/data/aurora-postgres.ts). */
const clusterName = (prefix: string) => `${prefix}-db`;
/** `naming.name("media", account)`: the media bucket (src/constructs/edge/media-bucket.ts). */
const mediaBucket = (prefix: string) => `${prefix}-media-${ACCOUNT}`;
/** `naming.name("app")`: the DynamoDB table (src/constructs/data/app-table.ts), with `features.dynamodbTable`. */
const tableName = (prefix: string) => `${prefix}-app`;
/** An RDS instance's `DbiResourceId`, which names its Enhanced Monitoring log stream. */
const instanceResourceId = (instance: string) => `db-${exampleId(`instance ${instance}`).replace(/-/g, "").slice(0, 26).toUpperCase()}`;

/** What none of the service roles may do, whatever the service: IAM, the state, other environments' secrets. */
function serviceRoleNevers(environment: Environment): Request[] {
  const { neighbour, region, prefix, settings } = environment;
  const state: Request[] =
    settings.backend.type === "s3"
      ? [
          { action: "s3:GetObject", resource: arn.object(settings.backend.bucket, `${settings.backend.keyPrefix}/app.tfstate`), why: "Terraform state holds every secret the stacks ever saw" },
          {
            action: "kms:Decrypt",
            resource: arn.kmsKey(settings.backend.region, settings.backend.kmsKeyId),
            context: { "kms:ViaService": `s3.${settings.backend.region}.amazonaws.com` },
            why: "the state key decrypts Terraform state",
          },
        ]
      : [];
  return [
    ...state,
    { action: "iam:CreateRole", resource: arn.role(`${prefix}-anything`), why: "IAM changes are never a service role's business" },
    { action: "iam:AttachRolePolicy", resource: arn.role(`${prefix}-worker-function`), why: "IAM changes are never a service role's business" },
    { action: "iam:PassRole", resource: arn.role(`${neighbour.prefix}-backup`), context: { "iam:PassedToService": "backup.amazonaws.com" }, why: `only the environment's own roles are passed, never ${neighbour.name}'s` },
    { action: "sts:AssumeRole", resource: arn.role(`${prefix}-worker-function`), why: "a service role never becomes another role" },
    { action: "secretsmanager:GetSecretValue", resource: arn.secret(region, `${prefix}/app`), why: "the app's own secret is the workloads' business" },
    { action: "secretsmanager:GetSecretValue", resource: arn.rdsManagedSecret(neighbour.region, clusterName(neighbour.prefix)), why: `${neighbour.name}'s database master secret` },
  ];
}

/** The context `service` sends when it assumes the role for this account. */
function serviceTrust(service: string, sourceArn: string | undefined, why: string): Assumer[] {
  return [{ principal: service, context: { "aws:SourceAccount": ACCOUNT, ...(sourceArn ? { "aws:SourceArn": sourceArn } : {}) }, why }];
}

/** Who must not assume the role: the same service for another account, another service, a workload of the environment. */
function foreignDeputies(environment: Environment, service: string, otherService: string, sourceArn?: (account: string) => string): Assumer[] {
  return [
    {
      principal: service,
      context: { "aws:SourceAccount": FOREIGN_ACCOUNT, ...(sourceArn ? { "aws:SourceArn": sourceArn(FOREIGN_ACCOUNT) } : {}) },
      why: `${service} acting for another account (confused deputy)`,
    },
    { principal: otherService, context: { "aws:SourceAccount": ACCOUNT }, why: "another service of this account" },
    { principal: arn.role(`${environment.prefix}-worker-function`), why: "a workload role of the same environment" },
  ];
}

const backupJob: RoleJob<Environment> = {
  role: (environment) => `${environment.prefix}-backup`,
  summary:
    "AWS Backup backs up the Aurora cluster (continuous and daily snapshots), the media bucket and the table, copies every recovery point to the DR vault, and restores them, as this role.",
  must: (environment) => {
    const { region, prefix, settings } = environment;
    const drRegion = settings.drRegion;
    // Stage and prod copy to the DR region; dev (protectData off) keeps its recovery points at home.
    const copies = settings.backup.crossRegionCopy ?? settings.protectData;
    const key = environmentKey(environment);
    const drKey = arn.kmsKey(drRegion, `alias/${prefix}-backup-dr`);
    const cluster = arn.cluster(region, clusterName(prefix));
    const snapshot = `arn:aws:rds:${region}:${ACCOUNT}:cluster-snapshot:awsbackup:job-${exampleId(`backup job ${prefix}`)}`;
    const drSnapshot = `arn:aws:rds:${drRegion}:${ACCOUNT}:cluster-snapshot:awsbackup:copyjob-${exampleId(`copy job ${prefix}`)}`;
    const bucket = mediaBucket(prefix);
    const object = arn.object(bucket, "uploads/2026/12/02/photo.jpg");
    const grantForResource = { "kms:GrantIsForAWSResource": "true" };
    const database: Request[] = [
      { action: "tag:GetResources", resource: "*", why: "the tag selection (`backup = <plan>`) is resolved with the role (AWS Backup: Assigning resources to a backup plan)" },
      { action: "rds:DescribeDBClusters", resource: cluster, why: "AWS Backup reads the cluster before each job (AWSBackupServiceRolePolicyForBackup)" },
      { action: "rds:ListTagsForResource", resource: cluster, why: "AWS Backup copies the cluster's tags to the recovery point" },
      {
        action: "rds:ModifyDBCluster",
        resource: cluster,
        why: "the continuous (hourly) rule takes over the cluster's automated backup retention (AWS Backup: Continuous backups and point-in-time recovery, Aurora)",
      },
      { action: "rds:CreateDBClusterSnapshot", resource: cluster, why: "the daily rule snapshots the cluster (AWS Backup: Amazon Aurora backups)" },
      { action: "rds:CreateDBClusterSnapshot", resource: snapshot, why: "the snapshot is named awsbackup:job-<id>" },
      { action: "rds:AddTagsToResource", resource: snapshot, why: "AWS Backup tags the snapshot it created" },
      { action: "rds:DescribeDBClusterSnapshots", resource: snapshot, why: "AWS Backup polls the snapshot until it is available" },
      { action: "rds:DeleteDBClusterSnapshot", resource: snapshot, why: "lifecycle deletes expired awsbackup snapshots" },
      ...(copies
        ? [
            { action: "rds:CopyDBClusterSnapshot", resource: drSnapshot, why: `the copy action re-creates the snapshot in ${drRegion} (AWS Backup: Cross-Region backup)` },
            { action: "rds:CopyDBClusterSnapshot", resource: snapshot, why: "the copy reads the source snapshot" },
            ...throughKey(drKey, "rds", drRegion, ["kms:DescribeKey"], `RDS re-encrypts the ${drRegion} copy with the DR vault's key (Aurora: Copying an encrypted DB cluster snapshot to another Region)`),
            ...throughKey(drKey, "rds", drRegion, ["kms:CreateGrant"], "RDS uses the DR key through a grant for the copied snapshot", grantForResource),
            ...throughKey(key, "rds", region, ["kms:CreateGrant"], "RDS reads the source snapshot under the environment key for the cross-Region copy", grantForResource),
          ]
        : []),
      { action: "rds:RestoreDBClusterFromSnapshot", resource: arn.cluster(region, `${prefix}-db-restored`), why: "a restore creates a new cluster from a recovery point (AWSBackupServiceRolePolicyForRestores)" },
      { action: "rds:RestoreDBClusterToPointInTime", resource: arn.cluster(region, `${prefix}-db-restored`), why: "a point-in-time restore from the continuous recovery point" },
      ...throughKey(key, "rds", region, ["kms:CreateGrant"], "the restored cluster is encrypted with the environment key", grantForResource),
    ];
    const vaults: Request[] = [
      ...(key ? [{ action: "kms:DescribeKey", resource: key, why: "the primary vault encrypts S3 and DynamoDB recovery points with the environment key (AWS Backup: Encryption for backups)" }] : []),
      ...(copies
        ? [
            { action: "backup:DescribeBackupVault", resource: arn.backupVault(drRegion, `${prefix}-backup-dr`), why: "the copy job checks its destination vault (AWSBackupServiceRolePolicyForBackup)" },
            { action: "backup:CopyIntoBackupVault", resource: arn.backupVault(drRegion, `${prefix}-backup-dr`), why: "every rule copies its recovery points to the DR vault" },
            {
              action: "backup:CopyFromBackupVault",
              resource: `arn:aws:backup:${region}:${ACCOUNT}:recovery-point:${exampleId(`recovery point ${prefix}`)}`,
              why: "the copy reads the recovery point of the primary vault",
            },
          ]
        : []),
    ];
    const media: Request[] = [
      { action: "s3:GetBucketVersioning", resource: arn.bucket(bucket), why: "S3 backups need versioning (AWS Backup: Amazon S3 backups, prerequisites)" },
      { action: "s3:GetBucketLocation", resource: arn.bucket(bucket), why: "AWS Backup finds the bucket's Region" },
      { action: "s3:GetBucketTagging", resource: arn.bucket(bucket), why: "AWS Backup copies the bucket's tags" },
      { action: "s3:ListBucketVersions", resource: arn.bucket(bucket), why: "a backup lists every object version" },
      { action: "s3:GetInventoryConfiguration", resource: arn.bucket(bucket), why: "snapshot backups of large buckets use S3 Inventory" },
      { action: "s3:PutInventoryConfiguration", resource: arn.bucket(bucket), why: "AWS Backup configures the inventory it reads" },
      { action: "s3:GetBucketNotification", resource: arn.bucket(bucket), why: "continuous S3 backups follow changes through EventBridge" },
      { action: "s3:PutBucketNotification", resource: arn.bucket(bucket), why: "continuous S3 backups turn on EventBridge notifications" },
      { action: "events:PutRule", resource: `arn:aws:events:${region}:${ACCOUNT}:rule/AwsBackupManagedRule-${exampleId(`rule ${prefix}`)}`, why: "continuous S3 backups create an AwsBackupManagedRule" },
      { action: "cloudwatch:GetMetricData", resource: "*", why: "AWS Backup sizes the bucket from its storage metrics" },
      { action: "s3:GetObject", resource: object, why: "a backup reads every object" },
      { action: "s3:GetObjectVersion", resource: object, why: "a backup reads every version" },
      { action: "s3:GetObjectTagging", resource: object, why: "object tags are part of the recovery point" },
      ...throughKey(key, "s3", region, ["kms:Decrypt"], "the media objects are encrypted with the environment key (AWSBackupServiceRolePolicyForS3Backup)"),
      { action: "s3:PutObject", resource: object, why: "a restore writes the objects back (AWSBackupServiceRolePolicyForS3Restore)" },
      ...throughKey(key, "s3", region, ["kms:GenerateDataKey"], "restored objects are encrypted with the bucket's key"),
    ];
    const table: Request[] = settings.features.dynamodbTable
      ? [
          { action: "dynamodb:DescribeTable", resource: arn.table(region, tableName(prefix)), why: "AWS Backup reads the table before each job" },
          { action: "dynamodb:ListTagsOfResource", resource: arn.table(region, tableName(prefix)), why: "AWS Backup copies the table's tags" },
          { action: "dynamodb:StartAwsBackupJob", resource: arn.table(region, tableName(prefix)), why: "advanced DynamoDB backups (the default for new accounts; needed for the DR copy)" },
          ...throughKey(key, "dynamodb", region, ["kms:Decrypt", "kms:GenerateDataKey"], "the table is encrypted with the environment key"),
          { action: "dynamodb:RestoreTableFromAwsBackup", resource: arn.table(region, `${tableName(prefix)}-restored`), why: "a restore creates a new table (AWSBackupServiceRolePolicyForRestores)" },
          ...throughKey(key, "dynamodb", region, ["kms:CreateGrant"], "the restored table is encrypted with the environment key", grantForResource),
        ]
      : [];
    return [...database, ...vaults, ...media, ...table];
  },
  never: (environment) => {
    const { neighbour, region, prefix } = environment;
    return [
      ...serviceRoleNevers(environment),
      { action: "s3:GetObject", resource: arn.object(mediaBucket(neighbour.prefix), "uploads/photo.jpg"), why: `${neighbour.name}'s media: its own backup role backs it up` },
      { action: "rds:CreateDBClusterSnapshot", resource: arn.cluster(neighbour.region, clusterName(neighbour.prefix)), why: `${neighbour.name}'s database` },
      { action: "dynamodb:Scan", resource: arn.table(neighbour.region, tableName(neighbour.prefix)), why: `${neighbour.name}'s table` },
      { action: "rds:DeleteDBCluster", resource: arn.cluster(region, clusterName(prefix)), why: "the role that protects the database must not be able to delete it" },
      { action: "backup:DeleteRecoveryPoint", resource: `arn:aws:backup:${region}:${ACCOUNT}:recovery-point:${exampleId(`recovery point ${prefix}`)}`, why: "recovery points expire by their lifecycle only" },
      { action: "kms:ScheduleKeyDeletion", resource: arn.kmsKey(environment.settings.drRegion, `alias/${prefix}-backup-dr`), why: "the DR key outlives every copy it protects" },
      {
        action: "kms:CreateGrant",
        resource: environmentKey(environment) ?? arn.kmsKey(environment.settings.drRegion, `alias/${prefix}-backup-dr`),
        context: { "kms:GrantIsForAWSResource": "false" },
        why: "grants on the keys only for the AWS resources a service encrypts",
      },
    ];
  },
  assumedBy: () => serviceTrust("backup.amazonaws.com", undefined, "AWS Backup runs the plan's selections as this role (src/constructs/backup/platform-backup.ts)"),
  notAssumedBy: (environment) => foreignDeputies(environment, "backup.amazonaws.com", "lambda.amazonaws.com"),
};

const monitoringJob: RoleJob<Environment> = {
  role: (environment) => `${environment.prefix}-db-monitoring`,
  summary: "RDS Enhanced Monitoring publishes each Aurora instance's OS metrics to the RDSOSMetrics log group as this role.",
  must: (environment) => {
    const { region, prefix } = environment;
    const stream = arn.logStream(region, "RDSOSMetrics", instanceResourceId(`${prefix}-db-1`));
    const why = "Enhanced Monitoring writes OS metrics to RDSOSMetrics, one stream per instance (RDS: Setting up and enabling Enhanced Monitoring; AmazonRDSEnhancedMonitoringRole)";
    return [
      { action: "logs:CreateLogGroup", resource: arn.logGroup(region, "RDSOSMetrics"), why: "Enhanced Monitoring creates RDSOSMetrics on first use" },
      { action: "logs:PutRetentionPolicy", resource: arn.logGroup(region, "RDSOSMetrics"), why: "Enhanced Monitoring sets the group's 30-day retention" },
      { action: "logs:CreateLogStream", resource: stream, why },
      { action: "logs:PutLogEvents", resource: stream, why },
    ];
  },
  never: (environment) => {
    const { neighbour, region, prefix, project, name } = environment;
    return [
      ...serviceRoleNevers(environment),
      { action: "logs:PutLogEvents", resource: arn.logStream(region, `/aws/rds/cluster/${clusterName(prefix)}/postgresql`, "s"), why: "RDS exports the PostgreSQL log itself, not through this role" },
      { action: "logs:PutLogEvents", resource: arn.logStream(region, `/${project}/${name}/vpc/flow-logs`, "s"), why: "another log group" },
      { action: "logs:PutLogEvents", resource: arn.logStream(neighbour.region, `/aws/rds/cluster/${clusterName(neighbour.prefix)}/postgresql`, "s"), why: `${neighbour.name}'s database log` },
      { action: "logs:DeleteLogGroup", resource: arn.logGroup(region, "RDSOSMetrics"), why: "metrics are kept for their retention" },
      { action: "rds:ModifyDBCluster", resource: arn.cluster(region, clusterName(prefix)), why: "monitoring only reports" },
    ];
  },
  assumedBy: (environment) =>
    serviceTrust(
      "monitoring.rds.amazonaws.com",
      `arn:aws:rds:${environment.region}:${ACCOUNT}:db:${clusterName(environment.prefix)}-1`,
      "RDS Enhanced Monitoring of the cluster's instances (src/constructs/data/aurora-postgres.ts)",
    ),
  notAssumedBy: (environment) => foreignDeputies(environment, "monitoring.rds.amazonaws.com", "rds.amazonaws.com", (account) => `arn:aws:rds:${environment.region}:${account}:db:${clusterName(environment.prefix)}-1`),
};

const proxyJob: RoleJob<Environment> = {
  role: (environment) => (environment.settings.database.rdsProxy ? `${environment.prefix}-db-proxy` : undefined),
  summary: "RDS Proxy reads the cluster's RDS-managed master secret to log in to the database for its clients, as this role.",
  must: (environment) => {
    const { region, prefix } = environment;
    return [
      {
        action: "secretsmanager:GetSecretValue",
        resource: arn.rdsManagedSecret(region, clusterName(prefix)),
        why: "the proxy logs in with the master user secret (RDS: Setting up database credentials for RDS Proxy; auth SECRETS in aurora-postgres.ts createProxy)",
      },
      ...throughKey(environmentKey(environment), "secretsmanager", region, ["kms:Decrypt"], "the master secret is encrypted with the environment key (master_user_secret_kms_key_id)"),
    ];
  },
  never: (environment) => {
    const { region, prefix } = environment;
    const key = environmentKey(environment) ?? arn.kmsKey(region, `alias/${prefix}`);
    return [
      ...serviceRoleNevers(environment),
      { action: "secretsmanager:PutSecretValue", resource: arn.rdsManagedSecret(region, clusterName(prefix)), why: "RDS rotates the master secret, the proxy only reads it" },
      { action: "kms:Decrypt", resource: key, why: "the key outside Secrets Manager" },
      { action: "kms:Decrypt", resource: key, context: { "kms:ViaService": `ssm.${region}.amazonaws.com` }, why: "the key through another service" },
      { action: "rds:ModifyDBCluster", resource: arn.cluster(region, clusterName(prefix)), why: "the proxy only connects" },
    ];
  },
  assumedBy: (environment) =>
    serviceTrust("rds.amazonaws.com", arn.dbProxy(environment.region, `${clusterName(environment.prefix)}-proxy`), "RDS Proxy fetches the secret as this role (src/constructs/data/aurora-postgres.ts)"),
  notAssumedBy: (environment) => foreignDeputies(environment, "rds.amazonaws.com", "monitoring.rds.amazonaws.com"),
};

const scheduleJob: RoleJob<Environment> = {
  role: (environment) => `${environment.prefix}-producer-schedule`,
  summary: "EventBridge Scheduler invokes the producer function on its schedule and dead-letters undeliverable events, as this role.",
  must: (environment) => {
    const { region, prefix } = environment;
    const key = environmentKey(environment);
    return [
      { action: "lambda:InvokeFunction", resource: arn.function(region, `${prefix}-producer`), why: "Scheduler invokes the target with the execution role (EventBridge Scheduler: Set up the execution role)" },
      { action: "sqs:SendMessage", resource: arn.queue(region, `${prefix}-work-dlq`), why: "after two retries Scheduler sends the event to the dead-letter queue (SCHEDULE_RETRY, deadLetterConfig)" },
      ...throughKey(key, "sqs", region, ["kms:GenerateDataKey", "kms:Decrypt"], "the dead-letter queue is encrypted with the environment key"),
      ...(key
        ? [
            {
              action: "kms:Decrypt",
              resource: key,
              context: { "kms:EncryptionContext:aws:scheduler:schedule-arn": arn.schedule(region, prefix, `${prefix}-producer`) },
              why: "Scheduler decrypts the schedule's payload with the execution role (EventBridge Scheduler: Managing encryption at rest)",
            },
          ]
        : []),
    ];
  },
  never: (environment) => {
    const { neighbour, region, prefix } = environment;
    const key = environmentKey(environment) ?? arn.kmsKey(region, `alias/${prefix}`);
    return [
      ...serviceRoleNevers(environment),
      { action: "lambda:InvokeFunction", resource: arn.function(region, `${prefix}-worker`), why: "the schedule runs the producer only" },
      { action: "lambda:InvokeFunction", resource: arn.function(neighbour.region, `${neighbour.prefix}-producer`), why: `${neighbour.name}'s producer` },
      { action: "sqs:SendMessage", resource: arn.queue(region, `${prefix}-work`), why: "the producer enqueues work, not the schedule" },
      { action: "sqs:SendMessage", resource: arn.queue(neighbour.region, `${neighbour.prefix}-work-dlq`), why: `${neighbour.name}'s dead-letter queue` },
      {
        action: "kms:Decrypt",
        resource: key,
        context: { "kms:EncryptionContext:aws:scheduler:schedule-arn": arn.schedule(region, prefix, `${prefix}-other`) },
        why: "another schedule's payload",
      },
      { action: "kms:Decrypt", resource: key, why: "the key outside Scheduler and SQS" },
    ];
  },
  assumedBy: (environment) =>
    serviceTrust("scheduler.amazonaws.com", arn.scheduleGroup(environment.region, environment.prefix), "EventBridge Scheduler runs the producer schedule as this role (src/constructs/compute/producer-schedule.ts)"),
  notAssumedBy: (environment) =>
    foreignDeputies(environment, "scheduler.amazonaws.com", "events.amazonaws.com", (account) => `arn:aws:scheduler:${environment.region}:${account}:schedule-group/${environment.prefix}`),
};

const flowLogsJob: RoleJob<Environment> = {
  role: (environment) => (environment.settings.network.flowLogs ? `${environment.prefix}-vpc-flow-logs` : undefined),
  summary: "VPC flow logs deliver the VPC's traffic records to their own log group as this role.",
  must: (environment) => {
    const { region, project, name } = environment;
    const group = `/${project}/${name}/vpc/flow-logs`;
    const stream = arn.logStream(region, group, "eni-0a1b2c3d4e5f60718-all");
    const why = "flow logs write each interface's records to its own stream (VPC: IAM role for publishing flow logs to CloudWatch Logs)";
    return [
      // DescribeLogGroups is authorized against `log-group::log-stream:`, a group and stream with no names.
      { action: "logs:DescribeLogGroups", resource: arn.logStream(region, "", ""), why: "flow logs look the destination group up" },
      { action: "logs:DescribeLogStreams", resource: arn.logGroup(region, group), why: "flow logs look for an interface's stream" },
      { action: "logs:CreateLogStream", resource: stream, why },
      { action: "logs:PutLogEvents", resource: stream, why },
    ];
  },
  never: (environment) => {
    const { neighbour, region, prefix, project, name } = environment;
    const group = `/${project}/${name}/vpc/flow-logs`;
    return [
      ...serviceRoleNevers(environment),
      { action: "logs:PutLogEvents", resource: arn.logStream(region, `/aws/lambda/${prefix}-worker`, "s"), why: "another log group" },
      { action: "logs:PutLogEvents", resource: arn.logStream(neighbour.region, `/${project}/${neighbour.name}/vpc/flow-logs`, "s"), why: `${neighbour.name}'s flow logs` },
      { action: "logs:CreateLogGroup", resource: arn.logGroup(region, "/flow-logs/elsewhere"), why: "the group exists; flow logs must not start new, unencrypted ones" },
      { action: "logs:DeleteLogGroup", resource: arn.logGroup(region, group), why: "traffic records are kept for their retention" },
      { action: "logs:PutRetentionPolicy", resource: arn.logGroup(region, group), why: "retention is the stack's, not the service's" },
    ];
  },
  assumedBy: (environment) =>
    serviceTrust(
      "vpc-flow-logs.amazonaws.com",
      `arn:aws:ec2:${environment.region}:${ACCOUNT}:vpc-flow-log/fl-0a1b2c3d4e5f60718`,
      "the VPC's flow log delivers as this role (src/constructs/network/flow-logs.ts)",
    ),
  notAssumedBy: (environment) =>
    foreignDeputies(environment, "vpc-flow-logs.amazonaws.com", "delivery.logs.amazonaws.com", (account) => `arn:aws:ec2:${environment.region}:${account}:vpc-flow-log/fl-0a1b2c3d4e5f60718`),
};

export const SERVICE_ROLE_JOBS: RoleJob<EnvironmentUnderTest>[] = [backupJob, monitoringJob, proxyJob, scheduleJob, flowLogsJob];

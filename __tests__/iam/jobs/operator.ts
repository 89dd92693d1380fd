import { s3StateKey } from "../../../src/config/state-location";
import type { PolicyDocument } from "../../constraints/constraint";
import { ACCOUNT, arn, exampleId } from "../support/account-model";
import type { Request } from "../support/simulate";
import type { Assumer, EnvironmentUnderTest, RoleJob } from "./job";

/*
 * The people on call: `<prefix>-operator`, in environments whose file names `operators`. Its job is
 * what on-call does (issue 16, README "Operator access", docs/restore-runbook.md): read the
 * environment's logs with Logs Insights, its metrics, alarms, dashboard and traces; describe its
 * resources; redrive its dead-letter queue with an SQS message move task (SQS developer guide,
 * "Configuring a dead-letter queue redrive": receive and delete on the dead-letter queue, send to
 * the destination, and the keys of both through SQS); invoke its functions' current code; scale
 * its ECS service; start and watch AWS Backup restores as the environment's backup role; read the
 * published parameters. Never a secret value, a state object, an IAM change, a write outside those
 * tasks, or anything of another environment.
 */

type Environment = EnvironmentUnderTest;

const FOREIGN_ACCOUNT = "210987654321";
/** What an MFA-authenticated person's request carries: a recent MFA check (AWS global condition keys). */
const FRESH_MFA = { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "300" };

const environmentKey = (environment: Environment) => (environment.settings.features.kmsKey ? arn.kmsKey(environment.region, `alias/${environment.prefix}`) : undefined);
const isEcs = (environment: Environment) => environment.settings.compute.kind === "ecs";
/** Stage and prod copy every recovery point to drRegion; an environment whose data may be lost keeps them at home. */
const copiesToDr = (environment: Environment) => environment.settings.backup.crossRegionCopy ?? environment.settings.protectData;

/** The environment's resources an operator meets, named as the stacks name them. */
function resourcesOf(environment: Environment | Environment["neighbour"], region = environment.region) {
  const { prefix } = environment;
  const path = `/platform/${environment.name}`;
  return {
    functions: ["api", "worker", "producer"].map((fn) => `${prefix}-${fn}`),
    functionLogGroup: (fn: string) => `/aws/lambda/${prefix}-${fn}`,
    accessLogGroup: `${path}/api/access-logs`,
    flowLogGroup: `${path}/vpc/flow-logs`,
    containerLogGroup: `${path}/ecs/api`,
    databaseLogGroup: `/aws/rds/cluster/${prefix}-db/postgresql`,
    wafLogGroup: `aws-waf-logs-${prefix}`,
    parameterPath: arn.parameter(region, path),
    parameter: (relative: string) => arn.parameter(region, `${path}/${relative}`),
    queue: arn.queue(region, `${prefix}-work`),
    deadLetterQueue: arn.queue(region, `${prefix}-work-dlq`),
    alarm: (id: string) => `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${prefix}-${id}`,
    dashboard: `arn:aws:cloudwatch::${ACCOUNT}:dashboard/${prefix}-overview`,
    cluster: `${prefix}-cluster`,
    service: arn.ecsService(region, `${prefix}-cluster`, `${prefix}-api`),
    backupRole: arn.role(`${prefix}-backup`),
    vault: arn.backupVault(region, `${prefix}-backup`),
    database: arn.cluster(region, `${prefix}-db`),
    cache: arn.cache(region, `${prefix}-cache`),
    table: arn.table(region, `${prefix}-app`),
    mediaBucket: `${prefix}-media-${ACCOUNT}`,
    appSecret: arn.secret(region, `${prefix}/app`),
    databaseSecret: arn.rdsManagedSecret(region, `${prefix}-db`),
  };
}

/** An AWS Backup recovery point (S3, advanced DynamoDB, continuous Aurora) and an Aurora snapshot AWS Backup took, in `region`. */
const recoveryPoint = (environment: Environment, region: string) => `arn:aws:backup:${region}:${ACCOUNT}:recovery-point:${exampleId(`recovery point ${environment.prefix} ${region}`)}`;
const auroraSnapshot = (environment: Environment, region: string, kind: "job" | "copyjob") =>
  `arn:aws:rds:${region}:${ACCOUNT}:cluster-snapshot:awsbackup:${kind}-${exampleId(`${kind} ${environment.prefix} ${region}`)}`;

/** KMS requests SQS makes with the operator's credentials for one queue's messages. */
function throughSqs(environment: Environment, queueArn: string, actions: string[], why: string): Request[] {
  const key = environmentKey(environment);
  if (!key) return [];
  return actions.map((action) => ({
    action,
    resource: key,
    context: { "kms:ViaService": `sqs.${environment.region}.amazonaws.com`, "kms:EncryptionContext:aws:sqs:arn": queueArn },
    why,
  }));
}

function mustRead(environment: Environment): Request[] {
  const resources = resourcesOf(environment);
  const { region, settings } = environment;
  const group = (name: string, groupRegion = region) => arn.logGroup(groupRegion, name);
  const insights = "CloudWatch Logs Insights: StartQuery and GetQueryResults are authorized on the queried log groups (Service Authorization Reference)";
  const functions = isEcs(environment) ? ["worker", "producer"] : ["api", "worker", "producer"];
  return [
    ...functions.flatMap((fn) => [
      { action: "logs:StartQuery", resource: group(resources.functionLogGroup(fn)), why: `${insights}: the ${fn} function's JSON log lines` },
      { action: "logs:GetQueryResults", resource: group(resources.functionLogGroup(fn)), why: insights },
    ]),
    { action: "logs:FilterLogEvents", resource: group(resources.accessLogGroup), why: "the HTTP API's access log: which requests failed, and from where" },
    { action: "logs:StartQuery", resource: group(resources.databaseLogGroup), why: `${insights}: the PostgreSQL log Aurora exports` },
    { action: "logs:FilterLogEvents", resource: group(resources.flowLogGroup), why: "the VPC flow logs: what the security groups rejected" },
    ...(isEcs(environment) ? [{ action: "logs:StartQuery", resource: group(resources.containerLogGroup), why: `${insights}: the API tasks' output` }] : []),
    ...(settings.features.waf ? [{ action: "logs:FilterLogEvents", resource: group(resources.wafLogGroup, "us-east-1"), why: "the web ACL's log (us-east-1, beside CloudFront): what WAF blocked" }] : []),
    {
      action: "logs:GetLogEvents",
      resource: arn.logStream(region, resources.functionLogGroup("worker"), "2026/12/02/[$LATEST]0123456789abcdef0123456789abcdef"),
      why: "reading one execution environment's stream, as the console's log view does",
    },
    { action: "logs:DescribeLogStreams", resource: group(resources.functionLogGroup("producer")), why: "finding the newest streams of a function" },
    { action: "logs:GetLogGroupFields", resource: group(resources.functionLogGroup("worker")), why: "Logs Insights lists a group's discovered fields" },
    { action: "logs:StopQuery", resource: "*", why: "stopping a runaway query by its id; the action accepts no resource" },
    { action: "logs:DescribeQueries", resource: "*", why: "the Logs Insights history; the action accepts no resource" },
    // DescribeLogGroups is authorized against `log-group::log-stream:`, a group and stream with no names.
    { action: "logs:DescribeLogGroups", resource: arn.logStream(region, "", ""), why: "the Logs Insights console lists the groups to query" },
    { action: "cloudwatch:GetMetricData", resource: "*", why: "the dashboard's graphs and any metric on-call looks up; metrics accept no resource" },
    { action: "cloudwatch:ListMetrics", resource: "*", why: "finding a metric's dimensions" },
    { action: "cloudwatch:DescribeAlarms", resource: resources.alarm("work-dlq-not-empty"), why: "the alarm that paged: its state and reason" },
    { action: "cloudwatch:DescribeAlarmHistory", resource: resources.alarm("api-5xx-rate"), why: "when an alarm fired and cleared before" },
    { action: "cloudwatch:GetDashboard", resource: resources.dashboard, why: "the <prefix>-overview dashboard" },
    { action: "xray:GetTraceSummaries", resource: "*", why: "slow or failed traces of the API and the worker; X-Ray reads accept no resource" },
    { action: "xray:BatchGetTraces", resource: "*", why: "one trace's segments" },
    { action: "xray:GetServiceGraph", resource: "*", why: "the service map" },
  ];
}

function mustOperate(environment: Environment): Request[] {
  const resources = resourcesOf(environment);
  const { region, settings } = environment;
  const redrive = "SQS developer guide, dead-letter queue redrive: the message move task acts with the caller's permissions";
  const functions = isEcs(environment) ? ["worker", "producer"] : ["api", "worker", "producer"];
  const drRegion = settings.drRegion;
  const table = settings.features.dynamodbTable;
  const key = environmentKey(environment);
  return [
    { action: "sqs:StartMessageMoveTask", resource: resources.deadLetterQueue, why: `${redrive}: aws sqs start-message-move-task --source-arn <dlq>` },
    { action: "sqs:ListMessageMoveTasks", resource: resources.deadLetterQueue, why: "watching the redrive" },
    { action: "sqs:CancelMessageMoveTask", resource: resources.deadLetterQueue, why: "stopping a redrive that feeds the failure again" },
    { action: "sqs:ReceiveMessage", resource: resources.deadLetterQueue, why: `${redrive} (receives from the dead-letter queue); also how on-call inspects dead letters` },
    { action: "sqs:DeleteMessage", resource: resources.deadLetterQueue, why: `${redrive} (deletes what it moved)` },
    { action: "sqs:GetQueueAttributes", resource: resources.deadLetterQueue, why: "how many dead letters wait" },
    { action: "sqs:SendMessage", resource: resources.queue, why: `${redrive} (sends to the destination, the work queue)` },
    ...throughSqs(environment, resources.deadLetterQueue, ["kms:Decrypt"], "SQS decrypts the dead letters it moves with the environment key"),
    ...throughSqs(environment, resources.queue, ["kms:GenerateDataKey", "kms:Decrypt"], "SQS encrypts the moved messages on the work queue with the environment key"),
    ...functions.map((fn) => ({
      action: "lambda:InvokeFunction",
      resource: arn.function(region, `${environment.prefix}-${fn}`),
      why: `invoking the ${fn} function's current code with a test event, for diagnosis`,
    })),
    { action: "lambda:GetFunctionConfiguration", resource: arn.function(region, `${environment.prefix}-worker`), why: "which code and image the function runs" },
    ...(isEcs(environment)
      ? [
          { action: "ecs:UpdateService", resource: resources.service, why: "scaling the API service (aws ecs update-service --desired-count), or restarting its tasks (--force-new-deployment)" },
          { action: "ecs:DescribeServices", resource: resources.service, why: "the service's deployments and events" },
          { action: "ecs:ListTasks", resource: "*", context: { "ecs:cluster": arn.ecsCluster(region, resources.cluster) }, why: "the API's running tasks (ListTasks is authorized with the cluster as a condition)" },
          { action: "ecs:DescribeTasks", resource: `arn:aws:ecs:${region}:${ACCOUNT}:task/${resources.cluster}/${exampleId("task").replace(/-/g, "")}`, why: "why a task stopped" },
          { action: "application-autoscaling:DescribeScalableTargets", resource: "*", why: "the scaling bounds that cap a desired count set by hand" },
        ]
      : []),
    // Restores (docs/restore-runbook.md).
    { action: "backup:ListRecoveryPointsByBackupVault", resource: resources.vault, why: "the runbook's first step: which points the vault holds" },
    { action: "backup:DescribeBackupVault", resource: resources.vault, why: "the vault's lock and encryption" },
    { action: "backup:GetRecoveryPointRestoreMetadata", resource: recoveryPoint(environment, region), why: "the settings a restore starts from" },
    { action: "backup:StartRestoreJob", resource: recoveryPoint(environment, region), why: "restoring the media bucket (or the table) from AWS Backup" },
    { action: "backup:StartRestoreJob", resource: auroraSnapshot(environment, region, "job"), why: "restoring the Aurora cluster from a daily snapshot (its recovery point is RDS's snapshot ARN)" },
    { action: "iam:PassRole", resource: resources.backupRole, context: { "iam:PassedToService": "backup.amazonaws.com" }, why: "a restore job runs as the environment's backup role" },
    { action: "backup:DescribeRestoreJob", resource: "*", why: "watching the restore job; the action accepts no resource" },
    { action: "backup:ListRestoreJobs", resource: "*", why: "recent restore jobs" },
    { action: "backup:ListBackupJobs", resource: "*", why: "whether last night's backup ran" },
    ...(copiesToDr(environment)
      ? [
          { action: "backup:ListRecoveryPointsByBackupVault", resource: arn.backupVault(drRegion, `${environment.prefix}-backup-dr`), why: `the copies in the DR vault (${drRegion})` },
          { action: "backup:StartRestoreJob", resource: auroraSnapshot(environment, drRegion, "copyjob"), why: `restoring Aurora in ${drRegion} from a copied snapshot` },
          { action: "backup:StartRestoreJob", resource: recoveryPoint(environment, drRegion), why: `restoring the media bucket in ${drRegion}` },
        ]
      : []),
    ...(table
      ? [
          { action: "dynamodb:DescribeTable", resource: resources.table, why: "the table's status and size" },
        ]
      : []),
    // The configuration, and what it points at.
    { action: "ssm:GetParametersByPath", resource: resources.parameterPath, why: "aws ssm get-parameters-by-path --path /<project>/<env> --recursive --with-decryption: where everything is" },
    { action: "ssm:GetParameter", resource: resources.parameter("queue/url"), why: "one published parameter" },
    ...(key
      ? [{ action: "kms:Decrypt", resource: key, context: { "kms:ViaService": `ssm.${region}.amazonaws.com`, "kms:EncryptionContext:PARAMETER_ARN": resources.parameter("queue/url") }, why: "the parameters are SecureStrings under the environment key" }]
      : []),
    { action: "rds:DescribeDBClusters", resource: resources.database, why: "the cluster's status, capacity and latest restorable time" },
    { action: "rds:DescribeDBClusters", resource: arn.cluster(region, `${environment.prefix}-db-restored`), why: "watching the cluster a restore creates (docs/restore-runbook.md)" },
    { action: "rds:DescribeDBInstances", resource: `arn:aws:rds:${region}:${ACCOUNT}:db:${environment.prefix}-db-1`, why: "the writer instance" },
    { action: "elasticache:DescribeServerlessCaches", resource: resources.cache, why: "the cache's status and limits" },
  ];
}

/** The backend's key (a key ARN, an alias ARN or an alias name) as the account model names keys: by their alias. */
function stateKeyArn(region: string, kmsKeyId: string): string {
  const alias = /^(?:arn:[^:]+:kms:[^:]+:\d{12}:)?(alias\/.+)$/.exec(kmsKeyId)?.[1];
  return alias ? arn.kmsKey(region, alias) : kmsKeyId;
}

function never(environment: Environment): Request[] {
  const { region, prefix, neighbour, settings } = environment;
  const resources = resourcesOf(environment);
  const theirs = resourcesOf(neighbour);
  const key = environmentKey(environment) ?? arn.kmsKey(region, `alias/${prefix}-alerts`);
  const { backend } = settings;
  const state: Request[] =
    backend.type === "s3"
      ? [
          { action: "s3:GetObject", resource: arn.object(backend.bucket, s3StateKey(backend.keyPrefix, "infra")), why: "Terraform state holds what the stacks ever saw" },
          { action: "s3:PutObject", resource: arn.object(backend.bucket, s3StateKey(backend.keyPrefix, "app")), why: "Terraform state is the pipeline's" },
          { action: "kms:Decrypt", resource: stateKeyArn(backend.region, backend.kmsKeyId), context: { "kms:ViaService": `s3.${backend.region}.amazonaws.com` }, why: "the state key, even through S3" },
          ...(backend.lockTable ? [{ action: "dynamodb:PutItem", resource: arn.table(backend.region, backend.lockTable), why: "Terraform's state lock" }] : []),
        ]
      : [];
  const otherEnvironment: Request[] = [
    { action: "logs:StartQuery", resource: arn.logGroup(neighbour.region, theirs.functionLogGroup("worker")), why: `${neighbour.name}'s logs` },
    { action: "logs:FilterLogEvents", resource: arn.logGroup(neighbour.region, theirs.accessLogGroup), why: `${neighbour.name}'s access log` },
    { action: "cloudwatch:GetDashboard", resource: theirs.dashboard, why: `${neighbour.name}'s dashboard` },
    { action: "cloudwatch:DescribeAlarms", resource: theirs.alarm("work-dlq-not-empty"), why: `${neighbour.name}'s alarms` },
    { action: "sqs:StartMessageMoveTask", resource: theirs.deadLetterQueue, why: `${neighbour.name}'s dead-letter queue` },
    { action: "sqs:ReceiveMessage", resource: theirs.deadLetterQueue, why: `${neighbour.name}'s dead letters` },
    { action: "sqs:SendMessage", resource: theirs.queue, why: `${neighbour.name}'s work queue` },
    { action: "lambda:InvokeFunction", resource: arn.function(neighbour.region, `${neighbour.prefix}-worker`), why: `${neighbour.name}'s functions` },
    { action: "ecs:UpdateService", resource: theirs.service, why: `${neighbour.name}'s service` },
    { action: "ssm:GetParametersByPath", resource: theirs.parameterPath, why: `${neighbour.name}'s configuration` },
    { action: "backup:ListRecoveryPointsByBackupVault", resource: theirs.vault, why: `${neighbour.name}'s vault` },
    { action: "iam:PassRole", resource: theirs.backupRole, context: { "iam:PassedToService": "backup.amazonaws.com" }, why: `${neighbour.name}'s backup role: a restore would act with ${neighbour.name}'s reach` },
    { action: "rds:DescribeDBClusters", resource: theirs.database, why: `${neighbour.name}'s database` },
    {
      action: "kms:Decrypt",
      resource: arn.kmsKey(neighbour.region, `alias/${neighbour.prefix}`),
      context: { "kms:ViaService": `sqs.${neighbour.region}.amazonaws.com`, "kms:EncryptionContext:aws:sqs:arn": theirs.deadLetterQueue },
      why: `${neighbour.name}'s key`,
    },
  ];
  const secrets: Request[] = [
    { action: "secretsmanager:GetSecretValue", resource: resources.appSecret, why: "secret values are the workloads' alone" },
    { action: "secretsmanager:GetSecretValue", resource: resources.databaseSecret, why: "the database's master credentials" },
    {
      action: "ssm:GetParameter",
      resource: arn.parameter(region, `/aws/reference/secretsmanager/${prefix}/app`),
      why: "SSM hands out a secret's value under /aws/reference/secretsmanager/: outside the published path",
    },
    { action: "kms:Decrypt", resource: key, context: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` }, why: "the environment key through Secrets Manager decrypts secrets" },
    { action: "kms:Decrypt", resource: key, why: "the environment key outside an AWS service: arbitrary ciphertext" },
    {
      action: "kms:Decrypt",
      resource: key,
      context: { "kms:ViaService": `sqs.${region}.amazonaws.com`, "kms:EncryptionContext:aws:sqs:arn": arn.queue(region, `${prefix}-other`) },
      why: "the environment key through SQS for any queue but the two it redrives",
    },
    { action: "kms:CreateGrant", resource: key, context: { "kms:ViaService": `sqs.${region}.amazonaws.com` }, why: "handing the key on" },
  ];
  const iam: Request[] = [
    { action: "iam:CreateRole", resource: arn.role(`${prefix}-anything`), why: "IAM changes are the pipeline's" },
    { action: "iam:PutRolePolicy", resource: arn.role(`${prefix}-operator`), why: "widening its own grants" },
    { action: "iam:AttachRolePolicy", resource: arn.role(`${prefix}-operator`), context: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" }, why: "making itself an administrator" },
    { action: "iam:UpdateAssumeRolePolicy", resource: arn.role(`${prefix}-operator`), why: "letting someone else in" },
    { action: "iam:CreateAccessKey", resource: `arn:aws:iam::${ACCOUNT}:user/oncall-alice`, why: "long-lived credentials" },
    { action: "iam:PassRole", resource: resources.backupRole, context: { "iam:PassedToService": "lambda.amazonaws.com" }, why: "the backup role goes to AWS Backup only" },
    { action: "iam:PassRole", resource: arn.role(`${prefix}-worker-function`), context: { "iam:PassedToService": "lambda.amazonaws.com" }, why: "a workload's role: running code with the app's secrets" },
    { action: "sts:AssumeRole", resource: arn.role("platform-delivery-build-apply"), why: "becoming the apply role" },
    { action: "sts:AssumeRole", resource: arn.role(`${prefix}-worker-function`), why: "borrowing a workload's permissions" },
  ];
  const functions = isEcs(environment) ? ["worker"] : ["api", "worker"];
  const writes: Request[] = [
    { action: "sqs:PurgeQueue", resource: resources.deadLetterQueue, why: "dead letters are redriven or kept 14 days, never dropped wholesale" },
    { action: "sqs:SendMessage", resource: resources.deadLetterQueue, why: "only SQS moves messages to the dead-letter queue" },
    { action: "sqs:ReceiveMessage", resource: resources.queue, why: "live work is the worker's" },
    { action: "sqs:DeleteMessage", resource: resources.queue, why: "live work is the worker's" },
    { action: "sqs:SetQueueAttributes", resource: resources.queue, why: "the queue's redrive and encryption are Terraform's" },
    ...functions.flatMap((fn) => [
      { action: "lambda:UpdateFunctionCode", resource: arn.function(region, `${prefix}-${fn}`), why: "code ships through the pipelines" },
      { action: "lambda:UpdateFunctionConfiguration", resource: arn.function(region, `${prefix}-${fn}`), why: "configuration is Terraform's" },
      { action: "lambda:PutFunctionConcurrency", resource: arn.function(region, `${prefix}-${fn}`), why: "concurrency is the environment file's" },
      { action: "lambda:InvokeFunction", resource: `${arn.function(region, `${prefix}-${fn}`)}:1`, why: "only the current code is invoked, never an old version" },
    ]),
    ...(isEcs(environment)
      ? [
          {
            action: "ecs:UpdateService",
            resource: resources.service,
            context: { "ecs:task-definition": `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${prefix}-api:1` },
            why: "rolling the service to another task definition is the backend pipeline's",
          },
          { action: "ecs:UpdateService", resource: resources.service, context: { "ecs:enable-execute-command": "true" }, why: "no shell into the tasks" },
          { action: "ecs:ExecuteCommand", resource: `arn:aws:ecs:${region}:${ACCOUNT}:task/${resources.cluster}/${exampleId("task").replace(/-/g, "")}`, why: "no shell into the tasks" },
          { action: "ecs:RegisterTaskDefinition", resource: "*", why: "task definitions are the pipeline's" },
          { action: "ecs:DeleteService", resource: resources.service, why: "the service is Terraform's" },
        ]
      : []),
    { action: "logs:DeleteLogGroup", resource: arn.logGroup(region, resources.functionLogGroup("worker")), why: "logs are kept for their retention" },
    { action: "logs:PutRetentionPolicy", resource: arn.logGroup(region, resources.accessLogGroup), why: "retention is the environment file's" },
    { action: "logs:CreateExportTask", resource: arn.logGroup(region, resources.functionLogGroup("api")), why: "copying logs out of the account" },
    { action: "logs:PutLogEvents", resource: arn.logStream(region, resources.functionLogGroup("worker"), "forged"), why: "forging log lines" },
    { action: "cloudwatch:PutMetricAlarm", resource: resources.alarm("work-dlq-not-empty"), why: "alarms are Terraform's" },
    { action: "cloudwatch:DisableAlarmActions", resource: resources.alarm("api-5xx-rate"), why: "silencing an alarm" },
    { action: "cloudwatch:SetAlarmState", resource: resources.alarm("api-5xx-rate"), why: "faking an alarm's state" },
    { action: "cloudwatch:PutDashboard", resource: resources.dashboard, why: "the dashboard is generated" },
    { action: "ssm:PutParameter", resource: resources.parameter("queue/url"), why: "redirecting every handler's queue" },
    { action: "backup:DeleteRecoveryPoint", resource: recoveryPoint(environment, region), why: "recovery points expire by their lifecycle only" },
    { action: "backup:DeleteBackupVaultLockConfiguration", resource: resources.vault, why: "the vault lock needs a second person" },
    { action: "backup:PutBackupVaultAccessPolicy", resource: resources.vault, why: "opening the vault" },
    { action: "backup:UpdateBackupPlan", resource: `arn:aws:backup:${region}:${ACCOUNT}:backup-plan:${exampleId(`plan ${prefix}`)}`, why: "the plan is Terraform's" },
    { action: "rds:ModifyDBCluster", resource: resources.database, why: "the swap after a restore is a deployer's (docs/restore-runbook.md)" },
    { action: "rds:DeleteDBCluster", resource: resources.database, why: "never" },
    { action: "rds:CreateDBInstance", resource: `arn:aws:rds:${region}:${ACCOUNT}:db:${prefix}-db-restored-1`, why: "bringing a restored cluster up is a deployer's" },
    { action: "rds:RestoreDBClusterToPointInTime", resource: arn.cluster(region, `${prefix}-db-restored`), why: "restores run through AWS Backup, as the backup role" },
    { action: "rds-db:connect", resource: `arn:aws:rds-db:${region}:${ACCOUNT}:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/postgres`, why: "the data itself" },
    { action: "s3:GetObject", resource: arn.object(resources.mediaBucket, "uploads/avatar.png"), why: "the users' media" },
    { action: "s3:PutObject", resource: arn.object(`${prefix}-site-${ACCOUNT}`, "index.html"), why: "the site is the frontend pipeline's" },
    ...(settings.features.dynamodbTable ? [{ action: "dynamodb:Scan", resource: resources.table, why: "the users' data" }] : []),
  ];
  return [...state, ...otherEnvironment, ...secrets, ...iam, ...writes];
}

/** An example principal matching a configured ARN or pattern (an Identity Center role's region and suffix, say). */
function examplePrincipal(pattern: string): string {
  return pattern
    .replace(/\*(?=AWSReservedSSO_)/, "eu-west-1/")
    .replace(/\*/g, "0a1b2c3d4e5f6789")
    .replace(/\?/g, "x");
}

const allowedToAssume = (roleArn: string): PolicyDocument => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: roleArn }] });

function people(environment: Environment): { users: string[]; roles: string[]; role: string } {
  const principals = environment.settings.operators?.principals ?? [];
  return {
    users: principals.filter((principal) => principal.includes(":user/")).map(examplePrincipal),
    roles: principals.filter((principal) => principal.includes(":role/")).map(examplePrincipal),
    role: arn.role(`${environment.prefix}-operator`),
  };
}

const userName = (userArn: string) => userArn.split("/").pop()!;
const userContext = (userArn: string, extra: Record<string, string> = FRESH_MFA) => ({ "aws:PrincipalArn": userArn, "aws:username": userName(userArn), "sts:RoleSessionName": userName(userArn), ...extra });

export const OPERATOR_JOBS: RoleJob<Environment>[] = [
  {
    role: (environment) => (environment.settings.operators ? `${environment.prefix}-operator` : undefined),
    summary:
      "The people on call: read the environment's logs, metrics, alarms, dashboard and traces, redrive its dead-letter queue, invoke its functions, scale its ECS service, start and watch restores, read its published parameters.",
    must: (environment) => [...mustRead(environment), ...mustOperate(environment)],
    never,
    assumedBy: (environment) => {
      const { users, roles, role } = people(environment);
      return [
        ...users.map(
          (user): Assumer => ({
            principal: user,
            context: userContext(user),
            identityPolicy: allowedToAssume(role),
            why: "a named user with MFA checked minutes ago, under their own name (console switch-role, or the CLI with mfa_serial and role_session_name)",
          }),
        ),
        ...roles.map(
          (sessionRole): Assumer => ({
            principal: sessionRole,
            // Role chaining: the session of an Identity Center permission set carries no MFA key.
            context: { "aws:PrincipalArn": sessionRole },
            identityPolicy: allowedToAssume(role),
            why: "a named role (an Identity Center permission set whose sign-in demanded MFA) chaining into the operator role",
          }),
        ),
      ];
    },
    notAssumedBy: (environment): Assumer[] => {
      const { users, roles, role } = people(environment);
      const allowed = allowedToAssume(role);
      const checks: Assumer[] = [];
      const user = users[0];
      if (user) {
        checks.push(
          { principal: user, context: userContext(user, {}), identityPolicy: allowed, why: "a named user calling with long-term keys and no MFA token" },
          { principal: user, context: userContext(user, { "aws:MultiFactorAuthPresent": "false" }), identityPolicy: allowed, why: "a named user signed in without MFA" },
          {
            principal: user,
            context: userContext(user, { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "7200" }),
            identityPolicy: allowed,
            why: "a named user whose MFA check is two hours old",
          },
          { principal: user, context: { ...userContext(user), "sts:RoleSessionName": "someone-else" }, identityPolicy: allowed, why: "a named user hiding behind another session name" },
        );
      }
      const sessionRole = roles[0];
      if (sessionRole) {
        const otherRole = sessionRole.includes("AWSReservedSSO_")
          ? sessionRole.replace(/AWSReservedSSO_[A-Za-z0-9+=,.@-]+_/, "AWSReservedSSO_AdministratorAccess_")
          : sessionRole.replace(/role\/.*$/, "role/someone-elses-role");
        const foreignRole = sessionRole.replace(/::\d{12}:/, `::${FOREIGN_ACCOUNT}:`);
        checks.push(
          { principal: otherRole, context: { "aws:PrincipalArn": otherRole }, identityPolicy: allowed, why: "another permission set (or role) of the same account" },
          { principal: foreignRole, context: { "aws:PrincipalArn": foreignRole }, identityPolicy: allowed, why: "the same role name in another account" },
        );
      }
      return [
        ...checks,
        {
          principal: `arn:aws:iam::${ACCOUNT}:user/mallory`,
          context: userContext(`arn:aws:iam::${ACCOUNT}:user/mallory`),
          identityPolicy: allowed,
          why: "a user of the account with MFA whom the environment does not name",
        },
        { principal: `arn:aws:iam::${ACCOUNT}:root`, context: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:root`, ...FRESH_MFA }, identityPolicy: allowed, why: "the account root" },
        {
          principal: arn.role(`${environment.neighbour.prefix}-operator`),
          context: { "aws:PrincipalArn": arn.role(`${environment.neighbour.prefix}-operator`) },
          identityPolicy: allowed,
          why: `${environment.neighbour.name}'s operators`,
        },
        {
          principal: arn.role(`${environment.prefix}-worker-function`),
          context: { "aws:PrincipalArn": arn.role(`${environment.prefix}-worker-function`) },
          identityPolicy: allowed,
          why: "a workload of the environment",
        },
        { principal: `arn:aws:iam::${FOREIGN_ACCOUNT}:root`, context: { "aws:PrincipalArn": `arn:aws:iam::${FOREIGN_ACCOUNT}:root` }, identityPolicy: allowed, why: "another account" },
        { principal: "lambda.amazonaws.com", context: { "aws:SourceAccount": ACCOUNT }, why: "an AWS service" },
      ];
    },
  },
];

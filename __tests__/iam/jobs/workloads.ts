import { ACCOUNT, arn } from "../support/account-model";
import type { Request } from "../support/simulate";
import type { Assumer, EnvironmentUnderTest, RoleJob } from "./job";

/*
 * The roles the environment's code runs as: the API, worker and producer functions, and on ECS the
 * API task and its execution role. Their jobs come from what the code calls (src/handlers: SSM
 * GetParametersByPath with decryption, SQS SendMessage and SendMessageBatch), from what the app
 * layer provisions them for (src/stacks/app-stack.ts: the secrets, the media bucket, the table),
 * and from what Lambda and ECS do with the role on the code's behalf (logs, traces, network
 * interfaces, polling the queue, dead-lettering failed events, pulling the image, injecting secrets).
 */

type Environment = EnvironmentUnderTest;

const FOREIGN_ACCOUNT = "210987654321";
/** Example ids of what Lambda and ECS create at run time, so requests carry concrete ARNs. */
const LAMBDA_LOG_STREAM = "2026/12/02/[$LATEST]0123456789abcdef0123456789abcdef";
const TASK_ID = "0123456789abcdef0123456789abcdef";
const NETWORK_INTERFACE = "eni-0123456789abcdef0";
const SUBNET = "subnet-0123456789abcdef0";
const SECURITY_GROUP = "sg-0123456789abcdef0";

/** The environment's resources a workload meets, named as the stacks name them. */
function resourcesOf(environment: Environment) {
  const { prefix, region, project, name, settings } = environment;
  const path = `/${project}/${name}`;
  return {
    /** `GetParametersByPath` is authorized on the path itself. */
    parameterPath: arn.parameter(region, path),
    parameter: (relative: string) => arn.parameter(region, `${path}/${relative}`),
    queue: arn.queue(region, `${prefix}-work`),
    deadLetterQueue: arn.queue(region, `${prefix}-work-dlq`),
    appSecret: arn.secret(region, `${prefix}/app`),
    /** The header value CloudFront adds on /api/* (origin-verification.ts), rotated by its own function. */
    originSecret: arn.secret(region, `${prefix}/origin-verification`),
    databaseSecret: arn.rdsManagedSecret(region, `${prefix}-db`),
    mediaBucket: `${prefix}-media-${ACCOUNT}`,
    siteBucket: `${prefix}-site-${ACCOUNT}`,
    accessLogBucket: `${prefix}-s3-access-logs-${ACCOUNT}`,
    table: settings.features.dynamodbTable ? { name: `${prefix}-app`, arn: arn.table(region, `${prefix}-app`) } : undefined,
    repository: arn.repository(region, `${prefix}-api`),
    functionLogGroup: (fn: string) => `/aws/lambda/${prefix}-${fn}`,
    containerLogGroup: `${path}/ecs/api`,
    apiAccessLogGroup: `${path}/api/access-logs`,
    alertTopic: arn.topic(region, `${prefix}-alerts`),
    service: arn.ecsService(region, `${prefix}-cluster`, `${prefix}-api`),
  };
}

/** The environment's customer key, when it has one (`features.kmsKey`). */
const environmentKey = (environment: Environment) => (environment.settings.features.kmsKey ? arn.kmsKey(environment.region, `alias/${environment.prefix}`) : undefined);

/**
 * The encryption context each service puts on its KMS requests (AWS KMS developer guide, "How <service>
 * uses AWS KMS"); one key per request, the one that names the resource.
 */
const encryptionContext = {
  sqs: (queueArn: string) => ({ "kms:EncryptionContext:aws:sqs:arn": queueArn }),
  // Bucket keys are on (src/constructs/storage/secure-bucket.ts), so the context names the bucket, not the object.
  s3: (bucket: string) => ({ "kms:EncryptionContext:aws:s3:arn": arn.bucket(bucket) }),
  ssm: (parameterArn: string) => ({ "kms:EncryptionContext:PARAMETER_ARN": parameterArn }),
  secretsmanager: (secretArn: string) => ({ "kms:EncryptionContext:SecretARN": secretArn }),
  dynamodb: (tableName: string) => ({ "kms:EncryptionContext:aws:dynamodb:tableName": tableName }),
};

/** KMS requests a service makes with the caller's credentials and the environment key, or none without the key. */
function throughKey(environment: Environment, service: keyof typeof encryptionContext, actions: string[], context: Record<string, string>, why: string): Request[] {
  const key = environmentKey(environment);
  if (!key) return [];
  return actions.map((action) => ({ action, resource: key, context: { "kms:ViaService": `${service}.${environment.region}.amazonaws.com`, ...context }, why }));
}

/** What Lambda does with every function's role: its log group, traces, and the VPC network interfaces. */
function functionBasics(environment: Environment, fn: string): Request[] {
  const { region } = environment;
  const stream = arn.logStream(region, resourcesOf(environment).functionLogGroup(fn), LAMBDA_LOG_STREAM);
  const ec2 = (resource: string) => `arn:aws:ec2:${region}:${ACCOUNT}:${resource}`;
  const vpcDoc = "Lambda developer guide, 'Giving Lambda functions access to resources in an Amazon VPC': Lambda manages the function's Hyperplane ENIs with its role";
  return [
    { action: "logs:CreateLogStream", resource: stream, why: "Lambda opens a log stream per execution environment in the function's own group (platform-function.ts loggingConfig)" },
    { action: "logs:PutLogEvents", resource: stream, why: "Lambda ships the function's JSON log lines (src/handlers/runtime/logger.ts writes them to stdout)" },
    { action: "xray:PutTraceSegments", resource: "*", why: "active tracing (platform-function.ts tracingConfig Active): Lambda sends the function's segments" },
    { action: "xray:PutTelemetryRecords", resource: "*", why: "active tracing: Lambda reports the X-Ray telemetry of the function" },
    { action: "ec2:CreateNetworkInterface", resource: ec2("network-interface/*"), why: `${vpcDoc} (the interface itself)` },
    { action: "ec2:CreateNetworkInterface", resource: ec2(`subnet/${SUBNET}`), why: `${vpcDoc} (in one of the private subnets)` },
    { action: "ec2:CreateNetworkInterface", resource: ec2(`security-group/${SECURITY_GROUP}`), why: `${vpcDoc} (with the app security group)` },
    { action: "ec2:DescribeNetworkInterfaces", resource: "*", why: `${vpcDoc}; it accepts no resource scope` },
    { action: "ec2:DeleteNetworkInterface", resource: ec2(`network-interface/${NETWORK_INTERFACE}`), why: `${vpcDoc} (an interface no version uses any more)` },
    { action: "ec2:AssignPrivateIpAddresses", resource: ec2(`network-interface/${NETWORK_INTERFACE}`), why: vpcDoc },
    { action: "ec2:UnassignPrivateIpAddresses", resource: ec2(`network-interface/${NETWORK_INTERFACE}`), why: vpcDoc },
  ];
}

/** The run-time configuration every handler reads first. */
function readConfiguration(environment: Environment, who: string): Request[] {
  const resources = resourcesOf(environment);
  // IPv6 egress: SSM is unreachable (no dual-stack endpoint), the app layer hands the values over in
  // PLATFORM_PARAMETERS, and the functions get no SSM grant (a never in workloadNevers).
  if (environment.settings.network.ipv6Egress) return [];
  return [
    {
      action: "ssm:GetParametersByPath",
      resource: resources.parameterPath,
      why: `${who}: src/handlers/runtime/config.ts readParameters(), GetParametersByPath on PLATFORM_PARAMETERS_PATH, recursive`,
    },
    ...throughKey(
      environment,
      "ssm",
      ["kms:Decrypt"],
      encryptionContext.ssm(resources.parameter("queue/url")),
      "readParameters() asks WithDecryption: SSM decrypts the SecureString parameters (published-parameters.ts) with the environment key",
    ),
  ];
}

/**
 * Logging in to the database the way app/platform_app/database.py does: the RDS-managed secret
 * (auth `secret`, and for migrations), and through RDS Proxy, which requires IAM authentication,
 * a token for the master user naming the proxy (`dbuser:prx-<id>/postgres`).
 */
function databaseLogin(environment: Environment, who: string): Request[] {
  const resources = resourcesOf(environment);
  const { region, prefix, settings } = environment;
  const proxyId = arn.dbProxy(region, `${prefix}-db-proxy`).split(":").pop();
  return [
    { action: "secretsmanager:GetSecretValue", resource: resources.databaseSecret, why: `${who}: the database credentials (aurora-postgres.ts grantAppLogin), found through database/secret-arn` },
    ...throughKey(environment, "secretsmanager", ["kms:Decrypt"], encryptionContext.secretsmanager(resources.databaseSecret), "Secrets Manager decrypts the RDS-managed master secret with the environment key"),
    ...(settings.database.rdsProxy
      ? [
          {
            action: "rds-db:connect",
            resource: `arn:aws:rds-db:${region}:${ACCOUNT}:dbuser:${proxyId}/postgres`,
            why: `${who}: database/auth is iam behind RDS Proxy (its auth requires IAM), so database.py logs in with generate_db_auth_token for the master user at the proxy endpoint (RDS user guide, 'IAM database authentication for RDS Proxy')`,
          },
        ]
      : []),
  ];
}

/** What no workload may do with the database beyond its own login. */
function databaseNevers(environment: Environment): Request[] {
  const { region, prefix, neighbour } = environment;
  const proxyId = (env: { region: string; prefix: string }) => arn.dbProxy(env.region, `${env.prefix}-db-proxy`).split(":").pop();
  return [
    { action: "rds-db:connect", resource: `arn:aws:rds-db:${region}:${ACCOUNT}:dbuser:${proxyId({ region, prefix })}/rdsadmin`, why: "only the app's own user, never RDS's administrator" },
    { action: "rds-db:connect", resource: `arn:aws:rds-db:${neighbour.region}:${ACCOUNT}:dbuser:${proxyId(neighbour)}/postgres`, why: `another environment's (${neighbour.name}) database` },
  ];
}

/** What the application behind the API needs, as a function or as an ECS task: app-stack.ts grants both the same. */
function applicationNeeds(environment: Environment): Request[] {
  const resources = resourcesOf(environment);
  const media = resources.mediaBucket;
  const table = resources.table;
  return [
    ...readConfiguration(environment, "every route that checks the configuration (/health, POST /api/jobs)"),
    { action: "sqs:SendMessage", resource: resources.queue, why: "POST /api/jobs: src/handlers/runtime/jobs.ts enqueueJob() sends to the work queue" },
    ...throughKey(
      environment,
      "sqs",
      ["kms:GenerateDataKey", "kms:Decrypt"],
      encryptionContext.sqs(resources.queue),
      "SQS developer guide, SSE key management: a producer to a KMS-encrypted queue needs GenerateDataKey and Decrypt through SQS",
    ),
    { action: "secretsmanager:GetSecretValue", resource: resources.appSecret, why: "the app's SECRET_KEY (app-secrets.ts), read at run time through the ARN published as app/secret-arn" },
    ...throughKey(environment, "secretsmanager", ["kms:Decrypt"], encryptionContext.secretsmanager(resources.appSecret), "Secrets Manager decrypts the app secret with the environment key"),
    {
      action: "secretsmanager:GetSecretValue",
      resource: resources.originSecret,
      why: "the origin check before every route (app/platform_app/origin.py, src/handlers/runtime/origin.ts): AWSCURRENT, AWSPREVIOUS and AWSPENDING of the secret edge/origin-secret-arn names",
    },
    ...throughKey(environment, "secretsmanager", ["kms:Decrypt"], encryptionContext.secretsmanager(resources.originSecret), "Secrets Manager decrypts the origin secret with the environment key"),
    ...databaseLogin(environment, "the jobs API (app/platform_app/api.py) records and reads jobs in PostgreSQL"),
    { action: "s3:PutObject", resource: arn.object(media, "uploads/avatar.png"), why: "media-bucket.ts: browsers upload with URLs the API pre-signs, which act with the API's permissions" },
    { action: "s3:GetObject", resource: arn.object(media, "uploads/avatar.png"), why: "media-bucket.ts: downloads through pre-signed URLs and the app's own reads" },
    { action: "s3:DeleteObject", resource: arn.object(media, "uploads/avatar.png"), why: "the app removes media its users delete (media-bucket.ts grantReadWrite)" },
    { action: "s3:ListBucket", resource: arn.bucket(media), why: "the app lists a user's uploads (media-bucket.ts grantReadWrite)" },
    ...throughKey(environment, "s3", ["kms:GenerateDataKey"], encryptionContext.s3(media), "S3 developer guide, SSE-KMS: an upload needs a data key through S3"),
    ...throughKey(environment, "s3", ["kms:Decrypt"], encryptionContext.s3(media), "S3 developer guide, SSE-KMS: a download (and a multipart upload) decrypts through S3"),
    ...(table ? tableNeeds(environment, table, "the app's single-table data (app-table.ts, features.dynamodbTable)") : []),
  ];
}

/** Item reads and writes of the optional application table, and the key DynamoDB unwraps for them. */
function tableNeeds(environment: Environment, table: { name: string; arn: string }, why: string): Request[] {
  return [
    ...["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"].map((action) => ({ action, resource: table.arn, why })),
    ...throughKey(
      environment,
      "dynamodb",
      ["kms:Decrypt"],
      encryptionContext.dynamodb(table.name),
      "KMS developer guide, 'How Amazon DynamoDB uses AWS KMS': DynamoDB unwraps the table key with the caller's permissions through DynamoDB",
    ),
  ];
}

/** The backend's key (a key ARN, an alias ARN or an alias name) as the account model names keys: by their alias. */
function stateKeyArn(region: string, kmsKeyId: string): string {
  const alias = /^(?:arn:[^:]+:kms:[^:]+:\d{12}:)?(alias\/.+)$/.exec(kmsKeyId)?.[1];
  return alias ? arn.kmsKey(region, alias) : kmsKeyId;
}

/** What no workload role may ever do, whichever function or task it is. */
function workloadNevers(environment: Environment, otherLogGroup: string): Request[] {
  const { neighbour, region, prefix, settings } = environment;
  const resources = resourcesOf(environment);
  const neighbourKey = arn.kmsKey(neighbour.region, `alias/${neighbour.prefix}`);
  // Without the environment key the alert topic still has a key of its own (core-stack.ts).
  const ownKey = environmentKey(environment) ?? arn.kmsKey(region, `alias/${prefix}-alerts`);
  const { backend } = settings;
  const state =
    backend.type === "s3"
      ? [
          { action: "s3:GetObject", resource: arn.object(backend.bucket, `${backend.keyPrefix}/infra.tfstate`), why: "Terraform state (it holds every endpoint and ARN, and more)" },
          { action: "s3:PutObject", resource: arn.object(backend.bucket, `${backend.keyPrefix}/app.tfstate`), why: "Terraform state" },
          ...(backend.lockTable
            ? [{ action: "dynamodb:PutItem", resource: arn.table(backend.region, backend.lockTable), why: "Terraform's state lock table" }]
            : []),
          {
            action: "kms:Decrypt",
            resource: stateKeyArn(backend.region, backend.kmsKeyId),
            context: { "kms:ViaService": `s3.${backend.region}.amazonaws.com` },
            why: "the state key, even through S3",
          },
        ]
      : [];
  return [
    { action: "secretsmanager:GetSecretValue", resource: arn.secret(neighbour.region, `${neighbour.prefix}/app`), why: `another environment's (${neighbour.name}) app secret` },
    { action: "secretsmanager:GetSecretValue", resource: arn.rdsManagedSecret(neighbour.region, `${neighbour.prefix}-db`), why: `another environment's (${neighbour.name}) database credentials` },
    { action: "sqs:SendMessage", resource: arn.queue(neighbour.region, `${neighbour.prefix}-work`), why: `another environment's (${neighbour.name}) queue` },
    ...databaseNevers(environment),
    { action: "ssm:GetParametersByPath", resource: arn.parameter(neighbour.region, `/${environment.project}/${neighbour.name}`), why: `another environment's (${neighbour.name}) configuration` },
    { action: "s3:GetObject", resource: arn.object(`${neighbour.prefix}-media-${ACCOUNT}`, "uploads/avatar.png"), why: `another environment's (${neighbour.name}) media` },
    { action: "kms:Decrypt", resource: neighbourKey, context: { "kms:ViaService": `secretsmanager.${neighbour.region}.amazonaws.com` }, why: `another environment's (${neighbour.name}) key` },
    { action: "kms:Decrypt", resource: ownKey, why: "its own environment's key outside an AWS service (no kms:ViaService): arbitrary ciphertext" },
    { action: "kms:CreateGrant", resource: ownKey, context: { "kms:ViaService": `sqs.${region}.amazonaws.com` }, why: "handing the key on" },
    { action: "logs:PutLogEvents", resource: arn.logStream(region, otherLogGroup, "s"), why: "another workload's logs" },
    { action: "logs:PutLogEvents", resource: arn.logStream(region, resources.apiAccessLogGroup, "s"), why: "forging the API's access log" },
    { action: "iam:PassRole", resource: arn.role(`${prefix}-backup`), why: "IAM is never a workload's business" },
    { action: "iam:CreateRole", resource: arn.role("anything"), why: "IAM is never a workload's business" },
    { action: "sts:AssumeRole", resource: arn.role(`${neighbour.prefix}-worker-function`), why: "borrowing another role" },
    ...state,
    { action: "ssm:PutParameter", resource: resources.parameter("queue/url"), why: "rewriting the configuration (redirecting every handler's queue)" },
    ...(environment.settings.network.ipv6Egress
      ? [{ action: "ssm:GetParametersByPath", resource: resources.parameterPath, why: "IPv6 egress: the parameters are handed over in PLATFORM_PARAMETERS, so an SSM grant would be unused" }]
      : []),
    { action: "secretsmanager:PutSecretValue", resource: resources.appSecret, why: "replacing the app secret is Terraform's (app-secrets.ts valueVersion)" },
    { action: "secretsmanager:PutSecretValue", resource: resources.originSecret, why: "the origin secret's values are the rotation function's alone" },
    { action: "secretsmanager:GetSecretValue", resource: arn.secret(neighbour.region, `${neighbour.prefix}/origin-verification`), why: `another environment's (${neighbour.name}) origin secret` },
    { action: "sqs:PurgeQueue", resource: resources.queue, why: "dropping every pending job" },
    { action: "sqs:SetQueueAttributes", resource: resources.queue, why: "changing the queue's redrive or encryption" },
    { action: "sqs:ReceiveMessage", resource: resources.deadLetterQueue, why: "dead letters are inspected and redriven by operators" },
    { action: "sns:Publish", resource: resources.alertTopic, why: "alerts come from alarms, EventBridge and Backup only" },
    { action: "s3:PutObject", resource: arn.object(resources.siteBucket, "index.html"), why: "the static site is the frontend pipeline's" },
    { action: "s3:DeleteObject", resource: arn.object(resources.accessLogBucket, `${resources.mediaBucket}/2026-12-02-00-00-00-0123456789ABCDEF`), why: "the buckets' access logs are evidence" },
    { action: "s3:DeleteObjectVersion", resource: arn.object(resources.mediaBucket, "uploads/avatar.png"), why: "a delete leaves the versioned media recoverable; erasing versions is never the app's" },
    { action: "s3:PutBucketPolicy", resource: arn.bucket(resources.mediaBucket), why: "opening the media bucket" },
  ];
}

/** What no function's role may do to its function. */
function functionNevers(environment: Environment, fn: string): Request[] {
  const { region, prefix } = environment;
  const group = resourcesOf(environment).functionLogGroup(fn);
  return [
    { action: "logs:CreateLogGroup", resource: arn.logGroup(region, group), why: "the group is Terraform's (encrypted, with retention); Lambda must not recreate it unencrypted (platform-function.ts)" },
    { action: "logs:DeleteLogGroup", resource: arn.logGroup(region, group), why: "erasing its own logs" },
    { action: "lambda:UpdateFunctionCode", resource: arn.function(region, `${prefix}-${fn}`), why: "code that replaces itself" },
  ];
}

function trust(service: string, why: string): (environment: Environment) => Assumer[] {
  return () => [{ principal: service, context: { "aws:SourceAccount": ACCOUNT }, why }];
}

function untrusted(service: string, otherService: string): (environment: Environment) => Assumer[] {
  return (environment) => [
    { principal: service, context: { "aws:SourceAccount": FOREIGN_ACCOUNT }, why: `${service} acting for another account (confused deputy)` },
    { principal: otherService, context: { "aws:SourceAccount": ACCOUNT }, why: "another service of this account" },
    { principal: `arn:aws:iam::${FOREIGN_ACCOUNT}:root`, why: "another account" },
    { principal: `arn:aws:iam::${ACCOUNT}:root`, why: "nobody in the account borrows a workload's permissions" },
    { principal: arn.role(`${environment.neighbour.prefix}-api-function`), why: `another environment's (${environment.neighbour.name}) workload` },
  ];
}

const lambdaRuns = trust("lambda.amazonaws.com", "Lambda runs the function as this role (platform-function.ts trust: Lambda of this account only)");
const ecsRuns = trust("ecs-tasks.amazonaws.com", "ECS starts the API tasks with this role (task-roles.ts trust: ECS tasks of this account only)");

export const WORKLOAD_JOBS: RoleJob<EnvironmentUnderTest>[] = [
  {
    role: (environment) => (environment.settings.compute.kind === "lambda" ? `${environment.prefix}-api-function` : undefined),
    summary:
      "The API function: reads the environment's configuration, the app and database secrets, enqueues jobs, reads and writes media (and the table), as src/handlers/api runs behind the HTTP API.",
    must: (environment) => [...functionBasics(environment, "api"), ...applicationNeeds(environment)],
    never: (environment) => {
      const resources = resourcesOf(environment);
      return [
        ...workloadNevers(environment, resources.functionLogGroup("worker")),
        ...functionNevers(environment, "api"),
        { action: "sqs:ReceiveMessage", resource: resources.queue, why: "only the worker consumes the queue" },
        { action: "sqs:DeleteMessage", resource: resources.queue, why: "only the worker consumes the queue" },
        { action: "lambda:InvokeFunction", resource: arn.function(environment.region, `${environment.prefix}-producer`), why: "the producer runs on its schedule only" },
      ];
    },
    assumedBy: lambdaRuns,
    notAssumedBy: untrusted("lambda.amazonaws.com", "ecs-tasks.amazonaws.com"),
  },
  {
    role: (environment) => `${environment.prefix}-worker-function`,
    summary:
      "The worker function: Lambda polls the work queue with this role and the handler (src/handlers/worker) processes each batch; it may read the configuration, the database credentials and the table for the real work.",
    must: (environment) => {
      const resources = resourcesOf(environment);
      const polling = "queue-trigger.ts: the SQS event source mapping polls with the function's role (Lambda developer guide, 'Using Lambda with Amazon SQS')";
      return [
        ...functionBasics(environment, "worker"),
        { action: "sqs:ReceiveMessage", resource: resources.queue, why: `${polling}: receives batches` },
        { action: "sqs:DeleteMessage", resource: resources.queue, why: `${polling}: deletes what the handler did not report in batchItemFailures` },
        { action: "sqs:ChangeMessageVisibility", resource: resources.queue, why: `${polling}: returns the failed records to the queue` },
        { action: "sqs:GetQueueAttributes", resource: resources.queue, why: `${polling}: reads the queue's attributes when scaling and at creation` },
        ...throughKey(environment, "sqs", ["kms:Decrypt"], encryptionContext.sqs(resources.queue), "SQS decrypts the received messages with the environment key for the poller"),
        ...readConfiguration(environment, "the processors find the database and the table through the configuration (app-stack.ts parameters.grantRead)"),
        ...databaseLogin(environment, "app/platform_app/lambda_worker.py writes each job's result to PostgreSQL"),
        ...(resources.table ? tableNeeds(environment, resources.table, "the processors' data in the application table (app-stack.ts grantReadWrite)") : []),
      ];
    },
    never: (environment) => {
      const resources = resourcesOf(environment);
      return [
        ...workloadNevers(environment, resources.functionLogGroup("producer")),
        ...functionNevers(environment, "worker"),
        { action: "sqs:SendMessage", resource: resources.queue, why: "the worker drains the queue; a failing job returns through the visibility timeout and the dead-letter queue, never by re-enqueueing" },
        { action: "sqs:SendMessage", resource: resources.deadLetterQueue, why: "SQS itself moves messages to the dead-letter queue after five receives" },
        { action: "secretsmanager:GetSecretValue", resource: resources.appSecret, why: "the app's signing key is the API's alone" },
        { action: "secretsmanager:GetSecretValue", resource: resources.originSecret, why: "the worker serves no HTTP: only the API checks CloudFront's header" },
        { action: "lambda:InvokeFunction", resource: arn.function(environment.region, `${environment.prefix}-producer`), why: "the producer runs on its schedule only" },
      ];
    },
    assumedBy: lambdaRuns,
    notAssumedBy: untrusted("lambda.amazonaws.com", "ecs-tasks.amazonaws.com"),
  },
  {
    role: (environment) => `${environment.prefix}-producer-function`,
    summary:
      "The producer function: on each schedule reads the configuration and enqueues one batch of tick jobs (src/handlers/producer); Lambda dead-letters its failed asynchronous events with this role.",
    must: (environment) => {
      const resources = resourcesOf(environment);
      return [
        ...functionBasics(environment, "producer"),
        ...readConfiguration(environment, "src/handlers/producer/index.ts handler() calls requireConfig()"),
        { action: "sqs:SendMessage", resource: resources.queue, why: "src/handlers/runtime/jobs.ts enqueueJobs(): SendMessageBatch, authorized as sqs:SendMessage" },
        ...throughKey(environment, "sqs", ["kms:GenerateDataKey", "kms:Decrypt"], encryptionContext.sqs(resources.queue), "SQS encrypts the batch with the environment key"),
        {
          action: "sqs:SendMessage",
          resource: resources.deadLetterQueue,
          why: "platform-function.ts deadLetterQueue: Lambda sends an asynchronous event that failed every retry with the function's role (Lambda developer guide, dead-letter queues)",
        },
        ...throughKey(environment, "sqs", ["kms:GenerateDataKey", "kms:Decrypt"], encryptionContext.sqs(resources.deadLetterQueue), "SQS encrypts the failed event on the dead-letter queue"),
        ...(environment.settings.compute.runtime === "python" ? databaseLogin(environment, "app/platform_app/lambda_producer.py records each job it enqueues") : []),
      ];
    },
    never: (environment) => {
      const resources = resourcesOf(environment);
      return [
        ...workloadNevers(environment, resources.functionLogGroup("worker")),
        ...functionNevers(environment, "producer"),
        { action: "sqs:ReceiveMessage", resource: resources.queue, why: "the producer fills the queue; only the worker consumes it" },
        { action: "sqs:DeleteMessage", resource: resources.queue, why: "the producer fills the queue; only the worker consumes it" },
        { action: "sqs:ChangeMessageVisibility", resource: resources.queue, why: "the producer fills the queue; only the worker consumes it" },
        { action: "secretsmanager:GetSecretValue", resource: resources.appSecret, why: "the producer needs no secret" },
        { action: "secretsmanager:GetSecretValue", resource: resources.originSecret, why: "the producer serves no HTTP: only the API checks CloudFront's header" },
        ...(environment.settings.compute.runtime === "python"
          ? []
          : [{ action: "secretsmanager:GetSecretValue", resource: resources.databaseSecret, why: "the TypeScript producer only enqueues: it needs no secret" }]),
        { action: "s3:GetObject", resource: arn.object(resources.mediaBucket, "uploads/avatar.png"), why: "the producer never touches media" },
        { action: "lambda:InvokeFunction", resource: arn.function(environment.region, `${environment.prefix}-worker`), why: "work reaches the worker through the queue only" },
      ];
    },
    assumedBy: lambdaRuns,
    notAssumedBy: untrusted("lambda.amazonaws.com", "ecs-tasks.amazonaws.com"),
  },
  {
    role: (environment) => (environment.settings.compute.kind === "ecs" ? `${environment.prefix}-api-task` : undefined),
    summary:
      "The API task's role: the application (src/handlers/api/server.ts on Fargate) reads the configuration and the secrets, enqueues jobs, reads and writes media (and the table), as the API function does.",
    must: (environment) => applicationNeeds(environment),
    never: (environment) => {
      const resources = resourcesOf(environment);
      return [
        ...workloadNevers(environment, resources.functionLogGroup("worker")),
        { action: "sqs:ReceiveMessage", resource: resources.queue, why: "only the worker consumes the queue" },
        { action: "sqs:DeleteMessage", resource: resources.queue, why: "only the worker consumes the queue" },
        {
          action: "logs:PutLogEvents",
          resource: arn.logStream(environment.region, resources.containerLogGroup, `api/api/${TASK_ID}`),
          why: "the awslogs driver ships the container's output with the execution role; the app cannot write (or forge) log lines itself",
        },
        { action: "ecr:PutImage", resource: resources.repository, why: "images are pushed by the backend pipeline only" },
        { action: "ecs:UpdateService", resource: resources.service, why: "the service is rolled by the pipeline and scaled by Application Auto Scaling" },
        { action: "lambda:InvokeFunction", resource: arn.function(environment.region, `${environment.prefix}-producer`), why: "the producer runs on its schedule only" },
      ];
    },
    assumedBy: ecsRuns,
    notAssumedBy: untrusted("ecs-tasks.amazonaws.com", "lambda.amazonaws.com"),
  },
  {
    role: (environment) => (environment.settings.compute.kind === "ecs" ? `${environment.prefix}-api-task-execution` : undefined),
    summary: "The API task's execution role: ECS pulls the image and ships the container's logs (task-roles.ts), and nothing of the application's: no secret is injected, the app reads its own.",
    must: (environment) => {
      const resources = resourcesOf(environment);
      const stream = arn.logStream(environment.region, resources.containerLogGroup, `api/api/${TASK_ID}`);
      const executionDoc = "Amazon ECS developer guide, 'Amazon ECS task execution IAM role'";
      return [
        { action: "ecr:GetAuthorizationToken", resource: "*", why: `${executionDoc}: the registry login before a pull; it accepts no resource scope` },
        { action: "ecr:BatchGetImage", resource: resources.repository, why: `${executionDoc}: the image manifest (container-service.ts image from the environment's repository)` },
        { action: "ecr:GetDownloadUrlForLayer", resource: resources.repository, why: `${executionDoc}: the image layers` },
        { action: "logs:CreateLogStream", resource: stream, why: "the awslogs driver opens `<prefix>/<container>/<task id>` in the container's group (container-service.ts logConfiguration)" },
        { action: "logs:PutLogEvents", resource: stream, why: "the awslogs driver ships the container's output" },
      ];
    },
    never: (environment) => {
      const resources = resourcesOf(environment);
      const { region, neighbour } = environment;
      return [
        ...workloadNevers(environment, resources.functionLogGroup("worker")),
        { action: "secretsmanager:GetSecretValue", resource: resources.databaseSecret, why: "the task definition injects no secret (the app reads its own through the task role)" },
        { action: "secretsmanager:GetSecretValue", resource: resources.appSecret, why: "the task definition injects no secret, not even SECRET_KEY: no secret value sits in the container's environment" },
        { action: "ssm:GetParametersByPath", resource: resources.parameterPath, why: "the configuration is the application's (task role), not ECS's" },
        { action: "sqs:SendMessage", resource: resources.queue, why: "the execution role is not the application" },
        { action: "s3:GetObject", resource: arn.object(resources.mediaBucket, "uploads/avatar.png"), why: "the execution role is not the application" },
        { action: "ecr:BatchGetImage", resource: arn.repository(neighbour.region, `${neighbour.prefix}-api`), why: `another environment's (${neighbour.name}) images` },
        { action: "ecr:PutImage", resource: resources.repository, why: "pulling only; images are pushed by the backend pipeline" },
        { action: "ecr:InitiateLayerUpload", resource: resources.repository, why: "pulling only; images are pushed by the backend pipeline" },
        { action: "logs:CreateLogGroup", resource: arn.logGroup(region, resources.containerLogGroup), why: "the group is Terraform's (encrypted, with retention)" },
        ...throughKey(environment, "sqs", ["kms:Decrypt"], encryptionContext.sqs(resources.queue), "the execution role decrypts only what Secrets Manager hands it"),
      ];
    },
    assumedBy: ecsRuns,
    notAssumedBy: untrusted("ecs-tasks.amazonaws.com", "lambda.amazonaws.com"),
  },
];

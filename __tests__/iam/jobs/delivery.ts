import { loadDeliveryConfig } from "../../../src/config/delivery-schema";
import { IAM_USER_ACTIONS, LOCK_TABLE_SETTINGS, STATE_BUCKET_SETTINGS, STATE_KEY_SETTINGS } from "../../support/delivery-boundary-promises";
import { REPOSITORY_ROOT } from "../../support/project";
import { ACCOUNT, arn } from "../support/account-model";
import type { Request } from "../support/simulate";
import type { Assumer, DeliveryUnderTest, EnvironmentUnderTest, RoleJob } from "./job";

/*
 * The roles of the `pipeline` stack: the three CodePipeline service roles, the CodeBuild roles of
 * their steps (synth, plan and apply of the infrastructure; image build and deploys of the backend;
 * site build and publishes of the frontend) and the GitHub Actions plan and apply roles. Their jobs
 * come from the scripts each step runs (scripts/ci/*.sh), from what Terraform's S3 backend and
 * refresh call (hashicorp/terraform internal/backend/remote-state/s3/client.go, refresh-reads/),
 * and from what CodePipeline and CodeBuild do with a service role (artifacts, build logs, the
 * GitHub connection). Every role carries the delivery boundary; the apply roles' `never` lists are
 * the escalation and state-destroying paths that boundary closes.
 */

type Delivery = DeliveryUnderTest;
type Environment = EnvironmentUnderTest;

/** delivery.config.json: the repository GitHub tokens name, which pipelines exist, the promoted environments. */
const config = loadDeliveryConfig(REPOSITORY_ROOT)!;
const FOREIGN_ACCOUNT = "210987654321";
const LAYERS = ["core", "infra", "app"] as const;
const GITHUB_HOST = "token.actions.githubusercontent.com";

const region = (environment: Environment) => environment.region;
const promoted = (delivery: Delivery, name: string) => delivery.environments.find((environment) => environment.name === name);

/* ---------- names the pipeline stack gives its resources ---------- */

const artifactBucket = (delivery: Delivery) => `${delivery.prefix}-artifacts-${ACCOUNT}`;
const pipelineKeyAlias = (delivery: Delivery) => `alias/${delivery.prefix}-pipeline`;
const pipelineKey = (delivery: Delivery) => arn.kmsKey(delivery.region, pipelineKeyAlias(delivery));
const buildLogGroup = (delivery: Delivery) => `/${delivery.project}/delivery/builds`;
const project = (delivery: Delivery, name: string) => arn.codebuildProject(delivery.region, `${delivery.prefix}-${name}`);
const pipeline = (delivery: Delivery, name: string) => arn.pipeline(delivery.region, `${delivery.prefix}-${name}`);
const deliveryRole = (delivery: Delivery, name: string) => arn.role(`${delivery.prefix}-${name}`);
const applyBoundary = (delivery: Delivery) => arn.policy(`${delivery.prefix}-apply-boundary`);
const connection = (delivery: Delivery) => arn.connection(delivery.region, `${delivery.prefix}-github`);

/** CodePipeline keeps an artifact at `<pipeline name, 20 characters>/<artifact name, 10 characters>/<random key>`. */
const artifact = (delivery: Delivery, pipelineName: string, artifactName: string) =>
  arn.object(artifactBucket(delivery), `${`${delivery.prefix}-${pipelineName}`.slice(0, 20)}/${artifactName.slice(0, 10)}/Xk29Qa7`);

/* ---------- names the environments give theirs ---------- */

const environmentKeyAlias = (environment: Environment | Environment["neighbour"]) => `alias/${environment.prefix}`;
const environmentKey = (environment: Environment | Environment["neighbour"]) => arn.kmsKey(environment.region, environmentKeyAlias(environment));
const appSecret = (environment: Environment | Environment["neighbour"]) => arn.secret(environment.region, `${environment.prefix}/app`);
const siteBucket = (environment: Environment | Environment["neighbour"]) => `${environment.prefix}-site-${ACCOUNT}`;
const mediaBucket = (environment: Environment | Environment["neighbour"]) => `${environment.prefix}-media-${ACCOUNT}`;
const repository = (environment: Environment | Environment["neighbour"]) => arn.repository(environment.region, `${environment.prefix}-api`);
const apiFunction = (environment: Environment | Environment["neighbour"]) => arn.function(environment.region, `${environment.prefix}-api`);
/** The site's distribution, `site/distribution` of `infra-<env>` (the account model names distributions by stack and address). */
const distribution = (environment: Environment | Environment["neighbour"]) => arn.distribution(`infra-${environment.name}`);
const workloadBoundary = (environment: Environment) => arn.policy(`${environment.prefix}-workload-boundary`);
const serviceBoundary = (environment: Environment) => arn.policy(`${environment.prefix}-service-boundary`);
/** The backend pipeline rolls only APIs that run images: ECS, or image-packaged functions (zip functions ship with app-<env>). */
const takesImages = (environment: Environment) => environment.settings.compute.kind === "ecs" || environment.settings.compute.packaging === "image";

/* ---------- Terraform state ---------- */

interface StateStore {
  readonly bucket: string;
  readonly region: string;
  readonly keyPrefix: string;
  readonly lockTable?: string;
  readonly useLockfile: boolean;
  readonly key: string;
  readonly keyAlias?: string;
}

/** Where an environment keeps its state (backend.config.json through its settings), or undefined in Terraform Cloud. */
function stateOf(environment: Environment): StateStore | undefined {
  const backend = environment.settings.backend;
  if (backend.type !== "s3") return undefined;
  const aliasArn = /^arn:[^:]+:kms:([^:]+):\d{12}:(alias\/.+)$/.exec(backend.kmsKeyId);
  const [keyAlias, keyRegion] = backend.kmsKeyId.startsWith("alias/") ? [backend.kmsKeyId, backend.region] : aliasArn ? [aliasArn[2], aliasArn[1]] : [undefined, backend.region];
  return {
    bucket: backend.bucket,
    region: backend.region,
    keyPrefix: backend.keyPrefix,
    lockTable: backend.lockTable,
    useLockfile: backend.useLockfile ?? false,
    key: keyAlias ? arn.kmsKey(keyRegion, keyAlias) : backend.kmsKeyId,
    keyAlias,
  };
}

/** The bootstrap state key (`alias/<state bucket>`, dots made hyphens), which encrypts every state and lock file. */
const stateKeyAlias = (delivery: Delivery) => `alias/${delivery.stateBucket.replace(/\./g, "-")}`;
const stateKey = (delivery: Delivery) => arn.kmsKey(delivery.stateRegion, stateKeyAlias(delivery));
const lockTable = (delivery: Delivery) => arn.table(delivery.stateRegion, delivery.lockTable);
const stateObject = (state: StateStore, layer: string, suffix = "") => arn.object(state.bucket, `${state.keyPrefix}/${layer}.tfstate${suffix}`);

/** kms requests S3 makes with the caller's permission for an SSE-KMS object (bucket keys: the context is the bucket). */
function throughS3(key: string, alias: string | undefined, bucketRegion: string, bucket: string, actions: string[], why: string): Request[] {
  return actions.map((action) => ({
    action,
    resource: key,
    context: { "kms:ViaService": `s3.${bucketRegion}.amazonaws.com`, ...(alias ? { "kms:ResourceAliases": [alias] } : {}), "kms:EncryptionContext:aws:s3:arn": arn.bucket(bucket) },
    why,
  }));
}

/** What `terraform init` and `plan` read of one environment's states: the bucket, every layer's state, its digest. */
function stateReads(environment: Environment): Request[] {
  const state = stateOf(environment);
  if (!state) return [];
  const client = "Terraform S3 backend (internal/backend/remote-state/s3/client.go)";
  return [
    { action: "s3:ListBucket", resource: arn.bucket(state.bucket), why: `${client}: init lists the workspaces under ${state.keyPrefix}` },
    ...LAYERS.map((layer) => ({
      action: "s3:GetObject",
      resource: stateObject(state, layer),
      why: `${client} Get(): HeadObject and GetObject of ${layer}-${environment.name}'s state (and terraform_remote_state of the layers after it)`,
    })),
    ...throughS3(state.key, state.keyAlias, state.region, state.bucket, ["kms:Decrypt"], `S3 decrypts the state with the state key for ${client}`),
    ...(state.lockTable
      ? [
          {
            action: "dynamodb:GetItem",
            resource: arn.table(state.region, state.lockTable),
            why: `${client} getMD5(): the digest item <bucket>/<key>-md5 every state read is compared with`,
          },
        ]
      : []),
    ...(state.useLockfile
      ? [{ action: "s3:GetObject", resource: stateObject(state, "app", ".md5"), why: `${client} getMD5(): with S3 locking the digest is the <key>.md5 object` }]
      : []),
  ];
}

/** What holding the state lock takes: a DynamoDB item, a `.tflock` object (S3 locking), or both when both are configured. */
function stateLock(environment: Environment): Request[] {
  const state = stateOf(environment);
  if (!state) return [];
  const layer = "infra";
  const client = "Terraform S3 backend Lock()/Unlock() (client.go); with both configured Terraform takes both locks (S3 backend documentation, use_lockfile)";
  return [
    ...(state.lockTable
      ? ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"].map((action) => ({
          action,
          resource: arn.table(state.region, state.lockTable!),
          why: `${client}: the lock item of ${layer}-${environment.name}`,
        }))
      : []),
    ...(state.useLockfile
      ? [
          ...["s3:PutObject", "s3:GetObject", "s3:DeleteObject"].map((action) => ({
            action,
            resource: stateObject(state, layer, ".tflock"),
            why: `${client}: the lock file of ${layer}-${environment.name}`,
          })),
          ...throughS3(state.key, state.keyAlias, state.region, state.bucket, ["kms:GenerateDataKey"], "the lock file is written SSE-KMS with the state key"),
        ]
      : []),
  ];
}

/** What `terraform apply` writes: the new state, its digest, encrypted with the state key. */
function stateWrites(environment: Environment): Request[] {
  const state = stateOf(environment);
  if (!state) return [];
  const client = "Terraform S3 backend Put() (client.go)";
  return [
    ...LAYERS.map((layer) => ({ action: "s3:PutObject", resource: stateObject(state, layer), why: `${client}: the new state of ${layer}-${environment.name}` })),
    ...throughS3(
      state.key,
      state.keyAlias,
      state.region,
      state.bucket,
      ["kms:GenerateDataKey", "kms:Decrypt"],
      `${client}: S3 encrypts the state with the state key (kms_key_id); Decrypt for multipart uploads`
    ),
    ...(state.lockTable ? [{ action: "dynamodb:PutItem", resource: arn.table(state.region, state.lockTable), why: `${client} putMD5(): the state's digest item` }] : []),
    ...(state.useLockfile ? [{ action: "s3:PutObject", resource: stateObject(state, "app", ".md5"), why: `${client} putMD5(): the <key>.md5 digest object` }] : []),
  ];
}

/* ---------- refresh (plan with refresh, the pipeline's plan role and the apply roles) ---------- */

/** kms:Decrypt an AWS service makes with the environment key and the caller's permission while refresh reads. */
function decryptThrough(environment: Environment, service: string, contextKey: string, contextValue: string, why: string): Request[] {
  if (!environment.settings.features.kmsKey) return [];
  return [
    {
      action: "kms:Decrypt",
      resource: environmentKey(environment),
      context: {
        "kms:ViaService": `${service}.${region(environment)}.amazonaws.com`,
        "kms:ResourceAliases": [environmentKeyAlias(environment)],
        [`kms:EncryptionContext:${contextKey}`]: contextValue,
      },
      why,
    },
  ];
}

/** The secret material refresh reads (refresh-reads: secretActions and decryptsVia), and the decryption through each service. */
function refreshSecretReads(environment: Environment): Request[] {
  const parameters = ["app/secret-arn", "queue/url"].map((name) => arn.parameter(region(environment), `/${environment.project}/${environment.name}/${name}`));
  const schedule = arn.schedule(region(environment), environment.prefix, `${environment.prefix}-producer`);
  return [
    {
      action: "secretsmanager:GetSecretValue",
      resource: appSecret(environment),
      why: "refresh of aws_secretsmanager_secret_version: GetSecretValue by version id, even for the write-only value (secretsmanager/secret_version.go)",
    },
    ...decryptThrough(
      environment,
      "secretsmanager",
      "SecretARN",
      appSecret(environment),
      "Secrets Manager decrypts the app secret with the environment key and the caller's kms:Decrypt"
    ),
    ...parameters.flatMap((parameter) => [
      { action: "ssm:GetParameter", resource: parameter, why: "refresh of aws_ssm_parameter: GetParameter WithDecryption (ssm/parameter.go)" },
      ...decryptThrough(environment, "ssm", "PARAMETER_ARN", parameter, "Parameter Store decrypts the SecureString with the environment key"),
    ]),
    ...decryptThrough(
      environment,
      "lambda",
      "aws:lambda:FunctionArn",
      apiFunction(environment),
      "GetFunction returns the environment variables decrypted with the function's key (lambda/function.go)"
    ),
    ...decryptThrough(
      environment,
      "scheduler",
      "aws:scheduler:schedule:arn",
      schedule,
      "GetSchedule returns the target input decrypted with the schedule's key (scheduler/schedule.go)"
    ),
  ];
}

/** A sample of what refresh reads, per service (refresh-reads/*.ts), on the environment's own resources. */
function refreshSample(environment: Environment): Request[] {
  const at = region(environment);
  const { prefix } = environment;
  const read = (action: string, resource: string, source: string): Request => ({ action, resource, why: `refresh: ${source}` });
  return [
    read("lambda:GetFunction", apiFunction(environment), "lambda/function.go"),
    read("lambda:ListVersionsByFunction", apiFunction(environment), "lambda/function.go"),
    read("lambda:GetPolicy", apiFunction(environment), "lambda/permission.go"),
    read("sqs:GetQueueAttributes", arn.queue(at, `${prefix}-work`), "sqs/queue.go"),
    read("sqs:ListQueueTags", arn.queue(at, `${prefix}-work`), "sqs/queue.go (tags)"),
    read("s3:GetBucketPolicy", arn.bucket(mediaBucket(environment)), "s3/bucket_policy.go"),
    read("s3:GetEncryptionConfiguration", arn.bucket(mediaBucket(environment)), "s3/bucket_server_side_encryption_configuration.go"),
    read("s3:GetBucketVersioning", arn.bucket(siteBucket(environment)), "s3/bucket_versioning.go"),
    read("iam:GetRole", arn.role(`${prefix}-api-function`), "iam/role.go"),
    read("iam:GetRolePolicy", arn.role(`${prefix}-api-function`), "iam/role_policy.go"),
    read("iam:ListAttachedRolePolicies", arn.role(`${prefix}-api-function`), "iam/role_policy_attachment.go"),
    read("iam:GetPolicyVersion", workloadBoundary(environment), "iam/policy.go"),
    ...(environment.settings.features.kmsKey
      ? [read("kms:GetKeyPolicy", environmentKey(environment), "kms/key.go"), read("kms:GetKeyRotationStatus", environmentKey(environment), "kms/key.go")]
      : []),
    read("rds:DescribeDBClusters", arn.cluster(at, `${prefix}-db`), "rds/cluster.go"),
    read("ec2:DescribeVpcs", "*", "ec2/vpc.go"),
    read("ec2:DescribeSecurityGroups", "*", "ec2/security_group.go"),
    read("cloudfront:GetDistribution", distribution(environment), "cloudfront/distribution.go"),
    read("ecr:DescribeRepositories", repository(environment), "ecr/repository.go"),
    read("ecr:GetRepositoryPolicy", repository(environment), "ecr/repository_policy.go"),
    read("logs:DescribeLogGroups", arn.logGroup(at, `/aws/lambda/${prefix}-api`), "logs/group.go"),
    read("secretsmanager:DescribeSecret", appSecret(environment), "secretsmanager/secret.go"),
    read("ssm:DescribeParameters", "*", "ssm/parameter.go"),
    read("scheduler:GetScheduleGroup", arn.scheduleGroup(at, prefix), "scheduler/schedule_group.go"),
    read("elasticache:DescribeServerlessCaches", arn.cache(at, `${prefix}-cache`), "elasticache/serverless_cache.go"),
    read("backup:DescribeBackupVault", arn.backupVault(at, `${prefix}-backup`), "backup/vault.go"),
    read("sns:GetTopicAttributes", arn.topic(at, `${prefix}-alerts`), "sns/topic.go"),
    ...(environment.settings.features.waf ? [read("wafv2:GetWebACL", arn.webAcl(`${prefix}-edge`), "wafv2/web_acl.go")] : []),
    read("sts:GetCallerIdentity", "*", "data.aws_caller_identity"),
    read("ec2:DescribeAvailabilityZones", "*", "data.aws_availability_zones"),
  ];
}

/** Writes a plan never makes, on the environment's resources and state. */
function planNevers(environment: Environment): Request[] {
  const at = region(environment);
  const { prefix } = environment;
  const state = stateOf(environment);
  const write = (action: string, resource: string, what: string, context?: Record<string, string | string[]>): Request => ({
    action,
    resource,
    ...(context ? { context } : {}),
    why: `a plan writes nothing but its lock: ${what}`,
  });
  return [
    ...(state
      ? [
          // As Terraform writes state (SSE-KMS with the state key), so that only the role's own policy can refuse it.
          write("s3:PutObject", stateObject(state, "core"), "the state (only apply writes it)", {
            "s3:x-amz-server-side-encryption": "aws:kms",
            "s3:x-amz-server-side-encryption-aws-kms-key-id": state.key,
          }),
          write("s3:PutObject", stateObject(state, "core", ".md5"), "the state's digest (written with the state)"),
          write("s3:DeleteObject", stateObject(state, "app"), "the state"),
          write("s3:DeleteObject", stateObject(state, "app", ".md5"), "the state's digest"),
          write("s3:DeleteObjectVersion", stateObject(state, "app"), "an old state version"),
          write("s3:PutObjectAcl", stateObject(state, "core"), "the state's ACL"),
          write("s3:PutObjectTagging", stateObject(state, "core"), "the state's tags"),
          write("s3:RestoreObject", stateObject(state, "core"), "an archived state"),
          write("s3:PutObject", arn.object(state.bucket, `${state.keyPrefix}/stray.txt`), "anything else under the state prefix"),
          ...(state.lockTable ? [write("dynamodb:UpdateTable", arn.table(state.region, state.lockTable), "the lock table's settings")] : []),
        ]
      : []),
    write("sqs:CreateQueue", arn.queue(at, `${prefix}-work-new`), "a queue"),
    write("sqs:SendMessage", arn.queue(at, `${prefix}-work`), "the work queue"),
    write("sqs:SetQueueAttributes", arn.queue(at, `${prefix}-work`), "the queue's settings"),
    write("lambda:UpdateFunctionCode", apiFunction(environment), "the API's code"),
    write("lambda:UpdateFunctionConfiguration", apiFunction(environment), "the API's configuration"),
    write("lambda:AddPermission", apiFunction(environment), "the API's resource policy"),
    write("lambda:InvokeFunction", apiFunction(environment), "running the API"),
    write("iam:CreateRole", arn.role(`${prefix}-new`), "IAM", { "iam:PermissionsBoundary": workloadBoundary(environment) }),
    write("iam:PutRolePolicy", arn.role(`${prefix}-api-function`), "IAM", { "iam:PermissionsBoundary": workloadBoundary(environment) }),
    write("iam:PassRole", arn.role(`${prefix}-api-function`), "IAM", { "iam:PassedToService": "lambda.amazonaws.com" }),
    write("iam:CreatePolicyVersion", workloadBoundary(environment), "a boundary"),
    write("ec2:CreateVpc", `arn:aws:ec2:${at}:${ACCOUNT}:vpc/*`, "the network"),
    write("ec2:AuthorizeSecurityGroupIngress", `arn:aws:ec2:${at}:${ACCOUNT}:security-group/sg-0123456789abcdef0`, "a security group"),
    write("ec2:DeleteSubnet", `arn:aws:ec2:${at}:${ACCOUNT}:subnet/subnet-0123456789abcdef0`, "the network"),
    write("rds:ModifyDBCluster", arn.cluster(at, `${prefix}-db`), "the database"),
    write("rds:DeleteDBCluster", arn.cluster(at, `${prefix}-db`), "the database"),
    write("s3:PutObject", arn.object(mediaBucket(environment), "uploads/a.png"), "media"),
    write("s3:GetObject", arn.object(mediaBucket(environment), "uploads/a.png"), "users' media is no refresh read"),
    write("s3:PutBucketPolicy", arn.bucket(siteBucket(environment)), "a bucket policy"),
    write("s3:DeleteBucket", arn.bucket(siteBucket(environment)), "a bucket"),
    write("secretsmanager:PutSecretValue", appSecret(environment), "the app secret"),
    write("secretsmanager:UpdateSecret", appSecret(environment), "the app secret"),
    write("ssm:PutParameter", arn.parameter(at, `/${environment.project}/${environment.name}/queue/url`), "configuration"),
    write("ssm:DeleteParameter", arn.parameter(at, `/${environment.project}/${environment.name}/queue/url`), "configuration"),
    write("kms:ScheduleKeyDeletion", environmentKey(environment), "the environment key", { "kms:ResourceAliases": [environmentKeyAlias(environment)] }),
    write("kms:PutKeyPolicy", environmentKey(environment), "the environment key", { "kms:ResourceAliases": [environmentKeyAlias(environment)] }),
    write("kms:CreateGrant", environmentKey(environment), "a grant on the environment key", {
      "kms:ResourceAliases": [environmentKeyAlias(environment)],
      "kms:GrantIsForAWSResource": "false",
    }),
    write("cloudfront:UpdateDistribution", distribution(environment), "the distribution"),
    write("cloudfront:CreateInvalidation", distribution(environment), "the CDN cache"),
    write("ecr:PutImage", repository(environment), "an image"),
    write("ecr:BatchDeleteImage", repository(environment), "an image"),
    write("logs:DeleteLogGroup", arn.logGroup(at, `/aws/lambda/${prefix}-api`), "logs"),
    write("scheduler:UpdateSchedule", arn.schedule(at, prefix, `${prefix}-producer`), "the schedule"),
    write("elasticache:DeleteServerlessCache", arn.cache(at, `${prefix}-cache`), "the cache"),
    write("backup:DeleteBackupVault", arn.backupVault(at, `${prefix}-backup`), "backups"),
    write("sns:Publish", arn.topic(at, `${prefix}-alerts`), "alerts"),
    write("events:PutRule", `arn:aws:events:${at}:${ACCOUNT}:rule/${prefix}-backup-failed`, "an event rule"),
    ...(environment.settings.features.waf ? [write("wafv2:UpdateWebACL", arn.webAcl(`${prefix}-edge`), "the web ACL")] : []),
  ];
}

/* ---------- what CodeBuild and CodePipeline do with a role ---------- */

/**
 * What every CodeBuild step role does for CodeBuild (CodeBuild user guide, "Allow CodeBuild to
 * interact with other AWS services": logs, the CODEPIPELINE source and artifacts): write its log
 * stream `<stream name>/<build id>` in the builds' log group, read its input artifact, write its
 * output artifact, both SSE-KMS with the pipeline key.
 */
function buildBasics(delivery: Delivery, stream: string, input: string, output?: string): Request[] {
  const logStream = arn.logStream(delivery.region, buildLogGroup(delivery), `${stream}/6f1d1c6e-0a4b-4c55-9a7e-2d1f0c3b8e11`);
  const bucket = artifactBucket(delivery);
  return [
    { action: "logs:CreateLogStream", resource: logStream, why: "CodeBuild opens the build's stream in the builds' log group (logsConfig)" },
    { action: "logs:PutLogEvents", resource: logStream, why: "CodeBuild ships the build's output" },
    { action: "s3:GetObject", resource: input, why: "CodeBuild downloads the input artifact" },
    { action: "s3:GetBucketAcl", resource: arn.bucket(bucket), why: "CodeBuild checks the artifact bucket" },
    { action: "s3:GetBucketLocation", resource: arn.bucket(bucket), why: "CodeBuild locates the artifact bucket" },
    ...throughS3(pipelineKey(delivery), pipelineKeyAlias(delivery), delivery.region, bucket, ["kms:Decrypt"], "the input artifact is SSE-KMS with the pipeline key"),
    ...(output
      ? [
          { action: "s3:PutObject", resource: output, why: "CodeBuild uploads the output artifact" },
          ...throughS3(
            pipelineKey(delivery),
            pipelineKeyAlias(delivery),
            delivery.region,
            bucket,
            ["kms:GenerateDataKey"],
            "CodeBuild encrypts the output artifact with the project's key (encryption_key)"
          ),
        ]
      : []),
  ];
}

/** What no CodeBuild step role may do, whichever step: take the apply role's power, change the delivery, or destroy artifacts. */
function stepNevers(delivery: Delivery, ownRole: string): Request[] {
  const bucket = artifactBucket(delivery);
  return [
    {
      action: "iam:PassRole",
      resource: deliveryRole(delivery, "build-apply"),
      context: { "iam:PassedToService": "codebuild.amazonaws.com" },
      why: "handing the apply role to a build",
    },
    { action: "sts:AssumeRole", resource: deliveryRole(delivery, "build-apply"), why: "taking the apply role" },
    {
      action: "iam:PutRolePolicy",
      resource: deliveryRole(delivery, ownRole),
      context: { "iam:PermissionsBoundary": applyBoundary(delivery) },
      why: "granting itself more (the delivery roles stay as they are)",
    },
    { action: "codebuild:StartBuild", resource: project(delivery, "apply"), why: "starting the apply outside the pipeline" },
    { action: "codebuild:UpdateProject", resource: project(delivery, "apply"), why: "rewriting a build project (its role, its buildspec)" },
    { action: "codepipeline:UpdatePipeline", resource: pipeline(delivery, "infrastructure"), why: "rewriting the pipeline" },
    { action: "s3:DeleteObject", resource: artifact(delivery, "infrastructure", "plan_app_prod"), why: "another step's artifact (a saved plan)" },
    { action: "s3:PutBucketPolicy", resource: arn.bucket(bucket), why: "opening the artifact bucket" },
    { action: "kms:ScheduleKeyDeletion", resource: pipelineKey(delivery), context: { "kms:ResourceAliases": [pipelineKeyAlias(delivery)] }, why: "destroying the pipeline key" },
    ...delivery.environments.slice(0, 1).map((environment) => ({
      action: "logs:PutLogEvents",
      resource: arn.logStream(region(environment), `/aws/lambda/${environment.prefix}-api`, "2026/12/02/[$LATEST]abc"),
      why: `${environment.name}'s function logs`,
    })),
    { action: "iam:CreateUser", resource: `arn:aws:iam::${ACCOUNT}:user/ci`, why: "IAM users are never the delivery's business" },
  ];
}

/** Terraform state and secrets, for the steps that are not Terraform's. */
function notTerraform(delivery: Delivery): Request[] {
  const stateKeyRequests: Request[] = [
    {
      action: "kms:Decrypt",
      resource: stateKey(delivery),
      context: { "kms:ViaService": `s3.${delivery.stateRegion}.amazonaws.com`, "kms:ResourceAliases": [stateKeyAlias(delivery)] },
      why: "the state key",
    },
  ];
  return [
    ...stateKeyRequests,
    ...delivery.environments.flatMap((environment) => {
      const state = stateOf(environment);
      return [
        ...(state ? [{ action: "s3:GetObject", resource: stateObject(state, "infra"), why: `Terraform state (${environment.name}) is the plan and apply roles' alone` }] : []),
        { action: "secretsmanager:GetSecretValue", resource: appSecret(environment), why: `the app secret of ${environment.name}` },
        ...(environment.settings.features.kmsKey
          ? [
              {
                action: "kms:Decrypt",
                resource: environmentKey(environment),
                context: { "kms:ViaService": `secretsmanager.${region(environment)}.amazonaws.com`, "kms:ResourceAliases": [environmentKeyAlias(environment)] },
                why: `decrypting ${environment.name}'s secrets`,
              },
            ]
          : []),
      ];
    }),
  ];
}

const codeBuildAssumes = (delivery: Delivery, projectName: string): Assumer[] => [
  {
    principal: "codebuild.amazonaws.com",
    context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": project(delivery, projectName) },
    why: `CodeBuild runs ${delivery.prefix}-${projectName} as this role (its service_role)`,
  },
];

const codeBuildMustNotAssume = (delivery: Delivery, projectName: string): Assumer[] => [
  {
    principal: "codebuild.amazonaws.com",
    context: { "aws:SourceAccount": FOREIGN_ACCOUNT, "aws:SourceArn": `arn:aws:codebuild:${delivery.region}:${FOREIGN_ACCOUNT}:project/${delivery.prefix}-${projectName}` },
    why: "CodeBuild running another account's project (confused deputy)",
  },
  { principal: "codepipeline.amazonaws.com", context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": pipeline(delivery, "infrastructure") }, why: "another service" },
  { principal: "lambda.amazonaws.com", context: { "aws:SourceAccount": ACCOUNT }, why: "another service" },
];

/** What CodePipeline does with a pipeline's service role (CodePipeline user guide, "Manage the CodePipeline service role"). */
function pipelineBasics(delivery: Delivery, pipelineName: string, projects: string[]): Request[] {
  const bucket = artifactBucket(delivery);
  return [
    {
      action: "codeconnections:UseConnection",
      resource: connection(delivery),
      why: "the Source action (CodeStarSourceConnection) fetches the branch through the GitHub connection",
    },
    { action: "s3:PutObject", resource: artifact(delivery, pipelineName, "source"), why: "the Source action stores the commit as the source artifact" },
    { action: "s3:GetObject", resource: artifact(delivery, pipelineName, "source"), why: "CodePipeline reads artifacts between actions" },
    { action: "s3:GetObjectVersion", resource: artifact(delivery, pipelineName, "source"), why: "CodePipeline reads artifacts by version" },
    { action: "s3:GetBucketVersioning", resource: arn.bucket(bucket), why: "CodePipeline requires a versioned artifact store" },
    ...throughS3(
      pipelineKey(delivery),
      pipelineKeyAlias(delivery),
      delivery.region,
      bucket,
      ["kms:GenerateDataKey", "kms:Decrypt"],
      "the artifact store is SSE-KMS with the pipeline key (artifact_store.encryption_key)"
    ),
    ...projects.flatMap((name) => [
      { action: "codebuild:StartBuild", resource: project(delivery, name), why: `a Build action starts ${delivery.prefix}-${name}` },
      { action: "codebuild:BatchGetBuilds", resource: project(delivery, name), why: `CodePipeline polls ${delivery.prefix}-${name}'s build` },
    ]),
    { action: "codebuild:StopBuild", resource: project(delivery, projects[0]), why: "stopping an execution stops its running build" },
  ];
}

/** What no pipeline role may do: start or change builds that are not its own, hand out roles, touch state or secrets. */
function pipelineNevers(delivery: Delivery, others: string[]): Request[] {
  return [
    ...others.map((name) => ({ action: "codebuild:StartBuild", resource: project(delivery, name), why: `${delivery.prefix}-${name} belongs to another pipeline` })),
    { action: "codebuild:UpdateProject", resource: project(delivery, "apply"), why: "CodePipeline only starts builds; rewriting one swaps its role or buildspec" },
    { action: "codebuild:CreateProject", resource: project(delivery, "anything"), why: "CodePipeline only starts builds" },
    {
      action: "iam:PassRole",
      resource: deliveryRole(delivery, "build-apply"),
      context: { "iam:PassedToService": "codebuild.amazonaws.com" },
      why: "builds run as their project's role, nothing is passed",
    },
    { action: "sts:AssumeRole", resource: deliveryRole(delivery, "build-apply"), why: "the apply role is CodeBuild's to assume" },
    { action: "codepipeline:UpdatePipeline", resource: pipeline(delivery, "infrastructure"), why: "rewriting a pipeline" },
    { action: "codeconnections:UseConnection", resource: arn.connection(delivery.region, "someone-elses"), why: "another connection" },
    { action: "s3:DeleteObject", resource: artifact(delivery, "infrastructure", "plan_app_prod"), why: "a saved plan" },
    { action: "s3:PutBucketPolicy", resource: arn.bucket(artifactBucket(delivery)), why: "opening the artifact bucket" },
    ...notTerraform(delivery),
  ];
}

const codePipelineAssumes = (delivery: Delivery, pipelineName: string): Assumer[] => [
  {
    principal: "codepipeline.amazonaws.com",
    context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": pipeline(delivery, pipelineName) },
    why: `CodePipeline runs ${delivery.prefix}-${pipelineName} as this role (role_arn)`,
  },
];

const codePipelineMustNotAssume = (delivery: Delivery, pipelineName: string): Assumer[] => [
  {
    principal: "codepipeline.amazonaws.com",
    context: { "aws:SourceAccount": FOREIGN_ACCOUNT, "aws:SourceArn": `arn:aws:codepipeline:${delivery.region}:${FOREIGN_ACCOUNT}:${delivery.prefix}-${pipelineName}` },
    why: "CodePipeline running another account's pipeline (confused deputy)",
  },
  { principal: "codebuild.amazonaws.com", context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": project(delivery, "apply") }, why: "another service" },
];

/* ---------- the apply roles: AdministratorAccess within the delivery boundary ---------- */

/** What applying the stacks does: state, ordinary changes, IAM of the environments' roles within their boundaries. */
function applyMust(delivery: Delivery): Request[] {
  return delivery.environments.flatMap((environment) => {
    const at = region(environment);
    const { prefix } = environment;
    const change = (action: string, resource: string, why: string, context?: Record<string, string | string[]>): Request => ({
      action,
      resource,
      ...(context ? { context } : {}),
      why: `terraform apply of ${environment.name}: ${why}`,
    });
    return [
      ...stateReads(environment),
      ...stateLock(environment),
      ...stateWrites(environment),
      change("iam:CreateRole", arn.role(`${prefix}-api-function`), "a function role, created with the workload boundary (app-<env>)", {
        "iam:PermissionsBoundary": workloadBoundary(environment),
      }),
      change("iam:CreateRole", arn.role(`${prefix}-backup`), "a service role, created with the service boundary", { "iam:PermissionsBoundary": serviceBoundary(environment) }),
      change("iam:PutRolePolicy", arn.role(`${prefix}-api-function`), "the role's grants (the role carries the workload boundary)", {
        "iam:PermissionsBoundary": workloadBoundary(environment),
      }),
      change("iam:AttachRolePolicy", arn.role(`${prefix}-backup`), "AWS Backup's managed policies on the backup role", {
        "iam:PermissionsBoundary": serviceBoundary(environment),
        "iam:PolicyARN": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      }),
      change("iam:UpdateAssumeRolePolicy", arn.role(`${prefix}-api-function`), "a changed trust policy of a project role"),
      change("iam:PassRole", arn.role(`${prefix}-api-function`), "the function's role, passed to Lambda", { "iam:PassedToService": "lambda.amazonaws.com" }),
      change("iam:CreatePolicy", arn.policy(`${prefix}-workload-base`), "the environment's managed policies (core-<env>)"),
      change("iam:CreatePolicyVersion", arn.policy(`${prefix}-workload-base`), "a changed managed policy that is no boundary"),
      change("iam:DeleteRole", arn.role(`${prefix}-producer-schedule`), "a role the stacks no longer declare"),
      change("sqs:CreateQueue", arn.queue(at, `${prefix}-work`), "the work queue"),
      change("lambda:CreateFunction", apiFunction(environment), "the API function"),
      change("lambda:UpdateFunctionCode", apiFunction(environment), "a new zip of the API (app-<env>)"),
      change("s3:PutBucketPolicy", arn.bucket(mediaBucket(environment)), "the media bucket's policy (no state bucket)"),
      change("s3:DeleteObject", arn.object(siteBucket(environment), "index.html"), "objects of a bucket that is destroyed"),
      change("rds:CreateDBCluster", arn.cluster(at, `${prefix}-db`), "the database"),
      change("ec2:CreateVpc", `arn:aws:ec2:${at}:${ACCOUNT}:vpc/*`, "the network"),
      change("cloudfront:UpdateDistribution", distribution(environment), "the site's distribution"),
      change("secretsmanager:PutSecretValue", appSecret(environment), "the app secret's value (write-only argument)"),
      ...(environment.settings.features.kmsKey
        ? [
            change("kms:PutKeyPolicy", environmentKey(environment), "the environment key's policy (no state key)", { "kms:ResourceAliases": [environmentKeyAlias(environment)] }),
            change("kms:CreateGrant", environmentKey(environment), "ECR and RDS grant themselves the environment key for the resources they encrypt", {
              "kms:ResourceAliases": [environmentKeyAlias(environment)],
              "kms:GrantIsForAWSResource": "true",
            }),
          ]
        : []),
      ...refreshSecretReads(environment),
    ];
  });
}

/** Each IAM-user action with a resource it acts on: a user, or for AddUserToGroup the group. */
const IAM_USER_REQUESTS: [string, string][] = IAM_USER_ACTIONS.map((action): [string, string] => [
  action,
  action === "iam:AddUserToGroup" ? `arn:aws:iam::${ACCOUNT}:group/admins` : `arn:aws:iam::${ACCOUNT}:user/deploy`,
]);

/** The paths the delivery boundary closes: escalation through IAM, and the state store's destruction. */
function applyNevers(delivery: Delivery): Request[] {
  const stateBucket = arn.bucket(delivery.stateBucket);
  const stateAlias = { "kms:ResourceAliases": [stateKeyAlias(delivery)] };
  const some = delivery.environments[0];
  const someState = stateOf(some);
  const someRole = arn.role(`${some.prefix}-api-function`);
  const outside = arn.role("OrganizationAccountAccessRole");
  const never = (action: string, resource: string, why: string, context?: Record<string, string | string[]>): Request => ({
    action,
    resource,
    ...(context ? { context } : {}),
    why,
  });
  return [
    never("iam:CreateRole", arn.role(`${some.prefix}-unbounded`), "a role without a boundary would hold everything its policies grant"),
    never("iam:CreateRole", arn.role(`${some.prefix}-admin`), "a role with another boundary (AdministratorAccess as the cap)", {
      "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess",
    }),
    never("iam:CreateRole", arn.role(`${some.prefix}-admin`), "a role with a boundary of the apply role's own making", {
      "iam:PermissionsBoundary": arn.policy(`${some.prefix}-open-boundary`),
    }),
    never("iam:AttachRolePolicy", arn.role("legacy-admin"), "attaching a policy to a role without a boundary", { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" }),
    never("iam:PutRolePolicy", arn.role("legacy-admin"), "granting to a role without a boundary"),
    // The environments' roles carry their environment's boundaries; the delivery boundary belongs to the pipeline stack, which a person applies.
    never(
      "iam:CreateRole",
      arn.role(`${delivery.project}-tools`),
      "a copy of the apply role: the delivery boundary, trusted by whomever its trust policy names, past the approvals",
      {
        "iam:PermissionsBoundary": applyBoundary(delivery),
      }
    ),
    never("iam:AttachRolePolicy", arn.role(`${delivery.project}-tools`), "AdministratorAccess on a role that carries the delivery boundary", {
      "iam:PermissionsBoundary": applyBoundary(delivery),
      "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
    }),
    never("iam:PutRolePermissionsBoundary", someRole, "swapping a role's boundary for another", { "iam:PermissionsBoundary": arn.policy(`${some.prefix}-open-boundary`) }),
    never("iam:DeleteRolePermissionsBoundary", someRole, "lifting a role's boundary"),
    ...delivery.environments.flatMap((environment): Request[] => [
      never("iam:CreatePolicyVersion", workloadBoundary(environment), `rewriting ${environment.name}'s workload boundary`),
      never("iam:SetDefaultPolicyVersion", serviceBoundary(environment), `switching ${environment.name}'s service boundary to another version`),
    ]),
    never("iam:CreatePolicyVersion", applyBoundary(delivery), "rewriting the delivery boundary itself"),
    never("iam:DeletePolicy", applyBoundary(delivery), "deleting the delivery boundary"),
    never("iam:CreatePolicyVersion", arn.policy(`${delivery.prefix}-build-plan-reads`), "widening the plan role's reads"),
    never("iam:UpdateAssumeRolePolicy", outside, "trusting someone with a role outside the project"),
    never("iam:PassRole", outside, "passing a role outside the project to a service", { "iam:PassedToService": "lambda.amazonaws.com" }),
    never("sts:AssumeRole", outside, "assuming a role outside the project"),
    ...[stateBucket, arn.bucket(`${delivery.stateBucket}-logs`)].flatMap((bucket) =>
      STATE_BUCKET_SETTINGS.map((action) => never(action, bucket, `the state store's buckets keep their protection (${bucket.split(":::")[1]})`)),
    ),
    never(
      "s3:DeleteObjectVersion",
      someState ? stateObject(someState, "core") : arn.object(delivery.stateBucket, `${delivery.project}/pipeline.tfstate`),
      "destroying an old state version"
    ),
    never("s3:DeleteObject", someState ? stateObject(someState, "core") : arn.object(delivery.stateBucket, `${delivery.project}/pipeline.tfstate`), "deleting a current state"),
    ...STATE_KEY_SETTINGS.map((action) => never(action, stateKey(delivery), "the state key stays enabled, rotating, in its region and under its policy", stateAlias)),
    never("kms:CreateGrant", stateKey(delivery), "a grant on the state key for a principal rather than an AWS resource", { ...stateAlias, "kms:GrantIsForAWSResource": "false" }),
    ...["kms:DeleteAlias", "kms:UpdateAlias"].map((action) => never(action, arn.kmsAlias(delivery.stateRegion, stateKeyAlias(delivery)), "moving the backends' alias off the state key")),
    ...LOCK_TABLE_SETTINGS.map((action) => never(action, lockTable(delivery), "the lock table keeps deletion protection and point-in-time recovery, and stays the account's")),
    ...IAM_USER_REQUESTS.map(([action, resource]) => never(action, resource, "IAM users and long-lived credentials are never the platform's")),
    never("iam:AttachRolePolicy", deliveryRole(delivery, "build-plan"), "the delivery roles stay as they are, bounded or not", {
      "iam:PermissionsBoundary": applyBoundary(delivery),
      "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
    }),
    never("iam:PutRolePolicy", deliveryRole(delivery, "github-plan"), "the delivery roles stay as they are", { "iam:PermissionsBoundary": applyBoundary(delivery) }),
    never("iam:UpdateAssumeRolePolicy", deliveryRole(delivery, "github-apply"), "re-trusting a delivery role"),
    never("iam:DeleteRolePermissionsBoundary", deliveryRole(delivery, "build-apply"), "lifting its own boundary"),
    never("iam:DeleteRole", deliveryRole(delivery, "pipeline"), "deleting a delivery role"),
  ];
}

/* ---------- the jobs ---------- */

const githubAssumer = (subject: string, why: string, audience = "sts.amazonaws.com"): Assumer => ({
  principal: arn.openIdProvider(GITHUB_HOST),
  context: { [`${GITHUB_HOST}:aud`]: audience, [`${GITHUB_HOST}:sub`]: subject },
  why,
});

function infrastructureJobs(): RoleJob<Delivery>[] {
  const allProjects = (delivery: Delivery) => [
    "synth",
    "plan",
    "apply",
    ...(config.backend.enabled ? ["backend-build", ...delivery.environments.filter(takesImages).map((environment) => `backend-deploy-${environment.name}`)] : []),
    ...(config.frontend.enabled ? ["frontend-build", ...delivery.environments.map((environment) => `frontend-publish-${environment.name}`)] : []),
  ];
  const except = (delivery: Delivery, own: string[]) => allProjects(delivery).filter((name) => !own.includes(name));
  return [
    {
      role: (delivery) => `${delivery.prefix}-pipeline`,
      summary: "The infrastructure pipeline's service role: fetches the branch through the GitHub connection, keeps artifacts, and starts the synth, plan and apply builds.",
      must: (delivery) => pipelineBasics(delivery, "infrastructure", ["synth", "plan", "apply"]),
      never: (delivery) => pipelineNevers(delivery, except(delivery, ["synth", "plan", "apply"])),
      assumedBy: (delivery) => codePipelineAssumes(delivery, "infrastructure"),
      notAssumedBy: (delivery) => codePipelineMustNotAssume(delivery, "infrastructure"),
    },
    {
      role: (delivery) => `${delivery.prefix}-build-synth`,
      summary: "The synth build: `npm ci && npm run synth` (scripts/ci/synth.sh) from the source artifact into the stack directories artifact; no AWS call of its own.",
      must: (delivery) => buildBasics(delivery, "synth", artifact(delivery, "infrastructure", "source"), artifact(delivery, "infrastructure", "synth")),
      never: (delivery) => [...stepNevers(delivery, "build-synth"), ...notTerraform(delivery)],
      assumedBy: (delivery) => codeBuildAssumes(delivery, "synth"),
      notAssumedBy: (delivery) => codeBuildMustNotAssume(delivery, "synth"),
    },
    {
      role: (delivery) => `${delivery.prefix}-build-plan`,
      summary:
        "The plan build: scripts/ci/plan.sh with refresh, for every stack of every promoted environment: reads state and what refresh reads (secrets included), holds the lock, writes the saved plan and its summary for approvers.",
      must: (delivery) => [
        ...buildBasics(delivery, "plan", artifact(delivery, "infrastructure", "synth"), artifact(delivery, "infrastructure", "plan_app_prod")),
        {
          action: "s3:PutObject",
          resource: arn.object(artifactBucket(delivery), "plans/0c4f7a52-5d1e-4bd8-a0a7-6a3e9d1f2b44/app-prod/plan.txt"),
          why: "plan.sh copies plan.txt to PLAN_SUMMARY_URI for the approvers",
        },
        ...delivery.environments.flatMap((environment): Request[] => [
          ...stateReads(environment),
          ...stateLock(environment),
          ...refreshSample(environment),
          ...refreshSecretReads(environment),
        ]),
      ],
      never: (delivery) => [
        ...stepNevers(delivery, "build-plan"),
        ...delivery.environments.flatMap(planNevers),
        {
          action: "s3:GetObject",
          resource: arn.object(delivery.stateBucket, `${delivery.project}/pipeline.tfstate`),
          why: "the pipeline's own state: no plan build plans the pipeline",
        },
        { action: "secretsmanager:GetSecretValue", resource: arn.secret(delivery.region, "other-team/api-key"), why: "a secret of another project" },
        ...delivery.environments
          .filter((environment) => environment.settings.features.kmsKey)
          .flatMap((environment): Request[] => [
            {
              action: "kms:Decrypt",
              resource: environmentKey(environment),
              context: { "kms:ResourceAliases": [environmentKeyAlias(environment)] },
              why: `${environment.name}'s key outside the services refresh reads through`,
            },
            {
              action: "kms:Decrypt",
              resource: environmentKey(environment),
              context: { "kms:ViaService": `s3.${region(environment)}.amazonaws.com`, "kms:ResourceAliases": [environmentKeyAlias(environment)] },
              why: `${environment.name}'s media through S3: refresh reads no object`,
            },
          ]),
      ],
      assumedBy: (delivery) => codeBuildAssumes(delivery, "plan"),
      notAssumedBy: (delivery) => codeBuildMustNotAssume(delivery, "plan"),
    },
    {
      role: (delivery) => `${delivery.prefix}-build-apply`,
      summary:
        "The apply build: scripts/ci/apply.sh applies the saved plan of one stack with AdministratorAccess, capped by the delivery boundary (no unbounded roles, no rewritten boundaries, the state store and delivery roles untouched).",
      must: (delivery) => [...buildBasics(delivery, "apply", artifact(delivery, "infrastructure", "plan_app_prod")), ...applyMust(delivery)],
      never: (delivery) => [
        ...applyNevers(delivery),
        {
          action: "iam:PutRolePolicy",
          resource: deliveryRole(delivery, "build-apply"),
          context: { "iam:PermissionsBoundary": applyBoundary(delivery) },
          why: "granting itself more",
        },
      ],
      assumedBy: (delivery) => codeBuildAssumes(delivery, "apply"),
      notAssumedBy: (delivery) => codeBuildMustNotAssume(delivery, "apply"),
    },
  ];
}

function githubJobs(): RoleJob<Delivery>[] {
  if (!config.githubOidc.enabled) return [];
  const repositoryName = config.repository;
  return [
    {
      role: (delivery) => `${delivery.prefix}-github-plan`,
      summary:
        "GitHub Actions plans of pull requests (.github/workflows/infrastructure.yml, PLAN_MODE=review): `-refresh=false -lock=false`, so it reads state and what data sources read, never a secret, never a write.",
      must: (delivery) => [
        ...delivery.environments.flatMap(stateReads),
        { action: "sts:GetCallerIdentity", resource: "*", why: "data.aws_caller_identity is read on every plan" },
        { action: "ec2:DescribeAvailabilityZones", resource: "*", why: "data.aws_availability_zones is read on every plan" },
      ],
      never: (delivery) => [
        ...delivery.environments.flatMap((environment): Request[] => [
          ...planNevers(environment),
          ...refreshSecretReads(environment).map((request) => ({ ...request, why: `a pull request's plan does not refresh, and runs any branch's code: ${request.why}` })),
          { action: "lambda:GetFunction", resource: apiFunction(environment), why: "refresh reads: a review plan does not refresh" },
          ...stateLock(environment)
            .filter((request) => request.action !== "s3:GetObject" && request.action !== "dynamodb:GetItem")
            .map((request) => ({ ...request, why: `a review plan runs -lock=false: ${request.why}` })),
        ]),
        { action: "s3:GetObject", resource: artifact(delivery, "infrastructure", "plan_app_prod"), why: "the pipeline's saved plans carry the values the stacks plan with" },
        { action: "sts:AssumeRole", resource: deliveryRole(delivery, "github-apply"), why: "the apply role" },
        { action: "iam:PassRole", resource: deliveryRole(delivery, "build-apply"), why: "the apply role" },
        { action: "s3:GetObject", resource: arn.object(delivery.stateBucket, `${delivery.project}/pipeline.tfstate`), why: "the pipeline's own state" },
      ],
      assumedBy: () => [githubAssumer(`repo:${repositoryName}:pull_request`, "the workflow's plan job, on a pull request of the repository")],
      notAssumedBy: () => [
        githubAssumer(`repo:${repositoryName}-fork:pull_request`, "a pull request of another repository"),
        githubAssumer(`repo:someone/${repositoryName.split("/")[1]}:pull_request`, "the same name under another owner"),
        githubAssumer(`repo:${repositoryName}:ref:refs/heads/${config.branch}`, "a branch push: only pull requests plan with this role"),
        githubAssumer(`repo:${repositoryName}:pull_request`, "a token meant for another audience", "https://github.com/acme"),
        { principal: arn.openIdProvider("gitlab.com"), context: { "gitlab.com:sub": `project_path:${repositoryName}:ref_type:branch:ref:main` }, why: "another identity provider" },
      ],
    },
    {
      role: (delivery) => `${delivery.prefix}-github-apply`,
      summary:
        "GitHub Actions applies of the main branch in the protected `production` environment: plan.sh with refresh and the lock, then apply.sh, with AdministratorAccess capped by the delivery boundary.",
      must: (delivery) => applyMust(delivery),
      never: (delivery) => applyNevers(delivery),
      assumedBy: () => [githubAssumer(`repo:${repositoryName}:environment:production`, "the workflow's apply job, in the protected production environment")],
      notAssumedBy: () => [
        githubAssumer(`repo:someone/${repositoryName.split("/")[1]}:environment:production`, "another repository's production environment"),
        githubAssumer(`repo:${repositoryName}:environment:staging`, "another environment: GitHub creates any environment a workflow names, unprotected"),
        githubAssumer(`repo:${repositoryName}:pull_request`, "a pull request"),
        githubAssumer(`repo:${repositoryName}:ref:refs/heads/${config.branch}`, "a branch push outside the protected environment"),
        githubAssumer(`repo:${repositoryName}:environment:production`, "a token meant for another audience", "https://github.com/acme"),
      ],
    },
  ];
}

function backendJobs(): RoleJob<Delivery>[] {
  if (!config.backend.enabled) return [];
  const images = (delivery: Delivery) => delivery.environments.filter(takesImages);
  const projects = (delivery: Delivery) => ["backend-build", ...images(delivery).map((environment) => `backend-deploy-${environment.name}`)];
  const deployJobs = config.environments.map(
    (name): RoleJob<Delivery> => ({
      role: (delivery) => {
        const environment = promoted(delivery, name);
        return environment && takesImages(environment) ? `${delivery.prefix}-backend-deploy-${name}` : undefined;
      },
      summary: `The ${name} deploy: scripts/ci/backend-deploy.sh rolls the API to the pushed digest (Lambda or ECS), then backend-check-health.sh finds the site and calls /api/health.`,
      must: (delivery) => {
        const environment = promoted(delivery, name)!;
        const at = region(environment);
        const ecs = environment.settings.compute.kind === "ecs";
        const rollout: Request[] = ecs
          ? [
              { action: "ecs:DescribeTaskDefinition", resource: "*", why: "backend-deploy.sh reads the current task definition" },
              { action: "ecs:RegisterTaskDefinition", resource: "*", why: "backend-deploy.sh registers a revision on the new image" },
              ...[`${environment.prefix}-api-task`, `${environment.prefix}-api-task-execution`].map((roleName) => ({
                action: "iam:PassRole",
                resource: arn.role(roleName),
                context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
                why: "the new revision carries the task's roles",
              })),
              {
                action: "ecs:UpdateService",
                resource: arn.ecsService(at, `${environment.prefix}-cluster`, `${environment.prefix}-api`),
                why: "backend-deploy.sh points the service at the revision",
              },
              { action: "ecs:DescribeServices", resource: arn.ecsService(at, `${environment.prefix}-cluster`, `${environment.prefix}-api`), why: "`aws ecs wait services-stable`" },
            ]
          : [
              {
                action: "lambda:UpdateFunctionCode",
                resource: apiFunction(environment),
                why: "backend-deploy.sh: update-function-code --image-uri <repository>@<digest> --publish",
              },
              { action: "lambda:GetFunctionConfiguration", resource: apiFunction(environment), why: "`aws lambda wait function-updated`" },
              {
                action: "ecr:BatchGetImage",
                resource: repository(environment),
                why: "Lambda checks that whoever points the function at an image may read it (app-delivery.ts, ReadTheImage)",
              },
              { action: "ecr:GetDownloadUrlForLayer", resource: repository(environment), why: "Lambda checks that whoever points the function at an image may read it" },
            ];
        return [
          ...buildBasics(delivery, `${delivery.prefix}-backend-deploy-${name}`, artifact(delivery, "backend", "image")),
          ...rollout,
          ...(environment.settings.domain
            ? []
            : [{ action: "cloudfront:ListDistributions", resource: "*", why: "backend-check-health.sh finds the site's domain by the distribution's comment" }]),
        ];
      },
      never: (delivery) => {
        const environment = promoted(delivery, name)!;
        const { neighbour } = environment;
        return [
          ...stepNevers(delivery, `backend-deploy-${name}`),
          ...notTerraform(delivery),
          { action: "lambda:UpdateFunctionCode", resource: apiFunction(neighbour), why: `another environment's (${neighbour.name}) API` },
          { action: "lambda:UpdateFunctionCode", resource: arn.function(region(environment), `${environment.prefix}-worker`), why: "the worker ships with app-<env>" },
          { action: "lambda:UpdateFunctionConfiguration", resource: apiFunction(environment), why: "the function's role, variables and key are Terraform's" },
          { action: "lambda:InvokeFunction", resource: apiFunction(environment), why: "the health check goes through CloudFront" },
          { action: "ecr:PutImage", resource: repository(environment), why: "only the build pushes" },
          { action: "ecr:BatchGetImage", resource: repository(neighbour), why: `another environment's (${neighbour.name}) images` },
          {
            action: "ecs:UpdateService",
            resource: arn.ecsService(neighbour.region, `${neighbour.prefix}-cluster`, `${neighbour.prefix}-api`),
            why: `another environment's (${neighbour.name}) service`,
          },
          {
            action: "iam:PassRole",
            resource: arn.role(`${environment.prefix}-api-function`),
            context: { "iam:PassedToService": "lambda.amazonaws.com" },
            why: "a deploy changes the image, never the role",
          },
          {
            action: "iam:PassRole",
            resource: arn.role(`${neighbour.prefix}-api-task`),
            context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
            why: `another environment's (${neighbour.name}) task role`,
          },
          {
            action: "cloudfront:CreateInvalidation",
            resource: distribution(environment),
            context: { "aws:ResourceTag/environment": environment.name },
            why: "the backend deploy leaves the CDN alone",
          },
        ];
      },
      assumedBy: (delivery) => codeBuildAssumes(delivery, `backend-deploy-${name}`),
      notAssumedBy: (delivery) => codeBuildMustNotAssume(delivery, `backend-deploy-${name}`),
    })
  );
  return [
    {
      role: (delivery) => `${delivery.prefix}-backend-pipeline`,
      summary: "The backend pipeline's service role: fetches the branch, keeps artifacts, starts the image build and the deploys.",
      must: (delivery) => pipelineBasics(delivery, "backend", projects(delivery)),
      never: (delivery) =>
        pipelineNevers(delivery, [
          "synth",
          "plan",
          "apply",
          ...(config.frontend.enabled ? ["frontend-build", ...delivery.environments.map((environment) => `frontend-publish-${environment.name}`)] : []),
        ]),
      assumedBy: (delivery) => codePipelineAssumes(delivery, "backend"),
      notAssumedBy: (delivery) => codePipelineMustNotAssume(delivery, "backend"),
    },
    {
      role: (delivery) => `${delivery.prefix}-backend-build`,
      summary: "The image build: scripts/ci/backend-build.sh builds the arm64 API image and pushes it under the commit id to every environment's repository that runs images.",
      must: (delivery) => [
        ...buildBasics(delivery, `${delivery.prefix}-backend-build`, artifact(delivery, "backend", "source"), artifact(delivery, "backend", "image")),
        { action: "ecr:GetAuthorizationToken", resource: "*", why: "`aws ecr get-login-password` for `docker login`" },
        ...images(delivery).flatMap((environment) =>
          [
            "ecr:DescribeImages",
            "ecr:BatchCheckLayerAvailability",
            "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload",
            "ecr:PutImage",
            "ecr:BatchGetImage",
          ].map((action) => ({
            action,
            resource: repository(environment),
            why: `backend-build.sh: describe-images for the tag, then docker push to ${environment.name}'s repository (ECR user guide, "IAM permissions for pushing an image")`,
          }))
        ),
      ],
      never: (delivery) => [
        ...stepNevers(delivery, "backend-build"),
        ...notTerraform(delivery),
        ...delivery.environments
          .filter((environment) => !takesImages(environment))
          .map((environment) => ({ action: "ecr:PutImage", resource: repository(environment), why: `${environment.name}'s API ships as a zip with app-${environment.name}` })),
        ...images(delivery).flatMap((environment): Request[] => [
          { action: "ecr:BatchDeleteImage", resource: repository(environment), why: "tags are immutable and images expire by lifecycle" },
          { action: "ecr:SetRepositoryPolicy", resource: repository(environment), why: "the repository policy is Terraform's" },
          { action: "ecr:DeleteRepository", resource: repository(environment), why: "the repository is Terraform's" },
          { action: "lambda:UpdateFunctionCode", resource: apiFunction(environment), why: "the deploys roll the API, after their approvals" },
        ]),
        { action: "ecr:PutImage", resource: arn.repository(delivery.region, "other-team-api"), why: "another project's repository" },
      ],
      assumedBy: (delivery) => codeBuildAssumes(delivery, "backend-build"),
      notAssumedBy: (delivery) => codeBuildMustNotAssume(delivery, "backend-build"),
    },
    ...deployJobs,
  ];
}

function frontendJobs(): RoleJob<Delivery>[] {
  if (!config.frontend.enabled) return [];
  const projects = (delivery: Delivery) => ["frontend-build", ...delivery.environments.map((environment) => `frontend-publish-${environment.name}`)];
  const publishJobs = config.environments.map(
    (name): RoleJob<Delivery> => ({
      role: (delivery) => (promoted(delivery, name) ? `${delivery.prefix}-frontend-publish-${name}` : undefined),
      summary: `The ${name} publish: scripts/ci/frontend-publish.sh syncs the site to ${name}'s site bucket and invalidates / and /index.html of its distribution.`,
      must: (delivery) => {
        const environment = promoted(delivery, name)!;
        const bucket = siteBucket(environment);
        return [
          ...buildBasics(delivery, `${delivery.prefix}-frontend-publish-${name}`, artifact(delivery, "frontend", "site")),
          { action: "s3:ListBucket", resource: arn.bucket(bucket), why: "`aws s3 sync` lists what the bucket holds" },
          { action: "s3:PutObject", resource: arn.object(bucket, "index.html"), why: "`aws s3 sync` uploads the site" },
          { action: "s3:PutObject", resource: arn.object(bucket, "app.3f2a9c1d.js"), why: "`aws s3 sync` uploads fingerprinted assets" },
          { action: "s3:DeleteObject", resource: arn.object(bucket, "old-page.html"), why: "`aws s3 sync --delete` removes what the build no longer has" },
          ...(environment.settings.features.kmsKey
            ? throughS3(
                environmentKey(environment),
                environmentKeyAlias(environment),
                region(environment),
                bucket,
                ["kms:GenerateDataKey", "kms:Decrypt"],
                "the site bucket is SSE-KMS with the environment key (Decrypt for multipart uploads)"
              )
            : []),
          { action: "cloudfront:ListDistributions", resource: "*", why: "frontend-publish.sh finds the distribution by its comment" },
          {
            action: "cloudfront:CreateInvalidation",
            resource: distribution(environment),
            context: { "aws:ResourceTag/environment": environment.name },
            why: "frontend-publish.sh invalidates / and /index.html",
          },
        ];
      },
      never: (delivery) => {
        const environment = promoted(delivery, name)!;
        const { neighbour } = environment;
        return [
          ...stepNevers(delivery, `frontend-publish-${name}`),
          ...notTerraform(delivery),
          { action: "s3:PutObject", resource: arn.object(siteBucket(neighbour), "index.html"), why: `another environment's (${neighbour.name}) site` },
          { action: "s3:DeleteObject", resource: arn.object(siteBucket(neighbour), "index.html"), why: `another environment's (${neighbour.name}) site` },
          {
            action: "cloudfront:CreateInvalidation",
            resource: distribution(neighbour),
            context: { "aws:ResourceTag/environment": neighbour.name },
            why: `another environment's (${neighbour.name}) distribution`,
          },
          {
            action: "kms:GenerateDataKey",
            resource: environmentKey(neighbour),
            context: { "kms:ViaService": `s3.${neighbour.region}.amazonaws.com`, "kms:ResourceAliases": [environmentKeyAlias(neighbour)] },
            why: `another environment's (${neighbour.name}) key`,
          },
          ...(environment.settings.features.kmsKey
            ? [
                {
                  action: "kms:Decrypt",
                  resource: environmentKey(environment),
                  context: { "kms:ViaService": `secretsmanager.${region(environment)}.amazonaws.com`, "kms:ResourceAliases": [environmentKeyAlias(environment)] },
                  why: "its own key through anything but S3",
                },
              ]
            : []),
          { action: "s3:PutObject", resource: arn.object(mediaBucket(environment), "uploads/a.png"), why: "the users' media bucket" },
          { action: "s3:PutBucketPolicy", resource: arn.bucket(siteBucket(environment)), why: "the bucket policy (CloudFront's access) is Terraform's" },
          { action: "cloudfront:UpdateDistribution", resource: distribution(environment), why: "the distribution is Terraform's" },
        ];
      },
      assumedBy: (delivery) => codeBuildAssumes(delivery, `frontend-publish-${name}`),
      notAssumedBy: (delivery) => codeBuildMustNotAssume(delivery, `frontend-publish-${name}`),
    })
  );
  return [
    {
      role: (delivery) => `${delivery.prefix}-frontend-pipeline`,
      summary: "The frontend pipeline's service role: fetches the branch, keeps artifacts, starts the site build and the publishes.",
      must: (delivery) => pipelineBasics(delivery, "frontend", projects(delivery)),
      never: (delivery) =>
        pipelineNevers(delivery, [
          "synth",
          "plan",
          "apply",
          ...(config.backend.enabled ? ["backend-build", ...delivery.environments.filter(takesImages).map((environment) => `backend-deploy-${environment.name}`)] : []),
        ]),
      assumedBy: (delivery) => codePipelineAssumes(delivery, "frontend"),
      notAssumedBy: (delivery) => codePipelineMustNotAssume(delivery, "frontend"),
    },
    {
      role: (delivery) => `${delivery.prefix}-frontend-build`,
      summary: "The site build: scripts/ci/frontend-build.sh copies and fingerprints site/ (or runs buildCommand) into the site artifact; no AWS call of its own.",
      must: (delivery) => buildBasics(delivery, `${delivery.prefix}-frontend-build`, artifact(delivery, "frontend", "source"), artifact(delivery, "frontend", "site")),
      never: (delivery) => [
        ...stepNevers(delivery, "frontend-build"),
        ...notTerraform(delivery),
        ...delivery.environments.flatMap((environment): Request[] => [
          {
            action: "s3:PutObject",
            resource: arn.object(siteBucket(environment), "index.html"),
            why: `publishing to ${environment.name} is its publish step's, after its approval`,
          },
          {
            action: "cloudfront:CreateInvalidation",
            resource: distribution(environment),
            context: { "aws:ResourceTag/environment": environment.name },
            why: "the build touches no distribution",
          },
        ]),
      ],
      assumedBy: (delivery) => codeBuildAssumes(delivery, "frontend-build"),
      notAssumedBy: (delivery) => codeBuildMustNotAssume(delivery, "frontend-build"),
    },
    ...publishJobs,
  ];
}

export const DELIVERY_JOBS: RoleJob<DeliveryUnderTest>[] = [...infrastructureJobs(), ...githubJobs(), ...backendJobs(), ...frontendJobs()];

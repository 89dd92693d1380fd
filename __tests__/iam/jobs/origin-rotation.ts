import { ACCOUNT, arn } from "../support/account-model";
import type { Request } from "../support/simulate";
import type { Assumer, EnvironmentUnderTest, RoleJob } from "./job";

/*
 * The role the origin secret's rotation function runs as (src/constructs/edge/origin-verification.ts,
 * src/handlers/origin-rotation/index.ts). Its job comes from the four steps Secrets Manager invokes
 * (Secrets Manager user guide, "Rotation by Lambda function": createSecret, setSecret, testSecret,
 * finishSecret) and from what the handler calls in each: DescribeSecret, GetSecretValue,
 * GetRandomPassword, PutSecretValue, UpdateSecretVersionStage on the secret, and
 * DescribeKeyValueStore, PutKey (If-Match its ETag) and GetKey on the environment's KeyValueStore.
 */

type Environment = EnvironmentUnderTest;

const FOREIGN_ACCOUNT = "210987654321";
const LAMBDA_LOG_STREAM = "2026/12/02/[$LATEST]0123456789abcdef0123456789abcdef";

const originSecret = (region: string, prefix: string) => arn.secret(region, `${prefix}/origin-verification`);
const keyValueStore = (prefix: string) => arn.keyValueStore(`${prefix}-origin`);
const environmentKey = (environment: Environment) => (environment.settings.features.kmsKey ? arn.kmsKey(environment.region, `alias/${environment.prefix}`) : undefined);

/** Secrets Manager's own KMS calls for the origin secret with the environment key (none without the key). */
function throughSecretsManager(environment: Environment, secretArn: string, actions: string[], why: string): Request[] {
  const key = environmentKey(environment);
  if (!key) return [];
  return actions.map((action) => ({
    action,
    resource: key,
    context: { "kms:ViaService": `secretsmanager.${environment.region}.amazonaws.com`, "kms:EncryptionContext:SecretARN": secretArn },
    why,
  }));
}

function must(environment: Environment): Request[] {
  const { region, prefix } = environment;
  const secret = originSecret(region, prefix);
  const store = keyValueStore(prefix);
  const stream = arn.logStream(region, `/aws/lambda/${prefix}-origin-rotation`, LAMBDA_LOG_STREAM);
  const step = (name: string) => `src/handlers/origin-rotation/index.ts ${name}`;
  return [
    { action: "logs:CreateLogStream", resource: stream, why: "Lambda opens a log stream per execution environment in the function's own group" },
    { action: "logs:PutLogEvents", resource: stream, why: "Lambda ships the rotation's log lines (step names, never values)" },
    { action: "xray:PutTraceSegments", resource: "*", why: "active tracing: Lambda sends the function's segments" },
    { action: "secretsmanager:DescribeSecret", resource: secret, why: `${step("handler")}: every step first checks rotation is on and the token's stages` },
    { action: "secretsmanager:GetRandomPassword", resource: "*", why: `${step("createSecret")}: the new value; the action accepts no resource` },
    { action: "secretsmanager:PutSecretValue", resource: secret, why: `${step("createSecret")}: the new value as the token's AWSPENDING version` },
    { action: "secretsmanager:GetSecretValue", resource: secret, why: `${step("setSecret")} and testSecret read the pending value` },
    { action: "secretsmanager:UpdateSecretVersionStage", resource: secret, why: `${step("finishSecret")}: AWSCURRENT moves to the new version` },
    ...throughSecretsManager(environment, secret, ["kms:GenerateDataKey"], "Secrets Manager encrypts the new version with the environment key for PutSecretValue"),
    ...throughSecretsManager(environment, secret, ["kms:Decrypt"], "Secrets Manager decrypts the pending version for GetSecretValue"),
    { action: "cloudfront-keyvaluestore:DescribeKeyValueStore", resource: store, why: `${step("setSecret")}: the store's ETag, which PutKey's If-Match needs` },
    { action: "cloudfront-keyvaluestore:PutKey", resource: store, why: `${step("setSecret")}: the value the viewer-request function adds as x-origin-verify` },
    { action: "cloudfront-keyvaluestore:GetKey", resource: store, why: `${step("testSecret")}: the store holds the pending value` },
  ];
}

function never(environment: Environment): Request[] {
  const { region, prefix, neighbour, settings } = environment;
  const secret = originSecret(region, prefix);
  const key = environmentKey(environment);
  const backend = settings.backend;
  const state: Request[] =
    backend.type === "s3"
      ? [
          { action: "s3:GetObject", resource: arn.object(backend.bucket, `${backend.keyPrefix}/infra.tfstate`), why: "Terraform state is not the rotation's business" },
          { action: "s3:PutObject", resource: arn.object(backend.bucket, `${backend.keyPrefix}/infra.tfstate`), why: "Terraform state is not the rotation's business" },
        ]
      : [];
  return [
    { action: "secretsmanager:GetSecretValue", resource: originSecret(neighbour.region, neighbour.prefix), why: `another environment's (${neighbour.name}) origin secret` },
    { action: "secretsmanager:PutSecretValue", resource: originSecret(neighbour.region, neighbour.prefix), why: `another environment's (${neighbour.name}) origin secret` },
    { action: "cloudfront-keyvaluestore:PutKey", resource: keyValueStore(neighbour.prefix), why: `another environment's (${neighbour.name}) KeyValueStore` },
    { action: "cloudfront-keyvaluestore:GetKey", resource: keyValueStore(neighbour.prefix), why: `another environment's (${neighbour.name}) KeyValueStore` },
    { action: "secretsmanager:GetSecretValue", resource: arn.secret(region, `${prefix}/app`), why: "the app's SECRET_KEY is the API's alone" },
    { action: "secretsmanager:PutSecretValue", resource: arn.secret(region, `${prefix}/app`), why: "the app secret's value is Terraform's (write-only)" },
    { action: "secretsmanager:GetSecretValue", resource: arn.rdsManagedSecret(region, `${prefix}-db`), why: "the database's credentials are the app's and RDS's" },
    { action: "secretsmanager:DeleteSecret", resource: secret, why: "the secret's life is Terraform's" },
    { action: "secretsmanager:RotateSecret", resource: secret, why: "rotation is started by Secrets Manager's schedule (or an operator), not by the function itself" },
    { action: "secretsmanager:PutResourcePolicy", resource: secret, why: "opening the secret to others" },
    { action: "cloudfront-keyvaluestore:DeleteKey", resource: keyValueStore(prefix), why: "deleting the key would make the edge answer 503 to every API request" },
    { action: "cloudfront:UpdateFunction", resource: `arn:aws:cloudfront::${ACCOUNT}:function/${prefix}-origin-header`, why: "the viewer-request function is Terraform's" },
    ...(key ? [{ action: "kms:Decrypt", resource: key, why: "its own environment's key outside Secrets Manager (no kms:ViaService): arbitrary ciphertext" }] : []),
    { action: "kms:Decrypt", resource: arn.kmsKey(neighbour.region, `alias/${neighbour.prefix}`), context: { "kms:ViaService": `secretsmanager.${neighbour.region}.amazonaws.com` }, why: `another environment's (${neighbour.name}) key` },
    { action: "iam:CreateRole", resource: arn.role(`${prefix}-anything`), why: "IAM is never the rotation's business" },
    { action: "iam:PassRole", resource: arn.role(`${prefix}-api-function`), why: "IAM is never the rotation's business" },
    { action: "sts:AssumeRole", resource: arn.role(`${prefix}-api-function`), why: "borrowing another role" },
    { action: "lambda:UpdateFunctionCode", resource: arn.function(region, `${prefix}-origin-rotation`), why: "code that replaces itself" },
    { action: "logs:CreateLogGroup", resource: arn.logGroup(region, `/aws/lambda/${prefix}-origin-rotation`), why: "the group is Terraform's (encrypted, with retention)" },
    ...state,
  ];
}

const lambdaRuns = (): Assumer[] => [
  { principal: "lambda.amazonaws.com", context: { "aws:SourceAccount": ACCOUNT }, why: "Lambda runs the rotation function as this role (origin-verification.ts trust: Lambda of this account only)" },
];

const untrusted = (environment: Environment): Assumer[] => [
  { principal: "lambda.amazonaws.com", context: { "aws:SourceAccount": FOREIGN_ACCOUNT }, why: "Lambda acting for another account (confused deputy)" },
  { principal: "secretsmanager.amazonaws.com", context: { "aws:SourceAccount": ACCOUNT }, why: "Secrets Manager invokes the function; it never becomes its role" },
  { principal: `arn:aws:iam::${ACCOUNT}:root`, why: "nobody in the account borrows the rotation's permissions" },
  { principal: arn.role(`${environment.prefix}-api-function`), why: "the API reads the secret; it must never write it" },
];

export const ORIGIN_ROTATION_JOBS: RoleJob<Environment>[] = [
  {
    role: (environment) => `${environment.prefix}-origin-rotation`,
    summary:
      "The origin secret's rotation function: Secrets Manager invokes its four steps every 30 days; it writes each new value to the secret and to the KeyValueStore CloudFront reads, and touches nothing else.",
    must,
    never,
    assumedBy: lambdaRuns,
    notAssumedBy: untrusted,
  },
];

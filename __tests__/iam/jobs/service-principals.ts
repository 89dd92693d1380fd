import { ACCOUNT, arn } from "../support/account-model";
import type { Request } from "../support/simulate";
import type { EnvironmentUnderTest, ServiceJob } from "./job";

/*
 * What AWS services do as themselves with the environment's keys, topics, buckets and functions:
 * nothing but the resource's own policy can allow it. Each job is one service principal; its
 * requests carry the context the service sends (aws:SourceAccount, aws:SourceArn, the encryption
 * context), as the AWS page named in each `why` describes it.
 */

type Environment = EnvironmentUnderTest;

const FOREIGN_ACCOUNT = "210987654321";
/** CloudFront and its log delivery sources live in us-east-1 (src/constructs/edge/site-distribution.ts). */
const CLOUDFRONT_REGION = "us-east-1";

/** The environment's customer key, when it has one (`features.kmsKey`). */
const environmentKey = (environment: Environment) => (environment.settings.features.kmsKey ? arn.kmsKey(environment.region, `alias/${environment.prefix}`) : undefined);

/** The alert topic's key: the environment key, or the alerts-only key without one (src/stacks/core-stack.ts). */
const alertKey = (environment: Environment) => environmentKey(environment) ?? arn.kmsKey(environment.region, `alias/${environment.prefix}-alerts`);

const alertTopic = (environment: Environment) => arn.topic(environment.region, `${environment.prefix}-alerts`);

/** Bucket names carry the account id (src/constructs/edge/*, src/constructs/storage/access-log-bucket.ts). */
const buckets = (prefix: string) => ({
  site: `${prefix}-site-${ACCOUNT}`,
  cdnLogs: `${prefix}-cdn-logs-${ACCOUNT}`,
  media: `${prefix}-media-${ACCOUNT}`,
  accessLogs: `${prefix}-s3-access-logs-${ACCOUNT}`,
  loadBalancerLogs: `${prefix}-alb-logs-${ACCOUNT}`,
});

/** The distribution's ARN as the model names it: by the infra stack and the logical id cdktf gives `site/distribution`. */
const distribution = (environmentName: string) => arn.distribution(`infra-${environmentName}`);

/** The CloudWatch Logs delivery source of the CDN's access logs, which log delivery names as its aws:SourceArn. */
const cdnDeliverySource = (prefix: string, account = ACCOUNT) => `arn:aws:logs:${CLOUDFRONT_REGION}:${account}:delivery-source:${prefix}-cdn-access-logs`;

/**
 * SNS encrypts a message under the topic's key on the publisher's behalf, with the topic's ARN as
 * encryption context (`aws:sns:topicArn`, as AWS's key policies for encrypted topics condition on).
 */
function topicKeyUse(key: string, topic: string, context: Record<string, string>, why: string): Request[] {
  return ["kms:GenerateDataKey", "kms:Decrypt"].map((action) => ({ action, resource: key, context: { ...context, "kms:EncryptionContext:aws:sns:topicArn": topic }, why }));
}

/** A publisher of the alert topic: the topic policy and the topic's key must both admit it, for this account only. */
function alertPublisher(service: string, summary: string, sourceArn: (environment: Environment, account: string) => string, sendsSourceToKms: boolean, why: string): ServiceJob<Environment> {
  return {
    service: () => service,
    summary,
    must: (environment): Request[] => {
      const source = { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": sourceArn(environment, ACCOUNT) };
      return [
        { action: "sns:Publish", resource: alertTopic(environment), context: source, why },
        ...topicKeyUse(alertKey(environment), alertTopic(environment), sendsSourceToKms ? source : {}, "the alert topic is encrypted: SNS generates and decrypts the data key as the publishing service (SNS: Encryption at rest, compatibility with AWS services)"),
      ];
    },
    never: (environment): Request[] => {
      const foreign = { "aws:SourceAccount": FOREIGN_ACCOUNT, "aws:SourceArn": sourceArn(environment, FOREIGN_ACCOUNT) };
      const foreignTopic = `arn:aws:sns:${environment.region}:${FOREIGN_ACCOUNT}:${environment.prefix}-alerts`;
      return [
        { action: "sns:Publish", resource: alertTopic(environment), context: foreign, why: `${service} acting for another account (confused deputy)` },
        { action: "sns:Publish", resource: alertTopic(environment), context: { "aws:SourceAccount": ACCOUNT, "aws:SecureTransport": "false" }, why: "publishing without TLS" },
        {
          action: "kms:GenerateDataKey",
          resource: alertKey(environment),
          context: { ...(sendsSourceToKms ? foreign : {}), "kms:EncryptionContext:aws:sns:topicArn": foreignTopic },
          why: "the key encrypting another account's topic for its alarms and rules",
        },
        { action: "sns:Subscribe", resource: alertTopic(environment), context: { "aws:SourceAccount": ACCOUNT }, why: "a publisher never subscribes" },
      ];
    },
  };
}

const cloudwatchLogs: ServiceJob<Environment> = {
  service: (environment) => `logs.${environment.region}.amazonaws.com`,
  summary: "CloudWatch Logs encrypts and decrypts the environment's log groups with the environment key, each under its own ARN as encryption context.",
  must: (environment) => {
    const key = environmentKey(environment);
    if (!key) return [];
    const { region, prefix, project, name, settings } = environment;
    const groups = [
      ...(settings.compute.kind === "lambda" ? [`/aws/lambda/${prefix}-api`] : [`/${project}/${name}/ecs/api`]),
      `/aws/lambda/${prefix}-worker`,
      `/aws/lambda/${prefix}-producer`,
      `/${project}/${name}/api/access-logs`,
      `/aws/rds/cluster/${prefix}-db/postgresql`,
      ...(settings.network.flowLogs ? [`/${project}/${name}/vpc/flow-logs`] : []),
    ];
    return groups.flatMap((group) =>
      ["kms:GenerateDataKey", "kms:Decrypt"].map((action) => ({
        action,
        resource: key,
        context: { "kms:EncryptionContext:aws:logs:arn": arn.logGroup(region, group) },
        why: `${group} is encrypted with the environment key (CloudWatch Logs: Encrypt log data using AWS KMS)`,
      })),
    );
  },
  never: (environment): Request[] => {
    const key = environmentKey(environment) ?? arn.kmsKey(environment.region, `alias/${environment.prefix}`);
    const foreignGroup = `arn:aws:logs:${environment.region}:${FOREIGN_ACCOUNT}:log-group:/aws/lambda/${environment.prefix}-api`;
    return [
      { action: "kms:Decrypt", resource: key, context: { "kms:EncryptionContext:aws:logs:arn": foreignGroup }, why: "another account's log group" },
      { action: "kms:Decrypt", resource: key, why: "decrypting outside a log group's encryption context" },
      { action: "kms:CreateGrant", resource: key, context: { "kms:EncryptionContext:aws:logs:arn": arn.logGroup(environment.region, `/aws/lambda/${environment.prefix}-api`) }, why: "CloudWatch Logs uses the key, it never delegates it" },
      { action: "sns:Publish", resource: alertTopic(environment), context: { "aws:SourceAccount": ACCOUNT }, why: "CloudWatch Logs has no business with the alert topic" },
    ];
  },
};

const alarms = alertPublisher(
  "cloudwatch.amazonaws.com",
  "CloudWatch alarms publish their state changes to the encrypted alert topic.",
  (environment, account) => `arn:aws:cloudwatch:${environment.region}:${account}:alarm:${environment.prefix}-api-errors`,
  true,
  "alarm actions notify the alert topic (src/constructs/observability/platform-alarms.ts; CloudWatch: Using Amazon CloudWatch alarms, SNS notifications)",
);

const eventBridge = alertPublisher(
  "events.amazonaws.com",
  "EventBridge delivers failed backup job events to the encrypted alert topic.",
  (environment, account) => `arn:aws:events:${environment.region}:${account}:rule/${environment.prefix}-backup-failed`,
  false,
  "the failed-jobs rule targets the alert topic (src/constructs/backup/platform-backup.ts; EventBridge: Amazon SNS permissions)",
);

const backupNotifications = alertPublisher(
  "backup.amazonaws.com",
  "AWS Backup sends the primary vault's notifications (failed copies, S3 object failures, finished restores) to the encrypted alert topic.",
  (environment, account) => `arn:aws:backup:${environment.region}:${account}:backup-vault:${environment.prefix}-backup`,
  true,
  "BACKUP_VAULT_EVENTS go to the alert topic (src/constructs/backup/platform-backup.ts; AWS Backup: Notification options with Amazon SNS)",
);

const serverAccessLogging: ServiceJob<Environment> = {
  service: () => "logging.s3.amazonaws.com",
  summary: "S3 server access logging delivers the access logs of the environment's buckets to its access-log bucket.",
  must: (environment) => {
    const named = buckets(environment.prefix);
    const sources = [named.media, named.site, named.cdnLogs, ...(environment.settings.compute.kind === "ecs" ? [named.loadBalancerLogs] : [])];
    return sources.map((source) => ({
      action: "s3:PutObject",
      resource: arn.object(named.accessLogs, `${source}/2026-12-02-10-15-00-0123456789ABCDEF`),
      context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arn.bucket(source) },
      why: `${source} logs here under its own prefix (S3: Enabling server access logging, granting permissions to the logging service principal)`,
    }));
  },
  never: (environment) => {
    const named = buckets(environment.prefix);
    const neighbour = buckets(environment.neighbour.prefix);
    const state = environment.settings.backend.type === "s3" ? environment.settings.backend.bucket : `${environment.project}-tfstate-${ACCOUNT}`;
    const into = (bucket: string) => arn.object(bucket, `${named.media}/2026-12-02-10-15-00-0123456789ABCDEF`);
    return [
      { action: "s3:PutObject", resource: into(named.accessLogs), context: { "aws:SourceAccount": FOREIGN_ACCOUNT, "aws:SourceArn": arn.bucket(named.media) }, why: "logging for another account's bucket of the same name" },
      { action: "s3:PutObject", resource: into(named.accessLogs), context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arn.bucket(neighbour.media) }, why: `${environment.neighbour.name}'s bucket logs to its own access-log bucket` },
      { action: "s3:PutObject", resource: into(named.accessLogs), context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arn.bucket(state) }, why: "a bucket outside the environment" },
      { action: "s3:PutObject", resource: into(named.cdnLogs), context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arn.bucket(named.media) }, why: "the CDN log bucket takes CloudFront's logs only" },
      { action: "s3:PutObject", resource: into(named.media), context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arn.bucket(named.site) }, why: "the media bucket is no log target" },
      { action: "s3:GetObject", resource: into(named.accessLogs), context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arn.bucket(named.media) }, why: "the logging service only writes" },
    ];
  },
};

const cdnLogDelivery: ServiceJob<Environment> = {
  service: () => "delivery.logs.amazonaws.com",
  summary: "CloudWatch Logs' vended log delivery writes CloudFront's access logs (standard logging v2) into the CDN log bucket, encrypted with the environment key.",
  must: (environment) => {
    const named = buckets(environment.prefix);
    const source = { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": cdnDeliverySource(environment.prefix) };
    const key = environmentKey(environment);
    const why = "CloudWatch Logs: Logs sent to Amazon S3 (V2), the bucket policy and SSE-KMS key policy of the delivery service";
    return [
      {
        action: "s3:PutObject",
        resource: arn.object(named.cdnLogs, `AWSLogs/${ACCOUNT}/CloudFront/${distribution(environment.name).split("/").pop()}.2026-12-02-10.abcdef.gz`),
        context: { ...source, "s3:x-amz-acl": "bucket-owner-full-control" },
        why,
      },
      { action: "s3:GetBucketAcl", resource: arn.bucket(named.cdnLogs), context: source, why: `${why}: the delivery checks the bucket's ownership (AWSLogDeliveryAclCheck)` },
      ...(key ? [{ action: "kms:GenerateDataKey", resource: key, context: { ...source, "kms:ViaService": `s3.${environment.region}.amazonaws.com` }, why: `${why}: the log objects are encrypted with the environment key` }] : []),
    ];
  },
  never: (environment) => {
    const named = buckets(environment.prefix);
    const foreign = { "aws:SourceAccount": FOREIGN_ACCOUNT, "aws:SourceArn": cdnDeliverySource(environment.prefix, FOREIGN_ACCOUNT) };
    const own = { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": cdnDeliverySource(environment.prefix) };
    const key = environmentKey(environment) ?? arn.kmsKey(environment.region, `alias/${environment.prefix}`);
    return [
      { action: "s3:PutObject", resource: arn.object(named.cdnLogs, `AWSLogs/${FOREIGN_ACCOUNT}/CloudFront/x.gz`), context: foreign, why: "delivering another account's logs" },
      { action: "kms:GenerateDataKey", resource: key, context: foreign, why: "encrypting another account's logs with the environment key" },
      { action: "s3:PutObject", resource: arn.object(named.accessLogs, "AWSLogs/x.gz"), context: own, why: "the S3 access-log bucket takes S3's logs only" },
      { action: "s3:PutObject", resource: arn.object(named.site, "index.html"), context: own, why: "the site bucket is no log target" },
      { action: "s3:GetObject", resource: arn.object(named.cdnLogs, `AWSLogs/${ACCOUNT}/CloudFront/x.gz`), context: own, why: "the delivery service only writes" },
    ];
  },
};

const cloudfront: ServiceJob<Environment> = {
  service: () => "cloudfront.amazonaws.com",
  summary: "CloudFront reads the site bucket through Origin Access Control, as the environment's distribution only, decrypting with the environment key.",
  must: (environment) => {
    const named = buckets(environment.prefix);
    const source = { "aws:SourceAccount": ACCOUNT, "AWS:SourceArn": distribution(environment.name) };
    const key = environmentKey(environment);
    const why = "OAC signs origin requests as CloudFront with the distribution as source (CloudFront: Restrict access to an Amazon S3 origin)";
    return [
      { action: "s3:GetObject", resource: arn.object(named.site, "index.html"), context: source, why },
      { action: "s3:GetObject", resource: arn.object(named.site, "assets/app.js"), context: source, why },
      ...(key ? [{ action: "kms:Decrypt", resource: key, context: { ...source, "kms:ViaService": `s3.${environment.region}.amazonaws.com` }, why: `${why}: SSE-KMS objects need kms:Decrypt for CloudFront` }] : []),
    ];
  },
  never: (environment) => {
    const named = buckets(environment.prefix);
    const own = { "aws:SourceAccount": ACCOUNT, "AWS:SourceArn": distribution(environment.name) };
    const foreignDistribution = distribution(environment.name).replace(`::${ACCOUNT}:`, `::${FOREIGN_ACCOUNT}:`);
    const key = environmentKey(environment) ?? arn.kmsKey(environment.region, `alias/${environment.prefix}`);
    return [
      { action: "s3:GetObject", resource: arn.object(named.site, "index.html"), context: { "aws:SourceAccount": ACCOUNT, "AWS:SourceArn": distribution(environment.neighbour.name) }, why: `${environment.neighbour.name}'s distribution` },
      { action: "s3:GetObject", resource: arn.object(named.site, "index.html"), context: { "aws:SourceAccount": FOREIGN_ACCOUNT, "AWS:SourceArn": foreignDistribution }, why: "another account's distribution" },
      { action: "kms:Decrypt", resource: key, context: { "aws:SourceAccount": FOREIGN_ACCOUNT, "AWS:SourceArn": foreignDistribution }, why: "another account's distribution decrypting with the environment key" },
      { action: "s3:GetObject", resource: arn.object(named.media, "uploads/photo.jpg"), context: own, why: "media is reached with pre-signed URLs only, never through the CDN" },
      { action: "s3:GetObject", resource: arn.object(named.cdnLogs, `AWSLogs/${ACCOUNT}/CloudFront/x.gz`), context: own, why: "the CDN's own logs are not served" },
      { action: "s3:PutObject", resource: arn.object(named.site, "index.html"), context: own, why: "OAC reads; the delivery pipeline deploys the site" },
    ];
  },
};

const apiGateway: ServiceJob<Environment> = {
  service: () => "apigateway.amazonaws.com",
  summary: "API Gateway invokes the API function for the routes of the environment's HTTP API, and for no other API.",
  must: (environment) => {
    if (environment.settings.compute.kind !== "lambda") return [];
    const { region, prefix } = environment;
    const execution = arn.apiExecution(region, `${prefix}-api`);
    const why = "the Lambda proxy integration of API_ROUTE_KEYS (src/constructs/compute/api-routes.ts; API Gateway: Lambda integrations for HTTP APIs)";
    return ["$default/GET/health", "$default/POST/api/jobs", "$default/GET/api"].map((route) => ({
      action: "lambda:InvokeFunction",
      resource: arn.function(region, `${prefix}-api`),
      context: { "aws:SourceAccount": ACCOUNT, "AWS:SourceArn": `${execution}/${route}` },
      why,
    }));
  },
  never: (environment) => {
    const { region, prefix, neighbour } = environment;
    const route = "$default/GET/health";
    const foreignApi = arn.apiExecution(region, `${prefix}-api`).replace(`:${ACCOUNT}:`, `:${FOREIGN_ACCOUNT}:`);
    return [
      { action: "lambda:InvokeFunction", resource: arn.function(region, `${prefix}-api`), context: { "aws:SourceAccount": ACCOUNT, "AWS:SourceArn": `${arn.apiExecution(neighbour.region, `${neighbour.prefix}-api`)}/${route}` }, why: `${neighbour.name}'s API` },
      { action: "lambda:InvokeFunction", resource: arn.function(region, `${prefix}-api`), context: { "aws:SourceAccount": FOREIGN_ACCOUNT, "AWS:SourceArn": `${foreignApi}/${route}` }, why: "another account's API" },
      { action: "lambda:InvokeFunction", resource: arn.function(region, `${prefix}-worker`), context: { "aws:SourceAccount": ACCOUNT, "AWS:SourceArn": `${arn.apiExecution(region, `${prefix}-api`)}/${route}` }, why: "the worker is the queue's, not the API's" },
      { action: "lambda:InvokeFunction", resource: arn.function(region, `${prefix}-producer`), context: { "aws:SourceAccount": ACCOUNT, "AWS:SourceArn": `${arn.apiExecution(region, `${prefix}-api`)}/${route}` }, why: "the producer is the schedule's" },
    ];
  },
};

/** A service the environment never hands anything to: S3 event notifications, say. */
const unrelatedService: ServiceJob<Environment> = {
  service: () => "s3.amazonaws.com",
  summary: "S3 event notifications: no bucket of the environment notifies anything, so S3 as a service may publish, encrypt and invoke nothing of it.",
  must: () => [],
  never: (environment) => {
    const { region, prefix } = environment;
    const source = { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arn.bucket(buckets(prefix).media) };
    return [
      { action: "sns:Publish", resource: alertTopic(environment), context: source, why: "no bucket notifies the alert topic" },
      { action: "kms:GenerateDataKey", resource: alertKey(environment), context: { ...source, "kms:EncryptionContext:aws:sns:topicArn": alertTopic(environment) }, why: "no bucket notification is encrypted with the topic's key" },
      { action: "lambda:InvokeFunction", resource: arn.function(region, `${prefix}-worker`), context: source, why: "the worker is triggered by the queue only" },
      { action: "sqs:SendMessage", resource: arn.queue(region, `${prefix}-work`), context: source, why: "the work queue takes the producer's and the API's jobs only" },
    ];
  },
};

export const SERVICE_PRINCIPAL_JOBS: ServiceJob<EnvironmentUnderTest>[] = [
  cloudwatchLogs,
  alarms,
  eventBridge,
  backupNotifications,
  serverAccessLogging,
  cdnLogDelivery,
  cloudfront,
  apiGateway,
  unrelatedService,
];

import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { EDGE_REGION } from "../config/aws-regions";
import { AccountContext } from "../constructs/account/account-context";
import { HttpApi } from "../constructs/api/http-api";
import { AppSecrets } from "../constructs/data/app-secrets";
import { AppTable } from "../constructs/data/app-table";
import { AuroraPostgres } from "../constructs/data/aurora-postgres";
import { PublishedParameters } from "../constructs/data/published-parameters";
import { ServerlessCache } from "../constructs/data/serverless-cache";
import { MediaBucket } from "../constructs/edge/media-bucket";
import { SiteCertificate, SiteDnsRecords } from "../constructs/edge/site-certificate";
import { API_PATH_PREFIX, SiteDistribution } from "../constructs/edge/site-distribution";
import { EdgeWebAcl } from "../constructs/edge/web-acl";
import { OriginVerification } from "../constructs/edge/origin-verification";
import { ScheduleGroup } from "../constructs/messaging/schedule-group";
import { WorkQueue } from "../constructs/messaging/work-queue";
import { Network } from "../constructs/network/network";
import { INTERFACE_ENDPOINT_SERVICES } from "../constructs/network/vpc-endpoints";
import { AccessLogBucket } from "../constructs/storage/access-log-bucket";
import { PARTITION } from "../config/accounts";
import { deliveryStepRoleNames } from "../constructs/delivery/app-delivery";
import { ImageRepository } from "../constructs/registry/image-repository";
import type { CoreStack } from "./core-stack";
import { LayerStack, type LayerStackProps } from "./layer-stack";

export interface InfraStackProps extends LayerStackProps {
  readonly core: CoreStack;
}

/**
 * `infra-<env>`: what the workloads run on: the network, the data stores, the work queue and
 * schedule group, the image registry, the HTTP API front door and the edge (CloudFront, WAF,
 * certificate, DNS). The app layer attaches functions, routes and alarms to the public fields.
 */
export class InfraStack extends LayerStack {
  readonly account: AccountContext;
  readonly network: Network;
  readonly database: AuroraPostgres;
  readonly cache: ServerlessCache;
  readonly table?: AppTable;
  readonly secrets: AppSecrets;
  /** The secret header CloudFront adds on `/api/*`, which the API requires (issue: the execute-api bypass). */
  readonly originVerification: OriginVerification;
  readonly workQueue: WorkQueue;
  readonly schedules: ScheduleGroup;
  readonly images: ImageRepository;
  readonly api: HttpApi;
  readonly site: SiteDistribution;
  readonly media: MediaBucket;
  readonly parameters: PublishedParameters;
  /** Where S3 server access logs of the environment's buckets go. */
  readonly bucketAccessLogs: AccessLogBucket;

  constructor(scope: Construct, props: InfraStackProps) {
    super(scope, "infra", props);
    const { environment, naming } = this;
    const { kmsKeyArn } = props.core;
    const { protectData, features, domain } = environment;
    this.account = new AccountContext(this, "account");
    const account = this.account;
    new RandomProvider(this, "random");
    // CloudFront's certificate and web ACL exist only in us-east-1.
    const edge = new AwsProvider(this, "aws-edge", { alias: "edge", region: EDGE_REGION, defaultTags: [{ tags: naming.tags("infra") }] });

    this.network = new Network(this, "network", {
      naming,
      account,
      vpcCidr: environment.network.vpcCidr,
      azCount: environment.network.azCount,
      natMode: environment.network.natMode,
      ipv6Egress: environment.network.ipv6Egress,
      // Never with ipv6Egress (the schema refuses the pair): see src/config/dual-stack.ts.
      interfaceEndpointServices: environment.network.interfaceEndpoints ? INTERFACE_ENDPOINT_SERVICES[environment.compute.kind] : [],
      singleAzEndpoints: environment.network.singleAzEndpoints,
      flowLogs: environment.network.flowLogs,
      serviceRoleBoundaryArn: props.core.serviceBoundaryArn,
      subnetPlan: environment.subnetPlan,
      kmsKeyArn,
      loadBalancer: environment.compute.kind === "ecs",
      appPort: environment.compute.ecs.containerPort,
    });
    const { network } = this;

    this.database = new AuroraPostgres(this, "database", {
      naming,
      account,
      settings: environment.database,
      protectData,
      kmsKeyArn,
      dbSubnetGroupName: network.dbSubnetGroupName,
      serviceRoleBoundaryArn: props.core.serviceBoundaryArn,
      securityGroupIds: [network.securityGroups.database],
      proxySubnetIds: network.dataSubnetIds,
      availabilityZones: network.availabilityZones,
    });
    this.cache = new ServerlessCache(this, "cache", {
      naming,
      settings: environment.cache,
      protectData,
      kmsKeyArn,
      securityGroupIds: [network.securityGroups.cache],
      subnetIds: network.dataSubnetIds,
    });
    if (features.dynamodbTable) this.table = new AppTable(this, "table", { naming, protectData, kmsKeyArn });
    this.secrets = new AppSecrets(this, "secrets", { naming, protectData, kmsKeyArn });
    this.originVerification = new OriginVerification(this, "origin", { naming, account, protectData, kmsKeyArn, boundaryArn: props.core.serviceBoundaryArn });
    // Where the rotation function's parts were before it became a PlatformFunction: moved in state
    // rather than replaced, so an environment applied before keeps its function and its logs.
    const rotator = this.originVerification.rotationFunction;
    rotator.function.moveFromId("aws_lambda_function.origin_function_BD0CCFFA");
    rotator.role.moveFromId("aws_iam_role.origin_role_74BC6CE2");
    rotator.logGroup.moveFromId("aws_cloudwatch_log_group.origin_log-group_C6F41329");
    rotator.grants.policy.moveFromId("aws_iam_role_policy.origin_grants_policy_555488AD");

    this.workQueue = new WorkQueue(this, "work-queue", { naming, name: "work", workerTimeoutSeconds: environment.compute.workerTimeoutSeconds, kmsKeyArn });
    this.schedules = new ScheduleGroup(this, "schedules", { naming });
    const deployment = environment.deployment;
    this.images = new ImageRepository(this, "images", {
      naming,
      account,
      name: "api",
      kmsKeyArn,
      protectData,
      // The backend pipeline builds in the state account and pushes here.
      crossAccountPushers: deployment ? [`arn:${PARTITION}:iam::${deployment.stateAccountId}:role/${deliveryStepRoleNames(naming.project, environment.name).backendBuild}`] : [],
    });

    this.api = new HttpApi(this, "api", {
      naming,
      kmsKeyArn,
      corsAllowOrigins: environment.api.corsAllowOrigins,
      throttling: { burstLimit: environment.api.throttlingBurstLimit, rateLimit: environment.api.throttlingRateLimit },
    });

    // S3 server access logs of every bucket of the environment land here.
    const bucketAccessLogs = (this.bucketAccessLogs = new AccessLogBucket(this, "bucket-access-logs", {
      bucketName: naming.name("s3-access-logs", account.accountId),
      account,
      sourceBuckets: [`${naming.prefix}-*`],
      preventDestroy: protectData,
    }));

    const webAcl = features.waf ? new EdgeWebAcl(this, "waf", { naming, account, provider: edge, rateLimit: features.wafRateLimit, apiPathPrefix: API_PATH_PREFIX }) : undefined;
    const certificate = domain ? new SiteCertificate(this, "certificate", { domainName: domain.name, hostedZoneId: domain.hostedZoneId, provider: edge }) : undefined;
    this.site = new SiteDistribution(this, "site", {
      naming,
      account,
      kmsKeyArn,
      apiDomainName: this.api.domainName,
      protectData,
      webAclArn: webAcl?.arn,
      certificateArn: certificate?.certificateArn,
      aliases: domain ? [domain.name] : undefined,
      // Error-response rewriting would also turn the API's own 403/404 into index.html.
      spaRouting: "viewer-request-function",
      accessLogs: bucketAccessLogs,
      apiViewerRequestFunctionArn: this.originVerification.headerFunction.arn,
    });
    if (domain) {
      new SiteDnsRecords(this, "dns", {
        names: [domain.name],
        hostedZoneId: domain.hostedZoneId,
        distributionDomainName: this.site.distributionDomainName,
        distributionHostedZoneId: this.site.hostedZoneId,
      });
    }
    const siteOrigin = `https://${domain?.name ?? this.site.distributionDomainName}`;
    this.media = new MediaBucket(this, "media", {
      naming,
      account,
      kmsKeyArn,
      protectData,
      allowedOrigins: [siteOrigin, ...environment.api.corsAllowOrigins.filter((origin) => origin !== "*")],
      accessLogs: bucketAccessLogs,
    });

    // What the functions read at start-up: names and endpoints, never secret values.
    this.parameters = new PublishedParameters(this, "parameters", {
      naming,
      account,
      kmsKeyArn,
      parameters: {
        "database/endpoint": this.database.proxyEndpoint ?? this.database.endpoint,
        "database/reader-endpoint": this.database.readerEndpoint,
        "database/name": this.database.databaseName,
        "database/port": String(this.database.port),
        "database/user": this.database.masterUsername,
        "database/auth": this.database.appAuthentication,
        "database/secret-arn": this.database.masterSecretArn,
        "cache/endpoint": this.cache.endpointAddress,
        "queue/url": this.workQueue.queueUrl,
        "media/bucket": this.media.bucketName,
        "app/secret-arn": this.secrets.secretArn,
        "edge/origin-secret-arn": this.originVerification.secretArn,
        ...(this.table ? { "table/name": this.table.name } : {}),
      },
    });

    new TerraformOutput(this, "site_url", { value: siteOrigin, description: "Where the site and its /api/* are served." });
    new TerraformOutput(this, "api_endpoint", { value: this.api.apiEndpoint });
    new TerraformOutput(this, "image_repository_url", { value: this.images.repositoryUrl, description: "Push the API image here." });
    new TerraformOutput(this, "site_bucket", { value: this.site.siteBucketName, description: "Sync the built SPA here." });
  }
}

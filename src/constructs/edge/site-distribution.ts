import { CloudfrontDistribution, type CloudfrontDistributionViewerCertificate } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import { Lazy, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { SecureBucket } from "../storage/secure-bucket";

/** AWS managed policies (ids are the same in every account). */
export const MANAGED_POLICY = {
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

/** CloudFront is a global service: its log delivery sources (and certificates, web ACLs) live in us-east-1. */
export const CLOUDFRONT_REGION = "us-east-1";

/** Requests under this prefix go to the HTTP API (CloudFront matches `API_PATH_PATTERN`); every other path is the static site. */
export const API_PATH_PREFIX = "/api/";
export const API_PATH_PATTERN = `${API_PATH_PREFIX}*`;

const SITE_ORIGIN = "site";
const API_ORIGIN = "api";

/**
 * Rewrites extension-less paths (client-side routes such as `/orders/42`) to `/index.html` on the
 * site behaviour only, so the API's own 403 and 404 answers reach its clients unchanged.
 */
const SPA_REWRITE_FUNCTION = `function handler(event) {
  var request = event.request;
  if (request.uri.indexOf(".", request.uri.lastIndexOf("/")) === -1) request.uri = "/index.html";
  return request;
}`;

export interface SiteDistributionProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /**
   * A customer-managed key for the site and log buckets; without one S3-managed keys. The key policy
   * must let CloudFront decrypt (`kms:Decrypt` for `cloudfront.amazonaws.com` with `AWS:SourceArn`
   * like `arn:<partition>:cloudfront::<account>:distribution/*`) and CloudWatch Logs' delivery service
   * encrypt access logs (`delivery.logs.amazonaws.com`).
   */
  readonly kmsKeyArn?: string;
  /** Host name of the HTTP API (no scheme), served under `/api/*`. */
  readonly apiDomainName: string;
  /** Refuse `destroy` on the buckets; when false they are emptied and deleted with the stack. */
  readonly protectData: boolean;
  /** A WAFv2 web ACL of scope CLOUDFRONT (its ARN). Default: none. */
  readonly webAclArn?: string;
  /** An ACM certificate in us-east-1 covering `aliases`. Default: the `*.cloudfront.net` certificate. */
  readonly certificateArn?: string;
  /** Host names the distribution answers to; used only together with `certificateArn`. */
  readonly aliases?: string[];
  /** Where S3 server access logs of the site and CDN-log buckets go. Default: not logged. */
  readonly accessLogs?: SecureBucket;
  /**
   * How client-side routes reach `index.html`:
   * - `"error-responses"` (default): CloudFront answers every 403 and 404 with `/index.html` and 200.
   *   These responses are distribution-wide, so the API's 403 and 404 are rewritten too.
   * - `"viewer-request-function"`: a CloudFront Function rewrites extension-less paths on the site
   *   behaviour only; the API's errors pass through, and missing assets stay 403.
   */
  readonly spaRouting?: "error-responses" | "viewer-request-function";
  /** Days CDN access logs are kept. Default 90. */
  readonly accessLogDays?: number;
  /**
   * A CloudFront Function (its ARN) run on viewer requests of `/api/*`: the origin header
   * (OriginHeaderFunction), which the API refuses requests without. Default: none.
   */
  readonly apiViewerRequestFunctionArn?: string;
  /** Serve only (`whitelist`) or never (`blacklist`) these ISO 3166 countries. Default: everywhere. */
  readonly geoRestriction?: { readonly type: "whitelist" | "blacklist"; readonly countries: string[] };
}

/**
 * The site's CDN. Static files come from a private bucket that only this distribution can read
 * (Origin Access Control, signed requests); `/api/*` goes to the HTTP API uncached with every viewer
 * header except Host. Every response carries the security headers, viewers are held to HTTPS, and
 * requests are logged (standard logging v2, to an S3 bucket, since v1 logging needs bucket ACLs).
 */
export class SiteDistribution extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly siteBucket: SecureBucket;
  readonly logBucket: SecureBucket;
  readonly distributionId: string;
  readonly distributionArn: string;
  readonly distributionDomainName: string;
  /** CloudFront's hosted zone, the target zone of Route53 alias records. */
  readonly hostedZoneId: string;
  readonly siteBucketName: string;
  readonly siteBucketArn: string;

  constructor(scope: Construct, id: string, props: SiteDistributionProps) {
    super(scope, id);
    const { naming, account } = props;
    const encryption = props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : ("s3-managed" as const);
    // Bucket names are global: the account id keeps two accounts using the same project name apart.
    const siteBucketName = naming.name("site", account.accountId);
    const logBucketName = naming.name("cdn-logs", account.accountId);
    let distributionArn: string | undefined;

    this.siteBucket = new SecureBucket(this, "site-bucket", {
      bucketName: siteBucketName,
      encryption,
      accessLogs: props.accessLogs ? { bucket: props.accessLogs, prefix: `${siteBucketName}/` } : undefined,
      // Old versions of deployed assets are only needed for a quick rollback.
      noncurrentVersionDays: 30,
      preventDestroy: props.protectData,
      policyStatements: [
        {
          sid: "CloudFrontReadsThroughOriginAccessControl",
          principals: [{ type: "Service", identifiers: [account.servicePrincipal("cloudfront")] }],
          actions: ["s3:GetObject"],
          resources: [`arn:${account.partition}:s3:::${siteBucketName}/*`],
          // The distribution is created after the bucket (it needs the bucket's domain name).
          condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [Lazy.stringValue({ produce: () => distributionArn })] }],
        },
      ],
    });

    const logDeliveryConditions = [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
      { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${account.partition}:logs:${CLOUDFRONT_REGION}:${account.accountId}:*`] },
    ];
    this.logBucket = new SecureBucket(this, "log-bucket", {
      bucketName: logBucketName,
      encryption,
      accessLogs: props.accessLogs ? { bucket: props.accessLogs, prefix: `${logBucketName}/` } : undefined,
      expireObjectsAfterDays: props.accessLogDays ?? 90,
      noncurrentVersionDays: 1,
      preventDestroy: props.protectData,
      policyStatements: [
        {
          sid: "CloudWatchLogsDeliversCloudFrontAccessLogs",
          principals: [{ type: "Service", identifiers: [account.servicePrincipal("delivery.logs")] }],
          actions: ["s3:PutObject"],
          resources: [`arn:${account.partition}:s3:::${logBucketName}/*`],
          condition: logDeliveryConditions,
        },
        {
          // The documented delivery policy lets the service check the bucket before it writes; without
          // it, creating the delivery appends this statement itself, behind Terraform's back.
          sid: "CloudWatchLogsChecksTheLogBucket",
          principals: [{ type: "Service", identifiers: [account.servicePrincipal("delivery.logs")] }],
          actions: ["s3:GetBucketAcl", "s3:ListBucket"],
          resources: [`arn:${account.partition}:s3:::${logBucketName}`],
          condition: logDeliveryConditions,
        },
      ],
    });

    const originAccessControl = new CloudfrontOriginAccessControl(this, "origin-access-control", {
      name: naming.name("site"),
      description: `CloudFront reads ${siteBucketName} with signed requests`,
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    const securityHeaders = new CloudfrontResponseHeadersPolicy(this, "security-headers", {
      name: naming.name("security-headers"),
      comment: "HSTS, no sniffing, no framing, strict referrers",
      securityHeadersConfig: {
        strictTransportSecurity: { accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: "DENY", override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });

    const spaRouting = props.spaRouting ?? "error-responses";
    const spaRewrite =
      spaRouting === "viewer-request-function"
        ? new CloudfrontFunction(this, "spa-rewrite", {
            name: naming.name("spa-rewrite"),
            runtime: "cloudfront-js-2.0",
            comment: "Client-side routes to /index.html",
            code: SPA_REWRITE_FUNCTION,
            publish: true,
          })
        : undefined;

    const viewerCertificate: CloudfrontDistributionViewerCertificate = props.certificateArn
      ? { acmCertificateArn: props.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
      : { cloudfrontDefaultCertificate: true };

    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: `${naming.prefix} site and API`,
      aliases: props.certificateArn && props.aliases?.length ? props.aliases : undefined,
      defaultRootObject: "index.html",
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: "PriceClass_100",
      webAclId: props.webAclArn,
      origin: [
        {
          originId: SITE_ORIGIN,
          domainName: this.siteBucket.bucket.bucketRegionalDomainName,
          originAccessControlId: originAccessControl.id,
        },
        {
          originId: API_ORIGIN,
          domainName: props.apiDomainName,
          customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: SITE_ORIGIN,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD", "OPTIONS"],
        cachedMethods: ["GET", "HEAD"],
        cachePolicyId: MANAGED_POLICY.cachingOptimized,
        responseHeadersPolicyId: securityHeaders.id,
        compress: true,
        functionAssociation: spaRewrite ? [{ eventType: "viewer-request", functionArn: spaRewrite.arn }] : undefined,
      },
      orderedCacheBehavior: [
        {
          pathPattern: API_PATH_PATTERN,
          targetOriginId: API_ORIGIN,
          // Not redirect-to-https: a redirected POST arrives as a GET; plain HTTP is refused instead.
          viewerProtocolPolicy: "https-only",
          allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
          cachedMethods: ["GET", "HEAD"],
          cachePolicyId: MANAGED_POLICY.cachingDisabled,
          // Every viewer header but Host: API Gateway routes on its own host name.
          originRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader,
          responseHeadersPolicyId: securityHeaders.id,
          compress: true,
          functionAssociation: props.apiViewerRequestFunctionArn ? [{ eventType: "viewer-request", functionArn: props.apiViewerRequestFunctionArn }] : undefined,
        },
      ],
      customErrorResponse:
        spaRouting === "error-responses"
          ? [403, 404].map((errorCode) => ({ errorCode, responseCode: 200, responsePagePath: "/index.html", errorCachingMinTtl: 10 }))
          : undefined,
      restrictions: {
        geoRestriction: props.geoRestriction
          ? { restrictionType: props.geoRestriction.type, locations: props.geoRestriction.countries }
          : { restrictionType: "none" },
      },
      viewerCertificate,
    });
    distributionArn = this.distribution.arn;

    // Standard logging v2 (CloudWatch Logs vended delivery). The v1 `logging_config` needs a bucket
    // with ACLs enabled, which SecureBucket forbids. The delivery resources must be in us-east-1.
    const source = new CloudwatchLogDeliverySource(this, "access-log-source", {
      region: CLOUDFRONT_REGION,
      name: naming.name("cdn-access-logs"),
      logType: "ACCESS_LOGS",
      resourceArn: this.distribution.arn,
    });
    const destination = new CloudwatchLogDeliveryDestination(this, "access-log-destination", {
      region: CLOUDFRONT_REGION,
      name: naming.name("cdn-access-logs-s3"),
      outputFormat: "json",
      deliveryDestinationConfiguration: [{ destinationResourceArn: this.logBucket.arn }],
    });
    new CloudwatchLogDelivery(this, "access-log-delivery", {
      region: CLOUDFRONT_REGION,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
      // With the bucket policy in place first, the delivery service does not rewrite it itself.
      dependsOn: [this.logBucket.node.findChild("policy") as unknown as ITerraformDependable],
    });

    this.distributionId = this.distribution.id;
    this.distributionArn = this.distribution.arn;
    this.distributionDomainName = this.distribution.domainName;
    this.hostedZoneId = this.distribution.hostedZoneId;
    this.siteBucketName = this.siteBucket.name;
    this.siteBucketArn = this.siteBucket.arn;
  }
}

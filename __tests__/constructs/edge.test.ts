import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketCorsConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-cors-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { TerraformOutput, Testing } from "cdktf";
import type { Construct } from "constructs";
import { AccountContext } from "../../src/constructs/account/account-context";
import { MediaBucket, type MediaBucketProps } from "../../src/constructs/edge/media-bucket";
import { SiteCertificate, SiteDnsRecords } from "../../src/constructs/edge/site-certificate";
import { SiteDistribution, type SiteDistributionProps } from "../../src/constructs/edge/site-distribution";
import { EdgeWebAcl, type EdgeWebAclProps } from "../../src/constructs/edge/web-acl";
import { SecureBucket } from "../../src/constructs/storage/secure-bucket";
import { Naming } from "../../src/naming/naming";
import { expectEvery } from "../support/expectations";

const naming = new Naming("platform", "dev");
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/abc";
const API_HOST = "abc123.execute-api.eu-west-1.amazonaws.com";
const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/xyz";
const WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/platform-dev-edge/1";
const ZONE = "Z0123456789ABCDEFGHIJ";

type Json = Record<string, any>;
const parse = (json: string): Json => JSON.parse(json);
const resourcesOf = (json: string, type: string): Json[] => Object.values(parse(json).resource?.[type] ?? {});
/** The data source whose Terraform name contains `part`. */
const dataNamed = (json: string, type: string, part: string): Json => Object.entries<Json>(parse(json).data?.[type] ?? {}).find(([name]) => name.includes(part))![1];
const usEast1 = (scope: Construct) => new AwsProvider(scope, "us-east-1", { region: "us-east-1", alias: "us_east_1" });

function synthSite(props: Partial<SiteDistributionProps> = {}): string {
  return Testing.synthScope((scope) => {
    const account = new AccountContext(scope, "account");
    const accessLogs = new SecureBucket(scope, "access-logs", { bucketName: "platform-dev-access-logs", encryption: "s3-managed", preventDestroy: false });
    const site = new SiteDistribution(scope, "site", { naming, account, kmsKeyArn: KEY, apiDomainName: API_HOST, protectData: false, accessLogs, ...props });
    new TerraformOutput(scope, "hosted_zone_id", { value: site.hostedZoneId });
    new TerraformOutput(scope, "site_bucket_name", { value: site.siteBucketName });
  });
}

describe("SiteDistribution", () => {
  const json = synthSite();
  const distribution = resourcesOf(json, "aws_cloudfront_distribution")[0];
  const buckets = resourcesOf(json, "aws_s3_bucket");

  it("reads the site from a private bucket through Origin Access Control only", () => {
    expect(json).toHaveResourceWithProperties(CloudfrontOriginAccessControl, { origin_access_control_origin_type: "s3", signing_behavior: "always", signing_protocol: "sigv4" });
    const siteOrigin = distribution.origin.find((origin: Json) => origin.origin_id === "site");
    expect(siteOrigin).toEqual({
      origin_id: "site",
      domain_name: expect.stringMatching(/^\$\{aws_s3_bucket\.site_site-bucket_.*\.bucket_regional_domain_name\}$/),
      origin_access_control_id: expect.stringMatching(/^\$\{aws_cloudfront_origin_access_control\..*\.id\}$/),
    });
    const siteBucket = buckets.find((bucket) => String(bucket.bucket).startsWith("platform-dev-site-"));
    expect(siteBucket).toBeDefined();
    const blocks = resourcesOf(json, "aws_s3_bucket_public_access_block").filter((block) => String(block.bucket).includes("site_site-bucket"));
    expect(blocks).toEqual([expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true })]);
    expect(json).toHaveResource(S3BucketPublicAccessBlock);
  });

  it("lets only this distribution read objects, by its ARN", () => {
    const sitePolicy = dataNamed(json, "aws_iam_policy_document", "site_site-bucket");
    expect(sitePolicy.statement).toContainEqual(
      expect.objectContaining({
        sid: "CloudFrontReadsThroughOriginAccessControl",
        principals: [{ type: "Service", identifiers: [expect.stringMatching(/^cloudfront\.\$\{data\.aws_partition\..*\.dns_suffix\}$/)] }],
        actions: ["s3:GetObject"],
        condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [expect.stringMatching(/^\$\{aws_cloudfront_distribution\.site_distribution_.*\.arn\}$/)] }],
      }),
    );
  });

  it("serves index.html at the root and for client-side routes (403 and 404 become /index.html with 200)", () => {
    expect(distribution.default_root_object).toBe("index.html");
    expect(distribution.custom_error_response).toEqual([
      expect.objectContaining({ error_code: 403, response_code: 200, response_page_path: "/index.html" }),
      expect.objectContaining({ error_code: 404, response_code: 200, response_page_path: "/index.html" }),
    ]);
    expect(json).not.toHaveResource(CloudfrontFunction);
  });

  it("can route client-side paths with a viewer-request function on the site behaviour instead, leaving API errors alone", () => {
    const withFunction = synthSite({ spaRouting: "viewer-request-function" });
    const other = resourcesOf(withFunction, "aws_cloudfront_distribution")[0];
    expect(other.custom_error_response).toBeUndefined();
    expect(other.default_cache_behavior.function_association).toEqual([{ event_type: "viewer-request", function_arn: expect.stringContaining("aws_cloudfront_function") }]);
    expect(other.ordered_cache_behavior[0].function_association).toBeUndefined();
    expect(withFunction).toHaveResourceWithProperties(CloudfrontFunction, { runtime: "cloudfront-js-2.0", publish: true });
  });

  it("caches the site with CachingOptimized over HTTPS only, compressed", () => {
    expect(distribution.default_cache_behavior).toMatchObject({
      target_origin_id: "site",
      viewer_protocol_policy: "redirect-to-https",
      allowed_methods: ["GET", "HEAD", "OPTIONS"],
      // The AWS-managed CachingOptimized policy (CloudFront developer guide, "Use managed cache policies").
      cache_policy_id: "658327ea-f89d-4fab-a63d-7e88639e58f6",
      compress: true,
    });
  });

  it("sends /api/* uncached to the API over TLS 1.2 with every viewer header but Host", () => {
    expect(distribution.origin).toContainEqual({
      origin_id: "api",
      domain_name: API_HOST,
      custom_origin_config: { http_port: 80, https_port: 443, origin_protocol_policy: "https-only", origin_ssl_protocols: ["TLSv1.2"] },
    });
    expect(distribution.ordered_cache_behavior).toEqual([
      expect.objectContaining({
        path_pattern: "/api/*",
        target_origin_id: "api",
        viewer_protocol_policy: "https-only",
        allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
        cache_policy_id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        origin_request_policy_id: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
      }),
    ]);
  });

  it("adds the security headers to the site and the API", () => {
    expect(json).toHaveResourceWithProperties(CloudfrontResponseHeadersPolicy, {
      security_headers_config: {
        strict_transport_security: { access_control_max_age_sec: 63_072_000, include_subdomains: true, preload: true, override: true },
        content_type_options: { override: true },
        frame_options: { frame_option: "DENY", override: true },
        referrer_policy: { referrer_policy: "strict-origin-when-cross-origin", override: true },
        xss_protection: { protection: true, mode_block: true, override: true },
      },
    });
    const policy = expect.stringMatching(/^\$\{aws_cloudfront_response_headers_policy\..*\.id\}$/);
    expect(distribution.default_cache_behavior.response_headers_policy_id).toEqual(policy);
    expect(distribution.ordered_cache_behavior[0].response_headers_policy_id).toEqual(distribution.default_cache_behavior.response_headers_policy_id);
  });

  it("uses HTTP/2 and 3, IPv6 and the cheapest price class", () => {
    expect(distribution).toMatchObject({ enabled: true, http_version: "http2and3", is_ipv6_enabled: true, price_class: "PriceClass_100" });
  });

  it("uses CloudFront's certificate without a domain, and no aliases", () => {
    expect(distribution.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
    expect(distribution.aliases).toBeUndefined();
    expect(synthSite({ aliases: ["app.example.com"] })).not.toHaveResourceWithProperties(CloudfrontDistribution, { aliases: expect.anything() });
  });

  it("uses the ACM certificate with SNI and TLS 1.2 (2021 ciphers) for the domain's aliases", () => {
    expect(synthSite({ certificateArn: CERTIFICATE, aliases: ["app.example.com"] })).toHaveResourceWithProperties(CloudfrontDistribution, {
      aliases: ["app.example.com"],
      viewer_certificate: { acm_certificate_arn: CERTIFICATE, ssl_support_method: "sni-only", minimum_protocol_version: "TLSv1.2_2021" },
    });
  });

  it("attaches the web ACL only when one is given", () => {
    expect(distribution.web_acl_id).toBeUndefined();
    expect(synthSite({ webAclArn: WEB_ACL })).toHaveResourceWithProperties(CloudfrontDistribution, { web_acl_id: WEB_ACL });
  });

  it("restricts countries only when asked", () => {
    expect(distribution.restrictions).toEqual({ geo_restriction: { restriction_type: "none" } });
    expect(synthSite({ geoRestriction: { type: "whitelist", countries: ["DE", "FR"] } })).toHaveResourceWithProperties(CloudfrontDistribution, {
      restrictions: { geo_restriction: { restriction_type: "whitelist", locations: ["DE", "FR"] } },
    });
  });

  it("logs requests with standard logging v2 from us-east-1 into a log bucket that only the delivery service writes to", () => {
    expect(json).toHaveResourceWithProperties(CloudwatchLogDeliverySource, {
      region: "us-east-1",
      log_type: "ACCESS_LOGS",
      resource_arn: expect.stringMatching(/^\$\{aws_cloudfront_distribution\..*\.arn\}$/),
    });
    expect(json).toHaveResourceWithProperties(CloudwatchLogDeliveryDestination, {
      region: "us-east-1",
      delivery_destination_configuration: [{ destination_resource_arn: expect.stringMatching(/^\$\{aws_s3_bucket\.site_log-bucket_.*\.arn\}$/) }],
    });
    expect(json).toHaveResourceWithProperties(CloudwatchLogDelivery, { region: "us-east-1", depends_on: [expect.stringMatching(/^aws_s3_bucket_policy\.site_log-bucket_policy_/)] });
    const logPolicy = dataNamed(json, "aws_iam_policy_document", "site_log-bucket");
    expect(logPolicy.statement).toContainEqual(
      expect.objectContaining({
        actions: ["s3:PutObject"],
        principals: [{ type: "Service", identifiers: [expect.stringMatching(/^delivery\.logs\./)] }],
        condition: expect.arrayContaining([expect.objectContaining({ test: "ArnLike", variable: "aws:SourceArn", values: [expect.stringMatching(/:logs:us-east-1:\$\{data\.aws_caller_identity\..*\.account_id\}:\*$/)] })]),
      }),
    );
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: expect.stringMatching(/^platform-dev-cdn-logs-/) });
  });

  it("encrypts both buckets with the key, or S3-managed keys without one", () => {
    const kms = resourcesOf(json, "aws_s3_bucket_server_side_encryption_configuration").filter((c) => c.rule[0].apply_server_side_encryption_by_default.kms_master_key_id === KEY);
    expect(kms).toHaveLength(2);
    const plain = resourcesOf(synthSite({ kmsKeyArn: undefined }), "aws_s3_bucket_server_side_encryption_configuration");
    // The site and CDN log buckets, and the test's S3 access-log bucket (which is always SSE-S3).
    expect(plain).toHaveLength(3);
    expectEvery("encryption without a key", plain, (c) => c.rule[0].apply_server_side_encryption_by_default.sse_algorithm === "AES256");
  });

  it("keeps the buckets on destroy only where data is protected", () => {
    const ours = (j: string) => resourcesOf(j, "aws_s3_bucket").filter((bucket) => /platform-dev-(site|cdn-logs)-/.test(bucket.bucket));
    expect(ours(json).map((bucket) => bucket.lifecycle.prevent_destroy)).toEqual([false, false]);
    expect(ours(synthSite({ protectData: true })).map((bucket) => bucket.lifecycle.prevent_destroy)).toEqual([true, true]);
  });

  it("exposes CloudFront's hosted zone and the site bucket for deployments", () => {
    const outputs = parse(json).output;
    expect(outputs.hosted_zone_id.value).toMatch(/^\$\{aws_cloudfront_distribution\..*\.hosted_zone_id\}$/);
    expect(outputs.site_bucket_name.value).toMatch(/^\$\{aws_s3_bucket\.site_site-bucket_.*\.bucket\}$/);
  });
});

function synthWaf(props: Partial<EdgeWebAclProps> = {}): string {
  return Testing.synthScope((scope) => {
    new EdgeWebAcl(scope, "waf", { naming, account: new AccountContext(scope, "account"), provider: usEast1(scope), apiPathPrefix: "/api/", ...props });
  });
}

describe("EdgeWebAcl", () => {
  const json = synthWaf();
  const acl = resourcesOf(json, "aws_wafv2_web_acl")[0];

  it("is a CLOUDFRONT web ACL in us-east-1 that allows what no rule blocks", () => {
    expect(acl).toMatchObject({ name: "platform-dev-edge", scope: "CLOUDFRONT", provider: "aws.us_east_1", default_action: { allow: {} } });
  });

  it("applies AWS's managed rule groups with their own (blocking) actions", () => {
    const managed = acl.rule.filter((rule: Json) => rule.statement.managed_rule_group_statement);
    expect(managed.map((rule: Json) => rule.statement.managed_rule_group_statement.name)).toEqual(
      expect.arrayContaining(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesAnonymousIpList"]),
    );
    for (const rule of managed) {
      expect(rule.override_action).toEqual({ none: {} });
      expect(rule.statement.managed_rule_group_statement.vendor_name).toBe("AWS");
    }
    const badInputs = managed.find((rule: Json) => rule.name === "AWSManagedRulesKnownBadInputsRuleSet");
    expect(badInputs.statement.managed_rule_group_statement.rule_action_override).toBeUndefined();
  });

  it("blocks anonymizers but only counts hosting providers, unless told to count both", () => {
    const anonymous = (j: string) => resourcesOf(j, "aws_wafv2_web_acl")[0].rule.find((rule: Json) => rule.name === "AWSManagedRulesAnonymousIpList");
    expect(anonymous(json).statement.managed_rule_group_statement.rule_action_override).toEqual([{ name: "HostingProviderIPList", action_to_use: { count: {} } }]);
    expect(anonymous(synthWaf({ blockAnonymousIps: false })).statement.managed_rule_group_statement.rule_action_override).toEqual([
      { name: "AnonymousIPList", action_to_use: { count: {} } },
      { name: "HostingProviderIPList", action_to_use: { count: {} } },
    ]);
  });

  it("keeps the common rule set's 8 KB body limit for the site and lets /api/* bodies through to the API's own limit", () => {
    const common = acl.rule.find((rule: Json) => rule.name === "AWSManagedRulesCommonRuleSet");
    expect(common.statement.managed_rule_group_statement.rule_action_override).toEqual([{ name: "SizeRestrictions_BODY", action_to_use: { count: {} } }]);
    const bodyRule = acl.rule.find((rule: Json) => rule.name === "body-over-8kb-outside-api");
    // Labels are visible only to rules evaluated after the group that adds them.
    expect(bodyRule.priority).toBeGreaterThan(common.priority);
    expect(bodyRule.action).toEqual({ block: {} });

    // The rule's statement evaluated the way WAF does (label, NOT, AND, STARTS_WITH on the URI path),
    // for requests whose body the counted SizeRestrictions_BODY labelled as over 8 KB.
    type Request = { path: string; labels: string[] };
    const matches = (statement: Json, request: Request): boolean => {
      if (statement.label_match_statement) return request.labels.includes(statement.label_match_statement.key);
      if (statement.and_statement) return statement.and_statement.statement.every((inner: Json) => matches(inner, request));
      if (statement.not_statement) return !matches(statement.not_statement.statement[0], request);
      if (statement.byte_match_statement) {
        const { field_to_match, positional_constraint, search_string } = statement.byte_match_statement;
        expect([field_to_match, positional_constraint]).toEqual([{ uri_path: {} }, "STARTS_WITH"]);
        return request.path.startsWith(search_string);
      }
      throw new Error(`unexpected statement ${JSON.stringify(statement)}`);
    };
    const over8kb = ["awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"];
    expect(matches(bodyRule.statement, { path: "/api/jobs", labels: over8kb })).toBe(false);
    expect(matches(bodyRule.statement, { path: "/contact", labels: over8kb })).toBe(true);
    expect(matches(bodyRule.statement, { path: "/apiary", labels: over8kb })).toBe(true);
    expect(matches(bodyRule.statement, { path: "/contact", labels: [] })).toBe(false);
  });

  it("blocks an IP above 2000 requests in 5 minutes by default, or the given limit", () => {
    const rate = (j: string) => resourcesOf(j, "aws_wafv2_web_acl")[0].rule.find((rule: Json) => rule.statement.rate_based_statement);
    expect(rate(json)).toMatchObject({ action: { block: {} }, statement: { rate_based_statement: { limit: 2000, aggregate_key_type: "IP", evaluation_window_sec: 300 } } });
    expect(rate(synthWaf({ rateLimit: 500 })).statement.rate_based_statement.limit).toBe(500);
  });

  it("publishes metrics and samples for the ACL and every rule, with distinct priorities", () => {
    const visible = { cloudwatch_metrics_enabled: true, sampled_requests_enabled: true, metric_name: expect.stringMatching(/^platform-dev-edge/) };
    expect(acl.visibility_config).toEqual(visible);
    for (const rule of acl.rule) expect(rule.visibility_config).toEqual(visible);
    const priorities = acl.rule.map((rule: Json) => rule.priority);
    expect(new Set(priorities).size).toBe(acl.rule.length);
    expect(new Set(acl.rule.map((rule: Json) => rule.visibility_config.metric_name)).size).toBe(acl.rule.length);
  });

  it("logs to an aws-waf-logs- group in us-east-1 with credentials and cookies redacted", () => {
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "aws-waf-logs-platform-dev", provider: "aws.us_east_1" });
    expect(json).toHaveResourceWithProperties(Wafv2WebAclLoggingConfiguration, {
      provider: "aws.us_east_1",
      resource_arn: expect.stringMatching(/^\$\{aws_wafv2_web_acl\..*\.arn\}$/),
      log_destination_configs: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..*\.arn\}$/)],
      redacted_fields: [{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }],
    });
    expect(resourcesOf(json, "aws_cloudwatch_log_resource_policy")).toEqual([expect.objectContaining({ provider: "aws.us_east_1" })]);
  });
});

describe("SiteCertificate", () => {
  function synthCertificate(subjectAlternativeNames?: string[]): string {
    return Testing.synthScope((scope) => {
      const certificate = new SiteCertificate(scope, "cert", { domainName: "app.example.com", subjectAlternativeNames, hostedZoneId: ZONE, provider: usEast1(scope) });
      new TerraformOutput(scope, "certificate_arn", { value: certificate.certificateArn });
    });
  }
  const json = synthCertificate();

  it("requests a DNS-validated certificate in us-east-1, replaced before it is destroyed", () => {
    expect(json).toHaveResourceWithProperties(AcmCertificate, {
      provider: "aws.us_east_1",
      domain_name: "app.example.com",
      validation_method: "DNS",
      options: { certificate_transparency_logging_preference: "ENABLED" },
      lifecycle: { create_before_destroy: true },
    });
  });

  it("writes one validation record per name into the hosted zone, indexed without for_each", () => {
    const records = resourcesOf(json, "aws_route53_record");
    expect(records).toEqual([
      expect.objectContaining({
        zone_id: ZONE,
        name: expect.stringMatching(/^\$\{tolist\(aws_acm_certificate\..*\.domain_validation_options\)\.0\.resource_record_name\}$/),
        type: expect.stringContaining(".0.resource_record_type"),
        records: [expect.stringContaining(".0.resource_record_value")],
        allow_overwrite: true,
      }),
    ]);
    expect(records[0].for_each).toBeUndefined();
    expect(resourcesOf(synthCertificate(["www.app.example.com"]), "aws_route53_record").map((record) => record.name)).toEqual([
      expect.stringContaining(".0.resource_record_name"),
      expect.stringContaining(".1.resource_record_name"),
    ]);
  });

  it("exposes the ARN only through the validation, so CloudFront waits for a valid certificate", () => {
    expect(json).toHaveResourceWithProperties(AcmCertificateValidation, {
      provider: "aws.us_east_1",
      validation_record_fqdns: [expect.stringMatching(/^\$\{aws_route53_record\.cert_validation-0_.*\.fqdn\}$/)],
    });
    expect(parse(json).output.certificate_arn.value).toMatch(/^\$\{aws_acm_certificate_validation\..*\.certificate_arn\}$/);
  });
});

describe("SiteDnsRecords", () => {
  it("points A and AAAA alias records of each name at the distribution", () => {
    const json = Testing.synthScope((scope) => {
      new SiteDnsRecords(scope, "dns", { names: ["app.example.com"], hostedZoneId: ZONE, distributionDomainName: "d111.cloudfront.net", distributionHostedZoneId: "Z2FDTNDATAQYW2" });
    });
    for (const type of ["A", "AAAA"]) {
      expect(json).toHaveResourceWithProperties(Route53Record, {
        zone_id: ZONE,
        name: "app.example.com",
        type,
        alias: { name: "d111.cloudfront.net", zone_id: "Z2FDTNDATAQYW2", evaluate_target_health: false },
      });
    }
    expect(resourcesOf(json, "aws_route53_record")).toHaveLength(2);
  });
});

describe("MediaBucket", () => {
  function synthMedia(props: Partial<MediaBucketProps> = {}): string {
    return Testing.synthScope((scope) => {
      const account = new AccountContext(scope, "account");
      const accessLogs = new SecureBucket(scope, "access-logs", { bucketName: "platform-dev-access-logs", encryption: "s3-managed", preventDestroy: false });
      new MediaBucket(scope, "media", { naming, account, kmsKeyArn: KEY, protectData: true, allowedOrigins: ["https://app.example.com"], accessLogs, ...props });
    });
  }
  const json = synthMedia();

  it("is a private, versioned, KMS-encrypted bucket that refuses destroy where data is protected", () => {
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: expect.stringMatching(/^platform-dev-media-\$\{data\.aws_caller_identity\./), lifecycle: { prevent_destroy: true } });
    expect(resourcesOf(json, "aws_s3_bucket_versioning").filter((v) => v.bucket.includes("media_bucket"))).toEqual([expect.objectContaining({ versioning_configuration: { status: "Enabled" } })]);
    expect(resourcesOf(json, "aws_s3_bucket_server_side_encryption_configuration").filter((c) => c.bucket.includes("media_bucket"))[0].rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: "aws:kms",
      kms_master_key_id: KEY,
    });
    expect(resourcesOf(json, "aws_s3_bucket_logging")).toEqual([expect.objectContaining({ target_prefix: expect.stringMatching(/^platform-dev-media-.*\/$/) })]);
  });

  it("lets the site's origins PUT, POST and GET with pre-signed URLs", () => {
    expect(json).toHaveResourceWithProperties(S3BucketCorsConfiguration, {
      cors_rule: [expect.objectContaining({ allowed_methods: ["PUT", "POST", "GET"], allowed_origins: ["https://app.example.com"], expose_headers: ["ETag"], max_age_seconds: 3000 })],
    });
  });

  it("has no CORS rule without origins, and S3-managed keys without a key", () => {
    const other = synthMedia({ allowedOrigins: [], kmsKeyArn: undefined, protectData: false });
    expect(other).not.toHaveResource(S3BucketCorsConfiguration);
    expect(other).toHaveResourceWithProperties(S3Bucket, { force_destroy: true, lifecycle: { prevent_destroy: false } });
    expect(resourcesOf(other, "aws_s3_bucket_server_side_encryption_configuration").filter((c) => c.bucket.includes("media_bucket"))[0].rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "AES256" });
  });
});

it("keeps every edge resource that must be global in us-east-1", () => {
  const json = Testing.synthScope((scope) => {
    const provider = usEast1(scope);
    new EdgeWebAcl(scope, "waf", { naming, account: new AccountContext(scope, "account"), provider, apiPathPrefix: "/api/" });
    new SiteCertificate(scope, "cert", { domainName: "app.example.com", hostedZoneId: ZONE, provider });
  });
  for (const type of [Wafv2WebAcl, AcmCertificate, AcmCertificateValidation, Wafv2WebAclLoggingConfiguration, CloudwatchLogGroup]) {
    const resources = resourcesOf(json, type.tfResourceType);
    expect(resources.length).toBeGreaterThan(0);
    expect(resources.map((resource) => resource.provider)).toEqual(resources.map(() => "aws.us_east_1"));
  }
  // Route53 is global: the validation records use the stack's default provider.
  expect(resourcesOf(json, "aws_route53_record").map((record) => record.provider)).toEqual([undefined]);
});

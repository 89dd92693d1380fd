import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Wafv2WebAcl, type Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { CLOUDFRONT_REGION } from "./site-distribution";

/** AWS managed rule groups, in evaluation order. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesAnonymousIpList",
  "AWSManagedRulesCommonRuleSet",
  // Includes Log4JRCE (CVE-2021-44228), kept in block mode.
  "AWSManagedRulesKnownBadInputsRuleSet",
] as const;

export const DEFAULT_RATE_LIMIT = 2000;

export interface EdgeWebAclProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** An AWS provider for us-east-1: web ACLs of scope CLOUDFRONT and their log groups live there. */
  readonly provider: TerraformProvider;
  /** Requests one IP may make in 5 minutes before it is blocked. Default 2000. */
  readonly rateLimit?: number;
  /** A customer-managed key in us-east-1 for the log group; default: CloudWatch Logs' own encryption. */
  readonly kmsKeyArn?: string;
  /**
   * Path prefix of the API behind the distribution (`/api/`): bodies there may exceed the common
   * rule set's 8 KB, since the API enforces its own limit.
   */
  readonly apiPathPrefix: string;
  /**
   * Block requests from anonymizers (VPN services, Tor exits, open proxies). Default true. Requests
   * from cloud hosting providers are only counted either way: servers calling the API live there.
   */
  readonly blockAnonymousIps?: boolean;
}

/** Rules of a managed group overridden to count only, because they would block legitimate clients. */
function countedRules(group: string, blockAnonymousIps: boolean): string[] | undefined {
  // The 8 KB body limit suits the site but not the API, whose own limit is `api.maxRequestBodyKb`;
  // the label it leaves lets the body-size rule below block it everywhere else.
  if (group === "AWSManagedRulesCommonRuleSet") return ["SizeRestrictions_BODY"];
  if (group !== "AWSManagedRulesAnonymousIpList") return undefined;
  return blockAnonymousIps ? ["HostingProviderIPList"] : ["AnonymousIPList", "HostingProviderIPList"];
}

/** The label the common rule set's SizeRestrictions_BODY puts on bodies over 8 KB. */
const BODY_OVER_8KB_LABEL = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body";

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

/**
 * The web ACL in front of CloudFront: AWS's IP reputation and anonymous-IP lists, the common rule
 * set and known bad inputs (Log4Shell and friends), the common rule set's 8 KB body limit outside
 * the API, then a per-IP rate limit; whatever passes is allowed. Every rule publishes metrics and samples, and the full log goes to CloudWatch Logs with
 * credentials and cookies redacted.
 */
export class EdgeWebAcl extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly logGroup: CloudwatchLogGroup;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps) {
    super(scope, id);
    const { naming, account, provider } = props;
    const name = naming.name("edge");

    const managedRules: Wafv2WebAclRule[] = MANAGED_RULE_GROUPS.map((group, priority) => ({
      name: group,
      priority,
      // `none` keeps each group's own actions (block); `count` would only observe.
      overrideAction: { none: {} },
      // The statement is untyped in the bindings, so it is written as Terraform JSON (snake_case).
      statement: {
        managed_rule_group_statement: {
          name: group,
          vendor_name: "AWS",
          rule_action_override: countedRules(group, props.blockAnonymousIps ?? true)?.map((rule) => ({ name: rule, action_to_use: { count: {} } })),
        },
      },
      visibilityConfig: visibility(`${name}-${group}`),
    }));
    const siteBodySize: Wafv2WebAclRule = {
      name: "body-over-8kb-outside-api",
      priority: MANAGED_RULE_GROUPS.length,
      action: { block: {} },
      statement: {
        and_statement: {
          statement: [
            { label_match_statement: { scope: "LABEL", key: BODY_OVER_8KB_LABEL } },
            {
              not_statement: {
                statement: [
                  {
                    byte_match_statement: {
                      field_to_match: { uri_path: {} },
                      positional_constraint: "STARTS_WITH",
                      search_string: props.apiPathPrefix,
                      text_transformation: [{ priority: 0, type: "NONE" }],
                    },
                  },
                ],
              },
            },
          ],
        },
      },
      visibilityConfig: visibility(`${name}-body-over-8kb-outside-api`),
    };
    const rateLimit: Wafv2WebAclRule = {
      name: "rate-limit-per-ip",
      priority: MANAGED_RULE_GROUPS.length + 1,
      action: { block: {} },
      statement: { rate_based_statement: { limit: props.rateLimit ?? DEFAULT_RATE_LIMIT, aggregate_key_type: "IP", evaluation_window_sec: 300 } },
      visibilityConfig: visibility(`${name}-rate-limit-per-ip`),
    };

    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      provider,
      name,
      description: `Protects the CloudFront distribution of ${naming.prefix}`,
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      rule: [...managedRules, siteBodySize, rateLimit],
      visibilityConfig: visibility(name),
    });
    this.arn = this.webAcl.arn;

    // WAF only delivers to log groups whose name starts with `aws-waf-logs-`.
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      provider,
      name: `aws-waf-logs-${naming.prefix}`,
      kmsKeyId: props.kmsKeyArn,
    });
    // Written here rather than left to WAF to create on first use, so a least-privilege deploy role
    // without logs:PutResourcePolicy on `*` still gets working logs.
    const deliveryPolicy = new DataAwsIamPolicyDocument(this, "log-delivery-policy", {
      provider,
      statement: [
        {
          sid: "WafDeliversWebAclLogs",
          principals: [{ type: "Service", identifiers: [account.servicePrincipal("delivery.logs")] }],
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:*`],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${account.partition}:logs:${CLOUDFRONT_REGION}:${account.accountId}:*`] },
          ],
        },
      ],
    });
    const resourcePolicy = new CloudwatchLogResourcePolicy(this, "log-delivery", {
      provider,
      policyName: `${name}-waf-log-delivery`,
      policyDocument: deliveryPolicy.json,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      provider,
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
      dependsOn: [resourcePolicy],
    });
  }
}

import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Fn, type ITerraformDependable, Op, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { SecureBucket } from "../storage/secure-bucket";

/** TLS 1.3 and 1.2 only, forward-secret ciphers: the policy AWS recommends for new listeners. */

/**
 * The path the target group probes. Not one the HTTP API routes (`ANY /api`, `ANY /api/{proxy+}`),
 * so only the load balancer's own probes reach it: the API's origin check
 * (which the probes, coming from inside the VPC without CloudFront's header, could not pass) exempts
 * exactly this path and serves it as the app's `/health` (app/platform_app/origin.py,
 * src/handlers/api/origin.ts).
 */
export const HEALTH_CHECK_PATH = "/_platform/lb-health";

/** Where in the log bucket the load balancer writes (ELB appends `AWSLogs/<account>/...`). */
export const ACCESS_LOG_PREFIX = "alb";

/**
 * The Elastic Load Balancing account of each region that opened before August 2022: there, only
 * this account may write access logs, and the `logdelivery.elasticloadbalancing.amazonaws.com`
 * principal works only in the regions opened since. The `aws_elb_service_account` data source
 * knows the same list but fails outright in the newer regions, so the choice is made at plan time
 * from this map (AWS's "Enable access logs for your Application Load Balancer", step 2).
 */
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-south-1": "718504428378",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-south-1": "635631232127",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};

/** The service principal that writes access logs in regions opened since August 2022. */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing";

export interface ApiLoadBalancerProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  readonly vpcId: string;
  /** The load balancer's nodes live here (one per AZ): the private subnets. */
  readonly subnetIds: string[];
  /** HTTP from the API's VPC link only, out to the tasks on `targetPort` (the network layer's load-balancer group). */
  readonly securityGroupId: string;
  /** The port the tasks listen on; the target group forwards and health-checks there. */
  readonly targetPort: number;
  /** Deletion protection on the load balancer and `prevent_destroy` on its log bucket. */
  readonly protectData: boolean;
  /** Days access logs are kept. Default 90. */
  readonly accessLogDays?: number;
  /** Where S3 server access logs of the access-log bucket go. Default: not logged. */
  readonly bucketAccessLogs?: SecureBucket;
  /** How long a draining task keeps its in-flight requests. Default 30 seconds. */
  readonly deregistrationDelaySeconds?: number;
}

/**
 * The internal Application Load Balancer in front of the API's tasks: private subnets, reached only
 * by the HTTP API through its VPC link (so CloudFront, WAF and the API's throttling always stand in
 * front of it), malformed headers dropped, access logs to a bucket of its own, and an IP target
 * group (Fargate tasks have no instances) health-checked on `/health`. TLS ends at CloudFront and
 * API Gateway; the VPC link's hop to the load balancer stays inside the VPC, over HTTP on port 80.
 */
export class ApiLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly logBucket: SecureBucket;
  /** Port 80, forwarding to the tasks: what the VPC link integration targets. */
  readonly httpListener: LbListener;
  readonly loadBalancerArn: string;
  /** `app/<name>/<id>`: the `LoadBalancer` dimension of CloudWatch metrics. */
  readonly loadBalancerArnSuffix: string;
  readonly dnsName: string;
  /** The load balancer's hosted zone, the target zone of Route53 alias records. */
  readonly zoneId: string;
  readonly targetGroupArn: string;
  /** `targetgroup/<name>/<id>`: the `TargetGroup` dimension of CloudWatch metrics. */
  readonly targetGroupArnSuffix: string;

  constructor(scope: Construct, id: string, props: ApiLoadBalancerProps) {
    super(scope, id);
    const { naming, account } = props;
    const bucketName = naming.name("alb-logs", account.accountId);
    const logObjects = `arn:${account.partition}:s3:::${bucketName}/${ACCESS_LOG_PREFIX}/AWSLogs/${account.accountId}/*`;

    // Plan-time choice between the region's ELB account and the log delivery service principal.
    // (cdktf drops a falsy lookup default and renders "" as undefined, hence the word.)
    const legacyAccount = new TerraformLocal(this, "elb-log-account", Fn.lookup(ELB_LOG_ACCOUNTS, account.region, "none")).asString;
    const isNewRegion = Op.eq(legacyAccount, "none");
    this.logBucket = new SecureBucket(this, "log-bucket", {
      bucketName,
      // Access-log delivery writes only to buckets with SSE-S3 (no SSE-KMS).
      encryption: "s3-managed",
      accessLogs: props.bucketAccessLogs ? { bucket: props.bucketAccessLogs, prefix: `${bucketName}/` } : undefined,
      expireObjectsAfterDays: props.accessLogDays ?? 90,
      noncurrentVersionDays: 1,
      preventDestroy: props.protectData,
      policyStatements: [
        {
          sid: "ElasticLoadBalancingWritesAccessLogs",
          principals: [
            {
              type: Fn.conditional(isNewRegion, "Service", "AWS"),
              identifiers: [
                Fn.conditional(isNewRegion, account.servicePrincipal(ELB_LOG_DELIVERY_SERVICE), `arn:${account.partition}:iam::${legacyAccount}:root`),
              ],
            },
          ],
          actions: ["s3:PutObject"],
          resources: [logObjects],
        },
      ],
    });

    this.loadBalancer = new Lb(this, "load-balancer", {
      name: naming.name("api"),
      internal: true,
      loadBalancerType: "application",
      subnets: props.subnetIds,
      securityGroups: [props.securityGroupId],
      // Requests with header names that are not valid HTTP are dropped, not passed to the app
      // (request smuggling, CKV_AWS_131).
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
      enableHttp2: true,
      enableDeletionProtection: props.protectData,
      accessLogs: { bucket: this.logBucket.name, prefix: ACCESS_LOG_PREFIX, enabled: true },
      tags: { Name: naming.name("api") },
      // ELB test-writes to the bucket when logging is switched on; the policy must exist by then.
      dependsOn: [this.logBucket.node.findChild("policy") as unknown as ITerraformDependable],
    });

    // A name prefix and create-before-destroy let a port change replace the group while the
    // listeners still point at the old one.
    this.targetGroup = new LbTargetGroup(this, "target-group", {
      namePrefix: "api-",
      vpcId: props.vpcId,
      targetType: "ip",
      protocol: "HTTP",
      port: props.targetPort,
      deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
      healthCheck: {
        enabled: true,
        path: HEALTH_CHECK_PATH,
        protocol: "HTTP",
        port: "traffic-port",
        matcher: "200",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      tags: { Name: naming.name("api") },
      lifecycle: { createBeforeDestroy: true },
    });

    this.httpListener = new LbListener(this, "http", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
    });

    this.loadBalancerArn = this.loadBalancer.arn;
    this.loadBalancerArnSuffix = this.loadBalancer.arnSuffix;
    this.dnsName = this.loadBalancer.dnsName;
    this.zoneId = this.loadBalancer.zoneId;
    this.targetGroupArn = this.targetGroup.arn;
    this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
  }
}

import { z } from "zod";
import { ipv6EgressReach } from "./dual-stack";
import { AWS_REGIONS } from "./aws-regions";
import { formatPath } from "./problems";
import { cidrInside, cidrsOverlap, isIpv4Network, planSubnets, prefixLength } from "./cidr";

/** The values CloudWatch Logs accepts for `retention_in_days`; anything else fails only at apply. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const NAT_MODES = ["none", "single", "per-az"] as const;
export type NatMode = (typeof NAT_MODES)[number];

const oneOf = (values: readonly (string | number)[]) => values.map((value) => JSON.stringify(value)).join(", ");

export const awsRegion = z.enum(AWS_REGIONS, {
  error: `must be an AWS region code such as "eu-west-1"; allowed: ${oneOf(AWS_REGIONS)}`,
});

const vpcCidr = z
  .string({ error: 'must be an IPv4 CIDR string such as "10.20.0.0/16"' })
  .refine(isIpv4Network, {
    error: 'must be an IPv4 network in CIDR notation with host bits zero, prefix /0-/32, such as "10.20.0.0/16"',
  })
  .refine((cidr) => !isIpv4Network(cidr) || (prefixLength(cidr) >= 16 && prefixLength(cidr) <= 24), {
    error: "must have a prefix between /16 and /24 (AWS allows /16 at most; below /24 the subnets get too small)",
  });

const subnetCidr = z
  .string({ error: 'must be an IPv4 CIDR string such as "10.20.0.0/20"' })
  .refine((cidr) => isIpv4Network(cidr) && prefixLength(cidr) >= 16 && prefixLength(cidr) <= 28, {
    error: 'must be an IPv4 network in CIDR notation with a prefix between /16 and /28, such as "10.20.0.0/20"',
  });

const capacityUnits = (what: string, minimum: number) =>
  z
    .number({ error: `${what} must be a number of Aurora capacity units` })
    .min(minimum, { error: `${what} must be at least ${minimum} ACU` })
    .max(256, { error: `${what} must be at most 256 ACU` })
    .multipleOf(0.5, { error: `${what} must be a multiple of 0.5 ACU` });

const integer = (what: string, minimum: number, maximum: number) =>
  z
    .number({ error: `must be a whole number of ${what} between ${minimum} and ${maximum}` })
    .int({ error: `must be a whole number of ${what} between ${minimum} and ${maximum}` })
    .min(minimum, { error: `must be at least ${minimum} ${what}` })
    .max(maximum, { error: `must be at most ${maximum} ${what}` });

const toggle = (description: string) =>
  z.boolean({ error: "must be true or false" }).default(false).describe(description);

export const networkSchema = z
  .strictObject({
    vpcCidr: vpcCidr.describe("The VPC's IPv4 range, /16 to /24. Subnets are carved from it unless `subnets` lists them."),
    azCount: z
      .union([z.literal(2), z.literal(3)], { error: "must be 2 or 3 availability zones" })
      .describe("How many availability zones the subnets span."),
    natMode: z
      .enum(NAT_MODES, { error: `must be one of ${oneOf(NAT_MODES)}` })
      .describe(
        '"none": no NAT gateway, private subnets reach AWS through VPC endpoints only (cheapest); "single": one NAT gateway (single_nat_gateway); "per-az": one per availability zone (one_nat_gateway_per_az, highly available).',
      ),
    interfaceEndpoints: toggle(
      "Interface endpoints for what the workloads call from the VPC (about $8/month per AZ each): Secrets Manager, SSM and SQS, plus CloudWatch Logs and ECR for ECS. Required when natMode is \"none\", unless ipv6Egress is on (then refused: nothing would use them). Gateway endpoints for S3 and DynamoDB are always created.",
    ),
    singleAzEndpoints: toggle("Place the interface endpoints in the first AZ only: cheaper, no AZ redundancy (dev)."),
    ipv6Egress: toggle(
      "Dual-stack private subnets whose IPv6 traffic leaves through an egress-only internet gateway (no hourly charge): functions reach Secrets Manager and SQS over IPv6 at their dual-stack endpoints, and get the published SSM parameters (SSM documents no dual-stack endpoint) in PLATFORM_PARAMETERS when the app layer is applied, so no interface endpoint or NAT gateway is needed. Lambda with the Python app only, natMode \"none\", interfaceEndpoints false.",
    ),
    flowLogs: z.boolean({ error: "must be true or false" }).default(true).describe("VPC flow logs to CloudWatch Logs."),
    subnets: z
      .strictObject({
        public: z.array(subnetCidr, { error: "must be a list of CIDR strings, one per AZ" }),
        private: z.array(subnetCidr, { error: "must be a list of CIDR strings, one per AZ" }),
        data: z.array(subnetCidr, { error: "must be a list of CIDR strings, one per AZ" }),
      })
      .optional()
      .describe("Explicit subnet ranges, one per AZ and tier. When absent they are computed from vpcCidr."),
  })
  .superRefine((network, ctx) => {
    if (network.natMode === "none" && !network.interfaceEndpoints && !network.ipv6Egress) {
      ctx.addIssue({
        code: "custom",
        path: ["interfaceEndpoints"],
        message: 'is false while natMode is "none": workloads in the private subnets could reach neither Secrets Manager, SSM nor SQS; set interfaceEndpoints to true, natMode to "single" or "per-az", or (Lambda with the Python app) ipv6Egress to true',
      });
    }
    if (!network.subnets || !isIpv4Network(network.vpcCidr)) return;
    const all: { path: (string | number)[]; cidr: string }[] = [];
    for (const tier of ["public", "private", "data"] as const) {
      const cidrs = network.subnets[tier];
      if (cidrs.length !== network.azCount) {
        ctx.addIssue({
          code: "custom",
          path: ["subnets", tier],
          message: `lists ${cidrs.length} subnets but azCount is ${network.azCount}; give exactly one CIDR per availability zone`,
        });
      }
      cidrs.forEach((cidr, index) => {
        if (!isIpv4Network(cidr)) return;
        const path = ["subnets", tier, index];
        if (!cidrInside(cidr, network.vpcCidr)) {
          ctx.addIssue({ code: "custom", path, message: `${cidr} is outside vpcCidr ${network.vpcCidr}; pick a range inside it` });
        }
        const clash = all.find((other) => cidrsOverlap(other.cidr, cidr));
        if (clash) {
          ctx.addIssue({
            code: "custom",
            path,
            message: `${cidr} overlaps ${formatPath(clash.path)} (${clash.cidr}); subnets must not overlap`,
          });
        }
        all.push({ path, cidr });
      });
    }
  });

export const databaseSchema = z
  .strictObject({
    minCapacity: capacityUnits("minCapacity", 0).describe(
      "Aurora Serverless v2 minimum ACU. 0 lets the cluster pause when idle (PostgreSQL 16.3+), which RDS Proxy does not allow.",
    ),
    maxCapacity: capacityUnits("maxCapacity", 1).describe("Aurora Serverless v2 maximum ACU."),
    secondsUntilAutoPause: integer("seconds", 300, 86400)
      .default(3600)
      .describe("Idle time before a cluster with minCapacity 0 pauses."),
    readers: integer("reader instances", 0, 15).default(0).describe("Reader instances beside the writer."),
    backupRetentionDays: integer("days", 7, 35).default(7).describe("Automated backup retention."),
    rdsProxy: toggle("RDS Proxy in front of the cluster (bills at least 8 ACU; needs minCapacity of 0.5 or more)."),
  })
  .superRefine((database, ctx) => {
    if (database.minCapacity > database.maxCapacity) {
      ctx.addIssue({
        code: "custom",
        path: ["minCapacity"],
        message: `(${database.minCapacity}) is above maxCapacity (${database.maxCapacity}); minCapacity must be less than or equal to maxCapacity`,
      });
    }
    if (database.rdsProxy && database.minCapacity === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["rdsProxy"],
        message: "cannot be true while minCapacity is 0: Aurora does not auto-pause with RDS Proxy attached; set minCapacity to 0.5 or more, or rdsProxy to false",
      });
    }
  });

export const CACHE_ENGINES = ["valkey", "redis"] as const;

export const cacheSchema = z.strictObject({
  engine: z
    .enum(CACHE_ENGINES, { error: `must be one of ${oneOf(CACHE_ENGINES)}` })
    .default("valkey")
    .describe("ElastiCache Serverless engine. Valkey meters from 100 MB (about $6/month), Redis OSS from 1 GB (about $91/month)."),
  maxStorageGb: integer("GB", 1, 5000).default(1).describe("Data storage limit."),
  maxEcpuPerSecond: integer("ECPU per second", 1000, 15000000).default(5000).describe("Compute limit."),
});

const LAMBDA_MEMORY = { min: 128, max: 10240 };

const FARGATE_CPU = [256, 512, 1024, 2048, 4096] as const;

const scheduleExpression = z
  .string({ error: 'must be an EventBridge Scheduler expression such as "rate(5 minutes)" or "cron(0 7 ? * MON-FRI *)"' })
  .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+( \S+){5}\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$/, {
    error: 'must be an EventBridge Scheduler expression such as "rate(5 minutes)" or "cron(0 7 ? * MON-FRI *)"',
  });

export const ecsSchema = z
  .strictObject({
    cpu: z
      .union(FARGATE_CPU.map((value) => z.literal(value)), { error: `must be a Fargate CPU size: ${oneOf(FARGATE_CPU)}` })
      .default(256)
      .describe("Task CPU units."),
    memoryMb: integer("MB", 512, 30720)
      .default(512)
      .describe("Task memory; Fargate allows 512, 1024 or 2048 MB for 256 CPU, and whole gigabytes in each larger size's range (up to 30 GB for 4096)."),
    containerPort: integer("port", 1024, 65535).default(8080).describe("The port the API container listens on."),
    minCount: integer("tasks", 1, 100).default(1).describe("Autoscaling floor during working hours."),
    maxCount: integer("tasks", 1, 100).default(4).describe("Autoscaling ceiling."),
    targetCpuPercent: integer("percent", 10, 90).default(60).describe("Target-tracking CPU utilisation."),
    offHours: z
      .strictObject({
        scaleDown: scheduleExpression.describe("When to scale to zero, e.g. cron(0 20 ? * MON-FRI *)."),
        scaleUp: scheduleExpression.describe("When to scale back to minCount, e.g. cron(0 7 ? * MON-FRI *)."),
        timezone: z.string({ error: 'must be an IANA time zone such as "Europe/Dublin"' }).regex(/^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/, { error: 'must be an IANA time zone such as "Europe/Dublin"' }).default("UTC"),
      })
      .optional()
      .describe("Scale the service to zero outside working hours (document 004). Absent: always on."),
  })
  .superRefine((ecs, ctx) => {
    if (ecs.minCount > ecs.maxCount) {
      ctx.addIssue({ code: "custom", path: ["minCount"], message: `(${ecs.minCount}) is above maxCount (${ecs.maxCount}); minCount must be less than or equal to maxCount` });
    }
    const memoryRange: Record<number, [number, number]> = { 256: [512, 2048], 512: [1024, 4096], 1024: [2048, 8192], 2048: [4096, 16384], 4096: [8192, 30720] };
    const [low, high] = memoryRange[ecs.cpu];
    // 256 CPU units take 512, 1024 or 2048 MB; larger sizes take whole gigabytes.
    const onStep = ecs.cpu === 256 ? [512, 1024, 2048].includes(ecs.memoryMb) : ecs.memoryMb % 1024 === 0;
    if (ecs.memoryMb < low || ecs.memoryMb > high || !onStep) {
      const steps = ecs.cpu === 256 ? "512, 1024 or 2048 MB" : `${low}-${high} MB in steps of 1024`;
      ctx.addIssue({ code: "custom", path: ["memoryMb"], message: `(${ecs.memoryMb}) does not fit cpu ${ecs.cpu}; Fargate allows ${steps} for it` });
    }
  });

export const computeSchema = z.strictObject({
  kind: z
    .enum(["lambda", "ecs"], { error: 'must be "lambda" or "ecs"' })
    .default("lambda")
    .describe('"lambda": API, worker and producer functions; "ecs": the API on ECS Fargate behind an ALB (worker and producer stay functions).'),
  runtime: z
    .enum(["python", "node"], { error: 'must be "python" or "node"' })
    .default("python")
    .describe(
      '"python": the Python app in app/ (FastAPI, or Django through ASGI) on Lambda python3.13, zip plus a dependency layer or the image app/Dockerfile, and under uvicorn on ECS; "node": the TypeScript handlers in src/handlers on nodejs22.x (image Dockerfile.api).',
    ),
  packaging: z
    .enum(["zip", "image"], { error: 'must be "zip" or "image"' })
    .describe('"zip": bundled from this repository with a shared layer; "image": the API from the ECR repository.'),
  image: z
    .string({ error: 'must be an image tag such as "v1.4.2" or a digest such as "sha256:…"' })
    .regex(/^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$/, { error: 'must be an image tag such as "v1.4.2" or a digest such as "sha256:<64 hex digits>"' })
    .default("initial")
    .describe("The API image in the environment's ECR repository, by tag or digest (image packaging and ECS). The backend pipeline rolls it forward."),
  apiMemoryMb: integer("MB", LAMBDA_MEMORY.min, LAMBDA_MEMORY.max).default(512).describe("API function memory."),
  apiTimeoutSeconds: integer("seconds", 1, 29)
    .default(15)
    .describe("API function timeout; API Gateway stops waiting after 30 seconds."),
  apiReservedConcurrency: integer("concurrent executions", 1, 899)
    .optional()
    .describe(
      "Caps the API function so it cannot exhaust database connections. Unset: unreserved. At most 899: Lambda keeps 100 of an account's default 1,000 concurrent executions unreserved, and the producer reserves 1.",
    ),
  workerMemoryMb: integer("MB", LAMBDA_MEMORY.min, LAMBDA_MEMORY.max).default(256).describe("Worker function memory."),
  workerTimeoutSeconds: integer("seconds", 1, 900).default(60).describe("Worker function timeout."),
  workerBatchSize: integer("messages", 1, 100).default(10).describe("Messages per worker invocation."),
  workerMaxConcurrency: integer("concurrent invocations", 2, 1000).default(5).describe("Caps the SQS event source so the worker cannot exhaust database connections."),
  producerSchedule: scheduleExpression.default("rate(15 minutes)").describe("When the scheduled producer enqueues work."),
  ecs: ecsSchema.prefault({}).describe("ECS Fargate settings, used when kind is \"ecs\"."),
});

export const featuresSchema = z.strictObject({
  kmsKey: z
    .boolean({ error: "must be true or false" })
    .default(true)
    .describe("A customer-managed KMS key for logs, topics, queues, secrets and databases ($1/month). Without it AWS-managed keys are used, and a small key is kept for the alert topic only, because alarms cannot publish to a topic under the AWS-managed SNS key."),
  waf: toggle("AWS WAF web ACL on CloudFront (managed rule groups and a rate limit)."),
  wafRateLimit: integer("requests per 5 minutes per IP", 100, 2000000)
    .default(2000)
    .describe("The WAF rate-based rule blocks an IP above this many requests in 5 minutes."),
  dynamodbTable: toggle("An application DynamoDB table (on-demand, PITR)."),
});

export const apiSchema = z.strictObject({
  corsAllowOrigins: z
    .array(
      z.string().regex(/^(\*|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/, {
        error: 'must be an origin such as "https://app.example.com" (scheme and host, no path) or "*"',
      }),
      { error: 'must be a list of origins such as ["https://app.example.com"]' },
    )
    .default([])
    .describe("Origins allowed to call the API from browsers. The site itself reaches /api/* through CloudFront on its own origin and needs no entry."),
  throttlingBurstLimit: integer("requests", 1, 100000).default(100).describe("Default route burst limit of the HTTP API stage."),
  throttlingRateLimit: integer("requests per second", 1, 100000).default(50).describe("Default route steady-state rate limit."),
  maxRequestBodyKb: integer("KiB", 1, 10240)
    .default(1024)
    .describe(
      "Largest request body the API accepts (413 above it). The web ACL's 8 KB body limit applies to the site only, never to /api/*. At most 10240 (the HTTP API's payload limit), 4096 on Lambda.",
    ),
});

export const alarmsSchema = z.strictObject({
  api5xxRatePercent: integer("percent", 1, 100).default(5).describe("API 5xx responses as a share of requests over 5 minutes (metric math)."),
  apiLatencyP90Ms: integer("milliseconds", 50, 30000).default(2000).describe("API p90 latency over 5 minutes."),
  functionErrors: integer("errors", 1, 10000).default(1).describe("Errors of any one function in 5 minutes."),
  functionThrottles: integer("throttles", 1, 10000).default(1).describe("Throttles of any one function in 5 minutes."),
  databaseConnections: integer("connections", 1, 5000).default(200).describe("Aurora database connections (maximum over 5 minutes)."),
  databaseCpuPercent: integer("percent", 1, 100).default(80).describe("Aurora CPU utilisation (average over 15 minutes)."),
  cacheEcpuPercent: integer("percent", 1, 100).default(80).describe("Cache compute used, as a share of maxEcpuPerSecond."),
  cacheStoragePercent: integer("percent", 1, 100).default(80).describe("Cache data stored, as a share of maxStorageGb."),
  oldestMessageAgeSeconds: integer("seconds", 60, 1209600).default(900).describe("Age of the oldest message in the work queue."),
});

export const backupSchema = z.strictObject({
  hourlyRetentionDays: integer("days", 1, 35).default(7).describe("Hourly recovery points are kept this long (in the DR region too)."),
  dailyRetentionDays: integer("days", 7, 36500).default(90).describe("Daily recovery points are kept this long (in the DR region too)."),
  vaultLock: z
    .boolean({ error: "must be true or false" })
    .optional()
    .describe("AWS Backup Vault Lock (governance mode): recovery points cannot be deleted before they expire. Default: on where protectData is."),
  crossRegionCopy: z
    .boolean({ error: "must be true or false" })
    .optional()
    .describe(
      "Copy every recovery point to a vault in drRegion (encrypted with a key of its own there). Default: on where protectData is; an environment whose data may be lost needs no copy in a second region.",
    ),
});

const domainSchema = z.strictObject({
  name: z
    .string({ error: "must be a domain name string" })
    .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
      error: 'must be a lower-case DNS name such as "app.example.com"',
    })
    .describe("The site's domain; CloudFront serves it with an ACM certificate."),
  hostedZoneId: z
    .string({ error: "must be a Route53 hosted zone id string" })
    .regex(/^Z[A-Z0-9]{1,32}$/, { error: 'must be a Route53 hosted zone id such as "Z0123456789ABCDEFGHIJ"' })
    .describe("The public hosted zone that holds the domain's records and certificate validation."),
});

/** The longest operator session the platform allows: IAM allows 12 hours, but a session outliving a working day outlives the shift that needed it. */
export const MAX_OPERATOR_SESSION_HOURS = 8;
const SSO_PATTERN_EXAMPLE = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_PlatformOnCall_*";
/** An IAM user or role of a named account, by ARN or by an ArnLike pattern (`*`, `?`) of its path and name. */
const OPERATOR_PRINCIPAL = /^arn:aws:iam::(\d{12}):(user|role)\/([\w+=,.@/*?-]{1,512})$/;
/** IAM's default limit on a role's trust policy (characters without whitespace). */
const TRUST_POLICY_LIMIT = 2048;

function operatorPrincipalProblem(principal: string): string | undefined {
  const account = /^(?:arn:aws:(?:iam|sts)::)?([^:]*)(?::root)?$/.exec(principal)?.[1];
  if (account === "*") {
    return `names every AWS principal: anyone allowed to call sts:AssumeRole anywhere could operate the environment; name IAM users or roles, such as "${SSO_PATTERN_EXAMPLE}"`;
  }
  if (account !== undefined && /^\d{12}$/.test(account)) {
    return `names a whole account: every principal of ${account} allowed to call sts:AssumeRole could operate the environment; name IAM users or roles, or narrow the account with a pattern such as "${SSO_PATTERN_EXAMPLE.replace("123456789012", account)}"`;
  }
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(principal);
  if (session) return `is a role session, whose name changes with every sign-in; name the role it belongs to: "arn:aws:iam::${session[1]}:role/${session[2]}" (or a pattern of it)`;
  if (/^arn:aws:iam::[^:]*[*?][^:]*:/.test(principal)) return "must name its account with 12 digits, never a wildcard: a pattern may only match users or roles of one named account";
  const match = OPERATOR_PRINCIPAL.exec(principal);
  if (!match) return `must be an IAM user or role ARN such as "arn:aws:iam::123456789012:user/alice", or a pattern of them such as "${SSO_PATTERN_EXAMPLE}"`;
  const name = match[3].split("/").pop() ?? "";
  if (name.replace(/[*?]/g, "").length < 3) {
    return `matches nearly every ${match[2]} of ${match[1]} (the name "${name}" holds fewer than 3 characters besides wildcards); narrow it to the people's own ${match[2]}s, such as "${SSO_PATTERN_EXAMPLE.replace("123456789012", match[1])}"`;
  }
  return undefined;
}

/**
 * The size of the operator role's trust policy as IAM counts it (no whitespace): one statement per
 * kind of principal (src/constructs/operations/operator-role.ts, trustStatements), naming each
 * account's root and listing the ARNs. Refuses at synthesis what IAM would refuse at apply; the
 * stack tests compare it with the real document.
 */
function operatorTrustCharacters(principals: readonly string[]): number {
  // Each statement's own text (Sid, actions, conditions) around its two lists.
  const statements: [string, number][] = [
    [":user/", 297],
    [":role/", 181],
  ];
  const list = (items: readonly string[]) => items.reduce((sum, item) => sum + item.length + 3, 1);
  return statements.reduce((total, [kind, fixed]) => {
    const members = principals.filter((principal) => principal.includes(kind));
    if (members.length === 0) return total;
    const roots = [...new Set(members.map((principal) => `arn:aws:iam::${principal.split(":")[4]}:root`))];
    return total + fixed + list(roots) + list(members) + 1;
  }, 39);
}

export const operatorsSchema = z
  .strictObject({
    principals: z
      .array(
        z.string({ error: `must be an IAM user or role ARN string, or a pattern of them such as "${SSO_PATTERN_EXAMPLE}"` }).superRefine((principal, ctx) => {
          const problem = operatorPrincipalProblem(principal);
          if (problem) ctx.addIssue({ code: "custom", message: problem, input: principal });
        }),
        { error: 'must be a list of IAM user or role ARNs, such as ["arn:aws:iam::123456789012:user/alice"]' },
      )
      .min(1, { error: "names nobody; list the IAM users or roles of the people on call, or remove operators (no operator role is created then)" })
      .describe(
        `Who may assume <project>-<env>-operator: IAM user ARNs (they must sign in or call AssumeRole with MFA), IAM role ARNs, or ArnLike patterns of either in a named account (an IAM Identity Center permission set: "${SSO_PATTERN_EXAMPLE}"). A role's sessions carry no MFA flag to check: name only roles whose every way in demands MFA.`,
      ),
    sessionHours: integer("hours", 1, MAX_OPERATOR_SESSION_HOURS)
      .default(4)
      .describe(`Longest operator session (maxSessionDuration), 1-${MAX_OPERATOR_SESSION_HOURS} hours. A session reached from another role (role chaining, Identity Center) lasts 1 hour whatever this says.`),
  })
  .superRefine((operators, ctx) => {
    const seen = new Set<string>();
    operators.principals.forEach((principal, index) => {
      if (seen.has(principal)) ctx.addIssue({ code: "custom", path: ["principals", index], message: `${principal} is listed twice; list each principal once` });
      seen.add(principal);
    });
    const characters = operatorTrustCharacters(operators.principals);
    if (characters > TRUST_POLICY_LIMIT) {
      ctx.addIssue({
        code: "custom",
        path: ["principals"],
        message: `make a trust policy of about ${characters} characters, over IAM's ${TRUST_POLICY_LIMIT}; name a role or an Identity Center permission set pattern the people share instead of each person`,
      });
    }
  });

export const environmentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    region: awsRegion.describe("The region the environment runs in."),
    accountId: z
      .string({ error: 'must be a 12-digit AWS account id in quotes, such as "123456789012"' })
      .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id in quotes, such as "123456789012"' })
      .optional()
      .describe(
        "When set, the AWS provider refuses to touch any other account (allowed_account_ids). An account other than backend.config.json state.accountId gets deploy roles of its own (stack account-<id>).",
      ),
    deployers: z
      .array(
        z
          .string({ error: "must be an IAM role or user ARN string" })
          .regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/, {
            error: 'must be an IAM role or user ARN such as "arn:aws:iam::123456789012:role/platform-admins"',
          }),
        { error: "must be a list of IAM role or user ARNs" },
      )
      .optional()
      .describe("People (IAM roles or users) who may assume this environment's deploy roles besides the pipeline; only for an environment outside the state account."),
    operators: operatorsSchema
      .optional()
      .describe("The people on call: who may assume the environment's operator role (read logs, metrics, alarms and traces, redrive the dead-letter queue, invoke the functions, scale the ECS service, start restores). Absent: no operator role."),
    drRegion: awsRegion.default("us-west-2").describe("Where backups are copied for disaster recovery."),
    alertEmails: z
      .array(z.email({ error: 'must be an e-mail address such as "oncall@example.com"' }), {
        error: 'must be a list of e-mail addresses such as ["oncall@example.com"]',
      })
      .min(1, { error: "must list at least one e-mail address; alarms need someone to reach" })
      .describe("Subscribed to the alert topic; each address confirms the subscription by e-mail."),
    protectData: z
      .boolean({ error: "must be true or false" })
      .default(true)
      .describe(
        "Guard stateful resources against deletion: prevent_destroy on keys, buckets and tables, deletion protection and a final snapshot on the database. Turn off only for environments you tear down.",
      ),
    logRetentionDays: z
      .number({ error: `must be one of ${oneOf(LOG_RETENTION_DAYS)} days` })
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        error: `must be a retention CloudWatch Logs accepts: ${oneOf(LOG_RETENTION_DAYS)} days`,
      })
      .default(30)
      .describe("Default retention of every log group."),
    network: networkSchema,
    database: databaseSchema,
    cache: cacheSchema.prefault({}),
    compute: computeSchema,
    api: apiSchema.prefault({}),
    alarms: alarmsSchema.prefault({}).describe("Alarm thresholds; every alarm notifies the core layer's alert topic."),
    backup: backupSchema.prefault({}).describe("AWS Backup plan of the database, the DynamoDB table and the media bucket, copied to drRegion."),
    features: featuresSchema.prefault({}),
    domain: domainSchema.optional().describe("Serve the site under a custom domain. Absent: the CloudFront domain."),
  })
  .superRefine((environment, ctx) => {
    if (environment.drRegion === environment.region) {
      ctx.addIssue({
        code: "custom",
        path: ["drRegion"],
        message: `is the same as region (${environment.region}); backups must be copied to another region`,
      });
    }
    if (environment.network.ipv6Egress) {
      const refuse = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
      if (environment.compute.kind === "ecs") {
        refuse(["network", "ipv6Egress"], 'is true with compute.kind "ecs": Fargate tasks pull their image and ship their logs from their own network interfaces, which this mode has not established over IPv6; use interface endpoints or a NAT gateway for ECS');
      }
      if (environment.compute.runtime !== "python") {
        refuse(["network", "ipv6Egress"], 'is true with compute.runtime "node": the TypeScript handlers do not ask their SDK clients for dual-stack endpoints; use the Python app or turn ipv6Egress off');
      }
      if (environment.network.natMode !== "none") {
        refuse(["network", "ipv6Egress"], `is true with natMode "${environment.network.natMode}": the NAT gateway already carries the functions' traffic; set natMode to "none" or turn ipv6Egress off`);
      }
      for (const service of ipv6EgressReach(environment.region).unreachable) {
        refuse(["network", "ipv6Egress"], `is true in ${environment.region}, where AWS documents no dual-stack endpoint for ${service}; turn ipv6Egress off there (src/config/dual-stack.ts lists where it is documented)`);
      }
      if (environment.network.interfaceEndpoints) {
        refuse(
          ["network", "interfaceEndpoints"],
          "is true with ipv6Egress: the functions reach Secrets Manager and SQS over IPv6 and get the published parameters at deploy time, so interface endpoints would bill about $8 a month per AZ each for no traffic; set interfaceEndpoints to false (or ipv6Egress to false to keep the endpoints)",
        );
      }
    }
    if (environment.compute.kind === "lambda" && environment.api.maxRequestBodyKb > LAMBDA_MAX_REQUEST_BODY_KB) {
      ctx.addIssue({
        code: "custom",
        path: ["api", "maxRequestBodyKb"],
        message: `(${environment.api.maxRequestBodyKb}) is above ${LAMBDA_MAX_REQUEST_BODY_KB} on Lambda: the request event must fit Lambda's 6 MB payload, and a binary body in it is base64-encoded, a third larger; lower it or run the API on ECS ("compute.kind": "ecs")`,
      });
    }
  });

/** The largest API request body a Lambda function can take inside its 6 MB synchronous payload, base64 included. */
const LAMBDA_MAX_REQUEST_BODY_KB = 4096;

export type EnvironmentSettings = z.output<typeof environmentSchema>;

/** A validated environment: its settings plus the name taken from its file name and its subnet layout. */
export interface Environment extends Omit<EnvironmentSettings, "$schema"> {
  readonly name: string;
  readonly subnetPlan: { public: string[]; private: string[]; data: string[] };
}

export function subnetPlanFor(settings: EnvironmentSettings): Environment["subnetPlan"] {
  return settings.network.subnets ?? planSubnets(settings.network.vpcCidr, settings.network.azCount);
}

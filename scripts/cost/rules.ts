// What each Terraform resource type of the platform costs while nothing uses it. Every type the
// stacks can contain has a rule here; a type without one stops the report (see report.ts), so a new
// resource cannot slip into the stacks unpriced.
import type { Prices, Rate } from "./prices";
import { regionOf, type Stack, type TerraformResource } from "./stacks";
import { block, blocks, dataSource, pathOf, rateSeconds, referencesIn, refersTo, resourcesOfType } from "./terraform";

/**
 * idle: billed by the hour or month whatever the traffic (priced). usage: billed per request,
 * GB-second or build minute, $0 idle. storage: billed per GB-month stored, about $0 for an empty
 * platform (not priced). unpriced: bills while idle but the table has no figure for it, or the
 * configuration is one the rules do not model. free: no charge.
 */
export type Category = "idle" | "usage" | "storage" | "unpriced" | "free";

/** The README rows idle lines are summed into. */
export type Group = "nat" | "endpoints" | "database" | "proxy" | "cache" | "compute" | "waf" | "keys-secrets" | "monitoring" | "dns";

export interface CostLine {
  readonly environment: string;
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly path: string;
  readonly region: string;
  readonly category: Category;
  readonly group?: Group;
  readonly description: string;
  /** A few words for the README cell of its group ("NAT gateway", "writer 0.5 ACU"). */
  readonly cell?: string;
  /** How many of `cell` the line is (2 for an alarm reading two metrics); 1 when absent. */
  readonly cellCount?: number;
  readonly monthlyUsd: number;
  readonly rates: Rate[];
  readonly notes: string[];
  /** Units of `rates[0]` that the account's free tier of that price may cover (see free-tiers.ts). */
  readonly freeTierUnits?: number;
}

export type Draft = Pick<CostLine, "category" | "description"> &
  Partial<Pick<CostLine, "group" | "cell" | "cellCount" | "monthlyUsd" | "rates" | "notes" | "freeTierUnits">>;

export interface RuleContext {
  readonly environment: string;
  /** Every stack of the environment (core, infra, app), or the shared stacks. */
  readonly stacks: readonly Stack[];
  readonly stack: Stack;
  readonly prices: Prices;
  readonly region: string;
  readonly hours: number;
  /** The resource `type.name` of the environment, looked up in its own stack first. */
  find(type: string, name: string): TerraformResource | undefined;
  all(type: string): TerraformResource[];
}

export type Rule = (resource: TerraformResource, context: RuleContext) => Draft[];

/** A rate as the price table states it ("$0.048"), not rounded to cents. */
const money = (usd: number) => `$${usd}`;

/** A line billed `quantity` units for every hour of the month. */
function hourly(context: RuleContext, key: string, quantity: number, draft: Omit<Draft, "category">): Draft {
  const rate = context.prices.rate(key, context.region);
  return { ...draft, category: "idle", monthlyUsd: rate.usd * quantity * context.hours, rates: [rate] };
}

/** A line billed `quantity` units per month. */
function monthly(context: RuleContext, key: string, quantity: number, draft: Omit<Draft, "category">): Draft {
  const rate = context.prices.rate(key, context.region);
  return { ...draft, category: "idle", monthlyUsd: rate.usd * quantity, rates: [rate] };
}

const usage = (description: string, notes: string[] = []): Rule => () => [{ category: "usage", description, notes }];
const storage = (description: string, notes: string[] = []): Rule => () => [{ category: "storage", description, notes }];
const free = (description: string): Rule => () => [{ category: "free", description }];

// ---------------------------------------------------------------------------------------------
// Network

const natGateway: Rule = (_resource, context) => [
  hourly(context, "vpc.natGateway.hour", 1, {
    group: "nat",
    cell: "NAT gateway",
    description: `NAT gateway, ${money(context.prices.rate("vpc.natGateway.hour", context.region).usd)}/h (data processed per GB on top)`,
  }),
];

const elasticIp: Rule = (resource, context) => {
  const natGateways = context.all("aws_nat_gateway").filter((nat) => refersTo(nat.body.allocation_id, "aws_eip", resource.name));
  const user = natGateways.length > 0 ? `its NAT gateway's address (${pathOf(natGateways[0])})` : "an Elastic IP (billed attached or not)";
  return [
    hourly(context, "vpc.publicIpv4.hour", 1, {
      group: "nat",
      cell: "public IPv4",
      description: `public IPv4 address: ${user}, ${money(context.prices.rate("vpc.publicIpv4.hour", context.region).usd)}/h`,
    }),
  ];
};

const vpcEndpoint: Rule = (resource, context) => {
  const type = String(resource.body.vpc_endpoint_type ?? "Gateway");
  const service = String(resource.body.service_name ?? "").split(".").at(-1) ?? "?";
  if (type === "Gateway") return [{ category: "free", description: `gateway endpoint (${service}): no hourly or data charge` }];
  if (type !== "Interface") return [{ category: "unpriced", description: `${type} endpoint (${service}): not modelled` }];
  const azs = Math.max(1, [].concat(resource.body.subnet_ids ?? []).length);
  return [
    hourly(context, "vpc.interfaceEndpoint.azHour", azs, {
      group: "endpoints",
      cell: `endpoint in ${azs} AZ${azs === 1 ? "" : "s"}`,
      description: `interface endpoint ${service} in ${azs} AZ${azs === 1 ? "" : "s"} (one per subnet), ${money(context.prices.rate("vpc.interfaceEndpoint.azHour", context.region).usd)}/h each (data processed per GB on top)`,
    }),
  ];
};

// ---------------------------------------------------------------------------------------------
// Aurora Serverless v2, RDS Proxy

interface Waker {
  readonly source: string;
  /** The function it runs, which the IAM grants allow to connect to the cluster. */
  readonly runs: string;
  readonly everySeconds: number;
}

interface ClusterIdle {
  readonly minAcu: number;
  readonly maxAcu: number;
  readonly autoPauseSeconds?: number;
  /** Schedules in the environment that run code able to connect to this cluster. */
  readonly wakers: Waker[];
  /** Share of the month a min-0 writer is awake because of the wakers (0 when none). */
  readonly awakeShare: number;
  readonly cronWakers: string[];
}

/** The lowest capacity of an Aurora Serverless v2 instance that is not paused. */
const LOWEST_ACTIVE_ACU = 0.5;
/** Aurora's default `seconds_until_auto_pause` when min_capacity is 0 and none is set. */
const DEFAULT_AUTO_PAUSE_SECONDS = 300;

/** Whether an IAM policy document lets its holder reach `cluster`: rds-db:connect or reading its RDS-managed master secret. */
function grantsDatabase(document: Record<string, any>, cluster: TerraformResource): boolean {
  return blocks(document.statement).some((statement) => {
    const actions: string[] = [].concat(statement.actions ?? statement.Action ?? []);
    const resources = JSON.stringify(statement.resources ?? statement.Resource ?? "");
    const mentionsCluster = resources.includes(cluster.name);
    return (
      actions.some((action) => action === "rds-db:connect" || action === "rds-db:*") ||
      (mentionsCluster && resources.includes("master_user_secret") && actions.some((action) => /^secretsmanager:(GetSecretValue|\*)$/.test(action)))
    );
  });
}

/** The inline policy documents of the role a function or task runs as. */
function roleDocuments(context: RuleContext, roleValue: unknown): Record<string, any>[] {
  const role = referencesIn(roleValue).find((reference) => reference.type === "aws_iam_role");
  if (!role) return [];
  return context.stacks.flatMap((stack) =>
    stack.resources
      .filter((policy) => policy.type === "aws_iam_role_policy" && refersTo(policy.body.role, "aws_iam_role", role.name))
      .flatMap((policy) => {
        const source = referencesIn(policy.body.policy).find((reference) => reference.type === "data.aws_iam_policy_document");
        if (source) return [dataSource(stack, "aws_iam_policy_document", source.name)].filter((document): document is Record<string, any> => !!document);
        try {
          return [JSON.parse(String(policy.body.policy))];
        } catch {
          return [];
        }
      }),
  );
}

/** Schedules (EventBridge Scheduler, scheduled EventBridge rules) whose target function can connect to `cluster`. */
function wakersOf(context: RuleContext, cluster: TerraformResource): { wakers: Waker[]; cron: string[] } {
  const targets: { source: string; expression: string; target: unknown }[] = [
    ...context.all("aws_scheduler_schedule")
      .filter((schedule) => schedule.body.state !== "DISABLED")
      .map((schedule) => ({ source: `${schedule.stack}/${pathOf(schedule)}`, expression: String(schedule.body.schedule_expression), target: block(schedule.body.target)?.arn })),
    ...context.all("aws_cloudwatch_event_rule")
      .filter((rule) => typeof rule.body.schedule_expression === "string" && rule.body.state !== "DISABLED" && rule.body.is_enabled !== false)
      .flatMap((rule) =>
        context
          .all("aws_cloudwatch_event_target")
          .filter((target) => refersTo(target.body.rule, "aws_cloudwatch_event_rule", rule.name))
          .map((target) => ({ source: `${rule.stack}/${pathOf(rule)}`, expression: String(rule.body.schedule_expression), target: target.body.arn })),
      ),
  ];
  const wakers: Waker[] = [];
  const cron: string[] = [];
  for (const { source, expression, target } of targets) {
    const fn = referencesIn(target).find((reference) => reference.type === "aws_lambda_function");
    const lambda = fn && context.find("aws_lambda_function", fn.name);
    if (!lambda || !roleDocuments(context, lambda.body.role).some((document) => grantsDatabase(document, cluster))) continue;
    const every = rateSeconds(expression);
    if (every === undefined) cron.push(`${source} (${expression})`);
    else wakers.push({ source: `${source} (${expression})`, runs: `${lambda.stack}/${pathOf(lambda)}`, everySeconds: every });
  }
  return { wakers, cron };
}

const clusterCache = new WeakMap<TerraformResource, ClusterIdle>();

function clusterIdle(context: RuleContext, cluster: TerraformResource): ClusterIdle {
  const cached = clusterCache.get(cluster);
  if (cached) return cached;
  const scaling = block(cluster.body.serverlessv2_scaling_configuration) ?? {};
  const minAcu = Number(scaling.min_capacity ?? LOWEST_ACTIVE_ACU);
  const maxAcu = Number(scaling.max_capacity ?? minAcu);
  const autoPauseSeconds = minAcu === 0 ? Number(scaling.seconds_until_auto_pause ?? DEFAULT_AUTO_PAUSE_SECONDS) : undefined;
  const { wakers, cron } = minAcu === 0 ? wakersOf(context, cluster) : { wakers: [], cron: [] };
  // A paused writer resumes on a connection and pauses again after autoPauseSeconds without one:
  // a schedule every I seconds keeps it awake min(1, autoPause / I) of the time (plus run time).
  const awakeShare = autoPauseSeconds === undefined ? 0 : Math.min(1, Math.max(0, ...wakers.map((waker) => autoPauseSeconds / waker.everySeconds)));
  const idle = { minAcu, maxAcu, autoPauseSeconds, wakers, awakeShare, cronWakers: cron };
  clusterCache.set(cluster, idle);
  return idle;
}

function clusterInstances(context: RuleContext, cluster: TerraformResource): TerraformResource[] {
  return context
    .all("aws_rds_cluster_instance")
    .filter((instance) => refersTo(instance.body.cluster_identifier, "aws_rds_cluster", cluster.name))
    .sort((a, b) => String(a.body.identifier ?? a.name).localeCompare(String(b.body.identifier ?? b.name)));
}

/** The ACU an instance holds on average while the platform is idle. */
function instanceIdleAcu(context: RuleContext, cluster: TerraformResource, instance: TerraformResource): { acu: number; why: string; cell: string } {
  const idle = clusterIdle(context, cluster);
  const instances = clusterInstances(context, cluster);
  const writer = instances[0] === instance;
  const tier = Number(instance.body.promotion_tier ?? 1);
  const role = writer ? "writer" : `reader (promotion tier ${tier})`;
  if (idle.minAcu > 0) {
    return {
      acu: idle.minAcu,
      why: `${role} at its minimum ${idle.minAcu} ACU (scales ${idle.minAcu}-${idle.maxAcu}; ${writer || tier <= 1 ? "" : "a tier 2-15 reader scales on its own load, "}idle it stays at the minimum)`,
      cell: `${role.split(" ")[0]} ${idle.minAcu} ACU`,
    };
  }
  const followsWriter = writer || tier <= 1;
  if (idle.awakeShare > 0 && followsWriter) {
    const waker = idle.wakers.reduce((a, b) => (a.everySeconds <= b.everySeconds ? a : b));
    const always = idle.awakeShare >= 1;
    const share = `${Math.round(idle.awakeShare * 100)} %`;
    return {
      acu: LOWEST_ACTIVE_ACU * idle.awakeShare,
      why:
        `${role}: min 0 ACU would pause after ${idle.autoPauseSeconds} s without connections, but ${waker.source} runs ${waker.runs}, which is allowed to connect ` +
        `to this database (rds-db:connect or its master secret), every ${waker.everySeconds / 60} min, so it ${always ? "never pauses" : `is awake about ${share} of the time`} and idles at ${LOWEST_ACTIVE_ACU} ACU` +
        `${writer ? "" : " (tier 0-1 readers keep the writer's capacity)"}`,
      cell: `${role.split(" ")[0]} ${LOWEST_ACTIVE_ACU} ACU${always ? " (never pauses: woken every " + waker.everySeconds / 60 + " min)" : ` ${share} of the time`}`,
    };
  }
  return {
    acu: 0,
    why: `${role}: min 0 ACU, pauses after ${idle.autoPauseSeconds} s without connections (0 ACU while paused; billed from the first connection, at ${LOWEST_ACTIVE_ACU} ACU or more)`,
    cell: `${role.split(" ")[0]} paused`,
  };
}

/** Storage of an otherwise empty cluster, counted so a paused cluster is not shown as free. */
export const ASSUMED_AURORA_STORAGE_GB = 1;

const rdsCluster: Rule = (cluster, context) => {
  if (cluster.body.engine_mode === "serverless") return [{ category: "unpriced", description: "Aurora Serverless v1 cluster: not modelled" }];
  if (cluster.body.storage_type && cluster.body.storage_type !== "aurora") {
    return [{ category: "unpriced", description: `Aurora cluster with storage_type ${cluster.body.storage_type}: only Aurora Standard is in the price table` }];
  }
  const idle = clusterIdle(context, cluster);
  const lines: Draft[] = [
    monthly(context, "aurora.storage.gbMonth", ASSUMED_AURORA_STORAGE_GB, {
      group: "database",
      cell: `${ASSUMED_AURORA_STORAGE_GB} GB storage`,
      description: `cluster storage, counted at ${ASSUMED_AURORA_STORAGE_GB} GB (an assumption for a nearly empty database; billed per GB-month actually stored, plus I/O per million requests)`,
      notes: [
        `automated backups up to the cluster's storage size are free; retention ${cluster.body.backup_retention_period ?? 1} days and AWS Backup copies beyond that are billed per GB-month (not priced)`,
        ...idle.cronWakers.map((source) => `${source} connects to this database on a cron schedule: check that it leaves ${idle.autoPauseSeconds} s gaps, or the cluster never pauses`),
      ],
    }),
  ];
  if (cluster.body.manage_master_user_password === true) {
    lines.push(
      monthly(context, "secretsManager.secret.month", 1, {
        group: "keys-secrets",
        cell: "secret",
        description: "RDS-managed master user secret (manage_master_user_password), a Secrets Manager secret",
      }),
    );
  }
  return lines;
};

const rdsClusterInstance: Rule = (instance, context) => {
  if (instance.body.instance_class !== "db.serverless") {
    return [{ category: "unpriced", description: `provisioned Aurora instance ${instance.body.instance_class}: not modelled` }];
  }
  const clusterReference = referencesIn(instance.body.cluster_identifier).find((reference) => reference.type === "aws_rds_cluster");
  const cluster = clusterReference && context.find("aws_rds_cluster", clusterReference.name);
  if (!cluster) return [{ category: "unpriced", description: "Aurora Serverless v2 instance whose cluster is not in this environment's stacks" }];
  const { acu, why, cell } = instanceIdleAcu(context, cluster, instance);
  const notes: string[] = [];
  const retention = Number(instance.body.performance_insights_retention_period ?? 7);
  if (instance.body.performance_insights_enabled === true) {
    notes.push(retention <= 7 ? "Performance Insights: 7 days retention, the free tier" : `Performance Insights retention ${retention} days: billed per ACU-month beyond the free 7 days (not priced)`);
  }
  if (Number(instance.body.monitoring_interval ?? 0) > 0) notes.push("Enhanced Monitoring: billed as CloudWatch Logs ingestion of RDSOSMetrics (usage, not priced)");
  return [
    hourly(context, "aurora.serverlessV2.acuHour", acu, {
      group: "database",
      cell,
      description: `Aurora Serverless v2 ${why}`,
      notes,
    }),
  ];
};

const dbProxy: Rule = (proxy, context) => {
  const target = context.all("aws_db_proxy_target").find((candidate) => refersTo(candidate.body.db_proxy_name, "aws_db_proxy", proxy.name));
  const clusterReference = target && referencesIn(target.body.db_cluster_identifier).find((reference) => reference.type === "aws_rds_cluster");
  const cluster = clusterReference && context.find("aws_rds_cluster", clusterReference.name);
  const instances = cluster ? clusterInstances(context, cluster) : [];
  if (!cluster || instances.length === 0 || instances.some((instance) => instance.body.instance_class !== "db.serverless")) {
    return [{ category: "unpriced", description: "RDS Proxy in front of provisioned instances (billed per vCPU, at least 2): not modelled" }];
  }
  const capacity = instances.reduce((sum, instance) => sum + instanceIdleAcu(context, cluster, instance).acu, 0);
  const minimum = context.prices.entry("rdsProxy.serverlessAcuHour").minimumAcu ?? 0;
  const billed = Math.max(minimum, capacity);
  return [
    hourly(context, "rdsProxy.serverlessAcuHour", billed, {
      group: "proxy",
      cell: `${billed} ACU billed`,
      description: `RDS Proxy: billed per ACU of the Aurora Serverless v2 capacity behind it, at least ${minimum} ACU; the cluster idles at ${capacity} ACU, so ${billed} ACU × 730 h`,
      notes: ["a cluster behind RDS Proxy does not auto-pause (configuration refuses rdsProxy with minCapacity 0)"],
    }),
  ];
};

// ---------------------------------------------------------------------------------------------
// ElastiCache Serverless

const serverlessCache: Rule = (cache, context) => {
  const engine = String(cache.body.engine ?? "redis");
  const key = engine === "valkey" ? "elasticache.serverless.valkey.gbHour" : "elasticache.serverless.redis.gbHour";
  const engineMinimum = context.prices.entry(key).minimumGb ?? 0;
  const limits = block(cache.body.cache_usage_limits);
  const storageLimits = block(limits?.data_storage);
  const configuredMinimum = Number(storageLimits?.minimum ?? 0);
  const metered = Math.max(engineMinimum, configuredMinimum);
  const lines: Draft[] = [
    hourly(context, key, metered, {
      group: "cache",
      cell: `${engine === "valkey" ? "Valkey" : engine === "redis" ? "Redis OSS" : engine} ${metered >= 1 ? `${metered} GB` : `${metered * 1000} MB`} minimum`,
      description:
        `ElastiCache Serverless (${engine}): data stored is metered for at least ${engineMinimum >= 1 ? `${engineMinimum} GB` : `${engineMinimum * 1000} MB`} per cache` +
        `${configuredMinimum > engineMinimum ? ` (here the configured minimum of ${configuredMinimum} GB)` : ""}, so an empty cache bills ${metered} GB × 730 h; ECPUs are billed per request, $0 idle`,
      notes: Number(cache.body.snapshot_retention_limit ?? 0) > 0 ? [`daily snapshots kept ${cache.body.snapshot_retention_limit} day${Number(cache.body.snapshot_retention_limit) === 1 ? "" : "s"}: billed per GB-month (not priced)`] : [],
    }),
  ];
  if (Number(block(limits?.ecpu_per_second)?.minimum ?? 0) > 0) {
    lines.push({ category: "unpriced", description: `a minimum of ${block(limits?.ecpu_per_second)?.minimum} ECPU/s is billed whether used or not (no ECPU figure in the price table)` });
  }
  return lines;
};

// ---------------------------------------------------------------------------------------------
// Keys, secrets, monitoring, edge

const kmsKey: Rule = (key, context) => [
  monthly(context, "kms.key.month", 1, {
    group: "keys-secrets",
    cell: "KMS key",
    description: `customer managed KMS key in ${context.region}, $1/month`,
    notes: key.body.enable_key_rotation === true ? ["automatic rotation: each of the first two rotations adds $1/month (from the second year), requests per 10,000 on top"] : [],
  }),
];

const secret: Rule = (_secret, context) => [
  monthly(context, "secretsManager.secret.month", 1, { group: "keys-secrets", cell: "secret", description: "Secrets Manager secret (API calls per 10,000 on top)" }),
];

const ANOMALY_OPERATORS = new Set(["LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold"]);

const metricAlarm: Rule = (alarm, context) => {
  const queries = blocks(alarm.body.metric_query);
  const metrics = queries.length > 0 ? queries.filter((query) => block(query.metric)).length : 1;
  const periods = queries.length > 0 ? queries.flatMap((query) => (block(query.metric) ? [Number(block(query.metric)?.period ?? 60)] : [])) : [Number(alarm.body.period ?? 60)];
  if (periods.some((period) => period < 60)) return [{ category: "unpriced", description: "high-resolution alarm (period under 60 s): no figure in the price table" }];
  const anomaly = ANOMALY_OPERATORS.has(String(alarm.body.comparison_operator));
  const billedMetrics = metrics * (anomaly ? 3 : 1);
  return [
    monthly(context, "cloudwatch.alarm.metricMonth", billedMetrics, {
      group: "monitoring",
      cell: "alarm metric",
      cellCount: billedMetrics,
      freeTierUnits: billedMetrics,
      description: `standard-resolution alarm reading ${metrics} metric${metrics === 1 ? "" : "s"}${anomaly ? " with anomaly detection (3 metrics each)" : ""}: ${billedMetrics} alarm metric${billedMetrics === 1 ? "" : "s"}`,
    }),
  ];
};

/** The free tier covers dashboards of up to this many metrics. */
export const FREE_DASHBOARD_MAX_METRICS = 50;

/** Metrics a dashboard body draws: every metric array of every widget, expressions excluded. */
export function dashboardMetricCount(body: unknown): number | undefined {
  let parsed: any;
  try {
    parsed = typeof body === "string" ? JSON.parse(body) : body;
  } catch {
    return undefined;
  }
  if (!parsed || !Array.isArray(parsed.widgets)) return undefined;
  return parsed.widgets
    .flatMap((widget: any) => (Array.isArray(widget?.properties?.metrics) ? widget.properties.metrics : []))
    .filter((metric: unknown) => Array.isArray(metric) && !metric.some((part) => part && typeof part === "object" && "expression" in part)).length;
}

const dashboard: Rule = (resource, context) => {
  const metrics = dashboardMetricCount(resource.body.dashboard_body);
  const eligible = metrics !== undefined && metrics <= FREE_DASHBOARD_MAX_METRICS;
  return [
    monthly(context, "cloudwatch.dashboard.month", 1, {
      group: "monitoring",
      cell: "dashboard",
      description: `CloudWatch dashboard (${metrics ?? "unknown number of"} metrics)`,
      freeTierUnits: eligible ? 1 : 0,
      notes: eligible ? [] : [`over ${FREE_DASHBOARD_MAX_METRICS} metrics (or unreadable): outside the free tier of 3 dashboards`],
    }),
  ];
};

const PAID_MANAGED_RULE_GROUPS = new Set(["AWSManagedRulesBotControlRuleSet", "AWSManagedRulesATPRuleSet", "AWSManagedRulesACFPRuleSet", "AWSManagedRulesAntiDDoSRuleSet"]);

const webAcl: Rule = (acl, context) => {
  let rules = blocks(acl.body.rule);
  if (rules.length === 0 && typeof acl.body.rule_json === "string") rules = JSON.parse(acl.body.rule_json).map((rule: Record<string, any>) => ({ statement: rule.Statement }));
  const kinds = rules.map((rule) => {
    const statement = block(rule.statement) ?? {};
    if (block(statement.managed_rule_group_statement)) return `managed:${block(statement.managed_rule_group_statement)?.name}`;
    if (block(statement.rule_group_reference_statement)) return "rule group";
    if (block(statement.rate_based_statement)) return "rate-based";
    return "rule";
  });
  const managed = kinds.filter((kind) => kind.startsWith("managed:"));
  const paid = managed.map((kind) => kind.slice("managed:".length)).filter((name) => PAID_MANAGED_RULE_GROUPS.has(name));
  const described = [
    managed.length && `${managed.length} managed rule group${managed.length === 1 ? "" : "s"}`,
    kinds.filter((kind) => kind === "rule group").length && `${kinds.filter((kind) => kind === "rule group").length} rule group(s)`,
    kinds.filter((kind) => kind === "rate-based").length && `${kinds.filter((kind) => kind === "rate-based").length} rate-based`,
    kinds.filter((kind) => kind === "rule").length && `${kinds.filter((kind) => kind === "rule").length} custom`,
  ].filter(Boolean);
  const lines: Draft[] = [
    monthly(context, "waf.webAcl.month", 1, { group: "waf", cell: "web ACL", description: `WAF web ACL (${acl.body.scope ?? "REGIONAL"} scope), requests per million on top ($0 idle)` }),
    monthly(context, "waf.rule.month", rules.length, {
      group: "waf",
      cell: "rule",
      cellCount: rules.length,
      description: `${rules.length} WAF rules (${described.join(", ")}); a rule group counts as one rule`,
    }),
  ];
  if (paid.length) lines.push({ category: "unpriced", description: `paid managed rule groups ${paid.join(", ")}: subscription and per-request fees not in the price table` });
  return lines;
};

const hostedZone: Rule = (_zone, context) => [monthly(context, "route53.hostedZone.month", 1, { group: "dns", cell: "hosted zone", description: "Route 53 hosted zone (queries per million on top)" })];

// ---------------------------------------------------------------------------------------------
// ECS Fargate, load balancer

const loadBalancer: Rule = (lb, context) => {
  const type = String(lb.body.load_balancer_type ?? "application");
  if (type !== "application") return [{ category: "unpriced", description: `${type} load balancer: only the Application Load Balancer is in the price table` }];
  const hour = context.prices.rate("elb.application.hour", context.region);
  const lines: Draft[] = [
    hourly(context, "elb.application.hour", 1, {
      group: "compute",
      cell: `${lb.body.internal === true ? "internal " : ""}ALB`,
      description: `${lb.body.internal === true ? "internal " : "internet-facing "}Application Load Balancer, ${money(hour.usd)}/h; LCUs are billed per use (no minimum without an LCU reservation), $0 idle`,
    }),
  ];
  const reserved = Number(block(lb.body.minimum_load_balancer_capacity)?.capacity_units ?? 0);
  if (reserved > 0) {
    lines.push(hourly(context, "elb.application.lcuHour", reserved, { group: "compute", cell: `${reserved} reserved LCU`, description: `LCU reservation of ${reserved} LCU, billed whether used or not` }));
  }
  if (lb.body.internal !== true) {
    const azs = Math.max(blocks(lb.body.subnet_mapping).length, (lb.body.subnets ?? []).length, 1);
    lines.push(
      hourly(context, "vpc.publicIpv4.hour", azs, {
        group: "compute",
        cell: "public IPv4",
        cellCount: azs,
        description: `${azs} public IPv4 addresses of an internet-facing load balancer (one per AZ)`,
      }),
    );
  }
  return lines;
};

const ecsService: Rule = (service, context) => {
  const launch = String(service.body.launch_type ?? "");
  const strategy = blocks(service.body.capacity_provider_strategy).map((entry) => String(entry.capacity_provider));
  if (launch !== "FARGATE" && !(strategy.length === 1 && strategy[0] === "FARGATE")) {
    return [{ category: "unpriced", description: `ECS service on ${launch || strategy.join("+") || "EC2"}: only on-demand Fargate is modelled` }];
  }
  const definitionReference = referencesIn(service.body.task_definition).find((reference) => reference.type === "aws_ecs_task_definition");
  const definition = definitionReference && context.find("aws_ecs_task_definition", definitionReference.name);
  if (!definition) return [{ category: "unpriced", description: "ECS service whose task definition is not in this environment's stacks" }];
  const target = context
    .all("aws_appautoscaling_target")
    .find((candidate) => candidate.body.service_namespace === "ecs" && refersTo(candidate.body.resource_id, "aws_ecs_service", service.name));
  const tasks = target ? Number(target.body.min_capacity) : Number(service.body.desired_count ?? 1);
  const vcpu = Number(definition.body.cpu) / 1024;
  const gb = Number(definition.body.memory) / 1024;
  const arm = block(definition.body.runtime_platform)?.cpu_architecture === "ARM64";
  const architecture = arm ? "arm" : "x86";
  const offHours = target
    ? context
        .all("aws_appautoscaling_scheduled_action")
        .filter((action) => refersTo(action.body.resource_id, "aws_appautoscaling_target", target.name) && Number(block(action.body.scalable_target_action)?.min_capacity) === 0)
    : [];
  const notes = offHours.map(
    (action) =>
      `scales to 0 tasks on ${action.body.schedule}${action.body.timezone ? ` (${action.body.timezone})` : ""}: the figure is the full-time minimum, off-hours cost less`,
  );
  const vcpuRate = context.prices.rate(`fargate.${architecture}.vcpuHour`, context.region);
  const gbRate = context.prices.rate(`fargate.${architecture}.gbHour`, context.region);
  return [
    {
      category: "idle",
      group: "compute",
      cell: `Fargate task ${vcpu} vCPU/${gb} GB`,
      cellCount: tasks,
      description: `Fargate ${arm ? "ARM" : "x86"} tasks at the minimum of ${tasks} (${target ? "autoscaling min_capacity" : "desired_count"}), ${vcpu} vCPU and ${gb} GB each, 730 h`,
      monthlyUsd: tasks * (vcpu * vcpuRate.usd + gb * gbRate.usd) * context.hours,
      rates: [vcpuRate, gbRate],
      notes,
    },
  ];
};

const ecsCluster: Rule = (cluster) => {
  const insights = blocks(cluster.body.setting).find((setting) => setting.name === "containerInsights")?.value;
  if (insights === "enabled" || insights === "enhanced") {
    return [{ category: "unpriced", description: `Container Insights (${insights}): metrics and performance log events billed by CloudWatch per metric and GB (not priced)` }];
  }
  return [{ category: "free", description: "ECS cluster" }];
};

// ---------------------------------------------------------------------------------------------
// Per request, storage and free resources

const dynamodbTable: Rule = (table) => {
  if (table.body.billing_mode === "PAY_PER_REQUEST") {
    return [{ category: "usage", description: "DynamoDB on demand: per request, $0 idle; storage per GB-month (25 GB free)", notes: block(table.body.point_in_time_recovery)?.enabled ? ["point-in-time recovery: per GB-month of table size"] : [] }];
  }
  return [{ category: "unpriced", description: "DynamoDB provisioned capacity: billed per RCU/WCU-hour (not in the price table)" }];
};

const ssmParameter: Rule = (parameter) =>
  parameter.body.tier === "Advanced" || parameter.body.tier === "Intelligent-Tiering"
    ? [{ category: "unpriced", description: `SSM parameter, ${parameter.body.tier} tier: billed per parameter-month (not in the price table)` }]
    : [{ category: "free", description: "SSM parameter, Standard tier" }];

const codePipeline: Rule = (pipeline) =>
  pipeline.body.pipeline_type === "V2"
    ? [{ category: "usage", description: "CodePipeline V2: per action execution minute, $0 idle" }]
    : [{ category: "unpriced", description: "CodePipeline V1: $1 per active pipeline-month (not in the price table)" }];

const FREE_PREFIXES = ["aws_iam_", "random_", "time_", "null_"];

const FREE: Record<string, string> = {
  aws_vpc: "VPC",
  aws_subnet: "subnet",
  aws_route_table: "route table",
  aws_route_table_association: "route table association",
  aws_route: "route",
  aws_internet_gateway: "internet gateway",
  aws_egress_only_internet_gateway: "egress-only internet gateway",
  aws_vpc_ipv6_cidr_block_association: "IPv6 CIDR association (Amazon-provided IPv6 is free)",
  aws_security_group: "security group",
  aws_vpc_security_group_ingress_rule: "security group rule",
  aws_vpc_security_group_egress_rule: "security group rule",
  aws_default_security_group: "default security group",
  aws_default_network_acl: "default network ACL",
  aws_db_subnet_group: "DB subnet group",
  aws_rds_cluster_parameter_group: "cluster parameter group",
  aws_db_proxy_default_target_group: "RDS Proxy target group",
  aws_db_proxy_target: "RDS Proxy target (billed on the proxy)",
  aws_kms_alias: "KMS alias",
  aws_s3_bucket_policy: "bucket policy",
  aws_s3_bucket_public_access_block: "public access block",
  aws_s3_bucket_ownership_controls: "ownership controls",
  aws_s3_bucket_server_side_encryption_configuration: "bucket encryption",
  aws_s3_bucket_versioning: "versioning (old versions are stored objects)",
  aws_s3_bucket_lifecycle_configuration: "lifecycle rules (transitions per request)",
  aws_s3_bucket_logging: "server access logging (log objects are stored objects)",
  aws_s3_bucket_cors_configuration: "CORS configuration",
  aws_sns_topic_policy: "topic policy",
  aws_sqs_queue_redrive_allow_policy: "redrive allow policy",
  aws_secretsmanager_secret_version: "secret version (billed on the secret)",
  aws_ecr_repository_policy: "repository policy",
  aws_ecr_lifecycle_policy: "lifecycle policy",
  aws_lambda_permission: "Lambda permission",
  aws_lambda_layer_version: "Lambda layer (counts toward Lambda's free 75 GB code storage)",
  aws_apigatewayv2_integration: "HTTP API integration",
  aws_apigatewayv2_route: "HTTP API route",
  aws_apigatewayv2_stage: "HTTP API stage",
  aws_apigatewayv2_vpc_link: "HTTP API VPC link (no charge of its own)",
  aws_cloudfront_origin_access_control: "origin access control",
  aws_cloudfront_response_headers_policy: "response headers policy",
  aws_cloudwatch_event_rule: "EventBridge rule on AWS service events",
  aws_cloudwatch_event_target: "EventBridge target",
  aws_cloudwatch_log_resource_policy: "log resource policy",
  aws_cloudwatch_log_delivery_source: "log delivery source",
  aws_cloudwatch_log_delivery_destination: "log delivery destination",
  aws_scheduler_schedule_group: "schedule group",
  aws_backup_vault: "backup vault (recovery points billed as backup storage)",
  aws_backup_vault_notifications: "vault notifications",
  aws_backup_vault_lock_configuration: "vault lock",
  aws_backup_selection: "backup selection",
  aws_lb_listener: "listener (billed on the load balancer)",
  aws_lb_target_group: "target group",
  aws_appautoscaling_target: "scalable target",
  aws_appautoscaling_policy: "scaling policy",
  aws_appautoscaling_scheduled_action: "scheduled scaling action",
  aws_ecs_task_definition: "task definition (billed on the service)",
  aws_acm_certificate: "public ACM certificate",
  aws_acm_certificate_validation: "certificate validation",
  aws_codestarconnections_connection: "CodeConnections connection",
  aws_codestarnotifications_notification_rule: "notification rule (SNS messages per request)",
  aws_iam_openid_connect_provider: "OIDC provider",
};

const USAGE: Record<string, Rule> = {
  aws_lambda_function: usage("Lambda: per request and GB-second, $0 idle (no provisioned concurrency)"),
  aws_lambda_event_source_mapping: usage("SQS trigger: Lambda long-polls the queue even when it is empty, billed as SQS requests (the first 1 million a month per account are free)"),
  aws_apigatewayv2_api: usage("HTTP API: per request, $0 idle"),
  aws_cloudfront_distribution: usage("CloudFront: per request and GB out, $0 idle"),
  aws_cloudfront_function: usage("CloudFront Function: per invocation, $0 idle"),
  aws_cloudfront_key_value_store: usage("CloudFront KeyValueStore: per read from a function and per API call (the rotation's), $0 idle"),
  aws_secretsmanager_secret_rotation: usage("secret rotation: the rotation function's invocations and its Secrets Manager calls (per 10,000), $0 idle"),
  aws_sqs_queue: usage("SQS: per request, $0 idle"),
  aws_sns_topic: usage("SNS: per request and notification, $0 idle"),
  aws_sns_topic_subscription: usage("SNS subscription: per notification delivered"),
  aws_scheduler_schedule: usage("EventBridge Scheduler: per invocation (14 million free a month)"),
  aws_codebuild_project: usage("CodeBuild: per build minute, $0 idle"),
  aws_route53_record: usage("Route 53 record: per query (alias queries to AWS resources free)"),
  aws_flow_log: usage("VPC flow logs: per GB delivered to CloudWatch Logs, $0 idle"),
  aws_cloudwatch_log_delivery: usage("vended log delivery: per GB, $0 idle"),
  aws_wafv2_web_acl_logging_configuration: usage("WAF logs: per GB delivered, $0 idle"),
};

const STORAGE: Record<string, Rule> = {
  aws_s3_bucket: storage("S3 bucket: storage per GB-month and requests, about $0 empty"),
  aws_ecr_repository: storage("ECR repository: image storage per GB-month (not priced)"),
  aws_cloudwatch_log_group: storage("log group: ingestion per GB and storage per GB-month, $0 idle"),
  aws_backup_plan: storage("AWS Backup: backup storage per GB-month, and the copies in the DR region (not priced)"),
};

export const RULES: Record<string, Rule> = {
  aws_nat_gateway: natGateway,
  aws_eip: elasticIp,
  aws_vpc_endpoint: vpcEndpoint,
  aws_rds_cluster: rdsCluster,
  aws_rds_cluster_instance: rdsClusterInstance,
  aws_db_proxy: dbProxy,
  aws_elasticache_serverless_cache: serverlessCache,
  aws_kms_key: kmsKey,
  aws_secretsmanager_secret: secret,
  aws_cloudwatch_metric_alarm: metricAlarm,
  aws_cloudwatch_dashboard: dashboard,
  aws_wafv2_web_acl: webAcl,
  aws_route53_zone: hostedZone,
  aws_lb: loadBalancer,
  aws_ecs_service: ecsService,
  aws_ecs_cluster: ecsCluster,
  aws_dynamodb_table: dynamodbTable,
  aws_ssm_parameter: ssmParameter,
  aws_codepipeline: codePipeline,
  ...USAGE,
  ...STORAGE,
  ...Object.fromEntries(Object.entries(FREE).map(([type, description]) => [type, free(description)])),
};

export function ruleFor(type: string): Rule | undefined {
  return RULES[type] ?? (FREE_PREFIXES.some((prefix) => type.startsWith(prefix)) ? free("no charge") : undefined);
}

export function contextFor(environment: string, stacks: readonly Stack[], stack: Stack, resource: TerraformResource, prices: Prices): RuleContext {
  return {
    environment,
    stacks,
    stack,
    prices,
    region: regionOf(stack, resource),
    hours: prices.hoursPerMonth,
    find: (type, name) =>
      stack.resources.find((candidate) => candidate.type === type && candidate.name === name) ??
      stacks.flatMap((other) => other.resources).find((candidate) => candidate.type === type && candidate.name === name),
    all: (type) => resourcesOfType(stacks, type),
  };
}

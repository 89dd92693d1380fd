// What one environment deploys, as nodes and edges, read from its synthesized stacks only: which
// resources exist decides the nodes, and the references between them decide the edges (a route's
// integration names the function it invokes, a role's grants name the queue it sends to, a
// security group rule names the group it may reach).
import { LAYERS, type Layer } from "../../src/config/layers";
import { type Address, type Body, keyOf, type StackGraph } from "./stacks";

export type Concern = "foundation" | "edge" | "api" | "compute" | "images" | "data" | "messaging" | "network" | "operations";

export const CONCERN_TITLES: Record<Concern, string> = {
  foundation: "Keys",
  edge: "Edge",
  api: "API",
  compute: "Compute",
  images: "Images",
  data: "Data",
  messaging: "Queues and schedules",
  network: "Network",
  operations: "Operations",
};

export type Shape = "box" | "store" | "unit" | "queue" | "actor";

export interface DiagramNode {
  readonly id: string;
  /** Absent for the viewers, who are not deployed. */
  readonly layer?: Layer;
  readonly stack?: string;
  readonly concern?: Concern;
  readonly lines: string[];
  readonly shape: Shape;
  /** A node drawn as a box around others (the Aurora cluster around its instances). */
  readonly container?: boolean;
  readonly parent?: string;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly labels: string[];
  readonly dotted: boolean;
}

export interface EnvironmentDiagram {
  readonly environment: string;
  readonly stacks: { readonly name: string; readonly layer: Layer; readonly resources: number }[];
  readonly nodes: DiagramNode[];
  readonly edges: DiagramEdge[];
  /** The compute units (functions, ECS services); an edge every one of them has is drawn once. */
  readonly computeUnits: string[];
  /** Resource types of which some resources are on no node, with how many. */
  readonly notDrawn: { readonly type: string; readonly count: number }[];
}

type End = Address | { readonly node: string };

interface Link {
  readonly from: End;
  readonly to: End;
  readonly label: string;
  readonly dotted: boolean;
  /** Derived from IAM grants only: dropped where a stronger relation (a trigger, a target) joins the same nodes. */
  readonly weak: boolean;
  /** Derived from a security group rule: what the network allows, not necessarily what the app uses. */
  readonly reachable: boolean;
}

// Resources that configure another one (settings, roles, logs, rules): they go on the node of the
// one resource they belong to, and stay listed as not drawn when that is ambiguous.
const SUPPORTING_TYPES = [
  /^aws_iam_role$/,
  /^aws_iam_role_policy$/,
  /^aws_iam_role_policy_attachment$/,
  /^aws_cloudwatch_log_group$/,
  /^aws_cloudwatch_log_resource_policy$/,
  /^aws_cloudwatch_log_delivery/,
  /^aws_cloudfront_(function|origin_access_control|response_headers_policy|cache_policy|origin_request_policy)$/,
  /^aws_s3_bucket_/,
  /^aws_kms_alias$/,
  /^aws_kms_key$/,
  /^aws_wafv2_web_acl_logging_configuration$/,
  /^aws_ecr_(lifecycle|repository)_policy$/,
  /^aws_sqs_queue_(redrive_allow_policy|policy)$/,
  /^aws_secretsmanager_secret_version$/,
  /^aws_lambda_permission$/,
  /^aws_rds_cluster_parameter_group$/,
  /^aws_db_subnet_group$/,
  /^aws_sns_topic_(policy|subscription)$/,
  /^aws_appautoscaling_/,
  /^aws_backup_vault_(lock_configuration|notifications|policy)$/,
  /^aws_db_proxy_(default_target_group|target)$/,
  /^aws_acm_certificate_validation$/,
  /^aws_route53_record$/,
];

const layerOfStack = (stack: string): Layer | undefined => LAYERS.find((layer) => stack.startsWith(`${layer}-`));

/** `${...}` replaced by `*`, for names that embed the account id and the like. */
const literal = (text: string): string => text.replace(/\$\{[^}]*\}+/g, "*");

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export const VIEWERS = "viewers";

class DiagramBuilder {
  private readonly nodes = new Map<string, DiagramNode>();
  private readonly owner = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly links: Link[] = [];
  private readonly units: string[] = [];

  constructor(
    private readonly environment: string,
    private readonly graph: StackGraph,
  ) {}

  // --- bookkeeping --------------------------------------------------------------------------

  private body(address: Address): Body {
    return this.graph.body(address);
  }

  private nodeOf(address: Address): string | undefined {
    return this.owner.get(keyOf(address));
  }

  private isClaimed(address: Address): boolean {
    return this.owner.has(keyOf(address)) || this.used.has(keyOf(address));
  }

  /** Puts `addresses` on the node that already holds `holder`. */
  private ownBy(holder: Address, ...addresses: Address[]): void {
    const id = this.nodeOf(holder);
    if (id) for (const address of addresses) this.owner.set(keyOf(address), id);
  }

  private use(...addresses: Address[]): void {
    for (const address of addresses) this.used.add(keyOf(address));
  }

  /** Stable across environments: the construct path inside the stack, prefixed by the layer. */
  private idFor(address: Address, layer: Layer | undefined): string {
    const path: string = this.body(address)["//"]?.metadata?.path ?? `${address.stack}/${address.type}/${address.name}`;
    const inStack = path.startsWith(`${address.stack}/`) ? path.slice(address.stack.length + 1) : path;
    return this.uniqueId(`${layer ?? "env"}_${inStack}`);
  }

  private uniqueId(wanted: string): string {
    const base = wanted.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "");
    let id = base;
    for (let n = 2; this.nodes.has(id); n++) id = `${base}_${n}`;
    return id;
  }

  private addNode(
    primary: Address,
    concern: Concern,
    shape: Shape,
    lines: string[],
    members: Address[] = [],
    options: { id?: string; container?: boolean; parent?: string } = {},
  ): string {
    const layer = layerOfStack(primary.stack);
    const id = options.id ? this.uniqueId(`${layer}_${options.id}`) : this.idFor(primary, layer);
    this.nodes.set(id, { id, layer, stack: primary.stack, concern, lines, shape, container: options.container, parent: options.parent });
    this.owner.set(keyOf(primary), id);
    // A member another node already holds (a key two things use) stays where it is.
    for (const member of members) if (!this.owner.has(keyOf(member))) this.owner.set(keyOf(member), id);
    return id;
  }

  private link(from: End, to: End, label: string, options: { dotted?: boolean; weak?: boolean; reachable?: boolean } = {}): void {
    this.links.push({ from, to, label, dotted: options.dotted ?? false, weak: options.weak ?? false, reachable: options.reachable ?? false });
  }

  private unclaimed(type: string): Address[] {
    return this.graph.ofType(type).filter((address) => !this.isClaimed(address));
  }

  /** What `value` references; `value` is part of the body of `source` (absent parts reference nothing). */
  private targets(source: Address, value: unknown, type?: string): Address[] {
    const all = this.graph.targets(source, value);
    return type ? all.filter((target) => target.type === type) : all;
  }

  private allTargets(source: Address): Address[] {
    return this.graph.targets(source, this.body(source));
  }

  private target(source: Address, value: unknown, type: string): Address | undefined {
    return this.targets(source, value, type)[0];
  }

  // --- core -----------------------------------------------------------------------------------

  private foundation(): void {
    for (const key of this.unclaimed("aws_kms_key").filter((address) => layerOfStack(address.stack) === "core")) {
      const aliases = this.graph.referrers(key, "aws_kms_alias");
      const names = aliases.map((alias) => literal(this.body(alias).name));
      this.addNode(key, "foundation", "box", ["KMS key", ...names, this.body(key).enable_key_rotation ? "rotating" : "not rotating"], aliases);
    }
    for (const topic of this.unclaimed("aws_sns_topic")) {
      const subscriptions = this.graph.referrers(topic, "aws_sns_topic_subscription");
      const protocols = [...new Set(subscriptions.map((subscription) => this.body(subscription).protocol as string))].sort();
      const counted = protocols.map((protocol) => `${subscriptions.filter((s) => this.body(s).protocol === protocol).length} ${protocol}`);
      this.addNode(topic, "operations", "queue", [`SNS topic ${literal(this.body(topic).name)}`, counted.length ? `subscriptions: ${counted.join(", ")}` : "no subscriptions"], [
        ...subscriptions,
        ...this.graph.referrers(topic, "aws_sns_topic_policy"),
      ]);
    }
  }

  // --- edge -------------------------------------------------------------------------------------

  private edge(): void {
    for (const distribution of this.unclaimed("aws_cloudfront_distribution")) {
      const body = this.body(distribution);
      const aliases = asArray<string>(body.aliases);
      const parts = this.allTargets(distribution).filter((target) => target.type.startsWith("aws_cloudfront_"));
      const logSources = this.graph.referrers(distribution, "aws_cloudwatch_log_delivery_source");
      const logDeliveries = logSources.flatMap((source) => this.graph.referrers(source, "aws_cloudwatch_log_delivery"));
      const logDestinations = logDeliveries.flatMap((delivery) => this.targets(delivery, this.body(delivery).delivery_destination_arn, "aws_cloudwatch_log_delivery_destination"));
      const distributionId = this.addNode(
        distribution,
        "edge",
        "box",
        ["CloudFront distribution", aliases.length ? aliases.join(", ") : "default *.cloudfront.net domain", ...(logSources.length ? ["access logs to S3"] : [])],
        [...parts, ...logSources, ...logDeliveries, ...logDestinations],
      );
      this.link({ node: VIEWERS }, { node: distributionId }, "HTTPS");

      const behaviors = [{ ...body.default_cache_behavior, path_pattern: "default" }, ...asArray<Body>(body.ordered_cache_behavior)];
      for (const origin of asArray<Body>(body.origin)) {
        const patterns = behaviors.filter((behavior) => behavior.target_origin_id === origin.origin_id).map((behavior) => behavior.path_pattern as string);
        for (const target of this.targets(distribution, origin.domain_name)) {
          if (target.type === "aws_s3_bucket" && !this.isClaimed(target)) {
            this.addNode(target, "edge", "store", [`S3 site bucket`, literal(this.body(target).bucket ?? target.name)], this.bucketSettings(target));
          }
          this.link(distribution, target, patterns.join(", ") + (origin.origin_access_control_id ? " (OAC)" : ""));
        }
      }

      const webAcl = this.target(distribution, body.web_acl_id, "aws_wafv2_web_acl");
      if (webAcl) {
        const acl = this.body(webAcl);
        const rules = asArray<Body>(acl.rule);
        const rateRules = rules.filter((rule) => rule.statement?.rate_based_statement).length;
        const managed = rules.filter((rule) => rule.statement?.managed_rule_group_statement).length;
        const logging = this.graph.referrers(webAcl, "aws_wafv2_web_acl_logging_configuration");
        this.addNode(
          webAcl,
          "edge",
          "box",
          [`WAF web ACL ${literal(acl.name)}`, [plural(managed, "managed rule group"), rateRules ? plural(rateRules, "rate rule") : ""].filter(Boolean).join(", ")],
          logging,
        );
        this.link(webAcl, distribution, "filters requests", { dotted: true });
      }

      for (const validation of this.targets(distribution, body.viewer_certificate, "aws_acm_certificate_validation")) {
        for (const certificate of this.targets(validation, this.body(validation), "aws_acm_certificate")) {
          if (!this.isClaimed(certificate)) {
            const validationRecords = this.graph.referrers(certificate, "aws_route53_record");
            this.addNode(certificate, "edge", "box", ["ACM certificate", literal(this.body(certificate).domain_name), `validated by ${this.body(certificate).validation_method}`], [
              validation,
              ...validationRecords,
            ]);
          }
          this.link(certificate, distribution, "TLS", { dotted: true });
        }
      }

      const records = this.graph.referrers(distribution, "aws_route53_record").filter((record) => !this.isClaimed(record));
      if (records.length) {
        const types = [...new Set(records.map((record) => this.body(record).type as string))].sort();
        const names = [...new Set(records.map((record) => literal(this.body(record).name)))].sort();
        const recordsId = this.addNode(records[0], "edge", "box", [`Route53 ${types.join(", ")} alias`, ...names], records.slice(1), { id: "dns_records" });
        this.link({ node: VIEWERS }, { node: recordsId }, "DNS");
        this.link({ node: recordsId }, distribution, "alias", { dotted: true });
      }
    }
  }

  private bucketSettings(bucket: Address): Address[] {
    return this.graph
      .referrers(bucket)
      .filter((referrer) => referrer.type.startsWith("aws_s3_bucket_") && this.targets(referrer, this.body(referrer).bucket).some((target) => keyOf(target) === keyOf(bucket)));
  }

  // --- API --------------------------------------------------------------------------------------

  private api(): void {
    for (const api of this.unclaimed("aws_apigatewayv2_api")) {
      const stages = this.graph.referrers(api, "aws_apigatewayv2_stage");
      const throttling = stages.map((stage) => this.body(stage).default_route_settings).find((settings) => settings?.throttling_rate_limit !== undefined);
      this.addNode(api, "api", "box", [
        `${this.body(api).protocol_type} API ${literal(this.body(api).name)}`,
        ...(throttling ? [`throttle ${throttling.throttling_rate_limit} rps, burst ${throttling.throttling_burst_limit}`] : []),
      ], stages);
    }

    for (const integration of this.unclaimed("aws_apigatewayv2_integration")) {
      const body = this.body(integration);
      const routes = this.graph.referrers(integration, "aws_apigatewayv2_route");
      const routeKeys = routes.map((route) => this.body(route).route_key as string).sort();
      const permissions = this.targets(integration, body.integration_uri, "aws_lambda_function").flatMap((fn) =>
        this.graph.referrers(fn, "aws_lambda_permission").filter((permission) => this.body(permission).principal === "apigateway.amazonaws.com"),
      );
      const routesId = this.addNode(integration, "api", "box", ["Routes", ...routeKeys, `${body.integration_type}${body.connection_type === "VPC_LINK" ? " over VPC link" : ""}`], [...routes, ...permissions], {
        id: "routes",
      });
      for (const api of this.targets(integration, body.api_id, "aws_apigatewayv2_api")) this.link(api, { node: routesId }, plural(routes.length, "route"));

      const vpcLink = this.target(integration, body.connection_id, "aws_apigatewayv2_vpc_link");
      if (vpcLink) {
        if (!this.isClaimed(vpcLink)) this.addNode(vpcLink, "api", "box", [`VPC link ${literal(this.body(vpcLink).name)}`]);
        this.link({ node: routesId }, vpcLink, "");
      }
      for (const target of this.targets(integration, body.integration_uri)) {
        if (target.type === "aws_lb_listener") this.loadBalancer(this.targets(target, this.body(target).load_balancer_arn, "aws_lb")[0]);
        this.link(vpcLink ?? { node: routesId }, target, target.type === "aws_lambda_function" ? "invoke" : "HTTP");
      }
    }
  }

  private loadBalancer(lb: Address | undefined): void {
    if (!lb || this.isClaimed(lb)) return;
    const body = this.body(lb);
    const listeners = this.graph.referrers(lb, "aws_lb_listener");
    const targetGroups = listeners.flatMap((listener) => this.targets(listener, this.body(listener).default_action, "aws_lb_target_group"));
    const healthChecks = targetGroups.map((group) => this.body(group).health_check?.path).filter(Boolean);
    const logBuckets = this.targets(lb, body.access_logs, "aws_s3_bucket");
    this.addNode(
      lb,
      "api",
      "box",
      [
        `${body.internal ? "Internal" : "Internet-facing"} ${body.load_balancer_type === "application" ? "ALB" : "load balancer"} ${literal(body.name)}`,
        ...listeners.map((listener) => `listener ${this.body(listener).protocol} :${this.body(listener).port}`),
        ...healthChecks.map((path) => `health check ${path}`),
        ...(logBuckets.length ? ["access logs to S3"] : []),
      ],
      [...listeners, ...targetGroups],
    );
    for (const group of targetGroups) {
      for (const service of this.graph.referrers(group, "aws_ecs_service")) this.link(lb, service, `${this.body(group).protocol} :${this.body(group).port}`);
    }
  }

  // --- compute ----------------------------------------------------------------------------------

  private compute(): void {
    for (const fn of this.unclaimed("aws_lambda_function")) {
      const body = this.body(fn);
      const packaging = body.package_type === "Image" ? "container image" : `${body.runtime} zip`;
      const roles = this.targets(fn, body.role, "aws_iam_role");
      const logGroups = this.targets(fn, body.logging_config, "aws_cloudwatch_log_group");
      const id = this.addNode(
        fn,
        "compute",
        "unit",
        [
          `λ ${literal(body.function_name)}`,
          `${packaging}, ${body.memory_size ?? 128} MB`,
          ...(body.reserved_concurrent_executions !== undefined ? [`reserved concurrency ${body.reserved_concurrent_executions}`] : []),
        ],
        [...roles, ...logGroups],
      );
      // A function outside the VPC (the origin secret's rotation) shares none of the workloads'
      // network edges: counting it would split every arrow the workloads have in common.
      if (body.vpc_config) this.units.push(id);
      this.computeRelations(fn, roles, body.vpc_config?.security_group_ids, body.vpc_config?.subnet_ids, [body.environment, body.image_uri]);
      const dlq = this.targets(fn, body.dead_letter_config)[0];
      if (dlq) this.link(fn, dlq, "failed async events");
      for (const layer of this.targets(fn, body.layers, "aws_lambda_layer_version")) {
        if (!this.isClaimed(layer)) {
          const layerBody = this.body(layer);
          this.addNode(layer, "compute", "box", [`Lambda layer ${literal(layerBody.layer_name)}`, asArray<string>(layerBody.compatible_runtimes).join(", ")]);
        }
        this.link(layer, fn, "layer", { dotted: true });
      }
    }

    for (const service of this.unclaimed("aws_ecs_service")) {
      const body = this.body(service);
      const cluster = this.target(service, body.cluster, "aws_ecs_cluster");
      const taskDefinition = this.target(service, body.task_definition, "aws_ecs_task_definition");
      const task = taskDefinition ? this.body(taskDefinition) : {};
      const roles = taskDefinition ? this.targets(taskDefinition, [task.task_role_arn, task.execution_role_arn], "aws_iam_role") : [];
      const taskRoles = taskDefinition ? this.targets(taskDefinition, task.task_role_arn, "aws_iam_role") : [];
      const logGroups = taskDefinition ? this.targets(taskDefinition, task.container_definitions, "aws_cloudwatch_log_group") : [];
      const scalingTargets = [...this.graph.referrers(service, "aws_appautoscaling_target")];
      const scaling = scalingTargets.flatMap((target) => [target, ...this.graph.referrers(target)]);
      const scheduled = scaling.filter((address) => address.type === "aws_appautoscaling_scheduled_action").length;
      const capacity = scalingTargets.map((target) => this.body(target)).map((target) => `${target.min_capacity}-${target.max_capacity} tasks`);
      const id = this.addNode(
        service,
        "compute",
        "unit",
        [
          `ECS ${body.launch_type === "FARGATE" ? "Fargate " : ""}service ${literal(body.name)}`,
          ...(taskDefinition ? [`${task.cpu} CPU units, ${task.memory} MB`] : []),
          ...(capacity.length ? [`${capacity.join(", ")}${scheduled ? `, ${plural(scheduled, "scheduled action")}` : ""}`] : [`${body.desired_count} tasks`]),
          ...(cluster ? [`cluster ${literal(this.body(cluster).name)}`] : []),
        ],
        [...(cluster ? [cluster] : []), ...(taskDefinition ? [taskDefinition] : []), ...roles, ...logGroups, ...scaling],
      );
      this.units.push(id);
      this.computeRelations(service, taskRoles, body.network_configuration?.security_groups, body.network_configuration?.subnets, [task.container_definitions], taskDefinition);
    }
  }

  /** The edges every compute unit gets from its grants, security groups, subnets and settings. */
  private computeRelations(unit: Address, roles: Address[], securityGroups: unknown, subnets: unknown, settings: unknown[], settingsOwner: Address = unit): void {
    const verbsByTarget = new Map<string, { target: Address; service: string; verbs: Set<string> }>();
    for (const role of roles) {
      for (const { service, verbs, target } of this.grants(role)) {
        const key = `${keyOf(target)}|${service}`;
        const entry = verbsByTarget.get(key) ?? { target, service, verbs: new Set<string>() };
        verbs.forEach((verb) => entry.verbs.add(verb));
        verbsByTarget.set(key, entry);
      }
    }
    for (const { target, service, verbs } of verbsByTarget.values()) this.link(unit, target, `${service} ${[...verbs].sort().join("/")}`, { weak: true });
    for (const target of this.targets(settingsOwner, settings)) {
      if (target.type === "aws_ecr_repository") this.link(target, unit, "image", { dotted: true });
      else if (!target.type.startsWith("data.") && target.type !== "aws_cloudwatch_log_group" && !target.type.startsWith("aws_iam_")) this.link(unit, target, "environment", { weak: true });
    }
    for (const group of this.targets(unit, securityGroups, "aws_security_group")) {
      for (const rule of this.graph.referrers(group, "aws_vpc_security_group_egress_rule")) {
        const ruleBody = this.body(rule);
        if (!this.targets(rule, ruleBody.security_group_id).some((owner) => keyOf(owner) === keyOf(group))) continue;
        const protocol = String(ruleBody.ip_protocol);
        const ports = ruleBody.from_port === ruleBody.to_port ? `${ruleBody.from_port}` : `${ruleBody.from_port}-${ruleBody.to_port}`;
        const allowed = protocol === "-1" ? "all traffic" : `${protocol.toUpperCase()} ${ports}`;
        for (const peer of this.targets(rule, ruleBody.referenced_security_group_id, "aws_security_group")) {
          for (const member of this.graph.referrers(peer)) {
            if (/^aws_(rds_cluster|db_proxy|elasticache_serverless_cache|elasticache_replication_group|lb|ecs_service|lambda_function)$/.test(member.type) && keyOf(member) !== keyOf(unit)) {
              this.link(unit, member, allowed, { reachable: true });
            }
          }
        }
      }
    }
    const unitSubnets = this.targets(unit, subnets, "aws_subnet");
    const routeTables = unitSubnets.flatMap((subnet) => this.routeTablesOf(subnet));
    for (const route of routeTables.flatMap((table) => this.routesOf(table))) {
      if (route.via) this.link(unit, route.via, route.destination);
    }
    for (const endpoint of this.graph.ofType("aws_vpc_endpoint")) {
      const endpointBody = this.body(endpoint);
      const keys = endpointBody.vpc_endpoint_type === "Gateway" ? routeTables.map(keyOf) : unitSubnets.map(keyOf);
      const value = endpointBody.vpc_endpoint_type === "Gateway" ? endpointBody.route_table_ids : endpointBody.subnet_ids;
      if (this.targets(endpoint, value).some((address) => keys.includes(keyOf(address)))) this.link(unit, endpoint, endpointBody.vpc_endpoint_type === "Gateway" ? "route" : "HTTPS");
    }
  }

  /** What a role's policies allow on resources of the stacks, as `service verbs` per target. */
  private grants(role: Address): { service: string; verbs: string[]; target: Address }[] {
    const policies = [
      ...this.graph.referrers(role, "aws_iam_role_policy").map((policy) => ({ owner: policy, value: this.body(policy).policy })),
      ...this.graph.referrers(role, "aws_iam_role_policy_attachment").flatMap((attachment) => {
        this.use(attachment);
        return this.targets(attachment, this.body(attachment).policy_arn, "aws_iam_policy").map((policy) => ({ owner: policy, value: this.body(policy).policy }));
      }),
    ];
    const found: { service: string; verbs: string[]; target: Address }[] = [];
    for (const { owner, value } of policies) {
      if (owner.type === "aws_iam_role_policy") this.use(owner);
      for (const statement of this.statements(owner, value)) {
        if (statement.effect !== "Allow") continue;
        // Key use, own logs, tracing and network interfaces come with every unit; as edges they would
        // tie every unit to the key and say nothing about what flows where.
        const actions = statement.actions.filter((action) => !/^(kms|logs|xray|ec2):/.test(action));
        if (!actions.length) continue;
        const service = actions[0].split(":")[0];
        const verbs = [...new Set(actions.map((action) => verbOf(action)))];
        for (const resource of statement.resources) {
          for (const target of this.targets(statement.source, resource)) {
            if (!target.type.startsWith("data.") && !target.type.startsWith("aws_iam_") && target.type !== "aws_cloudwatch_log_group") found.push({ service, verbs, target });
          }
          const parameterPath = /:parameter(\/[^$]*)$/.exec(resource)?.[1];
          if (parameterPath !== undefined) {
            const pattern = new RegExp(`^${parameterPath.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
            // Parameters are one node, so the first one the grant covers stands for all.
            const parameter = this.graph.ofType("aws_ssm_parameter").find((candidate) => pattern.test(this.body(candidate).name));
            if (parameter) found.push({ service, verbs, target: parameter });
          }
        }
      }
    }
    return found;
  }

  /** Statements of a policy given as a policy document data source or as JSON. */
  private statements(owner: Address, policy: unknown): { source: Address; effect: string; actions: string[]; resources: string[] }[] {
    const documents = typeof policy === "string" ? this.targets(owner, policy, "data.aws_iam_policy_document") : [];
    if (documents.length) {
      return documents.flatMap((document) =>
        asArray<Body>(this.body(document).statement).map((statement) => ({
          source: document,
          effect: statement.effect ?? "Allow",
          actions: asArray<string>(statement.actions),
          resources: asArray<string>(statement.resources),
        })),
      );
    }
    if (typeof policy !== "string" || !policy.trim().startsWith("{")) return [];
    return asArray<Body>(JSON.parse(policy).Statement).map((statement) => ({
      source: owner,
      effect: statement.Effect,
      actions: asArray<string>(statement.Action),
      resources: asArray<string>(statement.Resource),
    }));
  }

  private routeTablesOf(subnet: Address): Address[] {
    return this.graph
      .referrers(subnet, "aws_route_table_association")
      .flatMap((association) => this.targets(association, this.body(association).route_table_id, "aws_route_table"));
  }

  /** A route table's routes (separate aws_route resources and inline ones) and what they go through. */
  private routesOf(table: Address): { destination: string; via?: Address }[] {
    const routes = [
      ...this.graph.referrers(table, "aws_route").map((route) => ({ owner: route, body: this.body(route) })),
      ...asArray<Body>(this.body(table).route).map((route) => ({ owner: table, body: route })),
    ];
    return routes.map(({ owner, body }) => ({
      destination: body.destination_cidr_block ?? body.destination_ipv6_cidr_block ?? body.destination_prefix_list_id ?? "route",
      via: this.targets(owner, [body.nat_gateway_id, body.egress_only_gateway_id, body.gateway_id, body.vpc_endpoint_id, body.transit_gateway_id])[0],
    }));
  }

  // --- data -------------------------------------------------------------------------------------

  private data(): void {
    for (const cluster of this.unclaimed("aws_rds_cluster")) {
      const body = this.body(cluster);
      const scaling = body.serverlessv2_scaling_configuration;
      const engine = `${body.engine === "aurora-postgresql" ? "Aurora PostgreSQL" : body.engine === "aurora-mysql" ? "Aurora MySQL" : body.engine} ${body.engine_version ?? ""}`.trim();
      const supporting = this.allTargets(cluster).filter((target) => /^aws_(rds_cluster_parameter_group|db_subnet_group)$/.test(target.type));
      const clusterId = this.addNode(
        cluster,
        "data",
        "store",
        // One line: Mermaid does not make room for a taller title above the instances.
        [[engine, scaling ? `Serverless v2 ${scaling.min_capacity}-${scaling.max_capacity} ACU` : ""].filter(Boolean).join(", ")],
        supporting,
        { container: true },
      );
      // Aurora makes the first instance created the writer: the one the others wait for, else the
      // one with the lowest promotion tier.
      const instances = this.graph.referrers(cluster, "aws_rds_cluster_instance");
      const dependsOnOthers = (instance: Address) =>
        asArray<string>(this.body(instance).depends_on).filter((dependency) => instances.some((other) => dependency === `aws_rds_cluster_instance.${other.name}`)).length;
      const ordered = [...instances].sort(
        (a, b) => dependsOnOthers(a) - dependsOnOthers(b) || (this.body(a).promotion_tier ?? 0) - (this.body(b).promotion_tier ?? 0) || a.name.localeCompare(b.name),
      );
      const [writer, ...readers] = ordered;
      this.ownBy(cluster, ...instances.flatMap((instance) => this.targets(instance, this.body(instance).monitoring_role_arn, "aws_iam_role")));
      if (writer) {
        this.addNode(writer, "data", "store", ["writer", literal(this.body(writer).identifier), this.body(writer).instance_class], [], { parent: clusterId, id: "database_writer" });
      }
      if (readers.length) {
        this.addNode(readers[0], "data", "store", [`${plural(readers.length, "reader")}`, ...readers.map((reader) => literal(this.body(reader).identifier))], readers.slice(1), {
          parent: clusterId,
          id: "database_readers",
        });
      }
    }

    for (const proxy of this.unclaimed("aws_db_proxy")) {
      const body = this.body(proxy);
      const auth = asArray<Body>(body.auth).map((entry) => (entry.iam_auth === "REQUIRED" ? "IAM auth" : "secret auth"));
      const targets = this.graph.referrers(proxy, "aws_db_proxy_target");
      const roles = this.targets(proxy, body.role_arn, "aws_iam_role");
      this.addNode(proxy, "data", "box", [`RDS Proxy ${literal(body.name)}`, [...new Set(auth), body.require_tls ? "TLS required" : ""].filter(Boolean).join(", ")], [
        ...targets,
        ...this.graph.referrers(proxy, "aws_db_proxy_default_target_group"),
        ...roles,
      ]);
      for (const target of targets) {
        for (const cluster of this.targets(target, this.body(target).db_cluster_identifier, "aws_rds_cluster")) this.link(proxy, cluster, "pooled connections");
      }
    }

    for (const cache of this.unclaimed("aws_elasticache_serverless_cache")) {
      const body = this.body(cache);
      const limits = asArray<Body>(body.cache_usage_limits)[0];
      const storage = asArray<Body>(limits?.data_storage)[0];
      const ecpu = asArray<Body>(limits?.ecpu_per_second)[0];
      this.addNode(cache, "data", "store", [
        "ElastiCache Serverless",
        `${body.engine} ${body.major_engine_version ?? ""}`.trim(),
        [storage ? `≤ ${storage.maximum} ${storage.unit}` : "", ecpu ? `≤ ${ecpu.maximum} ECPU/s` : ""].filter(Boolean).join(", "),
      ].filter(Boolean));
    }

    for (const table of this.unclaimed("aws_dynamodb_table")) {
      const body = this.body(table);
      this.addNode(table, "data", "store", [`DynamoDB table ${literal(body.name)}`, [body.billing_mode === "PAY_PER_REQUEST" ? "on demand" : body.billing_mode, body.point_in_time_recovery?.enabled ? "PITR" : ""].filter(Boolean).join(", ")]);
    }

    const logBuckets = new Map<string, Address>();
    for (const bucket of this.unclaimed("aws_s3_bucket")) {
      if (this.isLogBucket(bucket)) logBuckets.set(keyOf(bucket), bucket);
      else this.addNode(bucket, "data", "store", ["S3 bucket", literal(this.body(bucket).bucket ?? bucket.name)], this.bucketSettings(bucket));
    }
    for (const stack of [...new Set([...logBuckets.values()].map((bucket) => bucket.stack))]) {
      const inStack = [...logBuckets.values()].filter((bucket) => bucket.stack === stack);
      this.addNode(inStack[0], "operations", "store", [`S3 log buckets ×${inStack.length}`, ...inStack.map((bucket) => literal(this.body(bucket).bucket ?? bucket.name))], [
        ...inStack.slice(1),
        ...inStack.flatMap((bucket) => this.bucketSettings(bucket)),
      ], { id: "log_buckets" });
    }

    for (const secret of this.unclaimed("aws_secretsmanager_secret")) {
      this.addNode(secret, "data", "box", [`Secrets Manager secret`, literal(this.body(secret).name)], this.graph.referrers(secret, "aws_secretsmanager_secret_version"));
    }

    const parameters = this.unclaimed("aws_ssm_parameter");
    if (parameters.length) {
      const names = parameters.map((parameter) => this.body(parameter).name as string).sort();
      const prefix = commonPrefix(names.map((name) => name.split("/").slice(0, -1)));
      const groups = [...new Set(names.map((name) => name.split("/")[prefix.length]))].sort();
      this.addNode(parameters[0], "data", "box", [`SSM parameters ×${parameters.length}`, `${prefix.join("/")}/{${groups.join(", ")}}`], parameters.slice(1), { id: "parameters" });
    }

    for (const repository of this.unclaimed("aws_ecr_repository")) {
      const body = this.body(repository);
      this.addNode(repository, "images", "store", [`ECR repository ${literal(body.name)}`, ...(body.image_tag_mutability === "IMMUTABLE" ? ["immutable tags"] : [])]);
    }
  }

  /** A bucket other resources deliver logs into. */
  private isLogBucket(bucket: Address): boolean {
    return this.graph.referrers(bucket).some((referrer) => {
      const body = this.body(referrer);
      const names = (value: unknown) => this.targets(referrer, value).some((target) => keyOf(target) === keyOf(bucket));
      if (referrer.type === "aws_s3_bucket_logging") return names(body.target_bucket);
      if (referrer.type === "aws_lb") return names(body.access_logs);
      if (referrer.type === "aws_cloudfront_distribution") return names(body.logging_config);
      return referrer.type === "aws_cloudwatch_log_delivery_destination";
    });
  }

  // --- queues and schedules ---------------------------------------------------------------------

  private messaging(): void {
    const queues = this.unclaimed("aws_sqs_queue");
    const deadLetterTargets = new Set<string>();
    for (const queue of queues) {
      const redrive = this.body(queue).redrive_policy;
      for (const dlq of this.targets(queue, redrive, "aws_sqs_queue")) {
        deadLetterTargets.add(keyOf(dlq));
        const maxReceiveCount = typeof redrive === "string" ? /"maxReceiveCount"\s*:\s*(\d+)/.exec(redrive)?.[1] : redrive?.maxReceiveCount;
        this.link(queue, dlq, maxReceiveCount ? `after ${maxReceiveCount} receives` : "redrive");
      }
    }
    for (const queue of queues) {
      const body = this.body(queue);
      const isDeadLetter = deadLetterTargets.has(keyOf(queue));
      this.addNode(queue, "messaging", "queue", [`SQS ${isDeadLetter ? "dead-letter queue" : "queue"}`, literal(body.name ?? queue.name)], [
        ...this.graph.referrers(queue, "aws_sqs_queue_redrive_allow_policy"),
        ...this.graph.referrers(queue, "aws_sqs_queue_policy"),
      ]);
    }

    for (const mapping of this.unclaimed("aws_lambda_event_source_mapping")) {
      const body = this.body(mapping);
      this.use(mapping);
      const details = [
        `batch ${body.batch_size ?? 10}`,
        ...(body.scaling_config?.maximum_concurrency ? [`≤ ${body.scaling_config.maximum_concurrency} concurrent`] : []),
        ...(asArray<string>(body.function_response_types).includes("ReportBatchItemFailures") ? ["partial failures"] : []),
      ];
      for (const source of this.targets(mapping, body.event_source_arn)) {
        for (const fn of this.targets(mapping, body.function_name, "aws_lambda_function")) this.link(source, fn, `triggers: ${details.join(", ")}`);
      }
    }

    for (const schedule of this.unclaimed("aws_scheduler_schedule")) {
      const body = this.body(schedule);
      const roles = this.targets(schedule, body.target?.role_arn, "aws_iam_role");
      const groups = this.targets(schedule, body.group_name, "aws_scheduler_schedule_group");
      this.use(...roles.flatMap((role) => [role, ...this.graph.referrers(role)]), ...groups);
      this.addNode(schedule, "messaging", "box", [`EventBridge Scheduler ${literal(body.name ?? schedule.name)}`, `${body.schedule_expression} ${body.schedule_expression_timezone ?? ""}`.trim()], roles);
      for (const target of this.targets(schedule, body.target?.arn)) this.link(schedule, target, "invoke");
      for (const dlq of this.targets(schedule, body.target?.dead_letter_config)) this.link(schedule, dlq, "undelivered events", { dotted: true });
    }
    for (const group of this.unclaimed("aws_scheduler_schedule_group")) {
      this.addNode(group, "messaging", "box", [`Scheduler group ${literal(this.body(group).name ?? group.name)}`]);
    }
  }

  // --- network ----------------------------------------------------------------------------------

  private network(): void {
    for (const vpc of this.unclaimed("aws_vpc")) {
      const body = this.body(vpc);
      const subnets = this.graph.referrers(vpc, "aws_subnet");
      const zones = new Set(subnets.map((subnet) => this.body(subnet).availability_zone ?? this.body(subnet).availability_zone_id));
      const kinds = new Map<string, number>();
      for (const subnet of subnets) {
        const via = this.routeTablesOf(subnet).flatMap((table) => this.routesOf(table)).map((route) => route.via?.type);
        const kind = via.includes("aws_internet_gateway")
          ? "public"
          : [via.includes("aws_nat_gateway") ? "NAT" : "", via.includes("aws_egress_only_internet_gateway") ? "egress-only IGW" : ""].filter(Boolean).join(" + ").replace(/^(.)/, "via $1") || "isolated";
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      const dualStack = subnets.filter((subnet) => this.body(subnet).ipv6_cidr_block || this.body(subnet).ipv6_native || this.body(subnet).assign_ipv6_address_on_creation).length;
      const flowLogs = this.graph.referrers(vpc, "aws_flow_log");
      const owned = this.graph.all().filter((address) =>
        /^aws_(subnet|route_table|route|route_table_association|security_group|vpc_security_group_(ingress|egress)_rule|default_network_acl|default_security_group|default_route_table|network_acl|flow_log|db_subnet_group|elasticache_subnet_group)$/.test(address.type) &&
        address.stack === vpc.stack &&
        !this.isClaimed(address),
      );
      const flowLogParts = flowLogs.flatMap((flowLog) => this.allTargets(flowLog)).filter((address) => /^aws_(iam_role|cloudwatch_log_group)$/.test(address.type));
      const flowLogRolePolicies = flowLogParts.filter((address) => address.type === "aws_iam_role").flatMap((role) => this.graph.referrers(role, "aws_iam_role_policy"));
      this.addNode(
        vpc,
        "network",
        "box",
        [
          `VPC ${body.cidr_block}${body.assign_generated_ipv6_cidr_block ? " + IPv6" : ""}`,
          `${plural(subnets.length, "subnet")} in ${plural(zones.size, "AZ")}`,
          [...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([kind, count]) => `${count} ${kind}`).join(", "),
          ...(dualStack ? [`${dualStack} dual-stack`] : []),
          ...(flowLogs.length ? ["flow logs"] : []),
        ],
        [...owned, ...flowLogParts, ...flowLogRolePolicies],
      );
    }

    for (const gateway of this.unclaimed("aws_internet_gateway")) this.addNode(gateway, "network", "box", ["Internet gateway"]);
    for (const gateway of this.unclaimed("aws_egress_only_internet_gateway")) this.addNode(gateway, "network", "box", ["Egress-only internet gateway", "IPv6 out only"]);

    const natGateways = this.unclaimed("aws_nat_gateway");
    if (natGateways.length) {
      const eips = natGateways.flatMap((nat) => this.targets(nat, this.body(nat).allocation_id, "aws_eip"));
      const natId = this.addNode(natGateways[0], "network", "box", [`NAT gateways ×${natGateways.length}`], [...natGateways.slice(1), ...eips], { id: "nat_gateways" });
      for (const nat of natGateways) {
        for (const route of this.targets(nat, this.body(nat).subnet_id, "aws_subnet").flatMap((subnet) => this.routeTablesOf(subnet)).flatMap((table) => this.routesOf(table))) {
          if (route.via) this.link({ node: natId }, route.via, route.destination);
        }
      }
    }

    for (const type of ["Interface", "Gateway"]) {
      const endpoints = this.unclaimed("aws_vpc_endpoint").filter((endpoint) => (this.body(endpoint).vpc_endpoint_type ?? "Gateway") === type);
      if (!endpoints.length) continue;
      const services = endpoints.map((endpoint) => (this.body(endpoint).service_name as string).split(".").pop()).sort();
      const subnetCounts = [...new Set(endpoints.map((endpoint) => asArray(this.body(endpoint).subnet_ids).length))];
      this.addNode(
        endpoints[0],
        "network",
        "box",
        [`${type} endpoints`, services.join(", "), ...(type === "Interface" ? [`in ${subnetCounts.map((count) => plural(count, "subnet")).join(" / ")} each`] : [])],
        endpoints.slice(1),
        { id: `${type.toLowerCase()}_endpoints` },
      );
    }
  }

  // --- operations -------------------------------------------------------------------------------

  private operations(): void {
    const alarms = this.unclaimed("aws_cloudwatch_metric_alarm");
    for (const stack of [...new Set(alarms.map((alarm) => alarm.stack))]) {
      const inStack = alarms.filter((alarm) => alarm.stack === stack);
      const namespaces = new Map<string, number>();
      for (const alarm of inStack) {
        const body = this.body(alarm);
        const namespace = (body.namespace ?? asArray<Body>(body.metric_query).find((query) => query.metric?.namespace)?.metric.namespace ?? "metric math").replace(/^AWS\//, "");
        namespaces.set(namespace, (namespaces.get(namespace) ?? 0) + 1);
      }
      const alarmsId = this.addNode(
        inStack[0],
        "operations",
        "box",
        [`CloudWatch alarms ×${inStack.length}`, [...namespaces].sort(([a], [b]) => a.localeCompare(b)).map(([namespace, count]) => `${namespace} ${count}`).join(", ")],
        inStack.slice(1),
        { id: "alarms" },
      );
      for (const alarm of inStack) {
        const body = this.body(alarm);
        for (const target of this.targets(alarm, [body.alarm_actions, body.ok_actions])) this.link({ node: alarmsId }, target, "alarm, OK");
      }
    }

    for (const dashboard of this.unclaimed("aws_cloudwatch_dashboard")) this.addNode(dashboard, "operations", "box", [`CloudWatch dashboard`, literal(this.body(dashboard).dashboard_name)]);

    for (const vault of this.unclaimed("aws_backup_vault")) {
      const body = this.body(vault);
      const locks = this.graph.referrers(vault, "aws_backup_vault_lock_configuration");
      const keys = this.targets(vault, body.kms_key_arn, "aws_kms_key").filter((key) => key.stack === vault.stack);
      const notifications = this.graph.referrers(vault, "aws_backup_vault_notifications");
      const region = this.providerRegion(vault, body.provider);
      this.addNode(vault, "operations", "store", [`Backup vault ${literal(body.name)}`, [region, locks.length ? "vault lock" : "", keys.length ? "own KMS key" : ""].filter(Boolean).join(", ")], [
        ...locks,
        ...keys,
        ...keys.flatMap((key) => this.graph.referrers(key, "aws_kms_alias")),
        ...notifications,
      ]);
      for (const notification of notifications) {
        for (const topic of this.targets(notification, this.body(notification).sns_topic_arn)) this.link(vault, topic, "vault events");
      }
    }

    for (const plan of this.unclaimed("aws_backup_plan")) {
      const rules = asArray<Body>(this.body(plan).rule);
      const selections = this.graph.referrers(plan, "aws_backup_selection");
      const tags = selections.flatMap((selection) => asArray<Body>(this.body(selection).selection_tag)).map((tag) => `${tag.key}=${literal(tag.value)}`);
      const roles = selections.flatMap((selection) => this.targets(selection, this.body(selection).iam_role_arn, "aws_iam_role"));
      this.addNode(
        plan,
        "operations",
        "box",
        [
          `AWS Backup plan ${literal(this.body(plan).name)}`,
          ...rules.map((rule) => `${rule.rule_name}: ${rule.lifecycle?.delete_after ?? "∞"} days${rule.enable_continuous_backup ? ", continuous" : ""}`),
          ...(tags.length ? [`and anything tagged ${tags.join(", ")}`] : []),
        ],
        [...selections, ...roles],
      );
      for (const rule of rules) {
        for (const vault of this.targets(plan, rule.target_vault_name, "aws_backup_vault")) this.link(plan, vault, rule.rule_name);
        for (const copy of asArray<Body>(rule.copy_action)) {
          for (const vault of this.targets(plan, copy.destination_vault_arn, "aws_backup_vault")) {
            for (const source of this.targets(plan, rule.target_vault_name, "aws_backup_vault")) this.link(source, vault, `copies ${rule.rule_name}`);
          }
        }
      }
      for (const selection of selections) {
        for (const target of this.targets(selection, this.body(selection).resources)) this.link(plan, target, "backs up", { dotted: true });
      }
      // A rule matching this plan's jobs (its pattern names the plan's vault) is part of the plan.
      const vaultNames = rules.flatMap((rule) => this.targets(plan, rule.target_vault_name, "aws_backup_vault")).map((vault) => literal(this.body(vault).name));
      for (const rule of this.unclaimed("aws_cloudwatch_event_rule")) {
        const pattern = this.body(rule).event_pattern;
        if (typeof pattern !== "string" || !pattern.includes('"aws.backup"') || !vaultNames.some((name) => pattern.includes(`"${name}"`))) continue;
        const eventTargets = this.graph.referrers(rule, "aws_cloudwatch_event_target");
        this.ownBy(plan, rule, ...eventTargets);
        for (const eventTarget of eventTargets) {
          for (const target of this.targets(eventTarget, this.body(eventTarget).arn)) this.link(plan, target, "job failures");
        }
      }
    }

    for (const rule of this.unclaimed("aws_cloudwatch_event_rule")) {
      const body = this.body(rule);
      const eventTargets = this.graph.referrers(rule, "aws_cloudwatch_event_target");
      this.addNode(rule, "operations", "box", [`EventBridge rule ${literal(body.name ?? rule.name)}`, ...(body.description ? [literal(body.description)] : [])], eventTargets);
      for (const eventTarget of eventTargets) {
        for (const target of this.targets(eventTarget, this.body(eventTarget).arn)) this.link(rule, target, "matching events");
      }
    }
  }

  private providerRegion(address: Address, provider: string | undefined): string {
    const alias = provider?.split(".")[1];
    const providers = asArray<Body>(this.graph.stacks.get(address.stack)?.provider?.aws);
    const config = providers.find((candidate) => candidate.alias === alias) ?? {};
    return config.region ?? "";
  }

  // --- everything else --------------------------------------------------------------------------

  /** Supporting resources go on the one node they reference or are referenced by. */
  private foldSupporting(): void {
    for (let changed = true; changed; ) {
      changed = false;
      for (const address of this.graph.all()) {
        if (address.type.startsWith("data.") || this.isClaimed(address) || !SUPPORTING_TYPES.some((pattern) => pattern.test(address.type))) continue;
        // Same stack only: a log group's key or a bucket's alert topic is another stack's concern.
        // What it references (the role an attachment configures) decides before what references it.
        const sameStack = (neighbours: Address[]) => neighbours.filter((neighbour) => neighbour.stack === address.stack);
        const nodesOf = (neighbours: Address[]) => [...new Set(sameStack(neighbours).map((neighbour) => this.nodeOf(neighbour)).filter((id): id is string => id !== undefined))];
        const outgoing = nodesOf([...this.allTargets(address), ...this.graph.dependencies(address)]);
        const candidates = outgoing.length === 1 ? outgoing : nodesOf([...this.allTargets(address), ...this.graph.dependencies(address), ...this.graph.referrers(address), ...this.graph.dependents(address)]);
        if (candidates.length === 1) {
          this.owner.set(keyOf(address), candidates[0]);
          changed = true;
        }
      }
    }
  }

  build(): EnvironmentDiagram {
    this.foundation();
    this.api();
    this.compute();
    this.edge();
    this.data();
    this.messaging();
    this.network();
    this.operations();
    this.foldSupporting();

    this.dropShadowedClusterLinks();
    const edges = this.resolveEdges();
    if (edges.some((edge) => edge.from === VIEWERS || edge.to === VIEWERS)) {
      this.nodes.set(VIEWERS, { id: VIEWERS, lines: ["Viewers"], shape: "actor" });
    }
    const resources = this.graph.all().filter((address) => !address.type.startsWith("data."));
    const notDrawn = new Map<string, number>();
    for (const address of resources.filter((candidate) => !this.isClaimed(candidate))) notDrawn.set(address.type, (notDrawn.get(address.type) ?? 0) + 1);
    const stacks = [...this.graph.stacks.keys()].sort().map((name) => ({
      name,
      layer: layerOfStack(name)!,
      resources: resources.filter((address) => address.stack === name).length,
    }));
    return {
      environment: this.environment,
      stacks: stacks.sort((a, b) => LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer)),
      nodes: [...this.nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
      edges,
      computeUnits: [...this.units].sort(),
      notDrawn: [...notDrawn].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => ({ type, count })),
    };
  }

  /**
   * A unit that may reach both an RDS Proxy and the cluster behind it (they share a security group)
   * connects through the proxy, unless the published parameters also name an endpoint of the
   * cluster itself (the reader endpoint), so the direct link stays only then.
   */
  private dropShadowedClusterLinks(): void {
    const published = this.graph
      .ofType("aws_ssm_parameter")
      .flatMap((parameter) => this.graph.references(parameter, this.body(parameter).value ?? this.body(parameter).insecure_value))
      .filter((reference) => reference.target.type === "aws_rds_cluster" && /endpoint/.test(reference.attribute))
      .map((reference) => keyOf(reference.target));
    const proxied = new Map<string, string[]>();
    for (const target of this.graph.ofType("aws_db_proxy_target")) {
      const proxies = this.targets(target, this.body(target).db_proxy_name, "aws_db_proxy").map(keyOf);
      for (const cluster of this.targets(target, this.body(target).db_cluster_identifier, "aws_rds_cluster")) proxied.set(keyOf(cluster), proxies);
    }
    const key = (end: End) => ("node" in end ? end.node : keyOf(end));
    const reaches = (from: End, to: string) => this.links.some((link) => link.reachable && key(link.from) === key(from) && key(link.to) === to);
    for (let i = this.links.length - 1; i >= 0; i--) {
      const link = this.links[i];
      const proxies = proxied.get(key(link.to));
      if (link.reachable && proxies && !published.includes(key(link.to)) && proxies.some((proxy) => reaches(link.from, proxy))) this.links.splice(i, 1);
    }
  }

  /** Links between drawn nodes, merged per pair; grant-only links give way to a stronger relation. */
  private resolveEdges(): DiagramEdge[] {
    const endOf = (end: End) => ("node" in end ? (end.node === VIEWERS || this.nodes.has(end.node) ? end.node : undefined) : this.nodeOf(end));
    const resolved = this.links
      .map((link) => ({ ...link, fromId: endOf(link.from), toId: endOf(link.to) }))
      .filter((link): link is typeof link & { fromId: string; toId: string } => link.fromId !== undefined && link.toId !== undefined && link.fromId !== link.toId);
    const pair = (a: string, b: string) => [a, b].sort().join("|");
    const strongPairs = new Set(resolved.filter((link) => !link.weak).map((link) => pair(link.fromId, link.toId)));
    const merged = new Map<string, { from: string; to: string; labels: Set<string>; dotted: boolean }>();
    for (const link of resolved) {
      if (link.weak && strongPairs.has(pair(link.fromId, link.toId))) continue;
      const key = `${link.fromId}>${link.toId}`;
      const edge = merged.get(key) ?? { from: link.fromId, to: link.toId, labels: new Set<string>(), dotted: true };
      if (link.label) edge.labels.add(link.label);
      edge.dotted &&= link.dotted;
      merged.set(key, edge);
    }
    return [...merged.values()]
      .map((edge) => ({ from: edge.from, to: edge.to, labels: [...edge.labels].sort(), dotted: edge.dotted }))
      .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  }
}

function commonPrefix(paths: string[][]): string[] {
  if (!paths.length) return [];
  const prefix: string[] = [];
  for (let i = 0; paths.every((path) => i < path.length && path[i] === paths[0][i]); i++) prefix.push(paths[0][i]);
  return prefix;
}

/** `read`, `write`, `send`... from an IAM action, so edge labels say what flows. */
function verbOf(action: string): string {
  const name = action.split(":")[1] ?? action;
  if (/^(SendMessage)/.test(name)) return "send";
  if (/^(ReceiveMessage|DeleteMessage|ChangeMessageVisibility)/.test(name)) return "receive";
  if (/^(InvokeFunction)/.test(name)) return "invoke";
  if (/^(connect)$/.test(name)) return "connect";
  if (/^(Get|List|Describe|Query|Scan|BatchGet)/.test(name)) return "read";
  if (/^(Put|Delete|Update|BatchWrite|Create|Write|TransactWrite)/.test(name)) return "write";
  if (/^(TransactGet|ConditionCheck)/.test(name)) return "read";
  return name;
}

export function buildEnvironmentDiagram(environment: string, graph: StackGraph): EnvironmentDiagram {
  return new DiagramBuilder(environment, graph).build();
}

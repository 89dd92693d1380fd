import { createHash } from "node:crypto";
import { renderPolicyDocument, type PolicyDocument } from "../../constraints/constraint";
import type { SynthesizedStack } from "../../support/every-stack";
import managed from "./aws-managed-policies.json";

/**
 * The synthesized stacks as one AWS account sees them once applied: every `${...}` reference
 * resolved to a concrete example value, consistently (the same resource always gets the same ARN,
 * built from its name the way AWS builds it), so that a statement scoped to the wrong resource
 * points somewhere else than the request that needs it.
 */
export const ACCOUNT = "123456789012";
const PARTITION = "aws";
const DNS_SUFFIX = "amazonaws.com";

type Json = Record<string, any>;

/** A stable example id: the same input always gives the same UUID-shaped id. */
export function exampleId(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Example ARNs of AWS resources by the names the stacks give them; job lists use the same builders. */
export const arn = {
  kmsKey: (region: string, alias: string) => `arn:${PARTITION}:kms:${region}:${ACCOUNT}:key/${exampleId(`key ${region} ${alias}`)}`,
  kmsAlias: (region: string, alias: string) => `arn:${PARTITION}:kms:${region}:${ACCOUNT}:${alias}`,
  bucket: (name: string) => `arn:${PARTITION}:s3:::${name}`,
  object: (bucket: string, key: string) => `arn:${PARTITION}:s3:::${bucket}/${key}`,
  role: (name: string) => `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}`,
  policy: (name: string) => `arn:${PARTITION}:iam::${ACCOUNT}:policy/${name}`,
  queue: (region: string, name: string) => `arn:${PARTITION}:sqs:${region}:${ACCOUNT}:${name}`,
  queueUrl: (region: string, name: string) => `https://sqs.${region}.${DNS_SUFFIX}/${ACCOUNT}/${name}`,
  topic: (region: string, name: string) => `arn:${PARTITION}:sns:${region}:${ACCOUNT}:${name}`,
  logGroup: (region: string, name: string) => `arn:${PARTITION}:logs:${region}:${ACCOUNT}:log-group:${name}`,
  logStream: (region: string, group: string, stream: string) => `arn:${PARTITION}:logs:${region}:${ACCOUNT}:log-group:${group}:log-stream:${stream}`,
  secret: (region: string, name: string) => `arn:${PARTITION}:secretsmanager:${region}:${ACCOUNT}:secret:${name}-Ab12Cd`,
  rdsManagedSecret: (region: string, cluster: string) => arn.secret(region, `rds!cluster-${exampleId(`cluster ${cluster}`)}`),
  parameter: (region: string, name: string) => `arn:${PARTITION}:ssm:${region}:${ACCOUNT}:parameter${name}`,
  function: (region: string, name: string) => `arn:${PARTITION}:lambda:${region}:${ACCOUNT}:function:${name}`,
  layer: (region: string, name: string) => `arn:${PARTITION}:lambda:${region}:${ACCOUNT}:layer:${name}:1`,
  table: (region: string, name: string) => `arn:${PARTITION}:dynamodb:${region}:${ACCOUNT}:table/${name}`,
  repository: (region: string, name: string) => `arn:${PARTITION}:ecr:${region}:${ACCOUNT}:repository/${name}`,
  cluster: (region: string, identifier: string) => `arn:${PARTITION}:rds:${region}:${ACCOUNT}:cluster:${identifier}`,
  dbProxy: (region: string, name: string) => `arn:${PARTITION}:rds:${region}:${ACCOUNT}:db-proxy:prx-${exampleId(`proxy ${name}`).replace(/-/g, "").slice(0, 17)}`,
  backupVault: (region: string, name: string) => `arn:${PARTITION}:backup:${region}:${ACCOUNT}:backup-vault:${name}`,
  codebuildProject: (region: string, name: string) => `arn:${PARTITION}:codebuild:${region}:${ACCOUNT}:project/${name}`,
  pipeline: (region: string, name: string) => `arn:${PARTITION}:codepipeline:${region}:${ACCOUNT}:${name}`,
  connection: (region: string, name: string) => `arn:${PARTITION}:codeconnections:${region}:${ACCOUNT}:connection/${exampleId(`connection ${name}`)}`,
  /** The distribution of an infra stack, by the stack's name. */
  /** CloudFront KeyValueStores are global: no region in the ARN, an id AWS assigns. */
  keyValueStore: (name: string) => `arn:${PARTITION}:cloudfront::${ACCOUNT}:key-value-store/${exampleId(`key value store ${name}`)}`,
  distribution: (stack: string) => `arn:${PARTITION}:cloudfront::${ACCOUNT}:distribution/E${exampleId(`distribution ${stack}`).replace(/-/g, "").slice(0, 13).toUpperCase()}`,
  scheduleGroup: (region: string, name: string) => `arn:${PARTITION}:scheduler:${region}:${ACCOUNT}:schedule-group/${name}`,
  schedule: (region: string, group: string, name: string) => `arn:${PARTITION}:scheduler:${region}:${ACCOUNT}:schedule/${group}/${name}`,
  ecsCluster: (region: string, name: string) => `arn:${PARTITION}:ecs:${region}:${ACCOUNT}:cluster/${name}`,
  ecsService: (region: string, cluster: string, name: string) => `arn:${PARTITION}:ecs:${region}:${ACCOUNT}:service/${cluster}/${name}`,
  openIdProvider: (host: string) => `arn:${PARTITION}:iam::${ACCOUNT}:oidc-provider/${host}`,
  webAcl: (name: string) => `arn:${PARTITION}:wafv2:us-east-1:${ACCOUNT}:global/webacl/${name}/${exampleId(`acl ${name}`)}`,
  cache: (region: string, name: string) => `arn:${PARTITION}:elasticache:${region}:${ACCOUNT}:serverlesscache:${name}`,
  /** An HTTP API's id: ten lower-case letters and digits. */
  apiId: (region: string, name: string) => exampleId(`api ${region} ${name}`).replace(/-/g, "").slice(0, 10),
  /** What `aws:SourceArn` of API Gateway's requests starts with (`<execution arn>/<stage>/<method>/<path>`). */
  apiExecution: (region: string, name: string) => `arn:${PARTITION}:execute-api:${region}:${ACCOUNT}:${arn.apiId(region, name)}`,
};

class UnresolvedReference extends Error {}

/**
 * aws_iam_policy_document writes `&{aws:username}` as the policy variable `${aws:username}` in
 * resources, principals and condition values (a literal `${` would be a Terraform expression).
 */
function policyVariables(value: unknown): unknown {
  if (typeof value === "string") return value.split("&{").join("${");
  if (Array.isArray(value)) return value.map(policyVariables);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, policyVariables(item)]));
  return value;
}

interface Located {
  readonly stack: SynthesizedStack;
  readonly type: string;
  readonly name: string;
  readonly body: Json;
}

/** One role as IAM evaluates it: who may assume it, what it is granted, and its cap. */
export interface RoleModel {
  readonly stack: string;
  readonly name: string;
  readonly arn: string;
  readonly trust: PolicyDocument;
  readonly identityPolicies: { name: string; policy: PolicyDocument }[];
  readonly boundary?: { name: string; policy: PolicyDocument };
}

export class AccountModel {
  private readonly stacks: Map<string, SynthesizedStack>;

  constructor(stacks: readonly SynthesizedStack[]) {
    this.stacks = new Map(stacks.map((stack) => [stack.name, stack]));
  }

  stack(name: string): SynthesizedStack {
    const stack = this.stacks.get(name);
    if (!stack) throw new Error(`no stack ${name}`);
    return stack;
  }

  stackNames(): string[] {
    return [...this.stacks.keys()];
  }

  /** The region a block acts in: its provider's (alias) region. */
  regionOf(stack: SynthesizedStack, body: Json): string {
    const providers: Json[] = [stack.json.provider?.aws ?? []].flat();
    const alias = typeof body.provider === "string" ? body.provider.replace(/^aws\./, "") : undefined;
    const provider = providers.find((candidate) => (alias ? candidate.alias === alias : !candidate.alias));
    if (typeof provider?.region !== "string") throw new UnresolvedReference(`${stack.name}: no region for provider ${alias ?? "(default)"}`);
    return provider.region;
  }

  /** Every value in `value` with its Terraform expressions resolved (strings, arrays and objects alike). */
  resolve(stack: SynthesizedStack, value: unknown): any {
    if (typeof value === "string") return this.resolveString(stack, value);
    if (Array.isArray(value)) return value.map((item) => this.resolve(stack, item));
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.resolve(stack, item)]));
    return value;
  }

  private resolveString(stack: SynthesizedStack, text: string): any {
    const whole = /^\$\{([^{}]+)\}$/.exec(text);
    if (whole) return this.expression(stack, whole[1]);
    return text.replace(/\$\{([^{}]+)\}/g, (_match, expression: string) => String(this.expression(stack, expression)));
  }

  private find(stack: SynthesizedStack, kind: "resource" | "data", type: string, name: string): Located {
    const body = stack.json[kind]?.[type]?.[name];
    if (!body) throw new UnresolvedReference(`${stack.name}: no ${kind} ${type}.${name}`);
    return { stack, type, name, body };
  }

  /**
   * One Terraform expression: a reference (`data.x.y.attr`, `aws_x.y.attr`, `aws_x.y.attr[0].sub`),
   * a literal, or a call of the few functions the stacks use (join, split, slice, replace, element,
   * length, lookup, tolist, jsonencode).
   */
  private expression(stack: SynthesizedStack, text: string): any {
    const parser = new ExpressionParser(text, (reference) => this.reference(stack, reference));
    return parser.parse();
  }

  private reference(stack: SynthesizedStack, path: string): any {
    const reference = /^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)(?:\[0\]\.([a-z_]+)|\.([A-Za-z0-9_-]+))?$/.exec(path);
    if (!reference) throw new UnresolvedReference(`${stack.name}: cannot resolve the reference ${path}`);
    const [, data, type, name, attribute, indexed, member] = reference;
    if (data) return this.dataAttribute(this.find(stack, "data", type, name), attribute, member);
    return this.resourceAttribute(this.find(stack, "resource", type, name), indexed ? `${attribute}.${indexed}` : attribute);
  }

  private dataAttribute(source: Located, attribute: string, member?: string): any {
    switch (source.type) {
      case "aws_caller_identity":
        return ACCOUNT;
      case "aws_partition":
        return attribute === "dns_suffix" ? DNS_SUFFIX : PARTITION;
      case "aws_region":
        return this.regionOf(source.stack, source.body);
      case "aws_iam_policy_document":
        return JSON.stringify(this.policyDocument(source.stack, source.body));
      case "aws_kms_alias": {
        const region = this.regionOf(source.stack, source.body);
        return arn.kmsKey(region, source.body.name);
      }
      case "terraform_remote_state": {
        const producer = this.stack(source.name.replace(/^cross-stack-reference-input-/, ""));
        const output = producer.json.output?.[member ?? ""];
        if (attribute !== "outputs" || !output) throw new UnresolvedReference(`${source.stack.name}: remote state ${source.name} has no output ${member}`);
        return this.resolve(producer, output.value);
      }
      default:
        throw new UnresolvedReference(`${source.stack.name}: data.${source.type}.${source.name}.${attribute} is not modelled`);
    }
  }

  /** The aliases pointing at a key, whose first names the key's example ARN. */
  private keyAlias(key: Located): string {
    const aliases = Object.values<Json>(key.stack.json.resource?.aws_kms_alias ?? {}).filter((alias) => alias.target_key_id === `\${aws_kms_key.${key.name}.key_id}`);
    if (aliases.length === 0) throw new UnresolvedReference(`${key.stack.name}: aws_kms_key.${key.name} has no alias to name it by`);
    return aliases[0].name;
  }

  private resourceAttribute(resource: Located, attribute: string): any {
    const { stack, body, type } = resource;
    const region = () => this.regionOf(stack, body);
    const named = (value: unknown) => {
      const resolved = this.resolve(stack, value);
      if (typeof resolved !== "string") throw new UnresolvedReference(`${stack.name}: ${type}.${resource.name} has no literal name`);
      return resolved;
    };
    const pick = (attributes: Record<string, () => any>) => {
      const get = attributes[attribute];
      if (!get) throw new UnresolvedReference(`${stack.name}: ${type}.${resource.name}.${attribute} is not modelled`);
      return get();
    };
    switch (type) {
      case "aws_kms_key": {
        const alias = this.keyAlias(resource);
        const keyArn = arn.kmsKey(region(), alias);
        return pick({ arn: () => keyArn, key_id: () => keyArn.split("/").pop(), id: () => keyArn.split("/").pop() });
      }
      case "aws_s3_bucket":
        return pick({ arn: () => arn.bucket(named(body.bucket)), id: () => named(body.bucket), bucket: () => named(body.bucket) });
      case "aws_iam_role":
        return pick({ arn: () => arn.role(named(body.name)), name: () => named(body.name), id: () => named(body.name) });
      case "aws_iam_policy":
        return pick({ arn: () => arn.policy(named(body.name)), name: () => named(body.name), id: () => arn.policy(named(body.name)) });
      case "aws_sqs_queue":
        return pick({ arn: () => arn.queue(region(), named(body.name)), name: () => named(body.name), url: () => arn.queueUrl(region(), named(body.name)), id: () => arn.queueUrl(region(), named(body.name)) });
      case "aws_sns_topic":
        return pick({ arn: () => arn.topic(region(), named(body.name)), id: () => arn.topic(region(), named(body.name)), name: () => named(body.name) });
      case "aws_cloudwatch_log_group":
        return pick({ arn: () => arn.logGroup(region(), named(body.name)), name: () => named(body.name), id: () => named(body.name) });
      case "aws_secretsmanager_secret":
        return pick({ arn: () => arn.secret(region(), named(body.name)), id: () => arn.secret(region(), named(body.name)), name: () => named(body.name) });
      case "aws_rds_cluster": {
        const identifier = named(body.cluster_identifier);
        return pick({
          arn: () => arn.cluster(region(), identifier),
          cluster_identifier: () => identifier,
          id: () => identifier,
          "master_user_secret.secret_arn": () => arn.rdsManagedSecret(region(), identifier),
          cluster_resource_id: () => `cluster-${exampleId(`resource ${identifier}`).replace(/-/g, "").slice(0, 26).toUpperCase()}`,
        });
      }
      case "aws_db_proxy":
        return pick({ arn: () => arn.dbProxy(region(), named(body.name)), name: () => named(body.name) });
      case "aws_lambda_function":
        return pick({ arn: () => arn.function(region(), named(body.function_name)), function_name: () => named(body.function_name), id: () => named(body.function_name) });
      case "aws_dynamodb_table":
        return pick({ arn: () => arn.table(region(), named(body.name)), name: () => named(body.name), id: () => named(body.name) });
      case "aws_ecr_repository":
        return pick({
          arn: () => arn.repository(region(), named(body.name)),
          name: () => named(body.name),
          repository_url: () => `${ACCOUNT}.dkr.ecr.${region()}.${DNS_SUFFIX}/${named(body.name)}`,
        });
      case "aws_backup_vault":
        return pick({ arn: () => arn.backupVault(region(), named(body.name)), name: () => named(body.name), id: () => named(body.name) });
      case "aws_codebuild_project":
        return pick({ arn: () => arn.codebuildProject(region(), named(body.name)), name: () => named(body.name) });
      case "aws_codepipeline":
        return pick({ arn: () => arn.pipeline(region(), named(body.name)), name: () => named(body.name) });
      case "aws_codestarconnections_connection":
        return pick({ arn: () => arn.connection(region(), named(body.name)), id: () => arn.connection(region(), named(body.name)) });
      case "aws_cloudfront_distribution":
        // One distribution per infra stack: the stack names it.
        return pick({ arn: () => arn.distribution(stack.name), id: () => arn.distribution(stack.name).split("/").pop() });
      case "aws_cloudfront_key_value_store":
        return pick({ arn: () => arn.keyValueStore(named(body.name)), name: () => named(body.name), id: () => named(body.name) });
      case "aws_scheduler_schedule_group":
        return pick({ arn: () => arn.scheduleGroup(region(), named(body.name)), name: () => named(body.name), id: () => named(body.name) });
      case "aws_iam_openid_connect_provider":
        return pick({ arn: () => arn.openIdProvider(named(body.url).replace(/^https:\/\//, "")) });
      case "aws_wafv2_web_acl":
        return pick({ arn: () => arn.webAcl(named(body.name)) });
      case "aws_elasticache_serverless_cache":
        return pick({ arn: () => arn.cache(region(), named(body.name)), name: () => named(body.name) });
      case "aws_ecs_cluster":
        return pick({ arn: () => arn.ecsCluster(region(), named(body.name)), name: () => named(body.name), id: () => arn.ecsCluster(region(), named(body.name)) });
      case "aws_ecs_service":
        // The service's cluster is its `cluster` argument (an ARN); `id` is the service's ARN.
        return pick({ name: () => named(body.name), id: () => arn.ecsService(region(), named(body.cluster).split("/").pop()!, named(body.name)) });
      case "aws_cloudwatch_dashboard":
        return pick({ dashboard_arn: () => `arn:${PARTITION}:cloudwatch::${ACCOUNT}:dashboard/${named(body.dashboard_name)}`, dashboard_name: () => named(body.dashboard_name) });
      case "aws_apigatewayv2_api": {
        // API ids are ten lower-case letters and digits; the function permission names the execution ARN.
        const apiId = arn.apiId(region(), named(body.name));
        return pick({
          id: () => apiId,
          execution_arn: () => arn.apiExecution(region(), named(body.name)),
          arn: () => `arn:${PARTITION}:apigateway:${region()}::/apis/${apiId}`,
          api_endpoint: () => `https://${apiId}.execute-api.${region()}.${DNS_SUFFIX}`,
        });
      }
      default:
        throw new UnresolvedReference(`${stack.name}: ${type}.${resource.name}.${attribute} is not modelled`);
    }
  }

  /** A policy argument (JSON text or a policy document data source) as AWS stores it, resolved. */
  policy(stack: SynthesizedStack, value: unknown): PolicyDocument {
    const resolved = this.resolve(stack, value);
    return typeof resolved === "string" ? (JSON.parse(resolved) as PolicyDocument) : (resolved as PolicyDocument);
  }

  private policyDocument(stack: SynthesizedStack, body: Json): PolicyDocument {
    return policyVariables(this.resolve(stack, renderPolicyDocument(body))) as PolicyDocument;
  }

  /** Every resource of a type, in every stack. */
  resources(type: string): Located[] {
    return [...this.stacks.values()].flatMap((stack) => Object.entries<Json>(stack.json.resource?.[type] ?? {}).map(([name, body]) => ({ stack, type, name, body })));
  }

  /** The aliases that point at a key, as KMS puts them in `kms:ResourceAliases` for every request on it. */
  keyAliases(keyArn: string): string[] {
    return this.resources("aws_kms_alias")
      .filter((alias) => {
        const target = /^\$\{aws_kms_key\.([^.]+)\.key_id\}$/.exec(alias.body.target_key_id)?.[1];
        return target !== undefined && this.resourceAttribute(this.find(alias.stack, "resource", "aws_kms_key", target), "arn") === keyArn;
      })
      .map((alias) => this.resolve(alias.stack, alias.body.name) as string);
  }

  /** A customer-managed policy by ARN (from whichever stack creates it), or an AWS-managed one by its documented content. */
  managedPolicy(policyArn: string): { name: string; policy: PolicyDocument } {
    const awsManaged = (managed.policies as Record<string, { name: string; document: PolicyDocument }>)[policyArn];
    if (awsManaged) return { name: awsManaged.name, policy: awsManaged.document };
    const created = this.resources("aws_iam_policy").find(({ stack, body }) => arn.policy(this.resolve(stack, body.name)) === policyArn);
    if (!created) throw new UnresolvedReference(`no stack creates the policy ${policyArn}, and it is not a modelled AWS-managed policy`);
    return { name: this.resolve(created.stack, created.body.name), policy: this.policy(created.stack, created.body.policy) };
  }

  roles(): RoleModel[] {
    return this.resources("aws_iam_role").map((role) => this.roleModel(role));
  }

  role(name: string): RoleModel {
    const found = this.resources("aws_iam_role").filter(({ stack, body }) => this.resolve(stack, body.name) === name);
    if (found.length !== 1) throw new Error(`${found.length} roles named ${name}`);
    return this.roleModel(found[0]);
  }

  private roleModel(role: Located): RoleModel {
    const { stack, body } = role;
    const name: string = this.resolve(stack, body.name);
    const ownedBy = (reference: unknown) => {
      const value = this.resolve(stack, reference);
      return value === name || value === arn.role(name);
    };
    const inline = Object.entries<Json>(stack.json.resource?.aws_iam_role_policy ?? {})
      .filter(([, policy]) => ownedBy(policy.role))
      .map(([id, policy]) => ({ name: `inline ${policy.name ?? id}`, policy: this.policy(stack, policy.policy) }));
    const attached = Object.values<Json>(stack.json.resource?.aws_iam_role_policy_attachment ?? {})
      .filter((attachment) => ownedBy(attachment.role))
      .map((attachment) => this.managedPolicy(this.resolve(stack, attachment.policy_arn)));
    const boundaryArn = body.permissions_boundary ? this.resolve(stack, body.permissions_boundary) : undefined;
    return {
      stack: stack.name,
      name,
      arn: arn.role(name),
      trust: this.policy(stack, body.assume_role_policy),
      identityPolicies: [...inline, ...attached],
      boundary: boundaryArn ? this.managedPolicy(boundaryArn) : undefined,
    };
  }

  /**
   * The resource policy AWS evaluates with a request on `resourceArn`: a key's policy, a bucket's
   * (for the bucket and its objects), a topic's, a queue's, a repository's, a function's
   * permissions, a role's trust policy. Undefined where the resource has none.
   */
  resourcePolicy(resourceArn: string): PolicyDocument | undefined {
    const match = <T>(type: string, arnOf: (located: Located) => string | undefined, policyOf: (located: Located) => T) =>
      this.resources(type)
        .filter((located) => arnOf(located) === resourceArn)
        .map(policyOf);
    const resolved = (located: Located, value: unknown) => this.resolve(located.stack, value);
    if (/^arn:aws:kms:/.test(resourceArn)) {
      return match("aws_kms_key", (key) => this.resourceAttribute(key, "arn"), (key) => this.policy(key.stack, key.body.policy))[0];
    }
    if (/^arn:aws:s3:::/.test(resourceArn)) {
      const bucket = resourceArn.replace(/^arn:aws:s3:::/, "").split("/")[0];
      return this.resources("aws_s3_bucket_policy")
        .filter((policy) => resolved(policy, policy.body.bucket) === bucket)
        .map((policy) => this.policy(policy.stack, policy.body.policy))[0];
    }
    if (/^arn:aws:sns:/.test(resourceArn)) return match("aws_sns_topic_policy", (policy) => resolved(policy, policy.body.arn), (policy) => this.policy(policy.stack, policy.body.policy))[0];
    if (/^arn:aws:sqs:/.test(resourceArn)) {
      return match(
        "aws_sqs_queue_policy",
        (policy) => {
          const url: string = resolved(policy, policy.body.queue_url);
          const [region, account, name] = url.replace(/^https:\/\/sqs\./, "").split(/\.amazonaws\.com\/|\//).filter(Boolean);
          return `arn:aws:sqs:${region}:${account}:${name}`;
        },
        (policy) => this.policy(policy.stack, policy.body.policy),
      )[0];
    }
    if (/^arn:aws:ecr:/.test(resourceArn)) {
      return match(
        "aws_ecr_repository_policy",
        (policy) => arn.repository(this.regionOf(policy.stack, policy.body), resolved(policy, policy.body.repository)),
        (policy) => this.policy(policy.stack, policy.body.policy),
      )[0];
    }
    if (/^arn:aws:iam::\d{12}:role\//.test(resourceArn)) {
      return this.roles().find((role) => role.arn === resourceArn)?.trust;
    }
    if (/^arn:aws:lambda:/.test(resourceArn)) {
      // A qualified ARN (`...:function:name:alias`) is governed by the function's policy.
      const functionArn = resourceArn.split(":").slice(0, 7).join(":");
      const statements = this.resources("aws_lambda_permission")
        .filter((permission) => arn.function(this.regionOf(permission.stack, permission.body), resolved(permission, permission.body.function_name)) === functionArn)
        .map(({ stack, body }) => {
          const source = body.source_arn ? this.resolve(stack, body.source_arn) : undefined;
          return {
            Sid: this.resolve(stack, body.statement_id),
            Effect: "Allow" as const,
            Principal: { Service: this.resolve(stack, body.principal) },
            Action: this.resolve(stack, body.action),
            Resource: resourceArn,
            ...(source ? { Condition: { ArnLike: { "AWS:SourceArn": source } } } : {}),
          };
        });
      return statements.length > 0 ? { Version: "2012-10-17", Statement: statements } : undefined;
    }
    return undefined;
  }
}

/** A small evaluator of the Terraform expressions the stacks write inside `${...}`. */
class ExpressionParser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly reference: (path: string) => any,
  ) {}

  parse(): any {
    const value = this.value();
    this.space();
    if (this.position !== this.text.length) throw new UnresolvedReference(`cannot evaluate \${${this.text}} (stopped at ${this.text.slice(this.position)})`);
    return value;
  }

  private space(): void {
    while (/\s/.test(this.text[this.position] ?? "")) this.position++;
  }

  private expect(character: string): void {
    this.space();
    if (this.text[this.position] !== character) throw new UnresolvedReference(`cannot evaluate \${${this.text}}: expected ${character} at ${this.position}`);
    this.position++;
  }

  private list(close: string): any[] {
    const items: any[] = [];
    this.space();
    while (this.text[this.position] !== close) {
      items.push(this.value());
      this.space();
      if (this.text[this.position] === ",") this.position++;
      this.space();
    }
    this.position++;
    return items;
  }

  private value(): any {
    this.space();
    const character = this.text[this.position];
    if (character === '"') return this.string();
    if (character === "[") {
      this.position++;
      return this.list("]");
    }
    if (character === "{") return this.object();
    const number = /^-?\d+(\.\d+)?/.exec(this.text.slice(this.position));
    if (number) {
      this.position += number[0].length;
      return Number(number[0]);
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.\-\[\]]*/.exec(this.text.slice(this.position));
    if (!word) throw new UnresolvedReference(`cannot evaluate \${${this.text}} at ${this.position}`);
    this.position += word[0].length;
    this.space();
    if (this.text[this.position] === "(") {
      this.position++;
      return this.call(word[0], this.list(")"));
    }
    return this.reference(word[0]);
  }

  private string(): string {
    this.position++;
    let out = "";
    while (this.text[this.position] !== '"') {
      if (this.position >= this.text.length) throw new UnresolvedReference(`unterminated string in \${${this.text}}`);
      if (this.text[this.position] === "\\") {
        this.position++;
        const escaped = this.text[this.position];
        out += escaped === "n" ? "\n" : escaped;
      } else {
        out += this.text[this.position];
      }
      this.position++;
    }
    this.position++;
    return out;
  }

  private object(): Record<string, any> {
    this.position++;
    const object: Record<string, any> = {};
    this.space();
    while (this.text[this.position] !== "}") {
      const key = this.text[this.position] === '"' ? this.string() : this.value();
      this.expect("=");
      object[String(key)] = this.value();
      this.space();
      if (this.text[this.position] === ",") this.position++;
      this.space();
    }
    this.position++;
    return object;
  }

  private call(name: string, args: any[]): any {
    switch (name) {
      case "join":
        return (args[1] as unknown[]).join(args[0]);
      case "split":
        return String(args[1]).split(args[0]);
      case "slice":
        return (args[0] as unknown[]).slice(args[1], args[2]);
      case "element":
        return (args[0] as unknown[])[args[1] % (args[0] as unknown[]).length];
      case "length":
        return (args[0] as unknown[]).length;
      case "lookup":
        return args[0][args[1]] ?? args[2];
      case "tolist":
        return [...args[0]];
      case "jsonencode":
        return JSON.stringify(args[0]);
      case "replace": {
        const [subject, search, replacement] = args as [string, string, string];
        const regex = /^\/(.*)\/$/.exec(search);
        return regex ? subject.replace(new RegExp(regex[1], "g"), replacement.replace(/\$(\d)/g, "$$$1")) : subject.split(search).join(replacement);
      }
      default:
        throw new UnresolvedReference(`the function ${name}() is not modelled`);
    }
  }
}

import {
  type Block,
  type ConstraintRule,
  type PolicyDocument,
  type PolicyStatement,
  type RuleGroup,
  type StackView,
  type Violation,
  hasExpression,
  literalParts,
  perBlock,
  policyOf,
  stringArgument,
  valuesAt,
  where,
} from "../constraint";

// Databases, caches, secrets, parameters, keys, buckets and backups: what their AWS APIs refuse
// (or silently ignore) that the AWS provider lets through to `apply`.

const provider = (service: string, file: string) => `hashicorp/terraform-provider-aws internal/service/${service}/${file}.go`;

const DOC = {
  createDbCluster: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html",
  createDbInstance: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
  deleteDbCluster: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html",
  serverlessV2Capacity: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.how-it-works.html#aurora-serverless-v2.how-it-works.capacity",
  serverlessV2ScalingConfiguration: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ServerlessV2ScalingConfiguration.html",
  autoPause: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html",
  parameterGroups: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html",
  createDbProxy: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBProxy.html",
  connectionPoolConfiguration: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ConnectionPoolConfiguration.html",
  createServerlessCache: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateServerlessCache.html",
  elasticacheScaling: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Scaling.html",
  elasticacheEngines: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html",
  dynamodbNaming: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html",
  s3Backend: "https://developer.hashicorp.com/terraform/language/backend/s3 (hashicorp/terraform internal/backend/remote-state/s3/backend.go)",
  createSecret: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
  putSecretValue: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html",
  putParameter: "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html",
  createKey: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html",
  createAlias: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
  kmsRegions: "https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",
  logsKms: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
  snsKms: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
  sqsKms: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
  cloudfrontOacKms: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html#create-oac-overview-s3",
  vendedLogsKms: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-S3.html",
  serverAccessLogging: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
  putBucketLogging: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html",
  bucketNaming: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
  lifecycleRule: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html",
  noncurrentVersionExpiration: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_NoncurrentVersionExpiration.html",
  lifecycleLimits: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html",
  bucketPolicies: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
  bucketPolicyResource: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html",
  s3Quotas: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html",
  blockPublicAccess: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status",
  cors: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html",
  corsRule: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_CORSRule.html",
  sseByDefault: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html",
  albAccessLogs: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
  createBackupPlan: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupPlan.html",
  backupRuleInput: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html",
  backupLifecycle: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html",
  startBackupJob: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartBackupJob.html",
  backupSchedule: "https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html",
  continuousBackup: "https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html",
  copyAction: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CopyAction.html",
  vaultLock: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html",
  vaultNotifications: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultNotifications.html",
  backupSns: "https://docs.aws.amazon.com/aws-backup/latest/devguide/sns-notifications.html",
} as const;

// ---------------------------------------------------------------------------------------------
// Reading values

/** Stands in for `data.aws_caller_identity.*.account_id`: always twelve digits. */
const ACCOUNT = "123456789012";

const asNumber = (value: unknown): number | undefined =>
  typeof value === "number" ? value : typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;

const literalString = (value: unknown): string | undefined => (typeof value === "string" && !hasExpression(value) ? value : undefined);

const first = (body: unknown, path: string): any => valuesAt(body, path)[0];

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter((item): item is string => typeof item === "string");

/** The partition, DNS suffix, account and (when known) region expressions written as AWS sees them. */
function withKnownValues(value: string, region?: string): string {
  const known = value
    .replace(/\$\{data\.aws_partition\.[A-Za-z0-9_-]+\.partition\}/g, "aws")
    .replace(/\$\{data\.aws_partition\.[A-Za-z0-9_-]+\.dns_suffix\}/g, "amazonaws.com")
    .replace(/\$\{data\.aws_caller_identity\.[A-Za-z0-9_-]+\.account_id\}/g, ACCOUNT);
  return region ? known.replace(/\$\{data\.aws_region\.[A-Za-z0-9_-]+\.(region|name)\}/g, region) : known;
}

const globToRegExp = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);

/** True when an IAM-style pattern (`*` and `?` wildcards) matches the text; both may hold `*` for unknown parts. */
function globMatches(pattern: string, text: string): boolean {
  if (globToRegExp(pattern).test(text)) return true;
  // An unknown part of the text (masked as `*`) may be anything the pattern asks for.
  return text.includes("*") && globToRegExp(text).test(pattern);
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const allows = (statement: PolicyStatement) => statement.Effect === "Allow";

function coversAction(statement: PolicyStatement, action: string): boolean {
  return list(statement.Action).some((pattern) => globToRegExp(pattern.toLowerCase()).test(action.toLowerCase()));
}

function servicePrincipals(statement: PolicyStatement): string[] {
  if (!statement.Principal || statement.Principal === "*") return [];
  return list((statement.Principal as Record<string, string | string[]>).Service);
}

function awsPrincipals(statement: PolicyStatement): string[] {
  if (statement.Principal === "*") return ["*"];
  if (!statement.Principal) return [];
  return list((statement.Principal as Record<string, string | string[]>).AWS);
}

// ---------------------------------------------------------------------------------------------
// Following references, within a stack and across stacks through remote state

interface Located {
  readonly block: Block;
  readonly stack: StackView;
  /** The attribute the reference reads (`arn`, `name`, ...), empty when it names the block only. */
  readonly attribute: string;
}

const REMOTE_OUTPUT = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\}$/;
const DIRECT_REFERENCE = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([a-z0-9_]+))?/;

/** All stacks at once: a rule may follow a value to the stack its remote-state output comes from. */
class Stacks {
  private readonly byName: Map<string, StackView>;
  private readonly blockIndex = new WeakMap<StackView, Map<string, Block>>();
  private referrerIndex?: Map<string, { holder: Block; stack: StackView; path: string }[]>;

  constructor(readonly all: readonly StackView[]) {
    this.byName = new Map(all.map((stack) => [stack.name, stack]));
  }

  /** The block a value refers to, following remote-state outputs to the stack that declares them. */
  locate(value: unknown, stack: StackView, depth = 0): Located | undefined {
    if (typeof value !== "string" || depth > 4) return undefined;
    const remote = REMOTE_OUTPUT.exec(value);
    if (remote) {
      const source = this.byName.get(remote[1]);
      return source ? this.locate(source.json.output?.[remote[2]]?.value, source, depth + 1) : undefined;
    }
    const direct = DIRECT_REFERENCE.exec(value);
    if (!direct || direct[2] === "terraform_remote_state") return undefined;
    const block = this.blocksOf(stack).get(`${direct[1] ? "data" : "resource"}.${direct[2]}.${direct[3]}`);
    return block ? { block, stack, attribute: direct[4] ?? "" } : undefined;
  }

  /** The `aws_kms_key` a key argument names, through aliases created in the stacks. */
  key(value: unknown, stack: StackView): Located | undefined {
    const found = this.locate(value, stack) ?? this.aliasNamed(value);
    if (!found) return undefined;
    if (found.block.type === "aws_kms_key" && found.block.kind === "resource") return found;
    if (found.block.type === "aws_kms_alias" && found.block.kind === "resource") return this.locate(found.block.body.target_key_id, found.stack);
    if (found.block.type === "aws_kms_alias" && found.block.kind === "data") {
      const alias = this.aliasNamed(found.block.body.name);
      return alias ? this.locate(alias.block.body.target_key_id, alias.stack) : undefined;
    }
    return undefined;
  }

  /** Every value anywhere in the stacks that refers to the given block, with the block holding it. */
  referrers(target: Located): { holder: Block; stack: StackView; path: string }[] {
    if (!this.referrerIndex) {
      const index = new Map<string, { holder: Block; stack: StackView; path: string }[]>();
      for (const stack of this.all) {
        for (const holder of stack.blocks) {
          walkStrings(holder.body, "", (value, path) => {
            if (!value.startsWith("${")) return;
            const located = this.locate(value, stack);
            if (!located) return;
            const key = blockKey(located);
            index.set(key, [...(index.get(key) ?? []), { holder, stack, path }]);
          });
        }
      }
      this.referrerIndex = index;
    }
    return this.referrerIndex.get(blockKey(target)) ?? [];
  }

  private aliasNamed(name: unknown): Located | undefined {
    if (typeof name !== "string" || !name.startsWith("alias/")) return undefined;
    for (const stack of this.all) {
      const block = stack.resources("aws_kms_alias").find((alias) => alias.body.name === name);
      if (block) return { block, stack, attribute: "" };
    }
    return undefined;
  }

  private blocksOf(stack: StackView): Map<string, Block> {
    let blocks = this.blockIndex.get(stack);
    if (!blocks) {
      blocks = new Map(stack.blocks.map((block) => [`${block.kind}.${block.type}.${block.name}`, block]));
      this.blockIndex.set(stack, blocks);
    }
    return blocks;
  }
}

const blockKey = (located: Located) => `${located.stack.name}|${located.block.kind}|${located.block.type}|${located.block.name}`;

function walkStrings(value: unknown, path: string, visit: (value: string, path: string) => void): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) value.forEach((item) => walkStrings(item, path, visit));
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) if (key !== "//") walkStrings(item, path ? `${path}.${key}` : key, visit);
  }
}


/** A rule that looks at each block of some types and may follow references into any stack. */
function acrossStacks(
  rule: Omit<ConstraintRule, "check"> & {
    /** Which blocks to visit: resource types, or `data.<type>`. */
    on: readonly string[];
    problem: (block: Block, stack: StackView, stacks: Stacks) => string | string[] | undefined;
  },
): ConstraintRule {
  const { on, problem, ...rest } = rule;
  return {
    ...rest,
    check: (all) => {
      const stacks = new Stacks(all);
      return all.flatMap((stack) =>
        stack.blocks
          .filter((block) => on.includes(block.kind === "data" ? `data.${block.type}` : block.type))
          .flatMap((block): Violation[] => {
            const found = problem(block, stack, stacks);
            return list(found).map((text) => ({ where: where(block), problem: text }));
          }),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// S3 names and ARNs as the API sees them

/** A bucket's name with the account and partition written out; unknown parts masked as `*`. */
function bucketName(block: Block, stack: StackView): string | undefined {
  const name = block.body.bucket;
  return typeof name === "string" ? literalParts(withKnownValues(name, stack.regionOf(block)), "*") : undefined;
}

/** Policy text with this stack's bucket references and the account written out; other expressions masked as `*`. */
function expandForS3(text: string, stack: StackView): string {
  const expanded = text.replace(/\$\{aws_s3_bucket\.([A-Za-z0-9_-]+)\.(arn|bucket|id)\}/g, (whole, name: string, attribute: string) => {
    const bucket = stack.resources("aws_s3_bucket").find((candidate) => candidate.name === name);
    const bucketText = bucket ? bucketName(bucket, stack) : undefined;
    if (!bucketText) return whole;
    return attribute === "arn" ? `arn:aws:s3:::${bucketText}` : bucketText;
  });
  return literalParts(withKnownValues(expanded), "*");
}

/** The resource block of a bucket-scoped configuration (`bucket = aws_s3_bucket.x.id`) in the same stack. */
function configurationOf(type: string, bucket: Located): Block | undefined {
  return bucket.stack.resources(type).find((candidate) => {
    const target = /^\$\{aws_s3_bucket\.([A-Za-z0-9_-]+)\.(id|bucket)\}$/.exec(String(candidate.body.bucket));
    return target?.[1] === bucket.block.name;
  });
}

const bucketPolicyOf = (bucket: Located): PolicyDocument | undefined => {
  const policy = configurationOf("aws_s3_bucket_policy", bucket);
  return policy ? policyOf(policy.body.policy, bucket.stack) : undefined;
};

// ---------------------------------------------------------------------------------------------
// RDS and Aurora

const rdsIdentifierProblem = (label: string, value: unknown, max: number): string | undefined => {
  const text = literalString(value);
  if (text === undefined) return undefined;
  if (text.length < 1 || text.length > max) return `${label} "${text}" is ${text.length} characters; AWS allows 1-${max}`;
  if (!/^[A-Za-z]/.test(text)) return `${label} "${text}" must start with a letter`;
  return undefined;
};

const rdsIdentifiers: ConstraintRule = perBlock({
  id: "rds-identifier-length",
  requirement: "Aurora cluster and DB instance identifiers hold 1-63 characters and a final snapshot identifier 1-255 characters, each starting with a letter.",
  source: `${DOC.createDbCluster}; ${DOC.createDbInstance}; ${DOC.deleteDbCluster}; ${provider("rds", "validate")} (validIdentifier checks characters, "--" and a trailing "-", not length) and ${provider("rds", "cluster")} (final_snapshot_identifier: no length or first-letter check)`,
  types: ["aws_rds_cluster", "aws_rds_cluster_instance"],
  problem: (block) =>
    block.type === "aws_rds_cluster"
      ? [rdsIdentifierProblem("cluster_identifier", block.body.cluster_identifier, 63), rdsIdentifierProblem("final_snapshot_identifier", block.body.final_snapshot_identifier, 255)].filter(
          (problem): problem is string => problem !== undefined,
        )
      : rdsIdentifierProblem("identifier", block.body.identifier, 63),
  failingExample: {
    bad: {
      resource: {
        aws_rds_cluster: { db: { cluster_identifier: `platform-${"x".repeat(60)}`, engine: "aurora-postgresql", final_snapshot_identifier: "1-final" } },
        aws_rds_cluster_instance: { one: { identifier: `platform-${"y".repeat(60)}-1`, cluster_identifier: "${aws_rds_cluster.db.id}" } },
      },
    },
  },
});

const rdsDatabaseName = perBlock({
  id: "rds-cluster-database-and-master-user-names",
  requirement:
    "An Aurora PostgreSQL database name is 1-63 letters, digits or underscores starting with a letter (Aurora MySQL: 1-64), and a cluster's master user name is 1-16 letters or digits starting with a letter.",
  source: `${DOC.createDbCluster}; ${DOC.createDbInstance} (DBName); ${provider("rds", "cluster")} (database_name and master_username are not validated)`,
  types: ["aws_rds_cluster"],
  problem: (block) => {
    const problems: string[] = [];
    const engine = String(block.body.engine ?? "");
    const database = literalString(block.body.database_name);
    const maxName = engine === "aurora-mysql" ? 64 : 63;
    if (database !== undefined && !new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${maxName - 1}}$`).test(database)) {
      problems.push(`database_name "${database}" must be 1-${maxName} letters, digits or "_" starting with a letter`);
    }
    const user = literalString(block.body.master_username);
    if (user !== undefined && !/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(user)) problems.push(`master_username "${user}" must be 1-16 letters or digits starting with a letter`);
    return problems;
  },
  failingExample: { bad: { resource: { aws_rds_cluster: { db: { engine: "aurora-postgresql", database_name: "app-db", master_username: "platform_administrator" } } } } },
});

/** The first minor version of each Aurora major that can scale to 0 ACUs. */
const AUTO_PAUSE_MINIMUM: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "aurora-postgresql": { "13": "13.15", "14": "14.12", "15": "15.7", "16": "16.3" },
  "aurora-mysql": { "3": "3.08.0" },
};

/** Compares dotted version strings numerically; non-numeric parts (`mysql_aurora`) are skipped. */
function versionAtLeast(version: string, minimum: string): boolean {
  const parts = (text: string) => text.split(/[^0-9]+/).filter(Boolean).map(Number);
  const [have, need] = [parts(version.replace(/^8\.0\.mysql_aurora\./, "")), parts(minimum)];
  for (let index = 0; index < need.length; index++) {
    const a = have[index] ?? 0;
    if (a !== need[index]) return a > need[index];
  }
  return true;
}

function supportsAutoPause(engine: string, version: string): boolean | undefined {
  const byMajor = AUTO_PAUSE_MINIMUM[engine];
  if (!byMajor) return undefined;
  const major = engine === "aurora-mysql" ? version.replace(/^8\.0\.mysql_aurora\./, "").split(".")[0] : version.split(".")[0];
  const minimum = byMajor[major];
  if (minimum) return versionAtLeast(version, minimum);
  // Majors after the newest listed one shipped with auto-pause; older ones never got it.
  return Number(major) > Math.max(...Object.keys(byMajor).map(Number));
}

const serverlessV2Capacity = perBlock({
  id: "rds-serverless-v2-capacity",
  requirement:
    "Aurora Serverless v2 capacities are multiples of 0.5 ACU with minimum <= maximum, and a minimum of 0 (auto-pause) only on engine versions that support it (Aurora PostgreSQL 13.15/14.12/15.7/16.3+, Aurora MySQL 3.08.0+).",
  source: `${DOC.serverlessV2Capacity}; ${DOC.autoPause}; ${DOC.serverlessV2ScalingConfiguration}; ${provider("rds", "cluster")} (only FloatBetween ranges on min_capacity and max_capacity)`,
  types: ["aws_rds_cluster"],
  problem: (block) => {
    const scaling = first(block.body, "serverlessv2_scaling_configuration");
    if (!scaling) return undefined;
    const problems: string[] = [];
    const min = asNumber(scaling.min_capacity);
    const max = asNumber(scaling.max_capacity);
    for (const [label, value] of [
      ["min_capacity", min],
      ["max_capacity", max],
    ] as const) {
      if (value !== undefined && !Number.isInteger(value * 2)) problems.push(`${label} ${value} is not a multiple of 0.5 ACU`);
    }
    if (min !== undefined && max !== undefined && min > max) problems.push(`min_capacity ${min} is above max_capacity ${max}`);
    const version = literalString(block.body.engine_version);
    if (min === 0 && version !== undefined && supportsAutoPause(String(block.body.engine), version) === false) {
      problems.push(`min_capacity 0 (auto-pause) is not available on ${block.body.engine} ${version}`);
    }
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_rds_cluster: {
          db: { engine: "aurora-postgresql", engine_version: "16.1", serverlessv2_scaling_configuration: { min_capacity: 0, max_capacity: 2.25 } },
        },
      },
    },
  },
});

const serverlessInstanceNeedsScaling = perBlock({
  id: "rds-serverless-instance-needs-cluster-scaling",
  requirement: "A db.serverless instance can only join a cluster that has a Serverless v2 scaling configuration.",
  source: `${DOC.serverlessV2Capacity}; ${provider("rds", "cluster_instance")} (instance_class is not checked against the cluster)`,
  types: ["aws_rds_cluster_instance", "aws_rds_cluster"],
  problem: (block, stack) => {
    if (block.type !== "aws_rds_cluster_instance" || block.body.instance_class !== "db.serverless") return undefined;
    const cluster = stack.referenced(block.body.cluster_identifier);
    if (!cluster || cluster.type !== "aws_rds_cluster") return undefined;
    return first(cluster.body, "serverlessv2_scaling_configuration") ? undefined : `its cluster ${cluster.name} has no serverlessv2_scaling_configuration`;
  },
  failingExample: {
    bad: {
      resource: {
        aws_rds_cluster: { db: { engine: "aurora-postgresql" } },
        aws_rds_cluster_instance: { one: { cluster_identifier: "${aws_rds_cluster.db.id}", instance_class: "db.serverless" } },
      },
    },
  },
});

/** The parameter group family an engine version belongs to, e.g. aurora-postgresql 16.6 -> aurora-postgresql16. */
function familyOf(engine: string, version: string): string | undefined {
  if (engine === "aurora-postgresql" || engine === "postgres") return `${engine}${version.split(".")[0]}`;
  if (engine === "aurora-mysql") {
    const aurora = /^8\.0\.mysql_aurora\.|^3\./.test(version) ? "8.0" : /^5\.7\.|^2\./.test(version) ? "5.7" : undefined;
    return aurora ? `aurora-mysql${aurora}` : undefined;
  }
  if (engine === "mysql") return `mysql${version.split(".").slice(0, 2).join(".")}`;
  return undefined;
}

const parameterGroupFamily = perBlock({
  id: "rds-parameter-group-family-matches-engine",
  requirement: "A cluster's parameter group family must be the family of the cluster's engine and major version (aurora-postgresql16 for 16.x).",
  source: `${DOC.parameterGroups}; ${DOC.createDbCluster} (DBClusterParameterGroupName); ${provider("rds", "cluster_parameter_group")} (family is not validated, nor compared with any cluster)`,
  types: ["aws_rds_cluster", "aws_rds_cluster_parameter_group"],
  problem: (block, stack) => {
    if (block.type !== "aws_rds_cluster") return undefined;
    const group = stack.referenced(block.body.db_cluster_parameter_group_name);
    const engine = literalString(block.body.engine);
    const version = literalString(block.body.engine_version);
    if (!group || group.type !== "aws_rds_cluster_parameter_group" || !engine || !version) return undefined;
    const expected = familyOf(engine, version);
    const family = literalString(group.body.family);
    return expected && family && family !== expected ? `parameter group ${group.name} has family ${family}; ${engine} ${version} needs ${expected}` : undefined;
  },
  failingExample: {
    bad: {
      resource: {
        aws_rds_cluster_parameter_group: { params: { family: "aurora-postgresql15", name: "db-params" } },
        aws_rds_cluster: {
          db: { engine: "aurora-postgresql", engine_version: "16.6", db_cluster_parameter_group_name: "${aws_rds_cluster_parameter_group.params.name}" },
        },
      },
    },
  },
});

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEK_MINUTES = 7 * 24 * 60;
const clock = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

/** Minutes of the week a window covers, as [start, end) intervals (a daily window repeats every day). */
function windowIntervals(window: string, daily: boolean): [number, number][] | undefined {
  if (daily) {
    const match = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(window);
    if (!match) return undefined;
    const [start, end] = [clock(match[1]), clock(match[2])];
    const length = (end - start + 24 * 60) % (24 * 60);
    return DAYS.map((_day, index) => [index * 24 * 60 + start, index * 24 * 60 + start + length] as [number, number]);
  }
  const match = /^([a-z]{3}):(\d\d:\d\d)-([a-z]{3}):(\d\d:\d\d)$/.exec(window.toLowerCase());
  if (!match) return undefined;
  const start = DAYS.indexOf(match[1]) * 24 * 60 + clock(match[2]);
  const end = DAYS.indexOf(match[3]) * 24 * 60 + clock(match[4]);
  return [[start, start + ((end - start + WEEK_MINUTES) % WEEK_MINUTES)]];
}

const overlaps = (a: [number, number], b: [number, number]) =>
  [-WEEK_MINUTES, 0, WEEK_MINUTES].some((shift) => a[0] + shift < b[1] && b[0] < a[1] + shift);

const backupAndMaintenanceWindows = perBlock({
  id: "rds-backup-and-maintenance-windows",
  requirement: "An Aurora cluster's backup and maintenance windows each last at least 30 minutes and must not overlap.",
  source: `${DOC.createDbCluster} (PreferredBackupWindow, PreferredMaintenanceWindow); ${provider("rds", "cluster")} (verify.ValidOnceADayWindowFormat/ValidOnceAWeekWindowFormat check the format only)`,
  types: ["aws_rds_cluster"],
  problem: (block) => {
    const backupText = literalString(block.body.preferred_backup_window);
    const maintenanceText = literalString(block.body.preferred_maintenance_window);
    const backup = backupText ? windowIntervals(backupText, true) : undefined;
    const maintenance = maintenanceText ? windowIntervals(maintenanceText, false) : undefined;
    const problems: string[] = [];
    if (backup && backup[0][1] - backup[0][0] < 30) problems.push(`preferred_backup_window ${backupText} is shorter than 30 minutes`);
    if (maintenance && maintenance[0][1] - maintenance[0][0] < 30) problems.push(`preferred_maintenance_window ${maintenanceText} is shorter than 30 minutes`);
    if (backup && maintenance && backup.some((daily) => overlaps(daily, maintenance[0]))) {
      problems.push(`preferred_backup_window ${backupText} overlaps preferred_maintenance_window ${maintenanceText}`);
    }
    return problems;
  },
  failingExample: { bad: { resource: { aws_rds_cluster: { db: { preferred_backup_window: "03:00-03:20", preferred_maintenance_window: "sun:03:10-sun:04:00" } } } } },
});

const clusterBackupRetention = perBlock({
  id: "rds-cluster-backup-retention-range",
  requirement: "An Aurora cluster keeps automated backups for 1-35 days; 0 turns nothing off and is refused.",
  source: `${DOC.createDbCluster} (BackupRetentionPeriod: "Must be a value from 1 to 35"); ${provider("rds", "cluster")} (backup_retention_period: IntAtMost(35) only)`,
  types: ["aws_rds_cluster"],
  problem: (block) => {
    const days = asNumber(block.body.backup_retention_period);
    return days !== undefined && days < 1 ? `backup_retention_period ${days} is below 1 day` : undefined;
  },
  failingExample: { bad: { resource: { aws_rds_cluster: { db: { backup_retention_period: 0 } } } } },
});

const instanceMonitoring = perBlock({
  id: "rds-instance-monitoring-and-promotion",
  requirement:
    "A DB instance's monitoring interval is one of 0, 1, 5, 10, 15, 30 or 60 seconds and needs a monitoring role when above 0, and its promotion tier is 0-15.",
  source: `${DOC.createDbInstance} (MonitoringInterval, MonitoringRoleArn, PromotionTier); ${provider("rds", "cluster_instance")} (monitoring_interval and promotion_tier have no validator)`,
  types: ["aws_rds_cluster_instance"],
  problem: (block) => {
    const problems: string[] = [];
    const interval = asNumber(block.body.monitoring_interval);
    if (interval !== undefined && ![0, 1, 5, 10, 15, 30, 60].includes(interval)) problems.push(`monitoring_interval ${interval} is not 0, 1, 5, 10, 15, 30 or 60`);
    if (interval !== undefined && interval > 0 && !block.body.monitoring_role_arn) problems.push(`monitoring_interval ${interval} needs monitoring_role_arn`);
    const tier = asNumber(block.body.promotion_tier);
    if (tier !== undefined && (tier < 0 || tier > 15 || !Number.isInteger(tier))) problems.push(`promotion_tier ${tier} is outside 0-15`);
    return problems;
  },
  failingExample: { bad: { resource: { aws_rds_cluster_instance: { one: { monitoring_interval: 120, promotion_tier: 16 } } } } },
});

const proxyPool = perBlock({
  id: "rds-proxy-idle-connections-within-max",
  requirement: "An RDS Proxy target group's max_idle_connections_percent must not exceed its max_connections_percent.",
  source: `${DOC.connectionPoolConfiguration}; ${provider("rds", "proxy_default_target_group")} (each percentage is range-checked, not the pair)`,
  types: ["aws_db_proxy_default_target_group"],
  problem: (block) => {
    const pool = first(block.body, "connection_pool_config");
    const max = asNumber(pool?.max_connections_percent ?? 100);
    const idle = asNumber(pool?.max_idle_connections_percent ?? 50);
    return max !== undefined && idle !== undefined && idle > max ? `max_idle_connections_percent ${idle} exceeds max_connections_percent ${max}` : undefined;
  },
  failingExample: { bad: { resource: { aws_db_proxy_default_target_group: { pool: { db_proxy_name: "p", connection_pool_config: { max_connections_percent: 40, max_idle_connections_percent: 50 } } } } } },
});

const ENGINE_FAMILY: Readonly<Record<string, string>> = {
  "aurora-postgresql": "POSTGRESQL",
  postgres: "POSTGRESQL",
  "aurora-mysql": "MYSQL",
  mysql: "MYSQL",
  mariadb: "MYSQL",
};

/** The cluster an `aws_db_proxy_target` registers, and the proxy it registers it with. */
function proxyTargetParts(block: Block, stack: StackView): { cluster?: Block; proxy?: Block } {
  const cluster = stack.referenced(block.body.db_cluster_identifier);
  const proxy = stack.referenced(block.body.db_proxy_name);
  return { cluster: cluster?.type === "aws_rds_cluster" ? cluster : undefined, proxy: proxy?.type === "aws_db_proxy" ? proxy : undefined };
}

const proxyEngineFamily = perBlock({
  id: "rds-proxy-engine-family-matches-target",
  requirement: "An RDS Proxy's engine family must speak its target's protocol: POSTGRESQL for Aurora PostgreSQL, MYSQL for Aurora MySQL.",
  source: `${DOC.createDbProxy} (EngineFamily); ${provider("rds", "proxy_target")} (the target's engine is not compared with the proxy)`,
  types: ["aws_db_proxy_target", "aws_db_proxy", "aws_rds_cluster"],
  problem: (block, stack) => {
    if (block.type !== "aws_db_proxy_target") return undefined;
    const { cluster, proxy } = proxyTargetParts(block, stack);
    const needed = cluster ? ENGINE_FAMILY[String(cluster.body.engine)] : undefined;
    const family = literalString(proxy?.body.engine_family);
    return needed && family && family !== needed ? `proxy ${proxy?.name} is ${family} but cluster ${cluster?.name} runs ${cluster?.body.engine} (${needed})` : undefined;
  },
  failingExample: {
    bad: {
      resource: {
        aws_rds_cluster: { db: { engine: "aurora-postgresql" } },
        aws_db_proxy: { proxy: { name: "db-proxy", engine_family: "MYSQL" } },
        aws_db_proxy_target: { target: { db_proxy_name: "${aws_db_proxy.proxy.name}", db_cluster_identifier: "${aws_rds_cluster.db.cluster_identifier}" } },
      },
    },
  },
});

const proxyTargetPauses = perBlock({
  id: "rds-proxy-target-does-not-auto-pause",
  requirement: "An RDS Proxy must not front an Aurora Serverless v2 cluster whose minimum capacity is 0: the proxy's pooled connections keep it from ever pausing.",
  source: `${DOC.autoPause} (connections, including those an RDS Proxy holds open, keep instances from pausing); ${provider("rds", "proxy_target")} (not checked)`,
  types: ["aws_db_proxy_target", "aws_rds_cluster"],
  problem: (block, stack) => {
    if (block.type !== "aws_db_proxy_target") return undefined;
    const { cluster } = proxyTargetParts(block, stack);
    const min = cluster ? asNumber(first(cluster.body, "serverlessv2_scaling_configuration")?.min_capacity) : undefined;
    return min === 0 ? `cluster ${cluster?.name} has min_capacity 0: behind a proxy it never pauses, so it bills at least the smallest running capacity` : undefined;
  },
  failingExample: {
    bad: {
      resource: {
        aws_rds_cluster: { db: { engine: "aurora-postgresql", serverlessv2_scaling_configuration: { min_capacity: 0, max_capacity: 2 } } },
        aws_db_proxy_target: { target: { db_proxy_name: "p", db_cluster_identifier: "${aws_rds_cluster.db.cluster_identifier}" } },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// ElastiCache Serverless

/** Major versions ElastiCache Serverless offers per engine. */
const SERVERLESS_ENGINES: Readonly<Record<string, readonly string[]>> = { valkey: ["7", "8"], redis: ["7"], memcached: ["1.6"] };

const serverlessCacheEngine = perBlock({
  id: "elasticache-serverless-engine-version",
  requirement: "An ElastiCache Serverless cache runs valkey (major 7 or 8), redis (major 7) or memcached (major 1.6), and its description holds at most 255 characters.",
  source: `${DOC.createServerlessCache} (Engine, MajorEngineVersion, Description); ${DOC.elasticacheEngines}; ${provider("elasticache", "serverless_cache")} (engine, major_engine_version and description have no validators)`,
  types: ["aws_elasticache_serverless_cache"],
  problem: (block) => {
    const problems: string[] = [];
    const engine = literalString(block.body.engine);
    const major = literalString(block.body.major_engine_version);
    if (engine !== undefined && !SERVERLESS_ENGINES[engine]) problems.push(`engine "${engine}" is not valkey, redis or memcached`);
    else if (engine !== undefined && major !== undefined && !SERVERLESS_ENGINES[engine].includes(major)) {
      problems.push(`major_engine_version "${major}" is not offered for serverless ${engine} (${SERVERLESS_ENGINES[engine].join(", ")})`);
    }
    const description = typeof block.body.description === "string" ? literalParts(block.body.description) : "";
    if (description.length > 255) problems.push(`description is ${description.length} characters; AWS allows 255`);
    return problems;
  },
  failingExample: { bad: { resource: { aws_elasticache_serverless_cache: { cache: { name: "c", engine: "redis", major_engine_version: "8" } } } } },
});

const serverlessCacheLimits = perBlock({
  id: "elasticache-serverless-usage-limits",
  requirement: "ElastiCache Serverless data storage limits are whole GB from 1 to 5,000 with minimum <= maximum, and the ECPU/second minimum must not exceed the maximum.",
  source: `${DOC.elasticacheScaling}; https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DataStorage.html; ${provider("elasticache", "serverless_cache")} (data_storage has no validators; ecpu_per_second bounds are checked one at a time)`,
  types: ["aws_elasticache_serverless_cache"],
  problem: (block) => {
    const problems: string[] = [];
    const storage = first(block.body, "cache_usage_limits.data_storage");
    if (storage) {
      const [min, max] = [asNumber(storage.minimum), asNumber(storage.maximum)];
      for (const [label, value] of [
        ["minimum", min],
        ["maximum", max],
      ] as const) {
        if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 5000)) problems.push(`data_storage ${label} ${value} GB is outside 1-5000`);
      }
      if (min !== undefined && max !== undefined && min > max) problems.push(`data_storage minimum ${min} exceeds maximum ${max}`);
    }
    const ecpu = first(block.body, "cache_usage_limits.ecpu_per_second");
    const [min, max] = [asNumber(ecpu?.minimum), asNumber(ecpu?.maximum)];
    if (min !== undefined && max !== undefined && min > max) problems.push(`ecpu_per_second minimum ${min} exceeds maximum ${max}`);
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_elasticache_serverless_cache: {
          cache: { name: "c", cache_usage_limits: [{ data_storage: [{ maximum: 6000, minimum: 7000, unit: "GB" }], ecpu_per_second: [{ minimum: 9000, maximum: 5000 }] }] },
        },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// DynamoDB and the Terraform state backend

const dynamodbTableName = stringArgument({
  id: "dynamodb-table-name",
  requirement: "A DynamoDB table name holds 3-255 characters from a-z, A-Z, 0-9, '_', '-' and '.'.",
  source: `${DOC.dynamodbNaming}; ${provider("dynamodb", "table")} (name has no validator in the stored provider source)`,
  types: ["aws_dynamodb_table"],
  path: "name",
  pattern: /^[A-Za-z0-9_.-]*$/,
  minLength: 3,
  maxLength: 255,
  failingExample: { bad: { resource: { aws_dynamodb_table: { locks: { name: "tf lock" } } } } },
});

const stateBackend = acrossStacks({
  id: "state-backend-lock-table-and-key-exist",
  requirement:
    "A stack whose S3 backend uses the state bucket a stack creates must name that stack's lock table (partition key LockID of type S) and a KMS alias it creates, in the bucket's region.",
  source: `${DOC.s3Backend} ("dynamodb_table ... must have a partition key named LockID with type of String"); ${DOC.dynamodbNaming}; ${provider("dynamodb", "table")}`,
  types: ["aws_s3_bucket", "aws_dynamodb_table", "aws_kms_alias"],
  on: ["aws_s3_bucket"],
  problem: (bucket, bucketStack, stacks) => {
    const name = literalString(bucket.body.bucket);
    if (!name) return undefined;
    const region = bucketStack.regionOf(bucket);
    const problems: string[] = [];
    for (const user of stacks.all) {
      const backend = user.json.terraform?.backend?.s3;
      if (!backend || backend.bucket !== name) continue;
      if (region && backend.region !== region) problems.push(`${user.name}'s backend says region ${backend.region}, the bucket is in ${region}`);
      if (backend.dynamodb_table) {
        const table = bucketStack.resources("aws_dynamodb_table").find((candidate) => candidate.body.name === backend.dynamodb_table);
        const keyType = table ? (valuesAt(table.body, "attribute") as Record<string, any>[]).find((attribute) => attribute.name === "LockID")?.type : undefined;
        if (!table) problems.push(`${user.name}'s backend locks in "${backend.dynamodb_table}", which ${bucketStack.name} does not create`);
        else if (table.body.hash_key !== "LockID" || keyType !== "S") problems.push(`lock table ${backend.dynamodb_table} needs hash_key LockID of type S`);
      }
      const key = literalString(backend.kms_key_id);
      if (key?.startsWith("alias/") && !bucketStack.resources("aws_kms_alias").some((alias) => alias.body.name === key)) {
        problems.push(`${user.name}'s backend encrypts with ${key}, which ${bucketStack.name} does not create`);
      }
    }
    return problems;
  },
  failingExample: {
    bootstrap: {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_s3_bucket: { state: { bucket: "acme-tfstate" } },
        aws_dynamodb_table: { lock: { name: "acme-tflock", hash_key: "Id", attribute: [{ name: "Id", type: "S" }] } },
      },
    },
    app: { terraform: { backend: { s3: { bucket: "acme-tfstate", region: "eu-west-1", dynamodb_table: "acme-tflock", kms_key_id: "alias/acme-tfstate" } } } },
  },
});

// ---------------------------------------------------------------------------------------------
// Secrets Manager and SSM Parameter Store

const secretNaming = perBlock({
  id: "secretsmanager-secret-name-and-description",
  requirement:
    "A secret's name must not end with a hyphen and six characters (partial-ARN lookups then resolve the wrong secret) and its description holds at most 2,048 characters.",
  source: `${DOC.createSecret} (Name: "Do not end your secret name with a hyphen followed by six characters"; Description: 2048); ${provider("secretsmanager", "secret")} and ${provider("secretsmanager", "validate")} (characters and 512-character length only)`,
  types: ["aws_secretsmanager_secret"],
  problem: (block) => {
    const problems: string[] = [];
    const name = literalString(block.body.name);
    if (name && /-[^/-]{6}$/.test(name)) problems.push(`name "${name}" ends with "-" and six characters, the shape of the random suffix AWS adds to secret ARNs`);
    const description = typeof block.body.description === "string" ? literalParts(block.body.description) : "";
    if (description.length > 2048) problems.push(`description is ${description.length} characters; AWS allows 2048`);
    return problems;
  },
  failingExample: { bad: { resource: { aws_secretsmanager_secret: { db: { name: "platform/db-master" } } } } },
});

const secretValueSize = perBlock({
  id: "secretsmanager-secret-value-size",
  requirement: "A secret value holds at most 65,536 bytes.",
  source: `${DOC.putSecretValue} (SecretString: maximum length 65536); ${provider("secretsmanager", "secret_version")} (secret_string has no validator)`,
  types: ["aws_secretsmanager_secret_version"],
  problem: (block) => {
    const value = typeof block.body.secret_string === "string" ? literalParts(block.body.secret_string) : "";
    const bytes = Buffer.byteLength(value, "utf8");
    return bytes > 65536 ? `secret_string is at least ${bytes} bytes` : undefined;
  },
  failingExample: { bad: { resource: { aws_secretsmanager_secret_version: { v: { secret_id: "s", secret_string: "x".repeat(70000) } } } } },
});

const ssmParameterName = stringArgument({
  id: "ssm-parameter-name",
  requirement:
    "An SSM parameter name holds a-zA-Z0-9_.- and '/', starts with '/' when it has a hierarchy, has at most 15 levels and 1,011 characters, and does not begin with 'aws' or 'ssm'.",
  source: `${DOC.putParameter} (Name naming constraints; 2048 includes 1037 characters of ARN); ${provider("ssm", "parameter")} (name: StringLenBetween(1, 2048) only)`,
  types: ["aws_ssm_parameter"],
  path: "name",
  pattern: /^[A-Za-z0-9_.\-/]*$/,
  maxLength: 1011,
  extra: (literal, raw) => {
    if (hasExpression(raw)) return undefined;
    if (literal.includes("/") && !literal.startsWith("/")) return `name "${literal}" has a hierarchy but does not start with "/"`;
    if (/^\/?(aws|ssm)/i.test(literal)) return `name "${literal}" begins with the reserved "aws" or "ssm"`;
    const levels = literal.split("/").filter(Boolean).length;
    return levels > 15 ? `name "${literal}" has ${levels} levels; AWS allows 15` : undefined;
  },
  failingExample: { bad: { resource: { aws_ssm_parameter: { p: { name: "/ssm/app/url", type: "String", value: "x" } } } } },
});

const ssmValueSize = perBlock({
  id: "ssm-parameter-value-fits-tier",
  requirement: "A Standard-tier SSM parameter value holds at most 4 KB (Advanced: 8 KB).",
  source: `${DOC.putParameter} (Value: "Standard parameters have a value limit of 4 KB. Advanced parameters have a value limit of 8 KB."); ${provider("ssm", "parameter")} (value has no validator)`,
  types: ["aws_ssm_parameter"],
  problem: (block) => {
    const value = typeof block.body.value === "string" ? literalParts(block.body.value) : typeof block.body.insecure_value === "string" ? literalParts(block.body.insecure_value) : "";
    const limit = block.body.tier === "Advanced" ? 8192 : 4096;
    const bytes = Buffer.byteLength(value, "utf8");
    return bytes > limit ? `value is at least ${bytes} bytes; tier ${block.body.tier ?? "Standard"} allows ${limit}` : undefined;
  },
  failingExample: { bad: { resource: { aws_ssm_parameter: { p: { name: "/app/blob", type: "String", tier: "Standard", value: "x".repeat(5000) } } } } },
});

const ssmKeyNeedsSecureString = perBlock({
  id: "ssm-parameter-key-needs-securestring",
  requirement: "Only a SecureString parameter is encrypted with a KMS key; a key_id on a String or StringList parameter is dropped and the value stored in plain text.",
  source: `${DOC.putParameter} (KeyId: "Required for parameters that use the SecureString data type"); ${provider("ssm", "parameter")} (sends key_id only when type is SecureString, silently otherwise)`,
  types: ["aws_ssm_parameter"],
  problem: (block) =>
    block.body.key_id !== undefined && block.body.type !== "SecureString" ? `key_id is set but type is ${block.body.type}: the value is not encrypted with it` : undefined,
  failingExample: { bad: { resource: { aws_ssm_parameter: { p: { name: "/app/token", type: "String", key_id: "alias/app", value: "x" } } } } },
});

// ---------------------------------------------------------------------------------------------
// KMS

const keyPolicySize = perBlock({
  id: "kms-key-policy-size",
  requirement: "A KMS key policy holds at most 32,768 characters.",
  source: `${DOC.createKey} (Policy: maximum length 32768); ${provider("kms", "key")} (policy is checked as JSON only)`,
  types: ["aws_kms_key"],
  problem: (block, stack) => {
    const policy = policyOf(block.body.policy, stack);
    const size = policy ? withKnownValues(JSON.stringify(policy)).length : 0;
    return size > 32768 ? `policy is ${size} characters` : undefined;
  },
  failingExample: {
    bad: {
      resource: {
        aws_kms_key: {
          k: {
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: Array.from({ length: 400 }, (_, index) => ({ Sid: `S${index}`, Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/reader-${index}` }, Action: "kms:Decrypt", Resource: "*" })),
            }),
          },
        },
      },
    },
  },
});

const keyPolicyAdministration = perBlock({
  id: "kms-key-policy-allows-administration",
  requirement: "A KMS key policy must let an IAM principal of the account call kms:PutKeyPolicy, or CreateKey refuses it (policy lockout safety check).",
  source: `${DOC.createKey} (BypassPolicyLockoutSafetyCheck); ${provider("kms", "key")} (the policy's content is not checked)`,
  types: ["aws_kms_key"],
  problem: (block, stack) => {
    if (block.body.bypass_policy_lockout_safety_check === true || block.body.policy === undefined) return undefined;
    const policy = policyOf(block.body.policy, stack);
    if (!policy) return undefined;
    const administered = policy.Statement.some((statement) => allows(statement) && awsPrincipals(statement).length > 0 && coversAction(statement, "kms:PutKeyPolicy"));
    return administered ? undefined : "no statement allows an AWS principal kms:PutKeyPolicy: the key could never be administered again";
  },
  failingExample: {
    bad: {
      resource: {
        aws_kms_key: {
          k: {
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "logs.eu-west-1.amazonaws.com" }, Action: "kms:*", Resource: "*" }] }),
          },
        },
      },
    },
  },
});

const aliasLength = stringArgument({
  id: "kms-alias-name-length",
  requirement: "A KMS alias name, 'alias/' included, holds at most 256 characters.",
  source: `${DOC.createAlias} (AliasName: length 1-256); ${provider("kms", "validate")} (validNameForResource checks characters and the alias/aws/ prefix, not length)`,
  types: ["aws_kms_alias"],
  path: "name",
  maxLength: 256,
  failingExample: { bad: { resource: { aws_kms_alias: { a: { name: `alias/${"k".repeat(260)}`, target_key_id: "k" } } } } },
});

const aliasLookup = acrossStacks({
  id: "kms-alias-lookup-resolves",
  requirement: "A looked-up KMS alias that is not AWS managed must be one some stack creates, in the same region.",
  source: `https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html (NotFoundException); ${provider("kms", "alias_data_source")} (the name is only checked for shape)`,
  types: ["aws_kms_alias"],
  on: ["data.aws_kms_alias"],
  problem: (block, stack, stacks) => {
    const name = literalString(block.body.name);
    if (!name || name.startsWith("alias/aws/")) return undefined;
    const region = stack.regionOf(block);
    const created = stacks.all.flatMap((other) => other.resources("aws_kms_alias").filter((alias) => alias.body.name === name).map((alias) => other.regionOf(alias)));
    if (created.length === 0) return `no stack creates ${name}`;
    return region && !created.includes(region) ? `${name} is created in ${created.join(", ")}, looked up in ${region}` : undefined;
  },
  failingExample: { pipeline: { provider: { aws: [{ region: "eu-west-1" }] }, data: { aws_kms_alias: { state: { name: "alias/acme-tfstate" } } } } },
});

/** Resource arguments that name a KMS key (encryption keys, alias targets), by their path. */
const KEY_ARGUMENT = /(^|\.)(kms[a-z_]*|[a-z_]*key_id|[a-z_]*key_arn|encryption_key(\.id)?|kms_key)$/;

// Every resource type can hold a key argument, so this rule visits all resource blocks.
const kmsKeyInResourceRegion: ConstraintRule = {
  id: "kms-key-in-resource-region",
  requirement: "A resource can only use a (single-Region) KMS key created in its own region.",
  source: `${DOC.kmsRegions} ("KMS keys are regional"); the providers pass the key through unchecked, e.g. ${provider("rds", "cluster")} (kms_key_id: ARN format only)`,
  types: ["aws_kms_key", "aws_kms_alias", "aws_rds_cluster", "aws_secretsmanager_secret", "aws_ssm_parameter", "aws_backup_vault", "aws_s3_bucket_server_side_encryption_configuration"],
  check: (all) => {
    const stacks = new Stacks(all);
    const violations: Violation[] = [];
    for (const stack of all) {
      for (const block of stack.blocks) {
        if (block.kind !== "resource" || block.type === "aws_kms_key") continue;
        walkStrings(block.body, "", (value, path) => {
          if (!KEY_ARGUMENT.test(path) || path.includes("policy")) return;
          const key = stacks.key(value, stack);
          if (!key) return;
          const [mine, theirs] = [stack.regionOf(block), key.stack.regionOf(key.block)];
          if (mine && theirs && mine !== theirs) violations.push({ where: where(block), problem: `${path} uses ${key.stack.name}: aws_kms_key.${key.block.name} in ${theirs}; the resource is in ${mine}` });
        });
      }
    }
    return violations;
  },
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }, { alias: "dr", region: "us-west-2" }] },
      resource: {
        aws_kms_key: { dr: { provider: "aws.dr", description: "copies" } },
        aws_backup_vault: { primary: { name: "primary", kms_key_arn: "${aws_kms_key.dr.arn}" } },
      },
    },
  },
};

/** A service that encrypts or decrypts with a customer key on its own behalf, and what it needs. */
interface ServiceUse {
  readonly principal: string;
  readonly actions: readonly string[];
  readonly why: string;
}

const PUBLISH = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

/** Which services put messages into a topic or queue, found from the blocks that point at it. */
function publishersOf(target: Located, stacks: Stacks): ServiceUse[] {
  const uses: ServiceUse[] = [];
  const add = (service: string, why: string) => {
    if (!uses.some((use) => use.principal === service)) uses.push({ principal: service, actions: PUBLISH, why });
  };
  for (const { holder, path } of stacks.referrers(target)) {
    if (holder.kind !== "resource") continue;
    const name = `${holder.type}.${holder.name}`;
    if (/^aws_cloudwatch_(metric|composite)_alarm$/.test(holder.type) && /_actions$/.test(path)) add("cloudwatch", `${name} publishes alarms to it`);
    else if (holder.type === "aws_cloudwatch_event_target" && path === "arn") add("events", `${name} sends events to it`);
    else if (holder.type === "aws_backup_vault_notifications" && path === "sns_topic_arn") add("backup", `${name} reports backup events to it`);
    else if (holder.type === "aws_codestarnotifications_notification_rule" && path === "target.address") add("codestar-notifications", `${name} notifies it`);
    else if (holder.type === "aws_s3_bucket_notification" && /(topic|queue)_arn$/.test(path)) add("s3", `${name} sends bucket events to it`);
    else if (holder.type === "aws_sns_topic_subscription" && path === "endpoint" && holder.body.protocol === "sqs") add("sns", `${name} delivers to it`);
  }
  return uses;
}

/** Which services read or write objects of an SSE-KMS bucket as themselves. */
function bucketServiceUses(bucket: Located, stacks: Stacks): ServiceUse[] {
  const uses: ServiceUse[] = [];
  for (const { holder, stack, path } of stacks.referrers(bucket)) {
    if (holder.kind !== "resource") continue;
    const name = `${holder.type}.${holder.name}`;
    if (holder.type === "aws_cloudfront_distribution" && path === "origin.domain_name") {
      const origins = valuesAt(holder.body, "origin").filter((origin: any) => stacks.locate(origin.domain_name, stack)?.block === bucket.block);
      if (origins.some((origin: any) => origin.origin_access_control_id)) uses.push({ principal: "cloudfront", actions: ["kms:Decrypt"], why: `${name} reads it through origin access control` });
    } else if (holder.type === "aws_cloudwatch_log_delivery_destination" && /destination_resource_arn$/.test(path)) {
      uses.push({ principal: "delivery.logs", actions: ["kms:GenerateDataKey"], why: `${name} delivers vended logs into it` });
    } else if (holder.type === "aws_s3_bucket_logging" && path === "target_bucket") {
      uses.push({ principal: "logging.s3", actions: ["kms:GenerateDataKey"], why: `${name} delivers server access logs into it` });
    }
  }
  return uses;
}

function keyAdmits(policy: PolicyDocument, principal: RegExp, actions: readonly string[], keyRegion: string | undefined): boolean {
  return policy.Statement.some(
    (statement) =>
      allows(statement) &&
      servicePrincipals(statement).some((service) => principal.test(withKnownValues(service, keyRegion))) &&
      actions.every((action) => coversAction(statement, action)),
  );
}

const servicePrincipalPattern = (service: string, region: string | undefined) =>
  new RegExp(`^${service.replace(/\./g, "\\.")}${service === "logs" ? `\\.${region ? region.replace(/-/g, "\\-") : "[a-z0-9-]+"}` : ""}\\.amazonaws\\.com$`);

const keyAdmitsServices = acrossStacks({
  id: "kms-key-policy-admits-service-principals",
  requirement:
    "A customer key used by a service acting as itself must admit that service principal in its key policy: CloudWatch Logs for log groups, the publishers of encrypted topics and queues, CloudFront and log delivery for encrypted buckets.",
  source: `${DOC.logsKms}; ${DOC.snsKms}; ${DOC.sqsKms}; ${DOC.cloudfrontOacKms}; ${DOC.vendedLogsKms}; ${DOC.serverAccessLogging}; ${provider("kms", "key")} (the policy's content is not compared with the key's users)`,
  types: [
    "aws_kms_key",
    "aws_kms_alias",
    "aws_cloudwatch_log_group",
    "aws_sns_topic",
    "aws_sqs_queue",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_event_target",
    "aws_backup_vault_notifications",
    "aws_codestarnotifications_notification_rule",
    "aws_cloudfront_distribution",
    "aws_cloudwatch_log_delivery_destination",
    "aws_s3_bucket_logging",
  ],
  on: ["aws_cloudwatch_log_group", "aws_sns_topic", "aws_sqs_queue", "aws_s3_bucket_server_side_encryption_configuration"],
  problem: (block, stack, stacks) => {
    let keyValue: unknown;
    let uses: ServiceUse[] = [];
    const region = stack.regionOf(block);
    if (block.type === "aws_cloudwatch_log_group") {
      keyValue = block.body.kms_key_id;
      uses = [{ principal: "logs", actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:DescribeKey"], why: "CloudWatch Logs encrypts the group's events" }];
    } else if (block.type === "aws_sns_topic" || block.type === "aws_sqs_queue") {
      keyValue = block.body.kms_master_key_id;
      uses = keyValue ? publishersOf({ block, stack, attribute: "" }, stacks) : [];
    } else {
      const rule = first(block.body, "rule.apply_server_side_encryption_by_default");
      if (!rule || !String(rule.sse_algorithm ?? "").startsWith("aws:kms")) return undefined;
      keyValue = rule.kms_master_key_id;
      const bucket = stacks.locate(block.body.bucket, stack);
      uses = bucket?.block.type === "aws_s3_bucket" ? bucketServiceUses({ ...bucket, attribute: "" }, stacks) : [];
      if (uses.length > 0 && keyValue === undefined) return uses.map((use) => `${use.why}, but the bucket uses the AWS managed aws/s3 key, whose policy admits no service`);
    }
    if (uses.length === 0 || typeof keyValue !== "string") return undefined;
    if (keyValue.startsWith("alias/aws/")) return uses.map((use) => `${use.why}, but ${keyValue} is AWS managed and its policy cannot admit ${use.principal}`);
    const key = stacks.key(keyValue, stack);
    if (!key) return undefined;
    const policy = policyOf(key.block.body.policy, key.stack);
    const keyRegion = key.stack.regionOf(key.block);
    return uses
      .filter((use) => !policy || !keyAdmits(policy, servicePrincipalPattern(use.principal, use.principal === "logs" ? region : undefined), use.actions, keyRegion))
      .map((use) => `${use.why}, but ${key.stack.name}: aws_kms_key.${key.block.name}'s policy does not allow ${use.principal} ${use.actions.join(", ")}`);
  },
  failingExample: {
    core: {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_kms_key: {
          k: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }] }) },
        },
        aws_cloudwatch_log_group: { logs: { name: "/app", kms_key_id: "${aws_kms_key.k.arn}" } },
        aws_sns_topic: { alerts: { name: "alerts", kms_master_key_id: "${aws_kms_key.k.arn}" } },
        aws_cloudwatch_metric_alarm: { errors: { alarm_name: "errors", alarm_actions: ["${aws_sns_topic.alerts.arn}"] } },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// S3

const RESERVED_BUCKET_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_BUCKET_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

const bucketNames = perBlock({
  id: "s3-bucket-name",
  requirement:
    "A general purpose bucket name holds 3-63 lower-case letters, digits, '.' and '-', starts and ends with a letter or digit, has no '..', is not an IP address, and avoids the reserved prefixes and suffixes.",
  source: `${DOC.bucketNaming}; ${provider("s3", "bucket")} (plan checks only StringLenBetween(0, 63); validBucketName runs at create time, after plan, and knows none of the reserved prefixes or suffixes)`,
  types: ["aws_s3_bucket"],
  problem: (block, stack) => {
    const raw = block.body.bucket;
    if (typeof raw !== "string") return undefined;
    const name = withKnownValues(raw, stack.regionOf(block));
    const exact = !hasExpression(name);
    const literal = literalParts(name);
    const problems: string[] = [];
    if (!/^[a-z0-9.-]*$/.test(literal)) problems.push(`"${raw}" holds characters other than a-z, 0-9, "." and "-"`);
    if (exact && (name.length < 3 || name.length > 63)) problems.push(`"${name}" is ${name.length} characters; AWS allows 3-63`);
    if (!exact && literal.length > 63) problems.push(`"${raw}" is over 63 characters before its expressions are filled in`);
    if (exact && !/^[a-z0-9].*[a-z0-9]$/.test(name)) problems.push(`"${name}" must start and end with a letter or digit`);
    if (literal.includes("..")) problems.push(`"${raw}" holds ".."`);
    if (exact && /^\d{1,3}(\.\d{1,3}){3}$/.test(name)) problems.push(`"${name}" is formatted as an IP address`);
    const reservedPrefix = RESERVED_BUCKET_PREFIXES.find((prefix) => name.startsWith(prefix));
    if (reservedPrefix) problems.push(`"${raw}" starts with the reserved "${reservedPrefix}"`);
    const reservedSuffix = RESERVED_BUCKET_SUFFIXES.find((suffix) => name.endsWith(suffix));
    if (reservedSuffix) problems.push(`"${raw}" ends with the reserved "${reservedSuffix}"`);
    return problems;
  },
  failingExample: {
    bad: { resource: { aws_s3_bucket: { logs: { bucket: "Platform_Logs" }, alias: { bucket: "platform-media-s3alias" }, long: { bucket: `platform-${"x".repeat(50)}-\${data.aws_caller_identity.me.account_id}` } } } },
  },
});

const lifecycleRules = perBlock({
  id: "s3-lifecycle-rules",
  requirement:
    "A bucket lifecycle configuration has at most 1,000 rules with unique IDs, each with a filter (or prefix), expiration and abort-multipart days of at least 1, and newer_noncurrent_versions of at most 100.",
  source: `${DOC.lifecycleRule} ("Filter is required if the LifecycleRule does not contain a Prefix element"); ${DOC.noncurrentVersionExpiration} ("up to 100 noncurrent versions"); ${DOC.lifecycleLimits} (1,000 rules); ${provider("s3", "bucket_lifecycle_configuration")} (newer_noncurrent_versions: AtLeast(1) only; expiration.days and days_after_initiation unvalidated)`,
  types: ["aws_s3_bucket_lifecycle_configuration"],
  problem: (block) => {
    const rules = valuesAt(block.body, "rule") as Record<string, any>[];
    const problems: string[] = [];
    if (rules.length > 1000) problems.push(`${rules.length} rules; S3 allows 1,000`);
    const ids = rules.map((rule) => rule.id).filter((id) => typeof id === "string");
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
    if (repeated.length > 0) problems.push(`rule ids repeat: ${[...new Set(repeated)].join(", ")}`);
    for (const rule of rules) {
      const label = `rule ${rule.id ?? "?"}`;
      if (valuesAt(rule, "filter").length === 0 && rule.prefix === undefined) problems.push(`${label}: has neither filter nor prefix`);
      for (const versions of valuesAt(rule, "noncurrent_version_expiration.newer_noncurrent_versions").map(asNumber)) {
        if (versions !== undefined && versions > 100) problems.push(`${label}: newer_noncurrent_versions ${versions} exceeds 100`);
      }
      for (const days of valuesAt(rule, "expiration.days").map(asNumber)) if (days !== undefined && days < 1) problems.push(`${label}: expiration days ${days} is below 1`);
      for (const days of valuesAt(rule, "abort_incomplete_multipart_upload.days_after_initiation").map(asNumber)) {
        if (days !== undefined && days < 1) problems.push(`${label}: days_after_initiation ${days} is below 1`);
      }
    }
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_s3_bucket_lifecycle_configuration: {
          lc: {
            bucket: "b",
            rule: [
              { id: "keep", status: "Enabled", filter: [{ prefix: "" }], noncurrent_version_expiration: [{ noncurrent_days: 30, newer_noncurrent_versions: 500 }] },
              { id: "keep", status: "Enabled", expiration: [{ days: 0 }] },
            ],
          },
        },
      },
    },
  },
});

/** Whether a policy lets S3 server access logging write objects under the prefix, for logs from the source bucket. */
function admitsServerAccessLogs(policy: PolicyDocument, stack: StackView, objectArn: string, sourceArn: string): boolean {
  return policy.Statement.some((statement) => {
    if (!allows(statement) || !coversAction(statement, "s3:PutObject")) return false;
    if (!servicePrincipals(statement).some((service) => withKnownValues(service) === "logging.s3.amazonaws.com")) return false;
    if (!list(statement.Resource).some((resource) => globMatches(expandForS3(resource, stack), objectArn))) return false;
    const sourceArnPatterns = Object.values(statement.Condition ?? {}).flatMap((byKey) =>
      Object.entries(byKey)
        .filter(([key]) => key.toLowerCase() === "aws:sourcearn")
        .flatMap(([, values]) => list(values)),
    );
    return sourceArnPatterns.length === 0 || sourceArnPatterns.some((pattern) => globMatches(expandForS3(pattern, stack), sourceArn));
  });
}

const serverAccessLogging = acrossStacks({
  id: "s3-server-access-log-target",
  requirement:
    "A server access log target bucket must be in the source bucket's region and, under bucket-owner-enforced ownership, take no target grants and have a bucket policy letting logging.s3.amazonaws.com put objects under the prefix for that source bucket.",
  source: `${DOC.putBucketLogging} ("All logs are saved to buckets in the same AWS Region as the source bucket"; target grants are not supported with bucket owner enforced); ${DOC.serverAccessLogging}; ${provider("s3", "bucket_logging")} (target_bucket and target_prefix are not validated)`,
  types: ["aws_s3_bucket_logging", "aws_s3_bucket", "aws_s3_bucket_policy", "aws_s3_bucket_ownership_controls"],
  on: ["aws_s3_bucket_logging"],
  problem: (block, stack, stacks) => {
    const source = stacks.locate(block.body.bucket, stack);
    const target = stacks.locate(block.body.target_bucket, stack);
    if (source?.block.type !== "aws_s3_bucket" || target?.block.type !== "aws_s3_bucket") return undefined;
    const problems: string[] = [];
    const [sourceRegion, targetRegion] = [source.stack.regionOf(source.block), target.stack.regionOf(target.block)];
    if (sourceRegion && targetRegion && sourceRegion !== targetRegion) problems.push(`target bucket is in ${targetRegion}, the source bucket in ${sourceRegion}`);
    const ownership = configurationOf("aws_s3_bucket_ownership_controls", target);
    if (first(ownership?.body, "rule")?.object_ownership !== "BucketOwnerEnforced") return problems;
    if (valuesAt(block.body, "target_grant").length > 0) problems.push("target_grant is refused: the target bucket enforces bucket-owner ownership");
    const [sourceName, targetName] = [bucketName(source.block, source.stack), bucketName(target.block, target.stack)];
    const prefix = literalParts(withKnownValues(String(block.body.target_prefix ?? "")), "*");
    const policy = bucketPolicyOf(target);
    if (sourceName && targetName && (!policy || !admitsServerAccessLogs(policy, target.stack, `arn:aws:s3:::${targetName}/${prefix}log-object`, `arn:aws:s3:::${sourceName}`))) {
      problems.push(`${target.stack.name}: aws_s3_bucket.${target.block.name}'s policy does not let logging.s3.amazonaws.com put ${prefix}* for ${sourceName}: no logs would arrive`);
    }
    return problems;
  },
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_s3_bucket: { media: { bucket: "acme-media" }, logs: { bucket: "acme-logs" } },
        aws_s3_bucket_ownership_controls: { logs: { bucket: "${aws_s3_bucket.logs.id}", rule: { object_ownership: "BucketOwnerEnforced" } } },
        aws_s3_bucket_logging: { media: { bucket: "${aws_s3_bucket.media.id}", target_bucket: "${aws_s3_bucket.logs.id}", target_prefix: "media/" } },
      },
    },
  },
});

/** Bucket policy statements as S3 receives them, with the bucket they are attached to. */
function bucketPolicyStatements(block: Block, stack: StackView): { bucket?: Block; statements: PolicyStatement[] } {
  const bucket = stack.referenced(block.body.bucket);
  const policy = policyOf(block.body.policy, stack);
  return { bucket: bucket?.type === "aws_s3_bucket" ? bucket : undefined, statements: policy?.Statement ?? [] };
}

const bucketPolicyResources = perBlock({
  id: "s3-bucket-policy-resources-in-bucket",
  requirement: "Every Resource of a bucket policy must be the bucket's own ARN or an object ARN inside it (MalformedPolicy: Policy has invalid resource).",
  source: `${DOC.bucketPolicies}; ${DOC.bucketPolicyResource}; ${provider("s3", "bucket_policy")} (policy is checked as JSON only)`,
  types: ["aws_s3_bucket_policy", "aws_s3_bucket"],
  problem: (block, stack) => {
    const { bucket, statements } = bucketPolicyStatements(block, stack);
    const name = bucket ? bucketName(bucket, stack) : undefined;
    if (!name) return undefined;
    const arn = `arn:aws:s3:::${name}`;
    return statements.flatMap((statement) =>
      list(statement.Resource)
        .map((resource) => expandForS3(resource, stack))
        .filter((resource) => !globMatches(resource, arn) && !globMatches(resource, `${arn}/object`) && !resource.startsWith(`${arn}/`) && !resource.startsWith("*"))
        .map((resource) => `statement ${statement.Sid ?? "?"} names ${resource}, outside ${arn}`),
    );
  },
  failingExample: {
    bad: {
      resource: {
        aws_s3_bucket: { media: { bucket: "acme-media" } },
        aws_s3_bucket_policy: {
          media: {
            bucket: "${aws_s3_bucket.media.id}",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Read", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-site/*" }] }),
          },
        },
      },
    },
  },
});

const bucketPolicySize = perBlock({
  id: "s3-bucket-policy-size",
  requirement: "A bucket policy holds at most 20 KB.",
  source: `${DOC.s3Quotas} ("bucket policies are limited to 20 KB"); ${provider("s3", "bucket_policy")} (size is not checked)`,
  types: ["aws_s3_bucket_policy"],
  problem: (block, stack) => {
    const policy = policyOf(block.body.policy, stack);
    const size = policy ? Buffer.byteLength(expandForS3(JSON.stringify(policy), stack), "utf8") : 0;
    return size > 20480 ? `policy is about ${size} bytes` : undefined;
  },
  failingExample: {
    bad: {
      resource: {
        aws_s3_bucket_policy: {
          p: {
            bucket: "b",
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: Array.from({ length: 200 }, (_, index) => ({ Sid: `S${index}`, Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/reader-${index}` }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" })),
            }),
          },
        },
      },
    },
  },
});

/** Condition keys that make an Allow to `*` non-public in S3's policy-status evaluation. */
const NON_PUBLIC_CONDITION_KEYS = [
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:sourceip",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalservicename",
  "aws:userid",
  "s3:dataaccesspointaccount",
  "s3:dataaccesspointarn",
];

const bucketPolicyPublic = perBlock({
  id: "s3-bucket-policy-not-public-under-block",
  requirement: "With BlockPublicPolicy on, S3 refuses (AccessDenied) a bucket policy that allows '*' without a condition on a fixed account, ARN, organization, VPC or IP range.",
  source: `${DOC.blockPublicAccess}; ${provider("s3", "bucket_policy")} (the policy's public status is not evaluated)`,
  types: ["aws_s3_bucket_policy", "aws_s3_bucket_public_access_block"],
  problem: (block, stack) => {
    const { bucket, statements } = bucketPolicyStatements(block, stack);
    if (!bucket) return undefined;
    const blocked = stack
      .resources("aws_s3_bucket_public_access_block")
      .some((candidate) => stack.referenced(candidate.body.bucket) === bucket && candidate.body.block_public_policy === true);
    if (!blocked) return undefined;
    return statements
      .filter((statement) => allows(statement) && awsPrincipals(statement).includes("*"))
      .filter((statement) => !Object.values(statement.Condition ?? {}).some((byKey) => Object.keys(byKey).some((key) => NON_PUBLIC_CONDITION_KEYS.includes(key.toLowerCase()))))
      .map((statement) => `statement ${statement.Sid ?? "?"} allows "*" unconditionally while block_public_policy is on`);
  },
  failingExample: {
    bad: {
      resource: {
        aws_s3_bucket: { site: { bucket: "acme-site" } },
        aws_s3_bucket_public_access_block: { site: { bucket: "${aws_s3_bucket.site.id}", block_public_policy: true } },
        aws_s3_bucket_policy: {
          site: {
            bucket: "${aws_s3_bucket.site.id}",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Public", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-site/*" }] }),
          },
        },
      },
    },
  },
});

const corsRules = perBlock({
  id: "s3-cors-rules",
  requirement: "A bucket CORS configuration has at most 100 rules, each AllowedOrigin and AllowedHeader holds at most one '*' wildcard, and rule IDs hold at most 255 characters.",
  source: `${DOC.cors} ("Each AllowedOrigin string can contain at most one * wildcard character"; 100 rules); ${DOC.corsRule}; ${provider("s3", "bucket_cors_configuration")} (origins and headers are not validated)`,
  types: ["aws_s3_bucket_cors_configuration"],
  problem: (block) => {
    const rules = valuesAt(block.body, "cors_rule") as Record<string, any>[];
    const problems: string[] = [];
    if (rules.length > 100) problems.push(`${rules.length} CORS rules; S3 allows 100`);
    for (const rule of rules) {
      for (const [label, values] of [
        ["allowed_origins", strings(rule.allowed_origins)],
        ["allowed_headers", strings(rule.allowed_headers)],
      ] as const) {
        for (const value of values) if ((literalParts(value).match(/\*/g) ?? []).length > 1) problems.push(`${label} "${value}" holds more than one "*"`);
      }
      if (typeof rule.id === "string" && rule.id.length > 255) problems.push(`rule id is ${rule.id.length} characters; S3 allows 255`);
    }
    return problems;
  },
  failingExample: { bad: { resource: { aws_s3_bucket_cors_configuration: { c: { bucket: "b", cors_rule: [{ allowed_methods: ["GET"], allowed_origins: ["https://*.*.example.com"] }] } } } } },
});

const sseKeyAlgorithm = perBlock({
  id: "s3-sse-kms-key-only-with-kms",
  requirement: "A bucket's default encryption may name a KMS key only with SSEAlgorithm aws:kms or aws:kms:dsse.",
  source: `${DOC.sseByDefault} ("KMSMasterKeyID can only be used when you set the value of SSEAlgorithm as aws:kms or aws:kms:dsse"); ${provider("s3", "bucket_server_side_encryption_configuration")} (kms_master_key_id is not compared with sse_algorithm)`,
  types: ["aws_s3_bucket_server_side_encryption_configuration"],
  problem: (block) =>
    valuesAt(block.body, "rule.apply_server_side_encryption_by_default")
      .filter((rule: any) => rule.kms_master_key_id !== undefined && !String(rule.sse_algorithm).startsWith("aws:kms"))
      .map((rule: any) => `kms_master_key_id is set with sse_algorithm ${rule.sse_algorithm}`),
  failingExample: {
    bad: { resource: { aws_s3_bucket_server_side_encryption_configuration: { e: { bucket: "b", rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256", kms_master_key_id: "k" } }] } } } },
  },
});

const loadBalancerLogBucket = perBlock({
  id: "s3-load-balancer-log-bucket-sse-s3",
  requirement: "A bucket that receives Elastic Load Balancing access or connection logs must use SSE-S3 (AES256) default encryption; ELB cannot write to SSE-KMS buckets.",
  source: `${DOC.albAccessLogs} ("The only server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3)"); ${provider("s3", "bucket_server_side_encryption_configuration")} and ${provider("elbv2", "load_balancer")} (not compared)`,
  types: ["aws_lb", "aws_alb", "aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"],
  problem: (block, stack) => {
    if (block.type !== "aws_lb" && block.type !== "aws_alb") return undefined;
    return [...valuesAt(block.body, "access_logs.bucket"), ...valuesAt(block.body, "connection_logs.bucket")].flatMap((value) => {
      const bucket = stack.referenced(value);
      if (bucket?.type !== "aws_s3_bucket") return [];
      const encryption = configurationOf("aws_s3_bucket_server_side_encryption_configuration", { block: bucket, stack, attribute: "" });
      const algorithm = first(encryption?.body, "rule.apply_server_side_encryption_by_default")?.sse_algorithm;
      return algorithm && algorithm !== "AES256" ? [`log bucket ${bucket.name} uses ${algorithm}; ELB writes only to SSE-S3 buckets`] : [];
    });
  },
  failingExample: {
    bad: {
      resource: {
        aws_s3_bucket: { logs: { bucket: "acme-alb-logs" } },
        aws_s3_bucket_server_side_encryption_configuration: { logs: { bucket: "${aws_s3_bucket.logs.id}", rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } }] } },
        aws_lb: { api: { name: "api", access_logs: { bucket: "${aws_s3_bucket.logs.bucket}", enabled: true } } },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// AWS Backup

const backupPlanName = stringArgument({
  id: "backup-plan-name",
  requirement: "A backup plan name holds 1-50 letters, digits, '-', '_' or '.'.",
  source: `${DOC.createBackupPlan} (BackupPlanName); ${provider("backup", "plan")} (name has no validator)`,
  types: ["aws_backup_plan"],
  path: "name",
  pattern: /^[A-Za-z0-9_.-]*$/,
  minLength: 1,
  maxLength: 50,
  failingExample: { bad: { resource: { aws_backup_plan: { p: { name: "platform dev backup", rule: [] } } } } },
});

/** Problems of an AWS Backup cron expression: six fields, one of day-of-month and day-of-week `?`, at most hourly. */
function cronProblem(schedule: string): string | undefined {
  const match = /^cron\((.+)\)$/.exec(schedule.trim());
  if (!match) return `schedule "${schedule}" is not cron(...)`;
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6) return `schedule "${schedule}" has ${fields.length} fields; AWS cron has 6 (minutes hours day-of-month month day-of-week year)`;
  const [minutes, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) return `schedule "${schedule}" must give "?" in exactly one of day-of-month and day-of-week`;
  if (!/^\d{1,2}$/.test(minutes) || Number(minutes) > 59) return `schedule "${schedule}" runs more than once an hour; AWS Backup runs at most hourly`;
  return undefined;
}

const backupRuleSchedule = perBlock({
  id: "backup-rule-schedule-and-windows",
  requirement:
    "A backup rule's schedule is a six-field AWS cron expression at most hourly, its start window is at least 60 minutes, and its completion window is longer than the start window (it counts from the scheduled time).",
  source: `${DOC.backupRuleInput} (StartWindowMinutes "must be at least 60 minutes"); ${DOC.startBackupJob} (the completion window "begins counting down from when the backup was scheduled"); ${DOC.backupSchedule}; ${provider("backup", "plan")} (schedule, start_window and completion_window are not validated)`,
  types: ["aws_backup_plan"],
  problem: (block) =>
    (valuesAt(block.body, "rule") as Record<string, any>[]).flatMap((rule) => {
      const problems: string[] = [];
      const label = `rule ${rule.rule_name}`;
      const schedule = literalString(rule.schedule);
      const cron = schedule ? cronProblem(schedule) : undefined;
      if (cron) problems.push(`${label}: ${cron}`);
      const start = asNumber(rule.start_window ?? 60);
      const completion = asNumber(rule.completion_window ?? 180);
      if (start !== undefined && start < 60) problems.push(`${label}: start_window ${start} is below 60 minutes`);
      if (start !== undefined && completion !== undefined && completion <= start) problems.push(`${label}: completion_window ${completion} does not exceed start_window ${start}`);
      return problems;
    }),
  failingExample: { bad: { resource: { aws_backup_plan: { p: { name: "p", rule: [{ rule_name: "fast", target_vault_name: "v", schedule: "cron(*/15 * * * * *)", start_window: 30, completion_window: 20 }] } } } } },
});

function lifecycleProblems(label: string, lifecycle: Record<string, any> | undefined, continuous: boolean): string[] {
  if (!lifecycle) return [];
  const problems: string[] = [];
  const deleteAfter = asNumber(lifecycle.delete_after);
  const cold = asNumber(lifecycle.cold_storage_after);
  if (deleteAfter !== undefined && (deleteAfter < 1 || deleteAfter > 36500)) problems.push(`${label}: delete_after ${deleteAfter} is outside 1-36500 days`);
  if (continuous && deleteAfter !== undefined && deleteAfter > 35) problems.push(`${label}: continuous backups are kept at most 35 days (delete_after ${deleteAfter})`);
  if (continuous && cold) problems.push(`${label}: continuous backups cannot move to cold storage`);
  if (cold && deleteAfter !== undefined && deleteAfter < cold + 90) problems.push(`${label}: delete_after ${deleteAfter} is less than 90 days after cold_storage_after ${cold}`);
  return problems;
}

const backupRuleLifecycle = perBlock({
  id: "backup-rule-lifecycle",
  requirement:
    "Recovery points live 1-36,500 days, continuous backups at most 35 days and never in cold storage, and a point moved to cold storage stays there at least 90 days before it is deleted.",
  source: `${DOC.backupLifecycle}; ${DOC.backupRuleInput} (Lifecycle: "retention must be 90 days greater than transition to cold"); ${DOC.continuousBackup} ("retention period of 1 to 35 days"); ${provider("backup", "plan")} (lifecycle values are not validated)`,
  types: ["aws_backup_plan"],
  problem: (block) =>
    (valuesAt(block.body, "rule") as Record<string, any>[]).flatMap((rule) => [
      ...lifecycleProblems(`rule ${rule.rule_name}`, first(rule, "lifecycle"), rule.enable_continuous_backup === true),
      // Copies of continuous recovery points are snapshots: only the general limits apply to them.
      ...valuesAt(rule, "copy_action").flatMap((copy: any) => lifecycleProblems(`rule ${rule.rule_name} copy`, first(copy, "lifecycle"), false)),
    ]),
  failingExample: {
    bad: {
      resource: {
        aws_backup_plan: {
          p: { name: "p", rule: [{ rule_name: "pitr", target_vault_name: "v", enable_continuous_backup: true, lifecycle: { delete_after: 60 } }, { rule_name: "cold", target_vault_name: "v", lifecycle: { cold_storage_after: 30, delete_after: 60 } }] },
        },
      },
    },
  },
});

const backupVaultReferences = perBlock({
  id: "backup-plan-vault-references",
  requirement: "A backup rule's target vault is a vault name and a copy action's destination a vault ARN; a vault's id, name or ARN in the wrong place is refused.",
  source: `${DOC.backupRuleInput} (TargetBackupVaultName); ${DOC.copyAction} (DestinationBackupVaultArn); ${provider("backup", "plan")} (destination_vault_arn: any ARN; target_vault_name: pattern only, unknown at plan)`,
  types: ["aws_backup_plan", "aws_backup_vault"],
  problem: (block, stack) =>
    (valuesAt(block.body, "rule") as Record<string, any>[]).flatMap((rule) => {
      const problems: string[] = [];
      const target = /^\$\{aws_backup_vault\.[A-Za-z0-9_-]+\.([a-z_]+)\}$/.exec(String(rule.target_vault_name));
      if (target && !["name", "id"].includes(target[1])) problems.push(`rule ${rule.rule_name}: target_vault_name reads the vault's ${target[1]}, not its name`);
      for (const copy of valuesAt(rule, "copy_action") as Record<string, any>[]) {
        const destination = /^\$\{aws_backup_vault\.[A-Za-z0-9_-]+\.([a-z_]+)\}$/.exec(String(copy.destination_vault_arn));
        if (destination && destination[1] !== "arn") problems.push(`rule ${rule.rule_name}: copy destination_vault_arn reads the vault's ${destination[1]}, not its arn`);
        if (stack.referenced(copy.destination_vault_arn)?.type === "aws_backup_vault" && copy.destination_vault_arn === rule.target_vault_name) {
          problems.push(`rule ${rule.rule_name}: copies into its own target vault`);
        }
      }
      return problems;
    }),
  failingExample: {
    bad: {
      resource: {
        aws_backup_vault: { v: { name: "primary" }, dr: { name: "dr" } },
        aws_backup_plan: { p: { name: "p", rule: [{ rule_name: "daily", target_vault_name: "${aws_backup_vault.v.arn}", copy_action: [{ destination_vault_arn: "${aws_backup_vault.dr.id}" }] }] } },
      },
    },
  },
});

/** The lock of the vault a value (name or ARN reference) points at, across stacks. */
function vaultLock(value: unknown, stack: StackView, stacks: Stacks): { vault: Located; lock?: Block } | undefined {
  const vault = stacks.locate(value, stack);
  if (vault?.block.type !== "aws_backup_vault") return undefined;
  const lock = vault.stack
    .resources("aws_backup_vault_lock_configuration")
    .find((candidate) => stacks.locate(candidate.body.backup_vault_name, vault.stack)?.block === vault.block);
  return { vault, lock };
}

function retentionOutsideLock(label: string, lifecycle: Record<string, any> | undefined, lock: Block | undefined): string | undefined {
  if (!lock) return undefined;
  const [min, max] = [asNumber(lock.body.min_retention_days), asNumber(lock.body.max_retention_days)];
  const days = asNumber(lifecycle?.delete_after);
  if (days === undefined) return max !== undefined ? `${label}: keeps recovery points forever, but the locked vault allows at most ${max} days` : undefined;
  if (min !== undefined && days < min) return `${label}: delete_after ${days} is below the vault lock's minimum ${min}`;
  if (max !== undefined && days > max) return `${label}: delete_after ${days} is above the vault lock's maximum ${max}`;
  return undefined;
}

const backupRetentionWithinLock = acrossStacks({
  id: "backup-retention-within-vault-lock",
  requirement: "Recovery points written to a locked vault (by a rule or a copy) must have a retention inside the lock's minimum and maximum, or the job fails.",
  source: `${DOC.vaultLock} ("backup and copy jobs ... with a retention period outside the range fail"); ${provider("backup", "plan")} and ${provider("backup", "vault_lock_configuration")} (not compared)`,
  types: ["aws_backup_plan", "aws_backup_vault", "aws_backup_vault_lock_configuration"],
  on: ["aws_backup_plan"],
  problem: (block, stack, stacks) =>
    (valuesAt(block.body, "rule") as Record<string, any>[]).flatMap((rule) => {
      const target = vaultLock(rule.target_vault_name, stack, stacks);
      const problems = [retentionOutsideLock(`rule ${rule.rule_name}`, first(rule, "lifecycle"), target?.lock)];
      for (const copy of valuesAt(rule, "copy_action") as Record<string, any>[]) {
        const destination = vaultLock(copy.destination_vault_arn, stack, stacks);
        // A copy without its own lifecycle keeps the source rule's.
        problems.push(retentionOutsideLock(`rule ${rule.rule_name} copy to ${destination?.vault.block.name}`, first(copy, "lifecycle") ?? first(rule, "lifecycle"), destination?.lock));
      }
      return problems.filter((problem): problem is string => problem !== undefined);
    }),
  failingExample: {
    bad: {
      resource: {
        aws_backup_vault: { v: { name: "primary" } },
        aws_backup_vault_lock_configuration: { v: { backup_vault_name: "${aws_backup_vault.v.name}", min_retention_days: 30, max_retention_days: 90 } },
        aws_backup_plan: { p: { name: "p", rule: [{ rule_name: "hourly", target_vault_name: "${aws_backup_vault.v.name}", lifecycle: { delete_after: 7 } }] } },
      },
    },
  },
});

const vaultLockRange = perBlock({
  id: "backup-vault-lock-retention-range",
  requirement: "A vault lock's retention days satisfy 1 <= min_retention_days <= max_retention_days <= 36,500.",
  source: `${DOC.vaultLock} (MinRetentionDays, MaxRetentionDays); ${provider("backup", "vault_lock_configuration")} (min_retention_days and max_retention_days have no validators)`,
  types: ["aws_backup_vault_lock_configuration"],
  problem: (block) => {
    const [min, max] = [asNumber(block.body.min_retention_days), asNumber(block.body.max_retention_days)];
    const problems: string[] = [];
    if (min !== undefined && min < 1) problems.push(`min_retention_days ${min} is below 1`);
    if (max !== undefined && max > 36500) problems.push(`max_retention_days ${max} is above 36500`);
    if (min !== undefined && max !== undefined && min > max) problems.push(`min_retention_days ${min} exceeds max_retention_days ${max}`);
    return problems;
  },
  failingExample: { bad: { resource: { aws_backup_vault_lock_configuration: { l: { backup_vault_name: "v", min_retention_days: 100, max_retention_days: 30 } } } } },
});

/** Vault events AWS Backup still accepts but no longer emits. */
const DEPRECATED_VAULT_EVENTS = ["BACKUP_JOB_SUCCESSFUL", "BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED", "RESTORE_JOB_SUCCESSFUL", "RESTORE_JOB_FAILED", "BACKUP_PLAN_CREATED", "BACKUP_PLAN_MODIFIED"];

const vaultNotifications = acrossStacks({
  id: "backup-vault-notifications-deliver",
  requirement:
    "Vault notifications list only events AWS Backup still emits, and go to a topic in the vault's region whose policy lets backup.amazonaws.com publish.",
  source: `${DOC.vaultNotifications} ("Deprecated events do not return statuses or notifications"); ${DOC.backupSns}; ${provider("backup", "vault_notifications")} (backup_vault_events accepts every SDK enum value, deprecated ones included)`,
  types: ["aws_backup_vault_notifications", "aws_sns_topic", "aws_sns_topic_policy"],
  on: ["aws_backup_vault_notifications"],
  problem: (block, stack, stacks) => {
    const problems = strings(block.body.backup_vault_events)
      .filter((event) => DEPRECATED_VAULT_EVENTS.includes(event))
      .map((event) => `${event} is deprecated and never delivered`);
    const topic = stacks.locate(block.body.sns_topic_arn, stack);
    if (topic?.block.type !== "aws_sns_topic") return problems;
    const [vaultRegion, topicRegion] = [stack.regionOf(block), topic.stack.regionOf(topic.block)];
    if (vaultRegion && topicRegion && vaultRegion !== topicRegion) problems.push(`topic ${topic.block.name} is in ${topicRegion}, the vault in ${vaultRegion}`);
    const topicPolicy = topic.stack.resources("aws_sns_topic_policy").find((candidate) => stacks.locate(candidate.body.arn, topic.stack)?.block === topic.block);
    const policy = topicPolicy ? policyOf(topicPolicy.body.policy, topic.stack) : undefined;
    const admitted = policy?.Statement.some(
      (statement) => allows(statement) && coversAction(statement, "sns:Publish") && servicePrincipals(statement).some((service) => withKnownValues(service) === "backup.amazonaws.com"),
    );
    if (!admitted) problems.push(`${topic.stack.name}: aws_sns_topic.${topic.block.name} has no policy letting backup.amazonaws.com publish`);
    return problems;
  },
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_sns_topic: { alerts: { name: "alerts" } },
        aws_backup_vault_notifications: { n: { backup_vault_name: "v", sns_topic_arn: "${aws_sns_topic.alerts.arn}", backup_vault_events: ["BACKUP_JOB_FAILED"] } },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------

export const group: RuleGroup = {
  rules: [
    rdsIdentifiers,
    rdsDatabaseName,
    serverlessV2Capacity,
    serverlessInstanceNeedsScaling,
    parameterGroupFamily,
    backupAndMaintenanceWindows,
    clusterBackupRetention,
    instanceMonitoring,
    proxyPool,
    proxyEngineFamily,
    proxyTargetPauses,
    serverlessCacheEngine,
    serverlessCacheLimits,
    dynamodbTableName,
    stateBackend,
    secretNaming,
    secretValueSize,
    ssmParameterName,
    ssmValueSize,
    ssmKeyNeedsSecureString,
    keyPolicySize,
    keyPolicyAdministration,
    aliasLength,
    aliasLookup,
    kmsKeyInResourceRegion,
    keyAdmitsServices,
    bucketNames,
    lifecycleRules,
    serverAccessLogging,
    bucketPolicyResources,
    bucketPolicySize,
    bucketPolicyPublic,
    corsRules,
    sseKeyAlgorithm,
    loadBalancerLogBucket,
    backupPlanName,
    backupRuleSchedule,
    backupRuleLifecycle,
    backupVaultReferences,
    backupRetentionWithinLock,
    vaultLockRange,
    vaultNotifications,
  ],
  reviewed: {
    aws_rds_cluster:
      "rds-identifier-length, rds-cluster-database-and-master-user-names, rds-serverless-v2-capacity, rds-parameter-group-family-matches-engine, rds-backup-and-maintenance-windows, rds-cluster-backup-retention-range, kms-key-in-resource-region (rds/cluster.go validates identifier characters, window formats, capacity ranges, seconds_until_auto_pause 300-86400)",
    aws_rds_cluster_instance:
      "rds-identifier-length, rds-instance-monitoring-and-promotion, rds-serverless-instance-needs-cluster-scaling (rds/cluster_instance.go validates identifier characters and performance_insights_retention_period)",
    aws_rds_cluster_parameter_group:
      "rds-parameter-group-family-matches-engine (rds/cluster_parameter_group.go validates the name; family, parameter names and apply_method are passed through)",
    aws_db_proxy: "rds-proxy-engine-family-matches-target (rds/proxy.go validates the name, engine_family and auth enums)",
    aws_db_proxy_default_target_group: "rds-proxy-idle-connections-within-max (rds/proxy_default_target_group.go range-checks each pool setting)",
    aws_db_proxy_target: "rds-proxy-engine-family-matches-target, rds-proxy-target-does-not-auto-pause (rds/proxy_target.go validates identifiers only)",
    aws_elasticache_serverless_cache:
      "elasticache-serverless-engine-version, elasticache-serverless-usage-limits, kms-key-in-resource-region (elasticache/serverless_cache.go validates ECPU 1,000-15,000,000 and snapshot_retention_limit <= 35); the API documents no name constraints",
    aws_dynamodb_table: "dynamodb-table-name, state-backend-lock-table-and-key-exist (dynamodb/table.go validates attribute types, billing mode and key attributes at plan)",
    aws_secretsmanager_secret:
      "secretsmanager-secret-name-and-description, kms-key-in-resource-region (secretsmanager/validate.go checks name characters and 512 length; secret.go recovery_window_in_days 0 or 7-30)",
    aws_secretsmanager_secret_version: "secretsmanager-secret-value-size (secretsmanager/secret_version.go validates secret_binary as base64 only)",
    aws_ssm_parameter:
      "ssm-parameter-name, ssm-parameter-value-fits-tier, ssm-parameter-key-needs-securestring, kms-key-in-resource-region (ssm/parameter.go: name 1-2048, description <= 1024, type/tier enums; key_id is sent only for SecureString)",
    aws_kms_key:
      "kms-key-policy-size, kms-key-policy-allows-administration, kms-key-policy-admits-service-principals (kms/key.go validates policy JSON, description <= 8192, deletion_window_in_days 7-30)",
    aws_kms_alias:
      "kms-alias-name-length, kms-key-in-resource-region, kms-alias-lookup-resolves, state-backend-lock-table-and-key-exist (kms/validate.go validNameForResource: alias/ + [a-zA-Z0-9/_-], not alias/aws/)",
    "data.aws_kms_alias": "kms-alias-lookup-resolves (kms/alias_data_source.go validNameForDataSource checks the shape only)",
    aws_s3_bucket:
      "s3-bucket-name, state-backend-lock-table-and-key-exist (s3/bucket.go: bucket StringLenBetween(0, 63) at plan; validBucketName only at create)",
    aws_s3_bucket_cors_configuration: "s3-cors-rules (s3/bucket_cors_configuration.go validates allowed_methods only)",
    aws_s3_bucket_lifecycle_configuration:
      "s3-lifecycle-rules (s3/bucket_lifecycle_configuration.go: rule id 1-255, status enum, noncurrent_days >= 1, newer_noncurrent_versions >= 1; a rule with neither filter nor prefix is only a warning)",
    aws_s3_bucket_logging: "s3-server-access-log-target, kms-key-policy-admits-service-principals (s3/bucket_logging.go validates bucket length only)",
    aws_s3_bucket_ownership_controls:
      "read by s3-server-access-log-target; nothing beyond the provider's validation: object_ownership enum (s3/bucket_ownership_controls.go)",
    aws_s3_bucket_policy:
      "s3-bucket-policy-resources-in-bucket, s3-bucket-policy-size, s3-bucket-policy-not-public-under-block, s3-server-access-log-target (s3/bucket_policy.go checks the policy is JSON)",
    aws_s3_bucket_public_access_block:
      "read by s3-bucket-policy-not-public-under-block; nothing beyond the provider's validation: four booleans and the bucket length (s3/bucket_public_access_block.go)",
    aws_s3_bucket_server_side_encryption_configuration:
      "s3-sse-kms-key-only-with-kms, s3-load-balancer-log-bucket-sse-s3, kms-key-policy-admits-service-principals, kms-key-in-resource-region (s3/bucket_server_side_encryption_configuration.go validates sse_algorithm)",
    aws_s3_bucket_versioning: "nothing beyond the provider's validation: status and mfa_delete enums (s3/bucket_versioning.go); every bucket here is versioned before its noncurrent-version lifecycle applies",
    aws_backup_plan:
      "backup-plan-name, backup-rule-schedule-and-windows, backup-rule-lifecycle, backup-plan-vault-references, backup-retention-within-vault-lock (backup/plan.go validates rule_name and target_vault_name patterns)",
    aws_backup_selection:
      "nothing beyond the provider's validation: name 1-50 [0-9A-Za-z_.-], selection_tag type enum, iam_role_arn ARN (backup/selection.go); resources are ARNs known only after apply",
    aws_backup_vault: "kms-key-in-resource-region (backup/vault.go validates name 2-50 [a-zA-Z0-9-_] and kms_key_arn as an ARN)",
    aws_backup_vault_lock_configuration:
      "backup-vault-lock-retention-range, backup-retention-within-vault-lock (backup/vault_lock_configuration.go validates the vault name and changeable_for_days >= 3)",
    aws_backup_vault_notifications:
      "backup-vault-notifications-deliver, kms-key-policy-admits-service-principals (backup/vault_notifications.go validates events against the SDK enum, deprecated values included)",
    random_password:
      "nothing beyond the provider's validation, and no AWS API sees its settings: length >= 1 and >= min_upper + min_lower + min_numeric + min_special (hashicorp/terraform-provider-random internal/provider/resource_password.go); the value only reaches Secrets Manager, covered by secretsmanager-secret-value-size",
  },
};

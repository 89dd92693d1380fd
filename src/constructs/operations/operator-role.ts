import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { type GrantStatement, RoleGrants } from "../iam/grants";

/**
 * A console sign-in (or `AssumeRole` with a token code) older than this no longer lets a user in:
 * on-call access starts from a fresh MFA check, not from a console tab left open all day.
 */
export const OPERATOR_MFA_MAX_AGE_SECONDS = 3600;

export interface OperatorAccess {
  /** IAM user or role ARNs, or ArnLike patterns of them in a named account (validated by `operatorsSchema`). */
  readonly principals: readonly string[];
  readonly sessionHours: number;
}

/** The environment's work queue and its dead-letter queue, which operators redrive. */
export interface OperatedQueues {
  readonly queueArn: string;
  readonly deadLetterQueueArn: string;
  /** The key both are encrypted with; absent with SSE-SQS. */
  readonly kmsKeyArn?: string;
}

/** The ECS service of the API, when the API runs on ECS. */
export interface OperatedService {
  readonly clusterName: string;
  readonly serviceName: string;
}

/** Where the environment's recovery points live and the role AWS Backup restores them as. */
export interface OperatedBackups {
  readonly vaultArns: readonly string[];
  /** The regions holding recovery points: the primary region, and `drRegion` when points are copied there. */
  readonly regions: readonly string[];
  readonly roleArn: string;
}

export interface OperatorRoleProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  readonly access: OperatorAccess;
  /** The environment's `<prefix>-service-boundary` (core): the only boundaries the apply role may give a role are the environment's two. */
  readonly boundaryArn: string;
  /** Every log group of the environment, by ARN (`arn:...:log-group:<name>`, no `:*`); patterns allowed. */
  readonly logGroupArns: readonly string[];
  readonly alarmNames: readonly string[];
  readonly dashboardArn: string;
  /** The functions, invoked unqualified (their current code) for diagnosis. */
  readonly functionArns: readonly string[];
  readonly queues: OperatedQueues;
  readonly service?: OperatedService;
  readonly backups: OperatedBackups;
  /** The data stores, described read-only. */
  readonly describe: {
    readonly clusterIdentifier: string;
    readonly cacheName: string;
    readonly tableArn?: string;
  };
}

/**
 * `<prefix>-operator`: what the people on call need to run the environment and nothing more. They
 * read its logs (Logs Insights included), metrics, alarms, dashboard and traces, describe its
 * resources, redrive its dead-letter queue, invoke its functions, scale its ECS service, start and
 * watch AWS Backup restores (as the environment's backup role), and read its published parameters.
 * Never a secret value, a state object, an IAM change, or another environment's resources.
 *
 * Who may assume it: the named principals only, each account's root narrowed by `aws:PrincipalArn`
 * (a trust policy naming a principal that does not exist yet is refused). Users must come with MFA
 * no older than an hour and their own user name as the session name, so every action of the
 * session names the person. Roles (an Identity Center permission set, a role of an identity
 * account) reach it by role chaining, whose sessions carry no MFA flag at all: MFA for them is
 * enforced where their session begins, which is why the README asks for it.
 */
export class OperatorRole extends Construct {
  readonly role: IamRole;
  readonly roleName: string;
  readonly roleArn: string;
  readonly grants: RoleGrants;

  constructor(scope: Construct, id: string, props: OperatorRoleProps) {
    super(scope, id);
    const { naming, account, access } = props;
    const trust = new DataAwsIamPolicyDocument(this, "trust", { statement: trustStatements(account.partition, access.principals) });
    this.role = new IamRole(this, "role", {
      name: naming.name("operator"),
      description: `On-call operations of ${naming.prefix}: logs, metrics, traces, dead-letter redrive, function invocation, scaling, restores`,
      assumeRolePolicy: trust.json,
      permissionsBoundary: props.boundaryArn,
      maxSessionDuration: access.sessionHours * 3600,
    });
    this.roleName = this.role.name;
    this.roleArn = this.role.arn;
    this.grants = new RoleGrants(this, "grants", { roleName: this.role.name, policyName: "operate", statements: operatorStatements(props) });
    // Whatever is granted later: secret values stay the workloads' (SSM's /aws/reference/secretsmanager/
    // path reads them through Secrets Manager too). The service boundary cannot say this, because the
    // service roles it caps (RDS Proxy) read secrets.
    const never = new DataAwsIamPolicyDocument(this, "never-document", {
      statement: [{ sid: "NeverSecretValues", effect: "Deny", actions: ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"], resources: ["*"] }],
    });
    new IamRolePolicy(this, "never", { role: this.role.name, name: "never", policy: never.json });
    new TerraformOutput(this, "role-arn", { value: this.roleArn, description: "The people on call assume this role (README, Operator access)." }).overrideLogicalId("operator_role_arn");
  }
}

/** The trust statements: users with recent MFA under their own name; roles as named. */
function trustStatements(partition: string, principals: readonly string[]): DataAwsIamPolicyDocumentStatement[] {
  const users = principals.filter((principal) => principal.includes(":user/"));
  const roles = principals.filter((principal) => principal.includes(":role/"));
  const roots = (members: string[]) => [...new Set(members.map((principal) => `arn:${partition}:iam::${principal.split(":")[4]}:root`))];
  return [
    ...(users.length > 0
      ? [
          {
            sid: "NamedUsersWithRecentMfa",
            actions: ["sts:AssumeRole"],
            principals: [{ type: "AWS", identifiers: roots(users) }],
            condition: [
              { test: "ArnLike", variable: "aws:PrincipalArn", values: users },
              { test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["true"] },
              { test: "NumericLessThan", variable: "aws:MultiFactorAuthAge", values: [String(OPERATOR_MFA_MAX_AGE_SECONDS)] },
              // The console names a switched-role session after the user; the CLI's role_session_name must do
              // the same. `&{...}`: aws_iam_policy_document writes it as the policy variable `${...}`.
              { test: "StringEquals", variable: "sts:RoleSessionName", values: ["&{aws:username}"] },
            ],
          },
        ]
      : []),
    ...(roles.length > 0
      ? [
          {
            // A chained session carries no MFA flag (Identity Center authenticates at sign-in), so
            // there is none to require here. SetSourceIdentity: a session that already carries a
            // source identity (set by a SAML identity provider) can only chain on if it is allowed.
            sid: "NamedRolesWhoseSessionsBeganWithMfa",
            actions: ["sts:AssumeRole", "sts:SetSourceIdentity"],
            principals: [{ type: "AWS", identifiers: roots(roles) }],
            condition: [{ test: "ArnLike", variable: "aws:PrincipalArn", values: roles }],
          },
        ]
      : []),
  ];
}

function operatorStatements(props: OperatorRoleProps): GrantStatement[] {
  const { account, queues, service, backups, describe } = props;
  const regional = (service: string, resource: string, region?: string) =>
    region ? `arn:${account.partition}:${service}:${region}:${account.accountId}:${resource}` : account.arn(service, resource);
  const logGroups = [...props.logGroupArns];
  const logStreams = logGroups.map((arn) => `${arn}:log-stream:*`);
  const cluster = regional("rds", `cluster:${describe.clusterIdentifier}`);
  const recoveryPoints = backups.regions.flatMap((region) => [
    // AWS Backup's own recovery points (S3, DynamoDB with advanced backups, which the DR copy needs
    // anyway, continuous Aurora points)...
    regional("backup", "recovery-point:*", region),
    // ...and Aurora snapshots, which are RDS's: neither names the vault or the environment.
    regional("rds", "cluster-snapshot:awsbackup:*", region),
  ]);
  const statements: GrantStatement[] = [
    {
      sid: "ReadTheEnvironmentsLogs",
      actions: ["logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults", "logs:GetLogGroupFields", "logs:GetLogRecord", "logs:StartLiveTail"],
      resources: logGroups,
    },
    { sid: "ReadTheEnvironmentsLogStreams", actions: ["logs:GetLogEvents"], resources: logStreams },
    {
      sid: "ReadWhatAcceptsNoResource",
      // None of these accepts a resource (Service Authorization Reference): CloudWatch metrics and
      // X-Ray traces are read account-wide, a query is stopped and a restore job watched by its id.
      actions: [
        "cloudwatch:GetMetricData",
        "cloudwatch:GetMetricStatistics",
        "cloudwatch:ListMetrics",
        "cloudwatch:GetMetricWidgetImage",
        "cloudwatch:DescribeAlarmsForMetric",
        "cloudwatch:ListDashboards",
        "logs:DescribeLogGroups",
        "logs:DescribeQueries",
        "logs:StopQuery",
        "xray:GetTraceSummaries",
        "xray:BatchGetTraces",
        "xray:GetServiceGraph",
        "xray:GetTraceGraph",
        "xray:GetTimeSeriesServiceStatistics",
        "backup:DescribeRestoreJob",
        "backup:ListRestoreJobs",
        "backup:ListRecoveryPointsByResource",
        "backup:ListBackupJobs",
        "backup:ListCopyJobs",
        "backup:GetRestoreJobMetadata",
      ],
      resources: ["*"],
    },
    { sid: "ReadTheEnvironmentsAlarms", actions: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"], resources: props.alarmNames.map((name) => account.arn("cloudwatch", `alarm:${name}`)) },
    { sid: "ReadTheEnvironmentsDashboard", actions: ["cloudwatch:GetDashboard"], resources: [props.dashboardArn] },
    {
      // SQS developer guide, dead-letter queue redrive: the task receives and deletes on the
      // dead-letter queue and sends to the destination with the caller's permissions.
      sid: "RedriveTheDeadLetterQueue",
      actions: ["sqs:StartMessageMoveTask", "sqs:ListMessageMoveTasks", "sqs:CancelMessageMoveTask", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues"],
      resources: [queues.deadLetterQueueArn],
    },
    { sid: "RedriveIntoTheWorkQueue", actions: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"], resources: [queues.queueArn] },
    ...(queues.kmsKeyArn
      ? [
          {
            // Only as SQS asks for it, and only for these two queues' messages.
            sid: "RedriveTheQueuesEncryptedMessages",
            actions: ["kms:Decrypt", "kms:GenerateDataKey"],
            resources: [queues.kmsKeyArn],
            condition: [
              { test: "StringLike", variable: "kms:ViaService", values: ["sqs.*"] },
              { test: "StringEquals", variable: "kms:EncryptionContext:aws:sqs:arn", values: [queues.deadLetterQueueArn, queues.queueArn] },
            ],
          },
        ]
      : []),
    {
      // Unqualified: the current code, as the API, the queue and the schedule run it.
      sid: "InvokeAndDescribeTheFunctions",
      actions: ["lambda:InvokeFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionConcurrency", "lambda:ListVersionsByFunction", "lambda:ListAliases"],
      resources: [...props.functionArns],
    },
    ...(service ? serviceStatements(props, service) : []),
    {
      sid: "StartAndWatchRestores",
      actions: ["backup:StartRestoreJob", "backup:DescribeRecoveryPoint", "backup:GetRecoveryPointRestoreMetadata"],
      resources: recoveryPoints,
    },
    { sid: "ReadTheEnvironmentsVaults", actions: ["backup:DescribeBackupVault", "backup:ListRecoveryPointsByBackupVault"], resources: [...backups.vaultArns] },
    {
      // A restore runs as the environment's backup role, whose service boundary keeps it to the
      // environment's buckets and tables; only AWS Backup may be handed it.
      sid: "RestoreAsTheEnvironmentsBackupRole",
      actions: ["iam:PassRole"],
      resources: [backups.roleArn],
      condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["backup.amazonaws.com"] }],
    },
    {
      sid: "DescribeTheDataStores",
      actions: ["rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBClusterSnapshots", "elasticache:DescribeServerlessCaches"],
      resources: [
        cluster,
        // Restored clusters are named after the original (docs/restore-runbook.md).
        `${cluster}-*`,
        regional("rds", `db:${describe.clusterIdentifier}-*`),
        regional("elasticache", `serverlesscache:${describe.cacheName}`),
      ],
    },
    ...(describe.tableArn ? [{ sid: "DescribeTheTable", actions: ["dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups"], resources: [describe.tableArn] }] : []),
  ];
  return statements;
}

function serviceStatements(props: OperatorRoleProps, service: OperatedService): GrantStatement[] {
  const { account } = props;
  const clusterArn = account.arn("ecs", `cluster/${service.clusterName}`);
  return [
    {
      // The desired count and a forced new deployment only: new task definitions are the
      // backend pipeline's, and the service never gets a shell (enable_execute_command stays off).
      sid: "ScaleTheService",
      actions: ["ecs:UpdateService"],
      resources: [account.arn("ecs", `service/${service.clusterName}/${service.serviceName}`)],
      condition: [
        { test: "Null", variable: "ecs:task-definition", values: ["true"] },
        { test: "Null", variable: "ecs:enable-execute-command", values: ["true"] },
      ],
    },
    { sid: "DescribeTheService", actions: ["ecs:DescribeServices"], resources: [account.arn("ecs", `service/${service.clusterName}/${service.serviceName}`)] },
    { sid: "DescribeTheCluster", actions: ["ecs:DescribeClusters"], resources: [clusterArn] },
    { sid: "DescribeTheTasks", actions: ["ecs:DescribeTasks"], resources: [account.arn("ecs", `task/${service.clusterName}/*`)] },
    { sid: "ListTheTasks", actions: ["ecs:ListTasks"], resources: ["*"], condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [clusterArn] }] },
    {
      // Neither accepts a resource: the task definition's containers and the scaling bounds that
      // cap any desired count set by hand.
      sid: "ReadTaskDefinitionsAndScaling",
      actions: ["ecs:DescribeTaskDefinition", "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingActivities"],
      resources: ["*"],
    },
  ];
}

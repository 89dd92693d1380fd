import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { type StateStoreGuard, stateProtectionDenies, stateReadDenies } from "./guardrails";

export interface WorkloadIamBaselineProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** The environment's state store, which no role of the environment may weaken. Absent with Terraform Cloud. */
  readonly stateStore?: Omit<StateStoreGuard, "partition" | "accountId">;
}

/**
 * The names of an environment's permissions boundaries: the only ones the delivery apply role may
 * give a role it creates in that environment.
 */
export function environmentBoundaryNames(naming: Naming): { workload: string; service: string } {
  return { workload: naming.name("workload-boundary"), service: naming.name("service-boundary") };
}

/**
 * IAM shared by every workload role the later layers create.
 *
 * - `boundaryArn`: a permissions boundary. Whatever a layer grants a function or task, it can
 *   only ever reach resources named for its own environment, and never IAM or the organization.
 *   The RDS Proxy, scheduler and flow-log roles fit inside it too.
 * - `serviceBoundaryArn`: the boundary of the roles AWS services act as across the environment's
 *   data (AWS Backup, RDS enhanced monitoring), whose AWS-managed policies span many services:
 *   anything but IAM (passing the environment's own roles aside), the organization and the account,
 *   and never the state store's protections.
 * - `basePolicyArn`: what every VPC-attached function needs (network interfaces, X-Ray traces).
 */
export class WorkloadIamBaseline extends Construct {
  readonly boundaryArn: string;
  readonly serviceBoundaryArn: string;
  readonly basePolicyArn: string;

  constructor(scope: Construct, id: string, props: WorkloadIamBaselineProps) {
    super(scope, id);
    const { naming, account } = props;
    const named = (service: string, resource: string) => account.arn(service, resource);
    const prefix = naming.prefix;
    // Lambda creates and removes a VPC function's interfaces with the function's role.
    const vpcInterfaceActions = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"];
    const vpcInterfaceResources = ["network-interface/*", "subnet/*", "security-group/*"].map((resource) => named("ec2", resource));
    // These accept no resource ARN at all.
    const unscopedActions = ["ec2:DescribeNetworkInterfaces", "xray:PutTraceSegments", "xray:PutTelemetryRecords"];
    const boundaryNames = environmentBoundaryNames(naming);

    const boundary = new DataAwsIamPolicyDocument(this, "boundary-document", {
      statement: [
        {
          sid: "OwnEnvironmentResourcesOnly",
          actions: ["sqs:*", "sns:Publish", "dynamodb:*", "logs:CreateLogStream", "logs:PutLogEvents", "ssm:GetParameter*", "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "scheduler:*", "lambda:InvokeFunction"],
          resources: [
            named("sqs", `${prefix}-*`),
            named("sns", `${prefix}-*`),
            named("dynamodb", `table/${prefix}-*`),
            named("logs", `log-group:/aws/*/${prefix}-*`),
            named("logs", `log-group:${naming.path()}/*`),
            // GetParametersByPath on the environment's root is authorized on the path itself.
            named("ssm", `parameter${naming.path()}`),
            named("ssm", `parameter${naming.path()}/*`),
            named("secretsmanager", `secret:${prefix}/*`),
            named("secretsmanager", "secret:rds!*"),
            named("scheduler", `schedule/${prefix}-*/*`),
            named("lambda", `function:${prefix}-*`),
          ],
        },
        {
          sid: "OwnEnvironmentBucketsOnly",
          actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
          resources: [`arn:${account.partition}:s3:::${prefix}-*`, `arn:${account.partition}:s3:::${prefix}-*/*`],
        },
        {
          sid: "DatabaseAndCacheConnect",
          actions: ["rds-db:connect", "elasticache:Connect"],
          resources: [named("rds-db", "dbuser:*/*"), named("elasticache", `serverlesscache:${prefix}-*`), named("elasticache", `user:*`)],
        },
        {
          // Only the environment's own keys (not another environment's, not the state key), and only
          // as the AWS service that encrypts the data asks for it.
          sid: "OwnKeysThroughAwsServicesOnly",
          actions: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
          resources: [named("kms", "key/*")],
          condition: [
            { test: "StringLike", variable: "kms:ViaService", values: [`*.${account.region}.amazonaws.com`] },
            { test: "ForAnyValue:StringLike", variable: "kms:ResourceAliases", values: [`alias/${prefix}`, `alias/${prefix}-*`] },
          ],
        },
        {
          sid: "VpcNetworkInterfacesInThisAccount",
          actions: vpcInterfaceActions,
          resources: vpcInterfaceResources,
        },
        {
          sid: "OwnEnvironmentImages",
          actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          resources: [named("ecr", `repository/${prefix}-*`)],
        },
        {
          sid: "ActionsWithoutResourceScope",
          actions: [...unscopedActions, "ecr:GetAuthorizationToken", "cloudwatch:PutMetricData"],
          resources: ["*"],
        },
        {
          sid: "NeverIdentityOrOrganization",
          effect: "Deny",
          actions: ["iam:*", "organizations:*", "account:*", "sts:AssumeRole"],
          resources: ["*"],
        },
      ],
    });
    this.boundaryArn = new IamPolicy(this, "boundary", {
      name: boundaryNames.workload,
      description: `Permissions boundary of every workload role in ${prefix}`,
      policy: boundary.json,
    }).arn;

    const serviceBoundary = new DataAwsIamPolicyDocument(this, "service-boundary-document", {
      statement: [
        {
          sid: "WhatAwsServicesDoForTheEnvironment",
          notActions: ["iam:*", "organizations:*", "account:*", "sts:AssumeRole"],
          resources: ["*"],
        },
        {
          // Restores hand the restored resource the environment's own roles (e.g. RDS monitoring).
          sid: "PassTheEnvironmentsRoles",
          actions: ["iam:PassRole"],
          resources: [account.arn("iam", `role/${prefix}-*`, { regional: false })],
        },
        // AWS Backup's managed policies reach every bucket, table and cluster of the account: the
        // environment's service roles keep to the environment's own data, and never delete a database.
        {
          sid: "OnlyTheEnvironmentsObjects",
          effect: "Deny",
          actions: ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:RestoreObject"],
          notResources: [`arn:${account.partition}:s3:::${prefix}-*/*`],
        },
        {
          sid: "OnlyTheEnvironmentsTables",
          effect: "Deny",
          actions: ["dynamodb:Scan", "dynamodb:Query", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ExportTableToPointInTime", "dynamodb:CreateBackup", "dynamodb:StartAwsBackupJob"],
          notResources: [named("dynamodb", `table/${prefix}-*`), named("dynamodb", `table/${prefix}-*/*`)],
        },
        {
          sid: "OnlyTheEnvironmentsDatabase",
          effect: "Deny",
          actions: ["rds:CreateDBClusterSnapshot", "rds:ModifyDBCluster", "rds:CopyDBClusterSnapshot"],
          notResources: [named("rds", `cluster:${prefix}-*`), `arn:${account.partition}:rds:*:${account.accountId}:cluster-snapshot:*`],
        },
        { sid: "NeverDeleteADatabase", effect: "Deny", actions: ["rds:DeleteDBCluster", "rds:DeleteDBInstance"], resources: ["*"] },
        ...(props.stateStore
          ? [
              ...stateProtectionDenies({ partition: account.partition, accountId: account.accountId, ...props.stateStore }),
              ...stateReadDenies({ partition: account.partition, accountId: account.accountId, ...props.stateStore }),
            ]
          : []),
      ],
    });
    this.serviceBoundaryArn = new IamPolicy(this, "service-boundary", {
      name: boundaryNames.service,
      description: `Permissions boundary of the AWS service roles (backup, monitoring) in ${prefix}`,
      policy: serviceBoundary.json,
    }).arn;

    const base = new DataAwsIamPolicyDocument(this, "base-document", {
      statement: [
        { sid: "VpcNetworkInterfaces", actions: vpcInterfaceActions, resources: vpcInterfaceResources },
        { sid: "DescribeNetworkInterfacesAndTrace", actions: unscopedActions, resources: ["*"] },
      ],
    });
    this.basePolicyArn = new IamPolicy(this, "base", {
      name: naming.name("workload-base"),
      description: `Network interfaces and tracing for every function in ${prefix}`,
      policy: base.json,
    }).arn;
  }
}

import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";

export interface VpcFlowLogsProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** The VPC whose traffic is recorded. */
  readonly vpcId: string;
  /** Encrypts the log group; without one CloudWatch Logs uses its service-managed encryption. */
  readonly kmsKeyArn?: string;
  /** The permissions boundary of the AWS service roles of the environment (core's `serviceBoundaryArn`). */
  readonly serviceRoleBoundaryArn: string;
}

/**
 * VPC flow logs (accepted and rejected traffic) into a CloudWatch log group of their own, written
 * by a role that can touch nothing but that group. Retention comes from the stack's default.
 */
export class VpcFlowLogs extends Construct {
  readonly logGroupName: string;
  readonly logGroupArn: string;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const { naming, account } = props;

    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: naming.path("vpc", "flow-logs"),
      kmsKeyId: props.kmsKeyArn,
    });
    this.logGroupName = logGroup.name;
    this.logGroupArn = logGroup.arn;

    // The service assumes the role on behalf of flow logs of this account only (confused deputy).
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          sid: "VpcFlowLogsOfThisAccount",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [account.servicePrincipal("vpc-flow-logs")] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [account.arn("ec2", "vpc-flow-log/*")] },
          ],
        },
      ],
    });
    const role = new IamRole(this, "role", {
      name: naming.name("vpc-flow-logs"),
      permissionsBoundary: props.serviceRoleBoundaryArn,
      description: `Delivers the VPC flow logs of ${naming.prefix} to ${naming.path("vpc", "flow-logs")}`,
      assumeRolePolicy: trust.json,
    });
    this.roleArn = role.arn;

    // The group already exists, so no logs:CreateLogGroup; streams live under `<group arn>:*`.
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        {
          sid: "WriteThisLogGroupOnly",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [logGroup.arn, `${logGroup.arn}:*`],
        },
        {
          sid: "FindTheLogGroup",
          actions: ["logs:DescribeLogGroups"],
          resources: [account.arn("logs", "log-group:*")],
        },
      ],
    });
    new IamRolePolicy(this, "role-policy", { name: "write-flow-logs", role: role.id, policy: permissions.json });

    new FlowLog(this, "flow-log", {
      vpcId: props.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      tags: { Name: naming.name("vpc-flow-logs") },
    });
  }
}

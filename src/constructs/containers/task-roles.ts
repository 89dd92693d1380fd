import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { assumedBy } from "../iam/assumed-by";

/**
 * The secret itself from a `valueFrom` reference: a secret ARN has seven colon-separated fields;
 * the JSON-key form (`<secret arn>:<key>:<stage>:<version>`) appends more, which IAM does not know.
 */
export function secretArnOf(valueFrom: string): string {
  if (Token.isUnresolved(valueFrom)) return Fn.join(":", Fn.slice(Fn.split(":", valueFrom), 0, 7));
  return valueFrom.split(":").slice(0, 7).join(":");
}

export interface TaskRolesProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** Caps both roles: whatever is granted later, they reach only this environment's resources. */
  readonly boundaryArn: string;
  /** The container's log group (the `awslogs` driver writes with the execution role). */
  readonly logGroupArn: string;
  /** Repositories the image may be pulled from. Default: every repository named for the environment. */
  readonly repositoryArns?: string[];
  /** `valueFrom` of every container secret: Secrets Manager ARNs, optionally in the JSON-key form. */
  readonly secretValueFroms: string[];
  /** The key the secrets are encrypted with; without one they use the AWS-managed key and need no grant. */
  readonly kmsKeyArn?: string;
}

/**
 * The two roles of a Fargate task. The execution role is ECS's own: it pulls the image, writes
 * the container's logs and reads exactly the secrets the task definition injects. The task role is
 * the application's and starts empty; the app layer grants it what the code calls. Both trust ECS
 * tasks of this account only and carry the workload permissions boundary.
 */
export class TaskRoles extends Construct {
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;

  constructor(scope: Construct, id: string, props: TaskRolesProps) {
    super(scope, id);
    const { naming, account } = props;

    // ECS passes the role for tasks of this account only (confused deputy).
    const trust = assumedBy(this, "trust", account, "ecs-tasks", "EcsTasksOfThisAccount");
    const role = (roleId: string, name: string, description: string) =>
      new IamRole(this, roleId, {
        name: naming.name(name),
        description,
        assumeRolePolicy: trust,
        permissionsBoundary: props.boundaryArn,
      });

    this.executionRole = role("execution-role", "api-task-execution", `ECS pulls the image, ships logs and injects secrets of the ${naming.prefix} API tasks`);
    this.taskRole = role("task-role", "api-task", `The ${naming.prefix} API application`);

    const statements: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: "PullTheImage",
        actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        resources: props.repositoryArns ?? [account.arn("ecr", `repository/${naming.prefix}-*`)],
      },
      {
        // Authorization tokens are per registry and accept no resource scope.
        sid: "LogInToTheRegistry",
        actions: ["ecr:GetAuthorizationToken"],
        resources: ["*"],
      },
      {
        // The group exists, so no logs:CreateLogGroup; streams live under `<group arn>:*`.
        sid: "WriteTheContainerLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${props.logGroupArn}:*`],
      },
    ];
    const secretArns = [...new Set(props.secretValueFroms.map(secretArnOf))];
    if (secretArns.length > 0) {
      statements.push({ sid: "ReadTheInjectedSecrets", actions: ["secretsmanager:GetSecretValue"], resources: secretArns });
      if (props.kmsKeyArn) {
        statements.push({
          sid: "DecryptTheInjectedSecrets",
          actions: ["kms:Decrypt"],
          resources: [props.kmsKeyArn],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [account.servicePrincipal(`secretsmanager.${account.region}`)] }],
        });
      }
    }
    const permissions = new DataAwsIamPolicyDocument(this, "execution-permissions", { statement: statements });
    new IamRolePolicy(this, "execution-policy", { name: "pull-log-and-read-secrets", role: this.executionRole.id, policy: permissions.json });
  }
}

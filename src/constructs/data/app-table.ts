import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import { type Grantee, grant, sid } from "../iam/grants";

export interface AppTableProps {
  readonly naming: Naming;
  /** `prevent_destroy` and deletion protection. */
  readonly protectData: boolean;
  /** Encrypts the table and its backups. Default: an AWS-owned key. */
  readonly kmsKeyArn?: string;
  /** The name after the environment prefix. Default `"app"` (`<project>-<env>-app`). */
  readonly name?: string;
}

/**
 * A single-table-design DynamoDB table for the application: generic `pk`/`sk` string keys,
 * on-demand billing (nothing to pay while idle), point-in-time recovery, and items that expire by
 * themselves when they carry an `expiresAt` epoch-seconds attribute.
 */
export class AppTable extends Construct {
  readonly table: DynamodbTable;
  readonly name: string;
  readonly arn: string;
  /** The key the table is encrypted with; absent with the AWS-owned key. */
  readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: AppTableProps) {
    super(scope, id);
    const { protectData, kmsKeyArn } = props;
    this.table = new DynamodbTable(this, "table", {
      name: props.naming.name(props.name ?? "app"),
      billingMode: "PAY_PER_REQUEST",
      hashKey: "pk",
      rangeKey: "sk",
      attribute: [
        { name: "pk", type: "S" },
        { name: "sk", type: "S" },
      ],
      pointInTimeRecovery: { enabled: true },
      // `enabled: false` means DynamoDB's own AWS-owned key, which is still encryption at rest.
      serverSideEncryption: kmsKeyArn ? { enabled: true, kmsKeyArn } : { enabled: false },
      ttl: { attributeName: "expiresAt", enabled: true },
      deletionProtectionEnabled: protectData,
      lifecycle: { preventDestroy: protectData },
    });
    this.name = this.table.name;
    this.arn = this.table.arn;
    this.kmsKeyArn = kmsKeyArn;
  }

  /** Item reads and writes on the table and its indexes; no table management, no streams. */
  grantReadWrite(grantee: Grantee): void {
    grant(
      grantee,
      {
        sid: sid("read-write", this.node.id),
        actions: [
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:Query",
          "dynamodb:Scan",
          "dynamodb:ConditionCheckItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:BatchWriteItem",
          "dynamodb:DescribeTable",
        ],
        resources: [this.arn, `${this.arn}/index/*`],
      },
      { keyArn: this.kmsKeyArn, service: "dynamodb", write: true },
    );
  }
}

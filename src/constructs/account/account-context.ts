import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { Construct } from "constructs";

/**
 * The account, region and partition the stack is applied to, read at plan time so the same
 * synthesized JSON works in any account the provider's credentials point at.
 */
export class AccountContext extends Construct {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly dnsSuffix: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.accountId = new DataAwsCallerIdentity(this, "caller").accountId;
    this.region = new DataAwsRegion(this, "region").region;
    const partition = new DataAwsPartition(this, "partition");
    this.partition = partition.partition;
    this.dnsSuffix = partition.dnsSuffix;
  }

  /** An ARN in this account and region, e.g. `arn("sqs", "platform-dev-*")`. */
  arn(service: string, resource: string, options: { regional?: boolean } = {}): string {
    const region = options.regional === false ? "" : this.region;
    return `arn:${this.partition}:${service}:${region}:${this.accountId}:${resource}`;
  }

  /** The service principal of an AWS service in this partition, e.g. `logs.eu-west-1.amazonaws.com`. */
  servicePrincipal(service: string): string {
    return `${service}.${this.dnsSuffix}`;
  }
}

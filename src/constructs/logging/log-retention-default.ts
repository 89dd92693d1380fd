import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * A log group without a retention keeps its logs (and bills for them) forever. This aspect gives
 * every log group in a stack the environment's default unless the group chose its own.
 */
export class LogRetentionDefault implements IAspect {
  constructor(private readonly days: number) {}

  visit(node: IConstruct): void {
    if (node instanceof CloudwatchLogGroup && node.retentionInDaysInput === undefined) {
      node.retentionInDays = this.days;
    }
  }
}

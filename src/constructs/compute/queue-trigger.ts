import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { Construct } from "constructs";
import type { Grantee } from "../iam/grants";
import type { PlatformFunction } from "./platform-function";

/** A queue a function can drain: the infra layer's `WorkQueue`. */
export interface ConsumableQueue {
  readonly queueArn: string;
  grantConsume(grantee: Grantee): void;
}

export interface QueueTriggerProps {
  readonly fn: PlatformFunction;
  readonly queue: ConsumableQueue;
  /** Messages per invocation, 1-10000 (above 10 needs a batching window). Default 10. */
  readonly batchSize?: number;
  /**
   * Seconds Lambda gathers messages before invoking with a partial batch, 0-300. Default 5: fewer,
   * fuller invocations for a few seconds of latency that background work does not notice.
   */
  readonly maximumBatchingWindowSeconds?: number;
  /**
   * Concurrent invocations this queue may drive, 2-1000, so a backlog cannot exhaust database
   * connections or the account's concurrency. Default 5.
   */
  readonly maximumConcurrency?: number;
}

/**
 * The function drains the queue: Lambda polls it with the function's role, and the handler reports
 * failed messages one by one (`batchItemFailures`) so only those return to the queue and, after
 * the queue's maximum receives, move to its dead-letter queue. Grants the function what polling
 * needs (`queue.grantConsume(fn)`).
 */
export class QueueTrigger extends Construct {
  readonly mapping: LambdaEventSourceMapping;
  readonly mappingUuid: string;

  constructor(scope: Construct, id: string, props: QueueTriggerProps) {
    super(scope, id);
    const batchSize = props.batchSize ?? 10;
    const windowSeconds = props.maximumBatchingWindowSeconds ?? 5;
    const maximumConcurrency = props.maximumConcurrency ?? 5;
    const problems: string[] = [];
    const wholeIn = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
    if (!wholeIn(batchSize, 1, 10_000)) problems.push(`batchSize must be a whole number from 1 to 10000 (got ${batchSize})`);
    if (!wholeIn(windowSeconds, 0, 300)) problems.push(`maximumBatchingWindowSeconds must be a whole number from 0 to 300 (got ${windowSeconds})`);
    if (batchSize > 10 && windowSeconds < 1) problems.push("a batchSize above 10 needs maximumBatchingWindowSeconds of at least 1");
    if (!wholeIn(maximumConcurrency, 2, 1000)) problems.push(`maximumConcurrency must be a whole number from 2 to 1000 (got ${maximumConcurrency})`);
    if (problems.length > 0) throw new Error(`QueueTrigger: ${problems.join("; ")}`);

    props.queue.grantConsume(props.fn);
    this.mapping = new LambdaEventSourceMapping(this, "mapping", {
      eventSourceArn: props.queue.queueArn,
      functionName: props.fn.functionArn,
      batchSize,
      maximumBatchingWindowInSeconds: windowSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency },
      // Lambda checks at creation that the role may receive from the queue.
      dependsOn: [props.fn.grants.policy],
    });
    this.mappingUuid = this.mapping.uuid;
  }
}

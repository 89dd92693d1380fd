import type { Context } from "aws-lambda";
import { enqueueJobs, logger, MAX_BATCH, requireConfig, type Job } from "../runtime";

/**
 * What EventBridge Scheduler passes as the target's input (optional):
 * `{"count": 5, "scheduledAt": "<aws.scheduler.scheduled-time>"}`.
 */
export interface ProducerEvent {
  /** Messages to enqueue, 1-10 (one SendMessageBatch). Default: PRODUCER_BATCH_SIZE, else 10. */
  readonly count?: number;
  /** The schedule's time, copied into each message. Default: now. */
  readonly scheduledAt?: string;
}

export interface ProducerResult {
  readonly requested: number;
  readonly sent: number;
  readonly failed: number;
}

function batchSize(event: ProducerEvent | undefined): number {
  const requested = event?.count ?? (process.env.PRODUCER_BATCH_SIZE ? Number(process.env.PRODUCER_BATCH_SIZE) : MAX_BATCH);
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_BATCH) {
    throw new RangeError(`count must be a whole number from 1 to ${MAX_BATCH}, got ${JSON.stringify(requested)}`);
  }
  return requested;
}

/**
 * The scheduled producer: one SendMessageBatch of `tick` jobs per invocation. A batch SQS refuses
 * entirely throws, so the schedule's retry policy (and its dead-letter queue) see the failure; a
 * partial refusal is logged and not retried, since a retry would enqueue the accepted ones twice.
 */
export async function handler(event: ProducerEvent | undefined, context: Context): Promise<ProducerResult> {
  const log = logger.child({ handler: "producer", awsRequestId: context.awsRequestId });
  const count = batchSize(event);
  const config = await requireConfig();
  const scheduledAt = typeof event?.scheduledAt === "string" ? event.scheduledAt : new Date().toISOString();
  const jobs: Job[] = Array.from({ length: count }, (_, sequence) => ({ kind: "tick", payload: { sequence, scheduledAt } }));

  const result = await enqueueJobs(config.queue.url, jobs);
  const summary = { requested: count, sent: result.sent.length, failed: result.failed.length };
  if (result.failed.length > 0) log.error("some messages were refused", { ...summary, refused: result.failed });
  if (result.sent.length === 0) throw new Error(`SQS refused all ${count} messages (${result.failed.map((entry) => entry.code).join(", ")})`);
  log.info("enqueued work messages", summary);
  return summary;
}

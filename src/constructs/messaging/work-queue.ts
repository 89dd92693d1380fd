import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import { type Grantee, grant, sid } from "../iam/grants";

/** SQS refuses a visibility timeout above 12 hours. */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
/** Lambda's guidance for SQS event sources: at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
export const MAX_RECEIVE_COUNT = 5;

export interface WorkQueueProps {
  readonly naming: Naming;
  /** The queue's part of the name: `work` gives `platform-dev-work` and `platform-dev-work-dlq`. */
  readonly name: string;
  /**
   * Timeout of the function that consumes the queue. The visibility timeout is six times this, so a
   * message is not handed to a second worker while the first may still be retrying its batch.
   */
  readonly workerTimeoutSeconds: number;
  /** A customer-managed key; without one SQS-managed server-side encryption (SSE-SQS) is used. */
  readonly kmsKeyArn?: string;
  /** How long an unprocessed message stays on the work queue. Default 4 days (SQS's default). */
  readonly messageRetentionSeconds?: number;
}

/**
 * The queue the producer schedule fills and the worker drains, with a dead-letter queue behind it.
 * A message that fails five receives moves to the dead-letter queue, which keeps it for the
 * maximum 14 days so someone can inspect it and redrive it.
 */
export class WorkQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly queueArn: string;
  readonly queueUrl: string;
  readonly queueName: string;
  readonly deadLetterQueueArn: string;
  readonly deadLetterQueueName: string;
  readonly deadLetterQueueUrl: string;
  /** The key both queues are encrypted with; absent with SSE-SQS. */
  readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const visibilityTimeoutSeconds = VISIBILITY_TIMEOUT_FACTOR * props.workerTimeoutSeconds;
    if (!Number.isInteger(props.workerTimeoutSeconds) || props.workerTimeoutSeconds < 1 || visibilityTimeoutSeconds > MAX_VISIBILITY_TIMEOUT_SECONDS) {
      throw new Error(
        `WorkQueue ${props.name}: workerTimeoutSeconds must be a whole number from 1 to ${MAX_VISIBILITY_TIMEOUT_SECONDS / VISIBILITY_TIMEOUT_FACTOR} (the visibility timeout, ${VISIBILITY_TIMEOUT_FACTOR}x, may not exceed 12 hours); got ${props.workerTimeoutSeconds}`,
      );
    }
    const encryption = props.kmsKeyArn
      ? // Reusing a data key for 5 minutes keeps KMS requests (and their cost) low at a steady rate.
        { kmsMasterKeyId: props.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 }
      : { sqsManagedSseEnabled: true };

    this.deadLetterQueue = new SqsQueue(this, "dead-letter-queue", {
      name: props.naming.name(props.name, "dlq"),
      messageRetentionSeconds: 1_209_600,
      ...encryption,
    });
    this.queue = new SqsQueue(this, "queue", {
      name: props.naming.name(props.name),
      visibilityTimeoutSeconds,
      messageRetentionSeconds: props.messageRetentionSeconds ?? 345_600,
      // Long polling: fewer empty receives, so fewer billed requests while the queue is idle.
      receiveWaitTimeSeconds: 20,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: MAX_RECEIVE_COUNT }),
      ...encryption,
    });
    // A resource of its own rather than an argument of the dead-letter queue: the allow policy names
    // the work queue, whose redrive policy names the dead-letter queue, which would be a cycle.
    new SqsQueueRedriveAllowPolicy(this, "dead-letter-queue-redrive-allow", {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
    });

    this.queueArn = this.queue.arn;
    this.queueUrl = this.queue.url;
    this.queueName = this.queue.name;
    this.deadLetterQueueArn = this.deadLetterQueue.arn;
    this.deadLetterQueueName = this.deadLetterQueue.name;
    this.deadLetterQueueUrl = this.deadLetterQueue.url;
    this.kmsKeyArn = props.kmsKeyArn;
  }

  /** What an SQS event source polls with: receive, delete, extend visibility, read attributes. */
  grantConsume(grantee: Grantee): void {
    grant(
      grantee,
      {
        sid: sid("consume", this.node.id),
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
        resources: [this.queueArn],
      },
      { keyArn: this.kmsKeyArn, service: "sqs" },
    );
  }

  /** Enqueue work (a producer). Sending to a KMS-encrypted queue needs a data key too. */
  grantSend(grantee: Grantee): void {
    grant(grantee, { sid: sid("send", this.node.id), actions: ["sqs:SendMessage"], resources: [this.queueArn] }, { keyArn: this.kmsKeyArn, service: "sqs", write: true });
  }
}

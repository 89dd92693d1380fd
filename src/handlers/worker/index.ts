import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { logger, parseJobBody, type Job, type JobKind, type Logger } from "../runtime";

/** What a kind of job does; throwing marks the message failed, so SQS redelivers it (and dead-letters it after five receives). */
export type JobProcessor = (job: Job, log: Logger) => Promise<void>;

/** The stand-in work: a real worker would talk to the database or the media bucket here. */
export const PROCESSORS: Record<JobKind, JobProcessor> = {
  async echo(job, log) {
    log.info("echo", { payloadKeys: Object.keys(job.payload).length });
  },
  async tick(job, log) {
    log.info("tick", { sequence: job.payload.sequence, scheduledAt: job.payload.scheduledAt });
  },
};

/**
 * An SQS batch handler with partial batch responses (the event source mapping must set
 * `function_response_types = ["ReportBatchItemFailures"]`): each record is processed on its own,
 * and only the records that were invalid or whose processing threw are returned for redelivery;
 * the others are deleted from the queue.
 */
export function createWorker(processors: Record<JobKind, JobProcessor> = PROCESSORS) {
  return async function worker(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const log = logger.child({ handler: "worker", awsRequestId: context.awsRequestId });
    const failures: SQSBatchResponse["batchItemFailures"] = [];
    // Sequentially: the batch is small (workerBatchSize) and the real work shares one database connection.
    for (const record of event.Records ?? []) {
      if (!(await processRecord(record, processors, log))) failures.push({ itemIdentifier: record.messageId });
    }
    log.info("batch processed", { records: event.Records?.length ?? 0, failed: failures.length });
    return { batchItemFailures: failures };
  };
}

async function processRecord(record: SQSRecord, processors: Record<JobKind, JobProcessor>, batchLog: Logger): Promise<boolean> {
  const log = batchLog.child({ messageId: record.messageId, receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 0) });
  const parsed = parseJobBody(record.body ?? "");
  if (!parsed.ok) {
    log.warn("invalid message", { problems: parsed.problems });
    return false;
  }
  try {
    await processors[parsed.job.kind](parsed.job, log.child({ kind: parsed.job.kind }));
    return true;
  } catch (error) {
    log.error("processing failed", { kind: parsed.job.kind, error });
    return false;
  }
}

/** `index.handler` in the function zip. */
export const handler = createWorker();

import { SendMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { sqsClient } from "./clients";

/**
 * The work messages the API and the producer enqueue and the worker consumes:
 * `{"kind": "echo", "payload": {...}}`. One definition, in the layer, so both ends agree.
 */
export const JOB_KINDS = ["echo", "tick"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface Job {
  readonly kind: JobKind;
  readonly payload: Record<string, unknown>;
}

/** SQS's own message limit is larger; a work item above this belongs in the media bucket, referenced by key. */
export const MAX_JOB_BYTES = 64 * 1024;
/** SendMessageBatch takes at most ten entries. */
export const MAX_BATCH = 10;

export type ParsedJob = { readonly ok: true; readonly job: Job } | { readonly ok: false; readonly problems: string[] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Validates an already-parsed JSON value; the problems are safe to return to a client. */
export function parseJob(value: unknown): ParsedJob {
  if (!isRecord(value)) return { ok: false, problems: ["the body must be a JSON object"] };
  const problems: string[] = [];
  const unknownKeys = Object.keys(value).filter((key) => key !== "kind" && key !== "payload");
  if (unknownKeys.length > 0) problems.push(`unknown fields: ${unknownKeys.slice(0, 5).join(", ")}; allowed: kind, payload`);
  if (typeof value.kind !== "string" || !(JOB_KINDS as readonly string[]).includes(value.kind)) {
    problems.push(`kind must be one of ${JOB_KINDS.map((kind) => JSON.stringify(kind)).join(", ")}`);
  }
  if (value.payload !== undefined && !isRecord(value.payload)) problems.push("payload must be a JSON object when present");
  if (problems.length > 0) return { ok: false, problems };
  const job: Job = { kind: value.kind as JobKind, payload: (value.payload as Record<string, unknown> | undefined) ?? {} };
  if (Buffer.byteLength(JSON.stringify(job)) > MAX_JOB_BYTES) return { ok: false, problems: [`the job must be at most ${MAX_JOB_BYTES} bytes as JSON`] };
  return { ok: true, job };
}

/** Parses a message body: JSON first, then the job shape. */
export function parseJobBody(body: string): ParsedJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, problems: ["the body is not valid JSON"] };
  }
  return parseJob(value);
}

export async function enqueueJob(queueUrl: string, job: Job): Promise<{ messageId: string }> {
  const sent = await sqsClient().send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(job),
      // Lets a consumer or a redrive filter by kind without parsing the body.
      MessageAttributes: { kind: { DataType: "String", StringValue: job.kind } },
    }),
  );
  if (!sent.MessageId) throw new Error("SQS accepted the message without a message id");
  return { messageId: sent.MessageId };
}

export interface BatchResult {
  /** Message ids SQS assigned, in the order of the jobs that were accepted. */
  readonly sent: string[];
  /** Index of each job SQS refused, with its error code. */
  readonly failed: { readonly index: number; readonly code: string; readonly senderFault: boolean }[];
}

/** One SendMessageBatch call; SQS may accept some entries and refuse others, so both are returned. */
export async function enqueueJobs(queueUrl: string, jobs: readonly Job[]): Promise<BatchResult> {
  if (jobs.length < 1 || jobs.length > MAX_BATCH) throw new RangeError(`a batch holds 1 to ${MAX_BATCH} jobs, got ${jobs.length}`);
  const result = await sqsClient().send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: jobs.map((job, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(job),
        MessageAttributes: { kind: { DataType: "String", StringValue: job.kind } },
      })),
    }),
  );
  const sent = (result.Successful ?? []).sort((a, b) => Number(a.Id) - Number(b.Id)).map((entry) => entry.MessageId ?? "");
  const failed = (result.Failed ?? []).map((entry) => ({ index: Number(entry.Id), code: entry.Code ?? "Unknown", senderFault: entry.SenderFault ?? false }));
  return { sent, failed };
}

import { SchedulerScheduleGroup } from "@cdktf/provider-aws/lib/scheduler-schedule-group";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { Testing } from "cdktf";
import { ScheduleGroup } from "../../src/constructs/messaging/schedule-group";
import { WorkQueue } from "../../src/constructs/messaging/work-queue";
import { Naming } from "../../src/naming/naming";

const naming = new Naming("platform", "dev");
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/abc";

function resources(json: string, type: string): Record<string, any>[] {
  return Object.values(JSON.parse(json).resource?.[type] ?? {});
}

describe("WorkQueue", () => {
  const encrypted = Testing.synthScope((scope) => new WorkQueue(scope, "work", { naming, name: "work", workerTimeoutSeconds: 60, kmsKeyArn: KEY }));
  const queues = resources(encrypted, "aws_sqs_queue");
  const queue = queues.find((q) => q.name === "platform-dev-work")!;
  const deadLetters = queues.find((q) => q.name === "platform-dev-work-dlq")!;

  it("gives every message six times the worker's timeout before another worker may receive it", () => {
    expect(queue.visibility_timeout_seconds).toBe(360);
    const longWorker = resources(Testing.synthScope((scope) => new WorkQueue(scope, "work", { naming, name: "work", workerTimeoutSeconds: 900 })), "aws_sqs_queue");
    expect(longWorker.find((q) => q.name === "platform-dev-work")!.visibility_timeout_seconds).toBe(5400);
  });

  it("moves a message to the dead-letter queue after five failed receives, and only from this queue", () => {
    expect(JSON.parse(queue.redrive_policy)).toEqual({ deadLetterTargetArn: expect.stringMatching(/^\$\{aws_sqs_queue\.work_dead-letter-queue_.*\.arn\}$/), maxReceiveCount: 5 });
    const allow = resources(encrypted, "aws_sqs_queue_redrive_allow_policy")[0];
    expect(allow.queue_url).toMatch(/^\$\{aws_sqs_queue\.work_dead-letter-queue_.*\.url\}$/);
    expect(JSON.parse(allow.redrive_allow_policy)).toEqual({ redrivePermission: "byQueue", sourceQueueArns: [expect.stringMatching(/^\$\{aws_sqs_queue\.work_queue_.*\.arn\}$/)] });
    expect(encrypted).toHaveResource(SqsQueueRedriveAllowPolicy);
  });

  it("keeps dead letters for the maximum 14 days and long-polls the work queue", () => {
    expect(deadLetters.message_retention_seconds).toBe(1_209_600);
    expect(queue.receive_wait_time_seconds).toBe(20);
  });

  it("encrypts both queues with the key and reuses data keys for five minutes", () => {
    for (const q of [queue, deadLetters]) {
      expect(q).toMatchObject({ kms_master_key_id: KEY, kms_data_key_reuse_period_seconds: 300 });
      expect(q.sqs_managed_sse_enabled).toBeUndefined();
    }
  });

  it("falls back to SQS-managed encryption without a key", () => {
    const json = Testing.synthScope((scope) => new WorkQueue(scope, "work", { naming, name: "work", workerTimeoutSeconds: 60 }));
    expect(json).toHaveResourceWithProperties(SqsQueue, { name: "platform-dev-work", sqs_managed_sse_enabled: true });
    expect(json).toHaveResourceWithProperties(SqsQueue, { name: "platform-dev-work-dlq", sqs_managed_sse_enabled: true });
    expect(json).not.toHaveResourceWithProperties(SqsQueue, { kms_master_key_id: expect.anything() });
  });

  it("refuses a worker timeout whose visibility timeout SQS would reject", () => {
    expect(() => Testing.synthScope((scope) => new WorkQueue(scope, "work", { naming, name: "work", workerTimeoutSeconds: 7201 }))).toThrow(/workerTimeoutSeconds must be a whole number from 1 to 7200/);
    expect(() => Testing.synthScope((scope) => new WorkQueue(scope, "work", { naming, name: "work", workerTimeoutSeconds: 0 }))).toThrow(/workerTimeoutSeconds/);
  });
});

describe("ScheduleGroup", () => {
  it("is named for the environment", () => {
    const json = Testing.synthScope((scope) => new ScheduleGroup(scope, "schedules", { naming }));
    expect(json).toHaveResourceWithProperties(SchedulerScheduleGroup, { name: "platform-dev" });
  });
});

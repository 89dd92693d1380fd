import { handler } from "../../src/handlers/producer";
import { handler as worker } from "../../src/handlers/worker";
import { publishParameters, deleteParameter, queueDepth, receiveAll, sqsEvent, lambdaContext, coldStart } from "./support/fixtures";
import { useMoto } from "./support/moto";

const moto = useMoto();

describe("producer handler", () => {
  let queueUrl: string;

  beforeEach(async () => {
    delete process.env.PRODUCER_BATCH_SIZE;
    queueUrl = await coldStart(moto);
  });

  it("enqueues a batch of ten tick jobs by default, which the worker accepts", async () => {
    const result = await handler({}, lambdaContext());
    expect(result).toEqual({ requested: 10, sent: 10, failed: 0 });
    const messages = await receiveAll(queueUrl);
    expect(messages).toHaveLength(10);
    const bodies = messages.map((message) => JSON.parse(message.Body ?? ""));
    expect(bodies.map((body) => body.payload.sequence).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(bodies.map((body) => body.kind))).toEqual(new Set(["tick"]));
    await expect(worker(sqsEvent("arn:aws:sqs:eu-west-1:123456789012:platform-test-work", messages), lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });

  it("takes the count and the scheduled time from the schedule's input", async () => {
    await expect(handler({ count: 3, scheduledAt: "2025-06-01T07:00:00Z" }, lambdaContext())).resolves.toEqual({ requested: 3, sent: 3, failed: 0 });
    const messages = await receiveAll(queueUrl);
    expect(messages.map((message) => JSON.parse(message.Body ?? "").payload.scheduledAt)).toEqual(Array(3).fill("2025-06-01T07:00:00Z"));
  });

  it("falls back to PRODUCER_BATCH_SIZE when the input has no count", async () => {
    process.env.PRODUCER_BATCH_SIZE = "4";
    await expect(handler(undefined, lambdaContext())).resolves.toMatchObject({ sent: 4 });
    expect(await queueDepth(queueUrl)).toBe(4);
  });

  it("logs how many it enqueued", async () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    process.env.LOG_LEVEL = "info";
    try {
      await handler({ count: 2 }, lambdaContext("req-log"));
    } finally {
      write.mockRestore();
      process.env.LOG_LEVEL = "silent";
    }
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries).toContainEqual(expect.objectContaining({ level: "info", message: "enqueued work messages", handler: "producer", awsRequestId: "req-log", requested: 2, sent: 2, failed: 0 }));
  });

  it.each([0, 11, 2.5, "3"])("refuses a count of %p before touching the queue", async (count) => {
    await expect(handler({ count: count as number }, lambdaContext())).rejects.toThrow(/count must be a whole number from 1 to 10/);
    expect(await queueDepth(queueUrl)).toBe(0);
  });

  it("fails when the queue URL is not published", async () => {
    await deleteParameter("queue/url");
    await expect(handler({}, lambdaContext())).rejects.toThrow("configuration is missing: queue/url");
  });

  it("fails when SQS refuses the whole batch", async () => {
    await publishParameters(`${queueUrl}-gone`);
    await expect(handler({ count: 2 }, lambdaContext())).rejects.toThrow();
    expect(await queueDepth(queueUrl)).toBe(0);
  });
});

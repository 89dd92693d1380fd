import { handler as api } from "../../src/handlers/api";
import { createWorker, handler } from "../../src/handlers/worker";
import { sqs, receiveAll, sqsEvent, lambdaContext, httpEvent, coldStart } from "./support/fixtures";
import { useMoto } from "./support/moto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";

const moto = useMoto();
const QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:platform-test-work";

async function send(queueUrl: string, body: string): Promise<string> {
  const client = sqs();
  const { MessageId } = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  client.destroy();
  return MessageId ?? "";
}

describe("worker handler", () => {
  let queueUrl: string;

  beforeEach(async () => {
    queueUrl = await coldStart(moto);
  });

  it("processes what the API enqueued and reports no failures", async () => {
    for (const kind of ["echo", "tick"]) {
      const response = await api(httpEvent("POST", "/api/jobs", { body: JSON.stringify({ kind, payload: { n: 1 } }), headers: { "content-type": "application/json" } }), lambdaContext());
      expect(response.statusCode).toBe(202);
    }
    const messages = await receiveAll(queueUrl);
    expect(messages).toHaveLength(2);
    await expect(handler(sqsEvent(QUEUE_ARN, messages), lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });

  it("reports exactly the records whose body is not a valid job", async () => {
    const good = await send(queueUrl, JSON.stringify({ kind: "echo", payload: {} }));
    const notJson = await send(queueUrl, "this is not json");
    const unknownKind = await send(queueUrl, JSON.stringify({ kind: "drop-tables" }));
    const alsoGood = await send(queueUrl, JSON.stringify({ kind: "tick" }));
    const messages = await receiveAll(queueUrl);
    expect(messages.map((message) => message.MessageId).sort()).toEqual([good, notJson, unknownKind, alsoGood].sort());

    const result = await handler(sqsEvent(QUEUE_ARN, messages), lambdaContext());
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual([notJson, unknownKind].sort());
  });

  it("reports a record whose processing throws and still processes the rest of the batch", async () => {
    const processed: unknown[] = [];
    const worker = createWorker({
      echo: async (job) => {
        processed.push(job.payload.n);
      },
      tick: async () => {
        throw new Error("database unreachable");
      },
    });
    const first = await send(queueUrl, JSON.stringify({ kind: "echo", payload: { n: 1 } }));
    const failing = await send(queueUrl, JSON.stringify({ kind: "tick" }));
    const last = await send(queueUrl, JSON.stringify({ kind: "echo", payload: { n: 2 } }));
    const messages = await receiveAll(queueUrl);
    expect(messages.map((message) => message.MessageId).sort()).toEqual([first, failing, last].sort());

    const result = await worker(sqsEvent(QUEUE_ARN, messages), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: failing }] });
    expect(processed.sort()).toEqual([1, 2]);
  });

  it("answers an empty batch with no failures", async () => {
    await expect(handler({ Records: [] }, lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });
});

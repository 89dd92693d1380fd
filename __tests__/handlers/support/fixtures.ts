import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { APIGatewayProxyEventV2, Context, SQSEvent } from "aws-lambda";
import { REQUIRED_PARAMETERS, resetRuntime } from "../../../src/handlers/runtime";

/** Test-side clients of their own, so the handlers' cached clients stay untouched. */
export const ssm = () => new SSMClient({});
export const sqs = () => new SQSClient({});

export const PARAMETERS_PATH = "/platform/test";

/** The header CloudFront adds on `/api/*` and the value of the origin secret's first version here. */
export const ORIGIN_HEADER = "x-origin-verify";
export const ORIGIN_VALUE = "Zq3xT8vN1mK5pR7wY2cB6dF9hJ4gL0sA";

/** The origin secret as the rotation function leaves it after its first run: one version, AWSCURRENT. Returns its ARN. */
export async function createOriginSecret(value = ORIGIN_VALUE, name = "platform-test/origin-verification"): Promise<string> {
  const client = new SecretsManagerClient({});
  const { ARN } = await client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  client.destroy();
  if (!ARN) throw new Error("moto returned no secret ARN");
  return ARN;
}

/**
 * Publishes what the infra layer would (SecureStrings, like PublishedParameters), with the work
 * queue's real URL; `except` leaves some out.
 */
export async function publishParameters(queueUrl: string, options: { path?: string; except?: string[]; extra?: Record<string, string> } = {}): Promise<void> {
  const path = options.path ?? PARAMETERS_PATH;
  const values: Record<string, string> = {
    "database/endpoint": "db.cluster-abc.eu-west-1.rds.amazonaws.com",
    "database/reader-endpoint": "db.cluster-ro-abc.eu-west-1.rds.amazonaws.com",
    "database/name": "app",
    "database/secret-arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-test-db-AbCdEf",
    "cache/endpoint": "cache-abc.serverless.euw1.cache.amazonaws.com",
    "queue/url": queueUrl,
    "media/bucket": "platform-test-media",
    "app/secret-arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform-test-app-AbCdEf",
    ...options.extra,
  };
  const client = ssm();
  for (const [name, value] of Object.entries(values)) {
    if (options.except?.includes(name)) continue;
    await client.send(new PutParameterCommand({ Name: `${path}/${name}`, Value: value, Type: "SecureString", Overwrite: true }));
  }
  client.destroy();
}

export async function deleteParameter(name: string, path = PARAMETERS_PATH): Promise<void> {
  const client = ssm();
  await client.send(new DeleteParameterCommand({ Name: `${path}/${name}` }));
  client.destroy();
}

export async function createQueue(name: string): Promise<string> {
  const client = sqs();
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  client.destroy();
  if (!QueueUrl) throw new Error("moto returned no queue URL");
  return QueueUrl;
}

export async function queueDepth(queueUrl: string): Promise<number> {
  const client = sqs();
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
  client.destroy();
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

/** Everything on the queue (up to `max`), received for real. */
export async function receiveAll(queueUrl: string, max = 50): Promise<Message[]> {
  const client = sqs();
  const messages: Message[] = [];
  for (;;) {
    const { Messages } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"] }),
    );
    if (!Messages?.length) break;
    messages.push(...Messages);
    if (messages.length >= max) break;
  }
  client.destroy();
  return messages;
}

/** What Lambda's SQS event source hands the worker for these received messages. */
export function sqsEvent(queueArn: string, messages: readonly Message[]): SQSEvent {
  return {
    Records: messages.map((message) => ({
      messageId: message.MessageId ?? "",
      receiptHandle: message.ReceiptHandle ?? "",
      body: message.Body ?? "",
      attributes: {
        ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? "1",
        SentTimestamp: message.Attributes?.SentTimestamp ?? "0",
        SenderId: message.Attributes?.SenderId ?? "",
        ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? "0",
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? "",
      eventSource: "aws:sqs",
      eventSourceARN: queueArn,
      awsRegion: "eu-west-1",
    })),
  };
}

export function lambdaContext(requestId = "req-1"): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "platform-test-fn",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:platform-test-fn",
    memoryLimitInMB: "256",
    awsRequestId: requestId,
    logGroupName: "/aws/lambda/platform-test-fn",
    logStreamName: "stream",
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * An HTTP API payload v2.0 event, as API Gateway builds it for `$default` on a request CloudFront
 * forwarded (with its `x-origin-verify`); `direct: true` is a call to the execute-api URL itself.
 */
export function httpEvent(
  method: string,
  rawPath: string,
  options: { body?: string; headers?: Record<string, string>; query?: Record<string, string>; base64?: boolean; direct?: boolean } = {},
): APIGatewayProxyEventV2 {
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers: { host: "abc.execute-api.eu-west-1.amazonaws.com", ...(options.direct ? {} : { [ORIGIN_HEADER]: ORIGIN_VALUE }), ...options.headers },
    queryStringParameters: options.query,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc",
      domainName: "abc.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "abc",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "jest" },
      requestId: `api-${method}-${rawPath}`,
      routeKey: "$default",
      stage: "$default",
      time: "01/Jan/2025:00:00:00 +0000",
      timeEpoch: 1735689600000,
    },
    body: options.body === undefined ? undefined : options.base64 ? Buffer.from(options.body).toString("base64") : options.body,
    isBase64Encoded: options.base64 ?? false,
  };
}

export { REQUIRED_PARAMETERS };

/**
 * A cold start against an empty moto: the runtime forgets its cached configuration and clients,
 * the work queue and the origin secret (holding ORIGIN_VALUE) exist again, and (unless `publish` is
 * false) the parameters are published, `edge/origin-secret-arn` among them. Returns the queue's URL.
 */
export async function coldStart(moto: { reset(): Promise<void> }, options: { publish?: boolean } = {}): Promise<string> {
  await moto.reset();
  resetRuntime();
  process.env.PLATFORM_PARAMETERS_PATH = PARAMETERS_PATH;
  const queueUrl = await createQueue("platform-test-work");
  const originSecretArn = await createOriginSecret();
  if (options.publish !== false) await publishParameters(queueUrl, { extra: { "edge/origin-secret-arn": originSecretArn } });
  return queueUrl;
}

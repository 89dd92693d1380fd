import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";

/*
 * One client per service per execution environment: created on first use (a handler that never
 * touches SSM never pays for its client), then reused so warm invocations keep their TLS
 * connections. Region and credentials come from Lambda's environment; AWS_ENDPOINT_URL (a local
 * emulator in tests) is honoured by the SDK itself.
 */
let sqs: SQSClient | undefined;
let ssm: SSMClient | undefined;
let secretsManager: SecretsManagerClient | undefined;

export function sqsClient(): SQSClient {
  return (sqs ??= new SQSClient({}));
}

export function ssmClient(): SSMClient {
  return (ssm ??= new SSMClient({}));
}

export function secretsManagerClient(): SecretsManagerClient {
  return (secretsManager ??= new SecretsManagerClient({}));
}

/** Drops the clients (closing their sockets). Lambda never needs it; tests that change the endpoint do. */
export function resetClients(): void {
  sqs?.destroy();
  ssm?.destroy();
  secretsManager?.destroy();
  sqs = undefined;
  ssm = undefined;
  secretsManager = undefined;
}

import { CloudFrontKeyValueStoreClient, DescribeKeyValueStoreCommand, GetKeyCommand, PutKeyCommand } from "@aws-sdk/client-cloudfront-keyvaluestore";
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
// Registers the JavaScript SigV4A signer: the KeyValueStore data plane accepts only SigV4A, and the
// CRT signer would need a native module Lambda's Node.js runtime does not have.
import "@aws-sdk/signature-v4a";

/**
 * Rotates the origin secret (`<prefix>/origin-verification`) and hands each new value to CloudFront: the
 * four steps Secrets Manager invokes in order with the same token.
 *
 * - createSecret: a random value (GetRandomPassword) stored as the token's AWSPENDING version.
 * - setSecret: the pending value written to the KeyValueStore key the viewer-request function reads
 *   (PutKey with If-Match the store's ETag from DescribeKeyValueStore). From here CloudFront sends it,
 *   and the API accepts it because it accepts AWSPENDING while one exists.
 * - testSecret: GetKey returns the pending value.
 * - finishSecret: AWSCURRENT moves to the token's version; the old one becomes AWSPREVIOUS, still
 *   accepted while edge locations holding it catch up.
 *
 * No value is ever logged. Standalone (not through the app runtime layer): it runs in the infra layer.
 */

/** The KeyValueStore's ARN and the key (environment, set by the infra layer). */
export const KVS_ARN_VARIABLE = "ORIGIN_KVS_ARN";
export const KVS_KEY_VARIABLE = "ORIGIN_KVS_KEY";
/** Header values must be visible ASCII; letters and digits need no escaping anywhere. */
const VALUE_LENGTH = 64;

export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret";
}

let secrets: SecretsManagerClient | undefined;
let kvs: CloudFrontKeyValueStoreClient | undefined;

function log(level: "info" | "error", message: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level, message, ...fields })}\n`);
}

function settings(): { kvsArn: string; key: string } {
  const kvsArn = process.env[KVS_ARN_VARIABLE];
  const key = process.env[KVS_KEY_VARIABLE];
  if (!kvsArn || !key) throw new Error(`${KVS_ARN_VARIABLE} and ${KVS_KEY_VARIABLE} must be set`);
  return { kvsArn, key };
}

export async function handler(event: RotationEvent): Promise<void> {
  secrets ??= new SecretsManagerClient({});
  kvs ??= new CloudFrontKeyValueStoreClient({});
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const metadata = await secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (!metadata.RotationEnabled) throw new Error("rotation is not enabled on the secret");
  const stages = metadata.VersionIdsToStages ?? {};
  const tokenStages = stages[token];
  // Secrets Manager stages the token as AWSPENDING before createSecret; createSecret alone may also
  // find it absent (it creates the version), every later step needs it.
  if (!tokenStages && step !== "createSecret") throw new Error("the rotation token is not a version of the secret");
  // PutSecretValue labels a secret's first version AWSCURRENT whatever stages it asks for, so the first
  // rotation's version is AWSPENDING and AWSCURRENT at once: it must still reach the KeyValueStore.
  if (tokenStages?.includes("AWSCURRENT") && !tokenStages.includes("AWSPENDING")) {
    log("info", "the version is already current", { step });
    return;
  }
  if (tokenStages && !tokenStages.includes("AWSPENDING")) throw new Error("the rotation token's version is not AWSPENDING");
  log("info", "rotation step", { step });
  switch (step) {
    case "createSecret":
      return createSecret(secrets, secretId, token);
    case "setSecret":
      return setSecret(secrets, kvs, secretId, token);
    case "testSecret":
      return testSecret(secrets, kvs, secretId, token);
    case "finishSecret":
      return finishSecret(secrets, secretId, token, stages);
    default:
      throw new Error(`unknown step ${String(step)}`);
  }
}

async function pendingValue(client: SecretsManagerClient, secretId: string, token: string): Promise<string | undefined> {
  try {
    const pending = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: "AWSPENDING" }));
    return pending.SecretString || undefined;
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

async function createSecret(client: SecretsManagerClient, secretId: string, token: string): Promise<void> {
  // A retried invocation finds its own version already there. No AWSCURRENT is needed: the first
  // rotation (right after the secret is created, with no value) starts from nothing.
  if (await pendingValue(client, secretId, token)) return;
  const random = await client.send(new GetRandomPasswordCommand({ PasswordLength: VALUE_LENGTH, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true }));
  if (!random.RandomPassword) throw new Error("GetRandomPassword returned no value");
  await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: random.RandomPassword, VersionStages: ["AWSPENDING"] }));
}

async function setSecret(client: SecretsManagerClient, store: CloudFrontKeyValueStoreClient, secretId: string, token: string): Promise<void> {
  const value = await pendingValue(client, secretId, token);
  if (!value) throw new Error("the pending version has no value");
  const { kvsArn, key } = settings();
  const described = await store.send(new DescribeKeyValueStoreCommand({ KvsARN: kvsArn }));
  if (!described.ETag) throw new Error("DescribeKeyValueStore returned no ETag");
  await store.send(new PutKeyCommand({ KvsARN: kvsArn, Key: key, Value: value, IfMatch: described.ETag }));
}

async function testSecret(client: SecretsManagerClient, store: CloudFrontKeyValueStoreClient, secretId: string, token: string): Promise<void> {
  const value = await pendingValue(client, secretId, token);
  const { kvsArn, key } = settings();
  const stored = await store.send(new GetKeyCommand({ KvsARN: kvsArn, Key: key }));
  if (!value || stored.Value !== value) throw new Error("the key value store does not hold the pending value");
}

async function finishSecret(client: SecretsManagerClient, secretId: string, token: string, stages: Record<string, string[]>): Promise<void> {
  const current = Object.entries(stages).find(([, labels]) => labels.includes("AWSCURRENT"))?.[0];
  if (current === token) {
    // The first version: already current; it stops being pending, so no stale AWSPENDING lingers.
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: "AWSPENDING", RemoveFromVersionId: token }));
    return;
  }
  await client.send(
    new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: "AWSCURRENT", MoveToVersionId: token, ...(current ? { RemoveFromVersionId: current } : {}) }),
  );
}

/** Drops the clients, for tests that change endpoints. */
export function resetClients(): void {
  secrets?.destroy();
  kvs?.destroy();
  secrets = undefined;
  kvs = undefined;
}

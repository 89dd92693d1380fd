import { createHash, timingSafeEqual } from "node:crypto";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { secretsManagerClient } from "./clients";
import { loadConfig } from "./config";
import { logger } from "./logger";

/*
 * Only requests that came through this environment's CloudFront distribution reach the API: the
 * execute-api address is public, so CloudFront's viewer-request function on `/api/*` adds
 * `x-origin-verify` with the value the rotation function put in its KeyValueStore, a version of the
 * secret the `edge/origin-secret-arn` parameter names. The same rule as the Python app's
 * (app/platform_app/origin.py):
 *
 * - live values are AWSCURRENT, AWSPREVIOUS (edge locations still sending the last one while the
 *   store's new value propagates) and AWSPENDING (between a rotation's setSecret and finishSecret
 *   the store already holds it);
 * - cached for ORIGIN_CACHE_MS; a value matching none of them re-reads the secret; every read, and
 *   every retry of a failed one, at most once per ORIGIN_REFRESH_AFTER_MISMATCH_MS, so a rotation is
 *   picked up within seconds while a stream of forged headers, or an outage, costs one Secrets
 *   Manager read per execution environment per few seconds;
 * - compared in constant time, never logged;
 * - no secret configured, or none readable: "unavailable" (the API answers 503), never open.
 */

export const ORIGIN_HEADER = "x-origin-verify";
export const ORIGIN_LIVE_STAGES = ["AWSCURRENT", "AWSPREVIOUS", "AWSPENDING"] as const;
export const ORIGIN_CACHE_MS = 300_000;
export const ORIGIN_REFRESH_AFTER_MISMATCH_MS = 5_000;

export type OriginVerdict = "ok" | "forbidden" | "unavailable";

interface Snapshot {
  /** SHA-256 of each live value: equal-length digests, so timingSafeEqual applies whatever was presented. */
  readonly digests: readonly Buffer[];
  readonly readAt: number;
}

let snapshot: Snapshot | undefined;
let lastAttempt: number | undefined;
/** One read at a time: concurrent requests on the ECS server share it. */
let reading: Promise<Snapshot | undefined> | undefined;

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

function matches(presented: Buffer, digests: readonly Buffer[]): boolean {
  let matched = false;
  // Every value is compared, so the time taken does not tell which stage matched.
  for (const value of digests) matched = timingSafeEqual(presented, value) || matched;
  return matched;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "UnknownError";
}

async function readLiveValues(now: number): Promise<Snapshot | undefined> {
  const status = await loadConfig();
  const arn = status.state === "ok" ? status.config.edge?.originSecretArn : status.state === "missing" ? status.originSecretArn : undefined;
  if (!arn) {
    logger.error("cannot verify the origin: no origin secret is configured", { configuration: status.state });
    return undefined;
  }
  const digests: Buffer[] = [];
  for (const stage of ORIGIN_LIVE_STAGES) {
    let text: string | undefined;
    try {
      ({ SecretString: text } = await secretsManagerClient().send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage })));
    } catch (error) {
      // No version has the stage: AWSPREVIOUS before the second rotation, AWSPENDING outside one.
      if (errorName(error) === "ResourceNotFoundException") continue;
      logger.error("cannot read the origin secret", { stage, errorName: errorName(error) });
      return undefined;
    }
    if (text) digests.push(digest(text));
  }
  if (digests.length === 0) {
    logger.error("the origin secret has no value yet");
    return undefined;
  }
  return { digests, readAt: now };
}

/** The verdict on a presented `x-origin-verify` value (undefined when the header is absent). */
export async function verifyOrigin(presented: string | undefined): Promise<OriginVerdict> {
  // Certainly not CloudFront: answered without reading anything.
  if (!presented) return "forbidden";
  const presentedDigest = digest(presented);
  const now = Date.now();
  const fresh = snapshot !== undefined && now - snapshot.readAt < ORIGIN_CACHE_MS;
  if (fresh && matches(presentedDigest, snapshot!.digests)) return "ok";
  // Throttled even when the cache is stale or empty: that only holds back a retry of a read that
  // failed within the interval, so a Secrets Manager outage costs each request no extra calls
  // (the stale values answer meanwhile) and floods of forged headers cost no more than one read per interval.
  const mayRead = lastAttempt === undefined || now - lastAttempt >= ORIGIN_REFRESH_AFTER_MISMATCH_MS;
  if (mayRead && !reading) {
    lastAttempt = now;
    reading = readLiveValues(now).finally(() => (reading = undefined));
  }
  if (reading) {
    const read = await reading;
    // A failed re-read keeps the last values: a Secrets Manager outage must not refuse CloudFront.
    if (read) snapshot = read;
  }
  if (!snapshot) return "unavailable";
  return matches(presentedDigest, snapshot.digests) ? "ok" : "forbidden";
}

/** Forgets the cached values, as a cold start would. */
export function resetOrigin(): void {
  snapshot = undefined;
  lastAttempt = undefined;
  reading = undefined;
}

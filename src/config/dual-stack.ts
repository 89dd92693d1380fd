/**
 * Which AWS APIs the functions call offer a dual-stack (IPv4 and IPv6) endpoint, in which regions,
 * as AWS documents it. The IPv6-egress network mode reaches these over IPv6 through the egress-only
 * internet gateway (no hourly charge); a service without one keeps its interface endpoint.
 *
 * Only what the documentation states is listed. A region missing from a service's list means "not
 * established", never "known not to work": add it, with its source, when AWS documents it.
 */
export interface DualStackService {
  /** The boto3 / AWS SDK service name the app's clients use. */
  readonly sdkName: string;
  /** Regions whose dual-stack endpoint AWS documents; `"all"`: the documentation says every endpoint is dual-stack. */
  readonly regions: "all" | readonly string[];
  readonly source: string;
}

/** What the Lambda workloads call over the network from the VPC (`platform_app/config.py`, `secret_store.py`, `jobs.py`). */
export const FUNCTION_API_CALLS = ["ssm", "secretsmanager", "sqs"] as const;
export type FunctionApiCall = (typeof FUNCTION_API_CALLS)[number];

export const DUAL_STACK: Readonly<Record<FunctionApiCall, DualStackService | undefined>> = {
  secretsmanager: {
    sdkName: "secretsmanager",
    regions: "all",
    source: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/asm_access.html#endpoints (\"Secrets Manager endpoints are dual-stack endpoints that support both IPv4 and IPv6\")",
  },
  sqs: {
    sdkName: "sqs",
    regions: "all",
    source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dual-stack.html (\"Amazon SQS supports Regional dual-stack endpoints\"); botocore's endpoints.json lists sqs.<region>.api.aws",
  },
  // Systems Manager documents no dual-stack endpoint for its API (searched December 2026: the SSM user
  // guide and general reference name none, and botocore's endpoints.json has no dual-stack variant for
  // ssm), so Parameter Store stays behind its interface endpoint.
  ssm: undefined,
};

export function hasDualStackEndpoint(service: FunctionApiCall, region: string): boolean {
  const entry = DUAL_STACK[service];
  return entry !== undefined && (entry.regions === "all" || entry.regions.includes(region));
}

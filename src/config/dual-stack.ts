/**
 * Which AWS APIs the functions call offer a dual-stack (IPv4 and IPv6) endpoint, in which regions,
 * as AWS documents it. The IPv6-egress network mode reaches these over IPv6 through the egress-only
 * internet gateway (no hourly charge); a call with no dual-stack endpoint must be replaced by
 * something done at deploy time (`DEPLOY_TIME_INSTEAD`) or the mode is refused for the region.
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
  // ssm), so the functions get Parameter Store's values at deploy time instead (DEPLOY_TIME_INSTEAD).
  ssm: undefined,
};

function hasDualStackEndpoint(service: FunctionApiCall, region: string): boolean {
  const entry = DUAL_STACK[service];
  return entry !== undefined && (entry.regions === "all" || entry.regions.includes(region));
}

/**
 * Calls the functions need not make at run time in IPv6-egress mode, and what replaces them. The
 * published parameters are locations (endpoints, URLs, ARNs, names) that change only when the infra
 * layer is applied, which the app layer always follows; handing the same values to the functions
 * as an environment variable when the app layer is applied costs nothing, where the interface
 * endpoint SSM would otherwise need bills about $8 a month in one AZ.
 */
export const DEPLOY_TIME_INSTEAD: Readonly<Partial<Record<FunctionApiCall, string>>> = {
  ssm: "the app layer hands the functions the published parameters in PLATFORM_PARAMETERS when it is applied",
};

/** How the functions reach each API they call in IPv6-egress mode, in a region. */
export interface Ipv6EgressReach {
  /** Called over IPv6 at their dual-stack endpoints (the app's PLATFORM_DUALSTACK_SERVICES). */
  readonly dualStack: FunctionApiCall[];
  /** Not called at run time: see {@link DEPLOY_TIME_INSTEAD}. */
  readonly atDeployTime: FunctionApiCall[];
  /** Neither: the mode cannot work in this region. */
  readonly unreachable: FunctionApiCall[];
}

export function ipv6EgressReach(region: string): Ipv6EgressReach {
  const reach: Ipv6EgressReach = { dualStack: [], atDeployTime: [], unreachable: [] };
  for (const service of FUNCTION_API_CALLS) {
    if (hasDualStackEndpoint(service, region)) reach.dualStack.push(service);
    else if (DEPLOY_TIME_INSTEAD[service]) reach.atDeployTime.push(service);
    else reach.unreachable.push(service);
  }
  return reach;
}

import type { PlatformEnvironment } from "../../../src/config/load";
import type { PolicyDocument } from "../../constraints/constraint";
import type { Request } from "../support/simulate";

/** What a job list knows about the environment it describes. */
export interface EnvironmentUnderTest {
  readonly name: string;
  readonly region: string;
  /** `<project>-<env>`, the prefix of every name in the environment. */
  readonly prefix: string;
  readonly project: string;
  readonly settings: PlatformEnvironment;
  /** Another environment of the same account, whose resources this one's roles must never reach. */
  readonly neighbour: { readonly name: string; readonly prefix: string; readonly region: string };
}

/** What a delivery job list knows: the pipeline's region and the environments it promotes. */
export interface DeliveryUnderTest {
  readonly project: string;
  /** The pipeline's region (delivery.config.json). */
  readonly region: string;
  /** `<project>-delivery`. */
  readonly prefix: string;
  readonly stateBucket: string;
  readonly lockTable: string;
  readonly stateRegion: string;
  readonly environments: readonly EnvironmentUnderTest[];
}

export interface Assumer {
  /** A service principal (`lambda.amazonaws.com`), a role ARN, or an OIDC provider ARN. */
  readonly principal: string;
  readonly context?: Record<string, string | string[]>;
  /**
   * The caller's own policy, where the trust names only the caller's account (its root, narrowed
   * by a condition): IAM then also needs the caller's identity policy to allow the AssumeRole.
   */
  readonly identityPolicy?: PolicyDocument;
  readonly why: string;
}

/**
 * One role's job, written as documentation of the role: what it must be able to do (every request
 * allowed) and what it must never do (every request denied), each request saying why.
 */
export interface RoleJob<Context> {
  /** The role's name, or undefined where the context has no such role (e.g. no ECS, no proxy). */
  readonly role: (context: Context) => string | undefined;
  /** Who uses the role and for what, in one sentence. */
  readonly summary: string;
  readonly must: (context: Context) => Request[];
  readonly never: (context: Context) => Request[];
  /** Who may assume the role, with the context AWS sends. */
  readonly assumedBy: (context: Context) => Assumer[];
  /** Who must not (another account's service, a confused deputy, another repository). */
  readonly notAssumedBy: (context: Context) => Assumer[];
}

/** What an AWS service does as itself with the environment's resources, allowed only by their resource policies. */
export interface ServiceJob<Context> {
  /** The service principal, e.g. `logs.eu-west-1.amazonaws.com`. */
  readonly service: (context: Context) => string;
  readonly summary: string;
  readonly must: (context: Context) => Request[];
  readonly never: (context: Context) => Request[];
}

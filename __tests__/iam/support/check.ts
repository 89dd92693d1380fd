import type { RoleJob, ServiceJob } from "../jobs/job";
import type { AccountModel } from "./account-model";
import { decideAssume, decideForRole, decideForService, type Decision, type Request } from "./simulate";

/** A request whose decision differs from what the job says, described for the failure message. */
export type Surprise = string;

/** Runs job lists against one account model, counting what held and describing what did not. */
export class JobChecker {
  readonly roles = new Set<string>();
  allowed = 0;
  denied = 0;
  assumptions = 0;

  constructor(private readonly model: AccountModel) {}

  private async requests(subject: string, decide: (request: Request) => Promise<Decision>, must: Request[], never: Request[]): Promise<Surprise[]> {
    const surprises: Surprise[] = [];
    for (const request of must) {
      const decision = await decide(request);
      if (decision.outcome === "Allowed") this.allowed++;
      else surprises.push(`${subject} cannot ${request.action} on ${request.resource} (${request.why}): ${decision.outcome}; ${decision.because}`);
    }
    for (const request of never) {
      const decision = await decide(request);
      if (decision.outcome === "ExplicitlyDenied" || decision.outcome === "ImplicitlyDenied") this.denied++;
      else surprises.push(`${subject} CAN ${request.action} on ${request.resource}, which it must never (${request.why}): ${decision.outcome}; ${decision.because}`);
    }
    return surprises;
  }

  async role<Context>(job: RoleJob<Context>, context: Context): Promise<Surprise[]> {
    const name = job.role(context);
    if (!name) return [];
    const role = this.model.role(name);
    this.roles.add(role.arn);
    const surprises = await this.requests(name, (request) => decideForRole(this.model, role, request), job.must(context), job.never(context));
    for (const assumer of job.assumedBy(context)) {
      const decision = await decideAssume(role, assumer.principal, assumer.context as Record<string, string>, assumer.identityPolicy);
      if (decision.outcome === "Allowed") this.assumptions++;
      else surprises.push(`${assumer.principal} cannot assume ${name} (${assumer.why}): ${decision.outcome}; ${decision.because}`);
    }
    for (const assumer of job.notAssumedBy(context)) {
      const decision = await decideAssume(role, assumer.principal, assumer.context as Record<string, string>, assumer.identityPolicy);
      if (decision.outcome !== "Allowed") this.assumptions++;
      else surprises.push(`${assumer.principal} CAN assume ${name}, which it must not (${assumer.why}): ${decision.because}`);
    }
    return surprises;
  }

  async service<Context>(job: ServiceJob<Context>, context: Context): Promise<Surprise[]> {
    const service = job.service(context);
    return this.requests(service, (request) => decideForService(this.model, service, request), job.must(context), job.never(context));
  }
}

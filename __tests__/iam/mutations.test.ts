import { synthesizeEveryStack, type SynthesizedStack } from "../support/every-stack";
import { DELIVERY_JOBS } from "./jobs/delivery";
import type { RoleJob } from "./jobs/job";
import { WORKLOAD_JOBS } from "./jobs/workloads";
import { AccountModel } from "./support/account-model";
import { JobChecker } from "./support/check";
import { deliveryUnderTest, environmentsUnderTest } from "./support/contexts";

/**
 * The simulation tier bites: each test breaks one thing in a copy of the synthesized stacks, the
 * way a careless change to the constructs would, and the unchanged job lists must report it.
 */
type Json = Record<string, any>;
let pristine: SynthesizedStack[];
beforeAll(() => {
  pristine = synthesizeEveryStack().filter((stack) => ["core-dev", "infra-dev", "app-dev", "core-prod", "infra-prod", "app-prod", "bootstrap", "pipeline"].includes(stack.name));
}, 180_000);

function mutated(change: (stacks: Map<string, Json>) => void): AccountModel {
  const copies = pristine.map((stack) => ({ ...stack, json: structuredClone(stack.json) }));
  change(new Map(copies.map((stack) => [stack.name, stack.json])));
  return new AccountModel(copies);
}

/** The policy document data source (or JSON string) behind a policy argument. */
function statementsOf(stack: Json, policyReference: string): Json[] {
  const documentId = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(policyReference)?.[1];
  if (!documentId) throw new Error(`not a policy document reference: ${policyReference}`);
  return stack.data.aws_iam_policy_document[documentId].statement;
}

async function surprisesOf<Context>(model: AccountModel, job: RoleJob<Context>, context: Context): Promise<string[]> {
  return new JobChecker(model).role(job, context);
}

const roleJob = <Context>(jobs: RoleJob<Context>[], context: Context, name: string) => {
  const job = jobs.find((candidate) => candidate.role(context) === name);
  if (!job) throw new Error(`no job for ${name}`);
  return job;
};

describe("the simulation tier fails when", () => {
  it("nothing is broken (the baseline the mutations depart from)", async () => {
    const model = new AccountModel(pristine);
    const dev = environmentsUnderTest(pristine).find((environment) => environment.name === "dev")!;
    expect(await surprisesOf(model, roleJob(WORKLOAD_JOBS, dev, "platform-dev-api-function"), dev)).toEqual([]);
  });

  it("a grant is removed: the API function can no longer enqueue jobs", async () => {
    const model = mutated((stacks) => {
      const app = stacks.get("app-dev")!;
      const policy = (Object.values(app.resource.aws_iam_role_policy) as Json[]).find((candidate) => candidate.role.includes("aws_iam_role.api_role_"))!;
      const statements = statementsOf(app, policy.policy);
      statements.splice(statements.findIndex((statement) => statement.sid === "SendWorkQueue"), 1);
    });
    const dev = environmentsUnderTest(pristine).find((environment) => environment.name === "dev")!;
    const surprises = await surprisesOf(model, roleJob(WORKLOAD_JOBS, dev, "platform-dev-api-function"), dev);
    expect(surprises).toEqual([expect.stringMatching(/^platform-dev-api-function cannot sqs:SendMessage on arn:aws:sqs:eu-west-1:123456789012:platform-dev-work/)]);
  });

  it("a key policy stops admitting the account's roles: nothing encrypts through SQS, SSM or Secrets Manager any more", async () => {
    const model = mutated((stacks) => {
      const core = stacks.get("core-dev")!;
      const key = Object.values(core.resource.aws_kms_key as Record<string, Json>).find((candidate) => candidate.description.includes("data, logs and messages"))!;
      const policy = JSON.parse(key.policy);
      policy.Statement = policy.Statement.filter((statement: Json) => statement.Sid !== "AccountAdministersKeyThroughIam");
      key.policy = JSON.stringify(policy);
    });
    const dev = environmentsUnderTest(pristine).find((environment) => environment.name === "dev")!;
    const surprises = await surprisesOf(model, roleJob(WORKLOAD_JOBS, dev, "platform-dev-api-function"), dev);
    expect(surprises.length).toBeGreaterThan(0);
    expect(surprises.every((surprise) => /cannot kms:(Decrypt|GenerateDataKey) on arn:aws:kms:eu-west-1:123456789012:key\//.test(surprise))).toBe(true);
  });

  it("a boundary is weakened: without its state-key denial the apply role could schedule the state key's deletion", async () => {
    const model = mutated((stacks) => {
      const pipeline = stacks.get("pipeline")!;
      const boundary = (Object.values(pipeline.resource.aws_iam_policy) as Json[]).find((policy) => policy.name === "platform-delivery-apply-boundary")!;
      const statements = statementsOf(pipeline, boundary.policy);
      statements.splice(statements.findIndex((statement) => statement.sid === "StateKeyStaysUsableByAlias"), 1);
    });
    const delivery = deliveryUnderTest(environmentsUnderTest(pristine));
    const surprises = await surprisesOf(model, roleJob(DELIVERY_JOBS, delivery, "platform-delivery-build-apply"), delivery);
    expect(surprises).toEqual(expect.arrayContaining([expect.stringMatching(/^platform-delivery-build-apply CAN kms:(ScheduleKeyDeletion|DisableKey|PutKeyPolicy)/)]));
  });
});

import { synthesizeEveryStack, type SynthesizedStack } from "./support/every-stack";
import { resourcesOf } from "./support/synth";

type Json = Record<string, any>;

let stacks: Map<string, SynthesizedStack>;
beforeAll(() => {
  stacks = new Map(synthesizeEveryStack().map((stack) => [stack.name, stack]));
}, 120_000);

/** The name of the aws_iam_policy a role's boundary points at, following a cross-stack reference into the producing stack. */
function boundaryPolicyName(stackName: string, boundary: string): string | undefined {
  const remote = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([a-z0-9-]+)\.outputs\.([^}]+)\}$/.exec(boundary);
  const [producer, value] = remote ? [remote[1], stacks.get(remote[1])?.json.output?.[remote[2]]?.value] : [stackName, boundary];
  const policy = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(value ?? "");
  return policy ? stacks.get(producer)?.json.resource.aws_iam_policy[policy[1]]?.name : undefined;
}

const policyDocument = (stack: Json, policyReference: string): Json => {
  const documentId = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(policyReference)![1];
  return stack.data.aws_iam_policy_document[documentId];
};

describe("permissions boundaries", () => {
  it("cap every role of every environment: functions, tasks and their execution role with the workload boundary, AWS service roles with the service boundary", () => {
    let roles = 0;
    for (const [name, { json, environment }] of stacks) {
      if (!environment) continue;
      for (const [, , role] of resourcesOf(json).filter(([type]) => type === "aws_iam_role")) {
        roles++;
        const boundary = boundaryPolicyName(name, role.permissions_boundary ?? "");
        const kind = /-(function|task|task-execution)$/.test(role.name) ? "workload" : "service";
        expect([name, role.name, boundary]).toEqual([name, role.name, `platform-${environment.name}-${kind}-boundary`]);
      }
    }
    expect(roles).toBeGreaterThan(100);
  });

  it("are exactly the ones the pipeline's apply boundary lets a created role carry, for every promoted environment", () => {
    const pipeline = stacks.get("pipeline")!.json;
    const boundaryPolicy = (Object.values(pipeline.resource.aws_iam_policy) as Json[]).find((policy) => policy.name === "platform-delivery-apply-boundary")!;
    const statements = policyDocument(pipeline, boundaryPolicy.policy).statement as Json[];
    const allowed = statements.find((statement) => statement.sid === "NewAndChangedRolesCarryAnAllowedBoundary")!.condition[0].values as string[];
    const names = allowed.map((arn) => arn.replace(/^.*:policy\//, "")).sort();
    // Never the delivery boundary itself: a role created with it would be a second apply role.
    expect(names).toEqual(["dev", "prod", "stage"].flatMap((env) => [`platform-${env}-service-boundary`, `platform-${env}-workload-boundary`]).sort());
    for (const env of ["dev", "stage", "prod"]) {
      const policies = (Object.values(stacks.get(`core-${env}`)!.json.resource.aws_iam_policy) as Json[]).map((policy) => policy.name);
      expect(policies).toEqual(expect.arrayContaining([`platform-${env}-workload-boundary`, `platform-${env}-service-boundary`]));
    }
    for (const [, , role] of resourcesOf(pipeline).filter(([type]) => type === "aws_iam_role")) {
      expect([role.name, role.permissions_boundary]).toEqual([role.name, `\${aws_iam_policy.${Object.entries(pipeline.resource.aws_iam_policy).find(([, policy]) => policy === boundaryPolicy)![0]}.arn}`]);
    }
  });

  it("keep the state store out of reach of the environment's service roles, which may otherwise act across AWS", () => {
    for (const env of ["dev", "stage", "prod"]) {
      const core = stacks.get(`core-${env}`)!.json;
      const service = (Object.values(core.resource.aws_iam_policy) as Json[]).find((policy) => policy.name === `platform-${env}-service-boundary`)!;
      const statements = policyDocument(core, service.policy).statement as Json[];
      expect(statements[0]).toMatchObject({ not_actions: expect.arrayContaining(["iam:*", "organizations:*", "sts:AssumeRole"]) });
      const denied = (sid: string) => statements.find((statement) => statement.sid === sid && statement.effect === "Deny");
      expect(denied("StateBucketsKeepTheirProtection")?.resources).toEqual(expect.arrayContaining([expect.stringMatching(/:s3:::platform-tfstate-123456789012$/)]));
      expect(denied("StateVersionsAndObjectsStay")?.actions).toEqual(["s3:DeleteObjectVersion"]);
      expect(denied("StateKeyStaysUsableByAlias")?.condition[0].values).toEqual(["alias/platform-tfstate-123456789012"]);
      expect(denied("LockTableKeepsItsProtection")?.resources).toEqual([expect.stringMatching(/table\/platform-tflock$/)]);
    }
  });
});

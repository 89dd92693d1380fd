import { loadDeliveryConfig } from "../../src/config/delivery-schema";
import { loadPlatformConfig, type PlatformConfig, type PlatformEnvironment } from "../../src/config/load";
import type { SynthesizedStack } from "../support/every-stack";
import type { PolicyDocument } from "../constraints/constraint";
import {
  accountOfStack,
  type CrossAccountRequest,
  CrossAccountModel,
  decide,
  MULTI_ACCOUNT_EXAMPLE,
  type Principal,
  principalAllowedEverything,
  principalOf,
  synthesizeMultiAccountExample,
} from "./support/cross-account-model";

/**
 * The multi-account example (state bucket and pipeline in one account, dev and stage in a second,
 * prod in a third) evaluated as AWS evaluates requests across accounts: the caller's identity
 * policies and boundary in its own account and the state bucket's (or key's, or role's trust)
 * policy in the other must both allow. Each environment's deploy roles reach their own prefix
 * only, even where two environments share an account; nobody else of an environment account
 * reaches state at all; only the pipeline's matching role and the named people assume the
 * deploy roles.
 */

type Expected = "Allowed" | "Denied";

interface Case {
  readonly who: string;
  readonly principal: Principal;
  readonly request: CrossAccountRequest;
  readonly expected: Expected;
  readonly keyAliases?: string[];
}

const LAYERS = ["core", "infra", "app"] as const;

let pristine: SynthesizedStack[];
let config: PlatformConfig;
let pipelineAccount: string;
const tally = { allowed: 0, denied: 0 };
let started = 0;

beforeAll(() => {
  started = Date.now();
  const synthesized = synthesizeMultiAccountExample();
  pristine = synthesized.stacks;
  config = loadPlatformConfig(synthesized.configDir);
  const delivery = loadDeliveryConfig(synthesized.configDir);
  if (!delivery?.accountId) throw new Error(`${MULTI_ACCOUNT_EXAMPLE}/delivery.config.json names no accountId; the example must place the pipeline in an account`);
  pipelineAccount = delivery.accountId;
}, 120_000);

afterAll(() => {
  console.log(
    `Cross-account IAM simulation (${MULTI_ACCOUNT_EXAMPLE}): ${tally.allowed} requests allowed and ${tally.denied} denied as expected, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
});

/** The view every case is built from: the state account's bucket and key, and each environment's deploy roles. */
function viewOf(stacks: readonly SynthesizedStack[]) {
  const model = new CrossAccountModel(stacks);
  const { state } = config;
  if (!state.accountId) throw new Error(`${MULTI_ACCOUNT_EXAMPLE}/backend.config.json: state.accountId is required by this test`);
  const stateAccount = state.accountId;
  const bucketPolicy = model.bucketPolicy(stateAccount, state.bucket);
  // The state key is `alias/<state bucket>`, dots turned to hyphens (README, "State backends").
  const key = model.key(stateAccount, "bootstrap", `alias/${state.bucket.replace(/\./g, "-")}`);
  const environment = (name: string): PlatformEnvironment & { deployment: NonNullable<PlatformEnvironment["deployment"]> } => {
    const found = config.environments.find((candidate) => candidate.name === name);
    if (!found?.deployment) throw new Error(`${MULTI_ACCOUNT_EXAMPLE}: environment ${name} does not run outside the state account`);
    return found as never;
  };
  const deployRole = (name: string, kind: "plan" | "apply"): Principal => {
    const { deployment } = environment(name);
    const role = model.role(deployment.accountId, `${config.project}-${name}-deploy-${kind}`);
    const expectedArn = kind === "plan" ? deployment.planRoleArn : deployment.applyRoleArn;
    if (role.arn !== expectedArn) throw new Error(`the ${name} ${kind} role synthesizes as ${role.arn}, but configuration names ${expectedArn}`);
    return principalOf(role, deployment.accountId);
  };
  const deployRoleTrust = (name: string, kind: "plan" | "apply"): { arn: string; account: string; trust: PolicyDocument } => {
    const { deployment } = environment(name);
    const role = model.role(deployment.accountId, `${config.project}-${name}-deploy-${kind}`);
    return { arn: role.arn, account: deployment.accountId, trust: role.trust };
  };
  const pipelineRole = (kind: "plan" | "apply"): Principal => principalOf(model.role(pipelineAccount, `${config.project}-delivery-build-${kind}`), pipelineAccount);

  const prefixOf = (name: string) => {
    const { backend } = environment(name);
    if (backend.type !== "s3") throw new Error(`${name} keeps no S3 state`);
    return backend.keyPrefix;
  };
  const inBucket = (action: string, key: string, why: string): CrossAccountRequest => ({
    action,
    resource: `arn:aws:s3:::${state.bucket}/${key}`,
    resourceAccount: stateAccount,
    resourcePolicy: bucketPolicy,
    why,
  });
  const listing = (prefix: string, why: string): CrossAccountRequest => ({
    action: "s3:ListBucket",
    resource: `arn:aws:s3:::${state.bucket}`,
    resourceAccount: stateAccount,
    resourcePolicy: bucketPolicy,
    context: { "s3:prefix": prefix },
    why,
  });
  const onBucket = (action: string, why: string): CrossAccountRequest => ({ action, resource: `arn:aws:s3:::${state.bucket}`, resourceAccount: stateAccount, resourcePolicy: bucketPolicy, why });
  const onKey = (action: string, via: string | undefined, why: string): CrossAccountRequest => ({
    action,
    resource: key.arn,
    resourceAccount: stateAccount,
    resourcePolicy: key.policy,
    context: via ? { "kms:ViaService": `${via}.${state.region}.amazonaws.com` } : {},
    why,
  });
  const assume = (target: { arn: string; account: string; trust: PolicyDocument }, why: string): CrossAccountRequest => ({
    action: "sts:AssumeRole",
    resource: target.arn,
    resourceAccount: target.account,
    resourcePolicy: target.trust,
    why,
  });
  const stack = (name: string) => {
    const found = stacks.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no stack ${name} in ${MULTI_ACCOUNT_EXAMPLE}`);
    return found;
  };
  return { model, stack, stateAccount, key, environment, deployRole, deployRoleTrust, pipelineRole, prefixOf, inBucket, listing, onBucket, onKey, assume };
}

type View = ReturnType<typeof viewOf>;

/**
 * What Terraform's S3 backend does under `use_lockfile` (hashicorp/terraform
 * internal/backend/remote-state/s3/client.go and backend_state.go) for each stack of an environment,
 * read from the stack's synthesized backend and remote state blocks: list `<workspace_key_prefix>/`
 * (init, and every state it opens), read the state, take and release `<key>.tflock`; the apply
 * also writes the state.
 */
function stateWork(view: View, name: string, kind: "plan" | "apply"): Case[] {
  const who = `${name} deploy-${kind}`;
  const principal = view.deployRole(name, kind);
  const requests = new Map<string, CrossAccountRequest>();
  const add = (request: CrossAccountRequest) => requests.set(`${request.action} ${request.resource} ${JSON.stringify(request.context ?? {})}`, request);
  for (const layer of LAYERS) {
    const stack = view.stack(`${layer}-${name}`);
    const backend = stack.json.terraform?.backend?.s3;
    if (!backend) throw new Error(`${stack.name}: no S3 backend`);
    if (backend.bucket !== config.state.bucket) throw new Error(`${stack.name}: keeps its state in ${backend.bucket}, not the state bucket ${config.state.bucket}`);
    if (backend.use_lockfile !== true || backend.dynamodb_table !== undefined) throw new Error(`${stack.name}: an environment in another account must lock with S3 lock files only`);
    add(view.listing(`${backend.workspace_key_prefix ?? "env:"}/`, `${stack.name}: init lists the workspaces under workspace_key_prefix`));
    add(view.inBucket("s3:GetObject", backend.key, `${stack.name}: HeadObject and GetObject of its state`));
    add(view.inBucket("s3:PutObject", `${backend.key}.tflock`, `${stack.name}: takes the lock, PutObject If-None-Match of <key>.tflock`));
    add(view.inBucket("s3:GetObject", `${backend.key}.tflock`, `${stack.name}: reads the lock's ID before releasing it, and the holder's when it is taken`));
    add(view.inBucket("s3:DeleteObject", `${backend.key}.tflock`, `${stack.name}: releases the lock`));
    if (kind === "apply") add(view.inBucket("s3:PutObject", backend.key, `${stack.name}: an apply persists its state`));
    for (const [id, remote] of Object.entries<Record<string, any>>(stack.json.data?.terraform_remote_state ?? {})) {
      add(view.listing(`${remote.config.workspace_key_prefix ?? "env:"}/`, `${stack.name}: ${id} opens the producer's state, listing its workspaces first`));
      add(view.inBucket("s3:GetObject", remote.config.key, `${stack.name}: ${id} reads the producer's outputs`));
    }
  }
  add(view.onKey("kms:Decrypt", "s3", "S3 decrypts states and locks for the caller"));
  add(view.onKey("kms:GenerateDataKey", "s3", "S3 encrypts lock files (and the apply's states) for the caller"));
  return [...requests.values()].map((request) => ({ who, principal, request, expected: "Allowed", keyAliases: view.key.aliases }));
}

function mustNever(view: View): Case[] {
  const denied = (who: string, principal: Principal, request: CrossAccountRequest): Case => ({ who, principal, request, expected: "Denied", keyAliases: view.key.aliases });
  const devPlan = view.deployRole("dev", "plan");
  const devApply = view.deployRole("dev", "apply");
  const stageApply = view.deployRole("stage", "apply");
  const prodApply = view.deployRole("prod", "apply");
  const [dev, stage, prod] = ["dev", "stage", "prod"].map((name) => view.prefixOf(name));
  const devAccount = view.environment("dev").deployment.accountId;
  const strangers = [
    principalAllowedEverything(`arn:aws:iam::${devAccount}:role/${config.project}-dev-api-function`, ["s3:*", "kms:*"]),
    principalAllowedEverything(`arn:aws:iam::${devAccount}:role/someone`, ["s3:*", "kms:*"]),
  ];
  return [
    denied("dev deploy-plan", devPlan, view.inBucket("s3:PutObject", `${dev}/core.tfstate`, "a plan never writes state")),
    denied("dev deploy-plan", devPlan, view.inBucket("s3:DeleteObject", `${dev}/core.tfstate`, "a plan never deletes state")),
    denied("dev deploy-plan", devPlan, view.inBucket("s3:GetObject", `${stage}/core.tfstate`, "stage shares dev's account, not its states")),
    denied("dev deploy-plan", devPlan, view.inBucket("s3:GetObject", `${prod}/core.tfstate`, "prod's state is prod's")),
    denied("dev deploy-plan", devPlan, view.listing(`${stage}/`, "stage's keys are not dev's to list")),
    denied("dev deploy-plan", devPlan, view.listing("env:/", "the default workspace prefix sits at the bucket's root, beside every environment")),
    denied("dev deploy-plan", devPlan, view.onKey("kms:Decrypt", undefined, "the state key decrypts through S3 only")),
    denied("dev deploy-plan", devPlan, view.onKey("kms:Decrypt", "ssm", "the state key decrypts through S3 only, not another service")),
    denied("dev deploy-apply", devApply, view.inBucket("s3:GetObject", `${stage}/core.tfstate`, "stage shares dev's account, not its states")),
    denied("dev deploy-apply", devApply, view.inBucket("s3:PutObject", `${stage}/core.tfstate`, "stage's state is stage's")),
    denied("dev deploy-apply", devApply, view.inBucket("s3:DeleteObject", `${dev}/core.tfstate`, "the current state stays (boundary)")),
    denied("dev deploy-apply", devApply, view.onBucket("s3:PutBucketPolicy", "the state bucket's protections stay")),
    denied("dev deploy-apply", devApply, view.onKey("kms:ScheduleKeyDeletion", undefined, "the state key stays")),
    denied("dev deploy-apply", devApply, {
      ...view.inBucket("s3:PutObject", `${dev}/app.tfstate`, "a write asking for S3-managed keys would escape the state key"),
      context: { "s3:x-amz-server-side-encryption": "AES256" },
    }),
    denied("dev deploy-apply", devApply, {
      ...view.inBucket("s3:PutObject", `${dev}/app.tfstate`, "a write naming another key (one of the environment's account) would escape the state key"),
      context: { "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:eu-west-1:${view.environment("dev").deployment!.accountId}:key/11111111-2222-3333-4444-555555555555` },
    }),
    denied("dev deploy-apply", devApply, {
      action: "iam:CreateUser",
      resource: `arn:aws:iam::${devAccount}:user/intruder`,
      resourceAccount: devAccount,
      why: "no IAM users (boundary), even with AdministratorAccess",
    }),
    ...[dev, prod].flatMap((prefix) => [
      denied("stage deploy-apply", stageApply, view.inBucket("s3:GetObject", `${prefix}/core.tfstate`, "another environment's state")),
      denied("stage deploy-apply", stageApply, view.inBucket("s3:PutObject", `${prefix}/core.tfstate`, "another environment's state")),
      denied("stage deploy-apply", stageApply, view.inBucket("s3:PutObject", `${prefix}/core.tfstate.tflock`, "another environment's lock")),
      denied("stage deploy-apply", stageApply, view.listing(`${prefix}/`, "another environment's keys")),
    ]),
    denied("prod deploy-apply", prodApply, view.inBucket("s3:GetObject", `${dev}/core.tfstate`, "another account's environment")),
    ...strangers.flatMap((stranger) => [
      denied(stranger.arn, stranger, view.inBucket("s3:GetObject", `${dev}/core.tfstate`, "only the deploy roles of an environment account reach its state")),
      denied(stranger.arn, stranger, view.inBucket("s3:PutObject", `${dev}/core.tfstate.tflock`, "only the deploy roles hold its locks")),
      denied(stranger.arn, stranger, view.listing(`${dev}/`, "only the deploy roles list its keys")),
      denied(stranger.arn, stranger, view.onKey("kms:Decrypt", "s3", "the state key admits the deploy roles only")),
    ]),
  ];
}

function assumptions(view: View): Case[] {
  const cases: Case[] = [];
  const planPipeline = view.pipelineRole("plan");
  const applyPipeline = view.pipelineRole("apply");
  const outsider = principalAllowedEverything(`arn:aws:iam::${pipelineAccount}:role/someone`, ["sts:AssumeRole"]);
  for (const environment of config.environments.filter((candidate) => candidate.deployment)) {
    const plan = view.deployRoleTrust(environment.name, "plan");
    const apply = view.deployRoleTrust(environment.name, "apply");
    const insider = principalAllowedEverything(`arn:aws:iam::${environment.deployment!.accountId}:role/someone`, ["sts:AssumeRole"]);
    cases.push(
      { who: "pipeline build-plan", principal: planPipeline, request: view.assume(plan, `plans ${environment.name} through its plan role`), expected: "Allowed" },
      { who: "pipeline build-apply", principal: applyPipeline, request: view.assume(apply, `applies ${environment.name} through its apply role`), expected: "Allowed" },
      { who: "pipeline build-plan", principal: planPipeline, request: view.assume(apply, "a plan never gets an apply role"), expected: "Denied" },
      { who: "pipeline build-apply", principal: applyPipeline, request: view.assume(plan, "each pipeline role assumes its own kind only"), expected: "Denied" },
      { who: outsider.arn, principal: outsider, request: view.assume(plan, "the trust names the pipeline's roles and the deployers only"), expected: "Denied" },
      { who: outsider.arn, principal: outsider, request: view.assume(apply, "the trust names the pipeline's roles and the deployers only"), expected: "Denied" },
      { who: insider.arn, principal: insider, request: view.assume(apply, "nobody of the environment's own account is trusted"), expected: "Denied" },
    );
    for (const deployer of environment.deployment!.deployers) {
      // What a person may do is decided in their own account; the administrator's grant is what this checks the trust against.
      const person = principalAllowedEverything(deployer, ["sts:AssumeRole"]);
      cases.push(
        { who: deployer, principal: person, request: view.assume(plan, `a named deployer plans ${environment.name}`), expected: "Allowed" },
        { who: deployer, principal: person, request: view.assume(apply, `a named deployer applies ${environment.name}`), expected: "Allowed" },
      );
    }
  }
  return cases;
}

/** Every case whose decision differs from what it expects, described for the failure message; counts the others. */
async function surprises(cases: Case[]): Promise<string[]> {
  const found: string[] = [];
  for (const { who, principal, request, expected, keyAliases } of cases) {
    const decision = await decide(principal, request, keyAliases);
    const denied = decision.outcome === "ExplicitlyDenied" || decision.outcome === "ImplicitlyDenied";
    if (expected === "Allowed" && decision.outcome === "Allowed") tally.allowed++;
    else if (expected === "Denied" && denied) tally.denied++;
    else found.push(`${who} ${expected === "Allowed" ? "cannot" : "CAN"} ${request.action} on ${request.resource} (${request.why}): ${decision.outcome}; ${decision.because}`);
  }
  return found;
}

describe("environments in their own accounts, simulated across accounts", () => {
  it("synthesizes one stack per layer and environment, a baseline per environment account, and places each in its account", () => {
    const placement = Object.fromEntries(pristine.map((stack) => [stack.name, accountOfStack(stack)]));
    const expected: Record<string, string> = { bootstrap: config.state.accountId!, pipeline: pipelineAccount };
    for (const environment of config.environments) {
      for (const layer of LAYERS) expected[`${layer}-${environment.name}`] = environment.accountId!;
      expected[`account-${environment.accountId}`] = environment.accountId!;
    }
    expect(placement).toEqual(expected);
  });

  it("lets each environment's deploy roles list, read and lock their own states, and the apply role write them", async () => {
    const view = viewOf(pristine);
    const cases = config.environments.flatMap((environment) => (["plan", "apply"] as const).flatMap((kind) => stateWork(view, environment.name, kind)));
    expect(cases.length).toBeGreaterThan(60);
    expect(await surprises(cases)).toEqual([]);
  });

  it("keeps the deploy roles out of other environments' states (stage shares dev's account) and inside their boundary, and everyone else of an environment account out", async () => {
    expect(await surprises(mustNever(viewOf(pristine)))).toEqual([]);
  });

  it("lets the pipeline's plan and apply roles and the named deployers assume the matching deploy roles, and nobody else", async () => {
    const cases = assumptions(viewOf(pristine));
    expect(cases.length).toBeGreaterThanOrEqual(27);
    expect(await surprises(cases)).toEqual([]);
  });

  it("bites: with dev's read statement widened to every environment, dev's apply role reads stage's state", async () => {
    const widened = pristine.map((stack) => ({ ...stack, json: structuredClone(stack.json) }));
    const bootstrap = widened.find((stack) => stack.name === "bootstrap")!.json;
    const statements = Object.values<Record<string, any>>(bootstrap.data.aws_iam_policy_document).flatMap((document) => document.statement ?? []);
    const readStatement = statements.find((statement) => statement.sid === "devDeployRolesReadTheirStates");
    if (!readStatement) throw new Error("the bootstrap stack has no devDeployRolesReadTheirStates statement to widen");
    const devPrefix = config.environments.find((environment) => environment.name === "dev")!.backend;
    if (devPrefix.type !== "s3") throw new Error("dev keeps no S3 state");
    readStatement.resources = readStatement.resources.map((resource: string) => resource.replace(`/${devPrefix.keyPrefix}/*`, `/${config.project}/*`));
    expect(readStatement.resources).toEqual([expect.stringMatching(new RegExp(`/${config.project}/\\*$`))]);

    const readStage = (view: View, kind: "plan" | "apply") =>
      decide(view.deployRole("dev", kind), view.inBucket("s3:GetObject", `${view.prefixOf("stage")}/core.tfstate`, "stage's state"), view.key.aliases);
    const [before, after] = [viewOf(pristine), viewOf(widened)];
    expect((await readStage(before, "apply")).outcome).toBe("ImplicitlyDenied");
    expect(await readStage(after, "apply")).toEqual(expect.objectContaining({ outcome: "Allowed" }));
    // The plan role's own policy names its prefix too, so it stays out with the bucket policy widened.
    expect((await readStage(after, "plan")).outcome).toBe("ImplicitlyDenied");
  });

  it("names the state key in every environment account's backend so that S3 finds it in the state account", () => {
    const stateAccount = config.state.accountId!;
    const problems: string[] = [];
    for (const environment of config.environments.filter((candidate) => candidate.deployment)) {
      const caller = environment.deployment!.accountId;
      for (const layer of LAYERS) {
        const stackName = `${layer}-${environment.name}`;
        const backend = pristine.find((stack) => stack.name === stackName)?.json.terraform?.backend?.s3;
        if (!backend) {
          problems.push(`${stackName}: no S3 backend`);
          continue;
        }
        // What S3 encrypts a PutObject with: the header Terraform sends, resolved in the caller's account
        // for anything short of a key ARN (docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html).
        const id: string | undefined = backend.kms_key_id;
        const used = !backend.encrypt
          ? "the bucket's default key"
          : !id
            ? "SSE-S3 (encrypt = true without kms_key_id sends AES256)"
            : id.startsWith("arn:")
              ? id
              : `arn:aws:kms:${backend.region}:${caller}:${id.startsWith("alias/") ? id : `key/${id}`}`;
        if (used !== "the bucket's default key" && !new RegExp(`^arn:aws:kms:${config.state.region}:${stateAccount}:key/`).test(used)) {
          problems.push(
            `${stackName}: kms_key_id ${JSON.stringify(id)} makes S3, called by ${environment.name}'s deploy role in ${caller}, encrypt with ${used}, not the state key of ${stateAccount}; every state and lock write fails (or lands under a key of ${caller})`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

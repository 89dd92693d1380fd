import { loadPlatformConfig } from "../../src/config/load";
import type { SynthesizedStack } from "../support/every-stack";
import { configProblems, projectCopy, withEnvironment } from "../support/project";
import { synthesizeStacks, type StackJson } from "../support/synth";
import { OPERATOR_JOBS } from "../iam/jobs/operator";
import { AccountModel, arn } from "../iam/support/account-model";
import { JobChecker } from "../iam/support/check";
import { environmentsUnderTest } from "../iam/support/contexts";
import { decideForRole } from "../iam/support/simulate";
import { CrossAccountModel, decide, principalAllowedEverything, synthesizeMultiAccountExample } from "../iam/support/cross-account-model";

/**
 * The operator role as the stacks write it: only where the environment names operators, in the
 * environment's own account, trusting exactly the named people (users with fresh MFA under their
 * own name, roles as named), for the session length the file asks, inside the environment's
 * service boundary. The variants the shipped files do not cover (no customer key, a DynamoDB
 * table, no DR copies, the default session) are simulated here with the operator's job list.
 */

type Json = Record<string, any>;
const SSO = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_PlatformOnCall_*";

/** Synthesized stacks as the IAM models take them, each with its environment when `configDir` is given. */
const asSynthesized = (stacks: Map<string, StackJson>, configDir?: string): SynthesizedStack[] => {
  const environments = configDir ? new Map(loadPlatformConfig(configDir).environments.map((environment) => [environment.name, environment])) : undefined;
  return [...stacks].map(([name, json]) => ({ name, json, environment: environments?.get(name.slice(name.indexOf("-") + 1)) }));
};

const operatorRolesOf = (stack: StackJson): Json[] => Object.values<Json>(stack.resource?.aws_iam_role ?? {}).filter((role) => /-operator$/.test(role.name));

describe("the operator role of the shipped environments", () => {
  let stacks: Map<string, StackJson>;
  let model: AccountModel;
  beforeAll(() => {
    stacks = synthesizeStacks();
    model = new AccountModel(asSynthesized(stacks));
  }, 120_000);

  it("exists in the app layer of the environments that name operators, and nowhere else", () => {
    const roles = [...stacks].flatMap(([name, stack]) => operatorRolesOf(stack).map((role) => `${name}: ${role.name}`));
    expect(roles.sort()).toEqual(["app-prod: platform-prod-operator", "app-stage: platform-stage-operator"]);
    expect(stacks.get("app-prod")!.output.operator_role_arn.value).toMatch(/^\$\{aws_iam_role\.operator_role_[A-Z0-9]+\.arn\}$/);
    expect(stacks.get("app-dev")!.output?.operator_role_arn).toBeUndefined();
  });

  it("lets in users only with MFA checked within the hour and under their own name, and the named roles as they are", () => {
    expect(model.role("platform-prod-operator").trust).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "NamedUsersWithRecentMfa",
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Condition: {
            ArnLike: { "aws:PrincipalArn": "arn:aws:iam::123456789012:user/oncall-breakglass" },
            Bool: { "aws:MultiFactorAuthPresent": "true" },
            NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
            StringEquals: { "sts:RoleSessionName": "${aws:username}" },
          },
        },
        {
          Sid: "NamedRolesWhoseSessionsBeganWithMfa",
          Effect: "Allow",
          Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Condition: { ArnLike: { "aws:PrincipalArn": SSO } },
        },
      ],
    });
    // Stage names a permission set only: no statement for users at all.
    expect(model.role("platform-stage-operator").trust.Statement).toEqual([expect.objectContaining({ Sid: "NamedRolesWhoseSessionsBeganWithMfa" })]);
  });

  it("lasts as long as the file says, and is capped by the environment's service boundary", () => {
    const role = (stack: string) => operatorRolesOf(stacks.get(stack)!)[0];
    expect(role("app-prod").max_session_duration).toBe(2 * 3600);
    expect(role("app-stage").max_session_duration).toBe(4 * 3600);
    expect(model.role("platform-prod-operator").boundary?.name).toBe("platform-prod-service-boundary");
    expect(model.role("platform-stage-operator").boundary?.name).toBe("platform-stage-service-boundary");
  });

  it("is granted in one inline policy beside one of denials, within IAM's 10,240 characters for a role's inline policies", () => {
    const role = model.role("platform-prod-operator");
    expect(role.identityPolicies.map((policy) => policy.name).sort()).toEqual(["inline never", "inline operate"]);
    expect(role.identityPolicies.reduce((total, policy) => total + JSON.stringify(policy.policy).length, 0)).toBeLessThan(10_240);
  });

  it("refuses secret values even when a later change grants them", async () => {
    const copies = asSynthesized(stacks).map((stack) => ({ ...stack, json: structuredClone(stack.json) }));
    const app = copies.find((stack) => stack.name === "app-prod")!.json;
    const grants = Object.entries<Json>(app.data.aws_iam_policy_document).find(([id]) => id.startsWith("operator_grants_document_"))![1];
    grants.statement.push({ sid: "Widened", effect: "Allow", actions: ["secretsmanager:*"], resources: ["*"] });
    const widened = new AccountModel(copies);
    const decision = await decideForRole(widened, widened.role("platform-prod-operator"), {
      action: "secretsmanager:GetSecretValue",
      resource: arn.secret("eu-west-1", "platform-prod/app"),
      why: "a careless grant",
    });
    expect(decision.outcome).toBe("ExplicitlyDenied");
    // The widened grant is really there: without the denial the same request would be allowed.
    const described = await decideForRole(widened, widened.role("platform-prod-operator"), { action: "secretsmanager:DescribeSecret", resource: arn.secret("eu-west-1", "platform-prod/app"), why: "" });
    expect(described.outcome).toBe("Allowed");
  });
});

describe("the operator role's variants", () => {
  let stacks: SynthesizedStack[];
  beforeAll(() => {
    const root = projectCopy((project) => {
      // dev's settings (Lambda zip, no DR copies) without the customer key, with a table, and operators.
      withEnvironment("opsplain", "environments/dev.json")(project);
      const plain = project.read("environments/opsplain.json");
      plain.operators = { principals: ["arn:aws:iam::123456789012:user/oncall-alice", SSO], sessionHours: 1 };
      plain.features = { ...(plain.features as Json), kmsKey: false, dynamodbTable: true };
      project.write("environments/opsplain.json", plain);
      // The ECS example names its operators without a session length.
      withEnvironment("opsecs", "environments/examples/ecs.json")(project);
    });
    stacks = asSynthesized(synthesizeStacks(root), root);
  }, 180_000);

  it("do on-call's work and nothing else without a customer key, with a table and without DR copies, and on ECS", async () => {
    const model = new AccountModel(stacks);
    const checker = new JobChecker(model);
    const environments = environmentsUnderTest(stacks).filter((environment) => ["opsplain", "opsecs"].includes(environment.name));
    expect(environments.map((environment) => environment.name).sort()).toEqual(["opsecs", "opsplain"]);
    const surprises: string[] = [];
    for (const environment of environments) surprises.push(...(await checker.role(OPERATOR_JOBS[0], environment)));
    expect(surprises).toEqual([]);
    expect(checker.allowed).toBeGreaterThan(80);
    expect(checker.denied).toBeGreaterThan(100);
  }, 120_000);

  it("use no key where the queues and parameters have none, restore in the primary region only without DR copies, and last 4 hours by default", () => {
    const model = new AccountModel(stacks);
    const plain = model.role("platform-opsplain-operator");
    const statements = [plain.identityPolicies[0].policy.Statement].flat();
    expect(statements.flatMap((statement) => [statement.Action].flat()).filter((action) => String(action).startsWith("kms:"))).toEqual([]);
    const restores = statements.find((statement) => statement.Sid === "StartAndWatchRestores")!;
    expect(restores.Resource).toEqual([
      "arn:aws:backup:eu-west-1:123456789012:recovery-point:*",
      "arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:awsbackup:*",
    ]);
    const ecs = stacks.find((stack) => stack.name === "app-opsecs")!;
    expect(operatorRolesOf(ecs.json)[0].max_session_duration).toBe(4 * 3600);
    expect(operatorRolesOf(stacks.find((stack) => stack.name === "app-opsplain")!.json)[0].max_session_duration).toBe(3600);
  });
});

describe("the trust policy at the most people the configuration accepts", () => {
  it("stays within IAM's 2,048 characters", () => {
    const users = (count: number) => Array.from({ length: count }, (_, index) => `arn:aws:iam::123456789012:user/oncall-${String(index).padStart(2, "0")}`);
    const configured = (count: number) =>
      projectCopy(({ read, write }) => {
        const stage = read("environments/stage.json");
        stage.operators = { principals: [...users(count), SSO] };
        write("environments/stage.json", stage);
      });
    const accepted = (count: number) => {
      try {
        configProblems(configured(count));
        return false;
      } catch (error) {
        if (String(error).includes("the configuration was accepted")) return true;
        throw error;
      }
    };
    let most = 1;
    while (accepted(most + 1)) most++;
    const stacks = synthesizeStacks(configured(most));
    const trust = new AccountModel(asSynthesized(stacks)).role("platform-stage-operator").trust;
    const characters = JSON.stringify(trust).length;
    expect(characters).toBeLessThanOrEqual(2048);
    // The validation counts as IAM does: the next person (an ARN of 45 characters, 48 in the list) would not fit.
    expect(characters).toBeGreaterThan(2048 - 48);
  }, 120_000);
});

describe("the operator role across accounts (environments/examples/multi-account)", () => {
  let model: CrossAccountModel;
  beforeAll(() => {
    model = new CrossAccountModel(synthesizeMultiAccountExample().stacks);
  }, 120_000);

  const assume = async (who: ReturnType<typeof principalAllowedEverything>, environment: string, account: string, context: Record<string, string> = {}) => {
    const role = model.role(account, `platform-${environment}-operator`);
    return (await decide(who, { action: "sts:AssumeRole", resource: role.arn, resourceAccount: account, resourcePolicy: role.trust, context, why: "on call" })).outcome;
  };

  it("lives in the environment's account and lets in the tooling account's on-call permission set and break-glass user", async () => {
    const onCall = principalAllowedEverything("arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformOnCall_0a1b2c3d4e5f6789", ["sts:AssumeRole"]);
    const breakGlass = principalAllowedEverything("arn:aws:iam::111111111111:user/oncall-breakglass", ["sts:AssumeRole"]);
    const mfa = { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60", "aws:username": "oncall-breakglass", "sts:RoleSessionName": "oncall-breakglass" };
    expect(await assume(onCall, "prod", "333333333333")).toBe("Allowed");
    expect(await assume(onCall, "stage", "222222222222")).toBe("Allowed");
    expect(await assume(breakGlass, "prod", "333333333333", mfa)).toBe("Allowed");
    expect(await assume(breakGlass, "prod", "333333333333", { ...mfa, "aws:MultiFactorAuthPresent": "false" })).not.toBe("Allowed");
  });

  it("keeps out the environment account's own principals and the tooling account's others", async () => {
    expect(await assume(principalAllowedEverything("arn:aws:iam::333333333333:role/OrganizationAccountAccessRole", ["sts:AssumeRole"]), "prod", "333333333333")).not.toBe("Allowed");
    expect(await assume(principalAllowedEverything("arn:aws:iam::111111111111:role/platform-admins", ["sts:AssumeRole"]), "prod", "333333333333")).not.toBe("Allowed");
    expect(() => model.role("222222222222", "platform-dev-operator")).toThrow(/0 roles named platform-dev-operator/);
  });
});

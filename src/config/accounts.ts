import type { BackendConfig } from "./backend-schema";

/**
 * Environments in accounts of their own. The state bucket (and the pipeline) live in the state
 * account; an environment in another account is deployed by two roles of its own in that account,
 * created by its `account-<id>` stack: `<project>-<env>-deploy-plan` and `-deploy-apply`. The state
 * bucket's policy and the state key's policy admit exactly those two roles, each to its own
 * environment's key prefix, so no other principal of that account, and no other environment
 * sharing the account, can read or lock that environment's state.
 */
export interface CrossAccountDeployment {
  readonly stateAccountId: string;
  readonly accountId: string;
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
  /** Who besides the pipeline may assume the deploy roles: IAM role or user ARNs of people. */
  readonly deployers: readonly string[];
}

/** Every region the platform accepts is a commercial one (aws-regions.ts). */
export const PARTITION = "aws";

export function deployRoleName(project: string, environment: string, kind: "plan" | "apply"): string {
  return `${project}-${environment}-deploy-${kind}`;
}

export function deployRoleArn(accountId: string, project: string, environment: string, kind: "plan" | "apply"): string {
  return `arn:${PARTITION}:iam::${accountId}:role/${deployRoleName(project, environment, kind)}`;
}

/** The stack of one target account's deploy roles and boundary: `account-<account id>`. */
export function accountStackName(accountId: string): string {
  return `account-${accountId}`;
}

/** The role an administrator applies an `account-<id>` stack through: AWS Organizations creates this one in member accounts. */
export const DEFAULT_ACCOUNT_ADMIN_ROLE = "OrganizationAccountAccessRole";

interface EnvironmentAccount {
  readonly name: string;
  readonly accountId?: string;
  readonly deployers?: readonly string[];
}

/**
 * The deployment of an environment outside the state account, or undefined when it shares the
 * state account (or no accounts are named): then nothing changes from the single-account layout.
 */
export function crossAccountDeployment(project: string, state: BackendConfig["state"], environment: EnvironmentAccount): CrossAccountDeployment | undefined {
  if (!state.accountId || !environment.accountId || environment.accountId === state.accountId) return undefined;
  return {
    stateAccountId: state.accountId,
    accountId: environment.accountId,
    planRoleArn: deployRoleArn(environment.accountId, project, environment.name, "plan"),
    applyRoleArn: deployRoleArn(environment.accountId, project, environment.name, "apply"),
    deployers: environment.deployers ?? [],
  };
}

/**
 * What cannot work across accounts, as problems naming the file, the field and the fix. Checked
 * before anything is synthesized.
 */
export function accountLayoutProblems(
  config: Pick<BackendConfig, "state" | "environments">,
  environments: readonly (EnvironmentAccount & { readonly file: string })[],
  backendFile: string,
): string[] {
  const problems: string[] = [];
  const { state } = config;
  const named = environments.filter((environment) => environment.accountId);
  const accounts = [...new Set(named.map((environment) => environment.accountId))];
  if (!state.accountId && accounts.length > 1) {
    problems.push(
      `${backendFile}: state.accountId: missing; the environments run in ${accounts.length} accounts (${named.map((e) => `${e.name}: ${e.accountId}`).join(", ")}): name the account that holds the state bucket and the pipeline, so the others get deploy roles and the bucket admits them`,
    );
  }
  for (const environment of environments) {
    const crossing = Boolean(state.accountId && environment.accountId && environment.accountId !== state.accountId);
    if (!crossing) {
      if ((environment.deployers ?? []).length > 0) {
        problems.push(
          `${environment.file}: deployers: only an environment outside the state account${state.accountId ? ` (${state.accountId})` : ""} gets deploy roles to trust; set its accountId to another account, or remove deployers`,
        );
      }
      continue;
    }
    const backend = config.environments[environment.name];
    if (!backend || backend.type !== "s3") continue;
    const where = `${backendFile}: environments.${environment.name}`;
    const why = `${environment.name} runs in account ${environment.accountId}, outside the state account ${state.accountId}`;
    if (backend.bucket !== state.bucket || backend.region !== state.region) {
      problems.push(
        `${where}.bucket: ${why}; only the bootstrap bucket "${state.bucket}" (${state.region}) admits another account's deploy roles: use it and its region`,
      );
    }
    if (backend.lockTable !== undefined) {
      problems.push(
        `${where}.lockTable: ${why}; the S3 backend looks its DynamoDB table up in the caller's account, so it cannot lock in the state account: remove lockTable and set "useLockfile": true (S3 native locking)`,
      );
    } else if (!backend.useLockfile) {
      problems.push(`${where}.useLockfile: ${why}; it locks with S3 native lock files: set "useLockfile": true`);
    }
    if (backend.kmsKeyId !== undefined) {
      problems.push(
        `${where}.kmsKeyId: ${why}; its state is encrypted by the bootstrap bucket's default encryption with the state key, whose policy admits its deploy roles (an alias here would resolve in the caller's account): remove kmsKeyId`,
      );
    }
  }
  return problems;
}

import { runSimulation } from "@cloud-copilot/iam-simulate";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PolicyDocument } from "../../constraints/constraint";
import type { SynthesizedStack } from "../../support/every-stack";
import { REPOSITORY_ROOT } from "../../support/project";
import { synthesizeStacks, type StackJson } from "../../support/synth";
import { ACCOUNT as PLACEHOLDER_ACCOUNT, AccountModel, type RoleModel } from "./account-model";
import { type Decision, explain, type Request } from "./simulate";

/**
 * The multi-account example (environments/examples/multi-account) as its three accounts see it once
 * applied: each stack's `${data.aws_caller_identity…}`, `${data.aws_partition…}` and
 * `${data.aws_region…}` resolved to the account its provider is pinned to (`allowed_account_ids`)
 * and that provider's region, so that a policy written in account 222222222222 names that account,
 * and a request crossing accounts is evaluated as AWS does: the caller's identity policies and
 * boundary in its account, and the resource's policy in the resource's account, must both allow.
 */

type Json = Record<string, any>;

export const MULTI_ACCOUNT_EXAMPLE = join("environments", "examples", "multi-account");

/** A copy of the example configuration, synthesized by the real entry point; throws with synthesis's stderr when it fails. */
export function synthesizeMultiAccountExample(): { configDir: string; stacks: SynthesizedStack[] } {
  const configDir = join(mkdtempSync(join(tmpdir(), "platform-multi-account-")), "config");
  cpSync(join(REPOSITORY_ROOT, MULTI_ACCOUNT_EXAMPLE), configDir, { recursive: true });
  const stacks = [...synthesizeStacks(configDir)].map(([name, json]) => ({ name, json }));
  return { configDir, stacks };
}

function defaultProvider(stack: { name: string; json: StackJson }): Json {
  const provider = [stack.json.provider?.aws ?? []].flat().find((candidate: Json) => !candidate.alias);
  if (!provider) throw new Error(`${stack.name}: no default aws provider`);
  return provider;
}

/** The account a stack deploys into: its default provider's single `allowed_account_ids` entry. */
export function accountOfStack(stack: { name: string; json: StackJson }): string {
  const accounts: string[] = defaultProvider(stack).allowed_account_ids ?? [];
  if (accounts.length !== 1) throw new Error(`${stack.name}: the default aws provider allows ${accounts.length} accounts (${accounts.join(", ")}); expected exactly one`);
  return accounts[0];
}

const ACCOUNT_DATA = /data\.(aws_caller_identity|aws_partition|aws_region)\.([A-Za-z0-9_-]+)\.([a-z_]+)/g;

/** `stack` with every account, partition and region data source reference replaced by what AWS returns in `accountId`. */
function pinnedToAccount(stack: SynthesizedStack, accountId: string): SynthesizedStack {
  const regionOf = (dataName: string): string => {
    const body: Json | undefined = stack.json.data?.aws_region?.[dataName];
    if (!body) throw new Error(`${stack.name}: no data.aws_region.${dataName}`);
    const alias = typeof body.provider === "string" ? body.provider.replace(/^aws\./, "") : undefined;
    const provider = [stack.json.provider?.aws ?? []].flat().find((candidate: Json) => (alias ? candidate.alias === alias : !candidate.alias));
    if (typeof provider?.region !== "string") throw new Error(`${stack.name}: no region for data.aws_region.${dataName}`);
    return provider.region;
  };
  const value = (type: string, dataName: string, attribute: string): string => {
    if (type === "aws_caller_identity" && attribute === "account_id") return accountId;
    if (type === "aws_partition" && attribute === "partition") return "aws";
    if (type === "aws_partition" && attribute === "dns_suffix") return "amazonaws.com";
    if (type === "aws_region" && (attribute === "region" || attribute === "name")) return regionOf(dataName);
    throw new Error(`${stack.name}: data.${type}.${dataName}.${attribute} is not modelled`);
  };
  const pin = (text: string) =>
    text.replace(/\$\{([^{}]+)\}/g, (whole, expression: string) => {
      const single = new RegExp(`^${ACCOUNT_DATA.source}$`).exec(expression.trim());
      if (single) return value(single[1], single[2], single[3]);
      // Inside a larger expression the value becomes a string literal of it.
      const rewritten = expression.replace(ACCOUNT_DATA, (_match, type: string, dataName: string, attribute: string) => JSON.stringify(value(type, dataName, attribute)));
      return rewritten === expression ? whole : `\${${rewritten}}`;
    });
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return pin(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item)]));
    return node;
  };
  return { ...stack, json: walk(stack.json) as StackJson };
}

/** Someone making requests: a role of one of the stacks, or a principal the test describes with the policies it grants itself. */
export interface Principal {
  readonly arn: string;
  readonly account: string;
  readonly identityPolicies: { name: string; policy: PolicyDocument }[];
  readonly boundary?: { name: string; policy: PolicyDocument };
}

/** A request on a resource in a given account, against the resource's own policy (none: only same-account identity policies can allow). */
export interface CrossAccountRequest extends Request {
  readonly resourceAccount: string;
  readonly resourcePolicy?: PolicyDocument;
}

export class CrossAccountModel {
  private readonly models = new Map<string, AccountModel>();

  constructor(stacks: readonly SynthesizedStack[]) {
    const byAccount = new Map<string, SynthesizedStack[]>();
    for (const stack of stacks) {
      const accountId = accountOfStack(stack);
      byAccount.set(accountId, [...(byAccount.get(accountId) ?? []), pinnedToAccount(stack, accountId)]);
    }
    for (const [accountId, accountStacks] of byAccount) this.models.set(accountId, new AccountModel(accountStacks));
  }

  accounts(): string[] {
    return [...this.models.keys()];
  }

  private model(accountId: string): AccountModel {
    const model = this.models.get(accountId);
    if (!model) throw new Error(`no stack deploys into account ${accountId} (accounts: ${this.accounts().join(", ")})`);
    return model;
  }

  /*
   * The single-account model names the ARNs it builds for resources (roles, policies, keys) in its
   * example account; here each model holds one account's stacks only, so those ARNs belong to that
   * account. Literal ARNs of other accounts (the deploy roles in the state bucket's policy) are
   * left as written.
   */
  private inAccount<T>(accountId: string, value: T): T {
    return JSON.parse(JSON.stringify(value).split(`:${PLACEHOLDER_ACCOUNT}:`).join(`:${accountId}:`)) as T;
  }

  role(accountId: string, name: string): RoleModel {
    return this.inAccount(accountId, this.model(accountId).role(name));
  }

  /** The policy of an S3 bucket whose stack deploys into `accountId`. */
  bucketPolicy(accountId: string, bucket: string): PolicyDocument {
    const policy = this.model(accountId).resourcePolicy(`arn:aws:s3:::${bucket}`);
    if (!policy) throw new Error(`account ${accountId} has no policy on bucket ${bucket}`);
    return this.inAccount(accountId, policy);
  }

  /**
   * The KMS key of `stackName` whose alias is `alias`: its ARN in that account, its key policy and
   * its aliases. `knownArn`: the ARN the configuration gives the key once it exists (the state key's
   * `state.kmsKeyArn`), which the other stacks name literally.
   */
  key(accountId: string, stackName: string, alias: string, knownArn?: string): { arn: string; policy: PolicyDocument; aliases: string[] } {
    const model = this.model(accountId);
    const stack = model.stack(stackName);
    const keyName = Object.entries<Json>(stack.json.resource?.aws_kms_alias ?? {})
      .map(([, body]) => body)
      .filter((body) => model.resolve(stack, body.name) === alias)
      .map((body) => /^\$\{aws_kms_key\.([^.]+)\.key_id\}$/.exec(body.target_key_id)?.[1])[0];
    if (!keyName) throw new Error(`${stackName}: no key with alias ${alias}`);
    const placeholderArn: string = model.resolve(stack, `\${aws_kms_key.${keyName}.arn}`);
    const policy = model.resourcePolicy(placeholderArn);
    if (!policy) throw new Error(`${stackName}: key ${alias} has no policy`);
    return { arn: knownArn ?? this.inAccount(accountId, placeholderArn), policy: this.inAccount(accountId, policy), aliases: model.keyAliases(placeholderArn) };
  }
}

/** A principal of `account` that grants itself `actions` on everything: what stops it must be the other side. */
export function principalAllowedEverything(arn: string, actions: string[]): Principal {
  const account = /^arn:aws:iam::(\d{12}):/.exec(arn)?.[1];
  if (!account) throw new Error(`not an IAM ARN: ${arn}`);
  return {
    arn,
    account,
    identityPolicies: [{ name: `inline allow ${actions.join(",")}`, policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] } as PolicyDocument }],
  };
}

export function principalOf(role: RoleModel, accountId: string): Principal {
  return { arn: role.arn, account: accountId, identityPolicies: role.identityPolicies, boundary: role.boundary };
}

/**
 * What IAM decides for `principal` making `request`: its identity policies and boundary, and the
 * resource's policy, with the context AWS adds by itself (the caller's ARN and account; for KMS,
 * the calling account and the key's aliases).
 */
export async function decide(principal: Principal, request: CrossAccountRequest, keyAliases: string[] = []): Promise<Decision> {
  const context: Record<string, string | string[]> = {
    "aws:PrincipalArn": principal.arn,
    "aws:PrincipalAccount": principal.account,
    "aws:ResourceAccount": request.resourceAccount,
    "aws:SecureTransport": "true",
    ...(request.action.startsWith("kms:") ? { "kms:CallerAccount": principal.account, ...(keyAliases.length > 0 ? { "kms:ResourceAliases": keyAliases } : {}) } : {}),
    ...request.context,
  };
  const response: any = await runSimulation(
    {
      request: { principal: principal.arn, action: request.action, resource: { resource: request.resource, accountId: request.resourceAccount }, contextVariables: context },
      identityPolicies: principal.identityPolicies,
      permissionBoundaryPolicies: principal.boundary ? [principal.boundary] : undefined,
      resourcePolicy: request.resourcePolicy,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    } as never,
    {},
  );
  return { outcome: response.resultType === "error" ? "SimulationError" : response.overallResult, because: explain(response) };
}

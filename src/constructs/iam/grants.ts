import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";

/** One condition of a grant, as in `aws_iam_policy_document` (`{ test: "StringEquals", variable, values }`). */
export interface GrantCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: string[];
}

/** One `Allow` statement. `sid` must be letters and digits; it names the grant in the rendered policy. */
export interface GrantStatement {
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly condition?: GrantCondition[];
}

/**
 * Whatever can be granted access: a function's role, later an ECS task role. Resources grant
 * themselves to it (`queue.grantConsume(worker)`), so a reader sees who may do what in one line.
 */
export interface Grantee {
  addToPrincipalPolicy(statement: GrantStatement): void;
}

/**
 * The customer-managed key a resource is encrypted with, and the service that uses it on the
 * grantee's behalf. Without `keyArn` (the environment turned `features.kmsKey` off) the resource
 * uses an AWS-managed key that needs no grant.
 */
export interface KeyUse {
  readonly keyArn?: string;
  /** The service's endpoint prefix (`sqs`, `secretsmanager`, `ssm`, `s3`, `dynamodb`). */
  readonly service: string;
  /** Writers also generate data keys (`kms:GenerateDataKey`); readers only decrypt. */
  readonly write?: boolean;
}

/** `sid("consume", "work-queue")` -> `ConsumeWorkQueue`: IAM accepts only letters and digits. */
export function sid(...parts: string[]): string {
  const words = parts.flatMap((part) => part.split(/[^A-Za-z0-9]+/)).filter((word) => word.length > 0);
  const result = words.map((word) => word[0].toUpperCase() + word.slice(1)).join("");
  if (result.length === 0) throw new Error(`sid: no letters or digits in ${JSON.stringify(parts)}`);
  return result;
}

/**
 * The key may be used only through the named service (`sqs.*` matches `sqs.<region>.amazonaws.com`
 * in every partition): the role can read the queue's messages but cannot decrypt arbitrary
 * ciphertext with the environment's key. The workload boundary demands a `kms:ViaService` anyway.
 */
export function keyStatement(statementSid: string, key: KeyUse & { readonly keyArn: string }): GrantStatement {
  return {
    sid: statementSid,
    actions: key.write ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
    resources: [key.keyArn],
    condition: [{ test: "StringLike", variable: "kms:ViaService", values: [`${key.service}.*`] }],
  };
}

/** Adds `statement`, plus a `<sid>Key` statement for the key when the resource has one. */
export function grant(grantee: Grantee, statement: GrantStatement, key?: KeyUse): void {
  grantee.addToPrincipalPolicy(statement);
  if (key?.keyArn) grantee.addToPrincipalPolicy(keyStatement(`${statement.sid}Key`, { ...key, keyArn: key.keyArn }));
}

export interface RoleGrantsProps {
  /** The role the inline policy is put on (its name; `aws_iam_role.name` or `.id`). */
  readonly roleName: string;
  /** The inline policy's name within the role. Default `"grants"`. */
  readonly policyName?: string;
  /** Statements the role always needs (its own logs, say); grants add to them. */
  readonly statements?: GrantStatement[];
}

/**
 * Every grant to one role, in ONE inline policy (`aws_iam_role_policy`) rendered from an
 * `aws_iam_policy_document`: grants made anywhere in the app before synthesis end up in the same
 * document. Granting the same thing twice is harmless; two different grants under one sid get
 * numbered (`ConsumeWorkQueue`, `ConsumeWorkQueue2`) instead of silently replacing each other.
 */
export class RoleGrants extends Construct implements Grantee {
  readonly document: DataAwsIamPolicyDocument;
  readonly policy: IamRolePolicy;
  private readonly added: GrantStatement[] = [];

  constructor(scope: Construct, id: string, props: RoleGrantsProps) {
    super(scope, id);
    this.document = new DataAwsIamPolicyDocument(this, "document", { statement: [] });
    this.policy = new IamRolePolicy(this, "policy", {
      name: props.policyName ?? "grants",
      role: props.roleName,
      policy: this.document.json,
    });
    for (const statement of props.statements ?? []) this.addToPrincipalPolicy(statement);
    // IAM refuses a policy without statements; say so at synthesis instead of at apply time.
    this.node.addValidation({
      validate: () => (this.added.length === 0 ? [`RoleGrants ${this.node.path}: the inline policy grants nothing; grant something or drop it`] : []),
    });
  }

  /** What the policy holds so far, in the order granted. */
  get statements(): readonly GrantStatement[] {
    return [...this.added];
  }

  addToPrincipalPolicy(statement: GrantStatement): void {
    if (!/^[A-Za-z0-9]+$/.test(statement.sid)) throw new Error(`Grant sid "${statement.sid}" must be letters and digits only`);
    if (statement.actions.length === 0 || statement.resources.length === 0) throw new Error(`Grant ${statement.sid} needs at least one action and one resource`);
    const same = (a: GrantStatement, b: GrantStatement) => canonical(a) === canonical(b);
    let candidate = statement;
    for (let n = 2; ; n++) {
      const holder = this.added.find((existing) => existing.sid === candidate.sid);
      if (!holder) break;
      if (same(holder, candidate)) return;
      candidate = { ...statement, sid: `${statement.sid}${n}` };
    }
    this.added.push(candidate);
    this.document.putStatement(this.added.map(toDocumentStatement));
  }
}

function canonical(statement: GrantStatement): string {
  return JSON.stringify([statement.actions, statement.resources, statement.condition ?? []]);
}

function toDocumentStatement(statement: GrantStatement): DataAwsIamPolicyDocumentStatement {
  return {
    sid: statement.sid,
    effect: "Allow",
    actions: statement.actions,
    resources: statement.resources,
    condition: statement.condition?.map((condition) => ({ test: condition.test, variable: condition.variable, values: condition.values })),
  };
}

import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import { type Grantee, grant, sid } from "../iam/grants";

export interface AppSecretsProps {
  readonly naming: Naming;
  /** `prevent_destroy` and a 30-day recovery window; else the secret is deleted at once. */
  readonly protectData: boolean;
  /** Encrypts the secret. Default: the AWS-managed `aws/secretsmanager` key. */
  readonly kmsKeyArn?: string;
  /** Raise it to store a freshly generated value (a new secret version). Default 1. */
  readonly valueVersion?: number;
}

/**
 * The application's own secret: `{"SECRET_KEY": ...}` (Django's signing key), generated so nobody
 * ever types or sees it, and kept out of Terraform state: the password is an ephemeral
 * `random_password` (a new value on every run, never stored) handed to the secret version's
 * write-only `secret_string_wo`, which Terraform sends once when the version is created and never
 * records. Secrets Manager is the only place the value lives.
 *
 * Roll the key by raising `valueVersion` (the version is recreated with a fresh password); that
 * signs out every session and invalidates outstanding signed links.
 *
 * Needs Terraform 1.11+ or OpenTofu 1.11+ (ephemeral resources and write-only arguments) and the
 * random provider 3.7+ in the stack (`RandomProvider` from `@cdktf/provider-random/lib/provider`).
 */
export class AppSecrets extends Construct {
  readonly secret: SecretsmanagerSecret;
  /** `<project>-<env>/app`, inside the `secret:<project>-<env>/*` scope of the workload boundary. */
  readonly secretName: string;
  readonly secretArn: string;
  /** The key the secret is encrypted with; absent with `aws/secretsmanager`. */
  readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    const { naming, protectData, kmsKeyArn } = props;
    // Secrets Manager names cannot start with "/", so no `naming.path` here.
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: `${naming.prefix}/app`,
      description: `Application secrets of ${naming.prefix} (SECRET_KEY)`,
      kmsKeyId: kmsKeyArn,
      recoveryWindowInDays: protectData ? 30 : 0,
      lifecycle: { preventDestroy: protectData },
    });
    const secretKey = ephemeralPassword(this, "secret_key", {
      length: 64,
      special: true,
      // No quotes, backslashes or `$`: the value survives .env files, shells and JSON unescaped.
      override_special: "!#%&*()-_=+[]{}<>:?",
      min_special: 4,
      min_upper: 4,
      min_lower: 4,
      min_numeric: 4,
    });
    new SecretsmanagerSecretVersion(this, "value", {
      secretId: this.secret.id,
      secretStringWo: `\${jsonencode({ SECRET_KEY = ${secretKey}.result })}`,
      secretStringWoVersion: props.valueVersion ?? 1,
    });
    this.secretName = this.secret.name;
    this.secretArn = this.secret.arn;
    this.kmsKeyArn = kmsKeyArn;
  }

  /** Read the secret's value at run time (not list, not write). */
  grantRead(grantee: Grantee): void {
    grant(
      grantee,
      { sid: sid("read", this.node.id), actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], resources: [this.secretArn] },
      { keyArn: this.kmsKeyArn, service: "secretsmanager" },
    );
  }
}

/**
 * An `ephemeral "random_password"` block, which cdktf 0.21 cannot express, written into the stack
 * as raw Terraform JSON. Returns its address (`ephemeral.random_password.<name>`), usable only in
 * write-only arguments and other ephemeral contexts.
 */
function ephemeralPassword(scope: Construct, purpose: string, settings: Record<string, string | number | boolean>): string {
  const stack = TerraformStack.of(scope);
  const withinStack = scope.node.scopes.slice(scope.node.scopes.indexOf(stack) + 1).map((construct) => construct.node.id);
  const name = [...withinStack, purpose].join("_").replace(/[^A-Za-z0-9_-]/g, "_");
  stack.addOverride(`ephemeral.random_password.${name}`, settings);
  return `ephemeral.random_password.${name}`;
}

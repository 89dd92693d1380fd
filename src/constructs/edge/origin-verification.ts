import { CloudfrontKeyValueStore } from "@cdktf/provider-aws/lib/cloudfront-key-value-store";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { NODE_RUNTIME, PlatformFunction } from "../compute/platform-function";
import { type Grantee, grant, sid } from "../iam/grants";
import { OriginHeaderFunction, ORIGIN_VERIFY_KEY } from "./origin-header-function";
import { originRotationAsset } from "./origin-rotation-bundle";

/** Days between rotations. Two values stay valid across each one (AWSCURRENT and AWSPREVIOUS). */
export const ORIGIN_ROTATION_DAYS = 30;

export interface OriginVerificationProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** `prevent_destroy` and the app secret's 30-day recovery window; else deleted at once. */
  readonly protectData: boolean;
  /** The environment key: the secret, the rotation function's logs and variables. */
  readonly kmsKeyArn?: string;
  /**
   * The rotation function's permissions boundary. The environment's service boundary: the function
   * writes a secret version and a CloudFront key, which the workload boundary (read-only secrets, no
   * CloudFront) rightly never allows an app role; changing that boundary would need an administrator.
   */
  readonly boundaryArn: string;
}

/**
 * Proof that a request to the API came through this environment's CloudFront distribution: a
 * secret header value CloudFront adds on `/api/*` and the API checks before the app runs.
 *
 * - the secret `<prefix>/origin-verification`, whose value Terraform never writes (no secret version
 *   resource, so no value in state or in the synthesized JSON): the rotation function creates every
 *   value, the first one right after apply (`rotate_immediately`, the provider's default, said here);
 * - a CloudFront KeyValueStore `<prefix>-origin` holding the value CloudFront sends, which the
 *   viewer-request function (`headerFunction`) reads at the edge;
 * - the rotation function (Node.js 22, arm64, outside the VPC: it calls Secrets Manager and the
 *   KeyValueStore's global endpoint and holds no data), invoked only by Secrets Manager for this secret.
 */
export class OriginVerification extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly secretArn: string;
  readonly keyValueStore: CloudfrontKeyValueStore;
  readonly headerFunction: OriginHeaderFunction;
  readonly rotationFunction: PlatformFunction;
  readonly rotation: SecretsmanagerSecretRotation;
  private readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: OriginVerificationProps) {
    super(scope, id);
    const { naming, account, kmsKeyArn } = props;
    this.kmsKeyArn = kmsKeyArn;

    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: `${naming.prefix}/origin-verification`,
      description: `The header value CloudFront adds to ${naming.prefix}'s API requests (rotated)`,
      kmsKeyId: kmsKeyArn,
      recoveryWindowInDays: props.protectData ? 30 : 0,
      lifecycle: { preventDestroy: props.protectData },
    });
    this.secretArn = this.secret.arn;

    this.keyValueStore = new CloudfrontKeyValueStore(this, "key-value-store", {
      name: naming.name("origin"),
      comment: `The header value CloudFront adds to ${naming.prefix}'s API requests`,
    });
    this.headerFunction = new OriginHeaderFunction(this, "header-function", { naming, keyValueStoreArn: this.keyValueStore.arn });

    const code = originRotationAsset(this, "code");
    this.rotationFunction = new PlatformFunction(this, "rotator", {
      naming,
      account,
      name: "origin-rotation",
      // No `-function` suffix: that marks workload roles, which carry the workload boundary; this one carries the service boundary.
      roleName: naming.name("origin-rotation"),
      description: "Rotates the origin header secret into CloudFront's key value store",
      code: { kind: "zip", runtime: NODE_RUNTIME, asset: code, handler: "index.handler" },
      memoryMb: 256,
      timeoutSeconds: 60,
      environment: { ORIGIN_KVS_ARN: this.keyValueStore.arn, ORIGIN_KVS_KEY: ORIGIN_VERIFY_KEY },
      kmsKeyArn,
      boundaryArn: props.boundaryArn,
    });
    this.rotationFunction.addToPrincipalPolicy({ sid: "RandomValues", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] });
    this.rotationFunction.addToPrincipalPolicy({
      sid: "PublishTheHeaderValue",
      actions: ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:GetKey", "cloudfront-keyvaluestore:PutKey"],
      resources: [this.keyValueStore.arn],
    });
    grant(
      this.rotationFunction,
      {
        sid: "RotateTheOriginSecret",
        actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
        resources: [this.secretArn],
      },
      { keyArn: kmsKeyArn, service: "secretsmanager", write: true },
    );

    const permission = new LambdaPermission(this, "invoked-by-secrets-manager", {
      statementId: "SecretsManagerRotatesTheOriginSecret",
      action: "lambda:InvokeFunction",
      functionName: this.rotationFunction.functionName,
      principal: "secretsmanager.amazonaws.com",
      sourceArn: this.secretArn,
    });

    this.rotation = new SecretsmanagerSecretRotation(this, "rotation", {
      secretId: this.secret.id,
      rotationLambdaArn: this.rotationFunction.functionArn,
      rotationRules: { automaticallyAfterDays: ORIGIN_ROTATION_DAYS },
      // The provider's default, stated: the first value must exist right after apply, or CloudFront
      // has no header to send (its function answers 503 until it does).
      rotateImmediately: true,
      dependsOn: [permission, this.headerFunction.function],
    });
  }

  /** Read every stage of the secret (the API's origin check), nothing else. */
  grantVerify(grantee: Grantee): void {
    grant(
      grantee,
      { sid: sid("verify", this.node.id), actions: ["secretsmanager:GetSecretValue"], resources: [this.secretArn] },
      { keyArn: this.kmsKeyArn, service: "secretsmanager" },
    );
  }
}

import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LambdaFunction, type LambdaFunctionConfig } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaLayerVersion } from "@cdktf/provider-aws/lib/lambda-layer-version";
import type { TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { type GrantStatement, type Grantee, grant, RoleGrants } from "../iam/grants";
import { assumedBy } from "../iam/assumed-by";

/** The managed Node.js runtime of the TypeScript handlers' zips and their shared layer. */
export const NODE_RUNTIME = "nodejs22.x";
/** Graviton: about 20 % cheaper per GB-second than x86_64. Images must be built for arm64 too. */
export const ARCHITECTURE = "arm64";

const MEMORY_MB = { min: 128, max: 10_240 } as const;
const TIMEOUT_SECONDS = { min: 1, max: 900 } as const;
/** Lambda sets these itself and refuses them in a function's configuration. */
const RESERVED_VARIABLES = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
]);

/** Code bundled from this repository: a zip asset run by a managed runtime. */
export interface ZipCode {
  readonly kind: "zip";
  /** The managed runtime: `python3.13` (the Python app) or `nodejs22.x` (the TypeScript handlers). */
  readonly runtime: string;
  /** An `AssetType.ARCHIVE` asset (or a `.zip` file asset) holding the handler's bundle. */
  readonly asset: TerraformAsset;
  /** `<module>.<function>`: `index.handler` in Node.js, `platform_app.lambda_api.handler` in Python. */
  readonly handler: string;
  /** Layer version ARNs, e.g. the shared dependencies layer (`LambdaLayer.arn`). At most 5. */
  readonly layerArns?: string[];
}

/** A container image from ECR (built for arm64). */
export interface ImageCode {
  readonly kind: "image";
  /** `<repository url>:<tag>` or `<repository url>@sha256:<digest>`. */
  readonly imageUri: string;
  /** Overrides the image's CMD, so one image can serve several functions. Default: the image's CMD. */
  readonly command?: string[];
}

export type FunctionCode = ZipCode | ImageCode;

export type ApplicationLogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

export interface PlatformFunctionProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** The function's part of the name: `api` gives the function `platform-dev-api` and the log group `/aws/lambda/platform-dev-api`. */
  readonly name: string;
  readonly code: FunctionCode;
  /** 128-10240 MB; CPU grows with it. */
  readonly memoryMb: number;
  /** 1-900 seconds. */
  readonly timeoutSeconds: number;
  /** Caps (and reserves) concurrent executions, e.g. so the API cannot exhaust database connections. Default: unreserved. */
  readonly reservedConcurrency?: number;
  /**
   * Plain configuration: names, endpoints, ARNs of secrets, never secret values (those are read from
   * Secrets Manager at run time, after `secrets.grantRead(fn)`). Default: none.
   */
  readonly environment?: Record<string, string>;
  /**
   * Private subnets and the app security group: the function reaches the database and cache from
   * there. `ipv6AllowedForDualStack`: outbound IPv6 from dual-stack subnets (the IPv6-egress network
   * mode). Omitted only for a function that reaches nothing in the VPC (the origin secret's
   * rotation): it then runs in Lambda's own network.
   */
  readonly vpc?: { readonly subnetIds: string[]; readonly securityGroupIds: string[]; readonly ipv6AllowedForDualStack?: boolean };
  /** Encrypts the log group and the environment variables. Default: AWS-managed keys. */
  readonly kmsKeyArn?: string;
  /** The core layer's `workloadBoundaryArn`: caps whatever the function is ever granted. */
  readonly boundaryArn: string;
  /**
   * The core layer's `workloadBasePolicyArn`: network interfaces and X-Ray. Required with `vpc`;
   * without it the role gets only X-Ray's two actions, inline.
   */
  readonly basePolicyArn?: string;
  /**
   * The role's name. Default `<prefix>-<name>-function`, the mark of a workload role, whose
   * boundary is the workload boundary; a role under another boundary (the service boundary) takes a
   * name without that mark.
   */
  readonly roleName?: string;
  readonly description?: string;
  /** Application log level Lambda lets through (JSON logs only). Default `INFO`. */
  readonly applicationLogLevel?: ApplicationLogLevel;
  /**
   * Where Lambda sends events of asynchronous invocations (schedules) that failed all retries.
   * Synchronous callers (the API) and SQS event sources (the queue's own redrive) need none.
   * Default: none.
   */
  readonly deadLetterQueue?: { readonly arn: string; readonly kmsKeyArn?: string };
}

/**
 * One Lambda function with everything it needs to run and be observed: its own role (trusted by
 * Lambda in this account only, capped by the workload permissions boundary, with the base policy
 * for network interfaces and X-Ray), its own KMS-encrypted log group created before the function
 * so Lambda never creates an unencrypted, never-expiring one itself, JSON logs, active tracing,
 * arm64, and VPC attachment (all but the origin secret's rotation). Resources grant access to it (`queue.grantConsume(fn)`); all grants
 * land in one inline policy on its role.
 */
export class PlatformFunction extends Construct implements Grantee {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly grants: RoleGrants;
  readonly functionName: string;
  readonly functionArn: string;
  /** For API Gateway integrations. */
  readonly invokeArn: string;
  readonly roleArn: string;
  readonly roleName: string;
  readonly logGroupName: string;
  readonly logGroupArn: string;
  readonly timeoutSeconds: number;

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id);
    validate(props);
    const { naming, account, code } = props;
    const functionName = naming.name(props.name);
    this.timeoutSeconds = props.timeoutSeconds;

    const trust = assumedBy(this, "trust", account, "lambda");
    this.role = new IamRole(this, "role", {
      name: props.roleName ?? naming.name(props.name, "function"),
      description: `Execution role of the ${functionName} function`,
      assumeRolePolicy: trust,
      permissionsBoundary: props.boundaryArn,
    });
    const basePolicy = props.basePolicyArn
      ? new IamRolePolicyAttachment(this, "base-policy", { role: this.role.name, policyArn: props.basePolicyArn })
      : undefined;

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${functionName}`,
      kmsKeyId: props.kmsKeyArn,
    });

    // The base policy has no log permissions: each function may write only to its own group.
    const writeOwnLogs: GrantStatement = {
      sid: "WriteOwnLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`${this.logGroup.arn}:*`],
    };
    // What the base policy would give a function outside the VPC: X-Ray, whose actions take no resource.
    const trace: GrantStatement = { sid: "Trace", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] };
    this.grants = new RoleGrants(this, "grants", { roleName: this.role.name, statements: basePolicy ? [writeOwnLogs] : [writeOwnLogs, trace] });
    if (props.deadLetterQueue) {
      // Lambda sends failed asynchronous events with the function's own role.
      grant(
        this,
        { sid: "SendFailedEvents", actions: ["sqs:SendMessage"], resources: [props.deadLetterQueue.arn] },
        { keyArn: props.deadLetterQueue.kmsKeyArn, service: "sqs", write: true },
      );
    }

    const environment = props.environment ?? {};
    const hasVariables = Object.keys(environment).length > 0;
    const packaging: Partial<LambdaFunctionConfig> =
      code.kind === "zip"
        ? {
            packageType: "Zip",
            runtime: code.runtime,
            handler: code.handler,
            filename: code.asset.path,
            sourceCodeHash: code.asset.assetHash,
            layers: code.layerArns && code.layerArns.length > 0 ? code.layerArns : undefined,
          }
        : {
            packageType: "Image",
            imageUri: code.imageUri,
            imageConfig: code.command ? { command: code.command } : undefined,
          };

    this.function = new LambdaFunction(this, "function", {
      functionName,
      description: props.description,
      role: this.role.arn,
      ...packaging,
      architectures: [ARCHITECTURE],
      memorySize: props.memoryMb,
      timeout: props.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      // Lambda encrypts and decrypts the variables through a grant it creates on the key, so the
      // role itself needs no kms:Decrypt for them. Without variables Lambda keeps no key, and a key
      // in the configuration would show as a change on every plan.
      kmsKeyArn: hasVariables ? props.kmsKeyArn : undefined,
      environment: hasVariables ? { variables: environment } : undefined,
      vpcConfig: props.vpc
        ? {
            subnetIds: props.vpc.subnetIds,
            securityGroupIds: props.vpc.securityGroupIds,
            ipv6AllowedForDualStack: props.vpc.ipv6AllowedForDualStack ? true : undefined,
          }
        : undefined,
      tracingConfig: { mode: "Active" },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name, applicationLogLevel: props.applicationLogLevel ?? "INFO" },
      deadLetterConfig: props.deadLetterQueue ? { targetArn: props.deadLetterQueue.arn } : undefined,
      // Creating a VPC function checks that the role may create network interfaces (base policy)
      // and may send to its dead-letter queue (grants); the log group must exist before Lambda
      // would create its own, unencrypted and kept forever, on the first invocation.
      dependsOn: [this.logGroup, ...(basePolicy ? [basePolicy] : []), this.grants.policy],
      // An image function is rolled forward by the backend delivery pipeline (new digest, health
      // check); Terraform sets its first image and must not roll it back on the next apply.
      lifecycle: code.kind === "image" ? { ignoreChanges: ["image_uri"] } : undefined,
    });

    this.functionName = this.function.functionName;
    this.functionArn = this.function.arn;
    this.invokeArn = this.function.invokeArn;
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
    this.logGroupName = this.logGroup.name;
    this.logGroupArn = this.logGroup.arn;
  }

  addToPrincipalPolicy(statement: GrantStatement): void {
    this.grants.addToPrincipalPolicy(statement);
  }
}

function validate(props: PlatformFunctionProps): void {
  const problems: string[] = [];
  const wholeIn = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(props.name)) problems.push(`name must be lower-case letters, digits and "-" (got "${props.name}")`);
  // IAM role names stop at 64 characters (function names too, and they are shorter).
  else if ((props.roleName ?? props.naming.name(props.name, "function")).length > 64) problems.push(`name is too long: the role name ${props.roleName ?? props.naming.name(props.name, "function")} exceeds 64 characters`);
  if (!wholeIn(props.memoryMb, MEMORY_MB.min, MEMORY_MB.max)) problems.push(`memoryMb must be a whole number from ${MEMORY_MB.min} to ${MEMORY_MB.max} (got ${props.memoryMb})`);
  if (!wholeIn(props.timeoutSeconds, TIMEOUT_SECONDS.min, TIMEOUT_SECONDS.max)) problems.push(`timeoutSeconds must be a whole number from ${TIMEOUT_SECONDS.min} to ${TIMEOUT_SECONDS.max} (got ${props.timeoutSeconds})`);
  // 0 would make the function refuse every invocation.
  if (props.reservedConcurrency !== undefined && !wholeIn(props.reservedConcurrency, 1, 100_000)) problems.push(`reservedConcurrency must be a whole number of 1 or more (got ${props.reservedConcurrency})`);
  if (props.vpc && (props.vpc.subnetIds.length === 0 || props.vpc.securityGroupIds.length === 0)) problems.push("vpc needs at least one subnet and one security group");
  // Lambda checks at creation that a VPC function's role may manage network interfaces: the base policy's grant.
  if (props.vpc && !props.basePolicyArn) problems.push("a function in the VPC needs basePolicyArn (network interfaces)");
  if (props.code.kind === "zip" && (props.code.layerArns?.length ?? 0) > 5) problems.push("a function takes at most 5 layers");
  for (const key of Object.keys(props.environment ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) problems.push(`environment variable "${key}" must start with a letter and hold only letters, digits and "_"`);
    else if (RESERVED_VARIABLES.has(key)) problems.push(`environment variable "${key}" is reserved by Lambda`);
  }
  if (problems.length > 0) throw new Error(`PlatformFunction ${props.name}: ${problems.join("; ")}`);
}

export interface LambdaLayerProps {
  readonly naming: Naming;
  /** The layer's part of the name: `deps` gives `platform-dev-deps`. */
  readonly name: string;
  /** An archive with `nodejs/node_modules/...` (Node.js) or `python/...` (Python) inside, where Lambda looks in a layer. */
  readonly asset: TerraformAsset;
  /** The runtime the layer is built for (its compiled parts must match it). */
  readonly runtime: string;
  readonly description?: string;
}

/**
 * A layer version for zip functions (the shared dependencies), on arm64 like every function here. A new bundle creates a new version; functions move to it on the same apply.
 */
export class LambdaLayer extends Construct {
  readonly layer: LambdaLayerVersion;
  /** The layer version's ARN (with its version number), what `ZipCode.layerArns` takes. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: LambdaLayerProps) {
    super(scope, id);
    this.layer = new LambdaLayerVersion(this, "layer", {
      layerName: props.naming.name(props.name),
      description: props.description,
      filename: props.asset.path,
      sourceCodeHash: props.asset.assetHash,
      compatibleRuntimes: [props.runtime],
      compatibleArchitectures: [ARCHITECTURE],
    });
    this.arn = this.layer.arn;
  }
}

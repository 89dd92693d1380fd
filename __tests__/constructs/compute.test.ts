import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaLayerVersion } from "@cdktf/provider-aws/lib/lambda-layer-version";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { App, AssetType, TerraformAsset, TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { AccountContext } from "../../src/constructs/account/account-context";
import { ApiRoutes } from "../../src/constructs/compute/api-routes";
import { LambdaLayer, PlatformFunction, type PlatformFunctionProps } from "../../src/constructs/compute/platform-function";
import { ProducerSchedule, type ProducerScheduleProps } from "../../src/constructs/compute/producer-schedule";
import { QueueTrigger } from "../../src/constructs/compute/queue-trigger";
import { AppSecrets } from "../../src/constructs/data/app-secrets";
import { AppTable } from "../../src/constructs/data/app-table";
import { AuroraPostgres } from "../../src/constructs/data/aurora-postgres";
import { PublishedParameters } from "../../src/constructs/data/published-parameters";
import { MediaBucket } from "../../src/constructs/edge/media-bucket";
import { type GrantStatement, RoleGrants, sid } from "../../src/constructs/iam/grants";
import { WorkQueue } from "../../src/constructs/messaging/work-queue";
import { Naming } from "../../src/naming/naming";

const naming = new Naming("platform", "dev");
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000";
const BOUNDARY = "arn:aws:iam::123456789012:policy/platform-dev-workload-boundary";
const BASE_POLICY = "arn:aws:iam::123456789012:policy/platform-dev-workload-base";
const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-dev-api:v1.2.3";

type Json = Record<string, any>;
const parse = (synthesized: string): Json => JSON.parse(synthesized) as Json;
const resourcesOfType = (synthesized: string, type: string): [string, Json][] => Object.entries(parse(synthesized).resource?.[type] ?? {});
const onlyResource = (synthesized: string, type: string): [string, Json] => {
  const all = resourcesOfType(synthesized, type);
  expect(all).toHaveLength(1);
  return all[0];
};
/** The statements of the policy document whose logical id starts with `prefix` (`fn_grants_document`). */
function documentStatements(synthesized: string, prefix: string): Json[] {
  const documents = Object.entries<Json>(parse(synthesized).data?.aws_iam_policy_document ?? {}).filter(([name]) => name.startsWith(prefix));
  expect(documents).toHaveLength(1);
  return documents[0][1].statement as Json[];
}
const bySid = (statements: Json[], statementSid: string): Json | undefined => statements.find((statement) => statement.sid === statementSid);

const bundleDir = mkdtempSync(join(tmpdir(), "compute-bundle-"));
mkdirSync(join(bundleDir, "api"));
writeFileSync(join(bundleDir, "api", "index.js"), "exports.handler = async () => ({ statusCode: 200 });\n");

function zipCode(scope: Construct, layerArns?: string[]): PlatformFunctionProps["code"] {
  const asset = new TerraformAsset(scope, "bundle", { path: join(bundleDir, "api"), type: AssetType.ARCHIVE });
  return { kind: "zip", runtime: "nodejs22.x", asset, handler: "index.handler", layerArns };
}

function platformFunction(scope: Construct, overrides: Partial<PlatformFunctionProps> = {}, id = "fn"): PlatformFunction {
  return new PlatformFunction(scope, id, {
    naming,
    account: new AccountContext(scope, `${id}-account`),
    name: "api",
    code: { kind: "image", imageUri: IMAGE },
    memoryMb: 512,
    timeoutSeconds: 15,
    vpc: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-app"] },
    kmsKeyArn: KEY,
    boundaryArn: BOUNDARY,
    basePolicyArn: BASE_POLICY,
    ...overrides,
  });
}

describe("PlatformFunction", () => {
  const synthesized = Testing.synthScope((scope) => {
    platformFunction(scope, { code: zipCode(scope, ["arn:aws:lambda:eu-west-1:123456789012:layer:platform-dev-deps:3"]), environment: { PARAMETER_PATH: "/platform/dev" }, reservedConcurrency: 20 });
  });
  const [functionId, fn] = onlyResource(synthesized, "aws_lambda_function");
  const [roleId, role] = onlyResource(synthesized, "aws_iam_role");
  const [logGroupId] = onlyResource(synthesized, "aws_cloudwatch_log_group");

  it("runs with its own role, capped by the workload boundary, with the base policy for network interfaces and X-Ray", () => {
    expect(role).toMatchObject({ name: "platform-dev-api-function", permissions_boundary: BOUNDARY });
    expect(fn.role).toBe(`\${aws_iam_role.${roleId}.arn}`);
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicyAttachment, { role: `\${aws_iam_role.${roleId}.name}`, policy_arn: BASE_POLICY });
  });

  it("lets only Lambda acting for this account assume the role", () => {
    const [trust] = documentStatements(synthesized, "fn_trust");
    expect(trust.actions).toEqual(["sts:AssumeRole"]);
    expect(trust.principals).toEqual([{ type: "Service", identifiers: [expect.stringMatching(/^lambda\.\$\{data\.aws_partition\..*\.dns_suffix\}$/)] }]);
    expect(trust.condition).toEqual([{ test: "StringEquals", variable: "aws:SourceAccount", values: [expect.stringMatching(/^\$\{data\.aws_caller_identity\..*\.account_id\}$/)] }]);
  });

  it("creates its KMS-encrypted log group before the function and sends JSON logs there", () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/lambda/platform-dev-api", kms_key_id: KEY });
    expect(fn.depends_on).toContain(`aws_cloudwatch_log_group.${logGroupId}`);
    expect(fn.logging_config).toEqual({ log_format: "JSON", log_group: `\${aws_cloudwatch_log_group.${logGroupId}.name}`, application_log_level: "INFO" });
  });

  it("may write to its own log group only", () => {
    const statements = documentStatements(synthesized, "fn_grants_document");
    expect(bySid(statements, "WriteOwnLogs")).toEqual({
      sid: "WriteOwnLogs",
      effect: "Allow",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`\${aws_cloudwatch_log_group.${logGroupId}.arn}:*`],
    });
    expect(synthesized).toHaveResourceWithProperties(IamRolePolicy, { role: `\${aws_iam_role.${roleId}.name}`, policy: expect.stringMatching(/^\$\{data\.aws_iam_policy_document\.fn_grants_document_.*\.json\}$/) });
  });

  it("is an arm64 Node.js 22 zip function with its layers, traced by X-Ray, in the private subnets", () => {
    expect(fn).toMatchObject({
      function_name: "platform-dev-api",
      package_type: "Zip",
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: expect.stringMatching(/^assets\/.*\.zip$/),
      source_code_hash: expect.any(String),
      layers: ["arn:aws:lambda:eu-west-1:123456789012:layer:platform-dev-deps:3"],
      architectures: ["arm64"],
      memory_size: 512,
      timeout: 15,
      reserved_concurrent_executions: 20,
      tracing_config: { mode: "Active" },
      vpc_config: { subnet_ids: ["subnet-a", "subnet-b"], security_group_ids: ["sg-app"] },
    });
    expect(fn.image_uri).toBeUndefined();
  });

  it("encrypts its environment variables with the key", () => {
    expect(fn.environment).toEqual({ variables: { PARAMETER_PATH: "/platform/dev" } });
    expect(fn.kms_key_arn).toBe(KEY);
    expect(functionId).toMatch(/^fn_function_/);
  });

  it("runs a container image without runtime or handler, and names no key when it has no variables", () => {
    const image = onlyResource(Testing.synthScope((scope) => void platformFunction(scope, { code: { kind: "image", imageUri: IMAGE, command: ["worker.handler"] } })), "aws_lambda_function")[1];
    expect(image).toMatchObject({ package_type: "Image", image_uri: IMAGE, image_config: { command: ["worker.handler"] }, architectures: ["arm64"] });
    for (const key of ["runtime", "handler", "filename", "layers", "environment", "kms_key_arn", "reserved_concurrent_executions"]) expect(image[key]).toBeUndefined();
  });

  it("falls back to AWS-managed keys without a key", () => {
    const plain = Testing.synthScope((scope) => void platformFunction(scope, { kmsKeyArn: undefined, environment: { A: "b" } }));
    expect(onlyResource(plain, "aws_lambda_function")[1].kms_key_arn).toBeUndefined();
    expect(onlyResource(plain, "aws_cloudwatch_log_group")[1].kms_key_id).toBeUndefined();
  });

  it("sends failed asynchronous events to a dead-letter queue it may write to", () => {
    const json = Testing.synthScope((scope) => void platformFunction(scope, { deadLetterQueue: { arn: "arn:aws:sqs:eu-west-1:123456789012:platform-dev-work-dlq", kmsKeyArn: KEY } }));
    const [policyId] = onlyResource(json, "aws_iam_role_policy");
    const fnWithDlq = onlyResource(json, "aws_lambda_function")[1];
    expect(fnWithDlq.dead_letter_config).toEqual({ target_arn: "arn:aws:sqs:eu-west-1:123456789012:platform-dev-work-dlq" });
    // Lambda checks the role's permission to send when it creates the function.
    expect(fnWithDlq.depends_on).toContain(`aws_iam_role_policy.${policyId}`);
    const statements = documentStatements(json, "fn_grants_document");
    expect(bySid(statements, "SendFailedEvents")).toMatchObject({ actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-1:123456789012:platform-dev-work-dlq"] });
    expect(bySid(statements, "SendFailedEventsKey")).toMatchObject({ actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [KEY] });
    expect(fn.dead_letter_config).toBeUndefined();
  });

  it("outside the VPC (the origin secret's rotation): no VPC attachment, no base policy, X-Ray inline, and a role named as asked", () => {
    const json = Testing.synthScope((scope) => void platformFunction(scope, { vpc: undefined, basePolicyArn: undefined, roleName: "platform-dev-origin-rotation" }));
    const outside = onlyResource(json, "aws_lambda_function")[1];
    expect(outside.vpc_config).toBeUndefined();
    expect(resourcesOfType(json, "aws_iam_role_policy_attachment")).toEqual([]);
    expect(onlyResource(json, "aws_iam_role")[1].name).toBe("platform-dev-origin-rotation");
    const statements = documentStatements(json, "fn_grants_document");
    expect(bySid(statements, "Trace")).toEqual({ sid: "Trace", effect: "Allow", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] });
    expect(outside.depends_on).toEqual([expect.stringMatching(/^aws_cloudwatch_log_group\./), expect.stringMatching(/^aws_iam_role_policy\./)]);
    // In the VPC the base policy carries X-Ray; the inline policy does not repeat it.
    expect(bySid(documentStatements(synthesized, "fn_grants_document"), "Trace")).toBeUndefined();
  });

  it("refuses settings Lambda would reject", () => {
    const attempt = (overrides: Partial<PlatformFunctionProps>) => () => Testing.synthScope((scope) => void platformFunction(scope, overrides));
    expect(attempt({ basePolicyArn: undefined })).toThrow(/a function in the VPC needs basePolicyArn \(network interfaces\)/);
    expect(attempt({ vpc: undefined, basePolicyArn: undefined, roleName: "r".repeat(65) })).toThrow(/the role name r+ exceeds 64 characters/);
    expect(attempt({ memoryMb: 64 })).toThrow(/memoryMb must be a whole number from 128 to 10240 \(got 64\)/);
    expect(attempt({ timeoutSeconds: 901 })).toThrow(/timeoutSeconds must be a whole number from 1 to 900/);
    expect(attempt({ reservedConcurrency: 0 })).toThrow(/reservedConcurrency/);
    expect(attempt({ environment: { AWS_REGION: "eu-west-1" } })).toThrow(/"AWS_REGION" is reserved by Lambda/);
    expect(attempt({ environment: { "1BAD": "x" } })).toThrow(/must start with a letter/);
    expect(attempt({ vpc: { subnetIds: [], securityGroupIds: ["sg-app"] } })).toThrow(/at least one subnet/);
    expect(attempt({ name: "a".repeat(60) })).toThrow(/exceeds 64 characters/);
    expect(attempt({ name: "Api" })).toThrow(/lower-case/);
  });
});

describe("LambdaLayer", () => {
  it("is a Node.js 22 arm64 layer version named for the environment", () => {
    const json = Testing.synthScope((scope) => {
      const asset = new TerraformAsset(scope, "layer-bundle", { path: join(bundleDir, "api"), type: AssetType.ARCHIVE });
      new LambdaLayer(scope, "deps", { naming, name: "deps", asset, runtime: "nodejs22.x" });
    });
    expect(json).toHaveResourceWithProperties(LambdaLayerVersion, {
      layer_name: "platform-dev-deps",
      compatible_runtimes: ["nodejs22.x"],
      compatible_architectures: ["arm64"],
      filename: expect.stringMatching(/\.zip$/),
    });
  });
});

describe("RoleGrants", () => {
  const statement = (overrides: Partial<GrantStatement> = {}): GrantStatement => ({ sid: "ReadThing", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bucket/*"], ...overrides });

  it("collects every grant, including those made after construction, into one inline policy", () => {
    const json = Testing.synthScope((scope) => {
      const grants = new RoleGrants(scope, "grants", { roleName: "role", statements: [statement()] });
      grants.addToPrincipalPolicy(statement({ sid: "WriteThing", actions: ["s3:PutObject"] }));
    });
    expect(resourcesOfType(json, "aws_iam_role_policy")).toHaveLength(1);
    expect(documentStatements(json, "grants_document").map((s) => s.sid)).toEqual(["ReadThing", "WriteThing"]);
  });

  it("ignores a repeated grant and numbers a different grant under a taken sid", () => {
    const json = Testing.synthScope((scope) => {
      const grants = new RoleGrants(scope, "grants", { roleName: "role" });
      grants.addToPrincipalPolicy(statement());
      grants.addToPrincipalPolicy(statement());
      grants.addToPrincipalPolicy(statement({ resources: ["arn:aws:s3:::other/*"] }));
    });
    const statements = documentStatements(json, "grants_document");
    expect(statements.map((s) => s.sid)).toEqual(["ReadThing", "ReadThing2"]);
    expect(bySid(statements, "ReadThing2")!.resources).toEqual(["arn:aws:s3:::other/*"]);
  });

  it("refuses an invalid sid and, at synthesis, a policy that grants nothing", () => {
    expect(() => Testing.synthScope((scope) => new RoleGrants(scope, "grants", { roleName: "role", statements: [statement({ sid: "read-thing" })] }))).toThrow(/letters and digits/);
    const stack = new TerraformStack(Testing.app(), "empty");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new RoleGrants(stack, "grants", { roleName: "role" });
    expect(() => Testing.synth(stack, true)).toThrow(/grants nothing/);
  });

  it("derives sids from construct ids", () => {
    expect(sid("consume", "work-queue")).toBe("ConsumeWorkQueue");
    expect(sid("connect", "database", "as", "app_user")).toBe("ConnectDatabaseAsAppUser");
  });
});

describe("grants of the infra constructs", () => {
  /** Synthesizes the function plus the resources, runs `grantAll`, returns the function's grant statements. */
  function grantsOf(grantAll: (fn: PlatformFunction, scope: Construct) => void): Json[] {
    const json = Testing.synthScope((scope) => {
      new RandomProvider(scope, "random");
      grantAll(platformFunction(scope), scope);
    });
    return documentStatements(json, "fn_grants_document");
  }
  const keyStatement = (statements: Json[], statementSid: string) => bySid(statements, `${statementSid}Key`);

  for (const kmsKeyArn of [KEY, undefined]) {
    const label = kmsKeyArn ? "with the key" : "without a key";

    it(`WorkQueue: consume and send the work queue only (${label})`, () => {
      const consumer = grantsOf((fn, scope) => new WorkQueue(scope, "work-queue", { naming, name: "work", workerTimeoutSeconds: 60, kmsKeyArn }).grantConsume(fn));
      expect(bySid(consumer, "ConsumeWorkQueue")).toEqual({
        sid: "ConsumeWorkQueue",
        effect: "Allow",
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
        resources: [expect.stringMatching(/^\$\{aws_sqs_queue\.work-queue_[0-9A-F]{8}\.arn\}$/)],
      });
      const sender = grantsOf((fn, scope) => new WorkQueue(scope, "work-queue", { naming, name: "work", workerTimeoutSeconds: 60, kmsKeyArn }).grantSend(fn));
      expect(bySid(sender, "SendWorkQueue")).toMatchObject({ actions: ["sqs:SendMessage"], resources: [expect.stringMatching(/^\$\{aws_sqs_queue\.work-queue_[0-9A-F]{8}\.arn\}$/)] });
      if (kmsKeyArn) {
        expect(keyStatement(consumer, "ConsumeWorkQueue")).toEqual({
          sid: "ConsumeWorkQueueKey",
          effect: "Allow",
          actions: ["kms:Decrypt"],
          resources: [KEY],
          condition: [{ test: "StringLike", variable: "kms:ViaService", values: ["sqs.*"] }],
        });
        expect(keyStatement(sender, "SendWorkQueue")).toMatchObject({ actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [KEY] });
      } else {
        expect(consumer.concat(sender).filter((s) => s.actions.some((action: string) => action.startsWith("kms:")))).toEqual([]);
      }
    });

    it(`AppSecrets: read the app secret (${label})`, () => {
      const statements = grantsOf((fn, scope) => new AppSecrets(scope, "secrets", { naming, protectData: false, kmsKeyArn }).grantRead(fn));
      expect(bySid(statements, "ReadSecrets")).toMatchObject({
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        resources: [expect.stringMatching(/^\$\{aws_secretsmanager_secret\.secrets_secret_.*\.arn\}$/)],
      });
      expect(keyStatement(statements, "ReadSecrets")).toEqual(
        kmsKeyArn ? expect.objectContaining({ actions: ["kms:Decrypt"], resources: [KEY], condition: [expect.objectContaining({ values: ["secretsmanager.*"] })] }) : undefined,
      );
    });

    it(`PublishedParameters: read the environment's path and everything under it (${label})`, () => {
      const statements = grantsOf((fn, scope) =>
        new PublishedParameters(scope, "parameters", { naming, account: new AccountContext(scope, "account"), kmsKeyArn, parameters: { "queue/url": "https://sqs" } }).grantRead(fn),
      );
      const read = bySid(statements, "ReadParameters")!;
      expect(read.actions).toEqual(["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]);
      expect(read.resources).toEqual([expect.stringMatching(/:parameter\/platform\/dev$/), expect.stringMatching(/:parameter\/platform\/dev\/\*$/)]);
      expect(keyStatement(statements, "ReadParameters")?.condition).toEqual(kmsKeyArn ? [{ test: "StringLike", variable: "kms:ViaService", values: ["ssm.*"] }] : undefined);
    });

    it(`AppTable: item reads and writes on the table and its indexes (${label})`, () => {
      const statements = grantsOf((fn, scope) => new AppTable(scope, "table", { naming, protectData: false, kmsKeyArn }).grantReadWrite(fn));
      const readWrite = bySid(statements, "ReadWriteTable")!;
      expect(readWrite.resources).toEqual([expect.stringMatching(/^\$\{aws_dynamodb_table\.table_[0-9A-F]{8}\.arn\}$/), expect.stringMatching(/^\$\{aws_dynamodb_table\.table_[0-9A-F]{8}\.arn\}\/index\/\*$/)]);
      expect(readWrite.actions).toEqual(expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]));
      expect(readWrite.actions.filter((action: string) => /\*|CreateTable|DeleteTable|UpdateTable/.test(action))).toEqual([]);
      expect(keyStatement(statements, "ReadWriteTable")?.actions).toEqual(kmsKeyArn ? ["kms:Decrypt", "kms:GenerateDataKey"] : undefined);
    });

    it(`MediaBucket: objects read, written and deleted, the bucket listed (${label})`, () => {
      const statements = grantsOf((fn, scope) =>
        new MediaBucket(scope, "media", { naming, account: new AccountContext(scope, "account"), kmsKeyArn, protectData: false, allowedOrigins: [] }).grantReadWrite(fn),
      );
      expect(bySid(statements, "ReadWriteMediaObjects")).toMatchObject({ actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.media_bucket_[0-9A-F]{8}\.arn\}\/\*$/)] });
      expect(bySid(statements, "ReadWriteMediaList")).toMatchObject({ actions: ["s3:ListBucket"], resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.media_bucket_[0-9A-F]{8}\.arn\}$/)] });
      expect(keyStatement(statements, "ReadWriteMediaObjects")?.condition).toEqual(kmsKeyArn ? [{ test: "StringLike", variable: "kms:ViaService", values: ["s3.*"] }] : undefined);
      expect(keyStatement(statements, "ReadWriteMediaList")).toBeUndefined();
    });

    it(`AuroraPostgres: the master secret and IAM logins as one user (${label})`, () => {
      const statements = grantsOf((fn, scope) => {
        const database = new AuroraPostgres(scope, "database", {
          naming,
          account: new AccountContext(scope, "account"),
          settings: { minCapacity: 0.5, maxCapacity: 2, secondsUntilAutoPause: 300, readers: 0, backupRetentionDays: 7, rdsProxy: true },
          protectData: false,
          kmsKeyArn,
          dbSubnetGroupName: "platform-dev-data",
          serviceRoleBoundaryArn: "arn:aws:iam::123456789012:policy/platform-dev-service-boundary",
          securityGroupIds: ["sg-database"],
          proxySubnetIds: ["subnet-c", "subnet-d"],
        });
        database.grantReadMasterSecret(fn);
        database.grantConnect(fn, "app_user");
      });
      expect(bySid(statements, "ReadDatabaseMasterSecret")).toMatchObject({
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        resources: [expect.stringMatching(/^\$\{aws_rds_cluster\.database_cluster_.*\.master_user_secret\[0\]\.secret_arn\}$/)],
      });
      expect(keyStatement(statements, "ReadDatabaseMasterSecret")?.resources).toEqual(kmsKeyArn ? [KEY] : undefined);
      const connect = bySid(statements, "ConnectDatabaseAsAppUser")!;
      expect(connect.actions).toEqual(["rds-db:connect"]);
      // The cluster's and the proxy's dbuser ARNs, each for this one user.
      expect(connect.resources).toEqual([
        expect.stringMatching(/^\$\{replace\(aws_rds_cluster\.database_cluster_.*\.arn, ".*:cluster:\.\*\$\/", "arn:\$1:rds-db:\$2:\$3:dbuser:"\)\}\$\{aws_rds_cluster\.database_cluster_.*\.cluster_resource_id\}\/app_user$/),
        expect.stringMatching(/^\$\{replace\(aws_db_proxy\.database_proxy_.*\.arn, ".*:db-proxy:\(\.\+\)\$\/", "arn:\$1:rds-db:\$2:\$3:dbuser:\$4\/app_user"\)\}$/),
      ]);
      expect(keyStatement(statements, "ConnectDatabaseAsAppUser")).toBeUndefined();
    });
  }

  it("AuroraPostgres.grantConnect refuses a user name that would widen the ARN", () => {
    expect(() =>
      grantsOf((fn, scope) =>
        new AuroraPostgres(scope, "database", {
          naming,
          account: new AccountContext(scope, "account"),
          settings: { minCapacity: 0, maxCapacity: 2, secondsUntilAutoPause: 300, readers: 0, backupRetentionDays: 7, rdsProxy: false },
          protectData: false,
          dbSubnetGroupName: "platform-dev-data",
          serviceRoleBoundaryArn: "arn:aws:iam::123456789012:policy/platform-dev-service-boundary",
          securityGroupIds: ["sg-database"],
          proxySubnetIds: [],
        }).grantConnect(fn, "*"),
      ),
    ).toThrow(/not a plain PostgreSQL user name/);
  });

  it("reads resources of another stack through its remote state", () => {
    const app: App = Testing.app();
    const infra = new TerraformStack(app, "infra");
    new AwsProvider(infra, "aws", { region: "eu-west-1" });
    const queue = new WorkQueue(infra, "work-queue", { naming, name: "work", workerTimeoutSeconds: 60, kmsKeyArn: KEY });
    const appStack = new TerraformStack(app, "app");
    new AwsProvider(appStack, "aws", { region: "eu-west-1" });
    queue.grantSend(platformFunction(appStack));
    app.synth();
    const json = readFileSync(join(app.outdir, "stacks", "app", "cdk.tf.json"), "utf8");
    const send = bySid(documentStatements(json, "fn_grants_document"), "SendWorkQueue")!;
    expect(send.resources).toEqual([expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-infra\.outputs\..*arn\}$/)]);
  });
});

describe("ApiRoutes", () => {
  const json = Testing.synthScope((scope) => {
    new ApiRoutes(scope, "routes", { apiId: "api-123", executionArn: "arn:aws:execute-api:eu-west-1:123456789012:api-123", fn: platformFunction(scope), timeoutMilliseconds: 20_000 });
  });
  const [functionId] = onlyResource(json, "aws_lambda_function");
  const [integrationId] = onlyResource(json, "aws_apigatewayv2_integration");

  it("lets only this API invoke the function", () => {
    expect(json).toHaveResourceWithProperties(LambdaPermission, {
      action: "lambda:InvokeFunction",
      principal: "apigateway.amazonaws.com",
      function_name: `\${aws_lambda_function.${functionId}.function_name}`,
      source_arn: "arn:aws:execute-api:eu-west-1:123456789012:api-123/*/*",
    });
  });

  it("proxies to the function with payload format 2.0", () => {
    expect(json).toHaveResourceWithProperties(Apigatewayv2Integration, {
      api_id: "api-123",
      integration_type: "AWS_PROXY",
      integration_method: "POST",
      integration_uri: `\${aws_lambda_function.${functionId}.invoke_arn}`,
      payload_format_version: "2.0",
      timeout_milliseconds: 20_000,
    });
  });

  it("routes /api and /api/* (what CloudFront forwards) to the integration, and nothing else", () => {
    const routes = resourcesOfType(json, "aws_apigatewayv2_route").map(([, route]) => route);
    expect(routes.map((route) => route.route_key).sort()).toEqual(["ANY /api", "ANY /api/{proxy+}"]);
    for (const route of routes) expect(route).toMatchObject({ api_id: "api-123", target: `integrations/\${aws_apigatewayv2_integration.${integrationId}.id}` });
    expect(json).toHaveResourceWithProperties(Apigatewayv2Route, { route_key: "ANY /api/{proxy+}" });
  });

  it("waits 30 seconds by default and refuses what HTTP APIs reject", () => {
    const defaults = Testing.synthScope((scope) => void new ApiRoutes(scope, "routes", { apiId: "api-123", executionArn: "arn", fn: platformFunction(scope) }));
    expect(onlyResource(defaults, "aws_apigatewayv2_integration")[1].timeout_milliseconds).toBe(30_000);
    expect(() => Testing.synthScope((scope) => void new ApiRoutes(scope, "routes", { apiId: "a", executionArn: "arn", fn: platformFunction(scope), timeoutMilliseconds: 30_001 }))).toThrow(/timeoutMilliseconds must be a whole number from 50 to 30000/);
  });
});

describe("QueueTrigger", () => {
  const json = Testing.synthScope((scope) => {
    const queue = new WorkQueue(scope, "work-queue", { naming, name: "work", workerTimeoutSeconds: 60, kmsKeyArn: KEY });
    new QueueTrigger(scope, "trigger", { fn: platformFunction(scope, { name: "worker" }), queue, batchSize: 20, maximumConcurrency: 5 });
  });
  const [policyId] = onlyResource(json, "aws_iam_role_policy");

  it("polls the work queue in batches, reports failed messages one by one, and caps concurrency", () => {
    const [, mapping] = onlyResource(json, "aws_lambda_event_source_mapping");
    expect(mapping).toMatchObject({
      event_source_arn: expect.stringMatching(/^\$\{aws_sqs_queue\.work-queue_[0-9A-F]{8}\.arn\}$/),
      function_name: expect.stringMatching(/^\$\{aws_lambda_function\.fn_function_.*\.arn\}$/),
      batch_size: 20,
      maximum_batching_window_in_seconds: 5,
      function_response_types: ["ReportBatchItemFailures"],
      scaling_config: { maximum_concurrency: 5 },
    });
    expect(json).toHaveResource(LambdaEventSourceMapping);
  });

  it("grants the worker what polling needs before the mapping is created", () => {
    const [, mapping] = onlyResource(json, "aws_lambda_event_source_mapping");
    expect(mapping.depends_on).toEqual([`aws_iam_role_policy.${policyId}`]);
    const statements = documentStatements(json, "fn_grants_document");
    expect(bySid(statements, "ConsumeWorkQueue")!.actions).toContain("sqs:ReceiveMessage");
    expect(bySid(statements, "ConsumeWorkQueueKey")!.actions).toEqual(["kms:Decrypt"]);
  });

  it("refuses settings Lambda would reject", () => {
    const attempt = (props: { batchSize?: number; maximumConcurrency?: number; maximumBatchingWindowSeconds?: number }) => () =>
      Testing.synthScope((scope) => {
        const queue = new WorkQueue(scope, "work-queue", { naming, name: "work", workerTimeoutSeconds: 60 });
        new QueueTrigger(scope, "trigger", { fn: platformFunction(scope), queue, ...props });
      });
    expect(attempt({ maximumConcurrency: 1 })).toThrow(/maximumConcurrency must be a whole number from 2 to 1000/);
    expect(attempt({ batchSize: 20, maximumBatchingWindowSeconds: 0 })).toThrow(/above 10 needs maximumBatchingWindowSeconds/);
    expect(attempt({ batchSize: 0 })).toThrow(/batchSize/);
  });
});

describe("ProducerSchedule", () => {
  const DLQ = "arn:aws:sqs:eu-west-1:123456789012:platform-dev-work-dlq";
  function schedule(overrides: Partial<ProducerScheduleProps> = {}): string {
    return Testing.synthScope((scope) => {
      new ProducerSchedule(scope, "schedule", {
        naming,
        account: new AccountContext(scope, "account"),
        groupName: "platform-dev",
        serviceRoleBoundaryArn: "arn:aws:iam::123456789012:policy/platform-dev-service-boundary",
        expression: "rate(15 minutes)",
        fn: platformFunction(scope, { name: "producer" }),
        deadLetterQueueArn: DLQ,
        kmsKeyArn: KEY,
        ...overrides,
      });
    });
  }
  const json = schedule();
  const [functionId] = onlyResource(json, "aws_lambda_function");
  const scheduleRole = resourcesOfType(json, "aws_iam_role").find(([, role]) => role.name === "platform-dev-producer-schedule")!;

  it("runs the function on time in the environment's group, retries twice within an hour, then dead-letters", () => {
    expect(json).toHaveResourceWithProperties(SchedulerSchedule, {
      name: "platform-dev-producer",
      group_name: "platform-dev",
      schedule_expression: "rate(15 minutes)",
      schedule_expression_timezone: "UTC",
      flexible_time_window: { mode: "OFF" },
      kms_key_arn: KEY,
      target: {
        arn: `\${aws_lambda_function.${functionId}.arn}`,
        role_arn: `\${aws_iam_role.${scheduleRole[0]}.arn}`,
        input: JSON.stringify({ source: "schedule", schedule: "platform-dev-producer" }),
        retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 },
        dead_letter_config: { arn: DLQ },
      },
    });
  });

  it("has a role only EventBridge Scheduler of this account assumes, capped by the service boundary rather than the workload one", () => {
    expect(scheduleRole[1].permissions_boundary).toBe("arn:aws:iam::123456789012:policy/platform-dev-service-boundary");
    const [trust] = documentStatements(json, "schedule_trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: [expect.stringMatching(/^scheduler\./)] }]);
    expect(trust.condition).toEqual([expect.objectContaining({ variable: "aws:SourceAccount" })]);
  });

  it("may invoke only that function, and send only to the dead-letter queue", () => {
    const statements = documentStatements(json, "schedule_grants_document");
    const invoking = statements.filter((s) => s.actions.some((action: string) => action.startsWith("lambda:")));
    expect(invoking).toEqual([{ sid: "InvokeProducer", effect: "Allow", actions: ["lambda:InvokeFunction"], resources: [`\${aws_lambda_function.${functionId}.arn}`] }]);
    expect(bySid(statements, "DeadLetterUndeliveredEvents")).toMatchObject({ actions: ["sqs:SendMessage"], resources: [DLQ] });
    expect(bySid(statements, "DeadLetterUndeliveredEventsKey")).toMatchObject({ actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [KEY] });
    expect(bySid(statements, "DecryptSchedulePayload")).toMatchObject({
      actions: ["kms:Decrypt"],
      resources: [KEY],
      condition: [{ test: "StringEquals", variable: "kms:EncryptionContext:aws:scheduler:schedule-arn", values: [expect.stringMatching(/:schedule\/platform-dev\/platform-dev-producer$/)] }],
    });
    expect(statements.map((s) => s.sid).sort()).toEqual(["DeadLetterUndeliveredEvents", "DeadLetterUndeliveredEventsKey", "DecryptSchedulePayload", "InvokeProducer"]);
  });

  it("needs no key statements without a key", () => {
    const plain = schedule({ kmsKeyArn: undefined, timezone: "Europe/Berlin", expression: "cron(0 3 * * ? *)" });
    const statements = documentStatements(plain, "schedule_grants_document");
    expect(statements.map((s) => s.sid).sort()).toEqual(["DeadLetterUndeliveredEvents", "InvokeProducer"]);
    expect(plain).toHaveResourceWithProperties(SchedulerSchedule, { schedule_expression: "cron(0 3 * * ? *)", schedule_expression_timezone: "Europe/Berlin" });
    expect(plain).not.toHaveResourceWithProperties(SchedulerSchedule, { kms_key_arn: expect.anything() });
  });

  it("is created after its role may invoke", () => {
    const policyId = resourcesOfType(json, "aws_iam_role_policy").find(([, policy]) => policy.role === `\${aws_iam_role.${scheduleRole[0]}.name}`)![0];
    expect(onlyResource(json, "aws_scheduler_schedule")[1].depends_on).toEqual([`aws_iam_role_policy.${policyId}`]);
    expect(json).toHaveResource(IamRole);
    expect(json).toHaveResource(LambdaFunction);
  });
});

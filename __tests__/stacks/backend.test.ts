import { Testing, TerraformStack } from "cdktf";
import { projectCopy } from "../support/project";
import { resourcesOf, synthesizeStacks } from "../support/synth";
import { configureBackend } from "../../src/backend/configure-backend";
import { BootstrapStack } from "../../src/stacks/bootstrap-stack";

function synthesizedTerraformBlock(configure: (stack: TerraformStack) => void): any {
  const stack = new TerraformStack(Testing.app(), "core-dev");
  configure(stack);
  return JSON.parse(Testing.synth(stack)).terraform;
}

describe("configureBackend", () => {
  const s3 = {
    type: "s3",
    bucket: "state-bucket",
    region: "eu-west-1",
    keyPrefix: "platform/dev",
    lockTable: "locks",
    encrypt: true,
    kmsKeyId: "alias/state-bucket",
    useLockfile: false,
  } as const;

  it("writes an S3 backend keyed <keyPrefix>/<layer>.tfstate, encrypted with the named key, with DynamoDB locking", () => {
    const terraform = synthesizedTerraformBlock((stack) => configureBackend(stack, s3, "core"));
    expect(terraform.backend.s3).toEqual({
      bucket: "state-bucket",
      key: "platform/dev/core.tfstate",
      region: "eu-west-1",
      encrypt: true,
      kms_key_id: "alias/state-bucket",
      dynamodb_table: "locks",
    });
  });

  it("adds S3 native locking, which cdktf's S3Backend cannot express, as an override", () => {
    const terraform = synthesizedTerraformBlock((stack) => configureBackend(stack, { ...s3, useLockfile: true, lockTable: undefined }, "core"));
    expect(terraform.backend.s3.use_lockfile).toBe(true);
    expect(terraform.backend.s3.dynamodb_table).toBeUndefined();
  });

  it("names one Terraform Cloud workspace per stack", () => {
    const terraform = synthesizedTerraformBlock((stack) =>
      configureBackend(stack, { type: "cloud", organization: "acme", hostname: "app.terraform.io", workspacePrefix: "platform-" }, "core"),
    );
    expect(terraform.cloud).toEqual({ hostname: "app.terraform.io", organization: "acme", workspaces: { name: "platform-core-dev" } });
  });
});

describe("BootstrapStack backend", () => {
  const state = { bucket: "state-bucket", lockTable: "locks", region: "eu-west-1" } as const;

  it("starts on a local state file in the project root, outside cdktf.out", () => {
    const stack = new BootstrapStack(Testing.app(), { project: "platform", state: { ...state, bootstrapBackend: "local" } });
    expect(JSON.parse(Testing.synth(stack)).terraform.backend).toEqual({ local: { path: "../../../terraform.bootstrap.tfstate" } });
  });

  it("moves into the bucket it created once bootstrapBackend is s3", () => {
    const stack = new BootstrapStack(Testing.app(), { project: "platform", state: { ...state, bootstrapBackend: "s3" } });
    expect(JSON.parse(Testing.synth(stack)).terraform.backend.s3).toMatchObject({
      bucket: "state-bucket",
      key: "platform/bootstrap.tfstate",
      dynamodb_table: "locks",
      encrypt: true,
      kms_key_id: "alias/state-bucket",
    });
  });
});

describe("the state key every backend names", () => {
  it("is the bootstrap key's alias, with a dotted bucket name's dots turned to hyphens (KMS aliases allow none), in bootstrap and backends alike", () => {
    const configDir = projectCopy(({ read, write }) => {
      const backend = read("backend.config.json") as any;
      backend.state.bucket = "acme.platform.state";
      for (const entry of Object.values<any>(backend.environments)) entry.bucket = "acme.platform.state";
      write("backend.config.json", backend);
    });
    const stacks = synthesizeStacks(configDir);
    const alias = resourcesOf(stacks.get("bootstrap")!).find(([type]) => type === "aws_kms_alias")![2].name;
    expect(alias).toBe("alias/acme-platform-state");
    expect(stacks.get("core-dev")!.terraform.backend.s3.kms_key_id).toBe("alias/acme-platform-state");
    expect(stacks.get("pipeline")!.terraform.backend.s3.kms_key_id).toBe("alias/acme-platform-state");
  });

  it("is the environment's own kmsKeyId where it names one", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const configDir = projectCopy(({ read, write }) => {
      const backend = read("backend.config.json") as any;
      backend.environments.stage = { ...backend.environments.stage, bucket: "acme-stage-state", kmsKeyId: key };
      write("backend.config.json", backend);
    });
    const stacks = synthesizeStacks(configDir);
    expect(stacks.get("infra-stage")!.terraform.backend.s3).toMatchObject({ bucket: "acme-stage-state", kms_key_id: key });
    expect(stacks.get("app-stage")!.data.terraform_remote_state["cross-stack-reference-input-infra-stage"].config.kms_key_id).toBe(key);
  });
});

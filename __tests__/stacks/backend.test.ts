import { Testing, TerraformStack } from "cdktf";
import { configureBackend } from "../../src/backend/configure-backend";
import { BootstrapStack } from "../../src/stacks/bootstrap-stack";

function synthesizedTerraformBlock(configure: (stack: TerraformStack) => void): any {
  const stack = new TerraformStack(Testing.app(), "core-dev");
  configure(stack);
  return JSON.parse(Testing.synth(stack)).terraform;
}

describe("configureBackend", () => {
  const s3 = { type: "s3", bucket: "state-bucket", region: "eu-west-1", keyPrefix: "platform/dev", lockTable: "locks", encrypt: true, useLockfile: false } as const;

  it("writes an encrypted S3 backend keyed <keyPrefix>/<layer>.tfstate with DynamoDB locking", () => {
    const terraform = synthesizedTerraformBlock((stack) => configureBackend(stack, s3, "core"));
    expect(terraform.backend.s3).toEqual({ bucket: "state-bucket", key: "platform/dev/core.tfstate", region: "eu-west-1", encrypt: true, dynamodb_table: "locks" });
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
    expect(JSON.parse(Testing.synth(stack)).terraform.backend.s3).toMatchObject({ bucket: "state-bucket", key: "platform/bootstrap.tfstate", dynamodb_table: "locks", encrypt: true });
  });
});

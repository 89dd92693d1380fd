import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { configureBackend, configureLocalBootstrapBackend } from "../backend/configure-backend";
import type { BackendConfig } from "../config/backend-schema";
import { BOOTSTRAP_STACK } from "../config/layers";
import { stateKeyAlias } from "../config/state-location";
import { AccountContext } from "../constructs/account/account-context";
import { type CrossAccountState, StateStore } from "../constructs/state/state-store";
import { Naming } from "../naming/naming";
import { requireTerraformVersion } from "../config/terraform-version";

export interface BootstrapStackProps {
  readonly project: string;
  readonly state: BackendConfig["state"];
  /** Environments in other accounts, whose deploy roles the bucket and key admit to their own states. Default: none. */
  readonly crossAccountStates?: readonly CrossAccountState[];
}

/**
 * `bootstrap`: the state bucket and lock table every other stack's backend points at. It is
 * applied first, on a local backend, and then moves its own state into the bucket it created
 * (`state.bootstrapBackend: "s3"` in backend.config.json, then `terraform init -migrate-state`).
 */
export class BootstrapStack extends TerraformStack {
  readonly stateStore: StateStore;

  constructor(scope: Construct, props: BootstrapStackProps) {
    super(scope, BOOTSTRAP_STACK);
    const { state } = props;
    if (state.bootstrapBackend === "s3") {
      configureBackend(
        this,
        {
          type: "s3",
          bucket: state.bucket,
          lockTable: state.lockTable,
          region: state.region,
          keyPrefix: props.project,
          encrypt: true,
          kmsKeyId: stateKeyAlias(state.bucket),
          useLockfile: false,
        },
        BOOTSTRAP_STACK,
      );
    } else {
      configureLocalBootstrapBackend(this);
    }
    requireTerraformVersion(this);
    new AwsProvider(this, "aws", {
      region: state.region,
      allowedAccountIds: state.accountId ? [state.accountId] : undefined,
      defaultTags: [{ tags: new Naming(props.project, "shared").tags("state") }],
    });
    const account = new AccountContext(this, "account");
    this.stateStore = new StateStore(this, "state", { bucketName: state.bucket, lockTableName: state.lockTable, account, crossAccountStates: props.crossAccountStates });
    new TerraformOutput(this, "state_bucket", { value: this.stateStore.bucket.name });
    new TerraformOutput(this, "lock_table", { value: this.stateStore.lockTable.name });
    new TerraformOutput(this, "state_kms_key_arn", { value: this.stateStore.kmsKey.arn });
  }
}

import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { configureBackend } from "../backend/configure-backend";
import { type Layer, stackName } from "../config/layers";
import type { PlatformEnvironment } from "../config/load";
import { LogRetentionDefault } from "../constructs/logging/log-retention-default";
import { Naming } from "../naming/naming";
import { requireTerraformVersion } from "../config/terraform-version";

export interface LayerStackProps {
  readonly project: string;
  readonly environment: PlatformEnvironment;
}

/**
 * One layer of one environment (`<layer>-<environment>`): its own state from backend.config.json,
 * an AWS provider that tags everything it creates and refuses foreign accounts, and the
 * environment's default log retention on every log group that does not set one.
 */
export abstract class LayerStack extends TerraformStack {
  readonly environment: PlatformEnvironment;
  readonly naming: Naming;
  readonly aws: AwsProvider;

  protected constructor(scope: Construct, layer: Layer, props: LayerStackProps) {
    super(scope, stackName(layer, props.environment.name));
    this.environment = props.environment;
    this.naming = new Naming(props.project, props.environment.name);
    configureBackend(this, props.environment.backend, layer, { crossAccount: props.environment.deployment !== undefined });
    requireTerraformVersion(this);
    this.aws = new AwsProvider(this, "aws", {
      region: props.environment.region,
      allowedAccountIds: props.environment.accountId ? [props.environment.accountId] : undefined,
      defaultTags: [{ tags: this.naming.tags(layer) }],
    });
    Aspects.of(this).add(new LogRetentionDefault(props.environment.logRetentionDays));
  }
}

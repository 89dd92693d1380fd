import "./src/synthesis-speed";
import { existsSync, rmSync } from "node:fs";
import { App } from "cdktf";
import { loadDeliveryConfigOrExit } from "./src/config/delivery-schema";
import { loadPlatformConfigOrExit } from "./src/config/load";
import { AccountBaselineStack } from "./src/stacks/account-baseline-stack";
import { AppStack } from "./src/stacks/app-stack";
import { BootstrapStack } from "./src/stacks/bootstrap-stack";
import { CoreStack } from "./src/stacks/core-stack";
import { InfraStack } from "./src/stacks/infra-stack";
import { APPLY_SESSION_SECONDS, PipelineStack, pipelineBuildRoleArns } from "./src/stacks/pipeline-stack";

const root = process.env.PLATFORM_CONFIG_DIR ?? __dirname;
const { project, state, environments } = loadPlatformConfigOrExit(root);
const delivery = loadDeliveryConfigOrExit(root, environments.map((environment) => environment.name));
// App creates its output directory at once; a synthesis that stops must not leave one behind.
const outdirExisted = existsSync(process.env.CDKTF_OUTDIR ?? "cdktf.out");
const app = new App();

try {
  // Environments in accounts other than the state account's: their deploy roles reach their own states only.
  const elsewhere = environments.filter((environment) => environment.deployment);
  new BootstrapStack(app, {
    project,
    state,
    crossAccountStates: elsewhere.flatMap(({ name, backend, deployment }) =>
      backend.type === "s3" && deployment
        ? [{ environment: name, accountId: deployment.accountId, keyPrefix: backend.keyPrefix, planRoleArn: deployment.planRoleArn, applyRoleArn: deployment.applyRoleArn }]
        : [],
    ),
  });
  const pipelineAccount = delivery?.accountId ?? state.accountId;
  for (const accountId of [...new Set(elsewhere.map((environment) => environment.deployment!.accountId))]) {
    new AccountBaselineStack(app, {
      project,
      state,
      accountId,
      environments: elsewhere.filter((environment) => environment.deployment!.accountId === accountId),
      pipeline: delivery && pipelineAccount ? pipelineBuildRoleArns(project, pipelineAccount) : undefined,
      applySessionSeconds: APPLY_SESSION_SECONDS,
      appDelivery:
        delivery && pipelineAccount && (delivery.backend.enabled || delivery.frontend.enabled)
          ? { backend: delivery.backend.enabled, frontend: delivery.frontend.enabled, pipelineAccountId: pipelineAccount, environments: delivery.environments }
          : undefined,
    });
  }
  for (const environment of environments) {
    const core = new CoreStack(app, { project, environment });
    const infra = new InfraStack(app, { project, environment, core });
    new AppStack(app, { project, environment, core, infra });
  }
  if (delivery) new PipelineStack(app, { project, state, delivery, environments });
} catch (error) {
  // Constructs refuse what AWS would (a package too large, pip unable to build the layer) with a
  // message naming the fix; nothing is written before app.synth(), so cdktf.out stays as it was.
  if (!(error instanceof Error) || process.env.PLATFORM_DEBUG) throw error;
  console.error(`Synthesis stopped: ${error.message}`);
  if (!outdirExisted) rmSync(app.outdir, { recursive: true, force: true });
  process.exit(1);
}

app.synth();

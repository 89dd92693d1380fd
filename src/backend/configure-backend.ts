import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from "cdktf";
import type { ResolvedBackendSettings } from "../config/backend-schema";
import { cloudWorkspaceName, s3StateKey } from "../config/state-location";

/**
 * Gives a stack the backend its environment's entry in backend.config.json asks for.
 * `stateKeyPart` names the stack's own state object (the layer, or "bootstrap").
 */
export function configureBackend(stack: TerraformStack, backend: ResolvedBackendSettings, stateKeyPart: string, options: { crossAccount?: boolean } = {}): void {
  if (backend.type === "cloud") {
    new CloudBackend(stack, {
      hostname: backend.hostname,
      organization: backend.organization,
      workspaces: new NamedCloudWorkspace(cloudWorkspaceName(backend.workspacePrefix, stack.node.id)),
    });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: s3StateKey(backend.keyPrefix, stateKeyPart),
    region: backend.region,
    encrypt: backend.encrypt,
    kmsKeyId: backend.kmsKeyId,
    dynamodbTable: backend.lockTable,
    // The backend lists `<workspace_key_prefix>/` on every init and plan (its workspaces). Across
    // accounts the bucket admits a deploy role only under its own key prefix, so the listing stays
    // there too (the default prefix `env:` sits at the bucket's root, beside every environment).
    ...(options.crossAccount ? { workspaceKeyPrefix: `${backend.keyPrefix}/env:` } : {}),
  });
  if (backend.useLockfile) {
    // cdktf 0.21's S3Backend predates S3 native locking (Terraform 1.10+, OpenTofu 1.10+).
    stack.addOverride("terraform.backend.s3.use_lockfile", true);
  }
}

/**
 * The bootstrap stack's state sits in the project root until its bucket exists, outside
 * cdktf.out so that a clean synthesis never deletes it. The path is relative to the stack's
 * working directory (`cdktf.out/stacks/<stack>`), so the synthesized JSON is the same on every machine.
 */
export function configureLocalBootstrapBackend(stack: TerraformStack): void {
  new LocalBackend(stack, { path: `../../../terraform.${stack.node.id}.tfstate` });
}

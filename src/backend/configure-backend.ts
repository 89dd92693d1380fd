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
    // From another account the state key can be named only by its ARN (S3 resolves an alias in the
    // caller's account), which exists only once the bootstrap stack is applied. So those backends
    // send no encryption header and the bucket's default encryption applies: SSE-KMS with the state
    // key, which the bucket policy enforces for their writes. `encrypt` without a key would instead
    // send AES256 and override that default.
    ...(options.crossAccount ? { encrypt: false } : { encrypt: backend.encrypt, kmsKeyId: backend.kmsKeyId }),
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

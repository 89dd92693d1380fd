import type { BackendSettings } from "./backend-schema";

/** The S3 object key of one stack's state: `<keyPrefix>/<stack part>.tfstate`. */
export function s3StateKey(keyPrefix: string, stackPart: string): string {
  return `${keyPrefix}/${stackPart}.tfstate`;
}

/**
 * The alias of the KMS key the bootstrap stack creates for the state bucket, and that every S3
 * backend names by default. KMS aliases allow only `[a-zA-Z0-9/_-]` after `alias/`, and bucket names
 * may hold dots, so dots become hyphens.
 */
export function stateKeyAlias(bucket: string): string {
  return `alias/${bucket.replace(/\./g, "-")}`;
}

/** The Terraform Cloud workspace of one stack: `<workspacePrefix><layer>-<environment>`. */
export function cloudWorkspaceName(workspacePrefix: string, stack: string): string {
  return `${workspacePrefix}${stack}`;
}

/**
 * Where a stack's state lives, as one comparable string. Two stacks sharing a location would
 * overwrite each other's state, so configuration loading refuses duplicates.
 */
export function stateLocation(backend: BackendSettings, layer: string, stack: string): string {
  return backend.type === "s3"
    ? `s3://${backend.bucket}/${s3StateKey(backend.keyPrefix, layer)}`
    : `${backend.hostname}/${backend.organization}/${cloudWorkspaceName(backend.workspacePrefix, stack)}`;
}

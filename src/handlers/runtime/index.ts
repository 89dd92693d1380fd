/**
 * The shared runtime every handler imports (`../runtime` in source). Bundled into the layer as the
 * module `@serverless-platform/runtime`, together with the AWS SDK clients it uses, so the handler
 * zips hold only their own code: one copy of the SDK per function version, loaded from /opt.
 * Handlers reach the SDK only through here.
 */
export { buildInfo, type BuildInfo } from "./build-info";
export { resetClients, secretsManagerClient, sqsClient, ssmClient } from "./clients";
export {
  ConfigurationError,
  describeConfigStatus,
  loadConfig,
  OPTIONAL_PARAMETERS,
  PARAMETERS_PATH_VARIABLE,
  REQUIRED_PARAMETERS,
  requireConfig,
  resetConfig,
  RETRY_AFTER_MS,
  type ConfigStatus,
  type ParameterName,
  type PlatformConfig,
} from "./config";
export { enqueueJob, enqueueJobs, JOB_KINDS, MAX_BATCH, MAX_JOB_BYTES, parseJob, parseJobBody, type BatchResult, type Job, type JobKind, type ParsedJob } from "./jobs";
export { createLogger, logger, serializeError, type LogFields, type Logger, type LogLevel } from "./logger";
export { ORIGIN_CACHE_MS, ORIGIN_HEADER, ORIGIN_LIVE_STAGES, ORIGIN_REFRESH_AFTER_MISMATCH_MS, resetOrigin, verifyOrigin, type OriginVerdict } from "./origin";

import { resetClients } from "./clients";
import { resetConfig } from "./config";
import { resetOrigin } from "./origin";

/** A cold start, as far as this module is concerned: forget the configuration, the origin secret's values and the clients. */
export function resetRuntime(): void {
  resetConfig();
  resetOrigin();
  resetClients();
}

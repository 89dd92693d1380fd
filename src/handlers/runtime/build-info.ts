export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly builtAt: string;
}

/**
 * What was deployed: BUILD_VERSION, BUILD_COMMIT and BUILD_TIME from the function's environment
 * (set by the app layer). The version falls back to the one stamped into the bundle at synthesis
 * (`PLATFORM_BUNDLED_VERSION`, replaced by esbuild's `define`; unset when running from source).
 */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  return {
    version: env.BUILD_VERSION || process.env.PLATFORM_BUNDLED_VERSION || "unknown",
    commit: env.BUILD_COMMIT || "unknown",
    builtAt: env.BUILD_TIME || "unknown",
  };
}

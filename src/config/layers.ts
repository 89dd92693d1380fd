/** The per-environment layers in deployment order; each depends only on the ones before it. */
export const LAYERS = ["core", "infra", "app"] as const;
export type Layer = (typeof LAYERS)[number];

/** The stack naming contract users, the pipeline and tests rely on: `<layer>-<environment>`. */
export function stackName(layer: Layer, environment: string): string {
  return `${layer}-${environment}`;
}

export const BOOTSTRAP_STACK = "bootstrap";

/**
 * Names and tags for one environment of the project. Every AWS name starts with
 * `<project>-<environment>-` so IAM boundaries and dashboards can match an environment by prefix.
 */
export class Naming {
  constructor(
    readonly project: string,
    readonly environment: string,
  ) {}

  /** `<project>-<environment>`, the prefix of every name in this environment. */
  get prefix(): string {
    return `${this.project}-${this.environment}`;
  }

  /** `<project>-<environment>-<part>-...`, e.g. `platform-dev-alerts`. */
  name(...parts: string[]): string {
    return [this.prefix, ...parts].join("-");
  }

  /** A path-style name for log groups and SSM parameters, e.g. `/platform/dev/api`. */
  path(...parts: string[]): string {
    return ["", this.project, this.environment, ...parts].join("/");
  }

  tags(layer: string): Record<string, string> {
    return { project: this.project, environment: this.environment, layer, "managed-by": "cdktf" };
  }
}

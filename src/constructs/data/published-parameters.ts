import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { type Grantee, grant, sid } from "../iam/grants";

export interface PublishedParametersProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /**
   * Relative name -> value, e.g. `{"database/endpoint": db.endpoint, "queue/url": queue.url}`.
   * Values are locations (endpoints, URLs, ARNs, names), never secrets: publish a secret's ARN.
   */
  readonly parameters: Record<string, string>;
  /** Encrypts the parameters. Default: the AWS-managed `aws/ssm` key. */
  readonly kmsKeyArn?: string;
}

/** Segments that start with a letter or digit (no "." or ".." segments), joined by "/". */
const RELATIVE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;

/**
 * Publishes where things are under the environment's path (`/<project>/<env>/<name>`), so
 * applications, scripts and later layers look them up at run time instead of baking them in.
 *
 * They are SecureStrings although none is a secret: encryption costs nothing on standard
 * parameters, endpoints still describe the network to whoever reads them, and readers already get
 * `kms:Decrypt` through SSM from the workload boundary. Read them with `WithDecryption`.
 */
export class PublishedParameters extends Construct {
  /** Relative name -> parameter ARN. */
  readonly parameterArns: Record<string, string> = {};
  /** Relative name -> value: what the parameters hold, for a layer that hands them over at deploy time. */
  readonly values: Readonly<Record<string, string>>;
  /** Relative name -> full parameter name (`/platform/dev/database/endpoint`). */
  readonly parameterNames: Record<string, string> = {};
  /** Every parameter of the environment, for IAM: `arn:<partition>:ssm:<region>:<account>:parameter/<project>/<env>/*`. */
  readonly pathPrefix: string;
  /** The key the parameters are encrypted with; absent with `aws/ssm`. */
  readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: PublishedParametersProps) {
    super(scope, id);
    const { naming, account } = props;
    this.pathPrefix = account.arn("ssm", `parameter${naming.path()}/*`);
    this.kmsKeyArn = props.kmsKeyArn;
    this.values = { ...props.parameters };
    for (const [relative, value] of Object.entries(props.parameters)) {
      if (!RELATIVE_NAME.test(relative)) {
        throw new Error(`PublishedParameters: "${relative}" must be segments of letters, digits, "_", "." or "-" (starting with a letter or digit) joined by "/", such as "database/endpoint"`);
      }
      const name = naming.path(...relative.split("/"));
      const parameter = new SsmParameter(this, relative.replace(/\//g, "-"), {
        name,
        description: `${relative} of ${naming.prefix}`,
        type: "SecureString",
        keyId: props.kmsKeyArn,
        tier: "Standard",
        value,
      });
      this.parameterArns[relative] = parameter.arn;
      this.parameterNames[relative] = name;
    }
  }

  /**
   * Read every parameter of the environment, one by one or by path (`GetParametersByPath` is
   * authorized on the path itself, hence the prefix without `/*` as well).
   */
  grantRead(grantee: Grantee): void {
    grant(
      grantee,
      {
        sid: sid("read", this.node.id),
        actions: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
        resources: [this.pathPrefix.replace(/\/\*$/, ""), this.pathPrefix],
      },
      { keyArn: this.kmsKeyArn, service: "ssm" },
    );
  }
}

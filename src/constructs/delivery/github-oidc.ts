import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { type StateLocation, TerraformRoles } from "./terraform-roles";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The GitHub environment the workflow's apply job runs in; protect it with required reviewers. */
export const GITHUB_DEPLOY_ENVIRONMENT = "production";

export interface GithubOidcProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** `owner/name` of the repository whose workflows may assume the roles. */
  readonly repository: string;
  readonly states: readonly StateLocation[];
  readonly stateKmsKeyArns: readonly string[];
  readonly regions: readonly string[];
  /** The delivery boundary both roles carry. */
  readonly boundaryArn: string;
  /** Longest apply session in seconds; the workflow's apply job asks for exactly this (`role-duration-seconds`). */
  readonly applySessionSeconds: number;
}

/**
 * GitHub Actions as an alternative to the pipeline (.github/workflows/infrastructure.yml): the
 * account trusts GitHub's OIDC tokens, and two roles mirror the pipeline's plan and apply roles.
 * Pull requests may plan, without refresh: they run code from any branch, so the plan role reads
 * only state and data sources, never a secret or the environments' keys. Only jobs in the protected
 * `production` environment may apply (they plan with the apply role, refresh included).
 */
export class GithubOidc extends Construct {
  readonly provider: IamOpenidConnectProvider;
  readonly roles: TerraformRoles;

  constructor(scope: Construct, id: string, props: GithubOidcProps) {
    super(scope, id);
    const { account, repository } = props;
    this.provider = new IamOpenidConnectProvider(this, "provider", {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: ["sts.amazonaws.com"],
    });
    const trust = (id: string, subjects: string[]) =>
      new DataAwsIamPolicyDocument(this, id, {
        statement: [
          {
            sid: "GitHubActionsOfThisRepository",
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [{ type: "Federated", identifiers: [this.provider.arn] }],
            condition: [
              { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:aud`, values: ["sts.amazonaws.com"] },
              { test: "StringLike", variable: `${GITHUB_OIDC_HOST}:sub`, values: subjects },
            ],
          },
        ],
      }).json;
    this.roles = new TerraformRoles(this, "roles", {
      naming: props.naming,
      account,
      rolePart: "github",
      planTrustPolicy: trust("plan-trust", [`repo:${repository}:pull_request`]),
      planMode: "review",
      // Only the protected environment: GitHub creates any environment a workflow names, so
      // `environment:*` would let a branch's workflow name a fresh, unprotected one and apply.
      applyTrustPolicy: trust("apply-trust", [`repo:${repository}:environment:${GITHUB_DEPLOY_ENVIRONMENT}`]),
      states: props.states,
      stateKmsKeyArns: props.stateKmsKeyArns,
      regions: props.regions,
      boundaryArn: props.boundaryArn,
      applySessionSeconds: props.applySessionSeconds,
    });
  }
}

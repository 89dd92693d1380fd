import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";

/** What pushing an image takes (ECR user guide, "IAM permissions for pushing an image"), plus DescribeImages to find a tag already pushed. */
export const ECR_PUSH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:InitiateLayerUpload",
  "ecr:UploadLayerPart",
  "ecr:CompleteLayerUpload",
  "ecr:PutImage",
  "ecr:BatchGetImage",
  "ecr:DescribeImages",
];

/** Untagged images (superseded pushes, failed builds) are deleted this many days after their push. */
export const UNTAGGED_IMAGE_DAYS = 7;
/** Tagged images beyond the newest this many are deleted: enough to roll back a month of releases. */
export const TAGGED_IMAGES_KEPT = 30;

export interface ImageRepositoryProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** The repository's part of the name: `api` gives `platform-dev-api`. */
  readonly name: string;
  /** A customer-managed key; without one ECR encrypts with S3-managed keys (AES256). */
  readonly kmsKeyArn?: string;
  /** Refuse `destroy` and keep the images; when false the repository is deleted with its images. */
  readonly protectData: boolean;
  /**
   * Roles of another account that push images here: the backend pipeline's build role when the
   * environment runs outside the pipeline's account. ECR encrypts with the grant it holds on the
   * key, so pushers need no key permission. Default: none.
   */
  readonly crossAccountPushers?: readonly string[];
}

/**
 * The ECR repository the API image is pushed to. Tags are immutable, so a deployed tag always means
 * the same image (and the pipeline cannot overwrite what production runs); every push is scanned
 * for known vulnerabilities; old images expire so storage does not grow without bound.
 */
export class ImageRepository extends Construct {
  readonly repository: EcrRepository;
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
  readonly repositoryName: string;

  constructor(scope: Construct, id: string, props: ImageRepositoryProps) {
    super(scope, id);
    this.repository = new EcrRepository(this, "repository", {
      name: props.naming.name(props.name),
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [
        props.kmsKeyArn ? { encryptionType: "KMS", kmsKey: props.kmsKeyArn } : { encryptionType: "AES256" },
      ],
      forceDelete: !props.protectData,
      lifecycle: { preventDestroy: props.protectData },
    });
    new EcrLifecyclePolicy(this, "lifecycle-policy", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Expire untagged images ${UNTAGGED_IMAGE_DAYS} days after their push`,
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: UNTAGGED_IMAGE_DAYS },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Keep the newest ${TAGGED_IMAGES_KEPT} tagged images`,
            selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: TAGGED_IMAGES_KEPT },
            action: { type: "expire" },
          },
        ],
      }),
    });
    // Lambda pulls an image function's code as the Lambda service, which the repository must admit;
    // only this environment's functions of this account qualify.
    new EcrRepositoryPolicy(this, "policy", {
      repository: this.repository.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "LambdaPullsImagesOfThisEnvironmentsFunctions",
            Effect: "Allow",
            Principal: { Service: props.account.servicePrincipal("lambda") },
            Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Condition: {
              StringEquals: { "aws:SourceAccount": props.account.accountId },
              ArnLike: { "aws:SourceArn": props.account.arn("lambda", `function:${props.naming.prefix}-*`) },
            },
          },
          ...((props.crossAccountPushers ?? []).length > 0
            ? [
                {
                  Sid: "ThePipelinesBuildPushesFromItsAccount",
                  Effect: "Allow",
                  // Account roots narrowed by aws:PrincipalArn: a policy naming a role that does not exist yet is refused.
                  Principal: { AWS: [...new Set(props.crossAccountPushers!.map((arn) => `arn:${arn.split(":")[1]}:iam::${arn.split(":")[4]}:root`))] },
                  Action: ECR_PUSH_ACTIONS,
                  Condition: { ArnEquals: { "aws:PrincipalArn": props.crossAccountPushers } },
                },
              ]
            : []),
        ],
      }),
    });
    this.repositoryUrl = this.repository.repositoryUrl;
    this.repositoryArn = this.repository.arn;
    this.repositoryName = this.repository.name;
  }
}

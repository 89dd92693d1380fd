import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Testing } from "cdktf";
import { ImageRepository } from "../../src/constructs/registry/image-repository";
import { Naming } from "../../src/naming/naming";
import { AccountContext } from "../../src/constructs/account/account-context";

const naming = new Naming("platform", "dev");
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/abc";

function synth(props: { kmsKeyArn?: string; protectData: boolean }): string {
  return Testing.synthScope((scope) => new ImageRepository(scope, "images", { naming, account: new AccountContext(scope, "account"), name: "api", ...props }));
}

describe("ImageRepository", () => {
  it("has immutable tags, scans every push and encrypts with the key", () => {
    expect(synth({ kmsKeyArn: KEY, protectData: true })).toHaveResourceWithProperties(EcrRepository, {
      name: "platform-dev-api",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS", kms_key: KEY }],
    });
  });

  it("falls back to AES256 without a key", () => {
    expect(synth({ protectData: false })).toHaveResourceWithProperties(EcrRepository, { encryption_configuration: [{ encryption_type: "AES256" }] });
  });

  it("expires untagged images after 7 days and keeps the newest 30 tagged ones", () => {
    const policy = JSON.parse(Object.values<any>(JSON.parse(synth({ protectData: false })).resource.aws_ecr_lifecycle_policy)[0].policy);
    expect(policy.rules).toEqual([
      expect.objectContaining({ rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }, action: { type: "expire" } }),
      expect.objectContaining({ rulePriority: 2, selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } }),
    ]);
  });

  it("refuses destroy where data is protected and deletes with its images where it is not", () => {
    expect(synth({ protectData: true })).toHaveResourceWithProperties(EcrRepository, { force_delete: false, lifecycle: { prevent_destroy: true } });
    expect(synth({ protectData: false })).toHaveResourceWithProperties(EcrRepository, { force_delete: true, lifecycle: { prevent_destroy: false } });
  });

  it("lets the Lambda service pull images only for this environment's functions", () => {
    const policy = JSON.parse(Object.values<any>(JSON.parse(synth({ protectData: false })).resource.aws_ecr_repository_policy)[0].policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: expect.stringMatching(/^lambda\./) },
        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Condition: { StringEquals: { "aws:SourceAccount": expect.any(String) }, ArnLike: { "aws:SourceArn": expect.stringMatching(/:function:platform-dev-\*$/) } },
      }),
    ]);
  });
});

import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../src/config/problems";
import { DELIVERY_CONFIG_FILE, loadDeliveryConfig } from "../../src/config/delivery-schema";
import { projectCopy, readRepositoryJson, REPOSITORY_ROOT } from "../support/project";

type Json = Record<string, unknown>;

/** The problems loading reports for the shipped delivery.config.json changed by `edit`. */
function problemsWith(edit: (config: Json) => Json | string): string[] {
  const root = projectCopy();
  const edited = edit(readRepositoryJson(DELIVERY_CONFIG_FILE));
  writeFileSync(join(root, DELIVERY_CONFIG_FILE), typeof edited === "string" ? edited : JSON.stringify(edited));
  try {
    loadDeliveryConfig(root);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error("the configuration was accepted");
}

describe("delivery.config.json", () => {
  it("ships valid, promoting dev, stage, prod with an approval before prod and a pinned, checksummed Terraform", () => {
    const delivery = loadDeliveryConfig(REPOSITORY_ROOT)!;
    expect(delivery.environments).toEqual(["dev", "stage", "prod"]);
    expect(delivery.approvalBefore).toContain("prod");
    expect(delivery.terraform).toEqual({ version: "1.11.4", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(delivery.branch).toBe("main");
  });

  it("is optional: a project without it has no pipeline", () => {
    expect(loadDeliveryConfig(projectCopy(({ root }) => rmSync(join(root, "delivery.config.json"))))).toBeUndefined();
  });

  it("names an unknown environment, a bad repository and a bad checksum on one line each, with file, field and what is allowed", () => {
    const problems = problemsWith((config) => ({
      ...config,
      environments: ["dev", "qa", "prod"],
      repository: "not a repository",
      terraform: { version: "1.11.4", sha256: "ABC123" },
    }));
    expect(problems).toEqual([
      expect.stringMatching(/^delivery\.config\.json: repository: must be a GitHub repository "owner\/name".* \(got "not a repository"\)$/),
      expect.stringMatching(/^delivery\.config\.json: terraform\.sha256: must be the SHA-256 of terraform_<version>_linux_amd64\.zip.*64 lower-case hex digits \(got "ABC123"\)$/),
      "delivery.config.json: environments[1]: names no file environments/qa.json; allowed: dev, prod, stage",
    ]);
  });

  it("refuses approvals for environments it does not promote, prod without approval, duplicates and unknown fields", () => {
    expect(problemsWith((config) => ({ ...config, approvalBefore: ["staging"] }))).toEqual([
      'delivery.config.json: approvalBefore[0]: names "staging", which is not in "environments"; allowed: dev, stage, prod',
      'delivery.config.json: approvalBefore: must include "prod": every prod apply waits for a human to approve its plan',
    ]);
    expect(problemsWith((config) => ({ ...config, environments: ["dev", "dev"], approvalBefore: [] }))).toEqual([
      expect.stringMatching(/^delivery\.config\.json: environments: must not name an environment twice/),
    ]);
    expect(problemsWith((config) => ({ ...config, brnach: "main" }))).toEqual([
      expect.stringMatching(/^delivery\.config\.json: unknown field "brnach"; allowed fields: region, accountId, repository, branch, /),
    ]);
  });

  it("checks the connection ARN, region and version, and reports invalid JSON", () => {
    const problems = problemsWith((config) => ({
      ...config,
      connectionArn: "arn:aws:s3:::bucket",
      region: "mars-1",
      terraform: { version: "latest", sha256: "1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc" },
    }));
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^delivery\.config\.json: connectionArn: must be a CodeConnections/),
        expect.stringMatching(/^delivery\.config\.json: region: must be an AWS region code/),
        expect.stringMatching(/^delivery\.config\.json: terraform\.version: must be an exact Terraform release/),
      ]),
    );
    expect(problemsWith(() => "{ not json")).toEqual([expect.stringMatching(/^delivery\.config\.json: is not valid JSON: /)]);
  });

  it("refuses a Terraform older than 1.11, which cannot take write-only arguments", () => {
    const problems = problemsWith((config) => ({ ...config, terraform: { ...(config.terraform as Json), version: "1.10.5" } }));
    expect(problems).toEqual([expect.stringMatching(/^delivery\.config\.json: terraform\.version: must be Terraform 1\.11\.0 or later: the stacks use ephemeral resources and write-only arguments/)]);
    const root = projectCopy();
    const shippedConfig = readRepositoryJson(DELIVERY_CONFIG_FILE);
    writeFileSync(join(root, DELIVERY_CONFIG_FILE), JSON.stringify({ ...shippedConfig, terraform: { ...(shippedConfig.terraform as Json), version: "2.0.0" } }));
    expect(loadDeliveryConfig(root)?.terraform.version).toBe("2.0.0");
  });
});

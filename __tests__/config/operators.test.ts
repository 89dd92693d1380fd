import { configProblems, projectCopy, shippedEnvironment } from "../support/project";

/**
 * `operators` in an environment file: who may assume the environment's operator role and for how
 * long. What is refused is what would let more people in than the file says (a whole account, a
 * wildcard account, a pattern matching nearly every role), what IAM would refuse at apply (a
 * session ARN, a trust policy over 2,048 characters), and sessions longer than a working day.
 */

type Json = Record<string, any>;
type Edit = NonNullable<Parameters<typeof projectCopy>[0]>;

const SSO = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_PlatformOnCall_*";

function withOperators(operators: unknown, name = "stage"): Edit {
  return ({ read, write }) => {
    const environment: Json = read(`environments/${name}.json`);
    environment.operators = operators;
    write(`environments/${name}.json`, environment);
  };
}

const problemsWith = (operators: unknown) => configProblems(projectCopy(withOperators(operators)));

describe("operators", () => {
  it("are read from the shipped files: stage and prod name people on call, dev names nobody and gets no role", () => {
    expect(shippedEnvironment("stage").operators).toEqual({ principals: [SSO], sessionHours: 4 });
    expect(shippedEnvironment("prod").operators).toEqual({ principals: [SSO, "arn:aws:iam::123456789012:user/oncall-breakglass"], sessionHours: 2 });
    expect(shippedEnvironment("dev").operators).toBeUndefined();
  });

  it("default to sessions of 4 hours", () => {
    const root = projectCopy(withOperators({ principals: ["arn:aws:iam::123456789012:user/alice"] }));
    expect(() => configProblems(root)).toThrow("the configuration was accepted");
  });

  const refused: [string, unknown, RegExp | RegExp[]][] = [
    [
      "a bare account id",
      { principals: ["123456789012"] },
      /^environments\/stage\.json: operators\.principals\[0\]: names a whole account: every principal of 123456789012 allowed to call sts:AssumeRole could operate the environment; name IAM users or roles, or narrow the account with a pattern such as "arn:aws:iam::123456789012:role\/aws-reserved\/sso\.amazonaws\.com\/\*AWSReservedSSO_PlatformOnCall_\*" \(got "123456789012"\)$/,
    ],
    [
      "an account root",
      { principals: ["arn:aws:iam::210987654321:root"] },
      /^environments\/stage\.json: operators\.principals\[0\]: names a whole account: every principal of 210987654321 .* such as "arn:aws:iam::210987654321:role\/aws-reserved\/sso\.amazonaws\.com\/\*AWSReservedSSO_PlatformOnCall_\*"/,
    ],
    ["every principal", { principals: ["*"] }, /^environments\/stage\.json: operators\.principals\[0\]: names every AWS principal: anyone allowed to call sts:AssumeRole anywhere could operate the environment; name IAM users or roles/],
    [
      "a wildcard account",
      { principals: ["arn:aws:iam::*:role/oncall"] },
      /^environments\/stage\.json: operators\.principals\[0\]: must name its account with 12 digits, never a wildcard: a pattern may only match users or roles of one named account/,
    ],
    [
      "a role session instead of its role",
      { principals: ["arn:aws:sts::123456789012:assumed-role/OnCall/alice"] },
      /^environments\/stage\.json: operators\.principals\[0\]: is a role session, whose name changes with every sign-in; name the role it belongs to: "arn:aws:iam::123456789012:role\/OnCall" \(or a pattern of it\)/,
    ],
    [
      "a pattern matching nearly every role",
      { principals: ["arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*"] },
      /^environments\/stage\.json: operators\.principals\[0\]: matches nearly every role of 123456789012 \(the name "\*" holds fewer than 3 characters besides wildcards\); narrow it/,
    ],
    [
      "an IAM group (groups cannot assume roles)",
      { principals: ["arn:aws:iam::123456789012:group/oncall"] },
      /^environments\/stage\.json: operators\.principals\[0\]: must be an IAM user or role ARN such as "arn:aws:iam::123456789012:user\/alice", or a pattern of them/,
    ],
    [
      "nobody",
      { principals: [] },
      /^environments\/stage\.json: operators\.principals: names nobody; list the IAM users or roles of the people on call, or remove operators \(no operator role is created then\)/,
    ],
    ["no principals at all", { sessionHours: 2 }, /^environments\/stage\.json: operators\.principals: is required and must be a list of IAM user or role ARNs/],
    [
      "the same person twice",
      { principals: ["arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/alice"] },
      /^environments\/stage\.json: operators\.principals\[1\]: arn:aws:iam::123456789012:user\/alice is listed twice; list each principal once$/,
    ],
    [
      "a session longer than a working day",
      { principals: [SSO], sessionHours: 12 },
      /^environments\/stage\.json: operators\.sessionHours: must be at most 8 hours \(got 12\)$/,
    ],
    ["a session of half an hour", { principals: [SSO], sessionHours: 0.5 }, /^environments\/stage\.json: operators\.sessionHours: must be a whole number of hours between 1 and 8 \(got 0\.5\)$/],
    [
      "a misspelt field",
      { principal: [SSO] },
      [/^environments\/stage\.json: operators\.principals: is required/, /^environments\/stage\.json: operators: unknown field "principal"; allowed fields: principals, sessionHours$/],
    ],
  ];

  it.each(refused)("refuse %s, naming the field and the fix", (_label, operators, message) => {
    expect(problemsWith(operators)).toEqual([message].flat().map((line) => expect.stringMatching(line)));
  });

  it("refuse more people than a trust policy holds, and accept as many as fit", () => {
    // The trust policy's default quota is 2,048 characters; each user ARN here takes about 45.
    const users = (count: number) => Array.from({ length: count }, (_, index) => `arn:aws:iam::123456789012:user/oncall-${String(index).padStart(2, "0")}`);
    const fits = (count: number) => {
      try {
        configProblems(projectCopy(withOperators({ principals: users(count) })));
        return false;
      } catch (error) {
        if (String(error).includes("the configuration was accepted")) return true;
        throw error;
      }
    };
    expect(fits(30)).toBe(true);
    expect(problemsWith({ principals: users(40) })).toEqual([
      expect.stringMatching(
        /^environments\/stage\.json: operators\.principals: make a trust policy of about \d{4} characters, over IAM's 2048; name a role or an Identity Center permission set pattern the people share instead of each person/,
      ),
    ]);
  });
});

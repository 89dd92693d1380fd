import { join } from "node:path";
import { synthesizeEveryStack } from "../support/every-stack";
import { REPOSITORY_ROOT } from "../support/project";
import { resourcesOf, synthesizeStacks, type StackJson } from "../support/synth";

/**
 * The statements of every KMS key policy and every SNS topic policy of every stack (shipped
 * environments, examples, toggle matrix, pipeline, and the three-account example), pinned here as
 * what users are promised: who may use each key and how, who may publish to each topic, and that
 * nothing publishes without TLS. A statement added, dropped or loosened fails; the simulation tier
 * (`__tests__/iam`) shows what the statements allow, this shows that they are the promised ones.
 *
 * `<account>` and `<region>` stand for the stack's own account and region (its account data
 * sources), `<this topic>` for the topic the policy is attached to.
 */

type Json = Record<string, any>;
interface Stack {
  readonly name: string;
  readonly json: StackJson;
}

let stacks: Stack[];
let multiAccount: Stack[];
beforeAll(() => {
  stacks = synthesizeEveryStack().map(({ name, json }) => ({ name, json }));
  multiAccount = [...synthesizeStacks(join(REPOSITORY_ROOT, "environments", "examples", "multi-account"))].map(([name, json]) => ({ name: `multi-account.${name}`, json }));
}, 180_000);

/** The stack's own account, region and partition, as the account context's data sources give them. */
function readable(text: string): string {
  return text
    .replace(/\$\{data\.aws_partition\.[^.}]+\.partition\}/g, "aws")
    .replace(/\$\{data\.aws_partition\.[^.}]+\.dns_suffix\}/g, "amazonaws.com")
    .replace(/\$\{data\.aws_caller_identity\.[^.}]+\.account_id\}/g, "<account>")
    .replace(/\$\{data\.aws_region\.[^.}]+\.(region|name)\}/g, "<region>");
}

/** Statements by Sid; fails on a statement without a Sid or two with the same. */
function bySid<T extends Json>(statements: T[], sidOf: (statement: T) => string | undefined, where: string): Record<string, T> {
  const sids = statements.map(sidOf);
  expect([where, sids.filter((sid) => !sid)]).toEqual([where, []]);
  expect([where, sids.filter((sid, index) => sids.indexOf(sid) !== index)]).toEqual([where, []]);
  return Object.fromEntries(statements.map((statement) => [sidOf(statement)!, statement]));
}

interface Key {
  readonly where: string;
  /** The construct path of the key: `<stack>/<construct>/key`. */
  readonly path: string;
  readonly statements: Record<string, Json>;
}

function keysOf(from: readonly Stack[]): Key[] {
  return from.flatMap((stack) =>
    resourcesOf(stack.json)
      .filter(([type]) => type === "aws_kms_key")
      .map(([, name, body]) => {
        const where = `${stack.name}: aws_kms_key.${name}`;
        const policy = JSON.parse(readable(body.policy));
        expect([where, policy.Version]).toEqual([where, "2012-10-17"]);
        return { where, path: body["//"].metadata.path, statements: bySid<Json>(policy.Statement, (statement) => statement.Sid, where) };
      }),
  );
}

const ACCOUNT_ADMINISTERS_THROUGH_IAM = {
  Effect: "Allow",
  Sid: "AccountAdministersKeyThroughIam",
  Principal: { AWS: "arn:aws:iam::<account>:root" },
  Action: "kms:*",
  Resource: "*",
};

/** CloudWatch Logs encrypting this account's and region's log groups with the key. */
const logsEncryptLogGroups = (sid: string) => ({
  Effect: "Allow",
  Sid: sid,
  Principal: { Service: "logs.<region>.amazonaws.com" },
  Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
  // Only for log groups of this account and region.
  Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:<region>:<account>:log-group:*" } },
  Resource: "*",
});

/** The environment key (and, without `features.kmsKey`, the alert topic's own key): the services that encrypt with it on their own behalf. */
const ENVIRONMENT_KEY = {
  AccountAdministersKeyThroughIam: ACCOUNT_ADMINISTERS_THROUGH_IAM,
  CloudWatchLogsEncryptsLogGroups: logsEncryptLogGroups("CloudWatchLogsEncryptsLogGroups"),
  AlarmsEventsAndBackupPublishToThisAccountsTopics: {
    Effect: "Allow",
    Sid: "AlarmsEventsAndBackupPublishToThisAccountsTopics",
    Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com"] },
    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
    // Only for topics of this account and region: never another account's alarms or rules.
    Condition: { ArnLike: { "kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:<region>:<account>:*" } },
    Resource: "*",
  },
  CloudFrontReadsSiteObjects: {
    Effect: "Allow",
    Sid: "CloudFrontReadsSiteObjects",
    Principal: { Service: "cloudfront.amazonaws.com" },
    Action: ["kms:Decrypt"],
    // Only this account's distributions: another account's distribution must not read the site.
    Condition: { StringLike: { "AWS:SourceArn": "arn:aws:cloudfront::<account>:distribution/*" } },
    Resource: "*",
  },
  LogDeliveryEncryptsCdnAccessLogs: {
    Effect: "Allow",
    Sid: "LogDeliveryEncryptsCdnAccessLogs",
    Principal: { Service: "delivery.logs.amazonaws.com" },
    Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
    Condition: {
      StringEquals: { "aws:SourceAccount": "<account>" },
      // CloudFront's log deliveries live in us-east-1.
      ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:<account>:*" },
    },
    Resource: "*",
  },
};

/** The pipeline key: artifacts (through IAM), build logs, and the pipeline's event notifications. */
const PIPELINE_KEY = {
  AccountAdministersKeyThroughIam: ACCOUNT_ADMINISTERS_THROUGH_IAM,
  CloudWatchLogsEncryptsBuildLogs: logsEncryptLogGroups("CloudWatchLogsEncryptsBuildLogs"),
  NotificationsPublishToEncryptedTopic: {
    Effect: "Allow",
    Sid: "NotificationsPublishToEncryptedTopic",
    Principal: { Service: "codestar-notifications.amazonaws.com" },
    Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
    // Through SNS only.
    Condition: { StringEquals: { "kms:ViaService": "sns.<region>.amazonaws.com" } },
    Resource: "*",
  },
};

/** The DR vault's key and, in one account, the state key: the account, through IAM, and nobody else. */
const ACCOUNT_ONLY_KEY = { AccountAdministersKeyThroughIam: ACCOUNT_ADMINISTERS_THROUGH_IAM };

/** What kind of key a construct path is; a key of no known kind fails, so that no key goes unread. */
function kindOf(key: Key): "environment" | "pipeline" | "dr" | "state" {
  const construct = key.path.split("/").slice(1).join("/");
  if (/^core-[^/]+$/.test(key.path.split("/")[0]) && (construct === "kms/key" || construct === "alerts-kms/key")) return "environment";
  if (key.path === "pipeline/artifacts/key") return "pipeline";
  if (/^app-[^/]+$/.test(key.path.split("/")[0]) && construct === "backup/dr-key") return "dr";
  if (key.path === "bootstrap/state/key") return "state";
  throw new Error(`${key.where} (${key.path}): a KMS key this test does not know; pin its policy's statements here`);
}

describe("every KMS key policy", () => {
  it("is one of the four promised policies, statement for statement, in every stack", () => {
    const keys = keysOf(stacks);
    const kinds = keys.map(kindOf);
    // Each kind exists in what users get, so none of the checks below runs over nothing.
    expect([...new Set(kinds)].sort()).toEqual(["dr", "environment", "pipeline", "state"]);
    // Without features.kmsKey the alert topic gets a key of its own, with the same policy.
    expect(keys.some((key) => key.path.endsWith("/alerts-kms/key"))).toBe(true);
    expect(keys.some((key) => key.path.endsWith("/kms/key") && !key.path.endsWith("/alerts-kms/key"))).toBe(true);
    keys.forEach((key, index) => {
      const expected = { environment: ENVIRONMENT_KEY, pipeline: PIPELINE_KEY, dr: ACCOUNT_ONLY_KEY, state: ACCOUNT_ONLY_KEY }[kinds[index]];
      expect([key.where, key.statements]).toEqual([key.where, expected]);
    });
  });

  it("of the state key admits the environment accounts' deploy roles only, through S3 only, in the three-account layout", () => {
    const keys = keysOf(multiAccount).filter((key) => kindOf(key) === "state");
    expect(keys.map((key) => key.where)).toEqual([expect.stringMatching(/^multi-account\.bootstrap: /)]);
    expect(keys[0].statements).toEqual({
      AccountAdministersKeyThroughIam: ACCOUNT_ADMINISTERS_THROUGH_IAM,
      OtherAccountsDeployRolesUseTheKeyThroughS3: {
        Effect: "Allow",
        Sid: "OtherAccountsDeployRolesUseTheKeyThroughS3",
        Principal: { AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"] },
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        Condition: {
          ArnEquals: {
            "aws:PrincipalArn": [
              "arn:aws:iam::222222222222:role/platform-dev-deploy-plan",
              "arn:aws:iam::222222222222:role/platform-dev-deploy-apply",
              "arn:aws:iam::333333333333:role/platform-prod-deploy-plan",
              "arn:aws:iam::333333333333:role/platform-prod-deploy-apply",
              "arn:aws:iam::222222222222:role/platform-stage-deploy-plan",
              "arn:aws:iam::222222222222:role/platform-stage-deploy-apply",
            ],
          },
          StringEquals: { "kms:ViaService": "s3.<region>.amazonaws.com" },
        },
        Resource: "*",
      },
    });
    // The other keys of the layout are the single-account ones.
    for (const key of keysOf(multiAccount).filter((candidate) => kindOf(candidate) !== "state")) {
      const expected = { environment: ENVIRONMENT_KEY, pipeline: PIPELINE_KEY, dr: ACCOUNT_ONLY_KEY }[kindOf(key) as "environment" | "pipeline" | "dr"];
      expect([key.where, key.statements]).toEqual([key.where, expected]);
    }
  });
});

/** The topic policy document behind each `aws_sns_topic_policy`, in the data source's own form, with the topic it is attached to. */
function topicPolicies(from: readonly Stack[]): { where: string; topic: string; statements: Record<string, Json> }[] {
  return from.flatMap((stack) =>
    resourcesOf(stack.json)
      .filter(([type]) => type === "aws_sns_topic_policy")
      .map(([, name, body]) => {
        const where = `${stack.name}: aws_sns_topic_policy.${name}`;
        const documentId = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(body.policy)?.[1];
        if (!documentId) throw new Error(`${where}: the policy is not a policy document data source (${String(body.policy).slice(0, 80)})`);
        const topic = /^\$\{(aws_sns_topic\.[^.]+)\.arn\}$/.exec(body.arn)?.[1];
        if (!topic) throw new Error(`${where}: attached to ${body.arn}, not to a topic of the stack`);
        const document = JSON.parse(readable(JSON.stringify(stack.json.data.aws_iam_policy_document[documentId])).split(`\${${topic}.arn}`).join("<this topic>"));
        return { where, topic, statements: bySid<Json>(document.statement, (statement) => statement.sid, where) };
      }),
  );
}

/** Every topic (the environments' alert topics, the pipeline's event topic): this account's alarms, rules, notifications and backups publish, over TLS only. */
const TOPIC_POLICY = {
  AccountServicesPublishAlerts: {
    sid: "AccountServicesPublishAlerts",
    principals: [
      { type: "Service", identifiers: ["cloudwatch.amazonaws.com", "events.amazonaws.com", "codestar-notifications.amazonaws.com", "backup.amazonaws.com"] },
    ],
    actions: ["sns:Publish"],
    resources: ["<this topic>"],
    // Acting for this account only: never another account's alarm or rule (confused deputy).
    condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["<account>"] }],
  },
  DenyPublishWithoutTls: {
    sid: "DenyPublishWithoutTls",
    effect: "Deny",
    principals: [{ type: "*", identifiers: ["*"] }],
    actions: ["sns:Publish"],
    resources: ["<this topic>"],
    condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  },
};

describe("every SNS topic", () => {
  it("has exactly one policy, and it is the promised one: this account's services publish, nobody without TLS", () => {
    for (const from of [stacks, multiAccount]) {
      const topics = from.flatMap((stack) => resourcesOf(stack.json).filter(([type]) => type === "aws_sns_topic").map(([, name]) => `${stack.name}: aws_sns_topic.${name}`));
      const policies = topicPolicies(from);
      // One alert topic per environment and the pipeline's event topic: never an empty loop.
      expect(topics.filter((topic) => /^(multi-account\.)?core-/.test(topic)).length).toBeGreaterThan(2);
      expect(topics.filter((topic) => /^(multi-account\.)?pipeline: /.test(topic))).toHaveLength(1);
      expect(policies.map((policy) => `${policy.where.split(":")[0]}: ${policy.topic}`).sort()).toEqual([...topics].sort());
      for (const policy of policies) expect([policy.where, policy.statements]).toEqual([policy.where, TOPIC_POLICY]);
    }
  });
});

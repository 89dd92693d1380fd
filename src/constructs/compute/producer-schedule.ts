import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { grant, RoleGrants } from "../iam/grants";
import type { PlatformFunction } from "./platform-function";
import { assumedBy } from "../iam/assumed-by";

/** Scheduler retries a failed delivery twice, for at most an hour, then dead-letters the event. */
export const SCHEDULE_RETRY = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } as const;

export interface ProducerScheduleProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** The infra layer's schedule group (`ScheduleGroup.name`). */
  readonly groupName: string;
  /** `rate(15 minutes)`, `cron(0 3 * * ? *)` or `at(2030-01-01T00:00:00)`. */
  readonly expression: string;
  /** IANA time zone cron expressions are evaluated in. Default `UTC`. */
  readonly timezone?: string;
  readonly fn: PlatformFunction;
  /** Where events go that could not be delivered after the retries: the work queue's dead-letter queue. */
  readonly deadLetterQueueArn: string;
  /** The permissions boundary of the AWS service roles of the environment (core's `serviceBoundaryArn`). */
  readonly serviceRoleBoundaryArn: string;
  /** Encrypts the schedule's payload; the dead-letter queue is encrypted with it too. Default: AWS-owned keys. */
  readonly kmsKeyArn?: string;
  /** The schedule's part of the name: `producer` gives `platform-dev-producer`. Default `"producer"`. */
  readonly name?: string;
  /** The JSON event the function receives. Default `{"source":"schedule","schedule":"<schedule name>"}`. */
  readonly input?: string;
}

/**
 * Runs the producer function on a schedule with EventBridge Scheduler, in the environment's
 * schedule group. Exactly on time (no flexible window), two retries within an hour, then the event
 * goes to the dead-letter queue so a missed run is visible instead of lost. The schedule has its
 * own role that may invoke this one function and write to that one queue.
 */
export class ProducerSchedule extends Construct {
  readonly schedule: SchedulerSchedule;
  readonly role: IamRole;
  readonly grants: RoleGrants;
  readonly scheduleName: string;
  readonly scheduleArn: string;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ProducerScheduleProps) {
    super(scope, id);
    const { naming, account, kmsKeyArn } = props;
    const name = naming.name(props.name ?? "producer");
    // Known before the schedule exists, so the role's policy can name it without a dependency cycle.
    const scheduleArn = account.arn("scheduler", `schedule/${props.groupName}/${name}`);

    const trust = assumedBy(this, "trust", account, "scheduler");
    // A service role, not a workload role: the workload boundary's kms:ViaService rule would refuse
    // the payload decryption Scheduler performs with this role.
    this.role = new IamRole(this, "role", {
      name: naming.name(props.name ?? "producer", "schedule"),
      permissionsBoundary: props.serviceRoleBoundaryArn,
      description: `EventBridge Scheduler invokes ${props.fn.functionName} for the ${name} schedule`,
      assumeRolePolicy: trust,
    });
    this.grants = new RoleGrants(this, "grants", {
      roleName: this.role.name,
      statements: [{ sid: "InvokeProducer", actions: ["lambda:InvokeFunction"], resources: [props.fn.functionArn] }],
    });
    grant(
      this.grants,
      { sid: "DeadLetterUndeliveredEvents", actions: ["sqs:SendMessage"], resources: [props.deadLetterQueueArn] },
      { keyArn: kmsKeyArn, service: "sqs", write: true },
    );
    if (kmsKeyArn) {
      // Scheduler decrypts the payload with the schedule's role; the encryption context names the schedule.
      this.grants.addToPrincipalPolicy({
        sid: "DecryptSchedulePayload",
        actions: ["kms:Decrypt"],
        resources: [kmsKeyArn],
        condition: [{ test: "StringEquals", variable: "kms:EncryptionContext:aws:scheduler:schedule-arn", values: [scheduleArn] }],
      });
    }

    this.schedule = new SchedulerSchedule(this, "schedule", {
      name,
      groupName: props.groupName,
      description: `Runs ${name} on ${props.expression}`,
      scheduleExpression: props.expression,
      scheduleExpressionTimezone: props.timezone ?? "UTC",
      state: "ENABLED",
      flexibleTimeWindow: { mode: "OFF" },
      kmsKeyArn,
      target: {
        arn: props.fn.functionArn,
        roleArn: this.role.arn,
        input: props.input ?? JSON.stringify({ source: "schedule", schedule: name }),
        retryPolicy: { ...SCHEDULE_RETRY },
        deadLetterConfig: { arn: props.deadLetterQueueArn },
      },
      // The first run must find the role able to invoke.
      dependsOn: [this.grants.policy],
    });
    this.scheduleName = this.schedule.name;
    this.scheduleArn = this.schedule.arn;
    this.roleArn = this.role.arn;
  }
}

import { SchedulerScheduleGroup } from "@cdktf/provider-aws/lib/scheduler-schedule-group";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";

export interface ScheduleGroupProps {
  readonly naming: Naming;
}

/**
 * The EventBridge Scheduler group of the environment (named like the environment, `platform-dev`).
 * The app layer adds its schedules to it, so IAM policies and tag-based views can address every
 * schedule of an environment through the group, and deleting the group removes them all.
 */
export class ScheduleGroup extends Construct {
  readonly group: SchedulerScheduleGroup;
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: ScheduleGroupProps) {
    super(scope, id);
    this.group = new SchedulerScheduleGroup(this, "group", { name: props.naming.prefix });
    this.name = this.group.name;
    this.arn = this.group.arn;
  }
}

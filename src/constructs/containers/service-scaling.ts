import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";

/** When to scale an ECS service to zero and back, in Application Auto Scaling schedule syntax. */
export interface OffHoursSchedule {
  /** When to scale to zero tasks, e.g. `cron(0 20 ? * MON-FRI *)`. */
  readonly scaleDown: string;
  /** When to scale back to `minCount`-`maxCount`, e.g. `cron(0 7 ? * MON-FRI *)`. */
  readonly scaleUp: string;
  /** The IANA time zone both cron expressions are read in, e.g. `Europe/Dublin`. */
  readonly timezone: string;
}

export interface ServiceScalingProps {
  readonly naming: Naming;
  readonly clusterName: string;
  readonly serviceName: string;
  /** Fewest tasks while the service is up. */
  readonly minCount: number;
  /** Most tasks. */
  readonly maxCount: number;
  /** The average CPU utilisation (percent) target tracking holds the service at. */
  readonly targetCpuPercent: number;
  /** Seconds after a scale-in before the next one. Default 300: removing tasks too eagerly flaps. */
  readonly scaleInCooldownSeconds?: number;
  /** Seconds after a scale-out before the next one. Default 60. */
  readonly scaleOutCooldownSeconds?: number;
  /** Scale to zero outside working hours. Default: always on. */
  readonly offHours?: OffHoursSchedule;
}

/**
 * The service's task count: target tracking on average CPU between `minCount` and `maxCount`, and
 * optionally zero tasks outside working hours.
 *
 * Design document 004 asks for "a Lambda scheduler that scales the service down off-hours". For ECS,
 * Application Auto Scaling's scheduled actions do exactly that natively: at `scaleDown` they set
 * the range to 0-0, at `scaleUp` back to `minCount`-`maxCount`, in the environment's time zone.
 * No function, role, schedule or code to maintain, and target tracking cannot fight the schedule
 * because both move the same range.
 */
export class ServiceScaling extends Construct {
  readonly target: AppautoscalingTarget;
  readonly cpuPolicy: AppautoscalingPolicy;
  /** Only with `offHours`. */
  readonly scaleDownAction?: AppautoscalingScheduledAction;
  /** Only with `offHours`. */
  readonly scaleUpAction?: AppautoscalingScheduledAction;

  constructor(scope: Construct, id: string, props: ServiceScalingProps) {
    super(scope, id);
    const { naming } = props;
    if (props.minCount > props.maxCount) throw new Error(`ServiceScaling: minCount (${props.minCount}) is above maxCount (${props.maxCount})`);

    this.target = new AppautoscalingTarget(this, "target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.minCount,
      maxCapacity: props.maxCount,
      // With off-hours the scheduled actions own the range: an apply at night must not put the
      // daytime range back (and the tasks with it) until the next scale-down. New minCount and
      // maxCount values reach the service with the next scale-up.
      lifecycle: props.offHours ? { ignoreChanges: ["min_capacity", "max_capacity"] } : undefined,
    });
    const scalable = {
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
    };

    this.cpuPolicy = new AppautoscalingPolicy(this, "cpu", {
      name: naming.name("api", "cpu-target"),
      policyType: "TargetTrackingScaling",
      ...scalable,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: props.targetCpuPercent,
        scaleInCooldown: props.scaleInCooldownSeconds ?? 300,
        scaleOutCooldown: props.scaleOutCooldownSeconds ?? 60,
      },
    });

    if (props.offHours) {
      const { offHours } = props;
      // Application Auto Scaling rejects concurrent changes to one target (ConcurrentUpdateException):
      // policy, scale-down and scale-up are created one after the other.
      this.scaleDownAction = new AppautoscalingScheduledAction(this, "scale-down", {
        name: naming.name("api", "off-hours-down"),
        ...scalable,
        schedule: offHours.scaleDown,
        timezone: offHours.timezone,
        scalableTargetAction: { minCapacity: "0", maxCapacity: "0" },
        dependsOn: [this.cpuPolicy],
      });
      this.scaleUpAction = new AppautoscalingScheduledAction(this, "scale-up", {
        name: naming.name("api", "off-hours-up"),
        ...scalable,
        schedule: offHours.scaleUp,
        timezone: offHours.timezone,
        scalableTargetAction: { minCapacity: String(props.minCount), maxCapacity: String(props.maxCount) },
        dependsOn: [this.scaleDownAction],
      });
    }
  }
}

import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import { type AlarmSpec, alarmDescription, planAlarms } from "./alarm-plan";
import type { AlarmThresholds, ObservedResources } from "./observed-resources";

export interface PlatformAlarmsProps {
  readonly naming: Naming;
  /** What exists in the environment; the alarm set follows it (see `planAlarms`). */
  readonly resources: ObservedResources;
  /** The environment's `alarms` block. */
  readonly thresholds: AlarmThresholds;
  /**
   * The core layer's alert topic: notified when an alarm fires and again when it recovers. With a
   * customer-managed key its policy must let `cloudwatch.<dnsSuffix>` use the key (the platform key does);
   * CloudWatch cannot publish to a topic encrypted with the AWS-managed `alias/aws/sns` key.
   */
  readonly alertTopicArn: string;
}

/**
 * The environment's alarms (design documents 001 and 002), one `aws_cloudwatch_metric_alarm` per
 * `AlarmSpec` from `planAlarms`, named `<prefix>-<what>`. Each notifies the alert topic when it
 * fires and when it is OK again, so a resolved incident is visible in the same inbox; none
 * notifies on insufficient data, which here only means idle.
 */
export class PlatformAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];
  /** `<prefix>-<what>`, in the order of `specs`. */
  readonly alarmNames: string[];
  /** For the dashboard's alarm-status widget. */
  readonly alarmArns: string[];
  /** What each alarm watches, for listings and tests. */
  readonly specs: AlarmSpec[];

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    const { naming, alertTopicArn } = props;
    this.specs = planAlarms(props.resources, props.thresholds);
    for (const fn of props.resources.functions) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(fn.label)) throw new Error(`PlatformAlarms: function label "${fn.label}" must be lower-case letters, digits and "-"`);
    }
    const ids = new Set<string>();
    for (const spec of this.specs) {
      if (ids.has(spec.id)) throw new Error(`PlatformAlarms: two alarms would be named ${naming.name(spec.id)}; function labels must be unique`);
      ids.add(spec.id);
    }
    this.alarms = this.specs.map(
      (spec) =>
        new CloudwatchMetricAlarm(this, spec.id, {
          alarmName: naming.name(spec.id),
          alarmDescription: alarmDescription(spec),
          comparisonOperator: spec.comparison,
          threshold: spec.threshold,
          evaluationPeriods: spec.evaluationPeriods,
          datapointsToAlarm: spec.datapointsToAlarm,
          treatMissingData: spec.treatMissingData,
          alarmActions: [alertTopicArn],
          okActions: [alertTopicArn],
          ...condition(spec),
        }),
    );
    this.alarmNames = this.specs.map((spec) => naming.name(spec.id));
    this.alarmArns = this.alarms.map((alarm) => alarm.arn);
  }
}

function condition(spec: AlarmSpec): Partial<CloudwatchMetricAlarmConfig> {
  const { condition } = spec;
  if (condition.kind === "math") {
    return {
      metricQuery: [
        { id: "result", expression: condition.expression, label: condition.label, returnData: true },
        ...Object.entries(condition.metrics).map(([id, metric]) => ({
          id,
          returnData: false,
          metric: { namespace: metric.namespace, metricName: metric.metricName, dimensions: metric.dimensions, stat: metric.statistic, period: condition.period },
        })),
      ],
    };
  }
  const percentile = /^p\d+(\.\d+)?$/.test(condition.statistic);
  return {
    namespace: condition.metric.namespace,
    metricName: condition.metric.metricName,
    dimensions: condition.metric.dimensions,
    period: condition.period,
    ...(percentile
      ? {
          extendedStatistic: condition.statistic,
          // A p90 over a handful of requests is one cold start: keep the previous state instead.
          evaluateLowSampleCountPercentiles: "ignore",
        }
      : { statistic: condition.statistic }),
  };
}

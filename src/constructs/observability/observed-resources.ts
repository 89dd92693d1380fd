import type { z } from "zod";
import type { alarmsSchema } from "../../config/environment-schema";

/** The `alarms` block of an environment file, defaults applied (see `alarmsSchema`). */
export type AlarmThresholds = z.output<typeof alarmsSchema>;

/** One Lambda function to watch. */
export interface ObservedFunction {
  /** Short, stable name used in alarm names and graph labels, e.g. `worker` (`platform-dev-worker-errors`). */
  readonly label: string;
  /** The `FunctionName` dimension of `AWS/Lambda`. */
  readonly functionName: string;
}

/**
 * What exists in an environment, as the names and ids CloudWatch metrics are keyed by. The
 * dashboard and the alarms are generated from this description alone, so turning a feature on or
 * off (ECS instead of the API function, RDS Proxy, the DynamoDB table) changes both without edits.
 * Every field may be a Terraform token (cross-stack references included).
 */
export interface ObservedResources {
  /** The region the metrics live in; dashboard graphs need it. */
  readonly region: string;
  /** The HTTP API front door: `AWS/ApiGateway` with dimensions `ApiId` and `Stage`. It exists in both compute modes. */
  readonly httpApi: { readonly apiId: string; readonly stage: string };
  /** The functions: the API (Lambda mode), the worker, the producer. Empty: no Lambda graphs or alarms. */
  readonly functions: readonly ObservedFunction[];
  /** The ALB in front of the ECS service: `AWS/ApplicationELB` dimensions `LoadBalancer` (`app/<name>/<id>`) and `TargetGroup` (`targetgroup/<name>/<id>`). ECS mode only. */
  readonly loadBalancer?: { readonly arnSuffix: string; readonly targetGroupArnSuffix: string };
  /** The ECS service: `AWS/ECS` and `ECS/ContainerInsights` dimensions `ClusterName` and `ServiceName`. ECS mode only. */
  readonly ecsService?: { readonly clusterName: string; readonly serviceName: string };
  /** The Aurora cluster: `AWS/RDS` dimension `DBClusterIdentifier`. */
  readonly database: { readonly clusterIdentifier: string };
  /** The RDS Proxy, when there is one: `AWS/RDS` dimension `ProxyName`. */
  readonly databaseProxy?: { readonly name: string };
  /**
   * The ElastiCache Serverless cache: `AWS/ElastiCache` dimension `clusterId` (the cache's name;
   * serverless caches publish under this dimension only, not `CacheClusterId`), and its usage
   * limits, which the compute and storage alarms are relative to.
   */
  readonly cache: { readonly name: string; readonly maxEcpuPerSecond: number; readonly maxStorageGb: number };
  /** The work queue and its dead-letter queue: `AWS/SQS` dimension `QueueName`. */
  readonly queue: { readonly name: string; readonly deadLetterQueueName: string };
  /** The application table, when there is one: `AWS/DynamoDB` dimension `TableName`. */
  readonly table?: { readonly name: string };
}

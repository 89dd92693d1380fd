import { ElasticacheServerlessCache } from "@cdktf/provider-aws/lib/elasticache-serverless-cache";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";

/** The `cache` block of an environment file (see `cacheSchema`). */
export interface ServerlessCacheSettings {
  /** `valkey` (Valkey 8, metered from 100 MB) or `redis` (Redis OSS 7, metered from 1 GB). */
  readonly engine: "valkey" | "redis";
  /** Data storage limit in GB. */
  readonly maxStorageGb: number;
  /** Compute limit in ElastiCache Processing Units per second. */
  readonly maxEcpuPerSecond: number;
}

export interface ServerlessCacheProps {
  readonly naming: Naming;
  readonly settings: ServerlessCacheSettings;
  /** `prevent_destroy` and a week of daily snapshots (else one day). */
  readonly protectData: boolean;
  /** Encrypts data at rest and snapshots. Default: an AWS-owned key. */
  readonly kmsKeyArn?: string;
  /** The cache security group. */
  readonly securityGroupIds: string[];
  /** The data subnets, one per availability zone (2 or 3). */
  readonly subnetIds: string[];
  /** Daily snapshots kept, 1-35. Default 7 with `protectData`, else 1. */
  readonly snapshotRetentionDays?: number;
}

const MAJOR_VERSION: Record<ServerlessCacheSettings["engine"], string> = { valkey: "8", redis: "7" };
/** UTC, inside the quiet hours of the database's backup window. */
const DAILY_SNAPSHOT_TIME = "02:30";

/**
 * ElastiCache Serverless (Valkey or Redis OSS) in the data subnets. Serverless caches always
 * encrypt in transit: clients must connect with TLS, there is no switch to turn it off.
 * Usage limits cap what a runaway client can cost.
 */
export class ServerlessCache extends Construct {
  readonly cache: ElasticacheServerlessCache;
  /** The primary endpoint's host name; connect with TLS (`rediss://`). */
  readonly endpointAddress: string;
  readonly port: number;
  readonly arn: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: ServerlessCacheProps) {
    super(scope, id);
    const { naming, settings, protectData } = props;
    const retention = props.snapshotRetentionDays ?? (protectData ? 7 : 1);
    if (!Number.isInteger(retention) || retention < 1 || retention > 35) {
      throw new Error(`ServerlessCache: snapshotRetentionDays must be a whole number from 1 to 35 (got ${retention})`);
    }
    this.cache = new ElasticacheServerlessCache(this, "cache", {
      name: naming.name("cache"),
      description: `Cache of ${naming.prefix}`,
      engine: settings.engine,
      majorEngineVersion: MAJOR_VERSION[settings.engine],
      cacheUsageLimits: [
        {
          dataStorage: [{ maximum: settings.maxStorageGb, unit: "GB" }],
          ecpuPerSecond: [{ maximum: settings.maxEcpuPerSecond }],
        },
      ],
      kmsKeyId: props.kmsKeyArn,
      securityGroupIds: props.securityGroupIds,
      subnetIds: props.subnetIds,
      dailySnapshotTime: DAILY_SNAPSHOT_TIME,
      snapshotRetentionLimit: retention,
      lifecycle: { preventDestroy: protectData },
    });
    this.endpointAddress = this.cache.endpoint.get(0).address;
    this.port = this.cache.endpoint.get(0).port;
    this.arn = this.cache.arn;
    this.name = this.cache.name;
  }
}

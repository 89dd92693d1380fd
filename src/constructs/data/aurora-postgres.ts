import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbProxy } from "@cdktf/provider-aws/lib/db-proxy";
import { DbProxyDefaultTargetGroup } from "@cdktf/provider-aws/lib/db-proxy-default-target-group";
import { DbProxyTarget } from "@cdktf/provider-aws/lib/db-proxy-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { type Grantee, grant, sid } from "../iam/grants";
import { assumedBy } from "../iam/assumed-by";

/** The `database` block of an environment file (see `databaseSchema`). */
export interface AuroraPostgresSettings {
  /** Minimum ACU; 0 lets the cluster pause when idle. */
  readonly minCapacity: number;
  /** Maximum ACU. */
  readonly maxCapacity: number;
  /** Idle seconds before a cluster with `minCapacity` 0 pauses (300-86400); ignored otherwise. */
  readonly secondsUntilAutoPause: number;
  /** Reader instances beside the writer (0-15). */
  readonly readers: number;
  /** Automated backup retention in days (1-35). */
  readonly backupRetentionDays: number;
  /** RDS Proxy in front of the cluster; refused together with `minCapacity` 0. */
  readonly rdsProxy: boolean;
}

export interface AuroraPostgresProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  readonly settings: AuroraPostgresSettings;
  /** `prevent_destroy`, deletion protection, a final snapshot and retained automated backups. */
  readonly protectData: boolean;
  /** Encrypts storage, the master secret, Performance Insights and the exported logs. Default: AWS-managed keys. */
  readonly kmsKeyArn?: string;
  /** The DB subnet group of the data subnets. */
  readonly dbSubnetGroupName: string;
  /** The permissions boundary of the AWS service roles of the environment (core's `serviceBoundaryArn`). */
  readonly serviceRoleBoundaryArn: string;
  /** The database security group, on the cluster and on the proxy. */
  readonly securityGroupIds: string[];
  /** Where the proxy's network interfaces go (only used with `settings.rdsProxy`). */
  readonly proxySubnetIds: string[];
  /** The database created with the cluster. Default `"app"`. */
  readonly databaseName?: string;
  /**
   * Availability zones the instances are spread over, writer first, then round-robin. Default:
   * RDS places each instance in one of the subnet group's zones.
   */
  readonly availabilityZones?: string[];
}

/**
 * 16.3 is the first Aurora PostgreSQL 16 release that can scale to 0 ACU. The cluster ignores later
 * changes of this value because minor versions move on by themselves (`auto_minor_version_upgrade`):
 * pinning the exact minor would make every plan after an automatic upgrade try a downgrade.
 */
const ENGINE_VERSION = "16.6";
const PORT = 5432;
// UTC; the maintenance window starts after the backup window ends so the two never overlap.
const BACKUP_WINDOW = "02:00-03:00";
const MAINTENANCE_WINDOW = "sun:03:30-sun:04:30";
/** Performance Insights keeps 7 days of history at no charge. */
const PERFORMANCE_INSIGHTS_FREE_RETENTION_DAYS = 7;
/**
 * Enhanced Monitoring ships OS metrics to CloudWatch Logs: at one sample a minute that is a few
 * hundred MB a month per instance (cents), and nothing while a paused instance sends nothing.
 * The finer intervals cost proportionally more and add little for a serverless instance.
 */
const ENHANCED_MONITORING_INTERVAL_SECONDS = 60;

/**
 * Aurora Serverless v2 PostgreSQL 16: a writer plus `readers` readers, all `db.serverless`, with
 * the master password generated and rotated by RDS in Secrets Manager, IAM database
 * authentication, TLS-only connections, slow-query and DDL logging exported to a KMS-encrypted log
 * group, Performance Insights (free tier) and Enhanced Monitoring. With `settings.rdsProxy` an RDS
 * Proxy (TLS and IAM authentication required) pools connections in front of it.
 */
export class AuroraPostgres extends Construct {
  readonly cluster: RdsCluster;
  readonly instances: RdsClusterInstance[];
  readonly clusterArn: string;
  readonly clusterIdentifier: string;
  /** The writer endpoint. */
  readonly endpoint: string;
  readonly readerEndpoint: string;
  readonly port: number = PORT;
  /** The master user, the one the RDS-managed secret holds and, through the proxy, IAM tokens name. */
  readonly masterUsername = "postgres";
  /** The RDS-managed secret holding `{"username", "password"}` of the master user. */
  readonly masterSecretArn: string;
  readonly databaseName: string;
  /** The cluster resource id, for `rds-db:connect` ARNs (`dbuser:<resourceId>/<user>`). */
  readonly clusterResourceId: string;
  /** Present with `settings.rdsProxy`: connect here instead of `endpoint`. */
  readonly proxyEndpoint?: string;
  readonly proxyArn?: string;
  /** The proxy's name, the `ProxyName` dimension of its metrics; only with `settings.rdsProxy`. */
  readonly proxyName?: string;
  /** The key of storage and the master secret; absent with AWS-managed keys. */
  readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: AuroraPostgresProps) {
    super(scope, id);
    const { naming, account, settings, protectData, kmsKeyArn } = props;
    validate(settings);
    this.kmsKeyArn = kmsKeyArn;
    const identifier = naming.name("db");
    this.databaseName = props.databaseName ?? "app";

    const parameters = new RdsClusterParameterGroup(this, "parameters", {
      name: naming.name("db", "aurora-postgresql16"),
      family: "aurora-postgresql16",
      description: `Logging and TLS settings of ${identifier}`,
      // All dynamic parameters: they take effect without a reboot.
      parameter: [
        // Only TLS connections; IAM authentication tokens must never cross the network in clear text.
        { name: "rds.force_ssl", value: "1" },
        // Slow queries (over a second) and every schema change; logging every statement would cost
        // more in CloudWatch Logs than the database itself for a busy application.
        { name: "log_min_duration_statement", value: "1000" },
        { name: "log_statement", value: "ddl" },
        { name: "log_lock_waits", value: "1" },
      ],
    });

    // RDS would create this group itself on the first export, unencrypted and kept forever.
    const postgresLogs = new CloudwatchLogGroup(this, "postgresql-logs", {
      name: `/aws/rds/cluster/${identifier}/postgresql`,
      kmsKeyId: kmsKeyArn,
    });

    const pausing = settings.minCapacity === 0;
    this.cluster = new RdsCluster(this, "cluster", {
      clusterIdentifier: identifier,
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      engineVersion: ENGINE_VERSION,
      databaseName: this.databaseName,
      port: PORT,
      masterUsername: this.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: kmsKeyArn,
      iamDatabaseAuthenticationEnabled: true,
      serverlessv2ScalingConfiguration: {
        minCapacity: settings.minCapacity,
        maxCapacity: settings.maxCapacity,
        secondsUntilAutoPause: pausing ? settings.secondsUntilAutoPause : undefined,
      },
      dbSubnetGroupName: props.dbSubnetGroupName,
      vpcSecurityGroupIds: props.securityGroupIds,
      dbClusterParameterGroupName: parameters.name,
      storageEncrypted: true,
      kmsKeyId: kmsKeyArn,
      backupRetentionPeriod: settings.backupRetentionDays,
      preferredBackupWindow: BACKUP_WINDOW,
      preferredMaintenanceWindow: MAINTENANCE_WINDOW,
      copyTagsToSnapshot: true,
      enabledCloudwatchLogsExports: ["postgresql"],
      deletionProtection: protectData,
      skipFinalSnapshot: !protectData,
      finalSnapshotIdentifier: protectData ? `${identifier}-final` : undefined,
      // Point-in-time recovery stays possible for the retention period after a deletion.
      deleteAutomatedBackups: !protectData,
      dependsOn: [postgresLogs],
      // AWS Backup's continuous (point-in-time) rule takes over the cluster's automated backups, after
      // which RDS refuses any change to their retention or window.
      lifecycle: { preventDestroy: protectData, ignoreChanges: ["engine_version", "backup_retention_period", "preferred_backup_window"] },
    });
    this.clusterArn = this.cluster.arn;
    this.clusterIdentifier = this.cluster.clusterIdentifier;
    this.endpoint = this.cluster.endpoint;
    this.readerEndpoint = this.cluster.readerEndpoint;
    this.clusterResourceId = this.cluster.clusterResourceId;
    this.masterSecretArn = this.cluster.masterUserSecret.get(0).secretArn;

    const monitoringRole = new IamRole(this, "monitoring-role", {
      name: naming.name("db", "monitoring"),
      permissionsBoundary: props.serviceRoleBoundaryArn,
      description: `Enhanced Monitoring of ${identifier} publishes OS metrics to CloudWatch Logs`,
      assumeRolePolicy: assumedBy(this, "monitoring-trust", account, "monitoring.rds"),
    });
    // RDS checks the role's permissions when monitoring is turned on: instances wait for them.
    const monitoringPolicy = new IamRolePolicyAttachment(this, "monitoring-policy", {
      role: monitoringRole.name,
      policyArn: `arn:${account.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    });

    this.instances = [];
    const zones = props.availabilityZones ?? [];
    for (let index = 0; index <= settings.readers; index++) {
      const writer = index === 0;
      this.instances.push(
        new RdsClusterInstance(this, `instance-${index + 1}`, {
          identifier: `${identifier}-${index + 1}`,
          clusterIdentifier: this.cluster.id,
          engine: this.cluster.engine,
          engineVersion: this.cluster.engineVersion,
          instanceClass: "db.serverless",
          dbSubnetGroupName: props.dbSubnetGroupName,
          availabilityZone: zones.length > 0 ? zones[index % zones.length] : undefined,
          // Readers in tiers 0-1 follow the writer's capacity, so a failover lands on a warm
          // instance, and they pause and resume together with the writer.
          promotionTier: writer ? 0 : 1,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: true,
          copyTagsToSnapshot: true,
          performanceInsightsEnabled: true,
          performanceInsightsKmsKeyId: kmsKeyArn,
          performanceInsightsRetentionPeriod: PERFORMANCE_INSIGHTS_FREE_RETENTION_DAYS,
          monitoringInterval: ENHANCED_MONITORING_INTERVAL_SECONDS,
          monitoringRoleArn: monitoringRole.arn,
          // The first instance that becomes available is the writer: readers wait for it.
          dependsOn: writer ? [monitoringPolicy] : [monitoringPolicy, this.instances[0]],
        }),
      );
    }

    if (settings.rdsProxy) {
      const proxy = this.createProxy(props, identifier);
      this.proxyEndpoint = proxy.endpoint;
      this.proxyArn = proxy.arn;
      this.proxyName = proxy.name;
    }
  }

  /**
   * Everything the app needs to log in the way this cluster is provisioned: through the proxy with
   * an IAM token for the master user (the proxy requires IAM authentication), otherwise with the
   * RDS-managed secret. The secret stays readable in both cases, for migrations run directly
   * against the cluster.
   */
  grantAppLogin(grantee: Grantee): void {
    this.grantReadMasterSecret(grantee);
    if (this.proxyArn) this.grantConnect(grantee, this.masterUsername);
  }

  /** `iam` when clients must log in with IAM tokens (through the proxy), `secret` when with the master secret. */
  get appAuthentication(): "iam" | "secret" {
    return this.proxyArn ? "iam" : "secret";
  }

  /** Read the RDS-managed master user secret (`{"username", "password"}`), e.g. for migrations. */
  grantReadMasterSecret(grantee: Grantee): void {
    grant(
      grantee,
      { sid: sid("read", this.node.id, "master-secret"), actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], resources: [this.masterSecretArn] },
      { keyArn: this.kmsKeyArn, service: "secretsmanager" },
    );
  }

  /**
   * Log in as `dbUser` with an IAM authentication token, directly and, with `settings.rdsProxy`,
   * through the proxy (whose token names the proxy: `dbuser:prx-<id>/<user>`). The user must exist
   * in the database with `GRANT rds_iam TO <user>`.
   */
  grantConnect(grantee: Grantee, dbUser: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(dbUser)) throw new Error(`AuroraPostgres.grantConnect: "${dbUser}" is not a plain PostgreSQL user name`);
    // arn:<partition>:rds:<region>:<account>:cluster:<name> -> arn:<partition>:rds-db:<region>:<account>:dbuser:
    const dbUserArnPrefix = (arn: string, kind: string) => Fn.replace(arn, `/^arn:([^:]+):rds:([^:]+):([^:]+):${kind}:.*$/`, "arn:$1:rds-db:$2:$3:dbuser:");
    const resources = [`${dbUserArnPrefix(this.clusterArn, "cluster")}${this.clusterResourceId}/${dbUser}`];
    if (this.proxyArn) {
      // A proxy's resource id is the last part of its ARN (`...:db-proxy:prx-0123abcd`).
      resources.push(Fn.replace(this.proxyArn, "/^arn:([^:]+):rds:([^:]+):([^:]+):db-proxy:(.+)$/", `arn:$1:rds-db:$2:$3:dbuser:$4/${dbUser}`));
    }
    grant(grantee, { sid: sid("connect", this.node.id, "as", dbUser), actions: ["rds-db:connect"], resources });
  }

  private createProxy(props: AuroraPostgresProps, identifier: string): DbProxy {
    const { naming, account, kmsKeyArn } = props;
    const role = new IamRole(this, "proxy-role", {
      name: naming.name("db", "proxy"),
      permissionsBoundary: props.serviceRoleBoundaryArn,
      description: `RDS Proxy of ${identifier} reads the master user secret`,
      assumeRolePolicy: assumedBy(this, "proxy-trust", account, "rds"),
    });
    const access = new DataAwsIamPolicyDocument(this, "proxy-access", {
      statement: [
        {
          sid: "ReadMasterSecret",
          actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
          resources: [this.masterSecretArn],
        },
        // Without a customer key the secret uses aws/secretsmanager, which any principal of the
        // account may use through Secrets Manager.
        ...(kmsKeyArn
          ? [
              {
                sid: "DecryptMasterSecret",
                actions: ["kms:Decrypt"],
                resources: [kmsKeyArn],
                condition: [
                  {
                    test: "StringEquals",
                    variable: "kms:ViaService",
                    values: [account.servicePrincipal(`secretsmanager.${account.region}`)],
                  },
                ],
              },
            ]
          : []),
      ],
    });
    const policy = new IamRolePolicy(this, "proxy-policy", { name: "read-master-secret", role: role.id, policy: access.json });

    const proxy = new DbProxy(this, "proxy", {
      name: naming.name("db", "proxy"),
      engineFamily: "POSTGRESQL",
      roleArn: role.arn,
      requireTls: true,
      vpcSubnetIds: props.proxySubnetIds,
      vpcSecurityGroupIds: props.securityGroupIds,
      auth: [
        {
          description: "Clients authenticate with IAM tokens; the proxy logs in with the master secret",
          authScheme: "SECRETS",
          iamAuth: "REQUIRED",
          secretArn: this.masterSecretArn,
        },
      ],
      dependsOn: [policy],
    });
    const targetGroup = new DbProxyDefaultTargetGroup(this, "proxy-target-group", {
      dbProxyName: proxy.name,
      connectionPoolConfig: {
        // Leave room for administrators and migrations to connect directly.
        maxConnectionsPercent: 90,
        maxIdleConnectionsPercent: 50,
        connectionBorrowTimeout: 120,
      },
    });
    new DbProxyTarget(this, "proxy-target", {
      dbProxyName: proxy.name,
      targetGroupName: targetGroup.name,
      dbClusterIdentifier: this.cluster.clusterIdentifier,
      // The proxy can register the cluster only once an instance is available.
      dependsOn: [this.instances[0]],
    });
    return proxy;
  }
}

function validate(settings: AuroraPostgresSettings): void {
  if (!Number.isInteger(settings.readers) || settings.readers < 0 || settings.readers > 15) {
    throw new Error(`AuroraPostgres: readers must be a whole number from 0 to 15 (got ${settings.readers})`);
  }
  if (settings.minCapacity > settings.maxCapacity) {
    throw new Error(`AuroraPostgres: minCapacity (${settings.minCapacity}) is above maxCapacity (${settings.maxCapacity})`);
  }
  if (settings.rdsProxy && settings.minCapacity === 0) {
    throw new Error("AuroraPostgres: RDS Proxy keeps the cluster from pausing; use minCapacity 0.5 or more with rdsProxy");
  }
}


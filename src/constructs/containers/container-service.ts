import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import type { SecureBucket } from "../storage/secure-bucket";
import { ApiLoadBalancer } from "./load-balancer";
import { type OffHoursSchedule, ServiceScaling } from "./service-scaling";
import { TaskRoles } from "./task-roles";

/** The one container of the task; the load balancer and log streams refer to it by this name. */
export const CONTAINER_NAME = "api";

/** Writable scratch space under the read-only root file system (the task's ephemeral storage). */
export const SCRATCH_PATH = "/tmp";

/**
 * How ECS starts the API image: the image's own entry point is Lambda's runtime interface client,
 * which serves no port, so the task runs an HTTP server from the same image instead.
 */
export interface ServerProcess {
  readonly entryPoint: string[];
  readonly command: string[];
}

/** The TypeScript API's server (`src/handlers/api/server.ts`), staged by scripts/ci/backend-build.sh beside the handler. */
export const NODE_API_SERVER: ServerProcess = { entryPoint: ["node"], command: ["/var/task/server.js"] };
/**
 * The Python app under uvicorn (`app/platform_app/server.py`), from the task root the image's
 * working directory is; the base image's interpreter, by path, since ECS runs no login shell.
 */
export const PYTHON_API_SERVER: ServerProcess = { entryPoint: ["/var/lang/bin/python3"], command: ["-m", "platform_app.server"] };
/** The variable the server reads its port from; always the container port, so it is not configurable separately. */
export const PORT_VARIABLE = "PORT";

/** Sizing and scaling of the service: `compute.ecs` of the environment file. */
export interface ContainerServiceSettings {
  /** Task CPU units (256, 512, 1024, 2048 or 4096). */
  readonly cpu: number;
  /** Task memory in MiB; Fargate allows a range per CPU size. */
  readonly memoryMb: number;
  /** The port the container listens on; the load balancer forwards and health-checks there. */
  readonly containerPort: number;
  /** Fewest tasks while the service is up. */
  readonly minCount: number;
  /** Most tasks. */
  readonly maxCount: number;
  /** Average CPU percent target tracking aims for. */
  readonly targetCpuPercent: number;
  /** Scale to zero outside working hours. Default: always on. */
  readonly offHours?: OffHoursSchedule;
}

export interface ContainerServiceNetwork {
  readonly vpcId: string;
  /** The tasks' and the internal load balancer's subnets; nothing here gets a public address. */
  readonly privateSubnetIds: string[];
  /** The tasks' group: in from the load balancer on the container port, out to the data tier and HTTPS. */
  readonly appSecurityGroupId: string;
  /** The load balancer's group: 80 in from the API's VPC link, the container port out to the app group. */
  readonly loadBalancerSecurityGroupId: string;
}

export interface ContainerServiceProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** Encrypts the container's log group, and the secrets' key the execution role may decrypt with. Default: AWS-managed encryption. */
  readonly kmsKeyArn?: string;
  /** Deletion protection on the load balancer and `prevent_destroy` on its access-log bucket. */
  readonly protectData: boolean;
  readonly network: ContainerServiceNetwork;
  /** `<repositoryUrl>:<tag>` or `<repositoryUrl>@sha256:<digest>`. */
  readonly imageUri: string;
  /** What the container runs: the HTTP server of the image's app (`PYTHON_API_SERVER`, `NODE_API_SERVER`). */
  readonly server: ServerProcess;
  /** Repositories the execution role may pull from. Default: every repository named `<project>-<env>-*`. */
  readonly repositoryArns?: string[];
  readonly settings: ContainerServiceSettings;
  /** Plain configuration as environment variables (names, paths, endpoints; never secret values). `PORT` is set from `settings.containerPort`. */
  readonly environment: Record<string, string>;
  /**
   * Environment variable name to Secrets Manager secret ARN, or `<secret arn>:<json key>::` for one
   * key of a JSON secret. ECS resolves them when a task starts; the execution role may read exactly these.
   * Use complete ARNs (with the random suffix), as Terraform reports them.
   */
  readonly secrets: Record<string, string>;
  /** Permissions boundary of the execution and task roles. */
  readonly boundaryArn: string;
  /** Where S3 server access logs of the load balancer's log bucket go. Default: not logged. */
  readonly bucketAccessLogs?: SecureBucket;
  /** Seconds the service ignores failing load balancer health checks of a new task. Default 60. */
  readonly healthCheckGracePeriodSeconds?: number;
}

const byName = (values: Record<string, string>) => Object.keys(values).sort();

/**
 * The API on ECS Fargate behind an Application Load Balancer (design document 004's container
 * alternative to the API function).
 *
 * - Cluster with Container Insights; the container logs to its own log group (`awslogs`).
 * - An ARM64 Fargate task with one container: read-only root file system (with a scratch `/tmp`),
 *   plain configuration as environment variables, secrets injected from Secrets Manager by ARN.
 * - The service runs in the private subnets without public addresses behind the load balancer;
 *   a deployment whose tasks do not become healthy is rolled back (circuit breaker); no ECS Exec.
 * - The task count belongs to Application Auto Scaling (target tracking on CPU, optional
 *   off-hours scale to zero), so Terraform sets it only when the service is created.
 */
export class ContainerService extends Construct {
  readonly cluster: EcsCluster;
  readonly service: EcsService;
  readonly taskDefinition: EcsTaskDefinition;
  readonly logGroup: CloudwatchLogGroup;
  readonly loadBalancer: ApiLoadBalancer;
  readonly scaling: ServiceScaling;
  /** The application's role; grant what the code calls to it (it starts with no permissions). */
  readonly taskRole: IamRole;
  readonly executionRole: IamRole;

  readonly clusterName: string;
  readonly serviceName: string;
  readonly loadBalancerArn: string;
  /** `app/<name>/<id>`: the `LoadBalancer` dimension of CloudWatch metrics. */
  readonly loadBalancerArnSuffix: string;
  readonly loadBalancerDnsName: string;
  /** The port-80 listener: the target of the HTTP API's VPC link integration. */
  readonly listenerArn: string;
  /** The load balancer's hosted zone, for Route53 alias records. */
  readonly loadBalancerZoneId: string;
  readonly targetGroupArn: string;
  /** `targetgroup/<name>/<id>`: the `TargetGroup` dimension of CloudWatch metrics. */
  readonly targetGroupArnSuffix: string;
  readonly taskRoleArn: string;
  readonly taskRoleName: string;
  readonly executionRoleArn: string;
  readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: ContainerServiceProps) {
    super(scope, id);
    const { naming, account, settings, network } = props;
    const both = Object.keys(props.environment).filter((name) => name in props.secrets);
    if (both.length > 0) throw new Error(`ContainerService: ${both.join(", ")} given both as plain environment and as secret`);
    if (PORT_VARIABLE in props.environment || PORT_VARIABLE in props.secrets) {
      throw new Error(`ContainerService: ${PORT_VARIABLE} is set from settings.containerPort; do not pass it in environment or secrets`);
    }

    this.cluster = new EcsCluster(this, "cluster", {
      name: naming.name("cluster"),
      // Per-task CPU, memory and network metrics; "enhanced" adds per-container detail at a higher price.
      setting: [{ name: "containerInsights", value: "enabled" }],
    });

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: naming.path("ecs", CONTAINER_NAME),
      kmsKeyId: props.kmsKeyArn,
    });

    const roles = new TaskRoles(this, "roles", {
      naming,
      account,
      boundaryArn: props.boundaryArn,
      logGroupArn: this.logGroup.arn,
      repositoryArns: props.repositoryArns,
      secretValueFroms: Object.values(props.secrets),
      kmsKeyArn: props.kmsKeyArn,
    });
    this.taskRole = roles.taskRole;
    this.executionRole = roles.executionRole;

    const plain: Record<string, string> = { ...props.environment, [PORT_VARIABLE]: String(settings.containerPort) };
    const environment = byName(plain).map((name) => ({ name, value: plain[name] }));
    const secrets = byName(props.secrets).map((name) => ({ name, valueFrom: props.secrets[name] }));
    const container = {
      name: CONTAINER_NAME,
      image: props.imageUri,
      essential: true,
      entryPoint: props.server.entryPoint,
      command: props.server.command,
      portMappings: [{ containerPort: settings.containerPort, hostPort: settings.containerPort, protocol: "tcp" }],
      // The image cannot be changed at run time; code that needs scratch files gets /tmp.
      readonlyRootFilesystem: true,
      mountPoints: [{ sourceVolume: "scratch", containerPath: SCRATCH_PATH, readOnly: false }],
      environment,
      ...(secrets.length > 0 ? { secrets } : {}),
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": this.logGroup.name, "awslogs-region": account.region, "awslogs-stream-prefix": CONTAINER_NAME },
      },
      // No container health check: the load balancer's target group checks /health and ECS
      // replaces tasks it reports unhealthy.
    };
    this.taskDefinition = new EcsTaskDefinition(this, "task-definition", {
      family: naming.name("api"),
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      // Graviton: about 20 % cheaper than x86 for the same vCPU and memory; the image must be arm64.
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" },
      cpu: String(settings.cpu),
      memory: String(settings.memoryMb),
      executionRoleArn: roles.executionRole.arn,
      taskRoleArn: roles.taskRole.arn,
      // A bind mount without a host path lives on the task's ephemeral storage.
      volume: [{ name: "scratch" }],
      containerDefinitions: JSON.stringify([container]),
    });

    this.loadBalancer = new ApiLoadBalancer(this, "load-balancer", {
      naming,
      account,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      securityGroupId: network.loadBalancerSecurityGroupId,
      targetPort: settings.containerPort,
      protectData: props.protectData,
      bucketAccessLogs: props.bucketAccessLogs,
    });

    this.service = new EcsService(this, "service", {
      name: naming.name("api"),
      cluster: this.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      // Only the first value counts: afterwards Application Auto Scaling owns the count.
      desiredCount: settings.minCount,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      networkConfiguration: {
        subnets: network.privateSubnetIds,
        securityGroups: [network.appSecurityGroupId],
        assignPublicIp: false,
      },
      loadBalancer: [{ targetGroupArn: this.loadBalancer.targetGroupArn, containerName: CONTAINER_NAME, containerPort: settings.containerPort }],
      healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds ?? 60,
      // No shell into production tasks: debugging goes through logs and metrics.
      enableExecuteCommand: false,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      // Autoscaling owns the task count and the backend pipeline rolls new task definition revisions
      // (new image digests); an apply must not undo either.
      lifecycle: { ignoreChanges: ["desired_count", "task_definition"] },
      // ECS refuses a target group that no listener uses yet.
      dependsOn: [this.loadBalancer.httpListener],
    });

    this.scaling = new ServiceScaling(this, "scaling", {
      naming,
      clusterName: this.cluster.name,
      serviceName: this.service.name,
      minCount: settings.minCount,
      maxCount: settings.maxCount,
      targetCpuPercent: settings.targetCpuPercent,
      offHours: settings.offHours,
    });

    this.clusterName = this.cluster.name;
    this.serviceName = this.service.name;
    this.loadBalancerArn = this.loadBalancer.loadBalancerArn;
    this.loadBalancerArnSuffix = this.loadBalancer.loadBalancerArnSuffix;
    this.loadBalancerDnsName = this.loadBalancer.dnsName;
    this.listenerArn = this.loadBalancer.httpListener.arn;
    this.loadBalancerZoneId = this.loadBalancer.zoneId;
    this.targetGroupArn = this.loadBalancer.targetGroupArn;
    this.targetGroupArnSuffix = this.loadBalancer.targetGroupArnSuffix;
    this.taskRoleArn = this.taskRole.arn;
    this.taskRoleName = this.taskRole.name;
    this.executionRoleArn = this.executionRole.arn;
    this.logGroupName = this.logGroup.name;
  }
}

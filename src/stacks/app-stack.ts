import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2VpcLink } from "@cdktf/provider-aws/lib/apigatewayv2-vpc-link";
import { Fn } from "cdktf";
import type { Construct } from "constructs";
import { ipv6EgressReach } from "../config/dual-stack";
import { AccountContext } from "../constructs/account/account-context";
import { PlatformBackup } from "../constructs/backup/platform-backup";
import { ApiRoutes, API_ROUTE_KEYS } from "../constructs/compute/api-routes";
import { FunctionBundles, type HandlerName, LAMBDA_HANDLER } from "../constructs/compute/function-bundles";
import { type FunctionCode, LambdaLayer, NODE_RUNTIME, PlatformFunction } from "../constructs/compute/platform-function";
import { PYTHON_HANDLERS, PYTHON_RUNTIME, PythonBundles } from "../constructs/compute/python-bundles";
import { ProducerSchedule } from "../constructs/compute/producer-schedule";
import { QueueTrigger } from "../constructs/compute/queue-trigger";
import { ContainerService, NODE_API_SERVER, PYTHON_API_SERVER } from "../constructs/containers/container-service";
import { type Grantee, RoleGrants } from "../constructs/iam/grants";
import type { ObservedResources } from "../constructs/observability/observed-resources";
import { PlatformAlarms } from "../constructs/observability/platform-alarms";
import { PlatformDashboard } from "../constructs/observability/platform-dashboard";
import { OperatorRole } from "../constructs/operations/operator-role";
import { EDGE_REGION } from "../config/aws-regions";
import type { CoreStack } from "./core-stack";
import type { InfraStack } from "./infra-stack";
import { LayerStack, type LayerStackProps } from "./layer-stack";

export interface AppStackProps extends LayerStackProps {
  readonly core: CoreStack;
  readonly infra: InfraStack;
}

/**
 * `app-<env>`: the workloads and their wiring: the API (a function, or ECS Fargate behind a load
 * balancer), the queue worker and the scheduled producer, each with a role of its own whose grants
 * read as one line each below, plus the API routes, the queue trigger and the schedule.
 */
export class AppStack extends LayerStack {
  readonly api?: PlatformFunction;
  readonly apiService?: ContainerService;
  readonly worker: PlatformFunction;
  readonly producer: PlatformFunction;
  readonly alarms: PlatformAlarms;
  readonly dashboard: PlatformDashboard;
  readonly backup: PlatformBackup;

  constructor(scope: Construct, props: AppStackProps) {
    super(scope, "app", props);
    const { environment, naming } = this;
    const { core, infra } = props;
    const { compute } = environment;
    const { kmsKeyArn } = core;
    const account = new AccountContext(this, "account");

    // Functions find everything else under this path (endpoints and ARNs, never secret values).
    const ipv6 = environment.network.ipv6Egress;
    const reach = ipv6 ? ipv6EgressReach(environment.region) : undefined;
    // Over IPv6 the functions cannot reach SSM (no dual-stack endpoint): they get the very values
    // infra publishes there, as JSON, when this layer is applied (src/config/dual-stack.ts).
    const parametersAtDeployTime = reach?.atDeployTime.includes("ssm") ?? false;
    const configuration = {
      PLATFORM_PARAMETERS_PATH: naming.path(),
      BUILD_VERSION: compute.image,
      // The APIs the app reaches over IPv6 (its boto3 clients ask for their dual-stack endpoints).
      ...(reach ? { PLATFORM_DUALSTACK_SERVICES: reach.dualStack.join(",") } : {}),
      ...(parametersAtDeployTime ? { PLATFORM_PARAMETERS: Fn.jsonencode(infra.parameters.values) } : {}),
    };
    const readParameters = (grantee: Grantee) => {
      if (!parametersAtDeployTime) infra.parameters.grantRead(grantee);
    };
    const apiConfiguration = { ...configuration, MAX_REQUEST_BODY_BYTES: String(environment.api.maxRequestBodyKb * 1024) };
    const zip = compute.runtime === "python" ? this.pythonZips() : this.nodeZips(compute.image);
    const imageUri = compute.image.startsWith("sha256:") ? `${infra.images.repositoryUrl}@${compute.image}` : `${infra.images.repositoryUrl}:${compute.image}`;
    const functionDefaults = {
      naming,
      account,
      environment: configuration,
      vpc: { subnetIds: infra.network.privateSubnetIds, securityGroupIds: [infra.network.securityGroups.app], ipv6AllowedForDualStack: ipv6 },
      kmsKeyArn,
      boundaryArn: core.workloadBoundaryArn,
      basePolicyArn: core.workloadBasePolicyArn,
    };

    if (compute.kind === "lambda") {
      const api = new PlatformFunction(this, "api", {
        ...functionDefaults,
        name: "api",
        description: "The HTTP API: the app under /api/, through CloudFront only",
        environment: apiConfiguration,
        code: compute.packaging === "image" ? { kind: "image", imageUri } : zip("api"),
        memoryMb: compute.apiMemoryMb,
        timeoutSeconds: compute.apiTimeoutSeconds,
        reservedConcurrency: compute.apiReservedConcurrency,
      });
      new ApiRoutes(this, "api-routes", { apiId: infra.api.apiId, executionArn: infra.api.executionArn, fn: api });
      readParameters(api);
      infra.secrets.grantRead(api);
      infra.originVerification.grantVerify(api);
      infra.database.grantAppLogin(api);
      infra.workQueue.grantSend(api);
      infra.media.grantReadWrite(api);
      infra.table?.grantReadWrite(api);
      this.api = api;
    } else {
      const service = new ContainerService(this, "api", {
        naming,
        account,
        kmsKeyArn,
        protectData: environment.protectData,
        network: {
          vpcId: infra.network.vpcId,
          privateSubnetIds: infra.network.privateSubnetIds,
          appSecurityGroupId: infra.network.securityGroups.app,
          loadBalancerSecurityGroupId: infra.network.securityGroups.loadBalancer!,
        },
        imageUri,
        server: compute.runtime === "python" ? PYTHON_API_SERVER : NODE_API_SERVER,
        repositoryArns: [infra.images.repositoryArn],
        settings: compute.ecs,
        environment: apiConfiguration,
        // None: the app reads its secrets from Secrets Manager by the ARNs it finds under its
        // parameter path, so no secret value sits in the task's environment.
        secrets: {},
        boundaryArn: core.workloadBoundaryArn,
        bucketAccessLogs: infra.bucketAccessLogs,
      });
      const task = new RoleGrants(this, "api-task-grants", { roleName: service.taskRoleName });
      infra.parameters.grantRead(task);
      infra.secrets.grantRead(task);
      infra.originVerification.grantVerify(task);
      infra.database.grantAppLogin(task);
      infra.workQueue.grantSend(task);
      infra.media.grantReadWrite(task);
      infra.table?.grantReadWrite(task);
      // The HTTP API (and through it CloudFront's /api/*) reaches the internal load balancer
      // through a VPC link: the load balancer has no public address to bypass them by.
      const link = new Apigatewayv2VpcLink(this, "api-link", {
        name: naming.name("api"),
        subnetIds: infra.network.privateSubnetIds,
        securityGroupIds: [infra.network.securityGroups.apiLink!],
      });
      const integration = new Apigatewayv2Integration(this, "api-integration", {
        apiId: infra.api.apiId,
        integrationType: "HTTP_PROXY",
        integrationMethod: "ANY",
        connectionType: "VPC_LINK",
        connectionId: link.id,
        integrationUri: service.listenerArn,
        payloadFormatVersion: "1.0",
      });
      for (const routeKey of API_ROUTE_KEYS) {
        new Apigatewayv2Route(this, `api-route-${routeKey.replace(/[^A-Za-z]+/g, "-").toLowerCase()}`, {
          apiId: infra.api.apiId,
          routeKey,
          target: `integrations/${integration.id}`,
        });
      }
      this.apiService = service;
    }

    this.worker = new PlatformFunction(this, "worker", {
      ...functionDefaults,
      name: "worker",
      description: "Processes the work queue, reporting partial batch failures",
      code: zip("worker"),
      memoryMb: compute.workerMemoryMb,
      timeoutSeconds: compute.workerTimeoutSeconds,
    });
    new QueueTrigger(this, "worker-trigger", {
      fn: this.worker,
      queue: infra.workQueue,
      batchSize: compute.workerBatchSize,
      maximumConcurrency: compute.workerMaxConcurrency,
    });
    readParameters(this.worker);
    infra.database.grantAppLogin(this.worker);
    infra.table?.grantReadWrite(this.worker);

    this.producer = new PlatformFunction(this, "producer", {
      ...functionDefaults,
      name: "producer",
      description: "Enqueues scheduled work",
      code: zip("producer"),
      memoryMb: 128,
      timeoutSeconds: 30,
      // One at a time is all a schedule needs, and it keeps a runaway producer from flooding the queue.
      reservedConcurrency: 1,
      deadLetterQueue: { arn: infra.workQueue.deadLetterQueueArn, kmsKeyArn: infra.workQueue.kmsKeyArn },
    });
    new ProducerSchedule(this, "producer-schedule", {
      naming,
      account,
      groupName: infra.schedules.name,
      expression: compute.producerSchedule,
      fn: this.producer,
      deadLetterQueueArn: infra.workQueue.deadLetterQueueArn,
      kmsKeyArn,
      serviceRoleBoundaryArn: core.serviceBoundaryArn,
    });
    readParameters(this.producer);
    infra.workQueue.grantSend(this.producer);
    // The Python producer records each job it enqueues, so the API can report on it.
    if (compute.runtime === "python") infra.database.grantAppLogin(this.producer);

    // What operators watch: generated from the resources that exist, so toggles change it with no hand edits.
    const observed: ObservedResources = {
      region: account.region,
      httpApi: { apiId: infra.api.apiId, stage: infra.api.stageName },
      functions: [this.api, this.worker, this.producer]
        .filter((fn): fn is PlatformFunction => fn !== undefined)
        .map((fn) => ({ label: fn.node.id, functionName: fn.functionName })),
      loadBalancer: this.apiService && { arnSuffix: this.apiService.loadBalancerArnSuffix, targetGroupArnSuffix: this.apiService.targetGroupArnSuffix },
      ecsService: this.apiService && { clusterName: this.apiService.clusterName, serviceName: this.apiService.serviceName },
      database: { clusterIdentifier: infra.database.clusterIdentifier },
      databaseProxy: infra.database.proxyName ? { name: infra.database.proxyName } : undefined,
      cache: { name: infra.cache.name, maxEcpuPerSecond: environment.cache.maxEcpuPerSecond, maxStorageGb: environment.cache.maxStorageGb },
      queue: { name: infra.workQueue.queueName, deadLetterQueueName: infra.workQueue.deadLetterQueueName },
      table: infra.table && { name: infra.table.name },
    };
    this.alarms = new PlatformAlarms(this, "alarms", { naming, resources: observed, thresholds: environment.alarms, alertTopicArn: core.alertTopicArn });
    this.dashboard = new PlatformDashboard(this, "dashboard", { naming, resources: observed, alarmArns: this.alarms.alarmArns });

    // Hourly and daily recovery points of the stateful resources, copied to the DR region where
    // the data is worth a second region (by default where it is protected).
    const copyToDrRegion = environment.backup.crossRegionCopy ?? environment.protectData;
    const disasterRecovery = copyToDrRegion
      ? {
          region: environment.drRegion,
          provider: new AwsProvider(this, "aws-dr", {
            alias: "dr",
            region: environment.drRegion,
            allowedAccountIds: environment.accountId ? [environment.accountId] : undefined,
            defaultTags: [{ tags: naming.tags("app") }],
          }),
        }
      : undefined;
    this.backup = new PlatformBackup(this, "backup", {
      naming,
      account,
      kmsKeyArn,
      disasterRecovery,
      serviceRoleBoundaryArn: core.serviceBoundaryArn,
      hourlyRetentionDays: environment.backup.hourlyRetentionDays,
      dailyRetentionDays: environment.backup.dailyRetentionDays,
      vaultLock: environment.backup.vaultLock ?? environment.protectData,
      protectData: environment.protectData,
      resourceArns: [infra.database.clusterArn, infra.media.bucketArn, ...(infra.table ? [infra.table.arn] : [])],
      alertTopicArn: core.alertTopicArn,
    });

    // The people on call, when the environment names them: here, beside what they operate, so
    // every grant names the resource itself rather than a pattern of its name.
    if (environment.operators) {
      const functions = [this.api, this.worker, this.producer].filter((fn): fn is PlatformFunction => fn !== undefined);
      const operator = new OperatorRole(this, "operator", {
        naming,
        account,
        access: environment.operators,
        boundaryArn: core.serviceBoundaryArn,
        logGroupArns: [
          ...functions.map((fn) => fn.logGroup.arn),
          // The API's access log, the ECS tasks' output and the flow logs live under the environment's path.
          account.arn("logs", `log-group:${naming.path()}/*`),
          account.arn("logs", `log-group:/aws/rds/cluster/${infra.database.clusterIdentifier}/*`),
          ...(environment.features.waf ? [`arn:${account.partition}:logs:${EDGE_REGION}:${account.accountId}:log-group:aws-waf-logs-${naming.prefix}`] : []),
        ],
        alarmNames: this.alarms.alarmNames,
        dashboardArn: this.dashboard.dashboard.dashboardArn,
        functionArns: functions.map((fn) => fn.functionArn),
        queues: { queueArn: infra.workQueue.queueArn, deadLetterQueueArn: infra.workQueue.deadLetterQueueArn, kmsKeyArn: infra.workQueue.kmsKeyArn },
        service: this.apiService && { clusterName: this.apiService.clusterName, serviceName: this.apiService.serviceName },
        backups: {
          vaultArns: [this.backup.vaultArn, ...(this.backup.drVaultArn ? [this.backup.drVaultArn] : [])],
          regions: [account.region, ...(disasterRecovery ? [disasterRecovery.region] : [])],
          roleArn: this.backup.roleArn,
        },
        describe: { clusterIdentifier: infra.database.clusterIdentifier, cacheName: infra.cache.name, tableArn: infra.table?.arn },
      });
      infra.parameters.grantRead(operator.grants);
    }
  }

  /** The Python app (`app/`): one code zip for every function, the handler picking the entry point, and its dependencies as a layer. */
  private pythonZips(): (handler: HandlerName) => FunctionCode {
    const bundles = new PythonBundles(this, "python-bundles");
    const layer = new LambdaLayer(this, "dependencies-layer", {
      naming: this.naming,
      name: "python-deps",
      asset: bundles.layer,
      runtime: PYTHON_RUNTIME,
      description: "Dependencies of the platform's Python app (app/requirements.txt)",
    });
    return (handler) => ({ kind: "zip", runtime: PYTHON_RUNTIME, asset: bundles.code, handler: PYTHON_HANDLERS[handler], layerArns: [layer.arn] });
  }

  /** The TypeScript handlers (`src/handlers`): a zip per handler and the shared runtime as a layer. */
  private nodeZips(buildVersion: string): (handler: HandlerName) => FunctionCode {
    const bundles = new FunctionBundles(this, "bundles", { buildVersion });
    const layer = new LambdaLayer(this, "runtime-layer", {
      naming: this.naming,
      name: "runtime",
      asset: bundles.layer,
      runtime: NODE_RUNTIME,
      description: "Shared runtime of the platform's functions",
    });
    return (handler) => ({ kind: "zip", runtime: NODE_RUNTIME, asset: bundles.asset(handler), handler: LAMBDA_HANDLER, layerArns: [layer.arn] });
  }
}

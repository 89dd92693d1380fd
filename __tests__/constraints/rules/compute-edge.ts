import {
  hasExpression,
  literalParts,
  perBlock,
  policyOf,
  stringArgument,
  valuesAt,
  where,
  type Block,
  type ConstraintRule,
  type RuleGroup,
  type StackView,
  type Violation,
} from "../constraint";

// Compute (Lambda, ECS, App Auto Scaling), the HTTP API and load balancer in front of it, and the
// edge (CloudFront, WAF, ACM, Route 53) with the ECR repository the images come from.

const PROVIDER = "hashicorp/terraform-provider-aws internal/service";

// ---------------------------------------------------------------------------------------------
// Shared readers

const first = (body: unknown, path: string): unknown => valuesAt(body, path)[0];
const numberAt = (body: unknown, path: string): number | undefined => {
  const value = first(body, path);
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
};
const stringsAt = (body: unknown, path: string): string[] => valuesAt(body, path).filter((value): value is string => typeof value === "string");
const isLiteral = (value: unknown): value is string => typeof value === "string" && !hasExpression(value);

/** The attribute a `${type.name.attribute...}` reference reads, e.g. `arn`. */
function referencedAttribute(reference: unknown): string | undefined {
  if (typeof reference !== "string") return undefined;
  return /^\$\{(?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+\.([a-z0-9_]+)/.exec(reference)?.[1];
}

interface Resolved {
  readonly stack: StackView;
  readonly block: Block;
  readonly attribute: string | undefined;
}

const REMOTE_OUTPUT = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([A-Za-z0-9-]+)\.outputs\.([A-Za-z0-9_-]+)\}$/;

/**
 * The block a value refers to: a reference inside the stack, or a cross-stack reference
 * (`data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<output>`) followed
 * to the output of the stack that holds the block.
 */
function resolve(stacks: readonly StackView[], stack: StackView, value: unknown, depth = 0): Resolved | undefined {
  if (typeof value !== "string" || depth > 4) return undefined;
  const remote = REMOTE_OUTPUT.exec(value);
  if (remote) {
    const other = stacks.find((candidate) => candidate.name === remote[1]);
    const output = other?.json.output?.[remote[2]]?.value;
    return other ? resolve(stacks, other, output, depth + 1) : undefined;
  }
  const block = stack.referenced(value);
  return block ? { stack, block, attribute: referencedAttribute(value) } : undefined;
}


/** JSON text whose string values may hold Terraform expressions, parsed with each expression replaced. */
function parseJsonWithExpressions(text: unknown): any {
  if (typeof text !== "string" || (hasExpression(text) && literalParts(text).trim() === "")) return undefined;
  const out = literalParts(text, "EXPRESSION");
  try {
    return JSON.parse(out);
  } catch {
    return undefined;
  }
}

/** A rule over every stack at once, reporting from a generator of violations. */
function acrossStacks(
  rule: Omit<ConstraintRule, "check"> & { problems: (stacks: readonly StackView[]) => Iterable<Violation> },
): ConstraintRule {
  const { problems, ...rest } = rule;
  return { ...rest, check: (stacks) => [...problems(stacks)] };
}

function* blocksOf(stacks: readonly StackView[], type: string): Generator<[StackView, Block]> {
  for (const stack of stacks) for (const block of stack.resources(type)) yield [stack, block];
}

// ---------------------------------------------------------------------------------------------
// Lambda

const LAMBDA_RESERVED_VARIABLES = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
]);

const lambdaFunctionName = stringArgument({
  id: "lambda-function-name",
  requirement: "A Lambda function name (not an ARN) is 1-64 letters, digits, hyphens or underscores.",
  source: `https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-FunctionName; ${PROVIDER}/lambda/validate.go (validFunctionName allows 140 characters, an ARN's length; the name-only 64 check of .changelog/43755.txt may postdate 6.25.0)`,
  types: ["aws_lambda_function"],
  path: "function_name",
  pattern: /^[A-Za-z0-9_-]*$/,
  minLength: 1,
  maxLength: 64,
  failingExample: { bad: { resource: { aws_lambda_function: { x: { function_name: `platform-${"long-environment-".repeat(4)}worker` } } } } },
});

const lambdaLayerName = stringArgument({
  id: "lambda-layer-name",
  requirement: "A Lambda layer name is 1-140 letters, digits, hyphens or underscores.",
  source: `https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html#API_PublishLayerVersion_RequestSyntax; ${PROVIDER}/lambda/layer_version.go (layer_name has no validator)`,
  types: ["aws_lambda_layer_version"],
  path: "layer_name",
  pattern: /^[A-Za-z0-9_-]*$/,
  minLength: 1,
  maxLength: 140,
  failingExample: { bad: { resource: { aws_lambda_layer_version: { x: { layer_name: "platform.dev.runtime" } } } } },
});

const lambdaEnvironmentVariables = perBlock({
  id: "lambda-environment-variables",
  requirement:
    "Lambda environment variable names match [a-zA-Z][a-zA-Z0-9_]+, are not ones the runtime reserves, and all names and values together take at most 4 KB.",
  source: `https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html, https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime, https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html; ${PROVIDER}/lambda/function.go (environment.variables is an unvalidated map)`,
  types: ["aws_lambda_function"],
  problem: (block) => {
    const variables = first(block.body, "environment.variables");
    if (!variables || typeof variables !== "object") return undefined;
    const problems: string[] = [];
    let bytes = 0;
    for (const [name, value] of Object.entries(variables as Record<string, unknown>)) {
      if (!/^[a-zA-Z][a-zA-Z0-9_]+$/.test(name)) problems.push(`environment variable name ${JSON.stringify(name)} does not match [a-zA-Z][a-zA-Z0-9_]+`);
      if (LAMBDA_RESERVED_VARIABLES.has(name)) problems.push(`environment variable ${name} is reserved by the Lambda runtime`);
      // An expression's value is unknown here: its literal part is a lower bound of the size.
      bytes += Buffer.byteLength(name) + Buffer.byteLength(typeof value === "string" ? literalParts(value) : String(value));
    }
    if (bytes > 4096) problems.push(`environment variables take at least ${bytes} bytes, above Lambda's 4 KB`);
    return problems;
  },
  failingExample: { bad: { resource: { aws_lambda_function: { x: { environment: { variables: { AWS_REGION: "eu-west-1", "PARAMETERS-PATH": "/x" } } } } } } },
});

const lambdaLogLevelsNeedJson = perBlock({
  id: "lambda-log-levels-need-json",
  requirement: "A Lambda function sets application_log_level or system_log_level only with log_format JSON.",
  source: `https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html; ${PROVIDER}/lambda/function.go (the log levels and the format are validated one by one, not together)`,
  types: ["aws_lambda_function"],
  problem: (block) => {
    const config = first(block.body, "logging_config") as Record<string, unknown> | undefined;
    if (!config) return undefined;
    const levels = ["application_log_level", "system_log_level"].filter((key) => typeof config[key] === "string" && config[key] !== "");
    if (levels.length > 0 && config.log_format !== "JSON") return `logging_config sets ${levels.join(" and ")} with log_format ${JSON.stringify(config.log_format)}; Lambda accepts log levels with JSON only`;
    return undefined;
  },
  failingExample: { bad: { resource: { aws_lambda_function: { x: { logging_config: { log_format: "Text", application_log_level: "INFO" } } } } } },
});

const lambdaImageFunctionWithoutLayers = perBlock({
  id: "lambda-image-function-without-layers",
  requirement: "A Lambda function packaged as a container image has no layers: the image carries its dependencies.",
  source: `https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#images-reqs (layers are not supported by container image functions); ${PROVIDER}/lambda/function.go (layers is validated as a list of ARNs only)`,
  types: ["aws_lambda_function"],
  problem: (block) =>
    block.body.package_type === "Image" && valuesAt(block.body, "layers").length > 0 ? "package_type is Image but layers are set; Lambda rejects layers on container image functions" : undefined,
  failingExample: { bad: { resource: { aws_lambda_function: { x: { package_type: "Image", image_uri: "repo:tag", layers: ["arn:aws:lambda:eu-west-1:123456789012:layer:x:1"] } } } } },
});

const lambdaLayerCompatibility = perBlock({
  id: "lambda-layer-matches-function",
  requirement:
    "A function only uses layers built for its instruction set architecture and runtime: both must be listed in the layer's compatible_architectures and compatible_runtimes when the layer declares them.",
  source: `https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html, https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html; ${PROVIDER}/lambda/function.go and layer_version.go (each validates its own enum, never the pair)`,
  types: ["aws_lambda_function", "aws_lambda_layer_version"],
  problem: (block, stack) => {
    if (block.type !== "aws_lambda_function") return undefined;
    const architecture = (first(block.body, "architectures") as string | undefined) ?? "x86_64";
    const runtime = block.body.runtime as string | undefined;
    return stringsAt(block.body, "layers").flatMap((reference) => {
      const layer = stack.referenced(reference);
      if (!layer || layer.type !== "aws_lambda_layer_version") return [];
      const architectures = stringsAt(layer.body, "compatible_architectures");
      const runtimes = stringsAt(layer.body, "compatible_runtimes");
      const problems: string[] = [];
      if (architectures.length > 0 && !architectures.includes(architecture)) problems.push(`runs on ${architecture} but layer ${layer.name} is built for ${architectures.join(", ")}`);
      if (runtime && runtimes.length > 0 && !runtimes.includes(runtime)) problems.push(`runs ${runtime} but layer ${layer.name} is for ${runtimes.join(", ")}`);
      return problems;
    });
  },
  failingExample: {
    bad: {
      resource: {
        aws_lambda_layer_version: { layer: { layer_name: "runtime", compatible_architectures: ["x86_64"], compatible_runtimes: ["nodejs22.x"] } },
        aws_lambda_function: { x: { architectures: ["arm64"], runtime: "nodejs22.x", layers: ["${aws_lambda_layer_version.layer.arn}"] } },
      },
    },
  },
});

// An account's default concurrency quota, and the share Lambda keeps unreserved out of it.
const ACCOUNT_CONCURRENCY = 1000;
const UNRESERVED_MINIMUM = 100;

const lambdaReservedConcurrency = acrossStacks({
  id: "lambda-reserved-concurrency-leaves-unreserved-minimum",
  requirement: `Reserved concurrency of the functions of one stack leaves at least ${UNRESERVED_MINIMUM} of the default ${ACCOUNT_CONCURRENCY} concurrent executions of the account and region unreserved.`,
  source: `https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html#configuring-concurrency-reserved (PutFunctionConcurrency fails below the unreserved minimum; accounts whose quota was lowered to 10 accept no reservation at all), https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html; ${PROVIDER}/lambda/function.go (reserved_concurrent_executions: IntAtLeast(-1))`,
  types: ["aws_lambda_function"],
  problems: function* (stacks) {
    for (const stack of stacks) {
      const byRegion = new Map<string, { total: number; names: string[] }>();
      for (const block of stack.resources("aws_lambda_function")) {
        const reserved = numberAt(block.body, "reserved_concurrent_executions");
        if (reserved === undefined || reserved < 0) continue;
        const region = stack.regionOf(block) ?? "default";
        const entry = byRegion.get(region) ?? { total: 0, names: [] };
        entry.total += reserved;
        entry.names.push(`${block.name}=${reserved}`);
        byRegion.set(region, entry);
      }
      for (const [region, { total, names }] of byRegion) {
        if (total > ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM) {
          yield { where: stack.name, problem: `functions in ${region} reserve ${total} concurrent executions (${names.join(", ")}), leaving fewer than ${UNRESERVED_MINIMUM} of ${ACCOUNT_CONCURRENCY} unreserved` };
        }
      }
    }
  },
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: { aws_lambda_function: { api: { reserved_concurrent_executions: 1000 }, producer: { reserved_concurrent_executions: 1 } } },
    },
  },
});

/** The SQS queue an event source mapping reads, when it can be followed to its resource. */
function sourceQueue(stacks: readonly StackView[], stack: StackView, mapping: Block): Resolved | undefined {
  const resolved = resolve(stacks, stack, mapping.body.event_source_arn);
  return resolved?.block.type === "aws_sqs_queue" ? resolved : undefined;
}
const isSqsSource = (stacks: readonly StackView[], stack: StackView, mapping: Block): boolean =>
  sourceQueue(stacks, stack, mapping) !== undefined || (isLiteral(mapping.body.event_source_arn) && mapping.body.event_source_arn.includes(":sqs:"));
const isFifoQueue = (queue: Resolved | undefined): boolean =>
  queue !== undefined && (queue.block.body.fifo_queue === true || (isLiteral(queue.block.body.name) && queue.block.body.name.endsWith(".fifo")));

const lambdaSqsBatching = acrossStacks({
  id: "lambda-sqs-event-source-batching",
  requirement:
    "An SQS event source mapping takes at most 10,000 messages a batch (10 from a FIFO queue), sets a batching window of 1-300 seconds for batches above 10 (none for FIFO queues), and caps maximum_concurrency at 1,000.",
  source: `https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-BatchSize, https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html, https://docs.aws.amazon.com/lambda/latest/api/API_ScalingConfig.html; ${PROVIDER}/lambda/event_source_mapping.go (batch_size and maximum_batching_window_in_seconds have no validator; maximum_concurrency only IntAtLeast(2))`,
  types: ["aws_lambda_event_source_mapping", "aws_sqs_queue"],
  problems: function* (stacks) {
    for (const [stack, mapping] of blocksOf(stacks, "aws_lambda_event_source_mapping")) {
      if (!isSqsSource(stacks, stack, mapping)) continue;
      const fifo = isFifoQueue(sourceQueue(stacks, stack, mapping));
      const batch = numberAt(mapping.body, "batch_size") ?? 10;
      const window = numberAt(mapping.body, "maximum_batching_window_in_seconds") ?? 0;
      const concurrency = numberAt(mapping.body, "scaling_config.maximum_concurrency");
      const problem = (text: string) => ({ where: where(mapping), problem: text });
      if (batch > (fifo ? 10 : 10000)) yield problem(`batch_size ${batch} is above ${fifo ? 10 : 10000} for ${fifo ? "a FIFO" : "a standard"} queue`);
      if (batch > 10 && window < 1) yield problem(`batch_size ${batch} is above 10 without a maximum_batching_window_in_seconds of at least 1`);
      if (window > 300) yield problem(`maximum_batching_window_in_seconds ${window} is above 300`);
      if (fifo && window > 0) yield problem("a FIFO queue takes no batching window");
      if (concurrency !== undefined && concurrency > 1000) yield problem(`scaling_config.maximum_concurrency ${concurrency} is above 1000`);
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_sqs_queue: { work: { name: "work" } },
        aws_lambda_event_source_mapping: { x: { event_source_arn: "${aws_sqs_queue.work.arn}", batch_size: 50, scaling_config: { maximum_concurrency: 5000 } } },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// API Gateway (HTTP APIs)

const HTTP_METHODS = ["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

const apiRouteKeys = acrossStacks({
  id: "apigatewayv2-route-key-syntax",
  requirement:
    "An HTTP API route key is $default or '<METHOD> /path' with an HTTP method or ANY, a path of /-separated segments whose only greedy {name+} variable is the last one, and is unique within its API.",
  source: `https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html; ${PROVIDER}/apigatewayv2/route.go (route_key has no validator)`,
  types: ["aws_apigatewayv2_route"],
  problems: function* (stacks) {
    for (const stack of stacks) {
      const seen = new Map<string, string>();
      for (const route of stack.resources("aws_apigatewayv2_route")) {
        const key = route.body.route_key;
        if (!isLiteral(key)) continue;
        const problem = (text: string) => ({ where: where(route), problem: text });
        if (key !== "$default") {
          const match = /^(\S+) (\/.*)$/.exec(key);
          if (!match) yield problem(`route_key ${JSON.stringify(key)} is neither $default nor '<METHOD> /path'`);
          else {
            if (!HTTP_METHODS.includes(match[1])) yield problem(`route_key ${JSON.stringify(key)} has method ${match[1]}, not one of ${HTTP_METHODS.join(", ")}`);
            const segments = match[2].split("/").slice(1);
            const greedy = segments.findIndex((segment) => /^\{[A-Za-z0-9._-]+\+\}$/.test(segment));
            if (greedy !== -1 && greedy !== segments.length - 1) yield problem(`route_key ${JSON.stringify(key)} has a greedy path variable before its last segment`);
            if (match[2] !== "/" && segments.some((segment) => segment === "")) yield problem(`route_key ${JSON.stringify(key)} has an empty path segment`);
          }
        }
        const api = String(route.body.api_id);
        const earlier = seen.get(`${api} ${key}`);
        if (earlier) yield problem(`route_key ${JSON.stringify(key)} is also the key of ${earlier} on the same API`);
        seen.set(`${api} ${key}`, route.name);
      }
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_apigatewayv2_route: {
          a: { api_id: "${aws_apigatewayv2_api.api.id}", route_key: "ANY /api/{proxy+}/tail" },
          b: { api_id: "${aws_apigatewayv2_api.api.id}", route_key: "get /health" },
        },
      },
    },
  },
});

const apiIntegrations = acrossStacks({
  id: "apigatewayv2-http-integration-settings",
  requirement:
    "An HTTP API integration uses payload format 1.0 unless it is a Lambda proxy (AWS_PROXY, which also takes 2.0), a VPC_LINK connection names its VPC link and a load balancer listener or Cloud Map service, and its timeout is 50-30,000 ms.",
  source: `https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-integrations.html#apis-apiid-integrations-prop-createintegrationinput-payloadformatversion, https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html, https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html; ${PROVIDER}/apigatewayv2/integration.go (payload_format_version is validated as 1.0 or 2.0 whatever the type; timeout_milliseconds has no validator)`,
  types: ["aws_apigatewayv2_integration", "aws_apigatewayv2_api"],
  problems: function* (stacks) {
    for (const [stack, integration] of blocksOf(stacks, "aws_apigatewayv2_integration")) {
      const api = resolve(stacks, stack, integration.body.api_id);
      if (api && api.block.body.protocol_type !== "HTTP") continue;
      const body = integration.body;
      const problem = (text: string) => ({ where: where(integration), problem: text });
      const payload = body.payload_format_version ?? "1.0";
      if (body.integration_type !== "AWS_PROXY" && payload !== "1.0") yield problem(`a ${body.integration_type} integration takes payload_format_version 1.0, not ${payload}`);
      if (body.connection_type === "VPC_LINK") {
        if (!body.connection_id) yield problem("connection_type VPC_LINK without a connection_id");
        const target = resolve(stacks, stack, body.integration_uri);
        const literalTarget = isLiteral(body.integration_uri) ? body.integration_uri : undefined;
        const listenerOrService =
          (target && ["aws_lb_listener", "aws_service_discovery_service"].includes(target.block.type)) ||
          (literalTarget !== undefined && /^arn:[^:]+:(elasticloadbalancing:[^:]+:\d{12}:listener\/|servicediscovery:)/.test(literalTarget));
        if (body.integration_uri !== undefined && (target || literalTarget) && !listenerOrService) yield problem(`a VPC_LINK integration's integration_uri must be a load balancer listener or Cloud Map service ARN, not ${JSON.stringify(body.integration_uri)}`);
      }
      const timeout = numberAt(body, "timeout_milliseconds");
      if (timeout !== undefined && (timeout < 50 || timeout > 30000)) yield problem(`timeout_milliseconds ${timeout} is outside 50-30000 for an HTTP API`);
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_apigatewayv2_api: { api: { name: "api", protocol_type: "HTTP" } },
        aws_apigatewayv2_integration: {
          x: { api_id: "${aws_apigatewayv2_api.api.id}", integration_type: "HTTP_PROXY", connection_type: "VPC_LINK", payload_format_version: "2.0", timeout_milliseconds: 60000 },
        },
      },
    },
  },
});

const apiLambdaTimeout = acrossStacks({
  id: "apigatewayv2-integration-timeout-covers-lambda-timeout",
  requirement: "A Lambda function behind an HTTP API integration times out no later than the integration (default 30 s), or callers get 503 while it still runs.",
  source: `https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html (integration timeout 30 seconds); ${PROVIDER}/apigatewayv2/integration.go (no cross-resource check)`,
  types: ["aws_apigatewayv2_integration", "aws_lambda_function"],
  problems: function* (stacks) {
    for (const [stack, integration] of blocksOf(stacks, "aws_apigatewayv2_integration")) {
      if (integration.body.integration_type !== "AWS_PROXY") continue;
      const fn = resolve(stacks, stack, integration.body.integration_uri);
      if (fn?.block.type !== "aws_lambda_function") continue;
      const integrationSeconds = (numberAt(integration.body, "timeout_milliseconds") ?? 30000) / 1000;
      const functionSeconds = numberAt(fn.block.body, "timeout") ?? 3;
      if (functionSeconds > integrationSeconds) {
        yield { where: where(integration), problem: `function ${fn.block.name} may run ${functionSeconds} s, longer than the integration's ${integrationSeconds} s` };
      }
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_lambda_function: { api: { function_name: "api", timeout: 60 } },
        aws_apigatewayv2_integration: { x: { integration_type: "AWS_PROXY", integration_uri: "${aws_lambda_function.api.invoke_arn}" } },
      },
    },
  },
});

const apiStageAccessLog = acrossStacks({
  id: "apigatewayv2-stage-access-log",
  requirement:
    "An HTTP API stage is named $default or with 1-128 letters, digits, hyphens or underscores, and logs access to a CloudWatch log group or Firehose ARN (a log group ARN without ':*') in a format that includes $context.requestId or $context.extendedRequestId.",
  source: `https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html, https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages.html#apis-apiid-stages-model-accesslogsettings; ${PROVIDER}/apigatewayv2/stage.go (destination_arn is only checked to be an ARN, format not at all)`,
  types: ["aws_apigatewayv2_stage", "aws_cloudwatch_log_group"],
  problems: function* (stacks) {
    for (const [stack, stage] of blocksOf(stacks, "aws_apigatewayv2_stage")) {
      const problem = (text: string) => ({ where: where(stage), problem: text });
      const name = stage.body.name;
      if (isLiteral(name) && name !== "$default" && !/^[A-Za-z0-9_-]{1,128}$/.test(name)) yield problem(`stage name ${JSON.stringify(name)} is neither $default nor 1-128 letters, digits, hyphens or underscores`);
      const settings = first(stage.body, "access_log_settings") as Record<string, unknown> | undefined;
      if (!settings) continue;
      const destination = settings.destination_arn;
      if (typeof destination === "string") {
        if (literalParts(destination).endsWith(":*")) yield problem(`access log destination ${JSON.stringify(destination)} ends in ':*'; API Gateway wants the log group ARN itself`);
        const target = resolve(stacks, stack, destination);
        if (target && !["aws_cloudwatch_log_group", "aws_kinesis_firehose_delivery_stream"].includes(target.block.type)) yield problem(`access log destination is a ${target.block.type}, not a log group or Firehose stream`);
        if (target?.block.type === "aws_cloudwatch_log_group" && target.attribute !== "arn") yield problem(`access log destination reads the log group's ${target.attribute}, not its arn`);
      }
      const format = settings.format;
      if (typeof format === "string" && !/\$context\.(requestId|extendedRequestId)\b/.test(format)) yield problem("the access log format includes neither $context.requestId nor $context.extendedRequestId");
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_cloudwatch_log_group: { logs: { name: "/api/access" } },
        aws_apigatewayv2_stage: { x: { name: "$default", access_log_settings: { destination_arn: "${aws_cloudwatch_log_group.logs.arn}:*", format: '{"status":"$context.status"}' } } },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// ECS

// Fargate task sizes: CPU units to the memory (MiB) each accepts.
const FARGATE_MEMORY: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: Array.from({ length: 7 }, (_, index) => 2048 + index * 1024),
  2048: Array.from({ length: 13 }, (_, index) => 4096 + index * 1024),
  4096: Array.from({ length: 23 }, (_, index) => 8192 + index * 1024),
  8192: Array.from({ length: 12 }, (_, index) => 16384 + index * 4096),
  16384: Array.from({ length: 12 }, (_, index) => 32768 + index * 8192),
};

const ecsFargateTaskSize = perBlock({
  id: "ecs-fargate-task-size",
  requirement:
    "A Fargate task definition uses network mode awsvpc, a CPU and memory pair Fargate offers, and an ARM64 runtime platform only with the LINUX operating system family.",
  source: `https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-arm64.html; ${PROVIDER}/ecs/task_definition.go (cpu and memory are free strings)`,
  types: ["aws_ecs_task_definition"],
  problem: (block) => {
    if (!stringsAt(block.body, "requires_compatibilities").includes("FARGATE")) return undefined;
    const problems: string[] = [];
    if (block.body.network_mode !== "awsvpc") problems.push(`network_mode ${JSON.stringify(block.body.network_mode)}; Fargate requires awsvpc`);
    const cpu = numberAt(block.body, "cpu");
    const memory = numberAt(block.body, "memory");
    if (cpu === undefined || memory === undefined) problems.push("Fargate needs task-level cpu and memory");
    else if (!FARGATE_MEMORY[cpu]) problems.push(`cpu ${cpu} is not a Fargate size (${Object.keys(FARGATE_MEMORY).join(", ")})`);
    else if (!FARGATE_MEMORY[cpu].includes(memory)) problems.push(`memory ${memory} MiB does not pair with cpu ${cpu}; Fargate offers ${FARGATE_MEMORY[cpu].join(", ")}`);
    const platform = first(block.body, "runtime_platform") as Record<string, unknown> | undefined;
    if (platform?.cpu_architecture === "ARM64" && platform.operating_system_family !== undefined && platform.operating_system_family !== "LINUX") problems.push(`ARM64 on ${platform.operating_system_family}; Fargate runs ARM64 on LINUX only`);
    return problems;
  },
  failingExample: { bad: { resource: { aws_ecs_task_definition: { x: { requires_compatibilities: ["FARGATE"], network_mode: "awsvpc", cpu: "256", memory: "768" } } } } },
});

const ecsContainerDefinitions = perBlock({
  id: "ecs-container-definitions",
  requirement:
    "ECS container definitions have unique names of 1-255 letters, digits, hyphens or underscores, at least one essential container, mount points on volumes the task defines, host ports equal to container ports under awsvpc, and awslogs configurations with awslogs-group and awslogs-region.",
  source: `https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_portmappings, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html; ${PROVIDER}/ecs/task_definition.go (container_definitions is only checked to parse)`,
  types: ["aws_ecs_task_definition"],
  problem: (block) => {
    const containers = parseJsonWithExpressions(block.body.container_definitions);
    if (!Array.isArray(containers)) return typeof block.body.container_definitions === "string" && !hasExpression(block.body.container_definitions) ? "container_definitions is not a JSON list" : undefined;
    const volumes = new Set(stringsAt(block.body, "volume.name"));
    const problems: string[] = [];
    const names = new Set<string>();
    for (const container of containers) {
      const name = container?.name;
      if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(name)) problems.push(`container name ${JSON.stringify(name)} is not 1-255 letters, digits, hyphens or underscores`);
      else if (names.has(name)) problems.push(`container name ${name} is used twice`);
      names.add(name);
      for (const mount of container?.mountPoints ?? []) {
        if (!volumes.has(mount.sourceVolume)) problems.push(`container ${name} mounts volume ${JSON.stringify(mount.sourceVolume)}, which the task does not define`);
      }
      if (block.body.network_mode === "awsvpc") {
        for (const mapping of container?.portMappings ?? []) {
          if (mapping.hostPort !== undefined && mapping.hostPort !== mapping.containerPort) problems.push(`container ${name} maps host port ${mapping.hostPort} to ${mapping.containerPort}; awsvpc needs them equal`);
        }
      }
      const logging = container?.logConfiguration;
      if (logging?.logDriver === "awslogs") {
        for (const option of ["awslogs-group", "awslogs-region"]) if (!logging.options?.[option]) problems.push(`container ${name} logs with awslogs without ${option}`);
      }
    }
    if (!containers.some((container) => container?.essential !== false)) problems.push("no container is essential");
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_ecs_task_definition: {
          x: {
            network_mode: "awsvpc",
            container_definitions: JSON.stringify([
              { name: "api", essential: true, portMappings: [{ containerPort: 8080, hostPort: 80 }], mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp" }], logConfiguration: { logDriver: "awslogs", options: {} } },
            ]),
          },
        },
      },
    },
  },
});

const ecsServiceLoadBalancer = acrossStacks({
  id: "ecs-service-load-balancer-target",
  requirement:
    "An ECS service's load balancer entry names a container and port its task definition exposes, its target group has target type ip when the task uses awsvpc, and health_check_grace_period_seconds is set only with a load balancer.",
  source: `https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html#ECS-CreateService-request-healthCheckGracePeriodSeconds; ${PROVIDER}/ecs/service.go (load_balancer fields are not checked against the task definition or target group)`,
  types: ["aws_ecs_service", "aws_ecs_task_definition", "aws_lb_target_group"],
  problems: function* (stacks) {
    for (const [stack, service] of blocksOf(stacks, "aws_ecs_service")) {
      const problem = (text: string) => ({ where: where(service), problem: text });
      const balancers = valuesAt(service.body, "load_balancer") as Record<string, unknown>[];
      if (balancers.length === 0 && service.body.health_check_grace_period_seconds !== undefined) yield problem("health_check_grace_period_seconds without a load balancer");
      const task = resolve(stacks, stack, service.body.task_definition);
      const containers = task?.block.type === "aws_ecs_task_definition" ? parseJsonWithExpressions(task.block.body.container_definitions) : undefined;
      for (const balancer of balancers) {
        if (Array.isArray(containers)) {
          const container = containers.find((candidate) => candidate?.name === balancer.container_name);
          if (!container) yield problem(`load_balancer names container ${JSON.stringify(balancer.container_name)}, which the task definition lacks`);
          else if (!(container.portMappings ?? []).some((mapping: Record<string, unknown>) => mapping.containerPort === balancer.container_port)) {
            yield problem(`load_balancer names port ${balancer.container_port} of container ${balancer.container_name}, which maps no such port`);
          }
        }
        const group = resolve(stacks, stack, balancer.target_group_arn);
        if (group?.block.type === "aws_lb_target_group" && task?.block.body.network_mode === "awsvpc" && (group.block.body.target_type ?? "instance") !== "ip") {
          yield problem(`target group ${group.block.name} has target type ${group.block.body.target_type ?? "instance"}; awsvpc tasks register by ip`);
        }
      }
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_ecs_task_definition: { task: { network_mode: "awsvpc", container_definitions: JSON.stringify([{ name: "api", portMappings: [{ containerPort: 8080 }] }]) } },
        aws_lb_target_group: { group: { port: 8080, protocol: "HTTP" } },
        aws_ecs_service: {
          x: { task_definition: "${aws_ecs_task_definition.task.arn}", load_balancer: [{ container_name: "api", container_port: 80, target_group_arn: "${aws_lb_target_group.group.arn}" }] },
        },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// Elastic Load Balancing

const elbAccessLogBucket = acrossStacks({
  id: "elb-access-log-bucket",
  requirement:
    "A load balancer writes access logs to a bucket in its own region encrypted with S3-managed keys (SSE-S3, not SSE-KMS), under a prefix without 'AWSLogs'.",
  source: `https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#access-log-create-bucket; ${PROVIDER}/elbv2/load_balancer.go (access_logs.bucket and prefix are free strings)`,
  types: ["aws_lb", "aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"],
  problems: function* (stacks) {
    for (const [stack, balancer] of blocksOf(stacks, "aws_lb")) {
      const logs = first(balancer.body, "access_logs") as Record<string, unknown> | undefined;
      if (!logs || logs.enabled === false) continue;
      const problem = (text: string) => ({ where: where(balancer), problem: text });
      if (typeof logs.prefix === "string" && logs.prefix.includes("AWSLogs")) yield problem(`access log prefix ${JSON.stringify(logs.prefix)} contains AWSLogs`);
      const bucket = resolve(stacks, stack, logs.bucket);
      if (bucket?.block.type !== "aws_s3_bucket") continue;
      if (bucket.stack === stack && stack.regionOf(bucket.block) !== stack.regionOf(balancer)) yield problem(`access log bucket ${bucket.block.name} is in ${stack.regionOf(bucket.block)}, the load balancer in ${stack.regionOf(balancer)}`);
      for (const encryption of bucket.stack.resources("aws_s3_bucket_server_side_encryption_configuration")) {
        if (bucket.stack.referenced(encryption.body.bucket)?.name !== bucket.block.name) continue;
        for (const algorithm of stringsAt(encryption.body, "rule.apply_server_side_encryption_by_default.sse_algorithm")) {
          if (algorithm !== "AES256") yield problem(`access log bucket ${bucket.block.name} is encrypted with ${algorithm}; load balancers deliver only to SSE-S3 (AES256) buckets`);
        }
      }
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_s3_bucket: { logs: { bucket: "alb-logs" } },
        aws_s3_bucket_server_side_encryption_configuration: { logs: { bucket: "${aws_s3_bucket.logs.id}", rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } }] } },
        aws_lb: { x: { access_logs: { bucket: "${aws_s3_bucket.logs.bucket}", enabled: true, prefix: "alb" } } },
      },
    },
  },
});

const elbTargetGroupHealthCheck = perBlock({
  id: "elb-target-group-health-check",
  requirement:
    "An HTTP(S) target group's health check path starts with '/' and has at most 1024 characters, its matcher lists codes 200-499, and its interval is longer than its timeout.",
  source: `https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html, https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html; ${PROVIDER}/elbv2/target_group.go (path and matcher are only length-checked; interval and timeout are validated one by one)`,
  types: ["aws_lb_target_group"],
  problem: (block) => {
    const check = first(block.body, "health_check") as Record<string, unknown> | undefined;
    if (!check || check.enabled === false) return undefined;
    const protocol = (check.protocol as string | undefined) ?? (block.body.protocol as string | undefined) ?? "HTTP";
    if (!["HTTP", "HTTPS"].includes(protocol)) return undefined;
    const problems: string[] = [];
    if (isLiteral(check.path) && (!check.path.startsWith("/") || check.path.length > 1024)) problems.push(`health check path ${JSON.stringify(check.path)} must start with '/' and have at most 1024 characters`);
    if (isLiteral(check.matcher)) {
      const codes = check.matcher.split(/[,-]/).map(Number);
      if (codes.some((code) => !Number.isInteger(code) || code < 200 || code > 499)) problems.push(`health check matcher ${JSON.stringify(check.matcher)} lists codes outside 200-499`);
    }
    const interval = numberAt(check, "interval") ?? 30;
    const timeout = numberAt(check, "timeout");
    if (timeout !== undefined && timeout >= interval) problems.push(`health check timeout ${timeout} s is not below its interval ${interval} s`);
    return problems;
  },
  failingExample: { bad: { resource: { aws_lb_target_group: { x: { protocol: "HTTP", health_check: { path: "health", matcher: "200,503", interval: 5, timeout: 10 } } } } } },
});

// ---------------------------------------------------------------------------------------------
// Application Auto Scaling

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function scheduleProblem(schedule: string): string | undefined {
  if (/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/.test(schedule)) return undefined;
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (rate) return Number(rate[1]) > 0 ? undefined : `schedule ${schedule} needs a positive rate`;
  const cron = /^cron\((.*)\)$/.exec(schedule);
  if (!cron) return `schedule ${JSON.stringify(schedule)} is not at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)`;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return `schedule ${schedule} has ${fields.length} cron fields; Application Auto Scaling wants 6 (minutes hours day-of-month month day-of-week year)`;
  if ((fields[2] === "?") === (fields[4] === "?")) return `schedule ${schedule} must give '?' in exactly one of day-of-month and day-of-week`;
  return undefined;
}

const appAutoScalingScheduledAction = acrossStacks({
  id: "appautoscaling-scheduled-action",
  requirement:
    "A scheduled action has a name without ':', '/' or '|' of at most 256 characters, an at(), rate() or six-field cron() schedule with '?' in one of its day fields, an IANA time zone, and a minimum capacity no greater than its maximum.",
  source: `https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html, https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html; ${PROVIDER}/appautoscaling/scheduled_action.go (name, schedule and timezone have no validator)`,
  types: ["aws_appautoscaling_scheduled_action"],
  problems: function* (stacks) {
    for (const [, action] of blocksOf(stacks, "aws_appautoscaling_scheduled_action")) {
      const problem = (text: string) => ({ where: where(action), problem: text });
      const name = action.body.name;
      if (isLiteral(name) && (name.length > 256 || /[:/|\u0000-\u001f]/.test(name) || name.trim() !== name)) yield problem(`name ${JSON.stringify(name)} has ':', '/', '|', control characters, edge spaces or more than 256 characters`);
      if (isLiteral(action.body.schedule)) {
        const found = scheduleProblem(action.body.schedule);
        if (found) yield problem(found);
      }
      if (isLiteral(action.body.timezone) && !isTimeZone(action.body.timezone)) yield problem(`timezone ${JSON.stringify(action.body.timezone)} is not an IANA time zone`);
      const min = numberAt(action.body, "scalable_target_action.min_capacity");
      const max = numberAt(action.body, "scalable_target_action.max_capacity");
      if (min !== undefined && max !== undefined && min > max) yield problem(`scalable_target_action min_capacity ${min} is above max_capacity ${max}`);
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_appautoscaling_scheduled_action: {
          x: { name: "api:off-hours", schedule: "cron(0 20 * * MON-FRI)", timezone: "Europe/Dublinn", scalable_target_action: { min_capacity: "2", max_capacity: "1" } },
        },
      },
    },
  },
});

// Predefined metric types by the service namespace whose targets they track.
const PREDEFINED_METRIC_NAMESPACE: Record<string, string> = {
  ECSServiceAverageCPUUtilization: "ecs",
  ECSServiceAverageMemoryUtilization: "ecs",
  ALBRequestCountPerTarget: "ecs",
  DynamoDBReadCapacityUtilization: "dynamodb",
  DynamoDBWriteCapacityUtilization: "dynamodb",
  LambdaProvisionedConcurrencyUtilization: "lambda",
  RDSReaderAverageCPUUtilization: "rds",
  RDSReaderAverageDatabaseConnections: "rds",
};

const appAutoScalingTargetAndPolicy = acrossStacks({
  id: "appautoscaling-target-and-policy",
  requirement: "A scalable target's min_capacity is no greater than its max_capacity, and a target-tracking policy's predefined metric belongs to the service of the target it scales.",
  source: `https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html, https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html; ${PROVIDER}/appautoscaling/target.go and policy.go (capacities are free integers, predefined_metric_type a free string)`,
  types: ["aws_appautoscaling_target", "aws_appautoscaling_policy"],
  problems: function* (stacks) {
    for (const [, target] of blocksOf(stacks, "aws_appautoscaling_target")) {
      const min = numberAt(target.body, "min_capacity");
      const max = numberAt(target.body, "max_capacity");
      if (min !== undefined && max !== undefined && min > max) yield { where: where(target), problem: `min_capacity ${min} is above max_capacity ${max}` };
    }
    for (const [stack, policy] of blocksOf(stacks, "aws_appautoscaling_policy")) {
      const metric = first(policy.body, "target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type");
      if (typeof metric !== "string") continue;
      let namespace = policy.body.service_namespace;
      const target = resolve(stacks, stack, namespace);
      if (target?.block.type === "aws_appautoscaling_target") namespace = target.block.body.service_namespace;
      if (!isLiteral(namespace)) continue;
      const expected = PREDEFINED_METRIC_NAMESPACE[metric];
      if (expected === undefined) yield { where: where(policy), problem: `predefined metric ${metric} is not one this rule knows; add it with its service namespace` };
      else if (expected !== namespace) yield { where: where(policy), problem: `predefined metric ${metric} tracks ${expected}, but the target is in ${namespace}` };
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_appautoscaling_target: { t: { min_capacity: 4, max_capacity: 1, service_namespace: "dynamodb" } },
        aws_appautoscaling_policy: {
          x: {
            service_namespace: "${aws_appautoscaling_target.t.service_namespace}",
            target_tracking_scaling_policy_configuration: { predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" } },
          },
        },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// CloudFront

const CLOUDFRONT_REGION = "us-east-1";
const CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2";

// AWS managed policy ids (CloudFront Developer Guide, "Use managed ... policies").
const MANAGED_CACHE_POLICIES: Record<string, string> = {
  "2e54312d-136d-493c-8eb9-b001f22f67d2": "Amplify",
  "4135ea2d-6df8-44a3-9df3-4b5a84be39ad": "CachingDisabled",
  "658327ea-f89d-4fab-a63d-7e88639e58f6": "CachingOptimized",
  "b2884449-e4de-46a7-ac36-70bc7f1ddd6d": "CachingOptimizedForUncompressedObjects",
  "08627262-05a9-4f76-9ded-b50ca2e3a84f": "Elemental-MediaPackage",
  "83da9c7e-98b4-4e11-a168-04f0df8e2c65": "UseOriginCacheControlHeaders",
  "4cc15a8a-d715-48a4-82b8-cc0b614638fe": "UseOriginCacheControlHeaders-QueryStrings",
};
const MANAGED_ORIGIN_REQUEST_POLICIES: Record<string, string> = {
  "216adef6-5c7f-47e4-b989-5492eafa07d3": "AllViewer",
  "33f36d7e-f396-46d9-90e0-52428a34d9dc": "AllViewerAndCloudFrontHeaders-2022-06",
  "b689b0a8-53d0-40ab-baf2-68738e2966ac": "AllViewerExceptHostHeader",
  "59781a5b-3903-41f3-afcb-af62929ccde1": "CORS-CustomOrigin",
  "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf": "CORS-S3Origin",
  "775133bc-15f2-49f9-abea-afb2e0bf67d2": "Elemental-MediaTailor-PersonalizedManifests",
  "acba4595-bd28-49b8-b9fe-13317c0390fa": "UserAgentRefererHeaders",
};
const MANAGED_RESPONSE_HEADERS_POLICIES: Record<string, string> = {
  "5cc3b908-e619-4b99-88e5-2cf7f45965bd": "CORS-With-Preflight",
  "e61eb60c-9c35-4d20-a928-2b84e02af89c": "CORS-and-SecurityHeadersPolicy",
  "eaab4381-ed33-4a86-88ca-d9558dc6cd63": "CORS-with-preflight-and-SecurityHeadersPolicy",
  "67f7725c-6f97-4210-82d7-5512b31e9d03": "SecurityHeadersPolicy",
  "60669652-455b-4ae9-85a4-c4c02393f86c": "SimpleCORS",
};

const cacheBehaviors = (distribution: Block): Record<string, unknown>[] => [
  ...(valuesAt(distribution.body, "default_cache_behavior") as Record<string, unknown>[]),
  ...(valuesAt(distribution.body, "ordered_cache_behavior") as Record<string, unknown>[]),
];
const behaviorLabel = (behavior: Record<string, unknown>) => (typeof behavior.path_pattern === "string" ? `behavior ${behavior.path_pattern}` : "the default behavior");

const cloudfrontManagedPolicies = perBlock({
  id: "cloudfront-managed-policy-ids",
  requirement: "A cache behavior names a cache, origin request or response headers policy either by reference to a policy of the stack or by the id of an AWS managed policy of that kind.",
  source: `https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-response-headers-policies.html; ${PROVIDER}/cloudfront/distribution.go (the policy ids are free strings)`,
  types: ["aws_cloudfront_distribution"],
  problem: (block) =>
    cacheBehaviors(block).flatMap((behavior) =>
      (
        [
          ["cache_policy_id", MANAGED_CACHE_POLICIES, "cache"],
          ["origin_request_policy_id", MANAGED_ORIGIN_REQUEST_POLICIES, "origin request"],
          ["response_headers_policy_id", MANAGED_RESPONSE_HEADERS_POLICIES, "response headers"],
        ] as const
      ).flatMap(([key, known, kind]) => {
        const id = behavior[key];
        if (!isLiteral(id) || known[id]) return [];
        return [`${behaviorLabel(behavior)} names ${key} ${JSON.stringify(id)}, which is not an AWS managed ${kind} policy known to this rule`];
      }),
    ),
  failingExample: { bad: { resource: { aws_cloudfront_distribution: { x: { default_cache_behavior: { cache_policy_id: "b689b0a8-53d0-40ab-baf2-68738e2966ac" } } } } } },
});

const ALLOWED_METHOD_SETS = [["GET", "HEAD"], ["GET", "HEAD", "OPTIONS"], ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]];
const CACHED_METHOD_SETS = [["GET", "HEAD"], ["GET", "HEAD", "OPTIONS"]];
const sameSet = (values: string[], set: string[]) => values.length === set.length && [...values].sort().every((value, index) => value === set[index]);

const cloudfrontCacheBehaviors = perBlock({
  id: "cloudfront-cache-behaviors",
  requirement:
    "Each cache behavior allows GET+HEAD, GET+HEAD+OPTIONS or all seven methods, caches GET+HEAD or GET+HEAD+OPTIONS out of those it allows, targets an origin of the distribution, and ordered behaviors have distinct path patterns.",
  source: `https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_AllowedMethods.html, https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CachedMethods.html, https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CacheBehavior.html; ${PROVIDER}/cloudfront/distribution.go (allowed_methods and cached_methods are free string sets)`,
  types: ["aws_cloudfront_distribution"],
  problem: (block) => {
    const origins = new Set(stringsAt(block.body, "origin.origin_id").concat(stringsAt(block.body, "origin_group.origin_id")));
    const patterns = new Set<string>();
    return cacheBehaviors(block).flatMap((behavior) => {
      const problems: string[] = [];
      const label = behaviorLabel(behavior);
      const allowed = stringsAt(behavior, "allowed_methods");
      const cached = stringsAt(behavior, "cached_methods");
      if (!ALLOWED_METHOD_SETS.some((set) => sameSet(allowed, set))) problems.push(`${label} allows ${allowed.join(", ")}; CloudFront accepts GET+HEAD, GET+HEAD+OPTIONS or all seven methods`);
      if (!CACHED_METHOD_SETS.some((set) => sameSet(cached, set)) || cached.some((method) => !allowed.includes(method))) problems.push(`${label} caches ${cached.join(", ")}; CloudFront caches GET+HEAD or GET+HEAD+OPTIONS among the allowed methods`);
      if (isLiteral(behavior.target_origin_id) && !origins.has(behavior.target_origin_id)) problems.push(`${label} targets origin ${behavior.target_origin_id}, which the distribution does not define`);
      if (typeof behavior.path_pattern === "string") {
        if (patterns.has(behavior.path_pattern)) problems.push(`path pattern ${behavior.path_pattern} is used by two behaviors`);
        patterns.add(behavior.path_pattern);
      }
      return problems;
    });
  },
  failingExample: {
    bad: { resource: { aws_cloudfront_distribution: { x: { origin: [{ origin_id: "site" }], default_cache_behavior: { target_origin_id: "api", allowed_methods: ["GET", "POST"], cached_methods: ["GET", "HEAD", "POST"] } } } } },
  },
});

const cloudfrontOrigins = acrossStacks({
  id: "cloudfront-origin-domains",
  requirement:
    "A CloudFront origin's domain_name is a bare host name (no scheme, path or port), an HTTP API endpoint is used with its 'https://' removed, origin ids are unique, and an origin access control of type s3 is attached only to an S3 bucket origin.",
  source: `https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html; ${PROVIDER}/cloudfront/distribution.go (domain_name: NoZeroValues only)`,
  types: ["aws_cloudfront_distribution", "aws_cloudfront_origin_access_control", "aws_apigatewayv2_api", "aws_s3_bucket"],
  problems: function* (stacks) {
    for (const [stack, distribution] of blocksOf(stacks, "aws_cloudfront_distribution")) {
      const ids = new Set<string>();
      for (const origin of valuesAt(distribution.body, "origin") as Record<string, unknown>[]) {
        const problem = (text: string) => ({ where: where(distribution), problem: `origin ${origin.origin_id}: ${text}` });
        const domain = origin.domain_name;
        if (typeof origin.origin_id === "string") {
          if (ids.has(origin.origin_id)) yield problem("origin id used twice");
          ids.add(origin.origin_id);
        }
        if (typeof domain === "string") {
          const literal = literalParts(domain);
          if (/:\/\/|\/|:\d+$/.test(literal)) yield problem(`domain_name ${JSON.stringify(domain)} has a scheme, path or port`);
          if (/\.api_endpoint\b/.test(domain) && !/replace\([^)]*\.api_endpoint\s*,\s*\\?"https:\/\/\\?"\s*,\s*\\?"\\?"\s*\)/.test(domain)) yield problem(`domain_name ${JSON.stringify(domain)} uses an API endpoint without removing its "https://"`);
        }
        const control = resolve(stacks, stack, origin.origin_access_control_id);
        if (control?.block.type === "aws_cloudfront_origin_access_control" && control.block.body.origin_access_control_origin_type === "s3") {
          const bucket = resolve(stacks, stack, domain);
          const s3Literal = isLiteral(domain) && /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.test(domain);
          if (!(bucket?.block.type === "aws_s3_bucket" && /^bucket_(regional_)?domain_name$/.test(bucket.attribute ?? "")) && !s3Literal) yield problem("an s3 origin access control on an origin that is not an S3 bucket's domain name");
          if (first(origin, "custom_origin_config")) yield problem("an s3 origin access control on a custom origin");
        }
      }
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_apigatewayv2_api: { api: { name: "api", protocol_type: "HTTP" } },
        aws_cloudfront_distribution: { x: { origin: [{ origin_id: "api", domain_name: "${aws_apigatewayv2_api.api.api_endpoint}" }, { origin_id: "api", domain_name: "https://example.com/path" }] } },
      },
    },
  },
});

/** The aws_acm_certificate a viewer certificate ARN comes from, through aws_acm_certificate_validation. */
function certificateBehind(stacks: readonly StackView[], stack: StackView, arn: unknown): Resolved | undefined {
  const resolved = resolve(stacks, stack, arn);
  if (resolved?.block.type === "aws_acm_certificate_validation") return certificateBehind(stacks, resolved.stack, resolved.block.body.certificate_arn);
  return resolved?.block.type === "aws_acm_certificate" ? resolved : undefined;
}

const coveredBy = (name: string, pattern: string) =>
  pattern === name || (pattern.startsWith("*.") && name.split(".").length === pattern.split(".").length && name.endsWith(pattern.slice(1)));

const cloudfrontViewerCertificate = acrossStacks({
  id: "cloudfront-viewer-certificate",
  requirement:
    "A distribution with aliases uses an ACM or IAM certificate (not the *.cloudfront.net one) with an SSL support method; an ACM certificate is issued in us-east-1 and covers every alias.",
  source: `https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html#https-requirements-aws-region, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html#alternate-domain-names-requirements, https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html; ${PROVIDER}/cloudfront/distribution.go (acm_certificate_arn: ValidARN only; aliases unchecked)`,
  types: ["aws_cloudfront_distribution", "aws_acm_certificate", "aws_acm_certificate_validation"],
  problems: function* (stacks) {
    for (const [stack, distribution] of blocksOf(stacks, "aws_cloudfront_distribution")) {
      const problem = (text: string) => ({ where: where(distribution), problem: text });
      const aliases = stringsAt(distribution.body, "aliases");
      const viewer = (first(distribution.body, "viewer_certificate") ?? {}) as Record<string, unknown>;
      const custom = viewer.acm_certificate_arn !== undefined || viewer.iam_certificate_id !== undefined;
      if (aliases.length > 0 && !custom) yield problem(`aliases ${aliases.join(", ")} need an ACM or IAM certificate, not the CloudFront default one`);
      if (custom && viewer.ssl_support_method === undefined) yield problem("a custom viewer certificate without ssl_support_method");
      if (viewer.acm_certificate_arn === undefined) continue;
      const certificate = certificateBehind(stacks, stack, viewer.acm_certificate_arn);
      if (isLiteral(viewer.acm_certificate_arn) && !viewer.acm_certificate_arn.startsWith(`arn:aws:acm:${CLOUDFRONT_REGION}:`) && /^arn:[^:]+:acm:/.test(viewer.acm_certificate_arn)) {
        yield problem(`acm_certificate_arn ${viewer.acm_certificate_arn} is not in ${CLOUDFRONT_REGION}`);
      }
      if (!certificate) continue;
      const region = certificate.stack.regionOf(certificate.block);
      if (region !== CLOUDFRONT_REGION) yield problem(`certificate ${certificate.block.name} is issued in ${region}; CloudFront takes ACM certificates from ${CLOUDFRONT_REGION} only`);
      const names = [certificate.block.body.domain_name, ...stringsAt(certificate.block.body, "subject_alternative_names")];
      if (names.every(isLiteral)) {
        for (const alias of aliases.filter(isLiteral)) if (!names.some((name) => coveredBy(alias, name))) yield problem(`alias ${alias} is not covered by certificate ${certificate.block.name} (${names.join(", ")})`);
      }
    }
  },
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_acm_certificate: { cert: { domain_name: "www.example.com", validation_method: "DNS" } },
        aws_acm_certificate_validation: { validation: { certificate_arn: "${aws_acm_certificate.cert.arn}" } },
        aws_cloudfront_distribution: { x: { aliases: ["app.example.com"], viewer_certificate: { acm_certificate_arn: "${aws_acm_certificate_validation.validation.certificate_arn}" } } },
      },
    },
  },
});

const cloudfrontWebAcl = acrossStacks({
  id: "cloudfront-web-acl",
  requirement: "A distribution's web_acl_id is the ARN (not the id) of a WAFv2 web ACL of scope CLOUDFRONT created in us-east-1.",
  source: `https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html#cloudfront-Type-DistributionConfig-WebACLId, https://docs.aws.amazon.com/waf/latest/developerguide/cloudfront-features.html; ${PROVIDER}/cloudfront/distribution.go (web_acl_id has no validator)`,
  types: ["aws_cloudfront_distribution", "aws_wafv2_web_acl"],
  problems: function* (stacks) {
    for (const [stack, distribution] of blocksOf(stacks, "aws_cloudfront_distribution")) {
      const id = distribution.body.web_acl_id;
      if (id === undefined) continue;
      const problem = (text: string) => ({ where: where(distribution), problem: text });
      if (isLiteral(id)) {
        if (!new RegExp(`^arn:aws[a-z-]*:wafv2:${CLOUDFRONT_REGION}:\\d{12}:global/webacl/`).test(id)) yield problem(`web_acl_id ${id} is not the ARN of a global (CLOUDFRONT) WAFv2 web ACL in ${CLOUDFRONT_REGION}`);
        continue;
      }
      const acl = resolve(stacks, stack, id);
      if (acl?.block.type !== "aws_wafv2_web_acl") continue;
      if (acl.attribute !== "arn") yield problem(`web_acl_id reads the web ACL's ${acl.attribute}; WAFv2 web ACLs are attached by ARN`);
      if (acl.block.body.scope !== "CLOUDFRONT") yield problem(`web ACL ${acl.block.name} has scope ${acl.block.body.scope}, not CLOUDFRONT`);
      const region = acl.stack.regionOf(acl.block);
      if (region !== CLOUDFRONT_REGION) yield problem(`web ACL ${acl.block.name} is created in ${region}, not ${CLOUDFRONT_REGION}`);
    }
  },
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_wafv2_web_acl: { acl: { name: "edge", scope: "REGIONAL" } },
        aws_cloudfront_distribution: { x: { web_acl_id: "${aws_wafv2_web_acl.acl.id}" } },
      },
    },
  },
});

const cloudfrontErrorResponsesSpareApis = perBlock({
  id: "cloudfront-error-responses-spare-api-origins",
  requirement:
    "A distribution that rewrites 403/404 errors into a 200 page serves no custom (API) origin: custom error responses apply to every origin, so API errors would reach clients as the page with status 200.",
  source: `https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/GeneratingCustomErrorResponses.html (a distribution has one set of custom error responses for all its origins); ${PROVIDER}/cloudfront/distribution.go`,
  types: ["aws_cloudfront_distribution"],
  problem: (block) => {
    const rewrites = (valuesAt(block.body, "custom_error_response") as Record<string, unknown>[]).filter(
      (response) => [403, 404].includes(Number(response.error_code)) && response.response_code !== undefined && Number(response.response_code) < 400,
    );
    const apiOrigins = (valuesAt(block.body, "origin") as Record<string, unknown>[]).filter((origin) => first(origin, "custom_origin_config") !== undefined);
    if (rewrites.length === 0 || apiOrigins.length === 0) return undefined;
    return `custom_error_response turns ${rewrites.map((response) => response.error_code).join(", ")} into ${rewrites[0].response_code} for every origin, including ${apiOrigins.map((origin) => origin.origin_id).join(", ")}`;
  },
  failingExample: {
    bad: {
      resource: {
        aws_cloudfront_distribution: {
          x: { origin: [{ origin_id: "api", domain_name: "api.example.com", custom_origin_config: { origin_protocol_policy: "https-only" } }], custom_error_response: [{ error_code: 404, response_code: 200, response_page_path: "/index.html" }] },
        },
      },
    },
  },
});

const cloudfrontFunctions = acrossStacks({
  id: "cloudfront-function",
  requirement:
    "A CloudFront function's name is 1-64 letters, digits, hyphens or underscores, its code is at most 10 KB, and a function a distribution associates is published (only the LIVE stage can be associated).",
  source: `https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateFunction.html, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-functions; ${PROVIDER}/cloudfront/function.go (name and code have no validator)`,
  types: ["aws_cloudfront_function", "aws_cloudfront_distribution"],
  problems: function* (stacks) {
    for (const [, fn] of blocksOf(stacks, "aws_cloudfront_function")) {
      const name = fn.body.name;
      if (isLiteral(name) && !/^[A-Za-z0-9_-]{1,64}$/.test(name)) yield { where: where(fn), problem: `name ${JSON.stringify(name)} is not 1-64 letters, digits, hyphens or underscores` };
      if (typeof fn.body.code === "string" && Buffer.byteLength(literalParts(fn.body.code)) > 10240) yield { where: where(fn), problem: `code takes ${Buffer.byteLength(literalParts(fn.body.code))} bytes, above 10 KB` };
    }
    for (const [stack, distribution] of blocksOf(stacks, "aws_cloudfront_distribution")) {
      for (const behavior of cacheBehaviors(distribution)) {
        for (const association of valuesAt(behavior, "function_association") as Record<string, unknown>[]) {
          const fn = resolve(stacks, stack, association.function_arn);
          if (fn?.block.type === "aws_cloudfront_function" && fn.block.body.publish === false) {
            yield { where: where(distribution), problem: `${behaviorLabel(behavior)} associates function ${fn.block.name}, which is not published` };
          }
        }
      }
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_cloudfront_function: { f: { name: "spa rewrite", runtime: "cloudfront-js-2.0", code: "x".repeat(10241), publish: false } },
        aws_cloudfront_distribution: { x: { default_cache_behavior: { function_association: [{ event_type: "viewer-request", function_arn: "${aws_cloudfront_function.f.arn}" }] } } },
      },
    },
  },
});

const cloudfrontResponseHeadersPolicy = perBlock({
  id: "cloudfront-response-headers-policy",
  requirement:
    "A response headers policy's name is 1-128 letters, digits, hyphens or underscores, its comment at most 128 characters, and its Strict-Transport-Security max-age is not negative.",
  source: `https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyConfig.html, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/creating-response-headers-policies.html, https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyStrictTransportSecurity.html; ${PROVIDER}/cloudfront/response_headers_policy.go (name, comment and access_control_max_age_sec have no validator)`,
  types: ["aws_cloudfront_response_headers_policy"],
  problem: (block) => {
    const problems: string[] = [];
    if (isLiteral(block.body.name) && !/^[A-Za-z0-9_-]{1,128}$/.test(block.body.name)) problems.push(`name ${JSON.stringify(block.body.name)} is not 1-128 letters, digits, hyphens or underscores`);
    if (typeof block.body.comment === "string" && literalParts(block.body.comment).length > 128) problems.push("comment is longer than 128 characters");
    const maxAge = numberAt(block.body, "security_headers_config.strict_transport_security.access_control_max_age_sec");
    if (maxAge !== undefined && maxAge < 0) problems.push(`Strict-Transport-Security max-age ${maxAge} is negative`);
    return problems;
  },
  failingExample: { bad: { resource: { aws_cloudfront_response_headers_policy: { x: { name: "platform dev security headers" } } } } },
});

// ---------------------------------------------------------------------------------------------
// WAF

// Web ACL capacity units of AWS managed rule groups (AWS WAF Developer Guide, managed rule groups list).
const MANAGED_RULE_GROUP_CAPACITY: Record<string, number> = {
  AWSManagedRulesCommonRuleSet: 700,
  AWSManagedRulesAdminProtectionRuleSet: 100,
  AWSManagedRulesKnownBadInputsRuleSet: 200,
  AWSManagedRulesSQLiRuleSet: 200,
  AWSManagedRulesLinuxRuleSet: 200,
  AWSManagedRulesUnixRuleSet: 100,
  AWSManagedRulesAmazonIpReputationList: 25,
  AWSManagedRulesAnonymousIpList: 50,
  AWSManagedRulesBotControlRuleSet: 50,
};
const WEB_ACL_MAX_CAPACITY = 5000;

const wafv2CloudfrontScope = perBlock({
  id: "wafv2-cloudfront-scope-in-us-east-1",
  requirement: "A WAFv2 web ACL of scope CLOUDFRONT is created through a us-east-1 provider (or region).",
  source: `https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html#WAF-CreateWebACL-request-Scope; ${PROVIDER}/wafv2/web_acl.go (scope is validated as an enum, never against the region)`,
  types: ["aws_wafv2_web_acl"],
  problem: (block, stack) => {
    if (block.body.scope !== "CLOUDFRONT") return undefined;
    const region = stack.regionOf(block);
    return region === CLOUDFRONT_REGION ? undefined : `scope CLOUDFRONT created in ${region}; CloudFront web ACLs exist in ${CLOUDFRONT_REGION} only`;
  },
  failingExample: { bad: { provider: { aws: [{ region: "eu-west-1" }] }, resource: { aws_wafv2_web_acl: { x: { name: "edge", scope: "CLOUDFRONT" } } } } },
});

const wafv2RulesAndCapacity = perBlock({
  id: "wafv2-web-acl-rules",
  requirement: `A web ACL's rule names are 1-128 letters, digits, hyphens or underscores and unique, its priorities unique, and its rules use at most ${WEB_ACL_MAX_CAPACITY} capacity units.`,
  source: `https://docs.aws.amazon.com/waf/latest/APIReference/API_Rule.html, https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html, https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html; ${PROVIDER}/wafv2/web_acl.go (rule name is only length-checked; priority unchecked; capacity is computed by AWS at apply)`,
  types: ["aws_wafv2_web_acl"],
  problem: (block) => {
    const rules = valuesAt(block.body, "rule") as Record<string, any>[];
    const problems: string[] = [];
    const names = new Set<string>();
    const priorities = new Set<number>();
    let capacity = 0;
    for (const rule of rules) {
      if (isLiteral(rule.name)) {
        if (!/^[\w-]{1,128}$/.test(rule.name)) problems.push(`rule name ${JSON.stringify(rule.name)} is not 1-128 letters, digits, hyphens or underscores`);
        if (names.has(rule.name)) problems.push(`rule name ${rule.name} is used twice`);
        names.add(rule.name);
      }
      const priority = Number(rule.priority);
      if (priorities.has(priority)) problems.push(`priority ${priority} is used twice`);
      priorities.add(priority);
      const group = first(rule, "statement.managed_rule_group_statement") as Record<string, unknown> | undefined;
      if (group) {
        const units = MANAGED_RULE_GROUP_CAPACITY[String(group.name)];
        if (units === undefined) problems.push(`managed rule group ${group.name} has no capacity known to this rule; add it from the managed rule groups list`);
        else capacity += units;
      } else if (first(rule, "statement.rate_based_statement")) capacity += 2;
    }
    if (capacity > WEB_ACL_MAX_CAPACITY) problems.push(`rules use at least ${capacity} capacity units, above ${WEB_ACL_MAX_CAPACITY}`);
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_wafv2_web_acl: {
          x: {
            rule: [
              { name: "common rules", priority: 0, statement: { managed_rule_group_statement: { name: "AWSManagedRulesCommonRuleSet", vendor_name: "AWS" } } },
              { name: "rate", priority: 0, statement: { rate_based_statement: { limit: 100 } } },
            ],
          },
        },
      },
    },
  },
});

const wafv2Description = stringArgument({
  id: "wafv2-web-acl-description-charset",
  requirement: "A web ACL description uses only letters, digits, whitespace and _+=:#@/-,. and neither starts nor ends with whitespace.",
  source: `https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html#WAF-CreateWebACL-request-Description; ${PROVIDER}/wafv2/web_acl.go (description: StringLenBetween(1, 256) only)`,
  types: ["aws_wafv2_web_acl"],
  path: "description",
  pattern: /^[\w+=:#@/\-,.\s]*$/,
  extra: (literal, raw) => (/^\s|\s$/.test(raw) ? `description ${JSON.stringify(literal)} starts or ends with whitespace` : undefined),
  failingExample: { bad: { resource: { aws_wafv2_web_acl: { x: { description: "Protects the site's distribution" } } } } },
});

const wafv2LoggingDestination = acrossStacks({
  id: "wafv2-logging-destination",
  requirement:
    "A web ACL logs to a log group (or Firehose stream or bucket) whose name starts with aws-waf-logs-, in the web ACL's region, given by its ARN without ':*'.",
  source: `https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html, https://docs.aws.amazon.com/waf/latest/APIReference/API_LoggingConfiguration.html; ${PROVIDER}/wafv2/web_acl_logging_configuration.go (log_destination_configs: ValidARN only)`,
  types: ["aws_wafv2_web_acl_logging_configuration", "aws_wafv2_web_acl", "aws_cloudwatch_log_group"],
  problems: function* (stacks) {
    for (const [stack, logging] of blocksOf(stacks, "aws_wafv2_web_acl_logging_configuration")) {
      const acl = resolve(stacks, stack, logging.body.resource_arn);
      const aclRegion = acl?.block.type === "aws_wafv2_web_acl" ? acl.stack.regionOf(acl.block) : undefined;
      for (const destination of stringsAt(logging.body, "log_destination_configs")) {
        const problem = (text: string) => ({ where: where(logging), problem: text });
        if (literalParts(destination).endsWith(":*")) yield problem(`destination ${JSON.stringify(destination)} ends in ':*'`);
        if (isLiteral(destination) && !/:(log-group:|deliverystream\/|::)aws-waf-logs-/.test(destination)) yield problem(`destination ${destination} is not named aws-waf-logs-...`);
        const target = resolve(stacks, stack, destination);
        if (target?.block.type !== "aws_cloudwatch_log_group") continue;
        const name = target.block.body.name;
        if (isLiteral(name) && !name.startsWith("aws-waf-logs-")) yield problem(`log group ${JSON.stringify(name)} does not start with aws-waf-logs-`);
        if (target.block.body.name_prefix !== undefined && !String(target.block.body.name_prefix).startsWith("aws-waf-logs-")) yield problem("log group name_prefix does not start with aws-waf-logs-");
        const groupRegion = target.stack.regionOf(target.block);
        if (aclRegion && groupRegion !== aclRegion) yield problem(`log group ${target.block.name} is in ${groupRegion}, the web ACL in ${aclRegion}`);
      }
    }
  },
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }, { alias: "edge", region: "us-east-1" }] },
      resource: {
        aws_wafv2_web_acl: { acl: { provider: "aws.edge", name: "edge", scope: "CLOUDFRONT" } },
        aws_cloudwatch_log_group: { logs: { name: "/waf/edge" } },
        aws_wafv2_web_acl_logging_configuration: { x: { provider: "aws.edge", resource_arn: "${aws_wafv2_web_acl.acl.arn}", log_destination_configs: ["${aws_cloudwatch_log_group.logs.arn}"] } },
      },
    },
  },
});

const wafv2RedactedHeaders = stringArgument({
  id: "wafv2-logging-redacted-header-lowercase",
  requirement: "A redacted single header is named in lower case: WAF stores header names in lower case, so any other spelling differs from the state on every plan.",
  source: `https://docs.aws.amazon.com/waf/latest/APIReference/API_SingleHeader.html; ${PROVIDER}/wafv2/web_acl_logging_configuration.go (single_header.name: "The value is returned in lower case by the API", not validated)`,
  types: ["aws_wafv2_web_acl_logging_configuration"],
  path: "redacted_fields.single_header.name",
  pattern: /^[^A-Z]*$/,
  failingExample: { bad: { resource: { aws_wafv2_web_acl_logging_configuration: { x: { redacted_fields: [{ single_header: { name: "Authorization" } }] } } } } },
});

// ---------------------------------------------------------------------------------------------
// ACM and Route 53

const acmValidationRegion = acrossStacks({
  id: "acm-validation-in-certificate-region",
  requirement: "An ACM certificate validation waits in the region the certificate was requested in, and a DNS-validated certificate's validation is given the validation records' names.",
  source: `https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html, https://docs.aws.amazon.com/acm/latest/APIReference/API_DescribeCertificate.html; ${PROVIDER}/acm/certificate_validation.go (certificate_arn: ValidARN only)`,
  types: ["aws_acm_certificate_validation", "aws_acm_certificate"],
  problems: function* (stacks) {
    for (const [stack, validation] of blocksOf(stacks, "aws_acm_certificate_validation")) {
      const certificate = resolve(stacks, stack, validation.body.certificate_arn);
      if (certificate?.block.type !== "aws_acm_certificate") continue;
      const problem = (text: string) => ({ where: where(validation), problem: text });
      const certificateRegion = certificate.stack.regionOf(certificate.block);
      const validationRegion = stack.regionOf(validation);
      if (certificateRegion !== validationRegion) yield problem(`waits in ${validationRegion} for certificate ${certificate.block.name} of ${certificateRegion}`);
      if (certificate.block.body.validation_method === "DNS" && valuesAt(validation.body, "validation_record_fqdns").length === 0) yield problem("a DNS-validated certificate's validation names no validation records");
    }
  },
  failingExample: {
    bad: {
      provider: { aws: [{ region: "eu-west-1" }, { alias: "edge", region: "us-east-1" }] },
      resource: {
        aws_acm_certificate: { cert: { provider: "aws.edge", domain_name: "app.example.com", validation_method: "DNS" } },
        aws_acm_certificate_validation: { x: { certificate_arn: "${aws_acm_certificate.cert.arn}" } },
      },
    },
  },
});

const route53CloudfrontAlias = acrossStacks({
  id: "route53-cloudfront-alias",
  requirement:
    "A Route 53 alias to a CloudFront distribution uses hosted zone Z2FDTNDATAQYW2 (the distribution's hosted_zone_id), is an AAAA record only for an IPv6-enabled distribution, and names a host among the distribution's aliases (CloudFront answers other hosts with 403).",
  source: `https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html, https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-cloudfront-distribution.html; ${PROVIDER}/route53/record.go (alias.zone_id and name are free strings)`,
  types: ["aws_route53_record", "aws_cloudfront_distribution"],
  problems: function* (stacks) {
    for (const [stack, record] of blocksOf(stacks, "aws_route53_record")) {
      const alias = first(record.body, "alias") as Record<string, unknown> | undefined;
      if (!alias) continue;
      const problem = (text: string) => ({ where: where(record), problem: text });
      const target = resolve(stacks, stack, alias.name);
      const toDistribution = target?.block.type === "aws_cloudfront_distribution";
      const toCloudfrontName = isLiteral(alias.name) && /\.cloudfront\.net\.?$/.test(alias.name);
      if (!toDistribution && !toCloudfrontName) continue;
      const zone = resolve(stacks, stack, alias.zone_id);
      const zoneIsDistribution = zone?.block.type === "aws_cloudfront_distribution" && zone.attribute === "hosted_zone_id";
      if (!zoneIsDistribution && alias.zone_id !== CLOUDFRONT_ZONE_ID) yield problem(`alias zone_id ${JSON.stringify(alias.zone_id)} is not CloudFront's ${CLOUDFRONT_ZONE_ID}`);
      if (!toDistribution || !target) continue;
      if (record.body.type === "AAAA" && target.block.body.is_ipv6_enabled !== true) yield problem(`an AAAA alias to distribution ${target.block.name}, which has IPv6 disabled`);
      const aliases = stringsAt(target.block.body, "aliases").map((name) => name.replace(/\.$/, "").toLowerCase());
      if (isLiteral(record.body.name) && !aliases.includes(record.body.name.replace(/\.$/, "").toLowerCase())) yield problem(`${record.body.name} is not among the aliases of distribution ${target.block.name} (${aliases.join(", ") || "none"})`);
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_cloudfront_distribution: { site: { aliases: ["app.example.com"], is_ipv6_enabled: false } },
        aws_route53_record: {
          x: { name: "www.example.com", type: "AAAA", zone_id: "Z0123456789ABCDEFGHIJ", alias: { name: "${aws_cloudfront_distribution.site.domain_name}", zone_id: "Z1BKCTXD74EZPE", evaluate_target_health: false } },
        },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// ECR

const ecrRepositoryName = stringArgument({
  id: "ecr-repository-name",
  requirement: "An ECR repository name is 2-256 characters of lower-case letters, digits and single '.', '_', '-' or '/' separators between them.",
  source: `https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html#ECR-CreateRepository-request-repositoryName; ${PROVIDER}/ecr/repository.go (name has no validator)`,
  types: ["aws_ecr_repository"],
  path: "name",
  pattern: /^[a-z0-9._/-]*$/,
  minLength: 2,
  maxLength: 256,
  extra: (literal, raw) =>
    !hasExpression(raw) && !/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(literal) ? `name ${JSON.stringify(raw)} does not match ECR's repository name pattern` : undefined,
  failingExample: { bad: { resource: { aws_ecr_repository: { x: { name: "Platform-Dev--api" } } } } },
});

const ecrLifecyclePolicy = perBlock({
  id: "ecr-lifecycle-policy-rules",
  requirement:
    "ECR lifecycle rules have unique integer priorities, tagStatus tagged (with a tagPatternList or tagPrefixList), untagged (with neither) or any (on the highest priority), countType imageCountMoreThan without countUnit or sinceImagePushed/Pulled/Transitioned with countUnit days, a positive countNumber, and action expire or transition.",
  source: `https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html; ${PROVIDER}/ecr/lifecycle_policy.go (policy: StringIsJSON only)`,
  types: ["aws_ecr_lifecycle_policy"],
  problem: (block) => {
    const policy = parseJsonWithExpressions(block.body.policy);
    if (!policy) return undefined;
    const rules: Record<string, any>[] = Array.isArray(policy.rules) ? policy.rules : [];
    const problems: string[] = [];
    if (rules.length === 0) problems.push("the policy has no rules");
    const priorities = rules.map((rule) => rule.rulePriority);
    const highest = Math.max(...priorities.filter((priority) => typeof priority === "number"));
    rules.forEach((rule) => {
      const label = `rule ${rule.rulePriority}`;
      const selection = rule.selection ?? {};
      if (!Number.isInteger(rule.rulePriority) || rule.rulePriority < 1) problems.push(`${label}: rulePriority must be a positive integer`);
      if (priorities.filter((priority) => priority === rule.rulePriority).length > 1) problems.push(`${label}: rulePriority is not unique`);
      const lists = ["tagPatternList", "tagPrefixList"].filter((key) => Array.isArray(selection[key]) && selection[key].length > 0);
      if (selection.tagStatus === "tagged" && lists.length !== 1) problems.push(`${label}: tagStatus tagged needs exactly one of tagPatternList and tagPrefixList`);
      else if (selection.tagStatus === "untagged" && lists.length > 0) problems.push(`${label}: tagStatus untagged takes no tag lists`);
      else if (selection.tagStatus === "any" && rule.rulePriority !== highest) problems.push(`${label}: tagStatus any must have the highest rulePriority`);
      else if (!["tagged", "untagged", "any"].includes(selection.tagStatus)) problems.push(`${label}: tagStatus ${JSON.stringify(selection.tagStatus)} is not tagged, untagged or any`);
      for (const pattern of selection.tagPatternList ?? []) if (typeof pattern === "string" && (pattern.match(/\*/g) ?? []).length > 4) problems.push(`${label}: tag pattern ${pattern} has more than 4 wildcards`);
      if (selection.countType === "imageCountMoreThan") {
        if (selection.countUnit !== undefined) problems.push(`${label}: imageCountMoreThan takes no countUnit`);
      } else if (["sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned"].includes(selection.countType)) {
        if (selection.countUnit !== "days") problems.push(`${label}: ${selection.countType} needs countUnit days`);
      } else problems.push(`${label}: countType ${JSON.stringify(selection.countType)} is not a lifecycle count type`);
      if (!Number.isInteger(selection.countNumber) || selection.countNumber < 1) problems.push(`${label}: countNumber must be a positive integer`);
      if (!["expire", "transition"].includes(rule.action?.type)) problems.push(`${label}: action type ${JSON.stringify(rule.action?.type)} is not expire or transition`);
    });
    return problems;
  },
  failingExample: {
    bad: {
      resource: {
        aws_ecr_lifecycle_policy: {
          x: {
            policy: JSON.stringify({
              rules: [
                { rulePriority: 1, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } },
                { rulePriority: 2, selection: { tagStatus: "tagged", countType: "sinceImagePushed", countNumber: 7 }, action: { type: "expire" } },
              ],
            }),
          },
        },
      },
    },
  },
});

const ecrRepositoryPolicy = perBlock({
  id: "ecr-repository-policy-statements",
  requirement: "Every statement of an ECR repository policy names a Principal, grants ECR actions only, and has no Resource element (the policy applies to its repository).",
  source: `https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html, https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html (SetRepositoryPolicy answers 'Invalid repository policy provided' otherwise); ${PROVIDER}/ecr/repository_policy.go (policy is only checked to be JSON)`,
  types: ["aws_ecr_repository_policy"],
  problem: (block, stack) => {
    // A policy written in place may hold expressions with quotes, which JSON.parse would stumble on.
    const fromDocument = stack.referenced(block.body.policy)?.type === "aws_iam_policy_document";
    const policy = fromDocument ? policyOf(block.body.policy, stack) : parseJsonWithExpressions(block.body.policy);
    if (!policy) return undefined;
    return (policy.Statement ?? []).flatMap((statement: Record<string, any>, index: number) => {
      const label = `statement ${statement.Sid ?? index}`;
      const problems: string[] = [];
      if (!statement.Principal && !statement.NotPrincipal) problems.push(`${label} has no Principal`);
      if (statement.Resource !== undefined || statement.NotResource !== undefined) problems.push(`${label} has a Resource element`);
      const actions = [statement.Action ?? [], statement.NotAction ?? []].flat();
      for (const action of actions) if (typeof action === "string" && action !== "*" && !action.toLowerCase().startsWith("ecr:")) problems.push(`${label} grants ${action}, not an ECR action`);
      return problems;
    });
  },
  failingExample: {
    bad: { resource: { aws_ecr_repository_policy: { x: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }] }) } } } },
  },
});

// ---------------------------------------------------------------------------------------------
// The origin header: KeyValueStore, the function that reads it, and the secret's rotation

const cloudfrontKeyValueStore = perBlock({
  id: "cloudfront-key-value-store",
  requirement: "A CloudFront KeyValueStore's name is 1-64 letters, digits, hyphens or underscores and its comment at most 128 characters.",
  source: `https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateKeyValueStore.html; ${PROVIDER}/cloudfront/key_value_store.go (validates the name, not the comment; validate cannot run here with the real provider, so the name is checked here too)`,
  types: ["aws_cloudfront_key_value_store"],
  problem: (block) => {
    const problems: string[] = [];
    if (isLiteral(block.body.name) && !/^[A-Za-z0-9_-]{1,64}$/.test(block.body.name)) problems.push(`name ${JSON.stringify(block.body.name)} is not 1-64 letters, digits, hyphens or underscores`);
    if (typeof block.body.comment === "string" && literalParts(block.body.comment).length > 128) problems.push("comment is longer than 128 characters");
    return problems;
  },
  failingExample: { bad: { resource: { aws_cloudfront_key_value_store: { s: { name: "platform.dev/origin", comment: "c".repeat(129) } } } } },
});

const cloudfrontFunctionKeyValueStores = acrossStacks({
  id: "cloudfront-function-key-value-store",
  requirement:
    "A CloudFront function that reads a KeyValueStore runs on cloudfront-js-2.0 and is associated with at most one store, a KeyValueStore's ARN (the only kind CloudFront accepts there).",
  source: `https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-associate.html ("a function can have only one key value store"), https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-kvs.html (the helper methods of runtime 2.0); ${PROVIDER}/cloudfront/function.go (key_value_store_associations is a set of any ARNs, no MaxItems, no runtime check)`,
  types: ["aws_cloudfront_function", "aws_cloudfront_key_value_store"],
  problems: function* (stacks) {
    for (const [stack, fn] of blocksOf(stacks, "aws_cloudfront_function")) {
      const associations = valuesAt(fn.body, "key_value_store_associations");
      if (associations.length === 0) continue;
      if (fn.body.runtime !== "cloudfront-js-2.0") yield { where: where(fn), problem: `reads a KeyValueStore on runtime ${JSON.stringify(fn.body.runtime)}; only cloudfront-js-2.0 can` };
      if (associations.length > 1) yield { where: where(fn), problem: `is associated with ${associations.length} KeyValueStores; a function takes at most one` };
      for (const association of associations) {
        const store = resolve(stacks, stack, association);
        const isStoreArn = store ? store.block.type === "aws_cloudfront_key_value_store" && store.attribute === "arn" : isLiteral(association) && /^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\//.test(association);
        if (!isStoreArn) yield { where: where(fn), problem: `key_value_store_associations holds ${JSON.stringify(association)}, not a KeyValueStore's ARN` };
      }
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_cloudfront_key_value_store: { a: { name: "a" }, b: { name: "b" } },
        aws_cloudfront_function: {
          f: { name: "f", runtime: "cloudfront-js-1.0", code: "x", key_value_store_associations: ["${aws_cloudfront_key_value_store.a.arn}", "${aws_cloudfront_key_value_store.b.id}"] },
        },
      },
    },
  },
});

const secretsManagerRotation = acrossStacks({
  id: "secretsmanager-rotation-schedule",
  requirement:
    "A secret rotation sets automatically_after_days (1-1000) or a schedule expression, a rotation window (duration) of 1-24 whole hours shorter than the interval, and a function Secrets Manager may invoke (a lambda_permission for secretsmanager.amazonaws.com on that function) in the secret's region.",
  source: `https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html, https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html, https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-lambda-function-customizing.html ("the Lambda function and the secret must be in the same Region"); ${PROVIDER}/secretsmanager/secret_rotation.go (validates days 1-1000 and an unanchored [0-9h]+ on duration; the invoke permission and the region are not checked, RotateSecret fails AccessDenied after the provider's retries)`,
  types: ["aws_secretsmanager_secret_rotation", "aws_lambda_function", "aws_lambda_permission"],
  problems: function* (stacks) {
    for (const [stack, rotation] of blocksOf(stacks, "aws_secretsmanager_secret_rotation")) {
      const days = numberAt(rotation.body, "rotation_rules.automatically_after_days");
      const expression = first(rotation.body, "rotation_rules.schedule_expression");
      if ((days === undefined) === (expression === undefined)) yield { where: where(rotation), problem: "rotation_rules needs exactly one of automatically_after_days and schedule_expression" };
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 1000)) yield { where: where(rotation), problem: `automatically_after_days ${days} is not 1-1000` };
      const duration = first(rotation.body, "rotation_rules.duration");
      if (duration !== undefined) {
        const hours = typeof duration === "string" && /^\d{1,2}h$/.test(duration) ? Number(duration.slice(0, -1)) : undefined;
        if (hours === undefined || hours < 1 || hours > 24) yield { where: where(rotation), problem: `duration ${JSON.stringify(duration)} is not 1h-24h` };
        else if (days !== undefined && hours >= days * 24) yield { where: where(rotation), problem: `the ${hours}h window runs into the next rotation every ${days} day(s)` };
      }
      const fn = resolve(stacks, stack, rotation.body.rotation_lambda_arn);
      if (!fn || fn.block.type !== "aws_lambda_function") {
        yield { where: where(rotation), problem: "rotation_lambda_arn does not name a function of this configuration, so nothing shows Secrets Manager may invoke it" };
        continue;
      }
      const invokable = fn.stack.resources("aws_lambda_permission").some((permission) => {
        const target = resolve(stacks, fn.stack, permission.body.function_name);
        return permission.body.principal === "secretsmanager.amazonaws.com" && permission.body.action === "lambda:InvokeFunction" && target?.block === fn.block;
      });
      if (!invokable) yield { where: where(rotation), problem: `Secrets Manager has no permission to invoke ${fn.block.name}` };
      if (fn.stack.regionOf(fn.block) !== stack.regionOf(rotation)) yield { where: where(rotation), problem: `the rotation function ${fn.block.name} is in ${fn.stack.regionOf(fn.block)}, the secret in ${stack.regionOf(rotation)}` };
    }
  },
  failingExample: {
    bad: {
      resource: {
        aws_lambda_function: { r: { function_name: "rotate" } },
        aws_secretsmanager_secret_rotation: { x: { secret_id: "s", rotation_lambda_arn: "${aws_lambda_function.r.arn}", rotation_rules: [{ automatically_after_days: 1, duration: "30h" }] } },
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------

export const group: RuleGroup = {
  rules: [
    lambdaFunctionName,
    lambdaLayerName,
    lambdaEnvironmentVariables,
    lambdaLogLevelsNeedJson,
    lambdaImageFunctionWithoutLayers,
    lambdaLayerCompatibility,
    lambdaReservedConcurrency,
    lambdaSqsBatching,
    apiRouteKeys,
    apiIntegrations,
    apiLambdaTimeout,
    apiStageAccessLog,
    ecsFargateTaskSize,
    ecsContainerDefinitions,
    ecsServiceLoadBalancer,
    elbAccessLogBucket,
    elbTargetGroupHealthCheck,
    appAutoScalingScheduledAction,
    appAutoScalingTargetAndPolicy,
    cloudfrontManagedPolicies,
    cloudfrontCacheBehaviors,
    cloudfrontOrigins,
    cloudfrontViewerCertificate,
    cloudfrontWebAcl,
    cloudfrontErrorResponsesSpareApis,
    cloudfrontFunctions,
    cloudfrontKeyValueStore,
    cloudfrontFunctionKeyValueStores,
    secretsManagerRotation,
    cloudfrontResponseHeadersPolicy,
    wafv2CloudfrontScope,
    wafv2RulesAndCapacity,
    wafv2Description,
    wafv2LoggingDestination,
    wafv2RedactedHeaders,
    acmValidationRegion,
    route53CloudfrontAlias,
    ecrRepositoryName,
    ecrLifecyclePolicy,
    ecrRepositoryPolicy,
  ],
  reviewed: {
    aws_lambda_event_source_mapping: "lambda-sqs-event-source-batching; the queue visibility against the function timeout is sqs-visibility-covers-consumer (operations-delivery) (lambda/event_source_mapping.go validates maximum_concurrency >= 2, retry and record-age ranges, function_response_types enum)",
    aws_lambda_function:
      "lambda-function-name, lambda-environment-variables, lambda-log-levels-need-json, lambda-image-function-without-layers, lambda-layer-matches-function, lambda-reserved-concurrency-leaves-unreserved-minimum (lambda/function.go validates memory 128-10240, timeout 1-900, enums, ARNs, at most 5 layers)",
    aws_lambda_layer_version: "lambda-layer-name, lambda-layer-matches-function (lambda/layer_version.go validates the architecture and runtime enums)",
    aws_lambda_permission:
      "nothing beyond the provider's validation: action, function_name, statement_id, qualifier and source_arn are validated against the AddPermission patterns; the principal apigateway.amazonaws.com and source_arn <execution_arn>/*/* are what HTTP APIs need (lambda/permission.go)",
    aws_apigatewayv2_api: "nothing beyond the provider's validation: name 1-128, description 0-1024, protocol_type enum (apigatewayv2/api.go); the api_endpoint it exports is checked where CloudFront uses it (cloudfront-origin-domains)",
    aws_apigatewayv2_integration: "apigatewayv2-http-integration-settings, apigatewayv2-integration-timeout-covers-lambda-timeout (apigatewayv2/integration.go validates the type, connection type and payload version enums only)",
    aws_apigatewayv2_route: "apigatewayv2-route-key-syntax (apigatewayv2/route.go validates target 1-128 and authorization_type only)",
    aws_apigatewayv2_stage: "apigatewayv2-stage-access-log (apigatewayv2/stage.go validates name 1-128 and destination_arn as an ARN; throttling limits are free numbers that API Gateway caps at the account quota)",
    aws_apigatewayv2_vpc_link:
      "nothing beyond the provider's validation: name 1-128 (apigatewayv2/vpc_link.go); subnet and security group ids arrive as cross-stack references from the network layer, where the network group checks them",
    aws_ecs_cluster: "nothing beyond the provider's validation: name and the containerInsights setting enum are validated (ecs/cluster.go)",
    aws_ecs_service: "ecs-service-load-balancer-target (ecs/service.go validates launch type, percentages, propagate_tags and name)",
    aws_ecs_task_definition: "ecs-fargate-task-size, ecs-container-definitions (ecs/task_definition.go validates family, enums and that container_definitions parse)",
    aws_lb: "elb-access-log-bucket (elbv2/load_balancer.go validates the name: 32 characters, alphanumerics and hyphens, no leading 'internal-')",
    aws_lb_listener: "nothing beyond the provider's validation: port 1-65535, protocol and action type enums (elbv2/listener.go); the target group it forwards to is covered by elb-target-group-health-check and ecs-service-load-balancer-target",
    aws_lb_target_group: "elb-target-group-health-check, ecs-service-load-balancer-target (elbv2/target_group.go validates name_prefix 6, port, thresholds 2-10, interval 5-300, timeout 2-120)",
    aws_appautoscaling_policy: "appautoscaling-target-and-policy (appautoscaling/policy.go validates name length and policy_type)",
    aws_appautoscaling_scheduled_action: "appautoscaling-scheduled-action (appautoscaling/scheduled_action.go validates only start/end times and capacities >= 0)",
    aws_appautoscaling_target: "appautoscaling-target-and-policy (appautoscaling/target.go validates nothing)",
    aws_cloudfront_distribution:
      "cloudfront-managed-policy-ids, cloudfront-cache-behaviors, cloudfront-origin-domains, cloudfront-viewer-certificate, cloudfront-web-acl, cloudfront-error-responses-spare-api-origins, cloudfront-function (cloudfront/distribution.go validates comment 0-128, enums, origin timeouts)",
    aws_cloudfront_function: "cloudfront-function, cloudfront-function-key-value-store (cloudfront/function.go validates the runtime enum only)",
    aws_cloudfront_key_value_store: "cloudfront-key-value-store, cloudfront-function-key-value-store (cloudfront/key_value_store.go validates the name 1-64 [a-zA-Z0-9-_])",
    aws_secretsmanager_secret_rotation: "secretsmanager-rotation-schedule (secretsmanager/secret_rotation.go validates automatically_after_days 1-1000, ExactlyOneOf days or expression, ARNs)",
    aws_cloudfront_origin_access_control:
      "cloudfront-origin-domains (cloudfront/origin_access_control.go validates name 1-64, description 0-256 and the origin type, signing behavior and protocol enums)",
    aws_cloudfront_response_headers_policy: "cloudfront-response-headers-policy (cloudfront/response_headers_policy.go validates the frame option and referrer policy enums)",
    aws_wafv2_web_acl:
      "wafv2-cloudfront-scope-in-us-east-1, wafv2-web-acl-rules, wafv2-web-acl-description-charset, cloudfront-web-acl (wafv2/web_acl.go validates name pattern, metric names [0-9A-Za-z_-]{1,128}, rate limit and evaluation window)",
    aws_wafv2_web_acl_logging_configuration: "wafv2-logging-destination, wafv2-logging-redacted-header-lowercase (wafv2/web_acl_logging_configuration.go validates ARNs and enums)",
    aws_acm_certificate: "cloudfront-viewer-certificate, acm-validation-in-certificate-region (acm/certificate.go validates domain names and the validation method enum)",
    aws_acm_certificate_validation: "acm-validation-in-certificate-region (acm/certificate_validation.go validates certificate_arn as an ARN)",
    aws_route53_record: "route53-cloudfront-alias (route53/record.go validates zone_id length, type enum and name length)",
    aws_ecr_lifecycle_policy: "ecr-lifecycle-policy-rules (ecr/lifecycle_policy.go checks only that the policy is JSON)",
    aws_ecr_repository: "ecr-repository-name (ecr/repository.go validates the mutability and encryption enums, not the name)",
    aws_ecr_repository_policy: "ecr-repository-policy-statements (ecr/repository_policy.go checks only that the policy is JSON)",
  },
};

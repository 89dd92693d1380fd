import type { RefreshReadTable } from "./types";

/**
 * Refresh reads of the API, container, load-balancing, edge, certificate, registry, IAM, monitoring,
 * messaging, scheduling and delivery resource types the stacks declare, and of the data sources
 * they read. Each entry follows the provider's Read function, the finders it calls and the tag read
 * the transparent-tagging interceptor adds when the Read does not return tags itself (the
 * interceptor lists tags only when the Read left them unset).
 */
export const EDGE_OPERATIONS_DELIVERY_READS: RefreshReadTable = {
  aws_apigatewayv2_api: {
    actions: ["apigateway:GET"],
    source: "internal/service/apigatewayv2/api.go",
    note: "GetApi; tags come back in GetApi, so no separate tag read. apigateway:GET authorizes every API Gateway read.",
  },
  aws_apigatewayv2_integration: {
    actions: ["apigateway:GET"],
    source: "internal/service/apigatewayv2/integration.go",
    note: "Verified against the provider source (v2-SDK copy): GetIntegration only; integrations carry no tags.",
  },
  aws_apigatewayv2_route: {
    actions: ["apigateway:GET"],
    source: "internal/service/apigatewayv2/route.go",
    note: "GetRoute.",
  },
  aws_apigatewayv2_stage: {
    actions: ["apigateway:GET"],
    source: "internal/service/apigatewayv2/stage.go",
    note: "GetStage (tags included), then GetApi for the protocol type invoke_url depends on.",
  },
  aws_apigatewayv2_vpc_link: {
    actions: ["apigateway:GET"],
    source: "internal/service/apigatewayv2/vpc_link.go",
    note: "Verified against the provider source (v2-SDK copy): GetVpcLink, whose tags the Read sets itself, so no tag read.",
  },
  aws_ecs_cluster: {
    actions: ["ecs:DescribeClusters"],
    source: "internal/service/ecs/cluster.go",
    note: "DescribeClusters asks for tags, settings and configurations in the same call.",
  },
  aws_ecs_service: {
    actions: ["ecs:DescribeServices"],
    source: "internal/service/ecs/service.go",
    note:
      "DescribeServices with include=TAGS (retried without tags only in partitions that lack ECS tagging). " +
      "The CustomizeDiff functions (capacity provider strategy, triggers) make no AWS call.",
  },
  aws_ecs_task_definition: {
    actions: ["ecs:DescribeTaskDefinition"],
    source: "internal/service/ecs/task_definition.go",
    note: "DescribeTaskDefinition with include=TAGS. Container secrets are references (ARNs); nothing is decrypted.",
  },
  aws_lb: {
    actions: [
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeCapacityReservation",
      "elasticloadbalancing:DescribeTags",
    ],
    source: "internal/service/elbv2/load_balancer.go",
    note:
      "DescribeCapacityReservation runs for application and network load balancers; AccessDenied is tolerated " +
      "but then minimum_load_balancer_capacity reads as empty, so it is granted. Tags through the interceptor (DescribeTags).",
  },
  aws_lb_listener: {
    actions: [
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeTags",
    ],
    source: "internal/service/elbv2/listener.go",
    note: "DescribeListenerAttributes is skipped for TLS listeners. Tags through the interceptor (DescribeTags).",
  },
  aws_lb_target_group: {
    actions: [
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTags",
    ],
    source: "internal/service/elbv2/target_group.go",
  },
  aws_appautoscaling_policy: {
    actions: ["application-autoscaling:DescribeScalingPolicies"],
    source: "internal/service/appautoscaling/policy.go",
    note: "Verified against the provider source (v2-SDK copy): DescribeScalingPolicies filtered by name, resource and dimension; policies carry no tags.",
  },
  aws_appautoscaling_scheduled_action: {
    actions: ["application-autoscaling:DescribeScheduledActions"],
    source: "internal/service/appautoscaling/scheduled_action.go",
    note: "Verified against the provider source (v2-SDK copy): DescribeScheduledActions; scheduled actions carry no tags.",
  },
  aws_appautoscaling_target: {
    actions: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:ListTagsForResource"],
    source: "internal/service/appautoscaling/target.go",
    note: "Tags through the interceptor, keyed by the scalable target ARN.",
  },
  aws_cloudfront_distribution: {
    actions: ["cloudfront:GetDistribution", "cloudfront:ListTagsForResource"],
    source: "internal/service/cloudfront/distribution.go",
    note: "Tags through the interceptor. The distributions carry no origin custom headers, so GetDistribution returns nothing secret.",
  },
  aws_cloudfront_function: {
    actions: ["cloudfront:DescribeFunction", "cloudfront:GetFunction"],
    source: "internal/service/cloudfront/function.go",
    note:
      "Verified, read at 0b77409: DescribeFunction for the DEVELOPMENT stage, GetFunction for its code, DescribeFunction again " +
      "for the LIVE stage (NotFound tolerated: live_stage_etag reads empty). Functions carry no tags.",
  },
  aws_cloudfront_key_value_store: {
    actions: ["cloudfront:DescribeKeyValueStore"],
    source: "internal/service/cloudfront/key_value_store.go",
    note:
      "Verified, read at 0392321: the Read is findKeyValueStoreByName, DescribeKeyValueStore on the control plane (ARN, comment, ETag). " +
      "Stores carry no tags; the keys (the origin header value) live on the cloudfront-keyvaluestore data plane, which no refresh reads.",
  },
  aws_cloudfront_origin_access_control: {
    actions: ["cloudfront:GetOriginAccessControl"],
    source: "internal/service/cloudfront/origin_access_control.go",
    note: "Verified against the provider source (v2-SDK copy): GetOriginAccessControl; no tags.",
  },
  aws_cloudfront_response_headers_policy: {
    actions: ["cloudfront:GetResponseHeadersPolicy"],
    source: "internal/service/cloudfront/response_headers_policy.go",
    note: "Verified against the provider source (v2-SDK copy): GetResponseHeadersPolicy; no tags.",
  },
  aws_wafv2_web_acl: {
    actions: ["wafv2:GetWebACL", "wafv2:ListTagsForResource"],
    source: "internal/service/wafv2/web_acl.go, internal/service/wafv2/tags_gen.go",
    note:
      "Verified, read at 0073593: GetWebACL (Id, Name, Scope); the Read sets no tags, so the interceptor lists them by ARN " +
      "(@Tags(identifierAttribute=\"arn\"), ListTagsForResource). The CLOUDFRONT-scoped ACLs are read in us-east-1.",
  },
  aws_wafv2_web_acl_logging_configuration: {
    actions: ["wafv2:GetLoggingConfiguration"],
    source: "internal/service/wafv2/web_acl_logging_configuration.go",
    note: "Verified, read at 012f18c: GetLoggingConfiguration by the ACL ARN; no tags.",
  },
  aws_acm_certificate: {
    actions: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"],
    source: "internal/service/acm/certificate.go, internal/service/acm/tags_gen.go",
    note:
      "Verified, read at 01661ea: DescribeCertificate; tags through the interceptor (@Tags(identifierAttribute=\"arn\"), " +
      "ListTagsForCertificate). The CustomizeDiff (domain_validation_options, pending_renewal) computes locally.",
  },
  aws_acm_certificate_validation: {
    actions: ["acm:DescribeCertificate"],
    source: "internal/service/acm/certificate_validation.go",
    note: "Verified, read at 004eea7: DescribeCertificate of certificate_arn (not issued reads as gone); no tags.",
  },
  aws_route53_record: {
    actions: ["route53:GetHostedZone", "route53:ListResourceRecordSets"],
    source: "internal/service/route53/record.go",
    note: "The record finder reads the hosted zone first (GetHostedZone) to qualify the record name.",
  },
  aws_ecr_lifecycle_policy: {
    actions: ["ecr:GetLifecyclePolicy"],
    source: "internal/service/ecr/lifecycle_policy.go",
    note: "Verified, read at 00a3530: GetLifecyclePolicy by repository name; no tags.",
  },
  aws_ecr_repository: {
    actions: ["ecr:DescribeRepositories", "ecr:ListTagsForResource"],
    source: "internal/service/ecr/repository.go",
    note:
      "Verified, read at 1ea7660 and on a later 6.x copy: DescribeRepositories; tags through the interceptor " +
      "(@Tags(identifierAttribute=\"arn\"), ListTagsForResource). The CustomizeDiff only checks the tag-mutability exclusion " +
      "filters. DescribeRepositories only returns the encryption key ARN; the customer key is used for image layers, not for this read.",
  },
  aws_ecr_repository_policy: {
    actions: ["ecr:GetRepositoryPolicy"],
    source: "internal/service/ecr/repository_policy.go",
    note: "Verified, read at 004b82b: GetRepositoryPolicy by repository name; no tags.",
  },
  aws_iam_openid_connect_provider: {
    actions: ["iam:GetOpenIDConnectProvider"],
    source: "internal/service/iam/openid_connect_provider.go",
    note: "Verified against the provider source (v2-SDK copy): GetOpenIDConnectProvider, whose tags the Read sets itself.",
  },
  aws_iam_policy: {
    actions: ["iam:GetPolicy", "iam:GetPolicyVersion"],
    source: "internal/service/iam/policy.go",
    note: "GetPolicy (tags included), then GetPolicyVersion for the default version's document.",
  },
  aws_iam_role: {
    actions: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"],
    source: "internal/service/iam/role.go",
    note:
      "GetRole (tags included). Every refresh also reads the deprecated inline_policy (ListRolePolicies, GetRolePolicy " +
      "per policy) and managed_policy_arns (ListAttachedRolePolicies), even though the stacks set neither.",
  },
  aws_iam_role_policy: {
    actions: ["iam:GetRolePolicy"],
    source: "internal/service/iam/role_policy.go",
    note: "Verified against the provider source (v2-SDK copy): GetRolePolicy by role and policy name.",
  },
  aws_iam_role_policy_attachment: {
    actions: ["iam:ListAttachedRolePolicies"],
    source: "internal/service/iam/role_policy_attachment.go",
    note: "Verified against the provider source (6.x copy): the attachment is found by paging ListAttachedRolePolicies of the role.",
  },
  aws_cloudwatch_dashboard: {
    actions: ["cloudwatch:GetDashboard"],
    source: "internal/service/cloudwatch/dashboard.go",
    note: "Verified against the provider source (v2-SDK copy): GetDashboard; dashboards carry no tags.",
  },
  aws_cloudwatch_event_rule: {
    actions: ["events:DescribeRule", "events:ListTagsForResource"],
    source: "internal/service/events/rule.go",
    note: "Verified against the provider source (v2-SDK copy): DescribeRule (bus and rule name); tags through the interceptor by ARN.",
  },
  aws_cloudwatch_event_target: {
    actions: ["events:ListTargetsByRule"],
    source: "internal/service/events/target.go",
    note: "Verified against the provider source (v2-SDK copy): the target is found by paging ListTargetsByRule; no tags.",
  },
  aws_cloudwatch_log_delivery: {
    actions: ["logs:GetDelivery", "logs:ListTagsForResource"],
    source: "internal/service/logs/delivery.go, internal/service/logs/tags_gen.go",
    note:
      "Verified against the provider source (framework copy): GetDelivery; the Read leaves tags unset (\"Delivery tags aren't set " +
      "in the Get response\"), so the interceptor lists them (tags_gen.go at 07e0d0b: ListTagsForResource).",
  },
  aws_cloudwatch_log_delivery_destination: {
    actions: ["logs:GetDeliveryDestination", "logs:ListTagsForResource"],
    source: "internal/service/logs/delivery_destination.go",
    note: "Tags through the interceptor. The destination policy is a separate resource type and is not read here.",
  },
  aws_cloudwatch_log_delivery_source: {
    actions: ["logs:GetDeliverySource", "logs:ListTagsForResource"],
    source: "internal/service/logs/delivery_source.go",
    note: "Verified against the provider source (framework copy): GetDeliverySource; tags left unset by the Read, listed by the interceptor.",
  },
  aws_cloudwatch_log_group: {
    actions: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
    source: "internal/service/logs/group.go",
    note:
      "Verified against the provider source (6.x copy): DescribeLogGroups by name prefix; tags through the interceptor. " +
      "DescribeLogGroups returns the kms_key_id as an ARN; the environment key decrypts log events, which a refresh never reads.",
  },
  aws_cloudwatch_log_resource_policy: {
    actions: ["logs:DescribeResourcePolicies"],
    source: "internal/service/logs/resource_policy.go",
    note: "Verified, read at 00a3530: DescribeResourcePolicies paged until the policy name (or resource ARN) matches.",
  },
  aws_cloudwatch_metric_alarm: {
    actions: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    source: "internal/service/cloudwatch/metric_alarm.go",
    note: "Verified against the provider source (v2-SDK copy): DescribeAlarms (name, MetricAlarm type); tags through the interceptor by ARN.",
  },
  aws_sns_topic: {
    actions: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
    source: "internal/service/sns/topic.go",
    note:
      "Verified against the provider source (v2-SDK copy): GetTopicAttributes (retried while the policy shows unresolved " +
      "principals); tags through the interceptor (@Tags(identifierAttribute=\"id\")). The CustomizeDiff only validates the name " +
      "and FIFO-only settings. GetTopicAttributes returns KmsMasterKeyId as an identifier; the topic key is used when messages " +
      "are published, not when attributes are read.",
  },
  aws_sns_topic_policy: {
    actions: ["sns:GetTopicAttributes"],
    source: "internal/service/sns/topic_policy.go",
    note: "Verified against the provider source (v2-SDK copy): GetTopicAttributes of the topic, Policy attribute.",
  },
  aws_sns_topic_subscription: {
    actions: ["sns:GetSubscriptionAttributes"],
    source: "internal/service/sns/topic_subscription.go",
    note: "Verified against the provider source (v2-SDK copy): GetSubscriptionAttributes; subscriptions carry no tags.",
  },
  aws_sqs_queue: {
    actions: ["sqs:GetQueueAttributes", "sqs:ListQueueTags"],
    source: "internal/service/sqs/queue.go",
    note:
      "Tags through the interceptor (ListQueueTags). The queue key encrypts message bodies (SendMessage, " +
      "ReceiveMessage, per the SQS key-management guide); GetQueueAttributes decrypts nothing.",
  },
  aws_sqs_queue_redrive_allow_policy: {
    actions: ["sqs:GetQueueAttributes"],
    source: "internal/service/sqs/queue_redrive_allow_policy.go",
  },
  aws_scheduler_schedule: {
    actions: ["scheduler:GetSchedule"],
    decryptsVia: ["scheduler"],
    source: "internal/service/scheduler/schedule.go",
    note:
      "Verified against the provider source (6.x copy): GetSchedule only; schedules carry no tags. GetSchedule returns target.input in plain text, and the Scheduler encryption-at-rest " +
      "guide lists that payload as encrypted with the schedule's customer managed key, so reading it decrypts with " +
      "the environment key; the guide's key-management section naming the caller's kms:Decrypt could not be read, " +
      "so this grant is the cautious reading, not a quoted one.",
  },
  aws_scheduler_schedule_group: {
    actions: ["scheduler:GetScheduleGroup", "scheduler:ListTagsForResource"],
    source: "internal/service/scheduler/schedule_group.go",
    note: "Verified against the provider source (6.x copy): GetScheduleGroup; tags through the interceptor by ARN.",
  },
  aws_codebuild_project: {
    actions: ["codebuild:BatchGetProjects"],
    source: "internal/service/codebuild/project.go",
    note:
      "Verified, read at 00a3530: BatchGetProjects, whose tags the Read sets itself (@Tags without an identifier), so no tag " +
      "read. The CustomizeDiff only checks the cache location. The artifact encryption key comes back as an ARN; the projects' " +
      "environment variables are all PLAINTEXT and hold no secret.",
  },
  aws_codepipeline: {
    actions: ["codepipeline:GetPipeline", "codepipeline:ListTagsForResource"],
    source: "internal/service/codepipeline/codepipeline.go",
    note:
      "Verified against the provider source (v2-SDK copy): GetPipeline; tags through the interceptor " +
      "(@Tags(identifierAttribute=\"arn\")). The artifact store's encryption key is returned as an identifier only.",
  },
  aws_codestarconnections_connection: {
    actions: ["codestar-connections:GetConnection", "codestar-connections:ListTagsForResource"],
    source: "internal/service/codestarconnections/connection.go",
    note:
      "Verified against the provider source (v2-SDK copy): GetConnection by ARN; the Read sets no tags, so the interceptor " +
      "lists them. The provider's client calls the codestar-connections endpoint, which authorizes codestar-connections:* " +
      "actions (codeconnections:* belong to the renamed service's own endpoint).",
  },
  aws_codestarnotifications_notification_rule: {
    actions: ["codestar-notifications:DescribeNotificationRule"],
    source: "internal/service/codestarnotifications/notification_rule.go",
    note: "Verified, read at 0de0d32: DescribeNotificationRule, whose tags the Read sets itself.",
  },
  "data.aws_iam_policy_document": {
    actions: [],
    source: "internal/service/iam/policy_document_data_source.go",
    note: "Renders JSON locally; no AWS call.",
  },
  "data.aws_caller_identity": {
    actions: ["sts:GetCallerIdentity"],
    source: "internal/service/sts/caller_identity_data_source.go",
    note: "AWS answers GetCallerIdentity for any principal; it is listed so the table names every call a plan makes.",
  },
  "data.aws_partition": {
    actions: [],
    source: "internal/service/meta/partition_data_source.go",
    note: "Answered from the provider's partition table; no AWS call.",
  },
  "data.aws_region": {
    actions: [],
    source: "internal/service/meta/region_data_source.go",
    note: "Resolved from the provider's region and endpoint tables; no AWS call.",
  },
  "data.terraform_remote_state": {
    actions: [],
    source: "terraform builtin provider (terraform.io/builtin/terraform), not the AWS provider",
    note: "Reads another stack's state object from the backend; the plan roles get those state reads separately.",
  },
};

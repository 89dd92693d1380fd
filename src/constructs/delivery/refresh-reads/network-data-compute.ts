import type { RefreshReadTable } from "./types";

/**
 * Refresh reads of the network, database, cache, secret, parameter, key, bucket, backup and Lambda
 * resource types the stacks declare, and of the data sources among them. Each entry follows the
 * provider's Read function, the finders it calls, and the tag read the transparent-tagging
 * interceptor adds when the Read leaves tags unset (EC2, RDS clusters and instances, Secrets
 * Manager, KMS keys and Lambda functions return tags with the describe call, so no tag read is
 * added for them). None of these types calls AWS from a CustomizeDiff or ModifyPlan.
 */
export const NETWORK_DATA_COMPUTE_READS: RefreshReadTable = {
  aws_vpc: {
    actions: ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups"],
    source: "internal/service/ec2/vpc_.go",
    note:
      "DescribeVpcs, three DescribeVpcAttribute calls (DNS hostnames, DNS support, address usage metrics), then the default network ACL, " +
      "main route table and default security group. Those three lookups only log a warning when denied, but default_network_acl_id, " +
      "main_route_table_id and default_security_group_id would then be emptied in state, which other stacks read.",
  },
  aws_subnet: {
    actions: ["ec2:DescribeSubnets"],
    source: "internal/service/ec2/vpc_subnet.go",
  },
  aws_route: {
    actions: ["ec2:DescribeRouteTables"],
    source: "internal/service/ec2/vpc_route.go, internal/service/ec2/find.go",
    note:
      "Verified against the provider source (v2-SDK copy): the route is found by destination in its route table's " +
      "DescribeRouteTables output (findRouteByIPv4Destination and siblings); routes carry no tags.",
  },
  aws_route_table: {
    actions: ["ec2:DescribeRouteTables", "ec2:DescribeNetworkInterfaces"],
    source: "internal/service/ec2/vpc_route_table.go",
    note:
      "DescribeNetworkInterfaces is called for routes that target a network interface, to skip cross-account service interfaces; " +
      "its errors are ignored, so a denial would put such routes back into the route set.",
  },
  aws_route_table_association: {
    actions: ["ec2:DescribeRouteTables"],
    source: "internal/service/ec2/vpc_route_table_association.go, internal/service/ec2/find.go",
    note:
      "Verified against the provider source (v2-SDK copy): findRouteTableAssociationByID is DescribeRouteTables filtered by " +
      "association.route-table-association-id.",
  },
  aws_egress_only_internet_gateway: {
    actions: ["ec2:DescribeEgressOnlyInternetGateways"],
    source: "internal/service/ec2/vpc_egress_only_internet_gateway.go",
    note: "Read is FindEgressOnlyInternetGatewayByID (DescribeEgressOnlyInternetGateways), whose tags the Read sets itself; the CustomizeDiff only merges default tags.",
  },
  aws_internet_gateway: {
    actions: ["ec2:DescribeInternetGateways"],
    source: "internal/service/ec2/vpc_internet_gateway.go",
    note: "Verified against the provider source (v2-SDK copy): DescribeInternetGateways, whose tags the Read sets itself.",
  },
  aws_nat_gateway: {
    actions: ["ec2:DescribeNatGateways"],
    source: "internal/service/ec2/vpc_nat_gateway.go",
    note: "The CustomizeDiff only validates connectivity_type against the configured addresses.",
  },
  aws_eip: {
    actions: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"],
    source: "internal/service/ec2/ec2_eip.go",
    note: "DescribeAddressesAttribute (domain-name, for ptr_record) tolerates only not-found and InvalidAction; a denial fails the refresh.",
  },
  aws_security_group: {
    actions: ["ec2:DescribeSecurityGroups"],
    source: "internal/service/ec2/vpc_security_group.go",
  },
  aws_vpc_security_group_egress_rule: {
    actions: ["ec2:DescribeSecurityGroupRules"],
    source: "internal/service/ec2/vpc_security_group_egress_rule.go, internal/service/ec2/vpc_security_group_ingress_rule.go",
    note: "Tags come back with the rule. ModifyPlan only compares the rule's source attribute; no AWS call.",
  },
  aws_vpc_security_group_ingress_rule: {
    actions: ["ec2:DescribeSecurityGroupRules"],
    source: "internal/service/ec2/vpc_security_group_ingress_rule.go",
    note: "Tags come back with the rule. ModifyPlan only compares the rule's source attribute; no AWS call.",
  },
  aws_default_security_group: {
    actions: ["ec2:DescribeSecurityGroups"],
    source: "internal/service/ec2/vpc_default_security_group.go, internal/service/ec2/vpc_security_group.go",
    note: "Refreshes with the aws_security_group Read.",
  },
  aws_default_network_acl: {
    actions: ["ec2:DescribeNetworkAcls"],
    source: "internal/service/ec2/vpc_default_network_acl.go, internal/service/ec2/vpc_network_acl.go",
    note: "Refreshes with the aws_network_acl Read; entries and subnet associations come from the same call.",
  },
  aws_vpc_endpoint: {
    actions: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeNetworkInterfaces"],
    source: "internal/service/ec2/vpc_endpoint.go",
    note:
      "DescribePrefixLists by service name (prefix_list_id, cidr_blocks of gateway endpoints; not-found tolerated, a denial is not) and " +
      "DescribeNetworkInterfaces for every endpoint interface (subnet_configuration; no error tolerated). The endpoint policy comes with " +
      "DescribeVpcEndpoints.",
  },
  aws_flow_log: {
    actions: ["ec2:DescribeFlowLogs"],
    source: "internal/service/ec2/vpc_flow_log.go",
  },
  aws_db_subnet_group: {
    actions: ["rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"],
    source: "internal/service/rds/subnet_group.go",
    note:
      "Verified against the provider source (v2-SDK copy): DescribeDBSubnetGroups; the Read sets no tags, so the interceptor " +
      "lists them by ARN (ListTagsForResource).",
  },
  aws_rds_cluster: {
    actions: ["rds:DescribeDBClusters", "rds:DescribeGlobalClusters"],
    source: "internal/service/rds/cluster.go, internal/service/rds/global_cluster.go",
    note:
      "DescribeGlobalClusters (filtered by the cluster ARN) runs for every provisioned or global engine mode; only not-found and the " +
      "'Access Denied to API Version: APIGlobalDatabases' parameter error are tolerated. Tags come in the DescribeDBClusters TagList. " +
      "The master password is managed by RDS in Secrets Manager; the Read only returns the secret's ARN and decrypts nothing. " +
      "The CustomizeDiff (storage_type) makes no AWS call.",
  },
  aws_rds_cluster_instance: {
    actions: ["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
    source: "internal/service/rds/cluster_instance.go",
    note: "DescribeDBClusters of the parent cluster decides `writer`; tags come in the DescribeDBInstances TagList.",
  },
  aws_rds_cluster_parameter_group: {
    actions: ["rds:DescribeDBClusterParameterGroups", "rds:DescribeDBClusterParameters", "rds:ListTagsForResource"],
    source: "internal/service/rds/cluster_parameter_group.go",
    note: "DescribeDBClusterParameters twice: Source=user, then Source=system for the parameters named in configuration.",
  },
  aws_db_proxy: {
    actions: ["rds:DescribeDBProxies", "rds:ListTagsForResource"],
    source: "internal/service/rds/proxy.go",
  },
  aws_db_proxy_default_target_group: {
    actions: ["rds:DescribeDBProxyTargetGroups"],
    source: "internal/service/rds/proxy_default_target_group.go",
    note:
      "Verified against the provider source (v2-SDK copy): findDefaultDBProxyTargetGroupByDBProxyName is " +
      "DescribeDBProxyTargetGroups by proxy name, keeping the IsDefault group; no tags.",
  },
  aws_db_proxy_target: {
    actions: ["rds:DescribeDBProxyTargets"],
    source: "internal/service/rds/proxy_target.go",
  },
  aws_elasticache_serverless_cache: {
    actions: ["elasticache:DescribeServerlessCaches", "elasticache:ListTagsForResource"],
    source: "internal/service/elasticache/serverless_cache.go",
    note: "kms_key_id is only reported by DescribeServerlessCaches; nothing is decrypted.",
  },
  aws_dynamodb_table: {
    actions: ["dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource", "kms:DescribeKey"],
    source: "internal/service/dynamodb/table.go, internal/service/kms/key.go",
    note:
      "kms:DescribeKey is on alias/aws/dynamodb (the AWS managed key), to blank kms_key_arn when the table uses that key; its error is " +
      "ignored and a table encrypted with the customer key is unaffected. DescribeContinuousBackups tolerates only UnknownOperation and " +
      "TableNotFound; DescribeTimeToLive tolerates nothing. Replica reads run only for tables with replicas. DescribeTable reports the " +
      "customer key without decrypting anything.",
  },
  aws_secretsmanager_secret: {
    actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
    source: "internal/service/secretsmanager/secret.go",
    note: "Tags come with DescribeSecret; no secret value is read.",
  },
  aws_secretsmanager_secret_rotation: {
    actions: ["secretsmanager:DescribeSecret"],
    source: "internal/service/secretsmanager/secret_rotation.go",
    note: "Verified, read at 0413c66: findSecretByID, DescribeSecret for rotation_enabled, the function ARN and the rules; no value is read.",
  },
  aws_secretsmanager_secret_version: {
    actions: [],
    secretActions: ["secretsmanager:GetSecretValue"],
    decryptsVia: ["secretsmanager"],
    source: "internal/service/secretsmanager/secret_version.go",
    note:
      "The Read is GetSecretValue by version ID, even when the value is write-only (secret_string_wo): the provider fetches the value " +
      "and then drops it from state. Any error but not-found fails the refresh. With a customer managed key Secrets Manager decrypts " +
      "with the caller's kms:Decrypt (Secrets Manager user guide, 'Secret encryption and decryption', Permissions for the KMS key; " +
      "GetSecretValue API reference: kms:Decrypt is required when the secret uses a customer managed key).",
  },
  aws_ssm_parameter: {
    actions: ["ssm:DescribeParameters", "ssm:ListTagsForResource"],
    secretActions: ["ssm:GetParameter"],
    decryptsVia: ["ssm"],
    source: "internal/service/ssm/parameter.go",
    note:
      "GetParameter always asks WithDecryption=true (findParameterByName(..., true)), then DescribeParameters filtered by name for " +
      "metadata. Any principal that retrieves a SecureString value needs kms:Decrypt on its key (Systems Manager user guide, " +
      "'Restricting decryption of SecureString parameter values'); parameters left on aws/ssm need no grant because that key allows " +
      "every principal of the account through Parameter Store. The CustomizeDiff functions make no AWS call.",
  },
  aws_kms_key: {
    actions: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
    source: "internal/service/kms/key.go",
    note: "Every call is authorized by the key policy too; the stacks' key policies delegate to IAM through the account root statement.",
  },
  aws_kms_alias: {
    actions: ["kms:ListAliases"],
    source: "internal/service/kms/alias.go",
    note: "ListAliases is paged through until the alias name matches; it is authorized on the account, not on the alias.",
  },
  aws_s3_bucket: {
    actions: [
      "s3:ListBucket",
      "s3:GetBucketPolicy",
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketWebsite",
      "s3:GetBucketVersioning",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketLogging",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetBucketObjectLockConfiguration",
      "s3:GetBucketTagging",
    ],
    source: "internal/service/s3/bucket.go, internal/service/s3/tags.go",
    note:
      "Verified against the newest stored copy of bucket.go (a late 5.x v2-SDK copy; no 6.x copy is stored): HeadBucket " +
      "(s3:ListBucket), then policy, ACL, CORS, website, versioning, acceleration, request payment, logging, lifecycle, " +
      "replication, encryption and object lock. Each tolerates only not-found and not-implemented codes; AccessDenied fails the " +
      "refresh (object lock failures are forgiven only outside the aws and aws-us-gov partitions). The CustomizeDiff is only the " +
      "tags diff. The bucket region comes from a HeadBucket through manager.GetBucketRegion (unsigned there, signed with the " +
      "caller's credentials in the later findBucketRegion; either way covered by s3:ListBucket). Tags: GetBucketTagging, NoSuchTagSet " +
      "read as no tags. The 6.25 schema (@cdktf/provider-aws 21.22.1) adds only bucket_region, from that same region lookup, so 6.x " +
      "needs no further read. No object is read.",
  },
  aws_s3_bucket_cors_configuration: {
    actions: ["s3:GetBucketCORS"],
    source: "internal/service/s3/bucket_cors_configuration.go",
  },
  aws_s3_bucket_lifecycle_configuration: {
    actions: ["s3:GetLifecycleConfiguration"],
    source: "internal/service/s3/bucket_lifecycle_configuration.go",
    note: "GetBucketLifecycleConfiguration, retried until the rules match (eventual consistency); the plan modifiers make no AWS call.",
  },
  aws_s3_bucket_logging: {
    actions: ["s3:GetBucketLogging"],
    source: "internal/service/s3/bucket_logging.go",
  },
  aws_s3_bucket_ownership_controls: {
    actions: ["s3:GetBucketOwnershipControls"],
    source: "internal/service/s3/bucket_ownership_controls.go",
  },
  aws_s3_bucket_policy: {
    actions: ["s3:GetBucketPolicy"],
    source: "internal/service/s3/bucket_policy.go",
  },
  aws_s3_bucket_public_access_block: {
    actions: ["s3:GetBucketPublicAccessBlock"],
    source: "internal/service/s3/bucket_public_access_block.go",
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    actions: ["s3:GetEncryptionConfiguration"],
    source: "internal/service/s3/bucket_server_side_encryption_configuration.go",
    note: "GetBucketEncryption returns the key ARN; reading the configuration decrypts nothing.",
  },
  aws_s3_bucket_versioning: {
    actions: ["s3:GetBucketVersioning"],
    source: "internal/service/s3/bucket_versioning.go",
  },
  aws_backup_plan: {
    actions: ["backup:GetBackupPlan", "backup:ListTags"],
    source: "internal/service/backup/plan.go",
  },
  aws_backup_selection: {
    actions: ["backup:GetBackupSelection"],
    source: "internal/service/backup/selection.go",
  },
  aws_backup_vault: {
    actions: ["backup:DescribeBackupVault", "backup:ListTags"],
    source: "internal/service/backup/vault.go",
    note: "DescribeBackupVault reports the vault's key ARN and recovery point count; nothing is decrypted.",
  },
  aws_backup_vault_lock_configuration: {
    actions: ["backup:DescribeBackupVault"],
    source: "internal/service/backup/vault_lock_configuration.go",
    note: "There is no lock-configuration read in the API; the lock's retention limits come from DescribeBackupVault.",
  },
  aws_backup_vault_notifications: {
    actions: ["backup:GetBackupVaultNotifications"],
    source: "internal/service/backup/vault_notifications.go",
  },
  aws_lambda_event_source_mapping: {
    actions: ["lambda:GetEventSourceMapping", "lambda:ListTags"],
    source: "internal/service/lambda/event_source_mapping.go",
    note:
      "Verified, read at 0603f3b: GetEventSourceMapping returns no tags; the Read lists them itself by the mapping ARN " +
      "(listTags, ListTags) and any error from that fails the refresh. The CustomizeDiff is only the tags diff.",
  },
  aws_lambda_function: {
    actions: ["lambda:GetFunction", "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListTags"],
    decryptsVia: ["lambda"],
    source: "internal/service/lambda/function.go",
    note:
      "GetFunction (configuration, code location, reserved concurrency, tags), ListVersionsByFunction for the latest version " +
      "(functions without a qualifier), GetFunctionCodeSigningConfig for zip functions (no error tolerated). GetFunction returns tags " +
      "only to callers explicitly allowed lambda:ListTags (Lambda API reference, GetFunction 'Tags'), so without it tags_all drifts. " +
      "Environment variables under a customer managed key can be viewed only by principals with access to that key (Lambda developer " +
      "guide, 'Securing Lambda environment variables'); without kms:Decrypt Lambda returns an error instead of the variables, which " +
      "the provider ignores, leaving environment empty and every plan showing a change. Functions on the AWS managed aws/lambda key need " +
      "no grant. The CustomizeDiff functions make no AWS call.",
  },
  aws_lambda_layer_version: {
    actions: ["lambda:GetLayerVersion"],
    source: "internal/service/lambda/layer_version.go",
  },
  aws_lambda_permission: {
    actions: ["lambda:GetPolicy"],
    source: "internal/service/lambda/permission.go",
    note: "The statement is found by ID in the function's resource policy (GetPolicy, with the qualifier when set).",
  },
  "data.aws_availability_zones": {
    actions: ["ec2:DescribeAvailabilityZones"],
    source: "internal/service/ec2/availability_zones_data_source.go",
  },
  "data.aws_kms_alias": {
    actions: ["kms:ListAliases", "kms:DescribeKey"],
    source: "internal/service/kms/alias_data_source.go",
    note:
      "ListAliases for the alias ARN, then DescribeKey with the alias name for target_key_arn and target_key_id; DescribeKey is " +
      "authorized on the target key.",
  },
};

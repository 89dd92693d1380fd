/**
 * Commercial AWS regions that offer every service the platform uses (Aurora Serverless v2,
 * ElastiCache Serverless, HTTP APIs). A region outside this list is refused at config time
 * rather than at `terraform plan`, where the error arrives after state locking and with less context.
 */
export const AWS_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  "ca-central-1", "ca-west-1",
  "sa-east-1", "mx-central-1",
  "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2",
  "eu-north-1", "eu-south-1", "eu-south-2",
  "af-south-1", "il-central-1", "me-south-1", "me-central-1",
  "ap-south-1", "ap-south-2", "ap-east-1", "ap-east-2",
  "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
  "ap-southeast-5", "ap-southeast-7",
] as const;

export type AwsRegion = (typeof AWS_REGIONS)[number];

/** CloudFront certificates and web ACLs can only live here. */
export const EDGE_REGION: AwsRegion = "us-east-1";

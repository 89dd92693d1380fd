import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";

/** Gateway endpoints cost nothing, so they always exist. */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;

/**
 * What the workloads call from inside the VPC when there is no NAT gateway. Each endpoint bills
 * per AZ and hour ($7.30/month), so only what a compute kind needs is created: functions read
 * secrets and parameters and use queues (Lambda itself delivers their logs and pulls their
 * images); Fargate tasks also pull images and ship logs from their own network interfaces.
 */
export const INTERFACE_ENDPOINT_SERVICES = {
  lambda: ["secretsmanager", "ssm", "sqs"],
  ecs: ["secretsmanager", "ssm", "sqs", "logs", "ecr.api", "ecr.dkr"],
} as const;
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)["ecs"][number];

export interface VpcEndpointsProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** Route tables that get routes to the gateway endpoints (S3, DynamoDB). */
  readonly gatewayRouteTableIds: string[];
  /** Subnets the interface endpoints place their network interfaces in. */
  readonly interfaceSubnetIds: string[];
  /** Interface endpoints to create (with their security group); empty: none. */
  readonly interfaceServices: readonly InterfaceEndpointService[];
}

/**
 * Private paths from the VPC to AWS APIs: S3 and DynamoDB gateway endpoints always, interface
 * endpoints with private DNS on demand, so the SDKs reach them under the usual public names.
 */
export class VpcEndpoints extends Construct {
  /** Gateway endpoint ids by service (`s3`, `dynamodb`). */
  readonly gatewayEndpointIds: Record<(typeof GATEWAY_ENDPOINT_SERVICES)[number], string>;
  /** Interface endpoint ids by service; empty when interface endpoints are off. */
  readonly interfaceEndpointIds: Record<string, string> = {};
  /** The interface endpoints' security group; absent when interface endpoints are off. */
  readonly securityGroupId?: string;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const { naming, account } = props;
    const serviceName = (service: string) => `com.amazonaws.${account.region}.${service}`;
    const resourceId = (service: string) => service.replace(/\./g, "-");

    const gateway = (service: (typeof GATEWAY_ENDPOINT_SERVICES)[number]) =>
      new VpcEndpoint(this, resourceId(service), {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: "Gateway",
        routeTableIds: props.gatewayRouteTableIds,
        tags: { Name: naming.name("vpce", resourceId(service)) },
      }).id;
    this.gatewayEndpointIds = { s3: gateway("s3"), dynamodb: gateway("dynamodb") };

    if (props.interfaceServices.length === 0) return;

    const securityGroup = new SecurityGroup(this, "security-group", {
      name: naming.name("endpoints"),
      description: `Interface VPC endpoints of ${naming.prefix}: HTTPS from inside the VPC`,
      vpcId: props.vpcId,
      tags: { Name: naming.name("endpoints") },
    });
    this.securityGroupId = securityGroup.id;
    // Endpoints only answer; they need no egress rule.
    new VpcSecurityGroupIngressRule(this, "https-from-vpc", {
      securityGroupId: securityGroup.id,
      description: "HTTPS to AWS APIs from anything in the VPC",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });

    for (const service of props.interfaceServices) {
      this.interfaceEndpointIds[service] = new VpcEndpoint(this, resourceId(service), {
        vpcId: props.vpcId,
        serviceName: serviceName(service),
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: props.interfaceSubnetIds,
        securityGroupIds: [securityGroup.id],
        tags: { Name: naming.name("vpce", resourceId(service)) },
      }).id;
    }
  }
}

import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { EgressOnlyInternetGateway } from "@cdktf/provider-aws/lib/egress-only-internet-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { NatMode } from "../../config/environment-schema";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { VpcFlowLogs } from "./flow-logs";
import { NetworkSecurityGroups, type SecurityGroupIds } from "./security-groups";
import { type InterfaceEndpointService, VpcEndpoints } from "./vpc-endpoints";

export type SubnetTier = "public" | "private" | "data";

export interface NetworkProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** The VPC's IPv4 range. */
  readonly vpcCidr: string;
  /** Availability zones the subnets span: the first `azCount` available zones of the region. */
  readonly azCount: 2 | 3;
  /**
   * `"none"`: no NAT gateway, private subnets reach AWS only through endpoints (cheapest);
   * `"single"`: one NAT gateway in the first public subnet for all AZs (single_nat_gateway);
   * `"per-az"`: one NAT gateway per AZ, each AZ routing through its own (one_nat_gateway_per_az).
   */
  readonly natMode: NatMode;
  /**
   * Dual-stack private subnets with an egress-only internet gateway for their IPv6 traffic: outbound
   * only, no hourly charge. Default false.
   */
  readonly ipv6Egress?: boolean;
  /** Interface endpoints in the private subnets; empty: none (the workloads then need a NAT gateway). */
  readonly interfaceEndpointServices: readonly InterfaceEndpointService[];
  /** Place interface endpoints in the first AZ only: half or a third of the cost, no AZ redundancy. Default false. */
  readonly singleAzEndpoints?: boolean;
  /** VPC flow logs (all traffic) to a CloudWatch log group. */
  readonly flowLogs: boolean;
  /** The permissions boundary of the AWS service roles of the environment (core's `serviceBoundaryArn`). */
  readonly serviceRoleBoundaryArn: string;
  /** One CIDR per AZ per tier, already validated against `vpcCidr` and each other. */
  readonly subnetPlan: { readonly public: string[]; readonly private: string[]; readonly data: string[] };
  /** Encrypts the flow log group; absent: CloudWatch Logs' own encryption. */
  readonly kmsKeyArn?: string;
  /** Create the load balancer security group (80/443 from anywhere); only the ECS compute mode has a load balancer. */
  readonly loadBalancer: boolean;
  /** The port the load balancer forwards to on the app's tasks. Default 8080. */
  readonly appPort?: number;
}

/**
 * The environment's VPC, laid out like terraform-aws-modules/vpc: per AZ a public, a private and a
 * data subnet; one public route table to the internet gateway; one private route table per AZ
 * (default route to a NAT gateway when `natMode` has one); one data route table with no internet
 * route at all. S3 and DynamoDB are reached through gateway endpoints from the private and data
 * tiers. The default security group is stripped of its rules so nothing can use it by accident.
 */
export class Network extends Construct {
  readonly vpcId: string;
  /** The configured range as a plain string, so other layers can use it without a remote-state lookup. */
  readonly vpcCidr: string;
  /** AZ names (tokens resolved at plan time), index-aligned with every subnet list. */
  readonly availabilityZones: string[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly dataSubnetIds: string[];
  readonly publicRouteTableId: string;
  /** One per AZ, index-aligned with `privateSubnetIds`. */
  readonly privateRouteTableIds: string[];
  readonly dataRouteTableId: string;
  readonly dbSubnetGroupName: string;
  readonly securityGroups: SecurityGroupIds;
  readonly natGatewayCount: number;
  /** NAT gateways' public addresses, for allow lists of third parties; empty without NAT. */
  readonly natPublicIps: string[];
  readonly endpoints: VpcEndpoints;
  /** The egress-only internet gateway, with `ipv6Egress`. */
  readonly egressOnlyGatewayId?: string;
  /** The flow log group; absent when flow logs are off. */
  readonly flowLogGroupName?: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { naming, azCount, subnetPlan } = props;
    for (const tier of ["public", "private", "data"] as const) {
      if (subnetPlan[tier].length !== azCount) {
        throw new Error(`Network: subnetPlan.${tier} lists ${subnetPlan[tier].length} CIDRs but azCount is ${azCount}`);
      }
    }

    const vpc = new Vpc(this, "vpc", {
      cidrBlock: props.vpcCidr,
      enableDnsSupport: true,
      // Private DNS of interface endpoints needs both.
      enableDnsHostnames: true,
      // An Amazon-provided /56; each private subnet takes a /64 of it.
      assignGeneratedIpv6CidrBlock: props.ipv6Egress ? true : undefined,
      tags: { Name: naming.name("vpc") },
    });
    this.vpcId = vpc.id;
    this.vpcCidr = props.vpcCidr;

    // Zones that need no opt-in are the region's real AZs; local and wavelength zones lack NAT
    // gateways and most services. Fn.element wraps around, so a region with too few zones would
    // silently stack subnets into one AZ: the postcondition stops the plan instead.
    const zones = new DataAwsAvailabilityZones(this, "azs", {
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      lifecycle: {
        postcondition: [
          {
            condition: `\${length(self.names) >= ${azCount}}`,
            errorMessage: `The network spans ${azCount} availability zones but the region offers fewer; lower network.azCount.`,
          },
        ],
      },
    });
    this.availabilityZones = Array.from({ length: azCount }, (_, index) => Fn.element(zones.names, index) as string);

    const subnets = (tier: SubnetTier) =>
      subnetPlan[tier].map(
        (cidrBlock, index) =>
          new Subnet(this, `${tier}-${index + 1}`, {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: this.availabilityZones[index],
            // Nothing launched in a public subnet gets an address by accident; the NAT gateways
            // and the load balancer bring their own (CKV_AWS_130).
            mapPublicIpOnLaunch: false,
            // Only the private tier is dual-stack, and only for the functions' egress: nothing there
            // is reachable from the internet (the gateway is egress-only), and the data tier stays IPv4.
            ...(props.ipv6Egress && tier === "private"
              ? { ipv6CidrBlock: Fn.cidrsubnet(vpc.ipv6CidrBlock, 8, index), assignIpv6AddressOnCreation: false }
              : {}),
            tags: { Name: naming.name(tier, String(index + 1)), tier },
          }),
      );
    const publicSubnets = subnets("public");
    const privateSubnets = subnets("private");
    const dataSubnets = subnets("data");
    this.publicSubnetIds = publicSubnets.map((subnet) => subnet.id);
    this.privateSubnetIds = privateSubnets.map((subnet) => subnet.id);
    this.dataSubnetIds = dataSubnets.map((subnet) => subnet.id);

    const associate = (routeTable: RouteTable, subnet: Subnet) =>
      new RouteTableAssociation(this, `${subnet.node.id}-association`, { subnetId: subnet.id, routeTableId: routeTable.id });

    // Public tier: straight to the internet gateway.
    const internetGateway = new InternetGateway(this, "igw", { vpcId: vpc.id, tags: { Name: naming.name("igw") } });
    const publicRouteTable = new RouteTable(this, "public-routes", { vpcId: vpc.id, tags: { Name: naming.name("public"), tier: "public" } });
    new Route(this, "public-internet", { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id });
    publicSubnets.forEach((subnet) => associate(publicRouteTable, subnet));
    this.publicRouteTableId = publicRouteTable.id;

    // NAT gateways: none, one in the first public subnet, or one per AZ.
    this.natGatewayCount = { none: 0, single: 1, "per-az": azCount }[props.natMode];
    const natGateways = Array.from({ length: this.natGatewayCount }, (_, index) => {
      const name = naming.name("nat", String(index + 1));
      const address = new Eip(this, `nat-${index + 1}-eip`, { domain: "vpc", tags: { Name: name }, dependsOn: [internetGateway] });
      return new NatGateway(this, `nat-${index + 1}`, {
        allocationId: address.allocationId,
        subnetId: publicSubnets[index].id,
        tags: { Name: name },
        dependsOn: [internetGateway],
      });
    });
    this.natPublicIps = natGateways.map((gateway) => gateway.publicIp);

    const egressOnly = props.ipv6Egress
      ? new EgressOnlyInternetGateway(this, "egress-only-igw", { vpcId: vpc.id, tags: { Name: naming.name("eigw") } })
      : undefined;
    this.egressOnlyGatewayId = egressOnly?.id;

    // Private tier: a route table per AZ, so switching between NAT modes only changes routes.
    const privateRouteTables = privateSubnets.map((subnet, index) => {
      const routeTable = new RouteTable(this, `private-${index + 1}-routes`, {
        vpcId: vpc.id,
        tags: { Name: naming.name("private", String(index + 1)), tier: "private" },
      });
      associate(routeTable, subnet);
      if (natGateways.length > 0) {
        const gateway = natGateways[Math.min(index, natGateways.length - 1)];
        new Route(this, `private-${index + 1}-internet`, { routeTableId: routeTable.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: gateway.id });
      }
      if (egressOnly) {
        new Route(this, `private-${index + 1}-ipv6-egress`, { routeTableId: routeTable.id, destinationIpv6CidrBlock: "::/0", egressOnlyGatewayId: egressOnly.id });
      }
      return routeTable;
    });
    this.privateRouteTableIds = privateRouteTables.map((routeTable) => routeTable.id);

    // Data tier: never a route out of the VPC, whatever the NAT mode.
    const dataRouteTable = new RouteTable(this, "data-routes", { vpcId: vpc.id, tags: { Name: naming.name("data"), tier: "data" } });
    dataSubnets.forEach((subnet) => associate(dataRouteTable, subnet));
    this.dataRouteTableId = dataRouteTable.id;

    this.endpoints = new VpcEndpoints(this, "endpoints", {
      naming,
      account: props.account,
      vpcId: vpc.id,
      vpcCidr: props.vpcCidr,
      gatewayRouteTableIds: [...this.privateRouteTableIds, dataRouteTable.id],
      interfaceSubnetIds: props.singleAzEndpoints ? this.privateSubnetIds.slice(0, 1) : this.privateSubnetIds,
      interfaceServices: props.interfaceEndpointServices,
    });

    if (props.flowLogs) {
      this.flowLogGroupName = new VpcFlowLogs(this, "flow-logs", {
        naming,
        account: props.account,
        vpcId: vpc.id,
        kmsKeyArn: props.kmsKeyArn,
        serviceRoleBoundaryArn: props.serviceRoleBoundaryArn,
      }).logGroupName;
    }

    // Adopting the default group with no ingress or egress removes every rule AWS put in it, so
    // a resource launched without a group gets no connectivity instead of "all from the group"
    // (CKV2_AWS_12).
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: vpc.id,
      tags: { Name: naming.name("default-do-not-use") },
    });

    // The default NACL stays allow-all, as AWS creates it, but under Terraform so console edits
    // show up as drift. Filtering is the security groups' job: a stateless NACL would have to
    // open all ephemeral ports from anywhere for NAT and load balancer return traffic, cannot
    // express the S3 and DynamoDB prefix lists of the gateway endpoints, and would break path MTU
    // discovery if it dropped ICMP. Subnets join it implicitly, so their list is not managed.
    new DefaultNetworkAcl(this, "default-network-acl", {
      defaultNetworkAclId: vpc.defaultNetworkAclId,
      // IPv6 the same way when the VPC has it: the egress-only gateway already drops unsolicited inbound IPv6.
      ingress: [
        { ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" },
        ...(props.ipv6Egress ? [{ ruleNo: 101, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlock: "::/0" }] : []),
      ],
      egress: [
        { ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" },
        ...(props.ipv6Egress ? [{ ruleNo: 101, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlock: "::/0" }] : []),
      ],
      tags: { Name: naming.name("default") },
      lifecycle: { ignoreChanges: ["subnet_ids"] },
    });

    this.dbSubnetGroupName = new DbSubnetGroup(this, "db-subnet-group", {
      name: naming.name("db"),
      description: `Data subnets of ${naming.prefix}: no route out of the VPC`,
      subnetIds: this.dataSubnetIds,
      tags: { Name: naming.name("db") },
    }).name;

    const groups = new NetworkSecurityGroups(this, "security-groups", {
      naming,
      vpcId: vpc.id,
      loadBalancer: props.loadBalancer,
      appPort: props.appPort,
      ipv6Egress: props.ipv6Egress,
    });
    this.securityGroups = { ...groups.ids, endpoints: this.endpoints.securityGroupId };
  }
}

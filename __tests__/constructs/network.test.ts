import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { TerraformOutput, Testing } from "cdktf";
import { planSubnets } from "../../src/config/cidr";
import { AccountContext } from "../../src/constructs/account/account-context";
import { Network, type NetworkProps } from "../../src/constructs/network/network";
import { INTERFACE_ENDPOINT_SERVICES } from "../../src/constructs/network/vpc-endpoints";

/** What each kind of workload calls from private subnets without NAT (the app's SDK clients; ECS also pulls images and ships logs). */
const PROMISED_ENDPOINTS = {
  lambda: ["secretsmanager", "sqs", "ssm"],
  ecs: ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sqs", "ssm"],
} as const;
import { Naming } from "../../src/naming/naming";

type Body = Record<string, any>;
type Synthesized = { json: string; network: Network; /** A public field of the network as it appears in the synthesized JSON. */
  field: (name: string) => unknown; resources: (type: string) => [string, Body][]; data: (type: string) => [string, Body][] };

const KMS_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";

function synthNetwork(overrides: Partial<Omit<NetworkProps, "naming" | "account">> = {}): Synthesized {
  const azCount = overrides.azCount ?? 2;
  let network!: Network;
  const json = Testing.synthScope((scope) => {
    network = new Network(scope, "network", {
      naming: new Naming("platform", "dev"),
      account: new AccountContext(scope, "account"),
      vpcCidr: "10.20.0.0/16",
      azCount,
      serviceRoleBoundaryArn: "arn:aws:iam::123456789012:policy/platform-dev-service-boundary",
      natMode: "none",
      interfaceEndpointServices: [],
      flowLogs: true,
      subnetPlan: planSubnets("10.20.0.0/16", azCount),
      kmsKeyArn: KMS_KEY_ARN,
      loadBalancer: false,
      ...overrides,
    });
    // Outputs turn the public fields' tokens into the references other layers will see.
    const fields: Record<string, unknown> = { ...network.securityGroups, dbSubnetGroupName: network.dbSubnetGroupName, availabilityZones: network.availabilityZones, vpcId: network.vpcId };
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) new TerraformOutput(scope, name, { value });
  });
  const parsed = JSON.parse(json) as { resource?: Record<string, Record<string, Body>>; data?: Record<string, Record<string, Body>>; output?: Record<string, Body> };
  return {
    json,
    network,
    field: (name) => parsed.output?.[name]?.value,
    resources: (type) => Object.entries(parsed.resource?.[type] ?? {}),
    data: (type) => Object.entries(parsed.data?.[type] ?? {}),
  };
}

const ref = (type: string, key: string, attribute = "id") => `\${${type}.${key}.${attribute}}`;
const keyOf = (entries: [string, Body][], name: string): string => {
  const found = entries.find(([, body]) => body.tags?.Name === name);
  if (!found) throw new Error(`no resource tagged Name=${name}`);
  return found[0];
};
/** The key of the security group named `platform-dev-<name>`. */
const groupKey = (synthesized: Synthesized, name: string) => keyOf(synthesized.resources("aws_security_group"), `platform-dev-${name}`);
const rulesOf = (synthesized: Synthesized, direction: "ingress" | "egress", group: string) =>
  synthesized
    .resources(`aws_vpc_security_group_${direction}_rule`)
    .map(([, body]) => body)
    .filter((body) => body.security_group_id === ref("aws_security_group", groupKey(synthesized, group)));

describe("Network: VPC and subnets", () => {
  it("creates a VPC with DNS support and hostnames, for private DNS of endpoints", () => {
    const { json } = synthNetwork();
    expect(json).toHaveResourceWithProperties(Vpc, { cidr_block: "10.20.0.0/16", enable_dns_support: true, enable_dns_hostnames: true, tags: { Name: "platform-dev-vpc" } });
  });

  it("picks the region's available, non-opt-in zones and refuses regions with too few", () => {
    const { json } = synthNetwork({ azCount: 3 });
    expect(json).toHaveDataSourceWithProperties(DataAwsAvailabilityZones, {
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      lifecycle: { postcondition: [expect.objectContaining({ condition: "${length(self.names) >= 3}" })] },
    });
  });

  it.each([2, 3] as const)("with %i AZs creates one public, private and data subnet per AZ, each in its own zone", (azCount) => {
    const synthesized = synthNetwork({ azCount, natMode: "per-az" });
    const subnets = synthesized.resources("aws_subnet").map(([, body]) => body);
    const plan = planSubnets("10.20.0.0/16", azCount);
    expect(subnets).toHaveLength(3 * azCount);
    for (const tier of ["public", "private", "data"] as const) {
      const ofTier = subnets.filter((subnet) => subnet.tags.tier === tier);
      expect(ofTier.map((subnet) => subnet.cidr_block)).toEqual(plan[tier]);
      expect(ofTier.map((subnet) => subnet.tags.Name)).toEqual(plan[tier].map((_, index) => `platform-dev-${tier}-${index + 1}`));
      expect(ofTier.map((subnet) => subnet.availability_zone)).toEqual(
        plan[tier].map((_, index) => expect.stringMatching(new RegExp(`^\\$\\{element\\(data\\.aws_availability_zones\\.[^.]+\\.names, ${index}\\)\\}$`))),
      );
    }
    expect(synthesized.network.availabilityZones).toHaveLength(azCount);
    expect(synthesized.network.publicSubnetIds).toHaveLength(azCount);
    expect(synthesized.network.privateSubnetIds).toHaveLength(azCount);
    expect(synthesized.network.dataSubnetIds).toHaveLength(azCount);
    expect(synthesized.network.privateRouteTableIds).toHaveLength(azCount);
  });

  it("exposes the chosen zones, index-aligned with the subnets", () => {
    const synthesized = synthNetwork({ azCount: 3 });
    expect(synthesized.field("availabilityZones")).toEqual([0, 1, 2].map((index) => expect.stringMatching(new RegExp(`^\\$\\{element\\(data\\.aws_availability_zones\\.[^.]+\\.names, ${index}\\)\\}$`))));
    expect(synthesized.field("vpcId")).toMatch(/^\$\{aws_vpc\..*\.id\}$/);
  });

  it("keeps the default network ACL under Terraform without fighting over its implicit subnets", () => {
    const { json } = synthNetwork();
    expect(json).toHaveResourceWithProperties(DefaultNetworkAcl, {
      default_network_acl_id: expect.stringMatching(/^\$\{aws_vpc\..*\.default_network_acl_id\}$/),
      lifecycle: { ignore_changes: ["subnet_ids"] },
    });
  });

  it("never maps public IPs on launch, not even in public subnets (CKV_AWS_130)", () => {
    const subnets = synthNetwork({ natMode: "single" }).resources("aws_subnet");
    expect(subnets.length).toBeGreaterThan(0);
    for (const [, subnet] of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  it("rejects a subnet plan that does not give one CIDR per AZ", () => {
    expect(() => synthNetwork({ azCount: 3, subnetPlan: planSubnets("10.20.0.0/16", 2) })).toThrow(/subnetPlan.public lists 2 CIDRs but azCount is 3/);
  });

  it("groups the data subnets for the database", () => {
    const synthesized = synthNetwork({ azCount: 3 });
    const dataSubnets = synthesized.resources("aws_subnet").filter(([, body]) => body.tags.tier === "data").map(([key]) => ref("aws_subnet", key));
    expect(synthesized.json).toHaveResourceWithProperties(DbSubnetGroup, { name: "platform-dev-db", subnet_ids: dataSubnets });
    expect(synthesized.field("dbSubnetGroupName")).toMatch(/^\$\{aws_db_subnet_group\..*\.name\}$/);
  });
});

describe("Network: routing and NAT", () => {
  const routes = (synthesized: Synthesized) => synthesized.resources("aws_route").map(([, body]) => body);
  const routeTable = (synthesized: Synthesized, name: string) => ref("aws_route_table", keyOf(synthesized.resources("aws_route_table"), name));

  it("sends the public tier to the internet gateway", () => {
    const synthesized = synthNetwork();
    const igw = ref("aws_internet_gateway", synthesized.resources("aws_internet_gateway")[0][0]);
    expect(routes(synthesized)).toContainEqual(expect.objectContaining({ route_table_id: routeTable(synthesized, "platform-dev-public"), destination_cidr_block: "0.0.0.0/0", gateway_id: igw }));
    const publicAssociations = synthesized.resources("aws_route_table_association").filter(([, body]) => body.route_table_id === routeTable(synthesized, "platform-dev-public"));
    expect(publicAssociations).toHaveLength(2);
  });

  it.each([
    ["none", 2, 0],
    ["single", 2, 1],
    ["single", 3, 1],
    ["per-az", 2, 2],
    ["per-az", 3, 3],
  ] as const)("natMode %s with %i AZs creates %i NAT gateways with their own addresses in public subnets", (natMode, azCount, expected) => {
    const synthesized = synthNetwork({ natMode, azCount });
    const gateways = synthesized.resources("aws_nat_gateway");
    expect(gateways).toHaveLength(expected);
    expect(synthesized.resources("aws_eip")).toHaveLength(expected);
    expect(synthesized.network.natGatewayCount).toBe(expected);
    expect(synthesized.network.natPublicIps).toHaveLength(expected);
    const publicSubnets = synthesized.resources("aws_subnet").filter(([, body]) => body.tags.tier === "public").map(([key]) => ref("aws_subnet", key));
    gateways.forEach(([, gateway], index) => {
      expect(gateway.subnet_id).toBe(publicSubnets[index]);
      expect(gateway.allocation_id).toMatch(/^\$\{aws_eip\..*\.allocation_id\}$/);
    });
    for (const [, address] of synthesized.resources("aws_eip")) expect(address.domain).toBe("vpc");
  });

  it("natMode none gives the private tier no route out of the VPC", () => {
    const synthesized = synthNetwork({ natMode: "none", azCount: 3 });
    expect(synthesized.resources("aws_route_table").filter(([, body]) => body.tags.tier === "private")).toHaveLength(3);
    expect(routes(synthesized).filter((route) => route.nat_gateway_id !== undefined)).toHaveLength(0);
    expect(routes(synthesized)).toHaveLength(1); // the public tier's
  });

  it("natMode single routes every AZ's private table through the one NAT gateway", () => {
    const synthesized = synthNetwork({ natMode: "single", azCount: 3 });
    const nat = ref("aws_nat_gateway", synthesized.resources("aws_nat_gateway")[0][0]);
    for (const index of [1, 2, 3]) {
      expect(routes(synthesized)).toContainEqual(expect.objectContaining({ route_table_id: routeTable(synthesized, `platform-dev-private-${index}`), destination_cidr_block: "0.0.0.0/0", nat_gateway_id: nat }));
    }
  });

  it("natMode per-az routes each AZ's private table through the NAT gateway of the same AZ", () => {
    const synthesized = synthNetwork({ natMode: "per-az", azCount: 3 });
    for (const index of [1, 2, 3]) {
      const nat = ref("aws_nat_gateway", keyOf(synthesized.resources("aws_nat_gateway"), `platform-dev-nat-${index}`));
      expect(routes(synthesized)).toContainEqual(expect.objectContaining({ route_table_id: routeTable(synthesized, `platform-dev-private-${index}`), destination_cidr_block: "0.0.0.0/0", nat_gateway_id: nat }));
    }
    expect(new Set(routes(synthesized).map((route) => route.nat_gateway_id).filter(Boolean)).size).toBe(3);
  });

  it.each(["none", "single", "per-az"] as const)("natMode %s never routes the data tier out of the VPC", (natMode) => {
    const synthesized = synthNetwork({ natMode, azCount: 3 });
    const data = routeTable(synthesized, "platform-dev-data");
    expect(routes(synthesized).filter((route) => route.route_table_id === data)).toHaveLength(0);
    expect(synthesized.resources("aws_route_table_association").filter(([, body]) => body.route_table_id === data)).toHaveLength(3);
  });
});

describe("Network: VPC endpoints", () => {
  it("offers each kind of workload an interface endpoint for every AWS API it calls", () => {
    expect([...INTERFACE_ENDPOINT_SERVICES.lambda].sort()).toEqual([...PROMISED_ENDPOINTS.lambda]);
    expect([...INTERFACE_ENDPOINT_SERVICES.ecs].sort()).toEqual([...PROMISED_ENDPOINTS.ecs]);
  });

  const endpoints = (synthesized: Synthesized, type: "Gateway" | "Interface") =>
    synthesized.resources("aws_vpc_endpoint").map(([, body]) => body).filter((body) => body.vpc_endpoint_type === type);

  it.each([[[]], [[...PROMISED_ENDPOINTS.ecs]]])("always attaches S3 and DynamoDB gateway endpoints to the private and data route tables (interface endpoints %j)", (interfaceEndpointServices) => {
    const synthesized = synthNetwork({ interfaceEndpointServices, azCount: 3 });
    const tables = synthesized.resources("aws_route_table").filter(([, body]) => body.tags.tier !== "public").map(([key]) => ref("aws_route_table", key));
    expect(tables).toHaveLength(4);
    const gateways = endpoints(synthesized, "Gateway");
    expect(gateways.map((body) => body.service_name.split(".").pop()).sort()).toEqual(["dynamodb", "s3"]);
    for (const gateway of gateways) expect([...gateway.route_table_ids].sort()).toEqual([...tables].sort());
  });

  it.each(["lambda", "ecs"] as const)("creates the interface endpoints %s workloads need in the private subnets with private DNS, open on 443 to the VPC only", (compute) => {
    const synthesized = synthNetwork({ interfaceEndpointServices: [...PROMISED_ENDPOINTS[compute]], azCount: 3 });
    const interfaces = endpoints(synthesized, "Interface");
    expect(interfaces.map((body) => body.service_name.replace(/^com\.amazonaws\.\$\{data\.aws_region\.[^.]+\.region\}\./, "")).sort()).toEqual([...PROMISED_ENDPOINTS[compute]]);
    const privateSubnets = synthesized.resources("aws_subnet").filter(([, body]) => body.tags.tier === "private").map(([key]) => ref("aws_subnet", key));
    const endpointGroup = ref("aws_security_group", groupKey(synthesized, "endpoints"));
    for (const endpoint of interfaces) {
      expect(endpoint).toMatchObject({ private_dns_enabled: true, subnet_ids: privateSubnets, security_group_ids: [endpointGroup] });
    }
    expect(rulesOf(synthesized, "ingress", "endpoints")).toEqual([expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.20.0.0/16" })]);
    expect(rulesOf(synthesized, "egress", "endpoints")).toEqual([]);
    expect(synthesized.field("endpoints")).toBe(endpointGroup);
  });

  it("places interface endpoints in the first AZ only when asked, for a third of the cost", () => {
    const synthesized = synthNetwork({ interfaceEndpointServices: [...PROMISED_ENDPOINTS.lambda], singleAzEndpoints: true, azCount: 3 });
    const firstPrivateSubnet = synthesized.resources("aws_subnet").filter(([, body]) => body.tags.tier === "private").map(([key]) => ref("aws_subnet", key))[0];
    for (const endpoint of endpoints(synthesized, "Interface")) expect(endpoint.subnet_ids).toEqual([firstPrivateSubnet]);
  });

  it("creates no interface endpoint and no endpoint group when they are off", () => {
    const synthesized = synthNetwork({ interfaceEndpointServices: [] });
    expect(endpoints(synthesized, "Interface")).toHaveLength(0);
    expect(synthesized.resources("aws_security_group").map(([, body]) => body.name)).not.toContain("platform-dev-endpoints");
    expect(synthesized.network.securityGroups.endpoints).toBeUndefined();
  });
});

describe("Network: flow logs", () => {
  it("records all traffic into a KMS-encrypted log group through a role of its own", () => {
    const synthesized = synthNetwork({ flowLogs: true });
    const logGroup = synthesized.resources("aws_cloudwatch_log_group")[0][0];
    const role = synthesized.resources("aws_iam_role")[0][0];
    expect(synthesized.json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/platform/dev/vpc/flow-logs", kms_key_id: KMS_KEY_ARN });
    expect(synthesized.json).toHaveResourceWithProperties(FlowLog, {
      vpc_id: expect.stringMatching(/^\$\{aws_vpc\./),
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: ref("aws_cloudwatch_log_group", logGroup, "arn"),
      iam_role_arn: ref("aws_iam_role", role, "arn"),
    });
    expect(synthesized.json).toHaveResourceWithProperties(IamRole, { name: "platform-dev-vpc-flow-logs" });
    expect(synthesized.network.flowLogGroupName).toBeDefined();
  });

  it("lets the role write to that log group only, and only flow logs of this account assume it", () => {
    const synthesized = synthNetwork({ flowLogs: true });
    const logGroupArn = ref("aws_cloudwatch_log_group", synthesized.resources("aws_cloudwatch_log_group")[0][0], "arn");
    const documents = synthesized.data("aws_iam_policy_document").map(([, body]) => body);
    const statements = documents.flatMap((document) => document.statement);
    expect(statements).toContainEqual(
      expect.objectContaining({ actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], resources: [logGroupArn, `${logGroupArn}:*`] }),
    );
    const allowed = statements.filter((statement) => statement.effect !== "Deny").flatMap((statement) => statement.resources ?? []);
    expect(allowed).not.toContain("*");
    const trust = statements.find((statement) => statement.actions.includes("sts:AssumeRole"));
    expect(trust.principals).toEqual([{ type: "Service", identifiers: [expect.stringMatching(/^vpc-flow-logs\./)] }]);
    expect(trust.condition.map((condition: Body) => condition.variable)).toEqual(["aws:SourceAccount", "aws:SourceArn"]);
  });

  it("falls back to the service's encryption without a customer-managed key", () => {
    const synthesized = synthNetwork({ flowLogs: true, kmsKeyArn: undefined });
    expect(synthesized.resources("aws_cloudwatch_log_group")[0][1].kms_key_id).toBeUndefined();
  });

  it("creates no flow log, log group or role when flow logs are off", () => {
    const synthesized = synthNetwork({ flowLogs: false });
    expect(synthesized.json).not.toHaveResource(FlowLog);
    expect(synthesized.json).not.toHaveResource(CloudwatchLogGroup);
    expect(synthesized.json).not.toHaveResource(IamRole);
    expect(synthesized.network.flowLogGroupName).toBeUndefined();
  });
});

describe("Network: security groups", () => {
  const everything = () => synthNetwork({ natMode: "per-az", azCount: 3, interfaceEndpointServices: [...PROMISED_ENDPOINTS.ecs], loadBalancer: true });

  it("strips every rule from the default security group (CKV2_AWS_12)", () => {
    const synthesized = everything();
    expect(synthesized.json).toHaveResourceWithProperties(DefaultSecurityGroup, { vpc_id: expect.stringMatching(/^\$\{aws_vpc\./) });
    const [[, defaultGroup]] = synthesized.resources("aws_default_security_group");
    expect(defaultGroup.ingress).toBeUndefined();
    expect(defaultGroup.egress).toBeUndefined();
    const defaultGroupId = ref("aws_default_security_group", synthesized.resources("aws_default_security_group")[0][0]);
    const rules = [...synthesized.resources("aws_vpc_security_group_ingress_rule"), ...synthesized.resources("aws_vpc_security_group_egress_rule")];
    expect(rules.filter(([, rule]) => rule.security_group_id === defaultGroupId || rule.referenced_security_group_id === defaultGroupId)).toEqual([]);
  });

  it("admits only PostgreSQL from the app (and from itself, for RDS Proxy) to the database", () => {
    const synthesized = everything();
    const app = ref("aws_security_group", groupKey(synthesized, "app"));
    const database = ref("aws_security_group", groupKey(synthesized, "database"));
    const ingress = rulesOf(synthesized, "ingress", "database");
    expect(ingress).toHaveLength(2);
    for (const rule of ingress) {
      expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 5432, to_port: 5432 });
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
    }
    expect(ingress.map((rule) => rule.referenced_security_group_id).sort()).toEqual([app, database].sort());
    expect(synthesized.field("database")).toBe(database);
  });

  it("admits only the cache port from the app to the cache", () => {
    const synthesized = everything();
    expect(rulesOf(synthesized, "ingress", "cache")).toEqual([
      expect.objectContaining({ ip_protocol: "tcp", from_port: 6379, to_port: 6379, referenced_security_group_id: ref("aws_security_group", groupKey(synthesized, "app")) }),
    ]);
    expect(rulesOf(synthesized, "egress", "cache")).toEqual([]);
  });

  it("lets the app out on HTTPS and to the database and cache groups only", () => {
    const synthesized = everything();
    const egress = rulesOf(synthesized, "egress", "app");
    expect(egress).toHaveLength(3);
    expect(egress).toContainEqual(expect.objectContaining({ from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }));
    expect(egress).toContainEqual(expect.objectContaining({ from_port: 5432, to_port: 5432, referenced_security_group_id: ref("aws_security_group", groupKey(synthesized, "database")) }));
    expect(egress).toContainEqual(expect.objectContaining({ from_port: 6379, to_port: 6379, referenced_security_group_id: ref("aws_security_group", groupKey(synthesized, "cache")) }));
    for (const rule of egress) expect(rule.ip_protocol).toBe("tcp");
  });

  it("opens no ingress to the internet at all: the load balancer admits only the API's VPC link", () => {
    const synthesized = everything();
    const open = synthesized
      .resources("aws_vpc_security_group_ingress_rule")
      .map(([, rule]) => rule)
      .filter((rule) => rule.cidr_ipv4 === "0.0.0.0/0" || rule.cidr_ipv6 === "::/0");
    expect(open).toEqual([]);
    const link = ref("aws_security_group", groupKey(synthesized, "api-link"));
    expect(rulesOf(synthesized, "ingress", "load-balancer")).toEqual([expect.objectContaining({ from_port: 80, to_port: 80, referenced_security_group_id: link })]);
    expect(rulesOf(synthesized, "egress", "api-link")).toEqual([
      expect.objectContaining({ from_port: 80, to_port: 80, referenced_security_group_id: ref("aws_security_group", groupKey(synthesized, "load-balancer")) }),
    ]);
  });

  it("forwards from the load balancer to the app's port only", () => {
    const synthesized = synthNetwork({ loadBalancer: true, appPort: 3000 });
    const app = ref("aws_security_group", groupKey(synthesized, "app"));
    const loadBalancer = ref("aws_security_group", groupKey(synthesized, "load-balancer"));
    expect(rulesOf(synthesized, "egress", "load-balancer")).toEqual([expect.objectContaining({ from_port: 3000, to_port: 3000, referenced_security_group_id: app })]);
    expect(rulesOf(synthesized, "ingress", "app")).toEqual([expect.objectContaining({ from_port: 3000, to_port: 3000, referenced_security_group_id: loadBalancer })]);
    expect(synthesized.field("loadBalancer")).toBe(loadBalancer);
  });

  it("creates no load balancer group, and nothing reaches the app, without a load balancer", () => {
    const synthesized = synthNetwork({ loadBalancer: false });
    expect(synthesized.resources("aws_security_group").map(([, body]) => body.name).sort()).toEqual(["platform-dev-app", "platform-dev-cache", "platform-dev-database"]);
    expect(rulesOf(synthesized, "ingress", "app")).toEqual([]);
    expect(synthesized.network.securityGroups.loadBalancer).toBeUndefined();
    const open = synthesized.resources("aws_vpc_security_group_ingress_rule").filter(([, rule]) => rule.cidr_ipv4 === "0.0.0.0/0" || rule.cidr_ipv6 === "::/0");
    expect(open).toEqual([]);
  });

  it("describes every group and rule (CKV_AWS_23)", () => {
    const synthesized = everything();
    const described = [
      ...synthesized.resources("aws_security_group"),
      ...synthesized.resources("aws_vpc_security_group_ingress_rule"),
      ...synthesized.resources("aws_vpc_security_group_egress_rule"),
    ];
    expect(described.length).toBeGreaterThan(15);
    for (const [key, body] of described) expect({ key, description: body.description }).toEqual({ key, description: expect.stringMatching(/\S{3,}/) });
  });
});

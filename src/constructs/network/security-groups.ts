import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";

export const POSTGRES_PORT = 5432;
export const CACHE_PORT = 6379;
/** The port the API container listens on behind the load balancer, unless `appPort` says otherwise. */
export const DEFAULT_APP_PORT = 8080;

export interface NetworkSecurityGroupsProps {
  readonly naming: Naming;
  readonly vpcId: string;
  /** Create the internet-facing load balancer's group (ECS compute mode only). */
  readonly loadBalancer: boolean;
  /** Where the load balancer forwards to on the app's tasks. Default `DEFAULT_APP_PORT` (8080). */
  readonly appPort?: number;
  /** The app may also leave over IPv6 (HTTPS only), through the egress-only gateway. Default false. */
  readonly ipv6Egress?: boolean;
}

export interface SecurityGroupIds {
  /** Functions and tasks. */
  readonly app: string;
  /** The Aurora cluster and, when present, RDS Proxy. */
  readonly database: string;
  /** The ElastiCache serverless cache. */
  readonly cache: string;
  /** The internal application load balancer; only with `loadBalancer`. */
  readonly loadBalancer?: string;
  /** The API's VPC link, the load balancer's only client; only with `loadBalancer`. */
  readonly apiLink?: string;
  /** The interface VPC endpoints; only with interface endpoints. */
  readonly endpoints?: string;
}

type Rule = {
  readonly description: string;
  readonly port: number;
} & ({ readonly peer: SecurityGroup } | { readonly cidrIpv4: string } | { readonly cidrIpv6: string });

/**
 * The tiers' security groups, each admitting only the tier in front of it on the one port it
 * serves. Rules are separate resources (provider v5+ style) so groups that reference each other
 * can be created, changed and destroyed without cycles.
 */
export class NetworkSecurityGroups extends Construct {
  readonly ids: SecurityGroupIds;
  readonly app: SecurityGroup;
  readonly database: SecurityGroup;
  readonly cache: SecurityGroup;
  readonly loadBalancer?: SecurityGroup;
  readonly apiLink?: SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkSecurityGroupsProps) {
    super(scope, id);
    const { naming, vpcId } = props;
    const appPort = props.appPort ?? DEFAULT_APP_PORT;
    const group = (name: string, description: string) =>
      new SecurityGroup(this, name, { name: naming.name(name), description, vpcId, tags: { Name: naming.name(name) } });

    this.app = group("app", `Functions and tasks of ${naming.prefix}`);
    this.database = group("database", `Aurora PostgreSQL and RDS Proxy of ${naming.prefix}: ${POSTGRES_PORT} from the app only`);
    this.cache = group("cache", `ElastiCache of ${naming.prefix}: ${CACHE_PORT} from the app only`);

    const rule = (direction: "ingress" | "egress", owner: SecurityGroup, ruleId: string, spec: Rule) => {
      const config = {
        securityGroupId: owner.id,
        description: spec.description,
        ipProtocol: "tcp",
        fromPort: spec.port,
        toPort: spec.port,
        referencedSecurityGroupId: "peer" in spec ? spec.peer.id : undefined,
        cidrIpv4: "cidrIpv4" in spec ? spec.cidrIpv4 : undefined,
        cidrIpv6: "cidrIpv6" in spec ? spec.cidrIpv6 : undefined,
      };
      const construct = `${owner.node.id}-${direction}-${ruleId}`;
      return direction === "ingress" ? new VpcSecurityGroupIngressRule(this, construct, config) : new VpcSecurityGroupEgressRule(this, construct, config);
    };

    // AWS APIs are reached over HTTPS, through interface endpoints, gateway endpoints or NAT:
    // endpoint and S3 prefix addresses are not known here, so the destination stays open.
    rule("egress", this.app, "https", { description: "HTTPS to AWS APIs and external services", port: 443, cidrIpv4: "0.0.0.0/0" });
    if (props.ipv6Egress) {
      rule("egress", this.app, "https-ipv6", { description: "HTTPS to dual-stack AWS APIs over IPv6 through the egress-only gateway", port: 443, cidrIpv6: "::/0" });
    }
    rule("egress", this.app, "database", { description: "PostgreSQL to the database and RDS Proxy", port: POSTGRES_PORT, peer: this.database });
    rule("egress", this.app, "cache", { description: "Valkey/Redis to the cache", port: CACHE_PORT, peer: this.cache });

    rule("ingress", this.database, "app", { description: "PostgreSQL from the app", port: POSTGRES_PORT, peer: this.app });
    // RDS Proxy shares this group and connects on to the cluster's instances.
    rule("ingress", this.database, "self", { description: "PostgreSQL from RDS Proxy (same group)", port: POSTGRES_PORT, peer: this.database });
    rule("egress", this.database, "self", { description: "PostgreSQL from RDS Proxy to the cluster (same group)", port: POSTGRES_PORT, peer: this.database });

    rule("ingress", this.cache, "app", { description: "Valkey/Redis from the app", port: CACHE_PORT, peer: this.app });

    if (props.loadBalancer) {
      // The load balancer is internal: its only client is the HTTP API's VPC link, so CloudFront,
      // WAF and the API's throttling stay in front of it and nothing on the internet reaches it.
      const lb = group("load-balancer", `Internal load balancer of ${naming.prefix}: HTTP from the API VPC link only`);
      const link = group("api-link", `VPC link of the ${naming.prefix} HTTP API to the internal load balancer`);
      this.loadBalancer = lb;
      this.apiLink = link;
      rule("egress", link, "load-balancer", { description: "API requests to the internal load balancer", port: 80, peer: lb });
      rule("ingress", lb, "api-link", { description: "API requests from the HTTP API VPC link", port: 80, peer: link });
      rule("egress", lb, "app", { description: "Requests and health checks to the app tasks", port: appPort, peer: this.app });
      rule("ingress", this.app, "load-balancer", { description: "Requests and health checks from the load balancer", port: appPort, peer: lb });
    }

    this.ids = {
      app: this.app.id,
      database: this.database.id,
      cache: this.cache.id,
      loadBalancer: this.loadBalancer?.id,
      apiLink: this.apiLink?.id,
    };
  }
}

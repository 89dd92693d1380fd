import { IPv4CidrRange, IPv4Prefix, Validator } from "ip-num";

/** True for a network address in CIDR notation, e.g. `10.20.0.0/16` (host bits must be zero). */
export function isIpv4Network(value: string): boolean {
  try {
    return Validator.isValidIPv4CidrRange(value)[0];
  } catch {
    return false;
  }
}

export function prefixLength(cidr: string): number {
  return Number(IPv4CidrRange.fromCidr(cidr).getPrefix().getValue());
}

export function cidrInside(inner: string, outer: string): boolean {
  return IPv4CidrRange.fromCidr(inner).inside(IPv4CidrRange.fromCidr(outer));
}

export function cidrsOverlap(a: string, b: string): boolean {
  return IPv4CidrRange.fromCidr(a).isOverlapping(IPv4CidrRange.fromCidr(b));
}

export interface SubnetPlan {
  readonly public: string[];
  readonly private: string[];
  readonly data: string[];
}

/**
 * Default subnet layout: the VPC is cut into quarters. Quarter 0 holds the public subnets and
 * quarter 1 the data subnets (each at prefix + 4, so up to 4 AZs fit); quarters 2-3 hold the
 * private subnets at prefix + 3, twice the size, because Lambda and Fargate ENIs live there.
 * A /16 gives public /20, data /20 and private /19 subnets.
 */
export function planSubnets(vpcCidr: string, azCount: number): SubnetPlan {
  const vpc = IPv4CidrRange.fromCidr(vpcCidr);
  const vpcPrefix = Number(vpc.getPrefix().getValue());
  const [lowerHalf, privateHalf] = vpc.split();
  const [publicQuarter, dataQuarter] = lowerHalf.split();
  const take = (range: IPv4CidrRange, extraBits: number) =>
    range
      .splitInto(new IPv4Prefix(BigInt(vpcPrefix + extraBits)))
      .slice(0, azCount)
      .map((subnet) => subnet.toCidrString());
  return {
    public: take(publicQuarter, 4),
    data: take(dataQuarter, 4),
    private: take(privateHalf, 3),
  };
}

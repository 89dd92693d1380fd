import { cidrInside, cidrsOverlap, planSubnets } from "../../src/config/cidr";

const vpcs = ["10.20.0.0/16", "10.0.0.0/20", "172.16.0.0/22", "192.168.10.0/24"];

describe("default subnet plan", () => {
  it.each(vpcs.flatMap((vpc) => [2, 3].map((azCount) => [vpc, azCount] as const)))(
    "%s across %i AZs: one subnet per AZ and tier, inside the VPC, none overlapping",
    (vpc, azCount) => {
      const plan = planSubnets(vpc, azCount);
      const all = [...plan.public, ...plan.private, ...plan.data];
      expect([plan.public.length, plan.private.length, plan.data.length]).toEqual([azCount, azCount, azCount]);
      for (const subnet of all) expect(cidrInside(subnet, vpc)).toBe(true);
      for (const [i, a] of all.entries()) for (const b of all.slice(i + 1)) expect([a, b, cidrsOverlap(a, b)]).toEqual([a, b, false]);
    },
  );

  it("gives private subnets twice the room of public and data ones", () => {
    expect(planSubnets("10.20.0.0/16", 2)).toEqual({
      public: ["10.20.0.0/20", "10.20.16.0/20"],
      data: ["10.20.64.0/20", "10.20.80.0/20"],
      private: ["10.20.128.0/19", "10.20.160.0/19"],
    });
  });
});

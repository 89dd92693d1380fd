import { synthesizeEveryStack, type SynthesizedStack } from "../support/every-stack";
import { DELIVERY_JOBS } from "./jobs/delivery";
import type { DeliveryUnderTest, EnvironmentUnderTest } from "./jobs/job";
import { OPERATOR_JOBS } from "./jobs/operator";
import { ORIGIN_ROTATION_JOBS } from "./jobs/origin-rotation";
import { SERVICE_PRINCIPAL_JOBS } from "./jobs/service-principals";
import { SERVICE_ROLE_JOBS } from "./jobs/service-roles";
import { WORKLOAD_JOBS } from "./jobs/workloads";
import { AccountModel } from "./support/account-model";
import { JobChecker, type Surprise } from "./support/check";
import { deliveryUnderTest, environmentsUnderTest } from "./support/contexts";

/**
 * Every role of every stack (shipped environments, examples, toggle matrix, pipeline) evaluated the
 * way IAM does, identity policies, permissions boundary and the resource's own policy together:
 * each can do its whole job, and nothing on its must-never list.
 */
let stacks: SynthesizedStack[];
let model: AccountModel;
let environments: EnvironmentUnderTest[];
let delivery: DeliveryUnderTest;
let checker: JobChecker;

beforeAll(() => {
  stacks = synthesizeEveryStack();
  model = new AccountModel(stacks);
  checker = new JobChecker(model);
  environments = environmentsUnderTest(stacks);
  delivery = deliveryUnderTest(environments);
}, 180_000);

afterAll(() => {
  console.log(
    `IAM simulation: ${checker.roles.size} roles; ${checker.allowed} requests allowed and ${checker.denied} denied as their jobs say; ${checker.assumptions} trust decisions as expected`,
  );
});

describe("every role, simulated", () => {
  it("has a job list: no role exists that no job describes", () => {
    const described = new Set<string>();
    for (const environment of environments) {
      for (const job of [...WORKLOAD_JOBS, ...SERVICE_ROLE_JOBS, ...OPERATOR_JOBS, ...ORIGIN_ROTATION_JOBS]) {
        const name = job.role(environment);
        if (name) described.add(name);
      }
    }
    for (const job of DELIVERY_JOBS) {
      const name = job.role(delivery);
      if (name) described.add(name);
    }
    const roles = model.roles().map((role) => `${role.stack}: ${role.name}`);
    expect(roles.length).toBeGreaterThan(100);
    expect(roles.filter((role) => !described.has(role.split(": ")[1]))).toEqual([]);
  });

  it("lets each workload role (functions, tasks) do its job and nothing else, in every environment", async () => {
    const surprises: Surprise[] = [];
    for (const environment of environments) for (const job of WORKLOAD_JOBS) surprises.push(...(await checker.role(job, environment)));
    expect(surprises).toEqual([]);
  }, 300_000);

  it("lets each AWS service role (backup, monitoring, proxy, scheduler, flow logs) do its job and nothing else, in every environment", async () => {
    const surprises: Surprise[] = [];
    for (const environment of environments) for (const job of SERVICE_ROLE_JOBS) surprises.push(...(await checker.role(job, environment)));
    expect(surprises).toEqual([]);
  }, 300_000);

  it("lets the operator role (the people on call) do on-call's work and nothing else, in every environment that names operators", async () => {
    const surprises: Surprise[] = [];
    for (const environment of environments) for (const job of OPERATOR_JOBS) surprises.push(...(await checker.role(job, environment)));
    expect(environments.filter((environment) => environment.settings.operators).map((environment) => environment.name).sort()).toEqual(["ex-ecs", "prod", "stage"]);
    expect(surprises).toEqual([]);
  }, 300_000);

  it("lets the origin secret's rotation function write that secret and that KeyValueStore and nothing else, in every environment", async () => {
    const surprises: Surprise[] = [];
    for (const environment of environments) for (const job of ORIGIN_ROTATION_JOBS) surprises.push(...(await checker.role(job, environment)));
    expect(surprises).toEqual([]);
  }, 300_000);

  it("lets AWS services acting as themselves use the keys, topics and buckets that they must, and only those", async () => {
    const surprises: Surprise[] = [];
    for (const environment of environments) for (const job of SERVICE_PRINCIPAL_JOBS) surprises.push(...(await checker.service(job, environment)));
    expect(surprises).toEqual([]);
  }, 300_000);

  it("lets each delivery role (pipelines, builds, plan, apply, GitHub) do its job and nothing it must never", async () => {
    const surprises: Surprise[] = [];
    for (const job of DELIVERY_JOBS) surprises.push(...(await checker.role(job, delivery)));
    expect(surprises).toEqual([]);
  }, 300_000);
});

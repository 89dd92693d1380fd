import { loadPlatformConfig } from "../../src/config/load";
import { configProblems, projectCopy, withEnvironment } from "../support/project";

type Json = Record<string, any>;
type Edit = NonNullable<Parameters<typeof projectCopy>[0]>;

const problemsOf = (edit: Edit): readonly string[] => configProblems(projectCopy(edit));

function editEnvironment(name: string, change: (environment: Json) => void): Edit {
  return ({ read, write }) => {
    const environment = read(`environments/${name}.json`);
    change(environment);
    write(`environments/${name}.json`, environment);
  };
}

function editBackend(change: (backend: Json) => void): Edit {
  return ({ read, write }) => {
    const backend = read("backend.config.json");
    change(backend);
    write("backend.config.json", backend);
  };
}

const cases: [string, Edit, RegExp][] = [
  [
    "a CIDR prefix beyond /32",
    editEnvironment("dev", (e) => (e.network.vpcCidr = "10.0.0.0/33")),
    /^environments\/dev\.json: network\.vpcCidr: must be an IPv4 network in CIDR notation .*prefix \/0-\/32.* \(got "10\.0\.0\.0\/33"\)$/,
  ],
  [
    "a VPC larger than AWS allows",
    editEnvironment("dev", (e) => (e.network.vpcCidr = "10.0.0.0/8")),
    /^environments\/dev\.json: network\.vpcCidr: must have a prefix between \/16 and \/24/,
  ],
  [
    "overlapping subnets",
    editEnvironment("dev", (e) => {
      e.network.subnets = { public: ["10.20.0.0/24", "10.20.1.0/24"], private: ["10.20.8.0/22", "10.20.12.0/22"], data: ["10.20.1.128/25", "10.20.3.0/24"] };
    }),
    /^environments\/dev\.json: network\.subnets\.data\[0\]: 10\.20\.1\.128\/25 overlaps subnets\.public\[1\] \(10\.20\.1\.0\/24\); subnets must not overlap$/,
  ],
  [
    "a subnet outside the VPC",
    editEnvironment("dev", (e) => {
      e.network.subnets = { public: ["10.20.0.0/24", "10.99.1.0/24"], private: ["10.20.8.0/22", "10.20.12.0/22"], data: ["10.20.2.0/24", "10.20.3.0/24"] };
    }),
    /^environments\/dev\.json: network\.subnets\.public\[1\]: 10\.99\.1\.0\/24 is outside vpcCidr 10\.20\.0\.0\/16; pick a range inside it$/,
  ],
  [
    "fewer subnets than availability zones",
    editEnvironment("dev", (e) => {
      e.network.subnets = { public: ["10.20.0.0/24"], private: ["10.20.8.0/22", "10.20.12.0/22"], data: ["10.20.2.0/24", "10.20.3.0/24"] };
    }),
    /^environments\/dev\.json: network\.subnets\.public: lists 1 subnets but azCount is 2; give exactly one CIDR per availability zone$/,
  ],
  [
    "min capacity above max",
    editEnvironment("stage", (e) => Object.assign(e.database, { minCapacity: 8, maxCapacity: 2 })),
    /^environments\/stage\.json: database\.minCapacity: \(8\) is above maxCapacity \(2\); minCapacity must be less than or equal to maxCapacity$/,
  ],
  [
    "a capacity that is not a multiple of 0.5 ACU",
    editEnvironment("stage", (e) => (e.database.maxCapacity = 2.25)),
    /^environments\/stage\.json: database\.maxCapacity: maxCapacity must be a multiple of 0\.5 ACU \(got 2\.25\)$/,
  ],
  [
    "RDS Proxy with a pausing database",
    editEnvironment("dev", (e) => (e.database.rdsProxy = true)),
    /^environments\/dev\.json: database\.rdsProxy: cannot be true while minCapacity is 0: .*set minCapacity to 0\.5 or more, or rdsProxy to false$/,
  ],
  [
    "private subnets with no way out",
    editEnvironment("dev", (e) => Object.assign(e.network, { natMode: "none", interfaceEndpoints: false, ipv6Egress: false })),
    /^environments\/dev\.json: network\.interfaceEndpoints: is false while natMode is "none": .*set interfaceEndpoints to true, natMode to "single" or "per-az", or \(Lambda with the Python app\) ipv6Egress to true$/,
  ],
  ["five availability zones", editEnvironment("prod", (e) => (e.network.azCount = 5)), /^environments\/prod\.json: network\.azCount: must be 2 or 3 availability zones \(got 5\)$/],
  [
    "an unknown region",
    editEnvironment("prod", (e) => (e.region = "eu-middle-9")),
    /^environments\/prod\.json: region: must be an AWS region code such as "eu-west-1"; allowed: "us-east-1", .*"eu-west-1".* \(got "eu-middle-9"\)$/,
  ],
  ["an unknown NAT mode", editEnvironment("prod", (e) => (e.network.natMode = "double")), /^environments\/prod\.json: network\.natMode: must be one of "none", "single", "per-az" \(got "double"\)$/],
  [
    "a log retention CloudWatch refuses",
    editEnvironment("dev", (e) => (e.logRetentionDays = 10)),
    /^environments\/dev\.json: logRetentionDays: must be a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, .* days \(got 10\)$/,
  ],
  [
    "an account id that is not 12 digits",
    editEnvironment("prod", (e) => (e.accountId = "12345678901")),
    /^environments\/prod\.json: accountId: must be a 12-digit AWS account id in quotes, such as "123456789012" \(got "12345678901"\)$/,
  ],
  [
    "an alert address that is not an e-mail",
    editEnvironment("prod", (e) => (e.alertEmails = ["oncall-at-example.com"])),
    /^environments\/prod\.json: alertEmails\[0\]: must be an e-mail address such as "oncall@example\.com" \(got "oncall-at-example\.com"\)$/,
  ],
  [
    "a disaster-recovery region equal to the primary",
    editEnvironment("prod", (e) => (e.drRegion = e.region)),
    /^environments\/prod\.json: drRegion: is the same as region \(eu-west-1\); backups must be copied to another region$/,
  ],
  [
    "a misspelt field",
    editEnvironment("dev", (e) => {
      e.network.natMod = e.network.natMode;
    }),
    /^environments\/dev\.json: network: unknown field "natMod"; allowed fields: vpcCidr, azCount, natMode, interfaceEndpoints, singleAzEndpoints, ipv6Egress, flowLogs, subnets$/,
  ],
  [
    "a missing required field",
    editEnvironment("dev", (e) => delete e.region),
    /^environments\/dev\.json: region: is required and must be an AWS region code such as "eu-west-1"/,
  ],
  ["a file that is not JSON", ({ write }) => write("environments/dev.json", '{ "region": "eu-west-1", }'), /^environments\/dev\.json: is not valid JSON: /],
  [
    "an environment file name that cannot name resources",
    ({ read, write }) => write("environments/Prod_EU.json", read("environments/prod.json")),
    /^environments\/Prod_EU\.json: the file name is the environment name and must be 2-12 lower-case letters/,
  ],
  [
    "an environment without a backend entry",
    editBackend((b) => delete b.environments.stage),
    /^backend\.config\.json: environments\.stage: missing; every file in environments\/ needs a backend entry \("type": "s3" or "cloud"\) for environments\/stage\.json$/,
  ],
  [
    "a backend entry without an environment file",
    editBackend((b) => (b.environments.qa = { ...b.environments.dev, keyPrefix: "platform/qa" })),
    /^backend\.config\.json: environments\.qa: names no file environments\/qa\.json; remove the entry or add the environment file$/,
  ],
  [
    "two environments sharing a state key",
    editBackend((b) => (b.environments.stage.keyPrefix = b.environments.dev.keyPrefix)),
    /^backend\.config\.json: environments\.stage: its core state s3:\/\/platform-tfstate-123456789012\/platform\/dev\/core\.tfstate is already used by stack core-dev; give each environment its own keyPrefix/,
  ],
  [
    "state in a bucket of the user's own without the key that encrypts it",
    editBackend((b) => (b.environments.dev.bucket = "acme-own-state")),
    /^backend\.config\.json: environments\.dev\.kmsKeyId: missing; bucket "acme-own-state" is not the state bucket the bootstrap stack creates \("platform-tfstate-123456789012"\), so name the KMS key/,
  ],
  [
    "a state key alias with characters KMS does not allow in alias names",
    editBackend((b) => (b.environments.dev.kmsKeyId = "alias/acme.state")),
    /^backend\.config\.json: environments\.dev\.kmsKeyId: must be a KMS key ARN, an alias ARN or an alias name such as "alias\/platform-tfstate"/,
  ],
  [
    "an API body limit Lambda's 6 MB payload cannot carry",
    editEnvironment("dev", (e) => (e.api = { ...e.api, maxRequestBodyKb: 5000 })),
    /^environments\/dev\.json: api\.maxRequestBodyKb: \(5000\) is above 4096 on Lambda: the request event must fit Lambda's 6 MB payload/,
  ],
  [
    "a Fargate memory size between the steps AWS offers",
    editEnvironment("dev", (e) => (e.compute = { ...e.compute, ecs: { cpu: 256, memoryMb: 1536 } })),
    /^environments\/dev\.json: compute\.ecs\.memoryMb: \(1536\) does not fit cpu 256; Fargate allows 512, 1024 or 2048 MB for it$/,
  ],
  [
    "an API reservation that leaves Lambda fewer than 100 unreserved executions",
    editEnvironment("dev", (e) => (e.compute = { ...e.compute, apiReservedConcurrency: 1000 })),
    /^environments\/dev\.json: compute\.apiReservedConcurrency: must be .*899/,
  ],
  [
    "IPv6 egress with a NAT gateway",
    editEnvironment("dev", (e) => (e.network.natMode = "single")),
    /^environments\/dev\.json: network\.ipv6Egress: is true with natMode "single": the NAT gateway already carries the functions' traffic; set natMode to "none" or turn ipv6Egress off$/,
  ],
  [
    "IPv6 egress for ECS",
    editEnvironment("dev", (e) => Object.assign(e.compute, { kind: "ecs", packaging: "image" })),
    /^environments\/dev\.json: network\.ipv6Egress: is true with compute\.kind "ecs": Fargate tasks pull their image and ship their logs from their own network interfaces/,
  ],
  [
    "IPv6 egress with interface endpoints nothing would use",
    editEnvironment("dev", (e) => (e.network.interfaceEndpoints = true)),
    /^environments\/dev\.json: network\.interfaceEndpoints: is true with ipv6Egress: .*get the published parameters at deploy time.*; set interfaceEndpoints to false \(or ipv6Egress to false to keep the endpoints\)$/,
  ],
  [
    "IPv6 egress with the TypeScript handlers",
    editEnvironment("dev", (e) => (e.compute.runtime = "node")),
    /^environments\/dev\.json: network\.ipv6Egress: is true with compute\.runtime "node"/,
  ],
  [
    "unencrypted state",
    editBackend((b) => (b.environments.dev.encrypt = false)),
    /^backend\.config\.json: environments\.dev\.encrypt: must be true: state files hold secrets and are always encrypted \(got false\)$/,
  ],
  [
    "state without locking",
    editBackend((b) => {
      delete b.environments.dev.lockTable;
      b.environments.dev.useLockfile = false;
    }),
    /^backend\.config\.json: environments\.dev\.lockTable: has no locking: set "lockTable", "useLockfile": true, or both$/,
  ],
  [
    "an unknown backend type",
    editBackend((b) => (b.environments.dev.type = "consul")),
    /^backend\.config\.json: environments\.dev\.type: must be an object with "type": "s3" or "type": "cloud"/,
  ],
];

describe("invalid configuration is refused with one message per problem", () => {
  it.each(cases)("%s", (_title, edit, expected) => {
    const problems = problemsOf(edit);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it("reports every problem of every file in one pass", () => {
    const problems = problemsOf((project) => {
      editEnvironment("dev", (e) => Object.assign(e.network, { azCount: 5, natMode: "double" }))(project);
      editEnvironment("prod", (e) => (e.region = "mars-1"))(project);
      editBackend((b) => (b.environments.stage.encrypt = false))(project);
    });
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toMatch(/dev\.json: network\.azCount/);
    expect(problems.join("\n")).toMatch(/dev\.json: network\.natMode/);
    expect(problems.join("\n")).toMatch(/prod\.json: region/);
    expect(problems.join("\n")).toMatch(/backend\.config\.json: environments\.stage\.encrypt/);
  });

  it("refuses an environment name that is another's followed by '-', whose resources the other's patterns would match", () => {
    const problems = problemsOf(withEnvironment("prod-eu", "environments/prod.json"));
    expect(problems).toEqual([
      expect.stringMatching(/^environments\/prod-eu\.json: the environment name "prod-eu" begins with "prod-", so environment prod's IAM and bucket patterns \(platform-prod-\*\) would also match prod-eu's resources; rename it .*"prodeu" or "eu-prod"$/),
    ]);
    // Only a whole name followed by '-' nests: a longer name or a shared start is harmless.
    expect(() => loadPlatformConfig(projectCopy(withEnvironment("prodeu", "environments/prod.json")))).not.toThrow();
    expect(() => loadPlatformConfig(projectCopy(withEnvironment("eu-prod", "environments/prod.json")))).not.toThrow();
  });

  it("refuses a project with no environment files", () => {
    const problems = problemsOf(({ root }) => require("node:fs").rmSync(`${root}/environments`, { recursive: true }));
    expect(problems).toContainEqual(expect.stringMatching(/^environments\/: holds no <name>\.json environment file/));
  });
});

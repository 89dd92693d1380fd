import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ArchitectureDocs, DOCS_DIR, diagramsOf, generateArchitectureDocs, REPOSITORY_ROOT, stalePages } from "../../scripts/diagram/generate";
import { GENERATED_NOTICE, renderFlowchart } from "../../scripts/diagram/mermaid";
import { buildEnvironmentDiagram } from "../../scripts/diagram/model";
import { type StackJson, StackGraph } from "../../scripts/diagram/stacks";

interface Flowchart {
  /** Label (lines joined by a space) of every node and subgraph, by id. */
  readonly labels: Map<string, string>;
  /** The stack subgraph (`core-dev (core layer)`) each node sits in. */
  readonly stackOf: Map<string, string>;
  readonly edges: { from: string; to: string; label: string; dotted: boolean }[];
}

/** Reads back the Mermaid flowchart of a page, so assertions speak of labels, not generated ids. */
function parseFlowchart(page: string): Flowchart {
  const source = /```mermaid\n([\s\S]*?)\n```/.exec(page)?.[1];
  if (!source) throw new Error("the page holds no mermaid block");
  const labels = new Map<string, string>();
  const stackOf = new Map<string, string>();
  const edges: Flowchart["edges"] = [];
  const open: string[] = [];
  const text = (quoted: string) => quoted.replace(/<br>/g, " ").replace(/#quot;/g, '"');
  const lines = source.split("\n");
  expect(lines[0]).toBe("flowchart TB");
  for (const line of lines.slice(1).map((candidate) => candidate.trim())) {
    let match: RegExpExecArray | null;
    if ((match = /^subgraph (\w+)\["(.*)"\]$/.exec(line))) {
      labels.set(match[1], text(match[2]));
      open.push(text(match[2]));
    } else if (line === "end") {
      open.pop();
    } else if ((match = /^(\w+) (-->|-\.->)(?:\|"(.*)"\|)? (\w+)$/.exec(line))) {
      edges.push({ from: match[1], to: match[4], label: match[3] ?? "", dotted: match[2] === "-.->" });
    } else if ((match = /^(\w+) ~~~ (\w+)$/.exec(line))) {
      continue;
    } else if ((match = /^(\w+)(?:\[\(|\(\[|\[\/|\(\(|\[)"(.*)"(?:\)\]|\]\)|\/\]|\)\)|\])$/.exec(line))) {
      labels.set(match[1], text(match[2]));
      const stack = open.find((title) => / \((core|infra|app) layer\)$/.test(title));
      if (stack) stackOf.set(match[1], stack);
    } else {
      throw new Error(`unexpected flowchart line: ${line}`);
    }
  }
  for (const edge of edges) {
    if (!labels.has(edge.from) || !labels.has(edge.to)) throw new Error(`edge ${edge.from} -> ${edge.to} names an undeclared node`);
  }
  return {
    labels,
    stackOf,
    edges: edges.map((edge) => ({ ...edge, from: labels.get(edge.from)!, to: labels.get(edge.to)! })),
  };
}

const nodeLabels = (chart: Flowchart) => [...chart.labels.values()];

function expectEdge(chart: Flowchart, from: RegExp, to: RegExp, label: RegExp = /.*/): void {
  const found = chart.edges.some((edge) => from.test(edge.from) && to.test(edge.to) && label.test(edge.label));
  if (!found) throw new Error(`no edge ${from} -> ${to} labelled ${label}; edges:\n${chart.edges.map((edge) => `  ${edge.from} -> ${edge.to} [${edge.label}]`).join("\n")}`);
}

function stackOfNode(chart: Flowchart, label: RegExp): string | undefined {
  const id = [...chart.labels].find(([, text]) => label.test(text))?.[0];
  if (!id) throw new Error(`no node labelled ${label}`);
  return chart.stackOf.get(id);
}

describe("npm run diagram", () => {
  let docs: ArchitectureDocs;
  const page = (environment: string) => {
    const content = docs.files.get(join(DOCS_DIR, `${environment}.md`));
    if (!content) throw new Error(`no page generated for ${environment}; generated: ${[...docs.files.keys()].join(", ")}`);
    return content;
  };
  const chart = (environment: string) => parseFlowchart(page(environment));

  beforeAll(() => {
    docs = generateArchitectureDocs();
  });

  it("finds every committed page current (run `npm run diagram` after changing the stacks)", () => {
    const problems = stalePages(REPOSITORY_ROOT, docs.files);
    if (problems.length) {
      throw new Error(`architecture pages out of date, run npm run diagram:\n${problems.map(({ path, problem }) => `  ${path}: ${problem}`).join("\n")}`);
    }
  });

  it("draws the shipped environments and the ECS example, and indexes them", () => {
    expect([...docs.files.keys()].sort()).toEqual(["README.md", "dev.md", "ecs.md", "prod.md", "stage.md"].map((file) => join(DOCS_DIR, file)));
    const index = docs.files.get(join(DOCS_DIR, "README.md"))!;
    expect(index.split("\n")[0]).toBe(GENERATED_NOTICE);
    for (const environment of ["dev", "stage", "prod", "ecs"]) expect(index).toContain(`[${environment}.md](${environment}.md)`);
    expect(index).toContain("environments/examples/ecs.json");
  });

  it.each(["dev", "stage", "prod", "ecs"])("%s: says it is generated, groups nodes by stack and holds no unfilled values", (environment) => {
    const content = page(environment);
    expect(content.split("\n")[0]).toBe(GENERATED_NOTICE);
    expect(GENERATED_NOTICE).toMatch(/npm run diagram/);
    expect(GENERATED_NOTICE).toMatch(/Do not edit/);
    expect(content).not.toMatch(/undefined|NaN|\[object Object\]/);
    const flowchart = chart(environment);
    expect(new Set(flowchart.stackOf.values())).toEqual(new Set([`core-${environment} (core layer)`, `infra-${environment} (infra layer)`, `app-${environment} (app layer)`]));
    expect(stackOfNode(flowchart, /^KMS key/)).toBe(`core-${environment} (core layer)`);
    expect(stackOfNode(flowchart, /^SNS topic /)).toBe(`core-${environment} (core layer)`);
    expect(stackOfNode(flowchart, /^CloudFront distribution/)).toBe(`infra-${environment} (infra layer)`);
    expect(stackOfNode(flowchart, /^writer /)).toBe(`infra-${environment} (infra layer)`);
    expect(stackOfNode(flowchart, /^Routes /)).toBe(`app-${environment} (app layer)`);
    expect(stackOfNode(flowchart, new RegExp(`^λ platform-${environment}-worker`))).toBe(`app-${environment} (app layer)`);
  });

  it.each(["dev", "stage", "prod", "ecs"])("%s: draws the request path and the data and queue flows from the references", (environment) => {
    const flowchart = chart(environment);
    expectEdge(flowchart, /^Viewers$/, /^CloudFront distribution/, /HTTPS/);
    expectEdge(flowchart, /^CloudFront distribution/, /^S3 site bucket/, /default/);
    expectEdge(flowchart, /^CloudFront distribution/, /^HTTP API /, /\/api\/\*/);
    expectEdge(flowchart, /^HTTP API /, /^Routes ANY \/api ANY \/api\/\{proxy\+\}( |$)/, /^2 routes$/);
    expectEdge(flowchart, /^SQS queue /, new RegExp(`^λ platform-${environment}-worker`), /triggers: batch \d+/);
    expectEdge(flowchart, /^SQS queue /, /^SQS dead-letter queue /, /after \d+ receives/);
    expectEdge(flowchart, /^EventBridge Scheduler /, new RegExp(`^λ platform-${environment}-producer`), /invoke/);
    expectEdge(flowchart, new RegExp(`^λ platform-${environment}-producer`), /^SQS queue /, /sqs send/);
    // Every compute unit reaches the database and the cache through its security group: one arrow from the group.
    expectEdge(flowchart, /^Compute$/, /^Aurora PostgreSQL 16/, /TCP 5432/);
    expectEdge(flowchart, /^Compute$/, /^ElastiCache Serverless valkey/, /TCP 6379/);
    if (environment === "dev") {
      // IPv6 egress: the parameters' values come in the functions' environment, so no function reads SSM.
      expectEdge(flowchart, /^λ platform-dev-api/, /^SQS queue platform-dev-work/, /environment/);
      expect(flowchart.edges.filter((edge) => /^SSM parameters/.test(edge.to))).toEqual([]);
    } else {
      expectEdge(flowchart, /^Compute$/, /^SSM parameters ×\d+/, /ssm read/);
    }
    expectEdge(flowchart, /^CloudWatch alarms ×\d+/, /^SNS topic /, /alarm/);
    expectEdge(flowchart, /^AWS Backup plan /, /^Backup vault /);
    // dev's data is not protected, so its recovery points stay in its region.
    if (environment === "dev") expect(nodeLabels(flowchart).filter((label) => /^Backup vault .*-dr /.test(label))).toEqual([]);
    else expectEdge(flowchart, /^Backup vault .*eu-west-1/, /^Backup vault .*-dr /, /copies daily/);
    expectEdge(flowchart, /^AWS Backup plan /, /^Aurora PostgreSQL/, /backs up/);
    expect(nodeLabels(flowchart)).toContainEqual(expect.stringMatching(/^CloudWatch dashboard platform-\w+-overview$/));
    expect(nodeLabels(flowchart)).toContainEqual(expect.stringMatching(/^SSM parameters ×\d+ \/platform\/\w+\/\{app, cache, database, edge, media, queue\}$/));
    // A worker that is triggered by the queue has no second arrow for its receive grant.
    expect(flowchart.edges.filter((edge) => /-worker/.test(edge.from) && /^SQS queue/.test(edge.to))).toEqual([]);
  });

  it("prod: Aurora writer and reader, WAF in front of CloudFront, a NAT gateway per AZ, the API function from an image, backups copied to eu-central-1", () => {
    const flowchart = chart("prod");
    const labels = nodeLabels(flowchart);
    expect(labels).toContainEqual(expect.stringMatching(/^1 reader platform-prod-db-2$/));
    expect(labels).toContainEqual(expect.stringMatching(/^writer platform-prod-db-1 db\.serverless$/));
    expectEdge(flowchart, /^WAF web ACL platform-prod-edge/, /^CloudFront distribution/, /filters requests/);
    expect(labels).toContainEqual("NAT gateways ×3");
    expect(labels).toContainEqual(expect.stringMatching(/^VPC 10\.40\.0\.0\/16 9 subnets in 3 AZs/));
    expect(labels).toContainEqual(expect.stringMatching(/^λ platform-prod-api container image, 1024 MB reserved concurrency 100$/));
    expectEdge(flowchart, /^ECR repository platform-prod-api/, /^λ platform-prod-api/, /image/);
    expectEdge(flowchart, /^Routes /, /^λ platform-prod-api/, /invoke/);
    expectEdge(flowchart, /^Compute$/, /^NAT gateways ×3$/, /0\.0\.0\.0\/0/);
    expect(labels).toContainEqual(expect.stringMatching(/^Backup vault platform-prod-backup-dr eu-central-1, vault lock/));
  });

  it("stage: one NAT gateway, no Aurora reader, WAF on", () => {
    const labels = nodeLabels(chart("stage"));
    expect(labels).toContainEqual("NAT gateways ×1");
    expect(labels.filter((label) => /reader/.test(label))).toEqual([]);
    expect(labels).toContainEqual(expect.stringMatching(/^WAF web ACL platform-stage-edge/));
  });

  it("dev: no WAF, no NAT gateway, Aurora that pauses, the API function as a zip on the dependency layer", () => {
    const flowchart = chart("dev");
    const labels = nodeLabels(flowchart);
    expect(labels.filter((label) => /WAF/.test(label))).toEqual([]);
    expect(labels.filter((label) => /NAT gateway/.test(label))).toEqual([]);
    expect(labels).toContainEqual(expect.stringMatching(/^Aurora PostgreSQL 16\.\d+, Serverless v2 0-2 ACU$/));
    expect(labels).toContainEqual(expect.stringMatching(/^λ platform-dev-api python3\.13 zip, 512 MB/));
    expectEdge(flowchart, /^Lambda layer platform-dev-python-deps/, /^λ platform-dev-api/, /layer/);
    expectEdge(flowchart, /^Routes /, /^λ platform-dev-api/, /invoke/);
  });

  it("ecs: routes reach the Fargate service over the VPC link and the internal ALB; there is no API function", () => {
    const flowchart = chart("ecs");
    const labels = nodeLabels(flowchart);
    expect(labels.filter((label) => /^λ platform-ecs-api\b/.test(label))).toEqual([]);
    expect(labels).toContainEqual(expect.stringMatching(/^λ platform-ecs-worker/));
    expect(labels).toContainEqual(expect.stringMatching(/^λ platform-ecs-producer/));
    expectEdge(flowchart, /^Routes .*HTTP_PROXY over VPC link/, /^VPC link platform-ecs-api$/);
    expectEdge(flowchart, /^VPC link platform-ecs-api$/, /^Internal ALB platform-ecs-api/, /HTTP/);
    expectEdge(flowchart, /^Internal ALB platform-ecs-api/, /^ECS Fargate service platform-ecs-api/, /HTTP :8080/);
    expectEdge(flowchart, /^ECR repository platform-ecs-api/, /^ECS Fargate service platform-ecs-api/, /image/);
    expectEdge(flowchart, /^ECS Fargate service platform-ecs-api/, /^SQS queue /, /sqs send/);
    expect(stackOfNode(flowchart, /^Internal ALB /)).toBe("app-ecs (app layer)");
    expect(labels).toContainEqual(expect.stringMatching(/^ECS Fargate service platform-ecs-api 256 CPU units, 512 MB 1-4 tasks/));
    expect(labels).toContainEqual(expect.stringMatching(/^CloudWatch alarms ×\d+ .*ApplicationELB 3/));
  });

  it("gives the same page whatever order the stacks and their resources come in", () => {
    const reversed = new Map(
      [...docs.stacks].reverse().map(([name, json]) => [
        name,
        { ...json, resource: Object.fromEntries(Object.entries<Record<string, unknown>>(json.resource ?? {}).reverse().map(([type, byName]) => [type, Object.fromEntries(Object.entries(byName).reverse())])) },
      ]),
    );
    const again = diagramsOf(reversed);
    expect(again.map(renderFlowchart)).toEqual(docs.diagrams.map(renderFlowchart));
  });
});

describe("diagram model", () => {
  // Two stacks written by hand, with names unlike the platform's, so the edge can only come from the references.
  const stacks = (): Map<string, StackJson> =>
    new Map<string, StackJson>([
      [
        "infra-x",
        {
          resource: { aws_sqs_queue: { inbox: { name: "x-inbox" } } },
          output: { "cross-stack-output-aws_sqs_queueinboxarn": { value: "${aws_sqs_queue.inbox.arn}" } },
        },
      ],
      [
        "app-x",
        {
          data: { terraform_remote_state: { "cross-stack-reference-input-infra-x": { backend: "s3" } } },
          resource: {
            aws_lambda_function: { handler: { function_name: "x-handler", package_type: "Zip", runtime: "python3.13", memory_size: 128 } },
            aws_lambda_event_source_mapping: {
              wiring: {
                event_source_arn: "${data.terraform_remote_state.cross-stack-reference-input-infra-x.outputs.cross-stack-output-aws_sqs_queueinboxarn}",
                function_name: "${aws_lambda_function.handler.arn}",
                batch_size: 7,
              },
            },
          },
        },
      ],
    ]);

  it("follows a cross-stack reference through the producing stack's output to the resource", () => {
    const diagram = buildEnvironmentDiagram("x", new StackGraph(stacks()));
    const flowchart = parseFlowchart(`\`\`\`mermaid\n${renderFlowchart(diagram)}\n\`\`\``);
    expectEdge(flowchart, /^SQS queue x-inbox$/, /^λ x-handler /, /^triggers: batch 7$/);
    expect(stackOfNode(flowchart, /^SQS queue/)).toBe("infra-x (infra layer)");
    expect(diagram.notDrawn).toEqual([]);
  });

  it("refuses a reference to an output the producing stack does not have, rather than drop the edge", () => {
    const broken = stacks();
    broken.get("infra-x")!.output = {};
    expect(() => new StackGraph(broken)).toThrow("app-x reads output cross-stack-output-aws_sqs_queueinboxarn of stack infra-x, which the synthesized stacks do not hold");
  });

  it("lists what it could not place instead of hiding it", () => {
    const extra = stacks();
    extra.get("app-x")!.resource.aws_sfn_state_machine = { flow: { name: "x-flow" } };
    expect(buildEnvironmentDiagram("x", new StackGraph(extra)).notDrawn).toEqual([{ type: "aws_sfn_state_machine", count: 1 }]);
  });

  it("names stale, missing and no longer generated pages, and leaves pages written by hand alone", () => {
    const root = mkdtempSync(join(tmpdir(), "platform-diagram-check-"));
    mkdirSync(join(root, DOCS_DIR), { recursive: true });
    writeFileSync(join(root, DOCS_DIR, "dev.md"), `${GENERATED_NOTICE}\nold\n`);
    writeFileSync(join(root, DOCS_DIR, "gone.md"), `${GENERATED_NOTICE}\nan environment that was removed\n`);
    writeFileSync(join(root, DOCS_DIR, "notes.md"), "written by hand\n");
    writeFileSync(join(root, DOCS_DIR, "prod.md"), "current\n");
    const files = new Map([
      [join(DOCS_DIR, "dev.md"), `${GENERATED_NOTICE}\nnew\n`],
      [join(DOCS_DIR, "prod.md"), "current\n"],
      [join(DOCS_DIR, "stage.md"), "new\n"],
    ]);
    try {
      expect(stalePages(root, files)).toEqual([
        { path: join(DOCS_DIR, "dev.md"), problem: "stale" },
        { path: join(DOCS_DIR, "stage.md"), problem: "missing" },
        { path: join(DOCS_DIR, "gone.md"), problem: "not generated" },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

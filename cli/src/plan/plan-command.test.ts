/**
 * `devctl plan` end to end through the real command parser, on small fixture programs
 * (cli/test/fixtures/plan-*). The real layers are planned in plan-real-layers.test.ts.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { recordingIo, type RecordingIo } from "../../test/recording-io";
import { ExitCode } from "../errors";
import { main } from "../main";
import type { PlanDocument } from "./print-plan";

const fixture = (name: string) => path.resolve(__dirname, "..", "..", "test", "fixtures", name);

async function plan(argv: string[], root = fixture("plan-ok")): Promise<{ code: number; io: RecordingIo }> {
  const io = recordingIo({ env: { DEVCTL_PLAN_ROOT: root } });
  const code = await main(["plan", ...argv], io);
  return { code, io };
}

describe("devctl plan <env> --json on compliant fixture programs", () => {
  let code: number;
  let io: RecordingIo;
  let doc: PlanDocument;

  beforeAll(async () => {
    ({ code, io } = await plan(["prod", "--json"]));
    expect(io.stdout).toHaveLength(1);
    doc = JSON.parse(io.stdout[0]!) as PlanDocument;
  }, 60_000);

  it("exits 0 and prints exactly one JSON document of the documented shape on stdout", () => {
    expect(code).toBe(ExitCode.Success);
    expect(Object.keys(doc)).toEqual(["environment", "layers", "violations"]);
    expect(doc.environment).toBe("prod");
    expect(doc.layers.map((l) => [l.project, l.stack])).toEqual([
      ["platform-network", "prod"],
      ["platform-data", "prod"],
      ["platform-compute", "prod"],
    ]);
    for (const layer of doc.layers) {
      expect(Object.keys(layer)).toEqual(["project", "stack", "resources", "outputs"]);
      for (const r of layer.resources) {
        expect(Object.keys(r)).toEqual(["urn", "type", "name", "parent", ...(r.type.startsWith("aws:") ? ["region"] : []), "inputs"]);
        // The runtime was reset between layers: every URN carries its own layer's project and the stack.
        expect(r.urn.startsWith(`urn:pulumi:prod::${layer.project}::`), r.urn).toBe(true);
      }
    }
    expect(doc.violations).toEqual([]);
  });

  it("sends progress to stderr only", () => {
    const err = io.stderr.join("\n");
    expect(err).toMatch(/plan: network: \d+ resources/);
    expect(err).toMatch(/plan: done in/);
  });

  it("records each resource's inputs exactly as the program passed them, with URNs", () => {
    const network = doc.layers[0]!;
    const https = network.resources.find((r) => r.name === "alb-https")!;
    expect(https).toEqual({
      urn: "urn:pulumi:prod::platform-network::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::alb-https",
      type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      name: "alb-https",
      parent: null,
      region: "eu-west-1",
      inputs: {
        securityGroupId: expect.stringMatching(/^sg-[0-9a-f]{17}$/),
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        tags: {
          Application: "release-ledger",
          CostCenter: "CC-1042",
          DataClassification: "internal",
          Environment: "prod",
          Layer: "network",
          ManagedBy: "pulumi",
          Owner: "platform-team",
        },
      },
    });
  });

  it("masks secrets as [secret] wherever they sit", () => {
    const data = doc.layers[1]!;
    expect(data.resources.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion")!.inputs.secretString).toBe("[secret]");
    expect(data.resources.find((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup")!.inputs.authToken).toBe("[secret]");
    expect(io.stdout[0]).not.toContain("fixture-redis-token");
  });

  it("feeds each downstream layer's stack references with its upstream's outputs from this plan", () => {
    const [network, data, compute] = doc.layers;
    const subnetGroup = data!.resources.find((r) => r.type === "aws:rds/subnetGroup:SubnetGroup")!;
    expect(subnetGroup.inputs.subnetIds).toEqual(network!.outputs.isolatedSubnetIds);
    expect(data!.resources.find((r) => r.type === "pulumi:pulumi:StackReference")!.inputs).toEqual({ name: "organization/platform-network/prod" });
    const alarm = compute!.resources.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")!;
    expect(alarm.inputs.alarmActions).toEqual([network!.outputs.alertTopicArn]);
    const task = compute!.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")!;
    const [container] = JSON.parse(task.inputs.containerDefinitions as string) as { environment: { value: string }[]; secrets: { valueFrom: string }[] }[];
    expect(container!.environment[0]!.value).toBe(data!.outputs.dbEndpoint);
    expect(container!.secrets[0]!.valueFrom).toBe(data!.outputs.dbMasterSecretArn);
  });

  it("deploys the image promoted in the compute stack's config file", () => {
    const compute = doc.layers[2]!;
    expect(compute.outputs.imageRef).toMatch(/^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/prod-release-ledger@sha256:[0-9a-f]{64}$/);
  });

  it("answers computed attributes realistically (RDS-managed secret, cache endpoint)", () => {
    const data = doc.layers[1]!.outputs;
    expect(data.dbMasterSecretArn).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-[0-9a-f-]{36}-[0-9a-f]{6}$/);
    expect(data.redisEndpoint).toMatch(/^master\.[a-z0-9-]+\.[0-9a-f]{6}\.euw1\.cache\.amazonaws\.com$/);
    expect(data.dbPort).toBe(5432);
  });
});

describe("devctl plan: human output, filters and failures", () => {
  it("prints a resource tree with counts and policy results per layer", async () => {
    const { code, io } = await plan(["staging", "--layer", "network"]);
    expect(code).toBe(ExitCode.Success);
    const text = io.stdout.join("\n");
    expect(text).toContain("platform-network (stack staging): 15 resources");
    expect(text).toMatch(/├─ aws:ec2\/vpc:Vpc {2}vpc {2}cidrBlock=10\.20\.0\.0\/16/);
    expect(text).toMatch(/\s+5 {2}aws:ec2\/securityGroup:SecurityGroup/);
    expect(text).toContain("policies: all passed");
    expect(text).not.toContain("platform-data");
  }, 60_000);

  it("--layer compute shows compute alone, still fed by network and data evaluated in the same plan", async () => {
    const { code, io } = await plan(["staging", "--layer", "compute", "--json"]);
    expect(code).toBe(ExitCode.Success);
    const doc = JSON.parse(io.stdout[0]!) as PlanDocument;
    expect(doc.layers.map((l) => l.project)).toEqual(["platform-compute"]);
    const alarm = doc.layers[0]!.resources.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")!;
    expect(alarm.inputs.alarmActions).toEqual([expect.stringMatching(/^arn:aws:sns:eu-west-1:123456789012:alerts-[0-9a-f]{7}$/)]);
    expect(io.stderr.join("\n")).toMatch(/plan: network: \d+ resources[\s\S]*plan: data: \d+ resources[\s\S]*plan: compute: \d+ resources/);
  }, 60_000);

  it("exits 1 on a mandatory violation and names it; says which layers have no program yet", async () => {
    const { code, io } = await plan(["staging", "--json"], fixture("plan-bad"));
    expect(code).toBe(ExitCode.Failure);
    const doc = JSON.parse(io.stdout[0]!) as PlanDocument;
    expect(doc.layers.map((l) => l.project)).toEqual(["platform-network"]);
    expect(doc.violations).toEqual(
      expect.arrayContaining([
        {
          policy: "security-group-ingress",
          level: "mandatory",
          urn: "urn:pulumi:staging::platform-network::aws:ec2/securityGroup:SecurityGroup::bastion",
          message: expect.stringContaining("port 22/tcp is open to the internet"),
        },
        expect.objectContaining({ policy: "vpc-flow-logs", level: "mandatory" }),
      ]),
    );
    const err = io.stderr.join("\n");
    expect(err).toContain("data: no program yet (stacks/data/src/program.ts does not exist yet)");
    expect(err).toContain("compute: no program yet");
    expect(err).toContain("error: 2 mandatory policy violation(s) in staging: security-group-ingress, vpc-flow-logs");
  }, 60_000);

  it("exits 1 naming the layer and the error when a program fails while it runs", async () => {
    const { code, io } = await plan(["staging", "--layer", "network"], fixture("plan-broken"));
    expect(code).toBe(ExitCode.Failure);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.join("\n")).toMatch(
      /error: the network program \(.*plan-broken\/stacks\/network\/src\/program\.ts\) failed under mocks: .*cannot carve subnets out of 10\.20\.0\.0\/16/,
    );
  }, 60_000);

  it("exits 2 on an unknown environment, naming the known ones", async () => {
    const { code, io } = await plan(["qa"]);
    expect(code).toBe(ExitCode.Usage);
    expect(io.stderr.join("\n")).toContain('unknown environment "qa"; known environments: prod, staging, staging-eks');
    expect(io.stdout).toEqual([]);
  });

  it("exits 2 on an unknown layer or a missing environment argument", async () => {
    const bad = await plan(["staging", "--layer", "edge"]);
    expect(bad.code).toBe(ExitCode.Usage);
    expect(bad.io.stderr.join("\n")).toContain('unknown layer "edge"');
    expect((await plan([])).code).toBe(ExitCode.Usage);
  });
});

/**
 * `devctl plan` on the repository's real layer programs (stacks/<layer>/src/program.ts), through the real
 * command parser: every layer evaluates offline, upstream outputs reach downstream stack references, and
 * the real layers pass the policy pack in every environment, on both compute platforms.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/recording-io";
import { ExitCode } from "../errors";
import { main } from "../main";
import type { PlanDocument } from "./print-plan";

type Resource = PlanDocument["layers"][number]["resources"][number];

describe.each(["staging", "prod", "staging-eks"])("devctl plan %s --json on the real layers", (environment) => {
  let code: number;
  let stderr: string;
  let stdout: string;
  let doc: PlanDocument;
  const find = (layer: number, type: string): Resource[] => doc.layers[layer]!.resources.filter((r) => r.type === type);

  beforeAll(async () => {
    const io = recordingIo();
    code = await main(["plan", environment, "--json"], io);
    stderr = io.stderr.join("\n");
    stdout = io.stdout.join("\n");
    doc = JSON.parse(stdout) as PlanDocument;
  }, 120_000);

  it("evaluates network, data and compute and finds no mandatory violation", () => {
    expect(doc.layers.map((l) => l.project)).toEqual(["platform-network", "platform-data", "platform-compute"]);
    expect(doc.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    expect(code, stderr).toBe(ExitCode.Success);
  });

  it("knows the region of each AWS resource, which the alarm-same-region rule judges", () => {
    const alarms = find(2, "aws:cloudwatch/metricAlarm:MetricAlarm");
    const cdn = alarms.find((a) => String(a.inputs.name).endsWith("cdn-5xx-rate"))!;
    expect(cdn.region).toBe("us-east-1");
    expect(alarms.filter((a) => a !== cdn).every((a) => a.region === "eu-west-1")).toBe(true);
    const output = doc.layers[2]!.outputs.alarms as { name: string; region: string }[];
    expect(output.find((a) => a.name === cdn.inputs.name)?.region).toBe("us-east-1");
  });

  it("returns every contract output of every layer", () => {
    for (const layer of doc.layers) {
      for (const [key, value] of Object.entries(layer.outputs)) expect(value, `${layer.project}.${key}`).not.toBeUndefined();
    }
    expect(doc.layers[2]!.outputs.imageRef).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it("feeds the network's outputs to data and compute, and data's to compute", () => {
    const [network, data] = doc.layers;
    const references = doc.layers.flatMap((l) => l.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.inputs.name));
    expect(references).toEqual([
      `organization/platform-network/${environment}`,
      `organization/platform-network/${environment}`,
      `organization/platform-data/${environment}`,
    ]);
    const dbSubnets = find(1, "aws:rds/subnetGroup:SubnetGroup")[0]!;
    expect(dbSubnets.inputs.subnetIds).toEqual(network!.outputs.isolatedSubnetIds);
    const inputsOfCompute = JSON.stringify(doc.layers[2]!.resources.map((r) => r.inputs));
    expect(inputsOfCompute).toContain(String(network!.outputs.alertTopicArn));
    expect(inputsOfCompute).toContain(String(data!.outputs.dbMasterSecretArn));
  });

  it("never prints a secret value", () => {
    expect(stdout).toContain('"[secret]"');
    const redis = find(1, "aws:elasticache/replicationGroup:ReplicationGroup")[0]!;
    expect(redis.inputs.authToken).toBe("[secret]");
  });
});

describe("devctl plan staging-eks: the eks platform in the plan", () => {
  let doc: PlanDocument;
  let elapsedMs: number;
  const compute = () => doc.layers[2]!.resources;
  const ofType = (type: string) => compute().filter((r) => r.type === type);

  beforeAll(async () => {
    const io = recordingIo();
    const started = performance.now();
    await main(["plan", "staging-eks", "--json"], io);
    elapsedMs = performance.now() - started;
    doc = JSON.parse(io.stdout.join("\n")) as PlanDocument;
  }, 120_000);

  it("shows the cluster, its access entries and Pod Identity, and no ECS service", () => {
    expect(ofType("aws:eks/cluster:Cluster")).toHaveLength(1);
    // deploy, drift and (staging's tier previews pull requests) preview
    expect(ofType("aws:eks/accessEntry:AccessEntry")).toHaveLength(3);
    expect(
      ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation")
        .map((p) => p.inputs.serviceAccount)
        .sort(),
    ).toEqual(["argo-rollouts", "external-secrets", "release-ledger"]);
    expect(ofType("aws:ecs/service:Service")).toEqual([]);
  });

  it("shows the Helm releases with their values", () => {
    const releases = ofType("kubernetes:helm.sh/v3:Release");
    // staging-eks runs Istio ambient (meshMode istio-ambient): its four pinned releases are in the plan too.
    expect(releases.map((r) => r.name).sort()).toEqual([
      "service-argo-rollouts",
      "service-external-secrets",
      "service-mesh-istio-base",
      "service-mesh-istio-cni",
      "service-mesh-istiod",
      "service-mesh-ztunnel",
      "service-release-ledger",
    ]);
    const service = releases.find((r) => r.name === "service-release-ledger")!;
    const values = service.inputs.values as { image: { ref: string }; rollout: { enabled: boolean } };
    expect(values.image.ref).toBe(doc.layers[2]!.outputs.imageRef);
    expect(values.rollout.enabled).toBe(true);
  });

  it("stays well under the 3 s budget of an offline plan", () => {
    expect(elapsedMs).toBeLessThan(3_000);
  });
});

describe("devctl plan staging-lambda: the lambda platform in the plan", () => {
  let code: number;
  let doc: PlanDocument;
  const ofType = (type: string) => doc.layers[2]!.resources.filter((r) => r.type === type);

  beforeAll(async () => {
    const io = recordingIo();
    code = await main(["plan", "staging-lambda", "--json"], io);
    doc = JSON.parse(io.stdout.join("\n")) as PlanDocument;
  }, 120_000);

  it("passes the policy pack, lambda rules included, on all three layers", () => {
    expect(doc.layers.map((l) => l.project)).toEqual(["platform-network", "platform-data", "platform-compute"]);
    expect(doc.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    expect(code).toBe(ExitCode.Success);
  });

  it("shows the function, its alias, the HTTP API and RDS Proxy, and no image, ECS service or load balancer", () => {
    // The service and, on every platform, the nightly DORA snapshot.
    expect(ofType("aws:lambda/function:Function").map((f) => f.inputs.name)).toEqual(expect.arrayContaining(["staging-lambda-release-ledger-api"]));
    expect(ofType("aws:lambda/alias:Alias")).toHaveLength(1);
    expect(ofType("aws:apigatewayv2/stage:Stage")).toHaveLength(1);
    expect(ofType("aws:rds/proxy:Proxy")).toHaveLength(1);
    expect([...ofType("aws:ecs/service:Service"), ...ofType("aws:lb/loadBalancer:LoadBalancer"), ...ofType("aws:ecr/repository:Repository")]).toEqual([]);
    expect(doc.layers[2]!.outputs).toMatchObject({ platform: "lambda", imageRef: null, albArn: null });
  });
});

/**
 * The service's Helm chart, rendered by a real Helm (tools/helm/build.sh) with the values the compute layer
 * computes, and every object validated against the Kubernetes OpenAPI schemas. Without a built Helm the rendering
 * tests are skipped with the reason printed; .ci/run builds it first, so CI always runs them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadEnvironment, SERVICE_CHART_PATH, serviceChartValues } from "@platform/infra";
import { schemaProblems } from "./support/kubernetes-schemas";

const root = path.resolve(__dirname, "..");
const KUBERNETES_VERSION = "1.35.0";
const DIGEST = `sha256:${"ab".repeat(32)}`;

function cachedHelm(): { helm?: string; reason?: string } {
  const found = spawnSync(path.join(root, "tools", "helm", "build.sh"), ["--cached"], { encoding: "utf8" });
  return found.status === 0 ? { helm: found.stdout.trim() } : { reason: (found.stderr || found.error?.message || "").trim() };
}
const { helm, reason } = cachedHelm();
if (!helm) console.warn(`chart tests skipped: ${reason ?? "no helm"}`);

type K8sObject = Record<string, unknown> & { kind: string; spec?: Record<string, unknown> };

function values(environmentName: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...serviceChartValues({
      environment: loadEnvironment(environmentName),
      imageRef: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${environmentName}-release-ledger@${DIGEST}`,
      targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/service-pods/0123456789abcdef",
      albArnSuffix: "app/service-alb/0123456789abcdef",
      vpcCidr: "10.21.0.0/16",
      database: {
        host: "ledger.abc.eu-west-1.rds.amazonaws.com",
        port: 5432,
        name: "ledger",
        masterSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1",
        appUsername: "ledger_app",
      },
      redis: { host: "master.ledger.euw1.cache.amazonaws.com", port: 6379, authSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redis-auth" },
    }),
    ...overrides,
  };
}

function helmRun(args: string[], chartValues: Record<string, unknown>): { stdout: string; stderr: string; status: number | null } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chart-"));
  try {
    const file = path.join(dir, "values.json");
    fs.writeFileSync(file, JSON.stringify(chartValues));
    const run = spawnSync(helm ?? "helm", [...args, SERVICE_CHART_PATH, "--values", file], { encoding: "utf8" });
    return { stdout: run.stdout, stderr: run.stderr, status: run.status };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function render(chartValues: Record<string, unknown>): K8sObject[] {
  const run = helmRun(["template", "release-ledger", "--namespace", "release-ledger", "--kube-version", KUBERNETES_VERSION], chartValues);
  if (run.status !== 0) throw new Error(run.stderr);
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

const byKind = (objects: K8sObject[], kind: string) => objects.find((o) => o.kind === kind);
const podSpec = (workload: K8sObject | undefined) =>
  (workload?.spec?.template as { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } }).spec;

describe.skipIf(!helm)("charts/release-ledger rendered by Helm", () => {
  it("passes helm lint --strict with the values of both platforms' shapes", () => {
    for (const env of ["staging", "prod", "staging-eks"]) {
      const run = helmRun(["lint", "--strict"], values(env));
      expect(run.status, `${env}: ${run.stdout}${run.stderr}`).toBe(0);
    }
  });

  it.each(["staging", "prod", "staging-eks"])("renders %s's values into objects valid against the Kubernetes schemas", async (env) => {
    const objects = render(values(env));
    expect(objects.map((o) => o.kind).sort()).toEqual(
      expect.arrayContaining([
        "HorizontalPodAutoscaler",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Service",
        "ServiceAccount",
        "TargetGroupBinding",
        "ExternalSecret",
        "SecretStore",
      ]),
    );
    expect(await schemaProblems(objects)).toEqual([]);
  });

  it("delivers rolling environments with a Deployment and progressive ones with an Argo Rollouts canary", () => {
    // Every shipped environment deploys progressively now; a rolling one is staging with the rollout off.
    const staging = values("staging");
    const rolling = render({ ...staging, rollout: { ...(staging.rollout as Record<string, unknown>), enabled: false } });
    expect(byKind(rolling, "Deployment")).toBeDefined();
    expect(byKind(rolling, "Rollout")).toBeUndefined();

    const canary = render(values("prod"));
    expect(byKind(canary, "Deployment")).toBeUndefined();
    const strategy = (byKind(canary, "Rollout")?.spec?.strategy as { canary: { steps: unknown[]; analysis: unknown } }).canary;
    expect(strategy.steps).toEqual([{ setWeight: 10 }, { pause: { duration: "15m" } }, { setWeight: 100 }]);
    expect(strategy.analysis).toEqual({ templates: [{ templateName: "release-ledger-alarms" }], startingStep: 1 });
    // prod's alarm thresholds (alarm5xxRatePercent 2, alarmP99LatencyMs 800) decide the analysis.
    const metrics = (byKind(canary, "AnalysisTemplate")?.spec as { metrics: { name: string; successCondition: string }[] }).metrics;
    expect(metrics.map((m) => [m.name, m.successCondition])).toEqual([
      ["target-5xx-rate", "len(result[0].Values) == 0 || result[0].Values[0] <= 2"],
      ["target-p99-latency", "len(result[0].Values) == 0 || result[0].Values[0] * 1000 <= 800"],
    ]);
    expect((byKind(canary, "HorizontalPodAutoscaler")?.spec?.scaleTargetRef as { kind: string }).kind).toBe("Rollout");
  });

  it("with Istio ambient (staging-eks), sends the ALB to an ingress gateway and routes by the environment's meshRoutes", () => {
    const objects = render(values("staging-eks"));
    const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && (o.metadata as { name: string }).name === name);
    expect((byKind(objects, "TargetGroupBinding")?.spec?.serviceRef as { name: string }).name).toBe("release-ledger-ingress-istio");
    expect(named("Gateway", "release-ledger-ingress")?.spec).toMatchObject({ gatewayClassName: "istio", listeners: [{ port: 8080, protocol: "HTTP" }] });
    expect(named("Gateway", "waypoint")?.spec).toEqual({ gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] });
    expect(byKind(objects, "PeerAuthentication")?.spec).toEqual({ mtls: { mode: "STRICT" } });
    const rules = (byKind(objects, "HTTPRoute")?.spec as { rules: Record<string, unknown>[] }).rules;
    // "/ timeout=15s retries=2": GET and HEAD retried, other methods never; "/v1/metrics timeout=30s": no retries.
    expect(
      rules.map((r) => [
        (r.matches as { path: { value: string }; method?: string }[])[0]!.path.value,
        (r.matches as { method?: string }[])[0]!.method,
        (r.timeouts as { request: string }).request,
        r.retry,
      ]),
    ).toEqual([
      ["/", "GET", "15s", { attempts: 2, codes: [503] }],
      ["/", "HEAD", "15s", { attempts: 2, codes: [503] }],
      ["/", undefined, "15s", undefined],
      ["/v1/metrics", undefined, "30s", undefined],
    ]);
    for (const rule of rules) {
      expect(rule.backendRefs).toEqual([
        { name: "release-ledger", port: 8080, weight: 100 },
        { name: "release-ledger-canary", port: 8080, weight: 0 },
      ]);
    }
    const canary = (byKind(objects, "Rollout")?.spec?.strategy as { canary: Record<string, unknown> }).canary;
    expect(canary).toMatchObject({
      stableService: "release-ledger",
      canaryService: "release-ledger-canary",
      trafficRouting: { plugins: { "argoproj-labs/gatewayAPI": { httpRoute: "release-ledger", namespace: "release-ledger" } } },
    });
    expect(byKind(objects, "AuthorizationPolicy")?.spec).toMatchObject({
      action: "ALLOW",
      rules: [{ from: [{ source: { principals: ["cluster.local/ns/release-ledger/sa/release-ledger-ingress-istio"] } }] }],
    });
    // The service port from the VPC and from the kubelet's probes (rewritten by istio-cni), HBONE from the VPC.
    const ingress = (byKind(objects, "NetworkPolicy")?.spec as { ingress: { ports: { port: unknown }[]; from: { ipBlock: { cidr: string } }[] }[] }).ingress;
    expect(ingress.map((i) => [i.ports.map((p) => p.port), i.from.map((f) => f.ipBlock.cidr)])).toEqual([
      [["http"], ["10.21.0.0/16"]],
      [["http"], ["169.254.7.127/32"]],
      [[15008], ["10.21.0.0/16"]],
    ]);
  });

  it("without a mesh renders none of the mesh's objects and keeps the ALB on the service", () => {
    const objects = render(values("prod"));
    expect(objects.filter((o) => ["Gateway", "HTTPRoute", "PeerAuthentication", "AuthorizationPolicy"].includes(o.kind))).toEqual([]);
    expect((byKind(objects, "TargetGroupBinding")?.spec?.serviceRef as { name: string }).name).toBe("release-ledger");
  });

  it("during a migration binds the pods into their own group as <fullname>-pods, and into blue as <fullname> once ECS is drained", () => {
    // The names never move between groups: a TargetGroupBinding's group cannot change, so drained -> finished
    // keeps "release-ledger" on blue and drops only the pods' binding (the rule no longer forwards to it).
    const pods = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/service-pods/fedcba9876543210";
    const blue = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/service-blue/0123456789abcdef";
    const { targetGroupArn: _finished, ...binding } = (values("prod").targetGroupBinding ?? {}) as Record<string, unknown>;
    const bindingsOf = (targetGroupBinding: Record<string, unknown>) =>
      render(values("prod", { targetGroupBinding }))
        .filter((o) => o.kind === "TargetGroupBinding")
        .map((b) => [(b.metadata as { name: string }).name, b.spec?.targetGroupARN, b.spec?.multiClusterTargetGroup]);
    expect(bindingsOf({ ...binding, migrationTargetGroupArn: pods, multiCluster: true })).toEqual([["release-ledger-pods", pods, true]]);
    expect(bindingsOf({ ...binding, targetGroupArn: blue, migrationTargetGroupArn: pods, multiCluster: true })).toEqual([
      ["release-ledger", blue, true],
      ["release-ledger-pods", pods, true],
    ]);
    // Alone, the controller owns the group outright and there is one binding.
    const alone = render(values("prod")).filter((o) => o.kind === "TargetGroupBinding");
    expect(alone.map((b) => [(b.metadata as { name: string }).name, b.spec?.multiClusterTargetGroup])).toEqual([["release-ledger", undefined]]);
  });

  it("refuses a binding without any target group, naming the values", () => {
    const binding = (values("prod").targetGroupBinding ?? {}) as Record<string, unknown>;
    expect(() => render(values("prod", { targetGroupBinding: { ...binding, targetGroupArn: "" } }))).toThrow(
      /targetGroupBinding.targetGroupArn \(or migrationTargetGroupArn during a migration\) is required/,
    );
  });

  it("runs the pods non-root on a read-only root filesystem, with a writable /tmp, probes and AZ spread", () => {
    const pod = podSpec(byKind(render(values("prod")), "Rollout"));
    const container = pod.containers[0] as Record<string, Record<string, unknown>>;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(container.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
    expect((container.livenessProbe?.httpGet as { path: string }).path).toBe("/healthz");
    expect((container.readinessProbe?.httpGet as { path: string }).path).toBe("/readyz");
    expect(pod.topologySpreadConstraints).toContainEqual(
      expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" }),
    );
    // SHUTDOWN_TIMEOUT_MS 20000 -> 20 s of draining, 5 s of deregistration before it, 10 s of margin after.
    expect(pod.terminationGracePeriodSeconds).toBe(35);
    expect(container.resources).toEqual({ requests: { cpu: "1000m", memory: "2048Mi" }, limits: { memory: "2048Mi" } });
    const env = container.env as unknown as { name: string; value?: string; valueFrom?: unknown }[];
    // The master login for the startup migration only; the service's own login has no password (IAM tokens).
    expect(env.filter((e) => e.valueFrom).map((e) => e.name)).toEqual(["MIGRATION_PGUSER", "MIGRATION_PGPASSWORD", "REDIS_AUTH_TOKEN"]);
    expect(env.find((e) => e.name === "SHUTDOWN_TIMEOUT_MS")?.value).toBe("20000");
  });

  it("refuses an image that is not pinned by digest", () => {
    const run = helmRun(["template", "release-ledger"], values("staging", { image: { ref: "ledger:latest" } }));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('image.ref "ledger:latest" is not pinned by digest');
  });
});

describe("schema validation of rendered objects", () => {
  it("reports an object that breaks its kind's schema, naming it", async () => {
    const problems = await schemaProblems([
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "broken" }, spec: { replicas: "two", selector: {}, template: {} } },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.object).toBe("apps/v1/Deployment broken");
    expect(problems[0]?.message).toMatch(/replicas/);
  });

  it("reports a kind it has no schema for instead of passing it", async () => {
    const problems = await schemaProblems([{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }]);
    expect(problems).toEqual([{ object: "example.com/v1/Widget w", message: expect.stringContaining("has no schema") as unknown }]);
  });

  it("finds the real Helm binary pinned in tools/helm when it is built", () => {
    if (!helm) return;
    expect(execFileSync(helm, ["version", "--short"], { encoding: "utf8" })).toMatch(/^v3\.\d+\.\d+/);
  });
});

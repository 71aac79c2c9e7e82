import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../environment";
import { DASHBOARD_GROUPS, dashboardBody, EMF_NAMESPACE, errorLogMetric, redisNodeIds, type DashboardBody, type DashboardInput } from "./dashboard";
import { anomalyBandWidth } from "./request-anomaly";

/**
 * The metrics AWS (and the service's EMF contract) actually publish, with the dimension set each is read
 * with here. A typo in a namespace, metric or dimension name renders an empty graph in CloudWatch and
 * nothing else notices: this catalogue does.
 */
const CATALOGUE: Record<string, Record<string, string[]>> = {
  "AWS/ApplicationELB": {
    RequestCount: ["LoadBalancer"],
    HTTPCode_Target_5XX_Count: ["LoadBalancer"],
    HTTPCode_Target_4XX_Count: ["LoadBalancer"],
    HTTPCode_ELB_5XX_Count: ["LoadBalancer"],
    TargetResponseTime: ["LoadBalancer"],
    HealthyHostCount: ["LoadBalancer", "TargetGroup"],
    UnHealthyHostCount: ["LoadBalancer", "TargetGroup"],
  },
  "AWS/CloudFront": { Requests: ["DistributionId", "Region"], "5xxErrorRate": ["DistributionId", "Region"], "4xxErrorRate": ["DistributionId", "Region"] },
  "ECS/ContainerInsights": {
    RunningTaskCount: ["ClusterName", "ServiceName"],
    DesiredTaskCount: ["ClusterName", "ServiceName"],
    PendingTaskCount: ["ClusterName", "ServiceName"],
  },
  "AWS/ECS": { CPUUtilization: ["ClusterName", "ServiceName"], MemoryUtilization: ["ClusterName", "ServiceName"] },
  "AWS/RDS": { CPUUtilization: ["DBInstanceIdentifier"], DatabaseConnections: ["DBInstanceIdentifier"], FreeStorageSpace: ["DBInstanceIdentifier"] },
  "AWS/ElastiCache": {
    EngineCPUUtilization: ["CacheClusterId"],
    DatabaseMemoryUsagePercentage: ["CacheClusterId"],
    Evictions: ["CacheClusterId"],
  },
  // Service/compute contract: namespace ReleaseLedger, one dimension set [Environment].
  [EMF_NAMESPACE]: Object.fromEntries(
    ["HttpRequests", "Http5xx", "Http4xx", "HttpLatency", "ReleasesRecorded", "ReleaseTransitions", "CacheHits", "CacheMisses"].map((m) => [
      m,
      ["Environment"],
    ]),
  ),
};
const STAT = /^(Sum|Average|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$/;

function inputFor(envName: "staging" | "prod", targetGroups = 2): DashboardInput {
  const environment = loadEnvironment(envName);
  return {
    environmentName: environment.name,
    region: environment.awsRegion,
    clusterName: `${envName}-cluster`,
    serviceName: `${envName}-service`,
    albArnSuffix: `app/${envName}-alb/0123456789abcdef`,
    targetGroupArnSuffixes: Array.from({ length: targetGroups }, (_, i) => `targetgroup/${envName}-tg${i}/abcdef012345678${i}`),
    dbInstanceIdentifier: `${envName}-postgres`,
    redisNodeIds: redisNodeIds(`${envName}-redis`, environment.cache.replicaCount),
    logGroupName: `/platform/${envName}/service`,
    distributionId: "E2EXAMPLE123",
    anomalyBandWidth: anomalyBandWidth(environment),
    errorLogMetric: errorLogMetric(environment.name),
  };
}

type Row = unknown[];
const metricWidgets = (body: DashboardBody) => body.widgets.filter((w) => w.type === "metric");
const rowsOf = (w: DashboardBody["widgets"][number]) => w.properties.metrics as Row[];

/** Returns every problem with the body's metric definitions (empty when valid). */
function problems(body: DashboardBody, extraNamespaces: Record<string, string[]>): string[] {
  const found: string[] = [];
  const catalogue = {
    ...CATALOGUE,
    ...Object.fromEntries(Object.entries(extraNamespaces).map(([ns, names]) => [ns, Object.fromEntries(names.map((n) => [n, []]))])),
  };
  for (const w of body.widgets) {
    if (w.x < 0 || w.width < 1 || w.x + w.width > 24 || w.height < 1) found.push(`widget at ${w.x},${w.y} is outside the 24-column grid`);
  }
  for (const w of metricWidgets(body)) {
    const title = String(w.properties.title);
    if (typeof w.properties.region !== "string" || !/^[a-z]{2}-[a-z]+-\d$/.test(w.properties.region)) found.push(`${title}: no region`);
    const widgetStat = w.properties.stat as string | undefined;
    if (widgetStat !== undefined && !STAT.test(widgetStat)) found.push(`${title}: bad stat ${widgetStat}`);
    const rows = rowsOf(w);
    if (!Array.isArray(rows) || rows.length === 0) found.push(`${title}: no metrics`);
    const ids = new Set<string>();
    const expressions: string[] = [];
    for (const row of rows) {
      const last = row.at(-1);
      const options = typeof last === "object" && last !== null ? (last as Record<string, unknown>) : undefined;
      if (options && "expression" in options) {
        if (row.length !== 1) found.push(`${title}: expression row has extra entries`);
        expressions.push(String(options.expression));
        ids.add(String(options.id));
        continue;
      }
      const parts = options ? row.slice(0, -1) : row;
      if (parts.some((p) => typeof p !== "string" || p === "" || p === "." || p === "..."))
        found.push(`${title}: row ${JSON.stringify(row)} has an empty or shorthand entry`);
      const [namespace, metric, ...dims] = parts as string[];
      const expectedDims = catalogue[namespace ?? ""]?.[metric ?? ""];
      if (!expectedDims) found.push(`${title}: ${namespace}/${metric} is not a known metric`);
      if (dims.length % 2 !== 0) found.push(`${title}: ${metric} has an odd dimension list`);
      const dimNames = dims.filter((_, i) => i % 2 === 0).sort();
      if (expectedDims && JSON.stringify(dimNames) !== JSON.stringify([...expectedDims].sort())) {
        found.push(`${title}: ${metric} dimensions ${dimNames.join(",")} are not ${expectedDims.join(",")}`);
      }
      const stat = options?.stat ?? w.properties.stat;
      if (!STAT.test(String(stat))) found.push(`${title}: ${metric} has no valid stat`);
      const id = options?.id as string | undefined;
      if (id !== undefined) {
        if (!/^[a-z][A-Za-z0-9_]*$/.test(id)) found.push(`${title}: id ${id} must start with a lower-case letter`);
        if (ids.has(id)) found.push(`${title}: duplicate id ${id}`);
        ids.add(id);
      }
    }
    for (const expression of expressions) {
      const referenced = expression.replace(/[A-Z_]+\(/g, "(").match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? [];
      for (const id of referenced) if (!ids.has(id)) found.push(`${title}: expression ${expression} refers to unknown id ${id}`);
    }
  }
  return found;
}

describe.each(["staging", "prod"] as const)("dashboardBody (%s)", (envName) => {
  const input = inputFor(envName);
  const body = dashboardBody(input);
  const logs = errorLogMetric(envName);

  it("has only valid metric definitions, on the 24-column grid, within CloudWatch's widget limit", () => {
    expect(problems(body, { [logs.namespace]: [logs.name] })).toEqual([]);
    expect(body.widgets.length).toBeLessThanOrEqual(100);
    expect(() => JSON.parse(JSON.stringify(body))).not.toThrow();
  });

  it("has a header for each group, each followed by its widgets", () => {
    const headers = body.widgets.filter((w) => w.type === "text").map((w) => String(w.properties.markdown));
    expect(headers).toEqual(Object.values(DASHBOARD_GROUPS).map((g) => `## ${g}`));
  });

  const metricsIn = (group: string) => {
    const start = body.widgets.findIndex((w) => w.properties.markdown === `## ${group}`);
    const next = body.widgets.findIndex((w, i) => i > start && w.type === "text");
    return body.widgets
      .slice(start + 1, next === -1 ? undefined : next)
      .filter((w) => w.type === "metric")
      .flatMap((w) => rowsOf(w).map((row) => ({ row, widget: w })));
  };
  const names = (group: string) => metricsIn(group).map(({ row }) => `${String(row[0])}:${String(row[1])}`);

  it("traffic: ALB requests with the anomaly band, 5xx/4xx, p99 latency and per-target-group health", () => {
    expect(names(DASHBOARD_GROUPS.traffic)).toEqual(
      expect.arrayContaining([
        "AWS/ApplicationELB:RequestCount",
        "AWS/ApplicationELB:HTTPCode_Target_5XX_Count",
        "AWS/ApplicationELB:HTTPCode_Target_4XX_Count",
      ]),
    );
    const rows = metricsIn(DASHBOARD_GROUPS.traffic).map(({ row }) => row);
    expect(rows).toContainEqual([{ expression: `ANOMALY_DETECTION_BAND(m1, ${input.anomalyBandWidth})`, id: "ad1", label: "Expected" }]);
    expect(rows.filter((r) => r[1] === "TargetResponseTime").map((r) => (r.at(-1) as { stat: string }).stat)).toContain("p99");
    for (const tg of input.targetGroupArnSuffixes) {
      expect(rows).toContainEqual(expect.arrayContaining(["AWS/ApplicationELB", "UnHealthyHostCount", "TargetGroup", tg, "LoadBalancer", input.albArnSuffix]));
    }
  });

  it("edge: CloudFront requests and error rates, read from us-east-1", () => {
    const found = metricsIn(DASHBOARD_GROUPS.edge);
    expect(found.map(({ row }) => row[1])).toEqual(["Requests", "5xxErrorRate", "4xxErrorRate"]);
    for (const { row, widget } of found) {
      expect(widget.properties.region).toBe("us-east-1");
      expect(row.slice(2, 6)).toEqual(["DistributionId", input.distributionId, "Region", "Global"]);
    }
  });

  it("tasks: running vs desired (Container Insights) and CPU/memory for the service", () => {
    expect(names(DASHBOARD_GROUPS.tasks)).toEqual(
      expect.arrayContaining([
        "ECS/ContainerInsights:RunningTaskCount",
        "ECS/ContainerInsights:DesiredTaskCount",
        "AWS/ECS:CPUUtilization",
        "AWS/ECS:MemoryUtilization",
      ]),
    );
    for (const { row } of metricsIn(DASHBOARD_GROUPS.tasks))
      expect(row.slice(2, 6)).toEqual(["ClusterName", input.clusterName, "ServiceName", input.serviceName]);
  });

  it("database: CPU, connections and free storage of the instance", () => {
    expect(names(DASHBOARD_GROUPS.database)).toEqual(["AWS/RDS:CPUUtilization", "AWS/RDS:DatabaseConnections", "AWS/RDS:FreeStorageSpace"]);
    for (const { row } of metricsIn(DASHBOARD_GROUPS.database)) expect(row.slice(2)).toEqual(["DBInstanceIdentifier", input.dbInstanceIdentifier]);
  });

  it("cache: CPU, memory and evictions for every node of the replication group", () => {
    const environment = loadEnvironment(envName);
    const rows = metricsIn(DASHBOARD_GROUPS.cache).map(({ row }) => row);
    expect(input.redisNodeIds).toHaveLength(environment.cache.replicaCount + 1);
    for (const metric of ["EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "Evictions"]) {
      expect(rows.filter((r) => r[1] === metric).map((r) => r[3])).toEqual(input.redisNodeIds);
    }
  });

  it("business metrics: every EMF metric of the contract, by Environment, with p99 latency and a hit ratio", () => {
    const rows = metricsIn(DASHBOARD_GROUPS.business).map(({ row }) => row);
    const emf = rows.filter((r) => r[0] === EMF_NAMESPACE);
    expect(new Set(emf.map((r) => r[1]))).toEqual(new Set(Object.keys(CATALOGUE[EMF_NAMESPACE]!)));
    for (const r of emf) expect(r.slice(2, 4)).toEqual(["Environment", envName]);
    expect(emf.filter((r) => r[1] === "HttpLatency").map((r) => (r.at(-1) as { stat: string }).stat)).toContain("p99");
    expect(rows).toContainEqual([expect.objectContaining({ expression: "100 * hits / (hits + misses)" })]);
  });

  it("logs: the error-line metric and a Logs Insights table of recent errors from the service's log group", () => {
    expect(names(DASHBOARD_GROUPS.logs)).toEqual([`${logs.namespace}:${logs.name}`]);
    const table = body.widgets.find((w) => w.type === "log");
    expect(table?.properties.query).toContain(`SOURCE '${input.logGroupName}'`);
    expect(table?.properties.query).toContain("filter level >= 50");
  });
});

describe("dashboard validation", () => {
  it("catches a misspelt metric and a wrong dimension, so the catalogue check is not vacuous", () => {
    const body = dashboardBody(inputFor("staging"));
    const w = metricWidgets(body)[0]!;
    (w.properties.metrics as Row[]).push(["AWS/ApplicationELB", "UnhealthyHostCount", "LoadBalancer", "x"], ["AWS/RDS", "CPUUtilization", "DBInstance", "x"]);
    expect(problems(body, {})).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/UnhealthyHostCount is not a known metric/),
        expect.stringMatching(/CPUUtilization dimensions DBInstance/),
      ]),
    );
  });

  it("leaves out the target-health panel when there is no target group instead of emitting an empty widget", () => {
    const body = dashboardBody(inputFor("staging", 0));
    expect(metricWidgets(body).map((w) => w.properties.title)).not.toContain("Target health");
    expect(problems(body, { [errorLogMetric("staging").namespace]: [errorLogMetric("staging").name] })).toEqual([]);
  });
});

describe("redisNodeIds", () => {
  it("names the primary and each replica the way ElastiCache does", () => {
    expect(redisNodeIds("prod-redis", 2)).toEqual(["prod-redis-001", "prod-redis-002", "prod-redis-003"]);
    expect(() => redisNodeIds("x", 6)).toThrow(/redisReplicaCount is 6/);
  });
});

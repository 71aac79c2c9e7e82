/**
 * The environment's CloudWatch dashboard as plain JSON, built from resolved names so it can be tested
 * without Pulumi. Widgets are grouped under a text header each: traffic, edge, tasks, database, cache,
 * business metrics (the service's EMF namespace) and logs.
 */

import type { MeshMetrics } from "../compute/mesh/mesh-metrics";

/** CloudWatch's metric-row shape: namespace, name, dimension name/value pairs, then optional rendering options. */
export type MetricRow = (string | MetricOptions)[];
export type ExpressionRow = [{ expression: string; id: string; label: string; region?: string }];

export interface MetricOptions {
  stat?: string;
  label?: string;
  id?: string;
  visible?: boolean;
  region?: string;
}

export interface DashboardWidget {
  type: "metric" | "text" | "log";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

export interface DashboardBody {
  start: string;
  periodOverride: "inherit";
  widgets: DashboardWidget[];
}

export interface DashboardInput {
  readonly environmentName: string;
  /** The environment's region; CloudFront widgets use us-east-1 where its metrics live. */
  readonly region: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** app/<name>/<id> */
  readonly albArnSuffix: string;
  /** targetgroup/<name>/<id>, one per target group the deployment shifts between. */
  readonly targetGroupArnSuffixes: readonly string[];
  readonly dbInstanceIdentifier: string;
  /** Member clusters of the Redis replication group (ElastiCache publishes per node). */
  readonly redisNodeIds: readonly string[];
  readonly logGroupName: string;
  readonly distributionId: string;
  /** Standard deviations of the request-count anomaly band (same as the alarm's). */
  readonly anomalyBandWidth: number;
  readonly errorLogMetric: { readonly namespace: string; readonly name: string };
  /** The mesh's metrics of the service; adds the MESH_DASHBOARD_GROUP after Traffic. Default: no mesh, no group. */
  readonly mesh?: MeshMetrics;
}

/** Header of the mesh's group (only with a mesh, so it is not one of DASHBOARD_GROUPS). */
export function meshDashboardGroup(mode: MeshMetrics["mode"]): string {
  return `Service mesh (${mode})`;
}

/** Namespace and dimension of the service's Embedded Metric Format metrics (service/compute contract). */
export const EMF_NAMESPACE = "ReleaseLedger";
export const EMF_DIMENSION = "Environment";

/** Metric filter target for log lines at pino level error (50) or fatal (60). */
export function errorLogMetric(environmentName: string): { namespace: string; name: string } {
  return { namespace: `${EMF_NAMESPACE}/Logs`, name: `ErrorLogLines-${environmentName}` };
}

/** CloudWatch metric filter pattern matching pino JSON lines at level error or above. */
export const ERROR_LOG_PATTERN = "{ $.level >= 50 }";

/**
 * Member cluster ids of a cluster-mode-disabled replication group: ElastiCache names them
 * <group>-001, <group>-002, ... (primary plus replicas).
 */
export function redisNodeIds(replicationGroupId: string, replicaCount: number): string[] {
  if (!Number.isInteger(replicaCount) || replicaCount < 0 || replicaCount > 5) {
    throw new Error(`redisReplicaCount is ${replicaCount}; ElastiCache allows 0 to 5 replicas per shard.`);
  }
  return Array.from({ length: replicaCount + 1 }, (_, i) => `${replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
}

/** Text headers naming each group of widgets; tests and the architecture document refer to them. */
export const DASHBOARD_GROUPS = {
  traffic: "Traffic (ALB)",
  edge: "Edge (CloudFront, us-east-1)",
  tasks: "Service tasks (ECS)",
  database: "Database (RDS PostgreSQL)",
  cache: "Cache (ElastiCache Redis)",
  business: "Business metrics (ReleaseLedger EMF)",
  logs: "Logs",
} as const;

const WIDTH = 24;
const WIDGET_WIDTH = 8;
const WIDGET_HEIGHT = 6;

interface Panel {
  title: string;
  metrics: (MetricRow | ExpressionRow)[];
  stat?: string;
  region?: string;
  period?: number;
  yLabel?: string;
}

export function dashboardBody(input: DashboardInput): DashboardBody {
  const lb = ["LoadBalancer", input.albArnSuffix];
  const ecs = ["ClusterName", input.clusterName, "ServiceName", input.serviceName];
  const db = ["DBInstanceIdentifier", input.dbInstanceIdentifier];
  const cf = ["DistributionId", input.distributionId, "Region", "Global"];
  const emf = [EMF_DIMENSION, input.environmentName];
  const alb = "AWS/ApplicationELB";

  const groups: [string, Panel[]][] = [
    [
      DASHBOARD_GROUPS.traffic,
      [
        {
          title: "Requests and expected band",
          stat: "Sum",
          period: 300,
          metrics: [
            [alb, "RequestCount", ...lb, { id: "m1", label: "Requests" }],
            [{ expression: `ANOMALY_DETECTION_BAND(m1, ${input.anomalyBandWidth})`, id: "ad1", label: "Expected" }],
          ],
        },
        {
          title: "HTTP errors",
          stat: "Sum",
          metrics: [
            [alb, "HTTPCode_Target_5XX_Count", ...lb, { label: "Target 5xx" }],
            [alb, "HTTPCode_ELB_5XX_Count", ...lb, { label: "ALB 5xx" }],
            [alb, "HTTPCode_Target_4XX_Count", ...lb, { label: "Target 4xx" }],
          ],
        },
        {
          title: "Target response time",
          yLabel: "seconds",
          metrics: [
            [alb, "TargetResponseTime", ...lb, { stat: "p50", label: "p50" }],
            [alb, "TargetResponseTime", ...lb, { stat: "p99", label: "p99" }],
          ],
        },
        {
          title: "Target health",
          stat: "Maximum",
          metrics: input.targetGroupArnSuffixes.flatMap((tg, i): MetricRow[] => [
            [alb, "HealthyHostCount", "TargetGroup", tg, ...lb, { label: `Healthy (target group ${i + 1})` }],
            [alb, "UnHealthyHostCount", "TargetGroup", tg, ...lb, { label: `Unhealthy (target group ${i + 1})` }],
          ]),
        },
      ],
    ],
    ...(input.mesh ? [meshGroup(input.mesh)] : []),
    [
      DASHBOARD_GROUPS.edge,
      [
        { title: "CloudFront requests", region: "us-east-1", stat: "Sum", metrics: [["AWS/CloudFront", "Requests", ...cf]] },
        {
          title: "CloudFront error rate (%)",
          region: "us-east-1",
          stat: "Average",
          metrics: [
            ["AWS/CloudFront", "5xxErrorRate", ...cf, { label: "5xx %" }],
            ["AWS/CloudFront", "4xxErrorRate", ...cf, { label: "4xx %" }],
          ],
        },
      ],
    ],
    [
      DASHBOARD_GROUPS.tasks,
      [
        {
          title: "Running vs desired tasks",
          stat: "Average",
          metrics: [
            ["ECS/ContainerInsights", "RunningTaskCount", ...ecs, { label: "Running" }],
            ["ECS/ContainerInsights", "DesiredTaskCount", ...ecs, { label: "Desired" }],
            ["ECS/ContainerInsights", "PendingTaskCount", ...ecs, { label: "Pending" }],
          ],
        },
        {
          title: "Service CPU and memory (%)",
          stat: "Average",
          metrics: [
            ["AWS/ECS", "CPUUtilization", ...ecs, { label: "CPU" }],
            ["AWS/ECS", "MemoryUtilization", ...ecs, { label: "Memory" }],
          ],
        },
      ],
    ],
    [
      DASHBOARD_GROUPS.database,
      [
        { title: "Database CPU (%)", stat: "Average", metrics: [["AWS/RDS", "CPUUtilization", ...db]] },
        { title: "Database connections", stat: "Maximum", metrics: [["AWS/RDS", "DatabaseConnections", ...db]] },
        { title: "Database free storage (bytes)", stat: "Minimum", period: 300, metrics: [["AWS/RDS", "FreeStorageSpace", ...db]] },
      ],
    ],
    [
      DASHBOARD_GROUPS.cache,
      [
        {
          title: "Redis engine CPU (%)",
          stat: "Average",
          metrics: input.redisNodeIds.map((node): MetricRow => ["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", node]),
        },
        {
          title: "Redis memory used (%)",
          stat: "Maximum",
          metrics: input.redisNodeIds.map((node): MetricRow => ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", node]),
        },
        {
          title: "Redis evictions",
          stat: "Sum",
          metrics: input.redisNodeIds.map((node): MetricRow => ["AWS/ElastiCache", "Evictions", "CacheClusterId", node]),
        },
      ],
    ],
    [
      DASHBOARD_GROUPS.business,
      [
        {
          title: "Service requests and errors",
          stat: "Sum",
          metrics: [
            [EMF_NAMESPACE, "HttpRequests", ...emf],
            [EMF_NAMESPACE, "Http5xx", ...emf],
            [EMF_NAMESPACE, "Http4xx", ...emf],
          ],
        },
        {
          title: "Service latency (ms)",
          metrics: [
            [EMF_NAMESPACE, "HttpLatency", ...emf, { stat: "p50", label: "p50" }],
            [EMF_NAMESPACE, "HttpLatency", ...emf, { stat: "p99", label: "p99" }],
          ],
        },
        {
          title: "Releases",
          stat: "Sum",
          metrics: [
            [EMF_NAMESPACE, "ReleasesRecorded", ...emf, { label: "Recorded" }],
            [EMF_NAMESPACE, "ReleaseTransitions", ...emf, { label: "Transitions" }],
          ],
        },
        {
          title: "Cache hit ratio (%)",
          stat: "Sum",
          metrics: [
            [EMF_NAMESPACE, "CacheHits", ...emf, { id: "hits", visible: false }],
            [EMF_NAMESPACE, "CacheMisses", ...emf, { id: "misses", visible: false }],
            [{ expression: "100 * hits / (hits + misses)", id: "ratio", label: "Hit ratio" }],
          ],
        },
      ],
    ],
    [DASHBOARD_GROUPS.logs, [{ title: "Error log lines (level >= 50)", stat: "Sum", metrics: [[input.errorLogMetric.namespace, input.errorLogMetric.name]] }]],
  ];

  const widgets: DashboardWidget[] = [];
  let y = 0;
  for (const [header, allPanels] of groups) {
    // A panel with nothing to plot (e.g. no target groups yet) is an invalid widget: leave it out.
    const panels = allPanels.filter((panel) => panel.metrics.length > 0);
    widgets.push({ type: "text", x: 0, y, width: WIDTH, height: 1, properties: { markdown: `## ${header}` } });
    y += 1;
    panels.forEach((panel, i) => {
      const x = (i * WIDGET_WIDTH) % WIDTH;
      if (i > 0 && x === 0) y += WIDGET_HEIGHT;
      widgets.push({ type: "metric", x, y, width: WIDGET_WIDTH, height: WIDGET_HEIGHT, properties: metricProperties(panel, input.region) });
    });
    y += WIDGET_HEIGHT;
    if (header === DASHBOARD_GROUPS.logs) {
      widgets.push({
        type: "log",
        x: 0,
        y,
        width: WIDTH,
        height: WIDGET_HEIGHT,
        properties: {
          title: "Latest errors",
          region: input.region,
          view: "table",
          query: `SOURCE '${input.logGroupName}' | fields @timestamp, level, msg, reqId, err.message | filter level >= 50 | sort @timestamp desc | limit 50`,
        },
      });
      y += WIDGET_HEIGHT;
    }
  }
  return { start: "-PT6H", periodOverride: "inherit", widgets };
}

/** Requests and 5xx the mesh carried to the service, and their latency, in the mesh's own metrics. */
function meshGroup(mesh: MeshMetrics): [string, Panel[]] {
  const row = (metric: MeshMetrics["requests"], options: MetricOptions): MetricRow => [
    mesh.namespace,
    metric.metricName,
    ...Object.entries(metric.dimensions).flat(),
    { stat: metric.stat, ...options },
  ];
  return [
    meshDashboardGroup(mesh.mode),
    [
      { title: "Mesh requests and 5xx", metrics: [row(mesh.requests, { label: "Requests" }), row(mesh.errors, { label: "5xx" })] },
      ...(mesh.latency ? [{ title: "Mesh response time", metrics: [row(mesh.latency, { label: mesh.latency.stat })] }] : []),
    ],
  ];
}

function metricProperties(panel: Panel, region: string): Record<string, unknown> {
  return {
    title: panel.title,
    view: "timeSeries",
    stacked: false,
    region: panel.region ?? region,
    period: panel.period ?? 60,
    ...(panel.stat ? { stat: panel.stat } : {}),
    ...(panel.yLabel ? { yAxis: { left: { label: panel.yLabel, showUnits: false } } } : {}),
    metrics: panel.metrics,
  };
}

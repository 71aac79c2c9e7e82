/** Renders a Plan: the --json document, or a per-layer resource tree with counts and the policy results. */
import type { Plan, PlannedLayer } from "./collect-plan";
import type { PlannedResource } from "@platform/infra/testing";

/** The --json document. Scripts and CI read it: add fields, never rename or drop one. */
export interface PlanDocument {
  environment: string;
  layers: {
    project: string;
    stack: string;
    resources: { urn: string; type: string; name: string; parent: string | null; region?: string; inputs: Record<string, unknown> }[];
    outputs: Record<string, unknown>;
  }[];
  violations: { policy: string; level: "mandatory" | "advisory"; urn: string; message: string }[];
}

export function planDocument(plan: Plan): PlanDocument {
  return {
    environment: plan.environment.name,
    layers: plan.layers.map((l) => ({
      project: l.project,
      stack: l.stack,
      resources: l.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        ...(r.region === undefined ? {} : { region: r.region }),
        inputs: r.inputs,
      })),
      outputs: l.outputs,
    })),
    violations: plan.violations.map((v) => ({ policy: v.policy, level: v.level, urn: v.urn, message: v.message })),
  };
}

/** Inputs worth a glance per type; others show none (the JSON has them all). */
const SETTINGS: Readonly<Record<string, readonly string[]>> = {
  "pulumi:providers:aws": ["region"],
  "aws:ec2/vpc:Vpc": ["cidrBlock", "enableDnsHostnames"],
  "awsx:ec2:Vpc": ["cidrBlock", "numberOfAvailabilityZones", "natGateways"],
  "aws:ec2/subnet:Subnet": ["cidrBlock", "availabilityZone", "mapPublicIpOnLaunch"],
  "aws:ec2/natGateway:NatGateway": ["connectivityType"],
  "aws:ec2/flowLog:FlowLog": ["trafficType", "logDestinationType"],
  "aws:ec2/vpcEndpoint:VpcEndpoint": ["serviceName", "vpcEndpointType"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["ipProtocol", "fromPort", "toPort", "cidrIpv4", "cidrIpv6"],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["ipProtocol", "fromPort", "toPort", "cidrIpv4"],
  "aws:kms/key:Key": ["enableKeyRotation", "deletionWindowInDays"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "retentionInDays"],
  "aws:rds/instance:Instance": [
    "restoreToPointInTime",
    "engine",
    "engineVersion",
    "instanceClass",
    "multiAz",
    "storageEncrypted",
    "publiclyAccessible",
    "deletionProtection",
    "backupRetentionPeriod",
  ],
  "aws:rds/parameterGroup:ParameterGroup": ["family"],
  "aws:elasticache/replicationGroup:ReplicationGroup": [
    "engine",
    "engineVersion",
    "nodeType",
    "numCacheClusters",
    "automaticFailoverEnabled",
    "atRestEncryptionEnabled",
    "transitEncryptionEnabled",
  ],
  "aws:ecs/service:Service": ["desiredCount", "launchType", "deploymentConfiguration"],
  "aws:ecs/taskDefinition:TaskDefinition": ["family", "cpu", "memory"],
  "aws:lb/loadBalancer:LoadBalancer": ["loadBalancerType", "internal"],
  "aws:lb/listener:Listener": ["protocol", "port", "sslPolicy"],
  "aws:lb/targetGroup:TargetGroup": ["protocol", "port", "targetType"],
  "aws:cloudfront/distribution:Distribution": ["aliases", "priceClass", "httpVersion"],
  "aws:wafv2/webAcl:WebAcl": ["scope"],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["metricName", "threshold", "comparisonOperator"],
  "aws:appautoscaling/target:Target": ["minCapacity", "maxCapacity"],
  "aws:route53/record:Record": ["name", "type"],
  "aws:acm/certificate:Certificate": ["domainName", "validationMethod"],
  "aws:ecr/repository:Repository": ["imageTagMutability"],
  // What a DR restore needs, kept in the DR region ahead of it (absent outside production).
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": ["retentionPeriod"],
  "aws:secretsmanager/secret:Secret": ["replicas"],
  "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": ["prefix", "appliedFors"],
};

function settingsOf(resource: PlannedResource): string {
  const keys = SETTINGS[resource.type] ?? [];
  const shown = keys
    .filter((k) => resource.inputs[k] !== undefined)
    .map((k) => {
      const value = resource.inputs[k];
      const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "");
      return `${k}=${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
    });
  return shown.length > 0 ? `  ${shown.join(" ")}` : "";
}

function layerTree(layer: PlannedLayer): string[] {
  const children = new Map<string | null, PlannedResource[]>();
  const known = new Set(layer.resources.map((r) => r.urn));
  for (const r of layer.resources) {
    const parent = r.parent && known.has(r.parent) ? r.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      lines.push(`${indent}${last ? "└─ " : "├─ "}${r.type}  ${r.name}${settingsOf(r)}`);
      walk(r.urn, indent + (last ? "   " : "│  "));
    });
  };
  walk(null, "  ");
  return lines;
}

function counts(resources: readonly PlannedResource[]): string {
  const byType = new Map<string, number>();
  for (const r of resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  return [...byType.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([type, n]) => `    ${String(n).padStart(3)}  ${type}`)
    .join("\n");
}

export function printPlan(plan: Plan): string {
  const out: string[] = [];
  const env = plan.environment;
  out.push(`Plan for ${env.name} (${env.tier}, ${env.awsRegion}) — offline, under mocks: nothing was created or read in AWS.`, "");
  for (const skipped of plan.skipped)
    out.push(`! ${skipped.layer}: no program yet — ${skipped.reason}. Its downstream layers were planned against placeholder outputs.`, "");
  for (const layer of plan.layers) {
    const custom = layer.resources.filter((r) => r.custom).length;
    out.push(
      `${layer.project} (stack ${layer.stack}): ${layer.resources.length} resources (${custom} cloud resources, ${layer.resources.length - custom} components)`,
    );
    out.push(...layerTree(layer), "", "  by type:", counts(layer.resources), "");
    const keys = Object.keys(layer.outputs);
    if (keys.length > 0) {
      out.push("  outputs:");
      for (const key of keys) {
        const text = JSON.stringify(layer.outputs[key]) ?? "undefined";
        out.push(`    ${key} = ${text.length > 100 ? `${text.slice(0, 97)}...` : text}`);
      }
      out.push("");
    }
    out.push(...policyLines(layer), "");
  }
  const mandatory = plan.violations.filter((v) => v.level === "mandatory").length;
  const advisory = plan.violations.length - mandatory;
  out.push(
    mandatory > 0
      ? `FAILED: ${mandatory} mandatory policy violation(s), ${advisory} advisory.`
      : `OK: no mandatory policy violation${advisory > 0 ? ` (${advisory} advisory)` : ""}.`,
  );
  return out.join("\n");
}

function policyLines(layer: PlannedLayer): string[] {
  if (layer.violations.length === 0) return ["  policies: all passed"];
  const names = new Map(layer.resources.map((r) => [r.urn, `${r.type} ${r.name}`]));
  return [
    `  policies: ${layer.violations.length} finding(s)`,
    ...layer.violations.map((v) => `    [${v.level}] ${v.policy}: ${names.get(v.urn) ?? v.urn}: ${v.message}`),
  ];
}

import type { PreviewStep } from "../engine/engine";

export type RiskKind = "stateful-replace" | "stateful-delete" | "network-widening" | "iam-change";

export interface RiskFlag {
  readonly kind: RiskKind;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** One line for people: what happens and why it matters. */
  readonly message: string;
}

/** Type-token prefixes of resources that hold data or traffic: replacing or deleting one loses it. */
const STATEFUL: readonly { readonly prefix: string; readonly what: string }[] = [
  { prefix: "aws:rds/", what: "database" },
  { prefix: "aws:elasticache/", what: "cache" },
  { prefix: "aws:route53/", what: "DNS" },
  { prefix: "aws:cloudfront/", what: "CDN" },
  { prefix: "aws:s3/bucket", what: "bucket" },
  { prefix: "aws:kms/", what: "encryption key" },
  { prefix: "aws:secretsmanager/", what: "secret" },
];

const OPEN_CIDRS = new Set(["0.0.0.0/0", "::/0"]);

/**
 * The risk flags of a preview: replacement or deletion of stateful resources, and any widening of network
 * access (new or changed ingress rules, rules open to the internet) or change of IAM policies and roles.
 * Pure, so every rule is tested without an engine.
 */
export function riskFlags(steps: readonly PreviewStep[]): RiskFlag[] {
  const flags: RiskFlag[] = [];
  for (const step of steps) {
    const flag = (kind: RiskKind, message: string): void => {
      flags.push({ kind, urn: step.urn, type: step.type, name: step.name, message });
    };
    const stateful = STATEFUL.find((s) => step.type.startsWith(s.prefix));
    if (stateful && step.op === "replace") {
      flag("stateful-replace", `replaces ${stateful.what} ${step.name} (${step.type}): its data or traffic is recreated from nothing`);
    }
    if (stateful && step.op === "delete") flag("stateful-delete", `deletes ${stateful.what} ${step.name} (${step.type})`);

    const widening = step.op === "create" || step.op === "update" || step.op === "replace";
    if (!widening) continue;
    const network = networkWidening(step);
    if (network) flag("network-widening", network);
    if (isIam(step.type)) flag("iam-change", `${verb(step)} IAM ${typeName(step.type)} ${step.name}`);
  }
  return flags;
}

function networkWidening(step: PreviewStep): string | undefined {
  const inputs = step.newInputs ?? {};
  const changed = (key: string): boolean => step.op !== "update" || step.diffs === undefined || step.diffs.includes(key);
  switch (step.type) {
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
    case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
      const ingress = step.type.includes("Ingress");
      const open = [inputs.cidrIpv4, inputs.cidrIpv6].some((c) => typeof c === "string" && OPEN_CIDRS.has(c));
      if (!ingress && !open) return undefined;
      return `${verb(step)} ${ingress ? "ingress" : "egress"} rule ${step.name}${open ? " open to the internet (0.0.0.0/0)" : ""}`;
    }
    case "aws:ec2/securityGroupRule:SecurityGroupRule": {
      const ingress = inputs.type === "ingress";
      const open = cidrsOf(inputs).some((c) => OPEN_CIDRS.has(c));
      if (!ingress && !open) return undefined;
      return `${verb(step)} ${ingress ? "ingress" : "egress"} rule ${step.name}${open ? " open to the internet (0.0.0.0/0)" : ""}`;
    }
    case "aws:ec2/securityGroup:SecurityGroup": {
      const rules = (key: string): Record<string, unknown>[] =>
        Array.isArray(inputs[key]) ? (inputs[key] as unknown[]).filter((r): r is Record<string, unknown> => typeof r === "object" && r !== null) : [];
      const ingress = rules("ingress");
      const openRule = [...ingress, ...rules("egress")].some((r) => cidrsOf(r).some((c) => OPEN_CIDRS.has(c)));
      if (ingress.length > 0 && changed("ingress")) {
        return `${verb(step)} security group ${step.name} with ${step.op === "update" ? "changed" : "new"} ingress rules${openRule ? " (some open to 0.0.0.0/0)" : ""}`;
      }
      if (openRule && (changed("egress") || changed("ingress"))) return `${verb(step)} security group ${step.name} with a rule open to 0.0.0.0/0`;
      return undefined;
    }
    default:
      return undefined;
  }
}

function cidrsOf(rule: Readonly<Record<string, unknown>>): string[] {
  return ["cidrBlocks", "ipv6CidrBlocks"].flatMap((key) =>
    Array.isArray(rule[key]) ? (rule[key] as unknown[]).filter((c): c is string => typeof c === "string") : [],
  );
}

function isIam(type: string): boolean {
  if (!type.startsWith("aws:iam/")) return false;
  const name = typeName(type).toLowerCase();
  return name.includes("policy") || name.includes("role");
}

function typeName(type: string): string {
  return type.slice(type.lastIndexOf(":") + 1);
}

function verb(step: PreviewStep): string {
  return step.op === "create" ? "adds" : step.op === "replace" ? "replaces" : "changes";
}

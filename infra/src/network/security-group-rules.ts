/**
 * The platform's security-group graph as data: which group takes what from whom. Groups reference each
 * other, so a data port is only ever reachable from the service's group, never from an address range.
 */
import { POSTGRES_PORT, REDIS_PORT } from "./network-acl-rules";

export const SECURITY_GROUP_ROLES = ["alb", "service", "database", "cache", "endpoints"] as const;
export type SecurityGroupRole = (typeof SECURITY_GROUP_ROLES)[number];

/** Ports that hold data: never open to an address range. */
export const DATA_PORTS: readonly number[] = [POSTGRES_PORT, REDIS_PORT];

/**
 * AWS-managed prefix list of CloudFront's origin-facing addresses (global; its id differs per region, so it is
 * looked up by name). Only CloudFront, and so only requests that went through the WAF, can reach the ALB.
 */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing";

/** Managed prefix lists a rule may name; the component looks each up by its AWS name. */
export const MANAGED_PREFIX_LISTS = { cloudfrontOriginFacing: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST } as const;
export type ManagedPrefixList = keyof typeof MANAGED_PREFIX_LISTS;

export type RulePeer =
  { readonly group: SecurityGroupRole } | { readonly cidrIpv4: string } | { readonly cidrIpv6: string } | { readonly prefixList: ManagedPrefixList };

export interface SecurityGroupRuleSpec {
  /** Logical-name suffix: `${name}-${key}`. */
  readonly key: string;
  readonly group: SecurityGroupRole;
  readonly direction: "ingress" | "egress";
  readonly port: number;
  readonly peer: RulePeer;
  readonly description: string;
}

export interface SecurityGroupRuleOptions {
  /** Port the service's container listens on (environment service.port). */
  readonly servicePort: number;
  /** The VPC's IPv4 CIDR: the interface endpoints accept HTTPS from it. */
  readonly vpcCidr: string;
}

/**
 * Every rule of the graph. The ALB is the only group that takes traffic from outside the VPC, and only from
 * CloudFront (its origin-facing prefix list) on 443, so nobody can call origin.<domain> around the WAF.
 * The service reaches the internet only on 443 (AWS APIs through the NAT or the endpoints, the OIDC
 * issuer's keys). Database and cache have no egress at all.
 */
export function securityGroupRules(options: SecurityGroupRuleOptions): SecurityGroupRuleSpec[] {
  const { servicePort, vpcCidr } = options;
  if (!Number.isInteger(servicePort) || servicePort < 1 || servicePort > 65535) {
    throw new Error(`servicePort ${servicePort} is not a TCP port; set platform:servicePort to 1-65535.`);
  }
  if (DATA_PORTS.includes(servicePort)) {
    throw new Error(`servicePort ${servicePort} is a data port (PostgreSQL/Redis); pick another platform:servicePort, e.g. 8080.`);
  }
  return [
    // One rule, 443 only. A prefix-list reference counts as the list's max entries (~55) against the group's
    // inbound quota (60 by default), so a second one (port 80) would not fit. None is needed: CloudFront
    // reaches the origin over HTTPS only (originProtocolPolicy https-only), and viewers' plain HTTP is
    // redirected by CloudFront itself. The ALB's :80 redirect listener stays but is unreachable.
    {
      key: "alb-in-https-cloudfront",
      group: "alb",
      direction: "ingress",
      port: 443,
      peer: { prefixList: "cloudfrontOriginFacing" },
      description: "HTTPS from CloudFront's origin-facing addresses only",
    },
    {
      key: "alb-out-service",
      group: "alb",
      direction: "egress",
      port: servicePort,
      peer: { group: "service" },
      description: "Requests and health checks to the service",
    },
    {
      key: "service-in-alb",
      group: "service",
      direction: "ingress",
      port: servicePort,
      peer: { group: "alb" },
      description: "Requests from the load balancer",
    },
    {
      key: "service-out-https",
      group: "service",
      direction: "egress",
      port: 443,
      peer: { cidrIpv4: "0.0.0.0/0" },
      description: "AWS APIs (endpoints, S3, NAT) and the OIDC issuer",
    },
    { key: "service-out-database", group: "service", direction: "egress", port: POSTGRES_PORT, peer: { group: "database" }, description: "PostgreSQL" },
    { key: "service-out-cache", group: "service", direction: "egress", port: REDIS_PORT, peer: { group: "cache" }, description: "Redis" },
    {
      key: "database-in-service",
      group: "database",
      direction: "ingress",
      port: POSTGRES_PORT,
      peer: { group: "service" },
      description: "PostgreSQL from the service",
    },
    { key: "cache-in-service", group: "cache", direction: "ingress", port: REDIS_PORT, peer: { group: "service" }, description: "Redis from the service" },
    {
      key: "endpoints-in-vpc",
      group: "endpoints",
      direction: "ingress",
      port: 443,
      peer: { cidrIpv4: vpcCidr },
      description: "HTTPS to the interface endpoints from the VPC",
    },
  ];
}

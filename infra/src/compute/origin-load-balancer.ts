import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { dnsValidatedCertificate } from "../dns/validated-certificate";
import type { MigrationWeights } from "../environment/migration";
import { keptOnDestroy } from "../environment/recovery";
import { ALB_LOG_PREFIX, albAccessLogs } from "./alb-access-logs";
import type { OriginVerifyHeader } from "./origin-verify";
import { deregistrationDelaySeconds } from "./shutdown-timing";

/** TLS policy of the HTTPS listener: TLS 1.3 with TLS 1.2 fallback, forward-secret ciphers only. */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** Path the target groups health-check: readiness (database reachable, migrations applied). */
export const READINESS_PATH = "/readyz";
/** Host name the ALB answers on (CloudFront's origin): origin.<domainName>. */
export function originDomainName(domainName: string): string {
  return `origin.${domainName}`;
}

export interface OriginLoadBalancerArgs {
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the internet-facing ALB. */
  readonly publicSubnetIds: pulumi.Input<string[]>;
  readonly albSecurityGroupId: pulumi.Input<string>;
  /** Port the service listens on in its task or pod: the target groups' port and health-check port. */
  readonly port: number;
  /**
   * Roles of the target groups, one group each (`${name}-<role>`). Two roles mean blue/green: the rule forwards
   * 100/0 and leaves the weights to whoever shifts traffic during a deployment. No default.
   */
  readonly targetGroupRoles: readonly [string] | readonly [string, string];
  /** The service's drain time (SHUTDOWN_TIMEOUT_MS): the target groups keep a deregistering target that long + 5 s. */
  readonly shutdownTimeoutMs: number;
  /** Production: the ALB is deletion-protected and its log bucket is never emptied on delete. */
  readonly isProduction: boolean;
  /** A restore drill's copy (platform-compute:disposable): neither protection applies, it is destroyed afterwards. Default false. */
  readonly disposable?: boolean | undefined;
  /** Days the ALB access logs are kept. */
  readonly logRetentionDays: number;
  /** The environment's domain: the ALB answers on origin.<domainName>, with a DNS-validated certificate. */
  readonly domainName: string;
  /** Public hosted zone that holds domainName. */
  readonly hostedZoneName: string;
  /** Header CloudFront sends with a secret value; the HTTPS listener forwards only requests carrying it. No default. */
  readonly originVerifyHeader: OriginVerifyHeader;
  /**
   * What sends the header (the Edge): the rule that requires it changes only after they are deployed, so
   * introducing or rotating the secret never refuses CloudFront's requests mid-rollout. Default: none.
   */
  readonly originHeaderSenders?: pulumi.Input<pulumi.Resource>[] | undefined;
  /**
   * Tags on the target groups only, beside `tags`: what a registrant outside Pulumi needs (EKS Auto Mode registers
   * pods only in a group tagged with its cluster's name, see eksTargetGroupTags). Default: none.
   */
  readonly targetGroupTags?: Record<string, string> | undefined;
  /**
   * A migration to EKS: the pods get a target group of their own (`${name}-pods`), and once `weights` are set the
   * production rule forwards their percent to it and the rest to one of targetGroupRoles, with Pulumi (not the
   * deployment) owning the weights. Default: no migration.
   */
  readonly migration?: { readonly weights?: MigrationWeights | undefined } | undefined;
  readonly tags?: Record<string, string> | undefined;
}

export interface OriginLoadBalancer {
  readonly loadBalancer: aws.lb.LoadBalancer;
  /** In the order of targetGroupRoles. */
  readonly targetGroups: aws.lb.TargetGroup[];
  readonly httpListener: aws.lb.Listener;
  readonly httpsListener: aws.lb.Listener;
  /** The HTTPS listener's one forwarding rule: only requests carrying the origin-verify header. */
  readonly productionRule: aws.lb.ListenerRule;
  /** The pods' own target group during a migration (args.migration). */
  readonly podsTargetGroup?: aws.lb.TargetGroup;
  /** origin.<domainName>: the name CloudFront reaches the ALB by. */
  readonly originDomainName: string;
}

/** A target group's share of the production rule: its role (targetGroupRoles, or "pods") and weight. */
export interface ForwardWeight {
  readonly role: string;
  readonly weight: number;
}

/**
 * What the production rule forwards to while a migration's weights are set: the pods their percent, the ECS group
 * that serves the rest, every other ECS group 0 (so a group the rule names is never deleted under it). The pods'
 * group is left out at 0 %, so undoing a migration can delete it; a lone group at 100 % is a plain forward.
 */
export function migrationForward(roles: readonly string[], weights: MigrationWeights): ForwardWeight[] {
  const ecs = roles.map((role) => ({ role, weight: role === weights.ecsTargetGroup ? 100 - weights.eksPercent : 0 }));
  return weights.eksPercent > 0 ? [...ecs, { role: "pods", weight: weights.eksPercent }] : ecs;
}

/** Health check of every target group: readiness, so a task without its database takes no traffic. */
export function targetGroupArgs(args: Pick<OriginLoadBalancerArgs, "vpcId" | "port" | "shutdownTimeoutMs" | "tags">): aws.lb.TargetGroupArgs {
  return {
    vpcId: args.vpcId,
    targetType: "ip",
    protocol: "HTTP",
    port: args.port,
    deregistrationDelay: deregistrationDelaySeconds(args.shutdownTimeoutMs),
    healthCheck: {
      enabled: true,
      path: READINESS_PATH,
      protocol: "HTTP",
      matcher: "200",
      interval: 15,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    },
    tags: args.tags,
  };
}

/**
 * The origin CloudFront reaches, whatever runs behind it: an internet-facing ALB with access logs, its target
 * groups, origin.<domain> with a DNS-validated certificate, HTTP redirected to HTTPS, and an HTTPS listener that
 * answers 403 unless the origin-verify header is present. A function, not a component: its resources keep the
 * caller's logical names (`${name}-alb`, `${name}-<role>`, `${name}-https`, ...) and parent.
 */
export function originLoadBalancer(name: string, args: OriginLoadBalancerArgs, parent: pulumi.Resource): OriginLoadBalancer {
  const opts = { parent };
  const tags = args.tags;
  const accessLogs = albAccessLogs(
    name,
    { isProduction: args.isProduction, disposable: args.disposable, logRetentionDays: args.logRetentionDays },
    tags,
    parent,
  );
  const loadBalancer = new aws.lb.LoadBalancer(
    `${name}-alb`,
    {
      loadBalancerType: "application",
      internal: false,
      subnets: args.publicSubnetIds,
      securityGroups: [args.albSecurityGroupId],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: keptOnDestroy(args),
      accessLogs: { bucket: accessLogs.bucket.id, prefix: ALB_LOG_PREFIX, enabled: true },
      tags,
    },
    { parent, dependsOn: accessLogs.ready },
  );
  const groupArgs = targetGroupArgs({ ...args, tags: args.targetGroupTags ? { ...tags, ...args.targetGroupTags } : tags });
  const targetGroups = args.targetGroupRoles.map((role) => new aws.lb.TargetGroup(`${name}-${role}`, groupArgs, opts));
  const second = targetGroups[1];
  // The pods' group carries the cluster's tags (targetGroupTags) like the others; it exists for the whole migration.
  const podsTargetGroup = args.migration ? new aws.lb.TargetGroup(`${name}-pods`, groupArgs, opts) : undefined;
  const weights = args.migration?.weights;
  const byRole = new Map<string, aws.lb.TargetGroup>(args.targetGroupRoles.map((role, i) => [role, targetGroups[i]!]));
  if (podsTargetGroup) byRole.set("pods", podsTargetGroup);
  // Without a migration's weights: the first group 100, the second (blue/green) 0, as a deployment starts from.
  const shares = (
    weights ? migrationForward(args.targetGroupRoles, weights) : args.targetGroupRoles.map((role, i) => ({ role, weight: i === 0 ? 100 : 0 }))
  ).map(({ role, weight }) => ({ arn: byRole.get(role)!.arn, weight }));

  const origin = originDomainName(args.domainName);
  const zone = aws.route53.getZoneOutput({ name: args.hostedZoneName, privateZone: false }, opts);
  const { validation } = dnsValidatedCertificate(
    { certificate: `${name}-origin-cert`, record: `${name}-origin-cert-record`, validation: `${name}-origin-cert-validation` },
    { domainName: origin, zoneId: zone.zoneId, tags },
    opts,
    opts,
  );
  const httpListener = new aws.lb.Listener(
    `${name}-http`,
    {
      loadBalancerArn: loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      tags,
    },
    opts,
  );
  const httpsListener = new aws.lb.Listener(
    `${name}-https`,
    {
      loadBalancerArn: loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: ALB_TLS_POLICY,
      certificateArn: validation.certificateArn,
      // Only the production rule forwards, and only requests from our CloudFront (the origin-verify header);
      // anything that reaches the ALB otherwise gets a 403.
      defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Forbidden", statusCode: "403" } }],
      tags,
    },
    opts,
  );

  // One rule whatever the number of target groups, so switching rolling <-> blue/green renames nothing. With two
  // groups it is the rule the deployment moves the weights on, so the header condition holds at every step.
  const productionRule = new aws.lb.ListenerRule(
    `${name}-production-rule`,
    {
      listenerArn: httpsListener.arn,
      priority: 100,
      conditions: [
        { pathPattern: { values: ["/*"] } },
        { httpHeader: { httpHeaderName: args.originVerifyHeader.name, values: [args.originVerifyHeader.value] } },
      ],
      actions: shares.length === 1 ? [{ type: "forward", targetGroupArn: shares[0]!.arn }] : [{ type: "forward", forward: { targetGroups: shares } }],
      tags,
    },
    {
      parent,
      // The deployment owns the weights once it starts; Pulumi must not put them back. During a migration devctl
      // moves them through the stack config, so Pulumi owns them (and ECS releases wait, see devctl's release).
      ignoreChanges: second && !weights ? ["actions"] : [],
      dependsOn: args.originHeaderSenders ?? [],
    },
  );

  new aws.route53.Record(
    `${name}-origin-record`,
    {
      zoneId: zone.zoneId,
      name: origin,
      type: "A",
      aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }],
    },
    opts,
  );
  return { loadBalancer, targetGroups, httpListener, httpsListener, productionRule, ...(podsTargetGroup ? { podsTargetGroup } : {}), originDomainName: origin };
}

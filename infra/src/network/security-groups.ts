import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MANAGED_PREFIX_LISTS, SECURITY_GROUP_ROLES, securityGroupRules, type ManagedPrefixList, type SecurityGroupRole } from "./security-group-rules";

export interface SecurityGroupsArgs {
  /** VPC the groups belong to. No default. */
  readonly vpcId: pulumi.Input<string>;
  /** The VPC's IPv4 CIDR (plain: it is written into a rule). No default. */
  readonly vpcCidr: string;
  /** Port the service's container listens on. No default. */
  readonly servicePort: number;
  /** Tags for every taggable resource (a Name tag is added per resource). No default. */
  readonly tags: Readonly<Record<string, string>>;
}

const DESCRIPTIONS: Readonly<Record<SecurityGroupRole, string>> = {
  // Outdated (the ALB now takes HTTPS from CloudFront only) but kept: a group's description cannot change
  // without replacing the group, and the compute layer's ALB still uses this one (another stack), so the
  // old group could not be deleted. The rules, not this text, say what the group admits.
  alb: "Load balancer: HTTP and HTTPS from the internet",
  service: "Service tasks: requests from the load balancer only",
  database: "PostgreSQL: from the service only",
  cache: "Redis: from the service only",
  endpoints: "Interface VPC endpoints: HTTPS from the VPC",
};

/**
 * The security groups every layer uses, wired to each other by group reference (see securityGroupRules).
 * Rules are separate SecurityGroupIngressRule/EgressRule resources: inline rules and rule resources fight
 * over the same group, and one rule per resource lets a change touch just that rule. A group created
 * without inline egress loses AWS's default allow-all egress, so groups with no egress rule have none.
 */
export class SecurityGroups extends pulumi.ComponentResource {
  public readonly albSecurityGroupId: pulumi.Output<string>;
  public readonly serviceSecurityGroupId: pulumi.Output<string>;
  public readonly databaseSecurityGroupId: pulumi.Output<string>;
  public readonly cacheSecurityGroupId: pulumi.Output<string>;
  public readonly endpointSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:network:SecurityGroups", name, {}, opts);
    let rules: ReturnType<typeof securityGroupRules>;
    try {
      rules = securityGroupRules({ servicePort: args.servicePort, vpcCidr: args.vpcCidr });
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this);
    }

    // Looked up once per list with the component's provider (inherited through parent).
    const prefixLists = new Map<ManagedPrefixList, pulumi.Output<string>>();
    const prefixListId = (list: ManagedPrefixList) => {
      let id = prefixLists.get(list);
      if (!id) {
        id = aws.ec2.getManagedPrefixListOutput({ name: MANAGED_PREFIX_LISTS[list] }, { parent: this }).id;
        prefixLists.set(list, id);
      }
      return id;
    };

    const groups = {} as Record<SecurityGroupRole, aws.ec2.SecurityGroup>;
    for (const role of SECURITY_GROUP_ROLES) {
      const groupName = `${name}-${role}`;
      groups[role] = new aws.ec2.SecurityGroup(
        groupName,
        {
          vpcId: args.vpcId,
          description: DESCRIPTIONS[role],
          // The groups reference each other; revoking rules first lets any of them be deleted.
          revokeRulesOnDelete: true,
          tags: { ...args.tags, Name: groupName },
        },
        { parent: this },
      );
    }

    for (const rule of rules) {
      const ruleName = `${name}-${rule.key}`;
      const common = {
        securityGroupId: groups[rule.group].id,
        ipProtocol: "tcp",
        fromPort: rule.port,
        toPort: rule.port,
        description: rule.description,
        referencedSecurityGroupId: "group" in rule.peer ? groups[rule.peer.group].id : undefined,
        cidrIpv4: "cidrIpv4" in rule.peer ? rule.peer.cidrIpv4 : undefined,
        cidrIpv6: "cidrIpv6" in rule.peer ? rule.peer.cidrIpv6 : undefined,
        prefixListId: "prefixList" in rule.peer ? prefixListId(rule.peer.prefixList) : undefined,
        tags: { ...args.tags, Name: ruleName },
      };
      if (rule.direction === "ingress") new aws.vpc.SecurityGroupIngressRule(ruleName, common, { parent: this });
      else new aws.vpc.SecurityGroupEgressRule(ruleName, common, { parent: this });
    }

    this.albSecurityGroupId = groups.alb.id;
    this.serviceSecurityGroupId = groups.service.id;
    this.databaseSecurityGroupId = groups.database.id;
    this.cacheSecurityGroupId = groups.cache.id;
    this.endpointSecurityGroupId = groups.endpoints.id;
    this.registerOutputs({
      albSecurityGroupId: this.albSecurityGroupId,
      serviceSecurityGroupId: this.serviceSecurityGroupId,
      databaseSecurityGroupId: this.databaseSecurityGroupId,
      cacheSecurityGroupId: this.cacheSecurityGroupId,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
    });
  }
}

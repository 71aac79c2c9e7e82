/*
 * Why plain @pulumi/aws and not awsx.ec2.Vpc: awsx's Vpc is a remote (multi-language) component. Under
 * Pulumi's mocks nothing inside it is created, so tests could only see its arguments, not the NAT gateways,
 * routes and NACLs it would make; its subnet CIDRs and names also follow awsx's own layout, which we cannot
 * pin per AZ index. This VPC needs stateless NACLs per tier, isolated subnets, per-AZ private route tables
 * and CIDRs that stay put when the AZ count changes: a few dozen plain resources we control and test.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS } from "../environment/rules";
import { serviceRole } from "../iam/service-role";
import { networkAclRules } from "./network-acl-rules";
import { flowLogsAssumeRolePolicy, flowLogsRolePolicy } from "./policies";
import { natGatewayCount, natIndexForAz, networkNames, subnetLayout, SUBNET_TIERS, type SubnetTier } from "./subnet-plan";

export interface NetworkArgs {
  /** IPv4 CIDR of the VPC, /16 to /20 in an RFC 1918 range. No default. */
  readonly vpcCidr: string;
  /** AZs to spread the subnets over (1-6). Plain number: it decides how many resources exist. No default. */
  readonly azCount: number;
  /** "single": one NAT gateway for all AZs (cheap); "perAz": one per AZ (survives an AZ loss). Default "single". */
  readonly natGateways?: "single" | "perAz";
  /** Region of the VPC, for the flow-logs role's trust condition. No default. */
  readonly region: string;
  /** AZ names to use, in order; default: the region's available, non-opt-in AZs in name order. */
  readonly availabilityZones?: readonly string[];
  /** Retention of the flow-log group in days (a value CloudWatch accepts). No default. */
  readonly logRetentionDays: number;
  /** KMS key ARN the flow-log group is encrypted with; its policy must allow CloudWatch Logs. No default. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Name of the flow-log group. Default `/platform/<name>/vpc-flow-logs`. */
  readonly flowLogGroupName?: string;
  /** Tags for every taggable resource (a Name tag is added per resource). No default. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A VPC with public, private and isolated subnets in each AZ, an internet gateway, NAT gateway(s), one
 * NACL per tier, and VPC flow logs (all traffic) to an encrypted CloudWatch log group.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly vpcCidr: pulumi.Output<string>;
  public readonly availabilityZones: pulumi.Output<string[]>;
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  public readonly isolatedSubnetIds: pulumi.Output<string[]>;
  /** One per AZ, in AZ order: where gateway endpoints add their routes. */
  public readonly privateRouteTableIds: pulumi.Output<string[]>;
  public readonly natGatewayIds: pulumi.Output<string[]>;
  public readonly flowLogGroupName: pulumi.Output<string>;
  public readonly flowLogGroupArn: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:network:Network", name, {}, opts);
    const natMode = args.natGateways ?? "single";
    let layout: ReturnType<typeof subnetLayout>;
    try {
      layout = subnetLayout(args.vpcCidr, args.azCount);
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this);
    }
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(args.logRetentionDays)) {
      throw new pulumi.ResourceError(
        `logRetentionDays ${args.logRetentionDays} is not a retention CloudWatch accepts; use one of ${LOG_RETENTION_DAYS.join(", ")}.`,
        this,
      );
    }
    if (args.availabilityZones && args.availabilityZones.length < args.azCount) {
      throw new pulumi.ResourceError(`availabilityZones lists ${args.availabilityZones.length} AZs but azCount is ${args.azCount}.`, this);
    }
    const tagged = (resourceName: string, extra: Record<string, string> = {}) => ({ ...args.tags, ...extra, Name: resourceName });
    const child = { parent: this };

    const zones: pulumi.Output<string[]> = args.availabilityZones
      ? pulumi.output(args.availabilityZones.slice(0, args.azCount))
      : aws
          // Opt-in zones (Local Zones, Wavelength) lack NAT gateways and most instance types.
          .getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, child)
          .names.apply((names) => {
            if (names.length < args.azCount) {
              throw new pulumi.ResourceError(
                `Region ${args.region} has ${names.length} available AZs (${names.join(", ")}) but azCount is ${args.azCount}; lower platform:azCount.`,
                this,
              );
            }
            return [...names].sort().slice(0, args.azCount);
          });
    const zone = (i: number) => zones.apply((z) => z[i]!);

    const vpc = new aws.ec2.Vpc(name, { cidrBlock: args.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tagged(name) }, child);
    // Take every rule off the VPC's default security group, so nothing placed in it by mistake is reachable.
    new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId: vpc.id, tags: tagged(`${name}-default`) }, child);

    const igw = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: tagged(name) }, child);

    const subnets: Record<SubnetTier, aws.ec2.Subnet[]> = { public: [], private: [], isolated: [] };
    for (const cidrs of layout) {
      for (const tier of SUBNET_TIERS) {
        const subnetName = networkNames.subnet(name, tier, cidrs.azIndex);
        subnets[tier].push(
          new aws.ec2.Subnet(
            subnetName,
            {
              vpcId: vpc.id,
              cidrBlock: cidrs[tier],
              availabilityZone: zone(cidrs.azIndex),
              // Nothing here needs a public IP of its own: the ALB and NAT gateways get theirs from AWS.
              mapPublicIpOnLaunch: false,
              tags: tagged(subnetName, { Tier: tier }),
            },
            child,
          ),
        );
      }
    }

    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tagged(`${name}-public`) }, child);
    new aws.ec2.Route(`${name}-public-internet`, { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, child);
    // Isolated subnets keep only the VPC's local route: the data stores never reach or are reached from the internet.
    const isolatedRoutes = new aws.ec2.RouteTable(`${name}-isolated`, { vpcId: vpc.id, tags: tagged(`${name}-isolated`) }, child);

    const nats: aws.ec2.NatGateway[] = [];
    for (let n = 0; n < natGatewayCount(natMode, args.azCount); n++) {
      const natName = networkNames.natGateway(name, n);
      const eip = new aws.ec2.Eip(networkNames.natEip(name, n), { domain: "vpc", tags: tagged(natName) }, child);
      nats.push(
        new aws.ec2.NatGateway(
          natName,
          { allocationId: eip.allocationId, subnetId: subnets.public[n]!.id, connectivityType: "public", tags: tagged(natName) },
          // A NAT gateway created before the internet gateway is attached comes up unable to route.
          { parent: this, dependsOn: [igw] },
        ),
      );
    }

    // One private route table per AZ in both NAT modes, so switching single <-> perAz only changes routes.
    const privateRoutes = layout.map(({ azIndex }) => {
      const tableName = networkNames.privateRouteTable(name, azIndex);
      const table = new aws.ec2.RouteTable(tableName, { vpcId: vpc.id, tags: tagged(tableName) }, child);
      new aws.ec2.Route(
        `${tableName}-internet`,
        { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[natIndexForAz(natMode, azIndex)]!.id },
        child,
      );
      return table;
    });

    const routeTableOf = (tier: SubnetTier, i: number) => (tier === "public" ? publicRoutes : tier === "isolated" ? isolatedRoutes : privateRoutes[i]!);
    for (const tier of SUBNET_TIERS) {
      subnets[tier].forEach((subnet, i) => {
        new aws.ec2.RouteTableAssociation(
          networkNames.routeTableAssociation(name, tier, i),
          { subnetId: subnet.id, routeTableId: routeTableOf(tier, i).id },
          child,
        );
      });
    }

    for (const tier of SUBNET_TIERS) {
      const aclName = `${name}-${tier}`;
      const acl = new aws.ec2.NetworkAcl(aclName, { vpcId: vpc.id, tags: tagged(aclName, { Tier: tier }) }, child);
      for (const rule of networkAclRules(tier, args.vpcCidr, layout)) {
        new aws.ec2.NetworkAclRule(
          `${aclName}-${rule.key}`,
          {
            networkAclId: acl.id,
            egress: rule.egress,
            ruleNumber: rule.ruleNumber,
            protocol: rule.protocol,
            fromPort: rule.fromPort,
            toPort: rule.toPort,
            cidrBlock: rule.cidrBlock,
            ruleAction: "allow",
          },
          child,
        );
      }
      subnets[tier].forEach((subnet, i) => {
        new aws.ec2.NetworkAclAssociation(networkNames.naclAssociation(name, tier, i), { networkAclId: acl.id, subnetId: subnet.id }, child);
      });
    }

    const account = pulumi
      .all([aws.getCallerIdentityOutput({}, child).accountId, aws.getPartitionOutput({}, child).partition])
      .apply(([accountId, partition]) => ({ accountId, partition, region: args.region }));
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      {
        name: args.flowLogGroupName ?? `/platform/${name}/vpc-flow-logs`,
        retentionInDays: args.logRetentionDays,
        kmsKeyId: args.kmsKeyArn,
        tags: tagged(`${name}-flow-logs`),
      },
      child,
    );
    const role = serviceRole(
      `${name}-flow-logs`,
      {
        description: `Lets VPC flow logs of ${name} write to their log group`,
        account,
        trust: flowLogsAssumeRolePolicy,
        tags: tagged(`${name}-flow-logs`),
      },
      child,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      { role: role.id, policy: logGroup.arn.apply((arn) => JSON.stringify(flowLogsRolePolicy(arn))) },
      child,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        tags: tagged(`${name}-flow-logs`),
      },
      // Without its permissions the flow log is created but stays in an access-error state.
      { parent: this, dependsOn: [rolePolicy] },
    );

    const ids = (list: aws.ec2.Subnet[] | aws.ec2.RouteTable[] | aws.ec2.NatGateway[]) => pulumi.all(list.map((r) => r.id));
    this.vpcId = vpc.id;
    this.vpcCidr = vpc.cidrBlock;
    this.availabilityZones = zones;
    this.publicSubnetIds = ids(subnets.public);
    this.privateSubnetIds = ids(subnets.private);
    this.isolatedSubnetIds = ids(subnets.isolated);
    this.privateRouteTableIds = ids(privateRoutes);
    this.natGatewayIds = ids(nats);
    this.flowLogGroupName = logGroup.name;
    this.flowLogGroupArn = logGroup.arn;
    this.registerOutputs({
      vpcId: this.vpcId,
      vpcCidr: this.vpcCidr,
      availabilityZones: this.availabilityZones,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      isolatedSubnetIds: this.isolatedSubnetIds,
      privateRouteTableIds: this.privateRouteTableIds,
      natGatewayIds: this.natGatewayIds,
      flowLogGroupName: this.flowLogGroupName,
      flowLogGroupArn: this.flowLogGroupArn,
    });
  }
}

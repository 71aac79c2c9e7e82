import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_INTERFACE_ENDPOINTS, endpointKey } from "./endpoint-services";

export interface VpcEndpointsArgs {
  readonly vpcId: pulumi.Input<string>;
  /** Region of the VPC: endpoint service names are com.amazonaws.<region>.<service>. No default. */
  readonly region: string;
  /** Subnets that get an endpoint network interface each (the private subnets). No default. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Route tables the gateway endpoints add their prefix-list routes to (the private ones). No default. */
  readonly routeTableIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security group of the interface endpoints (HTTPS from the VPC). No default. */
  readonly securityGroupId: pulumi.Input<string>;
  /** Interface endpoints by service short name. Default DEFAULT_INTERFACE_ENDPOINTS. */
  readonly interfaceServices?: readonly string[];
  /** Also add the (free) DynamoDB gateway endpoint. Default false: nothing on the platform uses DynamoDB. */
  readonly dynamodb?: boolean;
  /** Tags for every taggable resource (a Name tag is added per resource). No default. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Gateway endpoints (S3, optionally DynamoDB: free, route-table based; ECR image layers come from S3) and
 * interface endpoints with private DNS, so the region's service host names resolve to addresses in the VPC
 * and this traffic never crosses the NAT gateway (cheaper per GB, and private).
 */
export class VpcEndpoints extends pulumi.ComponentResource {
  /** Endpoint ids by service short name (s3, ecr.api, ...). */
  public readonly endpointIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: VpcEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:network:VpcEndpoints", name, {}, opts);
    const services = args.interfaceServices ?? DEFAULT_INTERFACE_ENDPOINTS;
    const endpoints: Record<string, aws.ec2.VpcEndpoint> = {};
    try {
      for (const service of [...new Set([...services, "s3", "dynamodb"])]) endpointKey(service);
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this);
    }

    const gateways = args.dynamodb ? ["s3", "dynamodb"] : ["s3"];
    for (const service of gateways) {
      const endpointName = `${name}-${endpointKey(service)}`;
      endpoints[service] = new aws.ec2.VpcEndpoint(
        endpointName,
        {
          vpcId: args.vpcId,
          serviceName: `com.amazonaws.${args.region}.${service}`,
          vpcEndpointType: "Gateway",
          routeTableIds: args.routeTableIds,
          tags: { ...args.tags, Name: endpointName },
        },
        { parent: this },
      );
    }
    for (const service of services) {
      const endpointName = `${name}-${endpointKey(service)}`;
      endpoints[service] = new aws.ec2.VpcEndpoint(
        endpointName,
        {
          vpcId: args.vpcId,
          serviceName: `com.amazonaws.${args.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: args.subnetIds,
          securityGroupIds: [args.securityGroupId],
          tags: { ...args.tags, Name: endpointName },
        },
        { parent: this },
      );
    }

    this.endpointIds = pulumi.all(Object.fromEntries(Object.entries(endpoints).map(([service, e]) => [service, e.id])));
    this.registerOutputs({ endpointIds: this.endpointIds });
  }
}

import { awsProvider, KeyAndAlertTopic, Network, SecurityGroups, VpcEndpoints } from "@platform/infra";
import { type Environment } from "@platform/infra/environment";
import { layerTags, type LayerProgramOutputs } from "@platform/infra/layers";

/**
 * Layer 1: the environment's KMS key and alert topic, the VPC (subnets per tier, NAT, NACLs, flow logs),
 * the security groups every layer uses and the VPC endpoints. Component names are the environment name,
 * so resources read e.g. "prod-private-0" in the console; nothing embeds a value of the environment file.
 */
export function networkProgram(environment: Environment): LayerProgramOutputs<"network"> {
  const provider = awsProvider(environment);
  const tags = layerTags(environment, "network");
  const name = environment.name;

  const keyAndAlerts = new KeyAndAlertTopic(name, { region: environment.awsRegion, alertEmails: environment.alertEmails, tags }, { provider });
  const network = new Network(
    name,
    {
      vpcCidr: environment.network.vpcCidr,
      azCount: environment.network.azCount,
      natGateways: environment.network.natGateways,
      region: environment.awsRegion,
      logRetentionDays: environment.logRetentionDays,
      kmsKeyArn: keyAndAlerts.kmsKeyArn,
      tags,
    },
    { provider },
  );
  const groups = new SecurityGroups(
    name,
    { vpcId: network.vpcId, vpcCidr: environment.network.vpcCidr, servicePort: environment.service.port, tags },
    { provider },
  );
  new VpcEndpoints(
    name,
    {
      vpcId: network.vpcId,
      region: environment.awsRegion,
      subnetIds: network.privateSubnetIds,
      routeTableIds: network.privateRouteTableIds,
      securityGroupId: groups.endpointSecurityGroupId,
      tags,
    },
    { provider },
  );

  return {
    vpcId: network.vpcId,
    vpcCidr: network.vpcCidr,
    availabilityZones: network.availabilityZones,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    isolatedSubnetIds: network.isolatedSubnetIds,
    albSecurityGroupId: groups.albSecurityGroupId,
    serviceSecurityGroupId: groups.serviceSecurityGroupId,
    databaseSecurityGroupId: groups.databaseSecurityGroupId,
    cacheSecurityGroupId: groups.cacheSecurityGroupId,
    endpointSecurityGroupId: groups.endpointSecurityGroupId,
    kmsKeyArn: keyAndAlerts.kmsKeyArn,
    alertTopicArn: keyAndAlerts.alertTopicArn,
    flowLogGroupName: network.flowLogGroupName,
  };
}

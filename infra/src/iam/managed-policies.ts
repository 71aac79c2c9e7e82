/**
 * The AWS managed policies the layers attach to their roles, and what each grants, as AWS publishes it. Every role
 * the layers create carries the workload permissions boundary (docs/ci-cd.md), and a role may do only what both
 * its policies and the boundary allow: an action a managed policy needs but the boundary leaves out fails at run
 * time (a node that never launches, a certificate never issued), not at deploy time. test/ci/iam-policies.test.ts
 * holds the boundary to this table and the programs' attachments to its entries. Where a program grants part of
 * a managed policy inline instead (the Lambda functions' network interfaces), it takes the actions from here.
 *
 * Source: each policy's page of the AWS Managed Policy reference, titled "<name> - AWS Managed Policy"
 * (docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html); the JSON policy document of the version
 * named, read in full from the iann0036/iam-dataset snapshot of 2026-08-22 where the search excerpt of the page
 * stopped short. AWS changes these policies: when a page shows a newer version, update its entry.
 *
 * `outsideBoundary` lists the actions the boundary leaves out on purpose, each with why no role of ours ever
 * needs it; the test fails on any other action the boundary denies, and on a listed one it allows.
 */

/** One statement of a managed policy: its actions, the resources they are granted on, and a passed role's service. */
export interface ManagedPolicyGrant {
  readonly actions: readonly string[];
  /** As published (`*` for account and region); default every resource. */
  readonly resources?: readonly string[];
  /** iam:PassedToService of a PassRole statement. */
  readonly passedToService?: string;
}

export interface ManagedPolicy {
  /** The ARN's path after `arn:<partition>:iam::aws:policy/`. */
  readonly path: string;
  /** Title of the AWS Managed Policy reference page the actions were read from. */
  readonly source: string;
  /** The policy version and the date AWS last edited it, as read. */
  readonly version: string;
  readonly grants: readonly ManagedPolicyGrant[];
  /** Actions the boundary denies on purpose, each with why our use never needs it. */
  readonly outsideBoundary?: Readonly<Record<string, string>>;
}

const NO_AUTO_SCALING_GROUPS = "Auto Mode launches its nodes with EC2 fleets; the cluster has no Auto Scaling group to read or resize";
const NO_ROUTE_TABLE_NETWORKING =
  "route-table pod networking (kubenet) only; Auto Mode gives pods VPC addresses, so nothing adds routes or turns off an instance's source/destination check";
const LOAD_BALANCER_SERVICE_LINKED_ROLE =
  "it creates Elastic Load Balancing's service-linked role, which exists before the cluster: the deploy role creates it (iam:CreateServiceLinkedRole) with the compute layer's ALB, and the boundary gives workloads no IAM";
const NO_AUTO_MODE_LOAD_BALANCER =
  "only for a load balancer Auto Mode creates from an Ingress or a Service; ours is the compute layer's ALB (its WAF and certificate are the edge's), which the pods join through a TargetGroupBinding";
const NO_SECURITY_GROUPS_PER_POD = "security groups per pod (branch interfaces on a trunk); the pods use the cluster's security group";

export const MANAGED_POLICIES = {
  AmazonEKSClusterPolicy: {
    path: "AmazonEKSClusterPolicy",
    source: "AmazonEKSClusterPolicy - AWS Managed Policy",
    version: "v10, 2026-02-12",
    outsideBoundary: {
      "autoscaling:DescribeAutoScalingGroups": NO_AUTO_SCALING_GROUPS,
      "autoscaling:UpdateAutoScalingGroup": NO_AUTO_SCALING_GROUPS,
      "ec2:CreateRoute": NO_ROUTE_TABLE_NETWORKING,
      "ec2:DeleteRoute": NO_ROUTE_TABLE_NETWORKING,
      "ec2:ModifyInstanceAttribute": NO_ROUTE_TABLE_NETWORKING,
      "iam:CreateServiceLinkedRole": LOAD_BALANCER_SERVICE_LINKED_ROLE,
    },
    grants: [
      {
        actions: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:UpdateAutoScalingGroup",
          "ec2:AttachVolume",
          "ec2:AuthorizeSecurityGroupIngress",
          "ec2:CreateRoute",
          "ec2:CreateSecurityGroup",
          "ec2:CreateTags",
          "ec2:CreateVolume",
          "ec2:DeleteRoute",
          "ec2:DeleteSecurityGroup",
          "ec2:DeleteVolume",
          "ec2:DescribeInstances",
          "ec2:DescribeRouteTables",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSubnets",
          "ec2:DescribeVolumes",
          "ec2:DescribeVolumesModifications",
          "ec2:DescribeVpcs",
          "ec2:DescribeDhcpOptions",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeAvailabilityZones",
          "ec2:DetachVolume",
          "ec2:ModifyInstanceAttribute",
          "ec2:ModifyVolume",
          "ec2:RevokeSecurityGroupIngress",
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeInstanceTopology",
          "elasticloadbalancing:AddTags",
          "elasticloadbalancing:ApplySecurityGroupsToLoadBalancer",
          "elasticloadbalancing:AttachLoadBalancerToSubnets",
          "elasticloadbalancing:ConfigureHealthCheck",
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:CreateLoadBalancer",
          "elasticloadbalancing:CreateLoadBalancerListeners",
          "elasticloadbalancing:CreateLoadBalancerPolicy",
          "elasticloadbalancing:CreateTargetGroup",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:DeleteLoadBalancerListeners",
          "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:DeregisterInstancesFromLoadBalancer",
          "elasticloadbalancing:DeregisterTargets",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeLoadBalancerPolicies",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DetachLoadBalancerFromSubnets",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:RegisterInstancesWithLoadBalancer",
          "elasticloadbalancing:RegisterTargets",
          "elasticloadbalancing:SetLoadBalancerPoliciesForBackendServer",
          "elasticloadbalancing:SetLoadBalancerPoliciesOfListener",
          "kms:DescribeKey",
        ],
      },
      { actions: ["iam:CreateServiceLinkedRole"] },
      { actions: ["ec2:DeleteNetworkInterface"] },
    ],
  },
  AmazonEKSComputePolicy: {
    path: "AmazonEKSComputePolicy",
    source: "AmazonEKSComputePolicy - AWS Managed Policy",
    version: "v7, 2026-05-18",
    outsideBoundary: {
      "iam:CreateServiceLinkedRole":
        "it creates EC2 Spot's service-linked role; the node pools (eksNodePools: Auto Mode's built-in general-purpose and system) launch On-Demand instances only",
    },
    grants: [
      {
        actions: ["ec2:CreateFleet", "ec2:RunInstances"],
        resources: [
          "arn:aws:ec2:*:*:placement-group/*",
          "arn:aws:ec2:*:*:capacity-reservation/*",
          "arn:aws:ec2:*::image/*",
          "arn:aws:ec2:*:*:security-group/*",
          "arn:aws:ec2:*:*:subnet/*",
        ],
      },
      { actions: ["ec2:CreateFleet", "ec2:RunInstances"], resources: ["arn:aws:ec2:*:*:launch-template/*"] },
      { actions: ["ec2:CreateFleet", "ec2:RunInstances", "ec2:CreateLaunchTemplate"] },
      { actions: ["ec2:CreateTags"] },
      { actions: ["iam:AddRoleToInstanceProfile"], resources: ["arn:aws:iam::*:instance-profile/eks*"] },
      { actions: ["iam:PassRole"], passedToService: "ec2.amazonaws.com" },
      { actions: ["iam:CreateServiceLinkedRole"], resources: ["arn:aws:iam::*:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot"] },
      { actions: ["ec2:DescribeCapacityReservations"] },
    ],
  },
  AmazonEKSBlockStoragePolicy: {
    path: "AmazonEKSBlockStoragePolicy",
    source: "AmazonEKSBlockStoragePolicy - AWS Managed Policy",
    version: "v1, 2024-10-30",
    outsideBoundary: {
      "ec2:EnableFastSnapshotRestores":
        "only for a StorageClass that asks for fast snapshot restore; the service keeps no volume and the platform defines no such StorageClass",
    },
    grants: [
      { actions: ["ec2:AttachVolume", "ec2:DetachVolume", "ec2:ModifyVolume", "ec2:EnableFastSnapshotRestores"] },
      { actions: ["ec2:CreateTags"] },
      { actions: ["ec2:CreateVolume"], resources: ["arn:aws:ec2:*:*:volume/*"] },
      { actions: ["ec2:CreateVolume"], resources: ["arn:aws:ec2:*:*:snapshot/*"] },
      { actions: ["ec2:CreateSnapshot"], resources: ["arn:aws:ec2:*:*:volume/*"] },
      { actions: ["ec2:CreateSnapshot"], resources: ["arn:aws:ec2:*:*:snapshot/*"] },
    ],
  },
  AmazonEKSLoadBalancingPolicy: {
    path: "AmazonEKSLoadBalancingPolicy",
    source: "AmazonEKSLoadBalancingPolicy - AWS Managed Policy",
    version: "v10, 2026-08-20",
    outsideBoundary: {
      "wafv2:AssociateWebACL": NO_AUTO_MODE_LOAD_BALANCER,
      "wafv2:DisassociateWebACL": NO_AUTO_MODE_LOAD_BALANCER,
      "wafv2:GetWebACL": NO_AUTO_MODE_LOAD_BALANCER,
      "wafv2:GetWebACLForResource": NO_AUTO_MODE_LOAD_BALANCER,
      "wafv2:ListWebACLs": NO_AUTO_MODE_LOAD_BALANCER,
      "shield:CreateProtection": NO_AUTO_MODE_LOAD_BALANCER,
      "shield:DeleteProtection": NO_AUTO_MODE_LOAD_BALANCER,
      "shield:TagResource": NO_AUTO_MODE_LOAD_BALANCER,
      "cognito-idp:DescribeUserPoolClient": NO_AUTO_MODE_LOAD_BALANCER,
      "acm:ListCertificates": NO_AUTO_MODE_LOAD_BALANCER,
      "acm:DescribeCertificate": NO_AUTO_MODE_LOAD_BALANCER,
      "ec2:GetCoipPoolUsage": "customer-owned IP pools exist only on AWS Outposts",
      "iam:CreateServiceLinkedRole": LOAD_BALANCER_SERVICE_LINKED_ROLE,
    },
    grants: [
      {
        actions: [
          "elasticloadbalancing:CreateLoadBalancer",
          "elasticloadbalancing:CreateTargetGroup",
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:CreateRule",
          "ec2:CreateSecurityGroup",
        ],
      },
      { actions: ["ec2:CreateSecurityGroup"], resources: ["arn:aws:ec2:*:*:vpc/*"] },
      { actions: ["elasticloadbalancing:RegisterTargets"], resources: ["arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"] },
      { actions: ["ec2:AuthorizeSecurityGroupIngress"], resources: ["arn:aws:ec2:*:*:security-group-rule/*"] },
      { actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], resources: ["arn:aws:ec2:*:*:security-group/*"] },
      { actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], resources: ["arn:aws:ec2:*:*:security-group/*"] },
      { actions: ["elasticloadbalancing:AddTags"] },
      { actions: ["ec2:CreateTags"] },
      {
        actions: [
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:ModifyListenerAttributes",
          "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:ModifyRule",
          "elasticloadbalancing:ModifyIpPools",
          "elasticloadbalancing:ModifyCapacityReservation",
          "elasticloadbalancing:DescribeLoadBalancers",
        ],
      },
      {
        actions: ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
        resources: ["arn:aws:wafv2:*:*:*/webacl/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*"],
      },
      { actions: ["shield:CreateProtection", "shield:DeleteProtection"] },
      { actions: ["shield:TagResource"], resources: ["arn:aws:shield::*:protection/*"] },
      {
        actions: [
          "cognito-idp:DescribeUserPoolClient",
          "acm:ListCertificates",
          "acm:DescribeCertificate",
          "wafv2:GetWebACL",
          "wafv2:GetWebACLForResource",
          "wafv2:ListWebACLs",
          "elasticloadbalancing:SetWebAcl",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:SetRulePriorities",
        ],
      },
      {
        actions: [
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSubnets",
          "ec2:DescribeVpcs",
          "ec2:DescribeVpcClassicLink",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeClassicLinkInstances",
          "ec2:DescribeRouteTables",
          "ec2:DescribeCoipPools",
          "ec2:GetCoipPoolUsage",
          "ec2:GetSecurityGroupsForVpc",
          "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeIpamPools",
        ],
      },
      {
        actions: ["iam:CreateServiceLinkedRole"],
        resources: ["arn:aws:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"],
      },
    ],
  },
  AmazonEKSNetworkingPolicy: {
    path: "AmazonEKSNetworkingPolicy",
    source: "AmazonEKSNetworkingPolicy - AWS Managed Policy",
    version: "v3, 2026-08-21",
    outsideBoundary: {
      "ec2:AssignIpv6Addresses": "the VPC is IPv4 only (the network layer assigns no IPv6 CIDR)",
      "ec2:UnassignIpv6Addresses": "the VPC is IPv4 only (the network layer assigns no IPv6 CIDR)",
      "ec2:AssociateTrunkInterface": NO_SECURITY_GROUPS_PER_POD,
      "ec2:DisassociateTrunkInterface": NO_SECURITY_GROUPS_PER_POD,
    },
    grants: [
      { actions: ["ec2:CreateNetworkInterface"] },
      { actions: ["ec2:CreateNetworkInterface"], resources: ["arn:aws:ec2:*:*:security-group/*", "arn:aws:ec2:*:*:subnet/*"] },
      { actions: ["ec2:CreateTags"] },
      {
        actions: [
          "ec2:AttachNetworkInterface",
          "ec2:DetachNetworkInterface",
          "ec2:UnassignPrivateIpAddresses",
          "ec2:UnassignIpv6Addresses",
          "ec2:AssignPrivateIpAddresses",
          "ec2:AssignIpv6Addresses",
        ],
      },
      { actions: ["ec2:ModifyNetworkInterfaceAttribute"], resources: ["arn:aws:ec2:*:*:network-interface/*", "arn:aws:ec2:*:*:instance/*"] },
      { actions: ["ec2:AssociateTrunkInterface", "ec2:DisassociateTrunkInterface"] },
    ],
  },
  AmazonEKSWorkerNodeMinimalPolicy: {
    path: "AmazonEKSWorkerNodeMinimalPolicy",
    source: "AmazonEKSWorkerNodeMinimalPolicy - AWS Managed Policy",
    version: "v1, 2024-10-02",
    grants: [{ actions: ["eks-auth:AssumeRoleForPodIdentity"] }],
  },
  AmazonEC2ContainerRegistryPullOnly: {
    path: "AmazonEC2ContainerRegistryPullOnly",
    source: "AmazonEC2ContainerRegistryPullOnly - AWS Managed Policy",
    version: "v1, 2024-10-04",
    outsideBoundary: {
      "ecr:BatchImportUpstreamImage":
        "it fills an ECR pull-through cache; the account has no pull-through cache rule (the service's image is pushed to its own repository)",
    },
    grants: [{ actions: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage"] }],
  },
  AmazonECSInfrastructureRolePolicyForLoadBalancers: {
    path: "AmazonECSInfrastructureRolePolicyForLoadBalancers",
    source: "AmazonECSInfrastructureRolePolicyForLoadBalancers - AWS Managed Policy",
    version: "v6, 2026-02-12",
    grants: [
      {
        actions: [
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetHealth",
        ],
      },
      {
        actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        resources: ["arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"],
      },
      { actions: ["elasticloadbalancing:ModifyListener"], resources: ["arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*"] },
      { actions: ["elasticloadbalancing:ModifyListener"], resources: ["arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*"] },
      { actions: ["elasticloadbalancing:ModifyRule"], resources: ["arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*/*"] },
    ],
  },
  AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity: {
    path: "service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity",
    source: "AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity - AWS Managed Policy",
    version: "v4, 2026-02-12",
    grants: [
      { actions: ["secretsmanager:CreateSecret"], resources: ["arn:aws:secretsmanager:*:*:secret:ecs-sc!*"] },
      { actions: ["secretsmanager:TagResource"], resources: ["arn:aws:secretsmanager:*:*:secret:ecs-sc!*"] },
      {
        actions: [
          "secretsmanager:UpdateSecret",
          "secretsmanager:GetSecretValue",
          "secretsmanager:PutSecretValue",
          "secretsmanager:DeleteSecret",
          "secretsmanager:RotateSecret",
          "secretsmanager:UpdateSecretVersionStage",
        ],
        resources: ["arn:aws:secretsmanager:*:*:secret:ecs-sc!*"],
      },
      { actions: ["secretsmanager:DescribeSecret"], resources: ["arn:aws:secretsmanager:*:*:secret:ecs-sc!*"] },
      { actions: ["acm-pca:GetCertificate", "acm-pca:GetCertificateAuthorityCertificate", "acm-pca:DescribeCertificateAuthority"] },
      { actions: ["acm-pca:IssueCertificate"] },
    ],
  },
  CloudWatchAgentServerPolicy: {
    path: "CloudWatchAgentServerPolicy",
    source: "CloudWatchAgentServerPolicy - AWS Managed Policy",
    version: "v3, 2024-02-06",
    grants: [
      {
        actions: [
          "cloudwatch:PutMetricData",
          "ec2:DescribeVolumes",
          "ec2:DescribeTags",
          "logs:PutLogEvents",
          "logs:PutRetentionPolicy",
          "logs:DescribeLogStreams",
          "logs:DescribeLogGroups",
          "logs:CreateLogStream",
          "logs:CreateLogGroup",
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
          "xray:GetSamplingRules",
          "xray:GetSamplingTargets",
          "xray:GetSamplingStatisticSummaries",
        ],
      },
      { actions: ["ssm:GetParameter"], resources: ["arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"] },
    ],
  },
  AWSLambdaVPCAccessExecutionRole: {
    path: "service-role/AWSLambdaVPCAccessExecutionRole",
    source: "AWSLambdaVPCAccessExecutionRole - AWS Managed Policy",
    version: "v3, 2024-01-05",
    grants: [
      {
        actions: [
          "logs:CreateLogGroup",
          "logs:CreateLogStream",
          "logs:PutLogEvents",
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
      },
    ],
  },
  AmazonRDSEnhancedMonitoringRole: {
    path: "service-role/AmazonRDSEnhancedMonitoringRole",
    source: "AmazonRDSEnhancedMonitoringRole - AWS Managed Policy",
    version: "v1, 2015-11-11",
    grants: [
      { actions: ["logs:CreateLogGroup", "logs:PutRetentionPolicy"], resources: ["arn:aws:logs:*:*:log-group:RDS*"] },
      {
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"],
        resources: ["arn:aws:logs:*:*:log-group:RDS*:log-stream:*"],
      },
    ],
  },
} as const satisfies Readonly<Record<string, ManagedPolicy>>;

export type ManagedPolicyName = keyof typeof MANAGED_POLICIES;

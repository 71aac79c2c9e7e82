import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../environment/environment";
import { keptOnDestroy } from "../../environment/recovery";
import { serviceRole } from "../../iam/service-role";
import {
  ACCESS_POLICIES,
  accessPolicyArn,
  CLUSTER_ROLE_POLICIES,
  clusterName,
  clusterTrustPolicy,
  CONTROL_PLANE_LOG_TYPES,
  endpointAccess,
  metricsReadPolicy,
  NODE_ROLE_POLICIES,
  nodeTrustPolicy,
  podIdentityTrustPolicy,
  RELEASE_READER,
  ROLLOUTS_ACCOUNT,
  ROLLOUTS_NAMESPACE,
  SECRETS_OPERATOR_ACCOUNT,
  SECRETS_OPERATOR_NAMESPACE,
  SERVICE_ACCOUNT,
  SERVICE_NAMESPACE,
  secretsEncryptionPolicy,
  serviceSecretsReadPolicy,
  type AccessRole,
} from "./cluster-policies";
import { databaseUserGrant } from "../database-user-grant";

export interface EksClusterArgs {
  readonly environment: Environment;
  /** Subnets of the control plane's network interfaces and the nodes (private, from the network layer). */
  readonly privateSubnetIds: pulumi.Input<string[]>;
  /** Customer-managed key: envelope encryption of Kubernetes Secrets and the control-plane log group. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Secrets the service needs (database and Redis); the secrets reader may read exactly these. */
  readonly secretArns: pulumi.Input<string>[];
  /** The database login the service's pods sign in as with IAM authentication (their Pod Identity's one grant). */
  readonly databaseUser: { readonly resourceId: pulumi.Input<string>; readonly username: pulumi.Input<string> };
  /**
   * IAM roles (names in this account) given cluster access entries. Default: accessRoleNames(environment), the
   * roles docs/ci-cd.md has CI use for the environment's tier.
   */
  readonly accessRoleNames?: Readonly<Partial<Record<AccessRole, string>>>;
  /**
   * A restore drill's copy (platform-compute:disposable): the cluster is not deletion-protected, so the drill can
   * destroy it. Default false: a production cluster, or a real restore's, keeps its protection.
   */
  readonly disposable?: boolean | undefined;
  readonly tags?: Record<string, string>;
}

/**
 * Default role names of the access entries (EksClusterArgs.accessRoleNames): the roles docs/ci-cd.md creates for
 * the environment's tier. platform-deploy-<tier> (AWS_DEPLOY_ROLE_ARN) administers: the Helm releases reach the
 * cluster as that role, so without its entry the first deploy stops at Unauthorized. platform-drift-<tier> views,
 * and reads the Helm releases back (RELEASE_READER) for its scheduled refresh; platform-preview-staging views only,
 * which a pull request's preview of the compute layer needs. Production has no preview role (pull requests never
 * get prod's secrets), and an access entry for a role that does not exist fails to create.
 */
export function accessRoleNames(environment: Pick<Environment, "isProduction">): Readonly<Partial<Record<AccessRole, string>>> {
  const tier = environment.isProduction ? "prod" : "staging";
  return {
    deploy: `platform-deploy-${tier}`,
    readOnly: `platform-drift-${tier}`,
    ...(environment.isProduction ? {} : { preview: `platform-preview-${tier}` }),
  };
}

/**
 * An EKS Auto Mode cluster in plain @pulumi/aws resources (so every child shows in a plan): compute, block
 * storage and load balancing managed by EKS, private subnets, Secrets envelope-encrypted with the environment's
 * key, every control-plane log, API authentication with access entries (no aws-auth ConfigMap), and an EKS Pod
 * Identity association for the one workload that reads Secrets Manager (no IRSA, no OIDC provider).
 */
export class EksCluster extends pulumi.ComponentResource {
  readonly cluster: aws.eks.Cluster;
  readonly clusterRole: aws.iam.Role;
  readonly nodeRole: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly secretsReaderRole: aws.iam.Role;
  readonly metricsReaderRole: aws.iam.Role;
  /** The service's pods' Pod Identity: rds-db:connect as the application user. */
  readonly databaseUserRole: aws.iam.Role;
  readonly accessEntries: aws.eks.AccessEntry[];

  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly certificateAuthority: pulumi.Output<string>;
  /** Security group EKS creates for the control plane and Auto Mode nodes (the pods' security group). */
  readonly clusterSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:compute:EksCluster", name, {}, opts);
    const env = args.environment;
    const parent = { parent: this };
    const tags = args.tags;
    const eks = env.compute.eks;
    let access: ReturnType<typeof endpointAccess>;
    try {
      access = endpointAccess(env);
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this);
    }
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent);
    const account = { partition: partition.partition, accountId: identity.accountId };
    const managed = (policy: string) => pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/${policy}`;
    const roleNames = args.accessRoleNames ?? accessRoleNames(env);
    const nameOfCluster = clusterName(env.name);

    // ---- Roles ----
    this.clusterRole = serviceRole(
      `${name}-cluster-role`,
      { description: `EKS Auto Mode control plane of ${nameOfCluster}`, account, trust: clusterTrustPolicy, tags },
      parent,
    );
    const clusterPolicies = CLUSTER_ROLE_POLICIES.map(
      (policy) => new aws.iam.RolePolicyAttachment(`${name}-cluster-${policy}`, { role: this.clusterRole.name, policyArn: managed(policy) }, parent),
    );
    const encryptionGrant = new aws.iam.RolePolicy(
      `${name}-cluster-secrets-encryption`,
      { role: this.clusterRole.id, policy: pulumi.output(args.kmsKeyArn).apply((key) => JSON.stringify(secretsEncryptionPolicy(key))) },
      parent,
    );
    this.nodeRole = serviceRole(
      `${name}-node-role`,
      { description: `Nodes EKS Auto Mode launches for ${nameOfCluster}: image pull and node registration only`, account, trust: nodeTrustPolicy, tags },
      parent,
    );
    const nodePolicies = NODE_ROLE_POLICIES.map(
      (policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: this.nodeRole.name, policyArn: managed(policy) }, parent),
    );

    // Created before the cluster, so its retention and key apply instead of a default group EKS would create.
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      { name: `/aws/eks/${nameOfCluster}/cluster`, retentionInDays: env.logRetentionDays, kmsKeyId: args.kmsKeyArn, tags },
      parent,
    );

    // ---- Cluster ----
    this.cluster = new aws.eks.Cluster(
      name,
      {
        name: nameOfCluster,
        version: eks.kubernetesVersion,
        roleArn: this.clusterRole.arn,
        upgradePolicy: { supportType: eks.supportType },
        vpcConfig: { subnetIds: args.privateSubnetIds, ...access },
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
        encryptionConfig: { provider: { keyArn: args.kmsKeyArn }, resources: ["secrets"] },
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        // Auto Mode: EKS runs the nodes, the EBS CSI driver and the load balancer controller itself.
        bootstrapSelfManagedAddons: false,
        computeConfig: { enabled: true, nodePools: [...eks.nodePools], nodeRoleArn: this.nodeRole.arn },
        storageConfig: { blockStorage: { enabled: true } },
        kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
        deletionProtection: keptOnDestroy({ isProduction: env.isProduction, disposable: args.disposable }),
        tags,
      },
      { parent: this, dependsOn: [...clusterPolicies, ...nodePolicies, encryptionGrant, this.logGroup] },
    );

    // ---- Access entries: who may use the Kubernetes API, with EKS access policies only ----
    this.accessEntries = (Object.keys(ACCESS_POLICIES) as AccessRole[]).flatMap((role) => {
      const roleName = roleNames[role];
      if (roleName === undefined) return [];
      const principalArn = pulumi.interpolate`arn:${partition.partition}:iam::${identity.accountId}:role/${roleName}`;
      const entry = new aws.eks.AccessEntry(`${name}-access-${role}`, { clusterName: this.cluster.name, principalArn, type: "STANDARD", tags }, parent);
      new aws.eks.AccessPolicyAssociation(
        `${name}-access-${role}-policy`,
        {
          clusterName: this.cluster.name,
          principalArn: entry.principalArn,
          policyArn: partition.partition.apply((p) => accessPolicyArn(p, ACCESS_POLICIES[role])),
          accessScope: { type: "cluster" },
        },
        parent,
      );
      if (role === RELEASE_READER.role) {
        new aws.eks.AccessPolicyAssociation(
          `${name}-access-${role}-releases`,
          {
            clusterName: this.cluster.name,
            principalArn: entry.principalArn,
            policyArn: partition.partition.apply((p) => accessPolicyArn(p, RELEASE_READER.policy)),
            accessScope: { type: "namespace", namespaces: [...RELEASE_READER.namespaces] },
          },
          parent,
        );
      }
      return entry;
    });

    // ---- Pod Identity: External Secrets Operator reads the service's secrets, and nothing else ----
    this.secretsReaderRole = serviceRole(
      `${name}-secrets-reader`,
      {
        description: `Pod Identity of ${SECRETS_OPERATOR_NAMESPACE}/${SECRETS_OPERATOR_ACCOUNT} in ${nameOfCluster}: reads the service's secrets`,
        account,
        trust: ({ accountId }) =>
          podIdentityTrustPolicy({ accountId, clusterName: nameOfCluster, namespace: SECRETS_OPERATOR_NAMESPACE, serviceAccount: SECRETS_OPERATOR_ACCOUNT }),
        tags,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-secrets-reader-policy`,
      {
        role: this.secretsReaderRole.id,
        policy: pulumi
          .all([pulumi.all(args.secretArns), args.kmsKeyArn])
          .apply(([secretArns, kmsKeyArn]) => JSON.stringify(serviceSecretsReadPolicy({ secretArns, kmsKeyArn, region: env.awsRegion }))),
      },
      parent,
    );
    new aws.eks.PodIdentityAssociation(
      `${name}-secrets-reader`,
      {
        clusterName: this.cluster.name,
        namespace: SECRETS_OPERATOR_NAMESPACE,
        serviceAccount: SECRETS_OPERATOR_ACCOUNT,
        roleArn: this.secretsReaderRole.arn,
        tags,
      },
      parent,
    );

    // ---- Pod Identity: the service's pods sign in to PostgreSQL as the application user, and do nothing else ----
    this.databaseUserRole = serviceRole(
      `${name}-database-user`,
      {
        description: `Pod Identity of ${SERVICE_NAMESPACE}/${SERVICE_ACCOUNT} in ${nameOfCluster}: signs in to the database as the application user`,
        account,
        trust: ({ accountId }) =>
          podIdentityTrustPolicy({ accountId, clusterName: nameOfCluster, namespace: SERVICE_NAMESPACE, serviceAccount: SERVICE_ACCOUNT }),
        tags,
      },
      parent,
    );
    databaseUserGrant(
      `${name}-database-user-policy`,
      {
        role: this.databaseUserRole.id,
        partition: partition.partition,
        accountId: identity.accountId,
        region: env.awsRegion,
        resourceId: args.databaseUser.resourceId,
        username: args.databaseUser.username,
      },
      parent,
    );
    new aws.eks.PodIdentityAssociation(
      `${name}-database-user`,
      { clusterName: this.cluster.name, namespace: SERVICE_NAMESPACE, serviceAccount: SERVICE_ACCOUNT, roleArn: this.databaseUserRole.arn, tags },
      parent,
    );

    // ---- Pod Identity: Argo Rollouts reads the metrics its canary analysis judges ----
    this.metricsReaderRole = serviceRole(
      `${name}-metrics-reader`,
      {
        description: `Pod Identity of ${ROLLOUTS_NAMESPACE}/${ROLLOUTS_ACCOUNT} in ${nameOfCluster}: reads CloudWatch metrics`,
        account,
        trust: ({ accountId }) =>
          podIdentityTrustPolicy({ accountId, clusterName: nameOfCluster, namespace: ROLLOUTS_NAMESPACE, serviceAccount: ROLLOUTS_ACCOUNT }),
        tags,
      },
      parent,
    );
    new aws.iam.RolePolicy(`${name}-metrics-reader-policy`, { role: this.metricsReaderRole.id, policy: JSON.stringify(metricsReadPolicy()) }, parent);
    new aws.eks.PodIdentityAssociation(
      `${name}-metrics-reader`,
      { clusterName: this.cluster.name, namespace: ROLLOUTS_NAMESPACE, serviceAccount: ROLLOUTS_ACCOUNT, roleArn: this.metricsReaderRole.arn, tags },
      parent,
    );

    this.clusterName = this.cluster.name;
    this.endpoint = this.cluster.endpoint;
    this.certificateAuthority = this.cluster.certificateAuthority.apply((ca) => ca?.data ?? "");
    this.clusterSecurityGroupId = this.cluster.vpcConfig.apply((v) => v?.clusterSecurityGroupId ?? "");
    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      certificateAuthority: this.certificateAuthority,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
    });
  }
}

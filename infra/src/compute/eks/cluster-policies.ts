/**
 * The EKS platform's IAM documents and cluster settings, as plain data: the components resolve ARNs and pass
 * them in, tests read exactly what IAM and EKS will get.
 */
import type { Environment } from "../../environment/environment";
import { serviceTrustPolicy, type TrustPolicyDocument } from "../../iam/service-role";
import type { PolicyDocument } from "../iam-policies";

/** Every control-plane log type EKS can ship to CloudWatch; all on, so an audit question always has an answer. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** AWS managed policies the cluster role needs for Auto Mode (compute, block storage, load balancing, networking). */
export const CLUSTER_ROLE_POLICIES = [
  "AmazonEKSClusterPolicy",
  "AmazonEKSComputePolicy",
  "AmazonEKSBlockStoragePolicy",
  "AmazonEKSLoadBalancingPolicy",
  "AmazonEKSNetworkingPolicy",
] as const;

/** AWS managed policies of the Auto Mode node role: the minimal worker policy and image pull only. */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"] as const;

/** Access policies EKS offers, at cluster scope; the platform grants exactly these, never a custom wildcard. */
export const ACCESS_POLICIES = {
  /** The deploy role installs CRDs and operators, so it administers the cluster. */
  deploy: "AmazonEKSClusterAdminPolicy",
  /** The read-only role (drift checks, people on call) reads everything but Secrets (but see RELEASE_READER). */
  readOnly: "AmazonEKSViewPolicy",
  /**
   * The pull-request preview role runs unreviewed code: it views, never Secrets. A preview needs no more: the
   * Kubernetes provider renders a Helm release on the client to diff it, and falls back to a client-side diff when
   * a server-side dry run is forbidden. Only a refresh reads a release back from the cluster.
   */
  preview: "AmazonEKSViewPolicy",
} as const;
export type AccessRole = keyof typeof ACCESS_POLICIES;

/** Namespace and service account of the service in the cluster. */
export const SERVICE_NAMESPACE = "release-ledger";
export const SERVICE_ACCOUNT = "release-ledger";

/** Pod Security Admission labels of the service's namespace: enforce, audit and warn at the restricted level. */
export const POD_SECURITY_LABELS = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
} as const;

/** Namespace and service account of External Secrets Operator, the one workload that reads Secrets Manager. */
export const SECRETS_OPERATOR_NAMESPACE = "external-secrets";
export const SECRETS_OPERATOR_ACCOUNT = "external-secrets";

/** Namespace and service account of the Argo Rollouts controller, which reads the canary's CloudWatch metrics. */
export const ROLLOUTS_NAMESPACE = "argo-rollouts";
export const ROLLOUTS_ACCOUNT = "argo-rollouts";

/** Istio's control plane and node agents live here (privileged DaemonSets: not the service's namespace). */
export const ISTIO_NAMESPACE = "istio-system";

/** Every namespace the platform installs a Helm release into (the service's chart, the operators, Istio's charts). */
export const HELM_RELEASE_NAMESPACES = [SERVICE_NAMESPACE, SECRETS_OPERATOR_NAMESPACE, ROLLOUTS_NAMESPACE, ISTIO_NAMESPACE] as const;

/**
 * What the drift role's refresh needs beyond viewing: Helm keeps each release in a Secret of its namespace, and
 * refreshing a release reads it back (`helm get`: list and get Secrets), which the view policy refuses, so every
 * scheduled drift check of an eks environment would stop at "secrets is forbidden". Admin view in those
 * namespaces only: it reads their Secrets too (the database credentials External Secrets syncs, Istio's CA key),
 * no more than the role already reads in Secrets Manager for the same refresh, and never writes.
 */
export const RELEASE_READER = { role: "readOnly", policy: "AmazonEKSAdminViewPolicy", namespaces: HELM_RELEASE_NAMESPACES } as const;

/**
 * What the canary analysis may do: read CloudWatch metrics. GetMetricData has no resource-level permissions, so
 * "*" is the only resource IAM accepts for it; it reads numbers, never secrets or data.
 */
export function metricsReadPolicy(): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["cloudwatch:GetMetricData"], Resource: "*" }] };
}

/**
 * The cluster role: EKS (Auto Mode tags the sessions it starts). As AWS documents it, without source conditions:
 * EKS does not promise to send them, and a condition it does not send would refuse to create the cluster.
 */
export function clusterTrustPolicy(): TrustPolicyDocument {
  return serviceTrustPolicy({ service: "eks.amazonaws.com", actions: ["sts:AssumeRole", "sts:TagSession"] });
}

/** The nodes Auto Mode launches (EC2 instances). */
export function nodeTrustPolicy(): TrustPolicyDocument {
  return serviceTrustPolicy({ service: "ec2.amazonaws.com", actions: ["sts:AssumeRole"] });
}

/** Who may become a Pod Identity role: one service account, in one namespace, of one cluster, in this account. */
export interface PodIdentitySubject {
  readonly accountId: string;
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * EKS Pod Identity: the agent assumes the role for a pod and tags the session with its cluster, namespace and
 * service account; the conditions on those tags keep any other association in the account from using the role.
 */
export function podIdentityTrustPolicy(subject: PodIdentitySubject): TrustPolicyDocument {
  return serviceTrustPolicy({
    service: "pods.eks.amazonaws.com",
    actions: ["sts:AssumeRole", "sts:TagSession"],
    sourceAccount: subject.accountId,
    stringEquals: {
      "aws:RequestTag/eks-cluster-name": subject.clusterName,
      "aws:RequestTag/kubernetes-namespace": subject.namespace,
      "aws:RequestTag/kubernetes-service-account": subject.serviceAccount,
    },
  });
}

/** Lets EKS envelope-encrypt Kubernetes Secrets with the environment's key (and only that key). */
export function secretsEncryptionPolicy(kmsKeyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"],
        Resource: kmsKeyArn,
      },
    ],
  };
}

/**
 * What the secrets reader may do: read exactly the service's secrets (the database's and Redis's), and decrypt
 * with the environment's key only through Secrets Manager. No wildcard resource.
 */
export function serviceSecretsReadPolicy(input: {
  readonly secretArns: readonly string[];
  readonly kmsKeyArn: string;
  readonly region: string;
}): PolicyDocument {
  if (input.secretArns.length === 0 || input.secretArns.some((arn) => arn === "" || arn.includes("*"))) {
    throw new Error(`The secrets reader must name each secret by its full ARN; got ${JSON.stringify(input.secretArns)}.`);
  }
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: [...input.secretArns] },
      {
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: input.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${input.region}.amazonaws.com` } },
      },
    ],
  };
}

/** ARN of an EKS access policy. */
export function accessPolicyArn(partition: string, policy: string): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
}

/** The API endpoint's reach: always private in the VPC; public only to the listed CIDRs when the environment asks. */
export function endpointAccess(env: Environment): { endpointPrivateAccess: true; endpointPublicAccess: boolean; publicAccessCidrs?: string[] } {
  const { endpointPublicAccess, publicAccessCidrs } = env.compute.eks;
  if (endpointPublicAccess && publicAccessCidrs.length === 0) {
    // loadEnvironment refuses this already; a hand-built Environment must not open the API to the internet either.
    throw new Error("eksEndpointPublicAccess is true but eksPublicAccessCidrs is empty; list the CIDRs that may reach the API.");
  }
  return endpointPublicAccess
    ? { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: [...publicAccessCidrs] }
    : { endpointPrivateAccess: true, endpointPublicAccess: false };
}

/** Tag that names the cluster allowed to register targets in a target group. */
export const CLUSTER_NAME_TAG = "eks:eks-cluster-name";

/**
 * Tags of a target group Auto Mode's load balancer controller registers pods into (a TargetGroupBinding): the
 * cluster role's AmazonEKSLoadBalancingPolicy allows RegisterTargets and DeregisterTargets only where the group's
 * eks:eks-cluster-name equals the cluster's own, so an untagged group never receives a pod.
 */
export function eksTargetGroupTags(nameOfCluster: string): Record<string, string> {
  return { [CLUSTER_NAME_TAG]: nameOfCluster };
}

/** Name of the EKS cluster: per environment, so environments can share an account. */
export function clusterName(environmentName: string): string {
  return `${environmentName}-release-ledger`;
}

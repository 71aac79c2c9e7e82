/**
 * Reads the service's workload from an EKS cluster as the caller's AWS identity: DescribeCluster for the endpoint
 * and certificate authority, an EKS token from the caller's credentials, then the Kubernetes API through
 * @kubernetes/client-node. Everything loads only when a deployment on the eks platform is watched.
 */
import { DevctlError } from "../errors";
import type { DeploymentTarget } from "../services/services";
import { awsError } from "../aws/aws-errors";
import { eksToken } from "./eks-token";
import { SERVICE_NAMESPACE, type ReadWorkload, type WorkloadView } from "./rollout-watcher";

/** Where and as whom to reach a Kubernetes API. */
export interface KubernetesAccess {
  /** https URL of the API server (http for a local test server). */
  readonly server: string;
  /** Base64 PEM of the server's certificate authority; absent for plain http. */
  readonly certificateAuthority?: string;
  readonly token: string;
}

/** Reads the Rollout named like the service, else the Deployment, in the service's namespace. */
export function kubernetesWorkloadReader(access: (target: DeploymentTarget) => Promise<KubernetesAccess>): ReadWorkload {
  return async (target) => {
    const { KubeConfig, CustomObjectsApi, AppsV1Api } = await import("@kubernetes/client-node");
    const { server, certificateAuthority, token } = await access(target);
    const config = new KubeConfig();
    config.loadFromClusterAndUser(
      { name: target.cluster, server, ...(certificateAuthority ? { caData: certificateAuthority } : {}), skipTLSVerify: false },
      { name: "devctl", token },
    );
    const notFound = (error: unknown) => (error as { code?: unknown }).code === 404;
    try {
      const rollout = (await config.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
        group: "argoproj.io",
        version: "v1alpha1",
        namespace: SERVICE_NAMESPACE,
        plural: "rollouts",
        name: target.service,
      })) as Record<string, unknown>;
      return { kind: "Rollout", object: rollout } satisfies WorkloadView;
    } catch (error) {
      if (!notFound(error)) throw kubernetesError(error, target);
    }
    try {
      const deployment = await config.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: target.service, namespace: SERVICE_NAMESPACE });
      return { kind: "Deployment", object: deployment as unknown as Record<string, unknown> };
    } catch (error) {
      if (notFound(error)) return { kind: "missing" };
      throw kubernetesError(error, target);
    }
  };
}

function kubernetesError(error: unknown, target: DeploymentTarget): DevctlError {
  const code = (error as { code?: unknown }).code;
  const denied = code === 401 || code === 403;
  return new DevctlError(
    "OPERATION_FAILED",
    `reading ${SERVICE_NAMESPACE}/${target.service} from EKS cluster ${target.cluster} failed${typeof code === "number" ? ` (HTTP ${code})` : ""}: ${(error as Error).message}`,
    denied
      ? "your AWS identity has no access entry on the cluster: deploy as the tier's platform-deploy-<staging|prod> role (or read as platform-drift-<staging|prod>)"
      : "check the cluster is reachable from here (its API endpoint is private by default: run devctl inside the VPC or list your range in eksPublicAccessCidrs)",
  );
}

/** The caller's access to an EKS cluster, from DescribeCluster and the caller's default AWS credentials. */
export function eksAccess(): (target: DeploymentTarget) => Promise<KubernetesAccess> {
  return async (target) => {
    try {
      const [{ EKSClient, DescribeClusterCommand }, { defaultProvider }] = await Promise.all([
        import("@aws-sdk/client-eks"),
        import("@aws-sdk/credential-provider-node"),
      ]);
      const cluster = (await new EKSClient({ region: target.region }).send(new DescribeClusterCommand({ name: target.cluster }))).cluster;
      if (!cluster?.endpoint) {
        throw new DevctlError(
          "OPERATION_FAILED",
          `EKS cluster ${target.cluster} (${target.region}) has no API endpoint yet`,
          "wait for the cluster to become ACTIVE",
        );
      }
      const credentials = await defaultProvider()();
      const token = await eksToken({ clusterName: target.cluster, region: target.region, credentials });
      return { server: cluster.endpoint, certificateAuthority: cluster.certificateAuthority?.data, token };
    } catch (error) {
      if (error instanceof DevctlError) throw error;
      throw awsError(error, `reading EKS cluster ${target.cluster}`);
    }
  };
}

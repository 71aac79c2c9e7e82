/**
 * A kubeconfig for one EKS cluster that authenticates as the caller's AWS identity (`aws eks get-token`), so it
 * carries no credential of its own and is safe in stack state. The identity must have an access entry.
 */
export interface KubeconfigInput {
  readonly clusterName: string;
  /** https URL of the API server. */
  readonly endpoint: string;
  /** Base64 PEM of the cluster's certificate authority. */
  readonly certificateAuthority: string;
  readonly region: string;
}

export function kubeconfig(input: KubeconfigInput): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: input.clusterName, cluster: { server: input.endpoint, "certificate-authority-data": input.certificateAuthority } }],
    contexts: [{ name: input.clusterName, context: { cluster: input.clusterName, user: input.clusterName } }],
    "current-context": input.clusterName,
    users: [
      {
        name: input.clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", input.clusterName, "--region", input.region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
  };
}

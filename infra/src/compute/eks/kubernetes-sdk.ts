import type * as k8s from "@pulumi/kubernetes";

/**
 * @pulumi/kubernetes, loaded when an EKS environment first builds a Kubernetes resource: about a hundred modules an
 * ECS or Lambda plan never needs (devctl plan's peak memory, kubernetes-sdk.test.ts). Synchronous on purpose:
 * Pulumi programs register their resources synchronously.
 */
export function kubernetesSdk(): typeof k8s {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  return require("@pulumi/kubernetes") as typeof k8s;
}

/**
 * Validates Kubernetes objects offline against the OpenAPI schemas of their kinds (kubernetes-models and its
 * CRD packages). A kind without a schema here is reported, never passed silently.
 */

type ModelClass = new (data: Record<string, unknown>) => { validate(): void };
type ModelModule = Record<string, unknown>;

/** Where each apiVersion's models live. The ALB's TargetGroupBinding has no published models: see UNMODELLED. */
const MODULES: Readonly<Record<string, () => Promise<ModelModule>>> = {
  v1: () => import("kubernetes-models/v1"),
  "apps/v1": () => import("kubernetes-models/apps/v1"),
  "autoscaling/v2": () => import("kubernetes-models/autoscaling/v2"),
  "policy/v1": () => import("kubernetes-models/policy/v1"),
  "networking.k8s.io/v1": () => import("kubernetes-models/networking.k8s.io/v1"),
  "argoproj.io/v1alpha1": () => import("@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1"),
  "external-secrets.io/v1": () => import("@kubernetes-models/external-secrets/external-secrets.io/v1"),
  "gateway.networking.k8s.io/v1": () => import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1"),
  "security.istio.io/v1": () => import("@kubernetes-models/istio/security.istio.io/v1"),
};

/** Kinds checked by hand because no schema package exists for them. */
export const UNMODELLED = new Set(["eks.amazonaws.com/v1/TargetGroupBinding", "elbv2.k8s.aws/v1beta1/TargetGroupBinding"]);

export interface SchemaProblem {
  readonly object: string;
  readonly message: string;
}

/** Every problem of every object; empty when all are valid. */
export async function schemaProblems(objects: readonly Record<string, unknown>[]): Promise<SchemaProblem[]> {
  const problems: SchemaProblem[] = [];
  for (const object of objects) {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const metadata = object.metadata as { name?: string } | undefined;
    const label = `${apiVersion}/${kind} ${metadata?.name ?? "(unnamed)"}`;
    if (UNMODELLED.has(`${apiVersion}/${kind}`)) {
      const spec = object.spec as { targetGroupARN?: unknown; serviceRef?: { name?: unknown; port?: unknown } } | undefined;
      if (typeof spec?.targetGroupARN !== "string" || typeof spec.serviceRef?.name !== "string" || spec.serviceRef.port === undefined) {
        problems.push({ object: label, message: "needs spec.targetGroupARN and spec.serviceRef.{name,port}" });
      }
      continue;
    }
    const load = MODULES[apiVersion];
    const model = load ? ((await load())[kind] as ModelClass | undefined) : undefined;
    if (!model) {
      problems.push({ object: label, message: "has no schema to validate against; add its models to test/support/kubernetes-schemas.ts" });
      continue;
    }
    try {
      new model(object).validate();
    } catch (error) {
      problems.push({ object: label, message: (error as Error).message });
    }
  }
  return problems;
}

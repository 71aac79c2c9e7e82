/**
 * The eks platform's rules: who and what can reach the cluster, how its secrets are kept, what it records, and
 * that the platform's own Helm charts run under the restricted Pod Security Standard with pinned versions.
 * In a real preview a value not yet known is undefined; the rules judge only what is known.
 */
import { publicAccessCidrProblem } from "@platform/infra/environment";
import type { PolicyResource, ResourceRule, StackRule, Violation } from "./types";
import { asArray, asRecord, asStringArray } from "./values";

const CLUSTER = "aws:eks/cluster:Cluster";
const ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry";
const ACCESS_POLICY = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";

/** Control-plane logs a reviewer needs to answer "who did what" and "why was this login refused". */
export const REQUIRED_CONTROL_PLANE_LOGS = ["api", "audit", "authenticator"] as const;
/** EKS access policies the platform may grant. Anything else (or a custom one) is a review question. */
export const ALLOWED_ACCESS_POLICIES = [
  "AmazonEKSClusterAdminPolicy",
  "AmazonEKSAdminPolicy",
  "AmazonEKSEditPolicy",
  "AmazonEKSViewPolicy",
  "AmazonEKSAdminViewPolicy",
];
const DIGEST = /@sha256:[0-9a-f]{64}$/;
const SEMVER = /^\d+\.\d+\.\d+$/;

/** A CIDR the environment model would refuse for the public endpoint: not a network, or wider than /8. */
const tooWide = (cidr: string) => publicAccessCidrProblem(cidr) !== undefined;

export const eksEndpointRestricted: ResourceRule = {
  kind: "resource",
  name: "eks-endpoint-restricted",
  description: "The EKS API endpoint is private, or public only to listed CIDRs (never 0.0.0.0/0).",
  level: "mandatory",
  types: [CLUSTER],
  validate({ props }) {
    const vpc = asRecord(props.vpcConfig);
    if (vpc === undefined) return [];
    const problems: string[] = [];
    if (vpc.endpointPrivateAccess !== true) problems.push("vpcConfig.endpointPrivateAccess must be true, so nodes and pods reach the API inside the VPC");
    // EKS makes the endpoint public when endpointPublicAccess is left out.
    if (vpc.endpointPublicAccess === false) return problems;
    const cidrs = asStringArray(vpc.publicAccessCidrs);
    if (cidrs.length === 0) {
      problems.push("public API endpoint without publicAccessCidrs is open to the internet; set endpointPublicAccess: false or list the allowed CIDRs");
    } else if (cidrs.some(tooWide)) {
      problems.push(`public API endpoint is open to ${cidrs.filter(tooWide).join(", ")}; list only your own ranges (eksPublicAccessCidrs)`);
    }
    return problems;
  },
};

export const eksSecretsEncryption: ResourceRule = {
  kind: "resource",
  name: "eks-secrets-encryption",
  description: "EKS envelope-encrypts Kubernetes Secrets with a customer-managed KMS key.",
  level: "mandatory",
  types: [CLUSTER],
  validate({ props }) {
    const encryption = asRecord(props.encryptionConfig);
    if (props.encryptionConfig !== undefined && encryption === undefined) return [];
    const resources = asStringArray(encryption?.resources);
    const keyArn = asRecord(encryption?.provider)?.keyArn;
    return resources.includes("secrets") && keyArn !== ""
      ? []
      : ['cluster must set encryptionConfig { resources: ["secrets"], provider: { keyArn: <the environment\'s KMS key> } }'];
  },
};

export const eksControlPlaneLogs: ResourceRule = {
  kind: "resource",
  name: "eks-control-plane-logs",
  description: `EKS ships at least the ${REQUIRED_CONTROL_PLANE_LOGS.join(", ")} control-plane logs to CloudWatch.`,
  level: "mandatory",
  types: [CLUSTER],
  validate({ props }) {
    const enabled = asStringArray(props.enabledClusterLogTypes);
    const missing = REQUIRED_CONTROL_PLANE_LOGS.filter((t) => !enabled.includes(t));
    return missing.length === 0 ? [] : [`cluster must enable control-plane logs ${missing.join(", ")} (enabledClusterLogTypes)`];
  },
};

export const eksNoWildcardAccess: ResourceRule = {
  kind: "resource",
  name: "eks-no-wildcard-access",
  description: "Cluster access goes through API access entries for named IAM principals with EKS access policies; no aws-auth ConfigMap, no system:masters.",
  level: "mandatory",
  types: [CLUSTER, ACCESS_ENTRY, ACCESS_POLICY, CONFIG_MAP],
  validate({ type, props }) {
    switch (type) {
      case CLUSTER: {
        const access = asRecord(props.accessConfig);
        const problems: string[] = [];
        if (access?.authenticationMode !== "API")
          problems.push('cluster must set accessConfig.authenticationMode: "API" (access entries, not the aws-auth ConfigMap)');
        if (access?.bootstrapClusterCreatorAdminPermissions !== false) {
          problems.push("cluster must set accessConfig.bootstrapClusterCreatorAdminPermissions: false, so admin access is an access entry anyone can see");
        }
        return problems;
      }
      case ACCESS_ENTRY: {
        const principal = props.principalArn;
        const problems: string[] = [];
        if (typeof principal === "string" && (principal.includes("*") || !/:(role|user)\/[^*]+$/.test(principal))) {
          problems.push(`access entry principal ${principal} must name one IAM role or user, without wildcards`);
        }
        if (asStringArray(props.kubernetesGroups).some((g) => g === "system:masters")) {
          problems.push("access entry must not map to system:masters; associate an EKS access policy instead");
        }
        return problems;
      }
      case ACCESS_POLICY: {
        const policy = props.policyArn;
        if (typeof policy !== "string") return [];
        const name = policy.split("/").pop() ?? "";
        return policy.includes("*") || !ALLOWED_ACCESS_POLICIES.includes(name)
          ? [`access policy ${policy} is not one of the EKS access policies the platform grants (${ALLOWED_ACCESS_POLICIES.join(", ")})`]
          : [];
      }
      default: {
        const metadata = asRecord(props.metadata);
        return metadata?.name === "aws-auth" && metadata.namespace === "kube-system"
          ? ["the aws-auth ConfigMap is deprecated and invisible to IAM reviews; grant access with EKS access entries"]
          : [];
      }
    }
  },
};

/** The platform's own charts are the releases without a chart repository (a path in this repository). */
const isOwnChart = (release: PolicyResource) => asRecord(release.props.repositoryOpts)?.repo === undefined && typeof release.props.chart === "string";

export const kubernetesReleasesPinned: ResourceRule = {
  kind: "resource",
  name: "helm-releases-pinned",
  description: "Helm releases pin their chart version (operators) or their image by digest (the platform's charts).",
  level: "mandatory",
  types: [RELEASE],
  validate(release) {
    const { props } = release;
    if (!isOwnChart(release)) {
      return typeof props.version === "string" && SEMVER.test(props.version)
        ? []
        : [`release of chart ${String(props.chart)} must pin an exact chart version (x.y.z), got ${JSON.stringify(props.version)}`];
    }
    const ref = asRecord(asRecord(props.values)?.image)?.ref;
    return ref === undefined || (typeof ref === "string" && DIGEST.test(ref))
      ? []
      : [`release values image.ref ${JSON.stringify(ref)} must be pinned by digest (@sha256:<64 hex>)`];
  },
};

export const kubernetesPodSecurity: StackRule = {
  kind: "stack",
  name: "kubernetes-pod-security",
  description: "The platform's charts deploy into namespaces that enforce the restricted Pod Security Standard, and run non-root.",
  level: "mandatory",
  validate(resources) {
    const violations: Violation[] = [];
    const restricted = new Set(
      resources
        .filter((r) => r.type === NAMESPACE)
        .map((r) => asRecord(r.props.metadata))
        .filter((m) => asRecord(m?.labels)?.["pod-security.kubernetes.io/enforce"] === "restricted")
        .map((m) => m?.name),
    );
    for (const release of resources.filter((r) => r.type === RELEASE && isOwnChart(r))) {
      const namespace = release.props.namespace;
      if (typeof namespace === "string" && !restricted.has(namespace)) {
        violations.push({
          urn: release.urn,
          message: `release deploys into namespace ${namespace}, which does not enforce the restricted Pod Security Standard; create it with the label pod-security.kubernetes.io/enforce: restricted`,
        });
      }
      const values = asRecord(release.props.values);
      const user = values?.runAsUser;
      if (user === 0 || user === "0")
        violations.push({ urn: release.urn, message: "release values set runAsUser 0 (root); the service runs as a non-root user" });
      if (asArray(asRecord(values?.securityContext)?.capabilities).length > 0) {
        violations.push({ urn: release.urn, message: "release values add capabilities; the service needs none" });
      }
    }
    return violations;
  },
};

const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
/** The tag AmazonEKSLoadBalancingPolicy's RegisterTargets/DeregisterTargets statements require on a target group. */
const CLUSTER_NAME_TAG = "eks:eks-cluster-name";

export const eksTargetGroupClusterTag: StackRule = {
  kind: "stack",
  name: "eks-target-group-cluster-tag",
  description: `In a stack with an EKS Auto Mode cluster, every ip target group carries the tag ${CLUSTER_NAME_TAG} with the cluster's name, so the cluster's load balancer controller may register pods into it.`,
  level: "mandatory",
  validate(resources) {
    // Auto Mode's controller acts as the cluster role, whose managed policy allows (de)registering targets only in
    // groups tagged with its own cluster's name: an untagged group deploys fine and never receives a pod.
    const clusters = resources.filter((r) => r.type === CLUSTER && asRecord(r.props.computeConfig)?.enabled === true);
    if (clusters.length !== 1) return [];
    const name = clusters[0]!.props.name;
    if (typeof name !== "string") return [];
    const violations: Violation[] = [];
    for (const group of resources.filter((r) => r.type === TARGET_GROUP && r.props.targetType === "ip")) {
      const tags = asRecord(group.props.tags);
      if (group.props.tags !== undefined && tags === undefined) continue; // not known yet in a real preview
      const tagged = tags?.[CLUSTER_NAME_TAG];
      if (tagged === name) continue;
      violations.push({
        urn: group.urn,
        message:
          tagged === undefined
            ? `target group has no tag "${CLUSTER_NAME_TAG}": "${name}"; EKS Auto Mode registers pods only into target groups tagged with its cluster's name`
            : `target group's tag ${CLUSTER_NAME_TAG} names ${JSON.stringify(tagged)}, not this stack's cluster ${name}; Auto Mode could not register pods into it`,
      });
    }
    return violations;
  },
};

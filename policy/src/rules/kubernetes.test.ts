import { describe, expect, it } from "vitest";
import {
  eksControlPlaneLogs,
  eksEndpointRestricted,
  eksNoWildcardAccess,
  eksSecretsEncryption,
  eksTargetGroupClusterTag,
  kubernetesPodSecurity,
  kubernetesReleasesPinned,
} from "./kubernetes";
import { resource, PROD, STAGING } from "./testing";

const CLUSTER = "aws:eks/cluster:Cluster";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/k";
const DIGEST = `sha256:${"a".repeat(64)}`;

const cluster = (overrides: Record<string, unknown> = {}) =>
  resource(CLUSTER, {
    vpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: true, endpointPublicAccess: false },
    encryptionConfig: { provider: { keyArn: KEY }, resources: ["secrets"] },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
    ...overrides,
  });

describe("eks-endpoint-restricted", () => {
  it("passes a private endpoint, and a public one limited to listed ranges", () => {
    expect(eksEndpointRestricted.validate(cluster(), PROD)).toEqual([]);
    const listed = cluster({ vpcConfig: { subnetIds: [], endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } });
    expect(eksEndpointRestricted.validate(listed, PROD)).toEqual([]);
  });
  it("fails a public endpoint open to the internet, or left at EKS's public default", () => {
    const world = cluster({ vpcConfig: { subnetIds: [], endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } });
    expect(eksEndpointRestricted.validate(world, PROD)).toEqual([expect.stringContaining("open to 0.0.0.0/0")]);
    const defaulted = cluster({ vpcConfig: { subnetIds: [] } });
    expect(eksEndpointRestricted.validate(defaulted, STAGING)).toEqual([
      expect.stringContaining("endpointPrivateAccess must be true"),
      expect.stringContaining("open to the internet"),
    ]);
  });
});

describe("eks-secrets-encryption", () => {
  it("passes Secrets encrypted with a KMS key and fails without", () => {
    expect(eksSecretsEncryption.validate(cluster(), STAGING)).toEqual([]);
    expect(eksSecretsEncryption.validate(cluster({ encryptionConfig: undefined }), STAGING)).toEqual([expect.stringContaining('resources: ["secrets"]')]);
  });
});

describe("eks-control-plane-logs", () => {
  it("names the missing log types", () => {
    expect(eksControlPlaneLogs.validate(cluster(), STAGING)).toEqual([]);
    expect(eksControlPlaneLogs.validate(cluster({ enabledClusterLogTypes: ["api"] }), STAGING)).toEqual([
      "cluster must enable control-plane logs audit, authenticator (enabledClusterLogTypes)",
    ]);
  });
});

describe("eks-no-wildcard-access", () => {
  it("passes API authentication with named principals and EKS access policies", () => {
    expect(eksNoWildcardAccess.validate(cluster(), PROD)).toEqual([]);
    const entry = resource("aws:eks/accessEntry:AccessEntry", { principalArn: "arn:aws:iam::123456789012:role/platform-deploy" });
    expect(eksNoWildcardAccess.validate(entry, PROD)).toEqual([]);
    const policy = resource("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", {
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
    });
    expect(eksNoWildcardAccess.validate(policy, PROD)).toEqual([]);
  });
  it("fails aws-auth style access, wildcard principals, system:masters and unknown policies", () => {
    expect(eksNoWildcardAccess.validate(cluster({ accessConfig: { authenticationMode: "API_AND_CONFIG_MAP" } }), PROD)).toHaveLength(2);
    const wildcard = resource("aws:eks/accessEntry:AccessEntry", { principalArn: "arn:aws:iam::123456789012:role/*", kubernetesGroups: ["system:masters"] });
    expect(eksNoWildcardAccess.validate(wildcard, PROD)).toEqual([expect.stringContaining("without wildcards"), expect.stringContaining("system:masters")]);
    const custom = resource("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", { policyArn: "arn:aws:eks::aws:cluster-access-policy/*" });
    expect(eksNoWildcardAccess.validate(custom, PROD)).toHaveLength(1);
    const awsAuth = resource("kubernetes:core/v1:ConfigMap", { metadata: { name: "aws-auth", namespace: "kube-system" } });
    expect(eksNoWildcardAccess.validate(awsAuth, PROD)).toEqual([expect.stringContaining("aws-auth ConfigMap")]);
  });
});

describe("helm-releases-pinned", () => {
  it("passes an operator at an exact chart version and the platform's chart at a digest", () => {
    expect(
      kubernetesReleasesPinned.validate(
        resource(RELEASE, { chart: "argo-rollouts", version: "2.40.4", repositoryOpts: { repo: "https://example.org/charts" } }),
        PROD,
      ),
    ).toEqual([]);
    expect(
      kubernetesReleasesPinned.validate(resource(RELEASE, { chart: "/repo/charts/release-ledger", values: { image: { ref: `r@${DIGEST}` } } }), PROD),
    ).toEqual([]);
  });
  it("fails a floating chart version and an image by tag", () => {
    expect(
      kubernetesReleasesPinned.validate(
        resource(RELEASE, { chart: "argo-rollouts", version: "2.x", repositoryOpts: { repo: "https://example.org/charts" } }),
        PROD,
      ),
    ).toHaveLength(1);
    expect(
      kubernetesReleasesPinned.validate(resource(RELEASE, { chart: "/repo/charts/release-ledger", values: { image: { ref: "r:latest" } } }), PROD),
    ).toHaveLength(1);
  });
});

describe("kubernetes-pod-security", () => {
  const release = resource(RELEASE, { chart: "/repo/charts/release-ledger", namespace: "release-ledger", values: {} }, "service");
  it("passes the platform's chart in a namespace that enforces restricted", () => {
    const namespace = resource(NAMESPACE, { metadata: { name: "release-ledger", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } }, "ns");
    expect(kubernetesPodSecurity.validate([namespace, release], PROD)).toEqual([]);
  });
  it("fails a namespace without the restricted label, and root in the values", () => {
    const baseline = resource(NAMESPACE, { metadata: { name: "release-ledger", labels: { "pod-security.kubernetes.io/enforce": "baseline" } } }, "ns");
    const root = resource(RELEASE, { chart: "/repo/charts/release-ledger", namespace: "release-ledger", values: { runAsUser: 0 } }, "service");
    expect(kubernetesPodSecurity.validate([baseline, root], PROD)).toEqual([
      { urn: root.urn, message: expect.stringContaining("does not enforce the restricted Pod Security Standard") as unknown },
      { urn: root.urn, message: expect.stringContaining("runAsUser 0") as unknown },
    ]);
  });
});

describe("eks-target-group-cluster-tag", () => {
  const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
  const autoMode = cluster({ name: "prod-release-ledger", computeConfig: { enabled: true, nodePools: ["general-purpose"] } });
  const group = (tags: Record<string, string> | undefined, name = "pods") => resource(TARGET_GROUP, { targetType: "ip", port: 3000, tags }, name);

  it("passes ip target groups tagged with the Auto Mode cluster's name, and stacks without Auto Mode", () => {
    expect(eksTargetGroupClusterTag.validate([autoMode, group({ Environment: "prod", "eks:eks-cluster-name": "prod-release-ledger" })], PROD)).toEqual([]);
    expect(eksTargetGroupClusterTag.validate([group(undefined)], PROD)).toEqual([]);
    expect(eksTargetGroupClusterTag.validate([cluster({ name: "c" }), group(undefined)], PROD)).toEqual([]);
  });

  it("fails a target group without the tag or naming another cluster, naming the tag to set", () => {
    const violations = eksTargetGroupClusterTag.validate(
      [autoMode, group({ Environment: "prod" }, "blue"), group({ "eks:eks-cluster-name": "staging-release-ledger" }, "green")],
      PROD,
    );
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining('tag "eks:eks-cluster-name": "prod-release-ledger"'),
      expect.stringContaining(`names "staging-release-ledger"`),
    ]);
    expect(violations.map((v) => v.urn)).toEqual([expect.stringContaining("::blue"), expect.stringContaining("::green")]);
  });
});

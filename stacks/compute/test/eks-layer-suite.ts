/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
/**
 * The compute layer on the eks platform, run once per environment shape (eks-staging.test.ts, eks-prod.test.ts).
 * Every assertion reads the inputs the program actually sent under Pulumi's mocks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { LoadOptions } from "@platform/infra/environment";
import { LAYER_OUTPUT_NAMES } from "@platform/infra/layers";
import { AMBIENT_PORTS, OPERATOR_CHARTS, SERVICE_CHART_PATH } from "@platform/infra";
import { DATA, NETWORK, REGISTRY, runComputeProgram, type ComputeRun } from "./compute-harness";

const EKS = {
  cluster: "aws:eks/cluster:Cluster",
  accessEntry: "aws:eks/accessEntry:AccessEntry",
  accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  release: "kubernetes:helm.sh/v3:Release",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
} as const;

export interface EksExpectations {
  readonly tier: "staging" | "production";
  /** Canary steps the Rollout walks (percent of pods). */
  readonly weights: readonly number[];
  readonly bakeMinutes: number;
  readonly max5xxRatePercent: number;
  readonly maxP99LatencyMs: number;
}

export function eksLayerSuite(environmentName: string, expected: EksExpectations, loadOptions: () => LoadOptions = () => ({})): void {
  let run: ComputeRun;
  const one = (type: string, name?: string) => run.recorder.one(type, name);
  const all = (type: string) => run.resources.filter((r) => r.type === type);

  beforeAll(async () => {
    run = await runComputeProgram(environmentName, {}, loadOptions());
  });

  describe(`compute layer on EKS, ${environmentName} (${expected.tier})`, () => {
    it("creates no ECS service, task definition or ECS cluster", () => {
      expect(run.resources.filter((r) => r.type.startsWith("aws:ecs/"))).toEqual([]);
    });

    it("runs an Auto Mode cluster on the private subnets, API endpoint private, on the standard support track", () => {
      const cluster = one(EKS.cluster).inputs as any;
      expect(cluster).toMatchObject({
        name: `${environmentName}-release-ledger`,
        version: "1.35",
        upgradePolicy: { supportType: "STANDARD" },
        vpcConfig: { subnetIds: NETWORK.privateSubnetIds, endpointPrivateAccess: true, endpointPublicAccess: false },
        bootstrapSelfManagedAddons: false,
        computeConfig: { enabled: true, nodePools: ["general-purpose", "system"] },
        storageConfig: { blockStorage: { enabled: true } },
        kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
        deletionProtection: expected.tier === "production",
      });
      expect(cluster.vpcConfig.publicAccessCidrs).toBeUndefined();
    });

    it("envelope-encrypts Secrets with the environment's key and ships every control-plane log", () => {
      const cluster = one(EKS.cluster).inputs as any;
      expect(cluster.encryptionConfig).toEqual({ provider: { keyArn: NETWORK.kmsKeyArn }, resources: ["secrets"] });
      expect(cluster.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
      const logs = run.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && String(r.inputs.name).startsWith("/aws/eks/"));
      expect(logs?.inputs).toMatchObject({ name: `/aws/eks/${environmentName}-release-ledger/cluster`, kmsKeyId: NETWORK.kmsKeyArn });
    });

    it("authenticates through the API with access entries for the deploy and read-only roles only (no aws-auth)", () => {
      expect((one(EKS.cluster).inputs as any).accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
      // The roles docs/ci-cd.md has CI create, per tier: the one that deploys (Helm releases go through the
      // cluster's API as it), the drift role that refreshes them and, where pull requests preview (staging's tier
      // only), the preview role. Both of those view; the drift role also reads the Helm releases' namespaces.
      const production = expected.tier === "production";
      const suffix = production ? "prod" : "staging";
      const roles = production ? ["deploy", "drift"] : ["deploy", "drift", "preview"];
      const entries = all(EKS.accessEntry).map((e) => String(e.inputs.principalArn));
      expect([...entries].sort()).toEqual(roles.map((role) => `arn:aws:iam::123456789012:role/platform-${role}-${suffix}`));
      const policies = all(EKS.accessPolicy).map((a) => [
        String(a.inputs.principalArn).split("/").pop(),
        String(a.inputs.policyArn).split("/").pop(),
        a.inputs.accessScope,
      ]);
      const releaseNamespaces = { type: "namespace", namespaces: ["release-ledger", "external-secrets", "argo-rollouts", "istio-system"] };
      expect(policies).toEqual([
        [`platform-deploy-${suffix}`, "AmazonEKSClusterAdminPolicy", { type: "cluster" }],
        [`platform-drift-${suffix}`, "AmazonEKSViewPolicy", { type: "cluster" }],
        [`platform-drift-${suffix}`, "AmazonEKSAdminViewPolicy", releaseNamespaces],
        ...(production ? [] : [[`platform-preview-${suffix}`, "AmazonEKSViewPolicy", { type: "cluster" }]]),
      ]);
      expect(run.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap" || r.type.includes("openIdConnectProvider"))).toEqual([]);
    });

    it("lets the drift role read back every Helm release it refreshes (Helm keeps each in a Secret of its namespace)", () => {
      const drift = `/platform-drift-${expected.tier === "production" ? "prod" : "staging"}`;
      const scopes = all(EKS.accessPolicy)
        .filter((a) => String(a.inputs.principalArn).endsWith(drift))
        .map((a) => a.inputs.accessScope as { type: string; namespaces?: string[] });
      const readable = scopes.find((scope) => scope.type === "namespace")?.namespaces;
      const releases = all(EKS.release);
      expect(releases.length).toBeGreaterThan(0);
      for (const release of releases) expect(readable).toContain(release.inputs.namespace);
    });

    it("gives External Secrets a Pod Identity that reads exactly the service's two secrets", () => {
      const association = all(EKS.podIdentity).find((p) => p.inputs.namespace === "external-secrets");
      expect(association?.inputs).toMatchObject({ namespace: "external-secrets", serviceAccount: "external-secrets" });
      const trust = JSON.parse(String(one(EKS.role, "service-eks-secrets-reader").inputs.assumeRolePolicy));
      expect(trust.Statement[0]).toMatchObject({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
      // Only that service account of that cluster may become the role (Pod Identity's session tags).
      expect(trust.Statement[0].Condition).toEqual({
        StringEquals: {
          "aws:SourceAccount": "123456789012",
          "aws:RequestTag/eks-cluster-name": `${environmentName}-release-ledger`,
          "aws:RequestTag/kubernetes-namespace": "external-secrets",
          "aws:RequestTag/kubernetes-service-account": "external-secrets",
        },
      });
      const policy = JSON.parse(String(one(EKS.rolePolicy, "service-eks-secrets-reader-policy").inputs.policy));
      expect(policy.Statement[0]).toEqual({
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [DATA.dbMasterSecretArn, DATA.redisAuthSecretArn],
      });
      expect(policy.Statement[1]).toMatchObject({ Action: "kms:Decrypt", Resource: NETWORK.kmsKeyArn });
    });

    it("gives the service's pods a Pod Identity that may only sign in to this database as the application user", () => {
      const association = all(EKS.podIdentity).find((p) => p.inputs.namespace === "release-ledger");
      expect(association?.inputs).toMatchObject({ namespace: "release-ledger", serviceAccount: "release-ledger" });
      const trust = JSON.parse(String(one(EKS.role, "service-eks-database-user").inputs.assumeRolePolicy));
      expect(trust.Statement[0].Condition.StringEquals).toMatchObject({
        "aws:RequestTag/kubernetes-namespace": "release-ledger",
        "aws:RequestTag/kubernetes-service-account": "release-ledger",
      });
      expect(one(EKS.role, "service-eks-database-user").inputs.permissionsBoundary).toBe("arn:aws:iam::123456789012:policy/platform-workload-boundary");
      expect(JSON.parse(String(one(EKS.rolePolicy, "service-eks-database-user-policy").inputs.policy)).Statement).toEqual([
        {
          Sid: "ConnectAsApplicationUser",
          Effect: "Allow",
          Action: "rds-db:connect",
          Resource: `arn:aws:rds-db:eu-west-1:123456789012:dbuser:${DATA.dbResourceId}/ledger_app`,
        },
      ]);
      const values = all(EKS.release).find((r) => r.inputs.chart === SERVICE_CHART_PATH)?.inputs.values as any;
      expect(values.env).toMatchObject({ DB_AUTH: "iam", PGUSER: "ledger_app", AWS_REGION: "eu-west-1", PGSSLMODE: "verify-full" });
      expect(values.env).not.toHaveProperty("PGAUTH_ARN");
    });

    it("installs the operators as pinned Helm releases", () => {
      const releases = all(EKS.release);
      for (const spec of Object.values(OPERATOR_CHARTS)) {
        const release = releases.find((r) => r.inputs.chart === spec.chart);
        expect(release?.inputs).toMatchObject({ version: spec.version, repositoryOpts: { repo: spec.repo }, namespace: spec.namespace });
        expect(spec.version).toMatch(/^\d+\.\d+\.\d+$/);
      }
    });

    it("deploys the chart with the digest-pinned image, the ALB target group and the environment's canary", () => {
      const release = all(EKS.release).find((r) => r.inputs.chart === SERVICE_CHART_PATH);
      const values = release?.inputs.values as any;
      expect(values.image.ref).toBe(`${REGISTRY}/${environmentName}-release-ledger@${run.builtDigest()}`);
      const targetGroup = one("aws:lb/targetGroup:TargetGroup");
      expect(targetGroup.inputs).toMatchObject({ targetType: "ip", healthCheck: { path: "/readyz" } });
      expect(values.targetGroupBinding).toEqual({ enabled: true, targetGroupArn: run.arnOf(targetGroup) });
      expect(values.secrets).toMatchObject({ databaseSecretArn: DATA.dbMasterSecretArn, redisSecretArn: DATA.redisAuthSecretArn });
      expect(values.env).not.toHaveProperty("PGPASSWORD");
      expect(values.rollout).toMatchObject({
        enabled: true,
        weights: expected.weights,
        bakeMinutes: expected.bakeMinutes,
        analysis: { max5xxRatePercent: expected.max5xxRatePercent, maxP99LatencyMs: expected.maxP99LatencyMs },
      });
      expect(values.networkPolicy.ingressCidrs).toEqual([NETWORK.vpcCidr]);
    });

    it("tags the target group the pods join with the cluster's name, which Auto Mode's controller needs to register them", () => {
      // AmazonEKSLoadBalancingPolicy allows RegisterTargets/DeregisterTargets only on target groups whose tag
      // eks:eks-cluster-name equals the cluster's: without it the TargetGroupBinding never registers a pod.
      const targetGroup = one("aws:lb/targetGroup:TargetGroup", "service-blue");
      expect((targetGroup.inputs as any).tags).toMatchObject({ "eks:eks-cluster-name": (one(EKS.cluster).inputs as any).name });
    });

    it("counts running copies as the healthy pods in the target group, not ECS tasks", () => {
      const running = run.resources.find((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.name.endsWith("running-tasks-low"));
      expect(running?.inputs).toMatchObject({
        namespace: "AWS/ApplicationELB",
        metricName: "HealthyHostCount",
        dimensions: {
          TargetGroup: one("aws:lb/targetGroup:TargetGroup", "service-blue").state.arnSuffix,
          LoadBalancer: one("aws:lb/loadBalancer:LoadBalancer", "service-alb").state.arnSuffix,
        },
      });
      expect(JSON.stringify(run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm").map((r) => r.inputs))).not.toContain(
        "ECS/ContainerInsights",
      );
    });

    it("lets the pods (the cluster security group) reach PostgreSQL and Redis, and the ALB reach the pods' port only", () => {
      const ingress = all("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.inputs);
      expect(ingress).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ securityGroupId: NETWORK.databaseSecurityGroupId, fromPort: DATA.dbPort, toPort: DATA.dbPort, ipProtocol: "tcp" }),
          expect.objectContaining({ securityGroupId: NETWORK.cacheSecurityGroupId, fromPort: DATA.redisPort, toPort: DATA.redisPort, ipProtocol: "tcp" }),
          expect.objectContaining({ referencedSecurityGroupId: NETWORK.albSecurityGroupId, fromPort: 8080, toPort: 8080 }),
          // The nightly DORA snapshot function (DoraSnapshotSchedule), on every platform.
          expect.objectContaining({ securityGroupId: NETWORK.databaseSecurityGroupId, description: "PostgreSQL from the DORA snapshot function" }),
        ]),
      );
      // Istio ambient adds its own ports on the cluster group (mesh-suite.ts checks them).
      expect(ingress).toHaveLength(4 + (run.environment.mesh.mode === "istio-ambient" ? AMBIENT_PORTS.length : 0));
    });

    it("keeps the ALB's access logs private, encrypted and only for logRetentionDays", () => {
      const lifecycle = one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "service-alb-logs-lifecycle").inputs as any;
      expect(lifecycle.rules[0]).toMatchObject({ status: "Enabled", filter: { prefix: "alb/" }, expiration: { days: run.environment.logRetentionDays } });
      expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "service-alb-logs-public-access").inputs).toMatchObject({ blockPublicPolicy: true });
      expect((one("aws:lb/loadBalancer:LoadBalancer").inputs as any).accessLogs).toMatchObject({ prefix: "alb", enabled: true });
    });

    it("puts the service in a namespace that enforces the restricted Pod Security Standard", () => {
      const namespace = one("kubernetes:core/v1:Namespace");
      expect(namespace.inputs.metadata).toMatchObject({
        name: "release-ledger",
        labels: { "pod-security.kubernetes.io/enforce": "restricted" },
      });
      expect(all(EKS.release).find((r) => r.inputs.chart === SERVICE_CHART_PATH)?.inputs.namespace).toBe("release-ledger");
    });

    it("exports the same outputs as the ECS platform", () => {
      expect(Object.keys(run.outputs).sort()).toEqual([...LAYER_OUTPUT_NAMES.compute].sort());
      expect(run.outputs.clusterName).toBe(`${environmentName}-release-ledger`);
      expect(run.outputs.serviceName).toBe("release-ledger");
      expect(run.outputs.targetGroupArns).toEqual([run.arnOf(one("aws:lb/targetGroup:TargetGroup"))]);
    });
  });
}

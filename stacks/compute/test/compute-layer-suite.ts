/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
/**
 * The compute layer's mock tests, run once per environment (staging.test.ts, prod.test.ts). Every
 * assertion reads the inputs the program actually sent under Pulumi's mocks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isTaggable, LAYER_OUTPUT_NAMES, layerTags } from "@platform/infra/layers";
import { REPOSITORY_ROOT } from "@platform/infra/environment";
import { isWireSecret } from "@platform/infra/testing";
import { containerOf, DATA, NETWORK, REGISTRY, runComputeProgram, TYPES, type ComputeRun } from "./compute-harness";

export interface Expectations {
  /** ECS deployment strategy. */
  readonly strategy: "ROLLING" | "CANARY";
  readonly targetGroups: number;
  readonly deletionProtection: boolean;
}

/** The boundary docs/ci-cd.md's deploy roles demand, in the mocks' account. */
const WORKLOAD_BOUNDARY = "arn:aws:iam::123456789012:policy/platform-workload-boundary";

const SECRET_NAMES = ["PGPASSWORD", "MIGRATION_PGUSER", "MIGRATION_PGPASSWORD", "REDIS_AUTH_TOKEN"];

export function computeLayerSuite(environmentName: string, expected: Expectations): void {
  let run: ComputeRun;
  const one = (type: string, name?: string) => run.recorder.one(type, name);
  const all = (type: string) => run.resources.filter((r) => r.type === type);
  /** The cluster's name: Pulumi auto-names it (the simulation, like the engine, adds a suffix). */
  const clusterName = () => String(one(TYPES.cluster).state.name);
  /** The origin-verify header's secret: what the simulated RandomPassword generated. */
  const originSecret = () => one("random:index/randomPassword:RandomPassword", "origin-verify").state.result;

  beforeAll(async () => {
    run = await runComputeProgram(environmentName);
  });

  describe(`compute layer, ${environmentName}: image`, () => {
    it("builds service/ from the repository root for linux/amd64 and pushes it to the layer's ECR repository", () => {
      const image = one(TYPES.image);
      const repositoryUrl = `${REGISTRY}/${environmentName}-release-ledger`;
      expect(image.inputs.imageName).toMatch(new RegExp(`^${repositoryUrl.replace(/\./g, "\\.")}:build-[0-9a-f]{20}-([0-9a-f]{12}|nocommit)-[A-Za-z0-9._-]+$`));
      expect(image.inputs.build).toMatchObject({ context: REPOSITORY_ROOT, platform: "linux/amd64" });
      // The docker provider resolves a relative dockerfile against the program's directory (stacks/compute),
      // not the context (pulumi/pulumi-docker#572): the path must be absolute and exist, with its
      // Dockerfile.dockerignore beside it.
      const dockerfile = String((image.inputs.build as any).dockerfile);
      expect(dockerfile).toBe(path.join(REPOSITORY_ROOT, "service", "Dockerfile"));
      expect(fs.existsSync(dockerfile)).toBe(true);
      expect(fs.existsSync(`${dockerfile}.dockerignore`)).toBe(true);
      // The registry block carries the ECR password, so Pulumi sends it as a secret.
      const registry = image.inputs.registry as any;
      expect(isWireSecret(registry)).toBe(true);
      expect(registry.value).toMatchObject({ server: repositoryUrl });
    });

    it("exports the pushed digest, never a tag, and the task definition runs exactly that", () => {
      const ref = `${REGISTRY}/${environmentName}-release-ledger@${run.builtDigest()}`;
      expect(run.outputs.imageRef).toBe(ref);
      expect(run.outputs.imageDigest).toBe(run.builtDigest());
      expect(containerOf(one(TYPES.taskDefinition)).image).toBe(ref);
    });

    it("ECR: scan on push, immutable tags, KMS encryption, lifecycle policy", () => {
      expect(one(TYPES.repository).inputs).toMatchObject({
        name: `${environmentName}-release-ledger`,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: NETWORK.kmsKeyArn }],
      });
      const rules = JSON.parse(String(one(TYPES.lifecycle).inputs.policy)).rules;
      expect(rules.map((r: any) => r.selection.tagStatus)).toEqual(["untagged", "any"]);
    });
  });

  describe(`compute layer, ${environmentName}: task`, () => {
    it("hardened container: read-only root, non-root user, /tmp volume, health check", () => {
      const task = one(TYPES.taskDefinition);
      const container = containerOf(task);
      expect(container.readonlyRootFilesystem).toBe(true);
      expect(container.user).toBe("1000:1000");
      expect(container.mountPoints).toEqual([{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
      expect(task.inputs.volumes).toEqual([{ name: "tmp" }]);
      expect(container.healthCheck.command).toEqual(["CMD", "node", "dist/healthcheck.js"]);
      expect(task.inputs).toMatchObject({
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(run.environment.service.cpu),
        memory: String(run.environment.service.memoryMb),
      });
    });

    it("stop timeout is longer than the service's shutdown timeout", () => {
      const container = containerOf(one(TYPES.taskDefinition));
      const shutdownSeconds = run.environment.service.shutdownTimeoutMs / 1000;
      expect(container.stopTimeout).toBeGreaterThan(shutdownSeconds);
      expect(container.stopTimeout).toBeLessThanOrEqual(120);
      expect(container.environment).toContainEqual({ name: "SHUTDOWN_TIMEOUT_MS", value: String(run.environment.service.shutdownTimeoutMs) });
    });

    it("no secret in plain environment: credentials only through `secrets`, from the data layer's ARNs", () => {
      const container = containerOf(one(TYPES.taskDefinition));
      const plain = container.environment as { name: string; value: string }[];
      for (const name of SECRET_NAMES) expect(plain.map((v) => v.name)).not.toContain(name);
      for (const v of plain) {
        expect(v.value).not.toContain("secretsmanager");
        expect(v.name).not.toMatch(/PASSWORD|TOKEN|SECRET/);
      }
      // The RDS master only for the startup migration (valid: injected at task start); the service's own login
      // has no password at all: IAM database authentication with the task role.
      expect(container.secrets).toEqual([
        { name: "MIGRATION_PGUSER", valueFrom: `${DATA.dbMasterSecretArn}:username::` },
        { name: "MIGRATION_PGPASSWORD", valueFrom: `${DATA.dbMasterSecretArn}:password::` },
        { name: "REDIS_AUTH_TOKEN", valueFrom: DATA.redisAuthSecretArn },
      ]);
      expect(plain.map((v) => v.name)).not.toContain("PGAUTH_ARN");
      expect(Object.fromEntries(plain.map((v) => [v.name, v.value]))).toMatchObject({
        DB_AUTH: "iam",
        AWS_REGION: "eu-west-1",
        PGUSER: DATA.dbAppUsername,
        PGHOST: DATA.dbEndpoint,
        PGPORT: "5432",
        PGDATABASE: DATA.dbName,
        PGSSLMODE: "verify-full",
        REDIS_HOST: DATA.redisEndpoint,
        REDIS_TLS: "true",
        PLATFORM_ENVIRONMENT: environmentName,
        PORT: String(run.environment.service.port),
      });
    });

    it("trusts exactly two proxies (CloudFront, then the ALB), so the auth-failure budget counts each client, not the ALB", () => {
      const plain = containerOf(one(TYPES.taskDefinition)).environment as { name: string; value: string }[];
      expect(plain.filter((v) => v.name === "TRUST_PROXY")).toEqual([{ name: "TRUST_PROXY", value: "2" }]);
    });

    it("logs to an encrypted log group with the environment's retention", () => {
      const logGroup = one(TYPES.logGroup, "service-logs");
      expect(logGroup.inputs).toMatchObject({ retentionInDays: run.environment.logRetentionDays, kmsKeyId: NETWORK.kmsKeyArn });
      expect(containerOf(one(TYPES.taskDefinition)).logConfiguration.options["awslogs-group"]).toBe(logGroup.inputs.name);
      expect(run.outputs.logGroupName).toBe(logGroup.inputs.name);
    });

    it("execution role: pull from the repository, write the log group, read exactly the two secrets, decrypt with the key", () => {
      const policy = JSON.parse(String(one(TYPES.rolePolicy, "service-execution-policy").inputs.policy));
      const byId = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
      expect(byId.EcrPull.Resource).toEqual([run.arnOf(one(TYPES.repository))]);
      expect(byId.WriteLogs.Resource).toBe(`${run.arnOf(one(TYPES.logGroup, "service-logs"))}:*`);
      expect(byId.ReadSecrets.Resource).toEqual([DATA.dbMasterSecretArn, DATA.redisAuthSecretArn]);
      expect(byId.DecryptSecrets).toMatchObject({ Action: "kms:Decrypt", Resource: NETWORK.kmsKeyArn });
      const task = one(TYPES.taskDefinition);
      expect(task.inputs.executionRoleArn).toBe(run.arnOf(one(TYPES.role, "service-execution-role")));
      expect(task.inputs.taskRoleArn).toBe(run.arnOf(one(TYPES.role, "service-task-role")));
    });

    it("task role: separate, and may only sign in to this database as the application user (rds-db:connect)", () => {
      const taskRole = one(TYPES.role, "service-task-role").id;
      const grants = [...all(TYPES.rolePolicy), ...all(TYPES.attachment)].filter((p) => p.inputs.role === taskRole || p.inputs.role === "service-task-role");
      expect(grants.map((g) => g.name)).toEqual(["service-task-policy"]);
      expect(JSON.parse(String(grants[0]!.inputs.policy)).Statement).toEqual([
        {
          Sid: "ConnectAsApplicationUser",
          Effect: "Allow",
          Action: "rds-db:connect",
          Resource: `arn:aws:rds-db:eu-west-1:123456789012:dbuser:${DATA.dbResourceId}/ledger_app`,
        },
      ]);
      expect(JSON.parse(String(one(TYPES.role, "service-task-role").inputs.assumeRolePolicy)).Statement[0].Principal).toEqual({
        Service: "ecs-tasks.amazonaws.com",
      });
    });
    it("every IAM role carries the workload permissions boundary the deploy role requires (docs/ci-cd.md)", () => {
      const roles = all(TYPES.role);
      expect(roles.map((r) => r.name).sort()).toEqual(
        [
          "service-execution-role",
          "service-task-role",
          // The nightly DORA snapshot function and the schedule that invokes it.
          "dora-snapshot",
          "dora-snapshot-scheduler",
          ...(expected.targetGroups === 2 ? ["service-ecs-infrastructure-role"] : []),
          // Production copies every image to its DR region (ECR's repository-creation template role).
          ...(expected.deletionProtection ? ["service-image-replication-template"] : []),
          // Service Connect TLS: the role ECS issues the proxies' certificates with (mesh-suite.ts).
          ...(run.environment.mesh.mode === "service-connect" && run.environment.mesh.mtls ? ["service-mesh-tls-role"] : []),
        ].sort(),
      );
      for (const role of roles) expect(role.inputs.permissionsBoundary, role.name).toBe(WORKLOAD_BOUNDARY);
    });
  });

  describe(`compute layer, ${environmentName}: service and delivery`, () => {
    it("private subnets, no public IP, the service security group, grace period, desired count from minTasks (ignored later)", () => {
      const service = one(TYPES.service);
      expect(service.inputs).toMatchObject({
        launchType: "FARGATE",
        desiredCount: run.environment.service.minTasks,
        healthCheckGracePeriodSeconds: 60,
        networkConfiguration: { subnets: NETWORK.privateSubnetIds, securityGroups: [NETWORK.serviceSecurityGroupId], assignPublicIp: false },
      });
      expect(run.options.get(`${TYPES.service}::service`)?.ignoreChanges).toContain("desiredCount");
    });

    it("circuit breaker with rollback, and the 5xx and p99 alarms (and the mesh's, with a mesh) roll a deployment back", () => {
      const service = one(TYPES.service);
      const rollbackAlarms = [
        `${environmentName}-service-5xx-rate`,
        `${environmentName}-service-p99-latency`,
        ...(run.environment.mesh.mode === "none" ? [] : [`${environmentName}-mesh-5xx-rate`]),
      ];
      expect(service.inputs.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
      expect(service.inputs.alarms).toEqual({ alarmNames: rollbackAlarms, enable: true, rollback: true });
      expect(run.outputs.deploymentAlarmNames).toEqual(rollbackAlarms);
    });

    it(`deploys ${expected.strategy} with ${expected.targetGroups} target group(s), settings from the environment file`, () => {
      const service = one(TYPES.service);
      const d = run.environment.deployment;
      const groups = all(TYPES.targetGroup);
      expect(groups).toHaveLength(expected.targetGroups);
      expect(run.outputs.targetGroupArns).toEqual(groups.map((g) => run.arnOf(g)));
      const [lb] = service.inputs.loadBalancers as any[];
      expect(lb).toMatchObject({ targetGroupArn: run.arnOf(one(TYPES.targetGroup, "service-blue")), containerName: "service", containerPort: 8080 });
      if (expected.strategy === "CANARY") {
        expect(service.inputs.deploymentConfiguration).toEqual({
          strategy: "CANARY",
          bakeTimeInMinutes: String(d.bakeMinutes),
          canaryConfiguration: { canaryPercent: d.canaryPercent, canaryBakeTimeInMinutes: String(d.bakeMinutes) },
        });
        const rule = one(TYPES.listenerRule);
        // ECS shifts traffic on the rule that also demands the origin header.
        expect(((rule.inputs.conditions as any).value as any[]).some((c) => c.httpHeader?.httpHeaderName === "X-Origin-Verify")).toBe(true);
        const infraRole = one(TYPES.role, "service-ecs-infrastructure-role");
        expect(lb.advancedConfiguration).toEqual({
          alternateTargetGroupArn: run.arnOf(one(TYPES.targetGroup, "service-green")),
          productionListenerRule: run.arnOf(rule),
          roleArn: run.arnOf(infraRole),
        });
        expect((rule.inputs.actions as any)[0].forward.targetGroups).toEqual([
          { arn: run.arnOf(one(TYPES.targetGroup, "service-blue")), weight: 100 },
          { arn: run.arnOf(one(TYPES.targetGroup, "service-green")), weight: 0 },
        ]);
        expect(run.options.get(`${TYPES.listenerRule}::service-production-rule`)?.ignoreChanges).toContain("actions");
        expect(one(TYPES.attachment, "service-ecs-infrastructure-policy").inputs.policyArn).toBe(
          "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers",
        );
      } else {
        expect(service.inputs.deploymentConfiguration).toEqual({ strategy: "ROLLING" });
        expect(lb.advancedConfiguration).toBeUndefined();
        // Same rule as blue/green, forwarding to the one target group; Pulumi owns its actions.
        expect(one(TYPES.listenerRule, "service-production-rule").inputs.actions).toEqual([
          { type: "forward", targetGroupArn: run.arnOf(one(TYPES.targetGroup, "service-blue")) },
        ]);
        expect(run.options.get(`${TYPES.listenerRule}::service-production-rule`)?.ignoreChanges ?? []).not.toContain("actions");
      }
    });

    it("autoscaling between minTasks and maxTasks on CPU and on ALB requests", () => {
      expect(one(TYPES.scalingTarget).inputs).toMatchObject({
        minCapacity: run.environment.service.minTasks,
        maxCapacity: run.environment.service.maxTasks,
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: `service/${clusterName()}/release-ledger`,
      });
      const policies = all(TYPES.scalingPolicy).map((p) => p.inputs.targetTrackingScalingPolicyConfiguration as any);
      expect(policies).toHaveLength(2);
      expect(policies[0].predefinedMetricSpecification.predefinedMetricType).toBe("ECSServiceAverageCPUUtilization");
      const requests = policies[1];
      if (expected.targetGroups === 1) {
        expect(requests.predefinedMetricSpecification).toEqual({
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: `${String(one(TYPES.loadBalancer, "service-alb").state.arnSuffix)}/${String(one(TYPES.targetGroup, "service-blue").state.arnSuffix)}`,
        });
      } else {
        // Blue/green swaps the serving target group, so it scales on ALB requests per running task.
        const metrics = requests.customizedMetricSpecification.metrics;
        expect(metrics.find((m: any) => m.id === "requests").metricStat.metric).toMatchObject({ metricName: "RequestCount", namespace: "AWS/ApplicationELB" });
        expect(metrics.find((m: any) => m.returnData).expression).toMatch(/requests \/ tasks/);
      }
    });
  });

  describe(`compute layer, ${environmentName}: load balancer`, () => {
    it(`internet-facing in public subnets, drops invalid headers, access logs on, deletion protection ${expected.deletionProtection}`, () => {
      const alb = one(TYPES.loadBalancer, "service-alb");
      expect(alb.inputs).toMatchObject({
        internal: false,
        loadBalancerType: "application",
        subnets: NETWORK.publicSubnetIds,
        securityGroups: [NETWORK.albSecurityGroupId],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: expected.deletionProtection,
        accessLogs: { enabled: true, prefix: "alb", bucket: one(TYPES.bucket, "service-alb-logs").id },
      });
      expect(run.outputs.albArn).toBe(run.arnOf(alb));
      expect(run.outputs.albDnsName).toBe(alb.state.dnsName);
    });

    it("access log bucket: SSE-S3, no public access, expiry, ELB log delivery may write under its prefix", () => {
      const bucketId = one(TYPES.bucket, "service-alb-logs").id;
      expect(one(TYPES.bucketEncryption, "service-alb-logs-encryption").inputs).toMatchObject({
        bucket: bucketId,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      });
      expect(one(TYPES.bucketPublicAccess, "service-alb-logs-public-access").inputs).toMatchObject({
        bucket: bucketId,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect((one(TYPES.bucketLifecycle, "service-alb-logs-lifecycle").inputs.rules as any[])[0].expiration).toEqual({
        days: run.environment.logRetentionDays,
      });
      const policy = JSON.parse(String(one(TYPES.bucketPolicy, "service-alb-logs-policy").inputs.policy));
      expect(policy.Statement[0]).toMatchObject({
        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${run.arnOf(one(TYPES.bucket, "service-alb-logs"))}/alb/AWSLogs/123456789012/*`,
      });
    });

    it("HTTPS answers 403 by default; its one rule forwards only requests with CloudFront's secret origin header", () => {
      expect(one(TYPES.listener, "service-https").inputs.defaultActions).toEqual([
        { type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Forbidden", statusCode: "403" } },
      ]);
      const rule = one(TYPES.listenerRule, "service-production-rule");
      expect(rule.inputs).toMatchObject({ listenerArn: run.arnOf(one(TYPES.listener, "service-https")), priority: 100 });
      // The conditions carry the secret, so Pulumi sends (and stores) them as a secret.
      const conditions = rule.inputs.conditions as any;
      expect(isWireSecret(conditions)).toBe(true);
      expect(conditions.value).toContainEqual({ httpHeader: { httpHeaderName: "X-Origin-Verify", values: [originSecret()] } });
      for (const action of rule.inputs.actions as any[]) expect(action.type).toBe("forward");
      // The rule that requires the header changes only after the distribution that sends it is deployed.
      const dependsOn = (run.options.get(`${TYPES.listenerRule}::service-production-rule`)?.dependsOn ?? []) as { __pulumiType?: string }[];
      expect(dependsOn.map((d) => d.__pulumiType)).toContain("platform:edge:Edge");
    });

    it("CloudFront sends the origin header with the same deploy-time secret (32 letters and digits), marked secret", () => {
      expect(one("random:index/randomPassword:RandomPassword", "origin-verify").inputs).toMatchObject({ length: 32, special: false });
      const origins = one("aws:cloudfront/distribution:Distribution").inputs.origins as any;
      expect(isWireSecret(origins)).toBe(true);
      expect(origins.value).toHaveLength(1);
      expect(origins.value[0]).toMatchObject({
        domainName: `origin.${run.environment.dns.domainName}`,
        customHeaders: [{ name: "X-Origin-Verify", value: originSecret() }],
        customOriginConfig: { originProtocolPolicy: "https-only" },
      });
    });

    it("HTTP redirects to HTTPS with 301", () => {
      expect(one(TYPES.listener, "service-http").inputs).toMatchObject({
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      });
    });

    it("HTTPS with a TLS 1.3 policy and the DNS-validated origin certificate", () => {
      const https = one(TYPES.listener, "service-https");
      expect(https.inputs).toMatchObject({ port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
      const cert = one(TYPES.certificate, "service-origin-cert");
      expect(cert.inputs).toMatchObject({ domainName: `origin.${run.environment.dns.domainName}`, validationMethod: "DNS" });
      expect(https.inputs.certificateArn).toBe(run.arnOf(cert));
      expect(one(TYPES.record, "service-origin-cert-record").inputs).toMatchObject({
        type: "CNAME",
        name: (cert.state.domainValidationOptions as { resourceRecordName: string }[])[0]!.resourceRecordName,
      });
    });

    it("Route 53 alias origin.<domain> points at the ALB", () => {
      expect(one(TYPES.record, "service-origin-record").inputs).toMatchObject({
        name: `origin.${run.environment.dns.domainName}`,
        type: "A",
        aliases: [{ name: one(TYPES.loadBalancer, "service-alb").state.dnsName, zoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: true }],
      });
    });

    it("target groups health-check /readyz and wait shutdown + 5 s before forgetting a target", () => {
      for (const tg of all(TYPES.targetGroup)) {
        expect(tg.inputs).toMatchObject({
          targetType: "ip",
          port: 8080,
          deregistrationDelay: run.environment.service.shutdownTimeoutMs / 1000 + 5,
          healthCheck: { path: "/readyz", matcher: "200" },
        });
      }
    });
  });

  describe(`compute layer, ${environmentName}: alarms, outputs, tags`, () => {
    it("every alarm of the layer notifies an alert topic on ALARM and OK and links its runbook", () => {
      const alarms = all(TYPES.alarm);
      expect(alarms.length).toBeGreaterThanOrEqual(4);
      // CloudFront's alarm lives in us-east-1 and can only notify a topic there (the Edge's own, same e-mails).
      const usEast1Topics = all("aws:sns/topic:Topic")
        .filter((t) => /::aws-us-east-1::/.test(t.provider ?? ""))
        .map((t) => run.arnOf(t));
      for (const alarm of alarms) {
        const topics = /::aws-us-east-1::/.test(alarm.provider ?? "") ? usEast1Topics : [NETWORK.alertTopicArn];
        expect(alarm.inputs.alarmActions, alarm.name).toEqual(expect.arrayContaining([expect.toBeOneOf(topics)]));
        expect(alarm.inputs.okActions, alarm.name).toEqual(alarm.inputs.alarmActions);
        expect(alarm.inputs.alarmDescription, alarm.name).toMatch(/Runbook: docs\/runbooks\.md#/);
      }
      const regional = alarms.filter((a) => !/::aws-us-east-1::/.test(a.provider ?? ""));
      for (const alarm of regional) expect(alarm.inputs.alarmActions, alarm.name).toContain(NETWORK.alertTopicArn);
    });

    it("service alarms measure what they say, with the environment's thresholds", () => {
      const d = run.environment.deployment;
      const fiveXx = one(TYPES.alarm, "service-alarms-service-5xx-rate").inputs;
      expect(fiveXx.threshold).toBe(d.alarm5xxRatePercent);
      expect((fiveXx.metricQueries as any[]).find((q) => q.returnData).expression).toMatch(/100 \* .*target5xx.*\/ requests/);
      const p99 = one(TYPES.alarm, "service-alarms-service-p99-latency").inputs;
      expect(p99).toMatchObject({ extendedStatistic: "p99", metricName: "TargetResponseTime", threshold: d.alarmP99LatencyMs / 1000 });
      const unhealthy = one(TYPES.alarm, "service-alarms-service-unhealthy-hosts").inputs;
      expect((unhealthy.metricQueries as any[]).filter((q) => q.metric?.metricName === "UnHealthyHostCount")).toHaveLength(expected.targetGroups);
      const running = one(TYPES.alarm, "service-alarms-service-running-tasks-low").inputs;
      expect(running).toMatchObject({
        comparisonOperator: "LessThanThreshold",
        threshold: run.environment.service.minTasks,
        dimensions: { ClusterName: clusterName(), ServiceName: "release-ledger" },
      });
    });

    it("alarms lists every alarm of the layer with the region it lives in and its kind", () => {
      // The region an alarm lives in is its provider's (the CloudFront alarm: the us-east-1 provider).
      // A provider reference is <provider urn>::<id>; the urn ends in the provider's name.
      const regionOf = (provider: string | undefined) =>
        run.resources.find((r) => r.type === "pulumi:providers:aws" && provider?.split("::")[3] === r.name)?.inputs.region;
      // The DORA snapshot job's alarm is not a release's: it stays out of the soak gate.
      const expected = all(TYPES.alarm)
        .filter((a) => a.name !== "dora-snapshot-failed")
        .map((a) => ({
          name: (a.inputs.name as string | undefined) ?? a.name,
          region: regionOf(a.provider),
          kind: a.inputs.thresholdMetricId === undefined ? "threshold" : "anomaly",
        }));
      const byName = (x: { name: string }, y: { name: string }) => x.name.localeCompare(y.name);
      expect([...(run.outputs.alarms as { name: string }[])].sort(byName)).toEqual(expected.sort(byName));
      expect(expected.filter((a) => a.region === "us-east-1").map((a) => a.name)).toEqual([`${environmentName}-release-ledger-cdn-5xx-rate`]);
      expect(new Set(expected.map((a) => a.kind))).toEqual(new Set(["threshold", "anomaly"]));
    });

    it("outputs exactly the contract's keys", () => {
      expect(Object.keys(run.outputs).sort()).toEqual([...LAYER_OUTPUT_NAMES.compute].sort());
      expect(run.outputs).toMatchObject({
        ecrRepositoryUrl: `${REGISTRY}/${environmentName}-release-ledger`,
        clusterName: clusterName(),
        serviceName: "release-ledger",
      });
      expect(run.outputs.serviceUrl).toBe(`https://${run.environment.dns.domainName}`);
    });

    it("every taggable resource carries the layer's tags; every AWS resource uses an explicit provider", () => {
      const tags = layerTags(run.environment, "compute");
      const taggable = run.resources.filter((r) => isTaggable(r.type));
      expect(taggable.length).toBeGreaterThan(15);
      for (const r of taggable) expect(r.inputs.tags, `${r.type} ${r.name}`).toMatchObject(tags);
      for (const r of run.resources.filter((x) => x.type.startsWith("aws:"))) {
        expect(r.provider, `${r.type} ${r.name}`).toMatch(/pulumi:providers:aws::aws(-us-east-1|-dr)?::/);
      }
    });
  });
}

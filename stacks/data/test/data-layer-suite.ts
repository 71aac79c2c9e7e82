/* eslint-disable @typescript-eslint/no-explicit-any -- recorded mock inputs are untyped JSON; the assertions give them shape. */
/**
 * The data layer's tests: checks both environments' data layers must pass, on the inputs the program actually
 * sent, and the suite each <env>.test.ts runs with what differs per environment.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { dailyOverlapsWeekly, type RunbookKey } from "@platform/infra";
import { loadEnvironment, type Environment } from "@platform/infra/environment";
import { isTaggable, LAYER_OUTPUT_NAMES, layerTags } from "@platform/infra/layers";
import { isWireSecret, settle } from "@platform/infra/testing";
import { NETWORK, runDataProgram, type DataRun } from "./data-harness";

/** Type tokens of the resources these tests look up. */
export const TYPES = {
  instance: "aws:rds/instance:Instance",
  dbSubnets: "aws:rds/subnetGroup:SubnetGroup",
  dbParams: "aws:rds/parameterGroup:ParameterGroup",
  backupReplication: "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  kmsKey: "aws:kms/key:Key",
  kmsAlias: "aws:kms/alias:Alias",
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheSubnets: "aws:elasticache/subnetGroup:SubnetGroup",
  cacheParams: "aws:elasticache/parameterGroup:ParameterGroup",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  randomPassword: "random:index/randomPassword:RandomPassword",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  sarStack: "aws:serverlessrepository/cloudFormationStack:CloudFormationStack",
  rotation: "aws:secretsmanager/secretRotation:SecretRotation",
  provider: "pulumi:providers:aws",
} as const;

/** Every alarm the data tier must have in every environment, by logical name, with its runbook entry. */
export const EXPECTED_ALARMS: Readonly<Record<string, RunbookKey>> = {
  "postgres-cpu-high": "db-cpu-high",
  "postgres-free-storage-low": "db-free-storage-low",
  "postgres-connections-high": "db-connections-high",
  "postgres-backup-stale": "db-backup-stale",
  "redis-cpu-high": "cache-cpu-high",
  "redis-memory-high": "cache-memory-high",
  "redis-evictions": "cache-evictions",
};

type Inputs = Record<string, any>;

/** The value inside a serialized Pulumi secret; fails if the value is not marked secret. */
function asSecret(value: unknown): unknown {
  expect(isWireSecret(value), "value must be a Pulumi secret").toBe(true);
  return (value as Inputs).value;
}

/**
 * The data layer's tests for one environment (staging.test.ts, prod.test.ts): runs the program once, the checks
 * every environment passes, then the environment's own (`specific`).
 */
export function dataLayerSuite(environmentName: string, specific: (run: () => DataRun, environment: Environment) => void): void {
  const environment = loadEnvironment(environmentName);
  let run: DataRun;
  beforeAll(async () => {
    run = await runDataProgram(environment);
  });
  describe(`data layer, ${environmentName}`, () => {
    commonDataLayerChecks(environment, () => run);
    specific(() => run, environment);
  });
}

/** Registers the checks that hold for every environment. `run` is read lazily (it is built in beforeAll). */
function commonDataLayerChecks(environment: Environment, run: () => DataRun): void {
  const one = (type: string, name?: string): Inputs => run().recorder.one(type, name).inputs;
  /** What the simulation answered for a resource: its id and computed attributes (the one table's). */
  const simulated = (type: string, name?: string) => run().recorder.one(type, name);
  const address = () => simulated(TYPES.instance).state.address;
  const masterSecretArn = () => (simulated(TYPES.instance).state.masterUserSecrets as { secretArn: string }[])[0]!.secretArn;
  const identifier = `ledger-${environment.name}`;

  it("returns exactly the contract's outputs, with the values the resources have", async () => {
    const outputs = await settle(run().outputs);
    expect(Object.keys(outputs).sort()).toEqual([...LAYER_OUTPUT_NAMES.data].sort());
    expect(outputs).toEqual({
      dbEndpoint: address(),
      dbPort: 5432,
      dbName: "ledger",
      dbInstanceIdentifier: identifier,
      dbMasterSecretArn: masterSecretArn(),
      dbResourceId: simulated(TYPES.instance).state.resourceId,
      dbAppUsername: "ledger_app",
      redisEndpoint: simulated(TYPES.replicationGroup).state.primaryEndpointAddress,
      redisPort: 6379,
      redisReplicationGroupId: identifier,
      redisAuthSecretArn: simulated(TYPES.secret, "redis-auth").state.arn,
    });
  });

  it("every IAM role it declares carries the workload permissions boundary the deploy role requires (docs/ci-cd.md)", () => {
    const roles = run().recorder.ofType(TYPES.role);
    expect(roles.map((role) => role.name)).toEqual(["postgres-monitoring"]);
    for (const role of roles) expect(role.inputs.permissionsBoundary, role.name).toBe("arn:aws:iam::123456789012:policy/platform-workload-boundary");
  });

  it("reads the network layer of the same environment", () => {
    expect(run().recorder.references).toEqual([`organization/platform-network/${environment.name}`]);
  });

  it("runs PostgreSQL privately in the isolated subnets behind the database security group", () => {
    const db = one(TYPES.instance);
    const subnets = one(TYPES.dbSubnets);
    expect(db.engine).toBe("postgres");
    expect(db.engineVersion).toBe(environment.database.engineVersion.split(".")[0]);
    expect(db.instanceClass).toBe(environment.database.instanceClass);
    expect(db.publiclyAccessible).toBe(false);
    expect(subnets.subnetIds).toEqual(NETWORK.isolatedSubnetIds);
    expect(db.dbSubnetGroupName).toBe(simulated(TYPES.dbSubnets, "postgres-subnets").state.name);
    expect(db.vpcSecurityGroupIds).toEqual([NETWORK.databaseSecurityGroupId]);
    expect(db.dbName).toBe("ledger");
  });

  it("encrypts storage with the network's KMS key on gp3 with storage autoscaling", () => {
    const db = one(TYPES.instance);
    expect(db.storageEncrypted).toBe(true);
    expect(db.kmsKeyId).toBe(NETWORK.kmsKeyArn);
    expect(db.storageType).toBe("gp3");
    expect(db.allocatedStorage).toBe(environment.database.allocatedStorageGb);
    expect(db.maxAllocatedStorage).toBe(environment.database.maxAllocatedStorageGb);
    expect(db.maxAllocatedStorage).toBeGreaterThan(db.allocatedStorage);
  });

  it("lets RDS manage the master password in Secrets Manager; no password input anywhere", () => {
    const db = one(TYPES.instance);
    expect(db.manageMasterUserPassword).toBe(true);
    expect(db.masterUserSecretKmsKeyId).toBe(NETWORK.kmsKeyArn);
    for (const r of run().resources) {
      const passwordKeys = Object.keys(r.inputs).filter((k) => /password/i.test(k) && k !== "manageMasterUserPassword");
      expect(passwordKeys, `${r.type} ${r.name}`).toEqual([]);
    }
  });

  it("forces TLS and logs slow queries through a parameter group of the engine's family", () => {
    const params = one(TYPES.dbParams);
    expect(params.family).toBe(`postgres${environment.database.engineVersion.split(".")[0]}`);
    const values = Object.fromEntries((params.parameters as Inputs[]).map((p) => [p.name, p.value]));
    expect(values["rds.force_ssl"]).toBe("1");
    expect(Number(values.log_min_duration_statement)).toBeGreaterThan(0);
    expect(one(TYPES.instance).parameterGroupName).toBe(simulated(TYPES.dbParams, "postgres-params").state.name);
  });

  it("exports PostgreSQL logs into log groups it created with a retention and the KMS key", () => {
    const db = one(TYPES.instance);
    expect(db.enabledCloudwatchLogsExports).toEqual(expect.arrayContaining(["postgresql", "upgrade"]));
    for (const log of db.enabledCloudwatchLogsExports as string[]) {
      const group = one(TYPES.logGroup, `postgres-log-${log}`);
      expect(group.name).toBe(`/aws/rds/instance/${identifier}/${log}`);
      expect(group.retentionInDays).toBe(environment.logRetentionDays);
      expect(group.kmsKeyId).toBe(NETWORK.kmsKeyArn);
    }
  });

  it("turns on Performance Insights (KMS key) and enhanced monitoring with its IAM role", () => {
    const db = one(TYPES.instance);
    expect(db.performanceInsightsEnabled).toBe(true);
    expect(db.performanceInsightsKmsKeyId).toBe(NETWORK.kmsKeyArn);
    expect(db.monitoringInterval).toBeGreaterThan(0);
    expect(db.monitoringRoleArn).toBe(simulated(TYPES.role, "postgres-monitoring").state.arn);
    const trust = JSON.parse(one(TYPES.role, "postgres-monitoring").assumeRolePolicy as string);
    expect(trust.Statement[0].Principal.Service).toBe("monitoring.rds.amazonaws.com");
    // Confused deputy: only RDS acting for this account's instance may assume the role.
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": `arn:aws:rds:eu-west-1:123456789012:db:${db.identifier}` },
    });
    const attachment = one(TYPES.rolePolicy, "postgres-monitoring");
    expect(attachment.policyArn).toBe("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
    expect(attachment.role).toBe(simulated(TYPES.role, "postgres-monitoring").state.name);
  });

  it("upgrades minor versions, copies tags to snapshots and keeps explicit, non-overlapping backup and maintenance windows", () => {
    const db = one(TYPES.instance);
    expect(db.autoMinorVersionUpgrade).toBe(true);
    expect(db.copyTagsToSnapshot).toBe(true);
    expect(db.backupRetentionPeriod).toBe(environment.database.backupRetentionDays);
    expect(db.backupRetentionPeriod).toBeGreaterThanOrEqual(1);
    expect(db.backupWindow).toMatch(/^\d\d:\d\d-\d\d:\d\d$/);
    expect(db.maintenanceWindow).toMatch(/^[a-z]{3}:\d\d:\d\d-[a-z]{3}:\d\d:\d\d$/);
    expect(dailyOverlapsWeekly(db.backupWindow, db.maintenanceWindow)).toBe(false);
  });

  it("takes a final snapshot and keeps automated backups when the instance is deleted", () => {
    const db = one(TYPES.instance);
    expect(db.skipFinalSnapshot).toBe(false);
    expect(db.finalSnapshotIdentifier).toBe(`${identifier}-final`);
    expect(db.deleteAutomatedBackups).toBe(false);
  });

  it("sets Multi-AZ and deletion protection from the environment", () => {
    const db = one(TYPES.instance);
    expect(db.multiAz).toBe(environment.database.multiAz);
    expect(db.deletionProtection).toBe(environment.database.deletionProtection);
  });

  it("encrypts Redis at rest with the KMS key and in transit, in the isolated subnets behind the cache group", () => {
    const rg = one(TYPES.replicationGroup);
    expect(rg.engine).toBe("redis");
    expect(rg.atRestEncryptionEnabled).toBe(true);
    expect(rg.kmsKeyId).toBe(NETWORK.kmsKeyArn);
    expect(rg.transitEncryptionEnabled).toBe(true);
    expect(rg.transitEncryptionMode).toBe("required");
    expect(rg.securityGroupIds).toEqual([NETWORK.cacheSecurityGroupId]);
    expect(one(TYPES.cacheSubnets).subnetIds).toEqual(NETWORK.isolatedSubnetIds);
    expect(rg.subnetGroupName).toBe(simulated(TYPES.cacheSubnets, "redis-subnets").state.name);
    expect(rg.parameterGroupName).toBe(simulated(TYPES.cacheParams, "redis-params").state.name);
    expect(one(TYPES.cacheParams).family).toBe(`redis${environment.cache.engineVersion.split(".")[0]}`);
  });

  it("protects Redis with an AUTH token generated at deploy time and stored in a KMS-encrypted secret", () => {
    const password = one(TYPES.randomPassword, "redis-auth-token");
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(password.length).toBeLessThanOrEqual(128);
    // ElastiCache rejects @, " and /: either no special characters or a safe set.
    if (password.special !== false) expect(password.overrideSpecial).toMatch(/^[^@"/ ]+$/);
    const token = simulated(TYPES.randomPassword, "redis-auth-token").state.result;
    // The token travels (and sits in state) as a Pulumi secret.
    expect(asSecret(one(TYPES.replicationGroup).authToken)).toBe(token);
    const secret = one(TYPES.secret, "redis-auth");
    expect(secret.kmsKeyId).toBe(NETWORK.kmsKeyArn);
    const version = one(TYPES.secretVersion, "redis-auth");
    expect(version.secretId).toBe(simulated(TYPES.secret, "redis-auth").id);
    expect(asSecret(version.secretString)).toBe(token);
  });

  it("gives the service its own database user, not the master, signed in with IAM authentication: no password, nothing to rotate", async () => {
    const db = one(TYPES.instance);
    expect(db.iamDatabaseAuthenticationEnabled).toBe(true);
    const outputs = await settle(run().outputs);
    expect(outputs.dbAppUsername).toBe("ledger_app");
    // What the compute layer's rds-db:connect names: the DbiResourceId, not the identifier.
    expect(outputs.dbResourceId).toMatch(/^db-[A-Z0-9]+$/);
    // No secret, rotation, rotation function or its network path: only the Redis token is a secret here.
    expect(
      run()
        .recorder.ofType(TYPES.secret)
        .map((r) => r.name),
    ).toEqual(["redis-auth"]);
    for (const type of [TYPES.sarStack, TYPES.rotation, TYPES.securityGroup, TYPES.ingressRule, TYPES.egressRule])
      expect(run().recorder.ofType(type), type).toEqual([]);
  });

  it("keeps Redis snapshots daily in a window apart from maintenance, and a final snapshot", () => {
    const rg = one(TYPES.replicationGroup);
    expect(rg.snapshotRetentionLimit).toBe(environment.cache.snapshotRetentionDays);
    expect(rg.snapshotRetentionLimit).toBeGreaterThanOrEqual(1);
    expect(rg.snapshotWindow).toMatch(/^\d\d:\d\d-\d\d:\d\d$/);
    expect(dailyOverlapsWeekly(rg.snapshotWindow, rg.maintenanceWindow, 60)).toBe(false);
    expect(rg.finalSnapshotIdentifier).toBe(`${identifier}-final`);
  });

  it("sizes Redis replicas, failover and Multi-AZ from the replica count", () => {
    const rg = one(TYPES.replicationGroup);
    const replicated = environment.cache.replicaCount >= 1;
    expect(rg.numCacheClusters).toBe(1 + environment.cache.replicaCount);
    expect(rg.automaticFailoverEnabled).toBe(replicated);
    expect(rg.multiAzEnabled).toBe(replicated);
    expect(rg.nodeType).toBe(environment.cache.nodeType);
  });

  it("has every data-tier alarm, each described with its runbook and notifying the alert topic on ALARM and OK", () => {
    const alarms = run().recorder.ofType(TYPES.alarm);
    expect(alarms.map((a) => a.name).sort()).toEqual(Object.keys(EXPECTED_ALARMS).sort());
    for (const alarm of alarms) {
      const key = EXPECTED_ALARMS[alarm.name]!;
      expect(alarm.inputs.alarmActions, alarm.name).toEqual([NETWORK.alertTopicArn]);
      expect(alarm.inputs.okActions, alarm.name).toEqual([NETWORK.alertTopicArn]);
      expect(alarm.inputs.alarmDescription, alarm.name).toMatch(new RegExp(`^\\S.+ Runbook: docs/runbooks\\.md#${key}$`));
    }
  });

  it("watches the right database and every Redis node", () => {
    const byName = new Map(
      run()
        .recorder.ofType(TYPES.alarm)
        .map((a) => [a.name, a.inputs]),
    );
    const metrics: Record<string, string> = {
      "postgres-cpu-high": "CPUUtilization",
      "postgres-free-storage-low": "FreeStorageSpace",
      "postgres-connections-high": "DatabaseConnections",
      "postgres-backup-stale": "TransactionLogsDiskUsage",
    };
    for (const [name, metric] of Object.entries(metrics)) {
      const alarm = byName.get(name)!;
      expect(alarm.namespace).toBe("AWS/RDS");
      expect(alarm.metricName).toBe(metric);
      expect(alarm.dimensions).toEqual({ DBInstanceIdentifier: identifier });
    }
    const nodes = Array.from({ length: 1 + environment.cache.replicaCount }, (_, i) => `${identifier}-00${i + 1}`);
    for (const [name, metric] of [
      ["redis-cpu-high", "EngineCPUUtilization"],
      ["redis-memory-high", "DatabaseMemoryUsagePercentage"],
      ["redis-evictions", "Evictions"],
    ] as const) {
      const queries = byName.get(name)!.metricQueries as Inputs[];
      const watched = queries.filter((q) => q.metric).map((q) => q.metric.dimensions.CacheClusterId);
      expect(watched, name).toEqual(nodes);
      expect(queries.every((q) => !q.metric || q.metric.metricName === metric)).toBe(true);
      expect(queries.filter((q) => q.returnData)).toHaveLength(1);
    }
  });

  it("tags every taggable resource with the layer's tags", () => {
    const expected = layerTags(environment, "data");
    expect(expected.Layer).toBe("data");
    const aws = run().resources.filter((r) => r.type.startsWith("aws:"));
    expect(aws.length).toBeGreaterThan(15);
    for (const r of aws) {
      if (!isTaggable(r.type)) continue;
      // A secret the recovery environment recreates says so (policy prod-dr-prerequisites); nothing else differs.
      const recreated = environment.recovery.prepared && r.type === TYPES.secret && r.name === "redis-auth";
      expect(r.inputs.tags, `${r.type} ${r.name}`).toEqual(recreated ? { ...expected, DisasterRecovery: "recreated" } : expected);
    }
  });

  it("creates every AWS resource with the layer's explicit provider", () => {
    for (const r of run().resources.filter((x) => x.type.startsWith("aws:"))) {
      expect(r.provider, `${r.type} ${r.name}`).toMatch(/pulumi:providers:aws::aws(-dr)?::/);
    }
    expect(one(TYPES.provider, "aws").region).toBe(environment.awsRegion);
  });
}

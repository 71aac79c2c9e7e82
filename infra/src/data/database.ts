import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { databaseAlarmSpecs } from "./alarm-specs";
import { postgresMajorVersion, postgresParameterFamily } from "./engine-versions";
import { DATA_WINDOWS, validateDataWindows } from "./maintenance-windows";
import { managedMasterSecretArn } from "./master-secret";
import { serviceRole, serviceTrustPolicy, type TrustPolicyDocument } from "../iam/service-role";
import { createDataAlarms } from "./metric-alarms";
import { restoreProblems, restoreToPointInTime, type DatabaseRestore } from "./restore";
import { recoveryObjectiveProblems } from "./sizing";
import type { Environment } from "../environment/environment";

/** PostgreSQL's settings: an environment's `database` block, documented there. */
export type DatabaseSettings = Environment["database"];

export interface DatabaseArgs {
  /** Sizing and protection, usually `environment.database`. */
  readonly settings: DatabaseSettings;
  /** Production: settings must meet RPO 15 min / RTO 1 h, and the instance is protected from `pulumi destroy`. */
  readonly production: boolean;
  /** RDS instance identifier; the final snapshot is `${identifier}-final`. */
  readonly identifier: string;
  /** Snapshot taken when the instance is deleted. */
  readonly finalSnapshotIdentifier: string;
  /** Database created in the instance. Default "ledger". */
  readonly dbName?: string;
  /** Master user name; its password is generated and rotated by RDS in Secrets Manager. Default "ledger_admin". */
  readonly masterUsername?: string;
  /** Subnets with no route to the internet (at least two AZs). */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security group that admits only the service on 5432. */
  readonly securityGroupId: pulumi.Input<string>;
  /** Customer-managed KMS key for storage, Performance Insights, the master secret and the log groups. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Queries slower than this are logged (log_min_duration_statement, ms). Default 1000. */
  readonly slowQueryMs?: number;
  /** Enhanced monitoring interval (s). Default 60. */
  readonly monitoringIntervalSeconds?: 1 | 5 | 10 | 15 | 30 | 60;
  /** Retention of the exported PostgreSQL logs (days; a CloudWatch-accepted value). */
  readonly logRetentionDays: number;
  /** Provider in the DR region; required when settings.replicateBackupsToDr. */
  readonly drProvider?: aws.Provider;
  /** SNS topic every alarm notifies. */
  readonly alertTopicArn: pulumi.Input<string>;
  /**
   * Restore the instance to a point in time from replicated automated backups instead of creating it empty
   * (a recovery environment). Name, master user and data come from the source. Default: a new, empty database.
   */
  readonly restore?: DatabaseRestore;
  /**
   * A restore drill's copy, destroyed when the drill ends: no deletion protection, no `protect`, no final
   * snapshot, backups deleted with it; tagged DisasterRecovery=drill (the policies read it). Only with
   * `restore`. Default: false.
   */
  readonly disposable?: boolean;
  /** The region the instance lives in; required with `restore` (the backups must be there). */
  readonly region?: string;
  /** Tags on every taggable resource. */
  readonly tags: Record<string, string>;
}

/** PostgreSQL logs RDS exports to CloudWatch Logs. */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/**
 * The platform's PostgreSQL: a private, encrypted RDS instance whose master password RDS keeps in Secrets Manager,
 * with point-in-time recovery, optional backup replication to the DR region, and its alarms.
 */
/**
 * Trust policy of the enhanced-monitoring role: RDS may assume it only on behalf of this account's instance
 * (aws:SourceAccount, aws:SourceArn), so no other account's RDS can be made to act through it.
 */
export function enhancedMonitoringTrustPolicy(args: { partition: string; region: string; accountId: string; identifier: string }): TrustPolicyDocument {
  return serviceTrustPolicy({
    service: "monitoring.rds.amazonaws.com",
    sourceAccount: args.accountId,
    sourceArn: `arn:${args.partition}:rds:${args.region}:${args.accountId}:db:${args.identifier}`,
  });
}

export class Database extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  /** Host name of the writer. */
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly dbName: pulumi.Output<string>;
  readonly identifier: pulumi.Output<string>;
  /** The DbiResourceId (db-…): what rds-db:connect grants name. A restored copy has its own. */
  readonly resourceId: pulumi.Output<string>;
  /** ARN of the RDS-managed secret holding {username, password}. */
  readonly masterSecretArn: pulumi.Output<string>;
  /** Backup replication to the DR region, when enabled. */
  readonly drBackupReplication?: aws.rds.InstanceAutomatedBackupsReplication;
  /** ARN of the KMS key that encrypts the replicated backups in the DR region, when enabled. */
  readonly drKmsKeyArn?: pulumi.Output<string>;
  readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before super(): a refused database must not leave a half-registered component behind.
    validateDatabaseArgs(name, args);
    const s = args.settings;
    const windows = validateDataWindows(DATA_WINDOWS);
    const engineVersion = postgresMajorVersion(s.engineVersion);
    const family = postgresParameterFamily(s.engineVersion);
    const alarmSpecs = databaseAlarmSpecs({ instanceClass: s.instanceClass, allocatedStorageGb: s.allocatedStorageGb });
    super("platform:data:Database", name, {}, opts);
    const tags = args.tags;
    const dbName = args.dbName ?? "ledger";
    const disposable = args.disposable === true;
    const protect = args.production && !disposable;

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { description: `Isolated subnets of ${args.identifier}`, subnetIds: args.subnetIds, tags },
      { parent: this },
    );

    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        family,
        description: `${args.identifier}: TLS only, slow queries logged`,
        parameters: [
          // Refuse unencrypted connections, whatever the client asks for.
          { name: "rds.force_ssl", value: "1" },
          { name: "log_min_duration_statement", value: String(args.slowQueryMs ?? 1000) },
        ],
        tags,
      },
      { parent: this },
    );

    const account = pulumi
      .all([
        aws.getPartitionOutput({}, { parent: this }).partition,
        aws.getRegionOutput({}, { parent: this }).region,
        aws.getCallerIdentityOutput({}, { parent: this }).accountId,
      ])
      .apply(([partition, region, accountId]) => ({ partition, region, accountId }));
    const monitoringRole = serviceRole(
      `${name}-monitoring`,
      {
        description: `Enhanced monitoring of ${args.identifier}`,
        account,
        trust: ({ partition, region, accountId }) => enhancedMonitoringTrustPolicy({ partition, region, accountId, identifier: args.identifier }),
        tags,
      },
      { parent: this },
    );
    const monitoringPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-monitoring`,
      { role: monitoringRole.name, policyArn: aws.iam.ManagedPolicy.AmazonRDSEnhancedMonitoringRole },
      { parent: this },
    );

    // Created before the instance so RDS writes into groups with a retention and our key, instead of
    // creating never-expiring, unencrypted ones itself.
    const logGroups = POSTGRES_LOG_EXPORTS.map(
      (log) =>
        new aws.cloudwatch.LogGroup(
          `${name}-log-${log}`,
          {
            name: `/aws/rds/instance/${args.identifier}/${log}`,
            retentionInDays: args.logRetentionDays,
            kmsKeyId: args.kmsKeyArn,
            tags,
          },
          { parent: this },
        ),
    );

    this.instance = new aws.rds.Instance(
      name,
      {
        identifier: args.identifier,
        engine: "postgres",
        engineVersion,
        instanceClass: s.instanceClass,
        // A restored instance keeps the source's database and master user; RDS manages a new master password.
        ...(args.restore ? { restoreToPointInTime: restoreToPointInTime(args.restore) } : { dbName, username: args.masterUsername ?? "ledger_admin" }),
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: args.kmsKeyArn,
        // The service's own user signs in with IAM tokens (rds_iam): no password exists to store, rotate or
        // replicate, and a restored copy needs none either. TLS is forced by the parameter group.
        iamDatabaseAuthenticationEnabled: true,
        port: 5432,
        storageType: "gp3",
        allocatedStorage: s.allocatedStorageGb,
        maxAllocatedStorage: s.maxAllocatedStorageGb,
        storageEncrypted: true,
        kmsKeyId: args.kmsKeyArn,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [args.securityGroupId],
        publiclyAccessible: false,
        multiAz: s.multiAz,
        parameterGroupName: parameterGroup.name,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: args.kmsKeyArn,
        performanceInsightsRetentionPeriod: 7,
        monitoringInterval: args.monitoringIntervalSeconds ?? 60,
        monitoringRoleArn: monitoringRole.arn,
        autoMinorVersionUpgrade: true,
        allowMajorVersionUpgrade: false,
        copyTagsToSnapshot: true,
        backupRetentionPeriod: s.backupRetentionDays,
        backupWindow: windows.dbBackupWindow,
        maintenanceWindow: windows.dbMaintenanceWindow,
        // Keep the automated backups (and their point-in-time window) if the instance is ever deleted.
        deleteAutomatedBackups: disposable,
        ...(disposable ? { skipFinalSnapshot: true } : { skipFinalSnapshot: false, finalSnapshotIdentifier: args.finalSnapshotIdentifier }),
        deletionProtection: s.deletionProtection && !disposable,
        tags: disposable ? { ...tags, DisasterRecovery: "drill" } : tags,
      },
      { parent: this, protect, dependsOn: [monitoringPolicy, ...logGroups] },
    );

    const identifier = args.identifier;
    this.address = this.instance.address;
    this.port = this.instance.port;
    // A restored instance reports the source's database name only once it exists; it is this same name.
    this.dbName = args.restore ? pulumi.output(dbName) : this.instance.dbName;
    this.identifier = this.instance.identifier;
    this.resourceId = this.instance.resourceId;
    this.masterSecretArn = this.instance.masterUserSecrets.apply((secrets) => managedMasterSecretArn(secrets, identifier));

    if (s.replicateBackupsToDr && args.drProvider) {
      // Replicated backups must be encrypted with a key in the DR region: the environment's key lives in the primary.
      const drKey = new aws.kms.Key(
        `${name}-dr-key`,
        {
          description: `Backups of ${args.identifier} replicated to the DR region`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          tags,
        },
        { parent: this, provider: args.drProvider, protect },
      );
      new aws.kms.Alias(
        `${name}-dr-key`,
        { name: `alias/${args.identifier}-dr-backups`, targetKeyId: drKey.keyId },
        { parent: this, provider: args.drProvider },
      );
      this.drKmsKeyArn = drKey.arn;
      this.drBackupReplication = new aws.rds.InstanceAutomatedBackupsReplication(
        `${name}-dr-backups`,
        { sourceDbInstanceArn: this.instance.arn, kmsKeyId: drKey.arn, retentionPeriod: s.backupRetentionDays },
        { parent: this, provider: args.drProvider, protect },
      );
    }

    this.alarms = createDataAlarms(
      alarmSpecs,
      {
        component: name,
        alarmNamePrefix: `${args.identifier}-postgres`,
        dimension: { name: "DBInstanceIdentifier", values: [args.identifier] },
        combineNodes: false,
        alertTopicArn: args.alertTopicArn,
        tags,
      },
      this,
    );

    this.registerOutputs({
      address: this.address,
      port: this.port,
      dbName: this.dbName,
      identifier: this.identifier,
      resourceId: this.resourceId,
      masterSecretArn: this.masterSecretArn,
      drKmsKeyArn: this.drKmsKeyArn,
      alarmNames: this.alarms.map((a) => a.name),
    });
  }
}

/** Throws, naming every setting to fix, when a database could not keep its recovery promise or is inconsistent. */
export function validateDatabaseArgs(name: string, args: DatabaseArgs): void {
  const s = args.settings;
  const problems = recoveryObjectiveProblems(s, args.production, { restoredCopy: args.restore !== undefined });
  if (args.disposable === true && args.restore === undefined) {
    problems.push("disposable is only for a restore drill's copy (it needs restore); a database the platform creates keeps its protection.");
  }
  if (args.restore) {
    if (args.region === undefined) problems.push("restore needs region (the region the instance is restored in).");
    else problems.push(...restoreProblems(args.restore, args.region));
  }
  if (s.replicateBackupsToDr && !args.drProvider) {
    problems.push("settings.replicateBackupsToDr needs drProvider (an AWS provider in the DR region).");
  }
  if (s.maxAllocatedStorageGb < s.allocatedStorageGb) {
    problems.push(`maxAllocatedStorageGb (${s.maxAllocatedStorageGb}) is below allocatedStorageGb (${s.allocatedStorageGb}); raise dbMaxAllocatedStorageGb.`);
  }
  if (problems.length > 0) throw new Error(`Database ${name} cannot be built:\n  - ${problems.join("\n  - ")}`);
}

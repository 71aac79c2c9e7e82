import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** AWS's single-user rotation function for RDS PostgreSQL, published in the Serverless Application Repository. */
export const POSTGRES_SINGLE_USER_ROTATION_APP = "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser";

export interface DatabaseAppUserArgs {
  /** Environment name; the secret is <environment>/release-ledger/db-app. Required. */
  readonly environmentName: string;
  /** RDS instance identifier; names the rotation function. Required. */
  readonly identifier: string;
  /** The PostgreSQL login. Default: ledger_app. */
  readonly username?: string;
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly dbName: pulumi.Input<string>;
  /** The RDS-managed master secret; its ARN goes into the secret as `masterarn` (the RDS secret format). */
  readonly masterSecretArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly vpcId: pulumi.Input<string>;
  /** The VPC's CIDR: the rotation function reaches Secrets Manager's interface endpoint in it on 443. */
  readonly vpcCidr: pulumi.Input<string>;
  /**
   * Subnets the rotation function runs in: the private ones, which reach both PostgreSQL and the Secrets
   * Manager interface endpoint (the isolated tier's NACL admits only the data ports).
   */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly databaseSecurityGroupId: pulumi.Input<string>;
  /**
   * A copy of the secret in the DR region, encrypted with a key there: a database restored in that region still
   * holds this login, and the recovery environment's service reads it from the replica. Default: none.
   */
  readonly replica?: { readonly region: string; readonly kmsKeyArn: pulumi.Input<string> };
  /** Days between rotations. Default: 30. */
  readonly rotationDays?: number;
  readonly tags?: Record<string, string>;
}

/**
 * The service's own PostgreSQL login, never the master user (whose RDS-managed password rotates every 7 days
 * and reaches a task only when it starts). The secret rotates with AWS's single-user function; the service
 * re-reads it when PostgreSQL rejects the password (service/src/db/credentials.ts), so a rotation needs no
 * new task. The user itself is created by the service's startup migration, run as the master user.
 */
export class DatabaseAppUser extends pulumi.ComponentResource {
  readonly secretArn: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;

  constructor(name: string, args: DatabaseAppUserArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:DatabaseAppUser", name, {}, opts);
    const parent = { parent: this };
    const username = args.username ?? "ledger_app";
    const region = aws.getRegionOutput({}, parent).region;

    // No special characters: the password travels through SQL and connection strings untouched.
    const password = new random.RandomPassword(`${name}-password`, { length: 40, special: false }, parent);
    const secret = new aws.secretsmanager.Secret(
      name,
      {
        name: `${args.environmentName}/release-ledger/db-app`,
        description: `PostgreSQL login of the release ledger service (${args.identifier}); rotated by Secrets Manager`,
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays: 7,
        ...(args.replica ? { replicas: [{ region: args.replica.region, kmsKeyId: args.replica.kmsKeyArn }] } : {}),
        tags: args.tags,
      },
      parent,
    );
    new aws.secretsmanager.SecretVersion(
      name,
      {
        secretId: secret.id,
        secretString: pulumi.jsonStringify({
          engine: "postgres",
          host: args.host,
          port: args.port,
          dbname: args.dbName,
          username,
          password: password.result,
          masterarn: args.masterSecretArn,
        }),
      },
      // Once rotated, the secret's value belongs to the rotation: an update must not put the first password back.
      { parent: this, ignoreChanges: ["secretString"] },
    );

    const rotationGroup = new aws.ec2.SecurityGroup(
      `${name}-rotation`,
      { vpcId: args.vpcId, description: `Secrets Manager rotation of ${args.identifier}'s application user`, tags: args.tags },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-rotation-db`,
      { securityGroupId: rotationGroup.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: args.databaseSecurityGroupId, description: "PostgreSQL", tags: args.tags },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-rotation-https`,
      { securityGroupId: rotationGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.vpcCidr, description: "Secrets Manager interface endpoint", tags: args.tags },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-rotation-to-db`,
      { securityGroupId: args.databaseSecurityGroupId, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: rotationGroup.id, description: "Secrets Manager rotation function", tags: args.tags },
      parent,
    );

    const functionName = `${args.identifier}-app-rotation`;
    const rotator = new aws.serverlessrepository.CloudFormationStack(
      `${name}-rotation`,
      {
        name: functionName,
        applicationId: POSTGRES_SINGLE_USER_ROTATION_APP,
        capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
        parameters: {
          functionName,
          endpoint: pulumi.interpolate`https://secretsmanager.${region}.amazonaws.com`,
          kmsKeyArn: args.kmsKeyArn,
          vpcSubnetIds: pulumi.output(args.subnetIds).apply((ids) => ids.join(",")),
          vpcSecurityGroupIds: rotationGroup.id,
        },
        tags: args.tags,
      },
      parent,
    );
    new aws.secretsmanager.SecretRotation(
      name,
      {
        secretId: secret.id,
        rotationLambdaArn: rotator.outputs.apply((o) => {
          const arn = o.RotationLambdaARN;
          if (!arn) throw new pulumi.ResourceError("the rotation application exported no RotationLambdaARN", this);
          return arn;
        }),
        rotationRules: { automaticallyAfterDays: args.rotationDays ?? 30 },
        // The user exists only after the compute layer's first task ran its migration; rotating now would fail.
        rotateImmediately: false,
      },
      parent,
    );

    this.secretArn = secret.arn;
    this.username = pulumi.output(username);
    this.registerOutputs({ secretArn: this.secretArn, username: this.username });
  }
}

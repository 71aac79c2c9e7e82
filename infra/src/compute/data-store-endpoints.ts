import type * as pulumi from "@pulumi/pulumi";
import type { UpstreamOutputs } from "../layers/stack-reference";

/** Where the service finds PostgreSQL (the data layer's outputs), on every platform. */
export interface DatabaseEndpoint {
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly name: pulumi.Input<string>;
  /** RDS-managed secret (JSON username/password): the startup migration only. */
  readonly masterSecretArn: pulumi.Input<string>;
  /** The instance's DbiResourceId (db-…): the workload's rds-db:connect names it. */
  readonly resourceId: pulumi.Input<string>;
  /** The service's own login, signed in with IAM database authentication (no password). */
  readonly appUsername: pulumi.Input<string>;
}

/** Where the service finds Redis (the data layer's outputs), on every platform. */
export interface CacheEndpoint {
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  /** Secret whose string is the AUTH token. */
  readonly authSecretArn: pulumi.Input<string>;
}

/** The data layer's outputs as the endpoints every platform's component (and the DORA job) takes. */
export function dataStoreEndpoints(data: UpstreamOutputs<"data">): { database: DatabaseEndpoint; redis: CacheEndpoint } {
  return {
    database: {
      host: data.dbEndpoint,
      port: data.dbPort,
      name: data.dbName,
      masterSecretArn: data.dbMasterSecretArn,
      resourceId: data.dbResourceId,
      appUsername: data.dbAppUsername,
    },
    redis: { host: data.redisEndpoint, port: data.redisPort, authSecretArn: data.redisAuthSecretArn },
  };
}

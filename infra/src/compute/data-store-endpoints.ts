import type * as pulumi from "@pulumi/pulumi";

/** Where the service finds PostgreSQL (the data layer's outputs), on every platform. */
export interface DatabaseEndpoint {
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly name: pulumi.Input<string>;
  /** RDS-managed secret (JSON username/password): the startup migration only. */
  readonly masterSecretArn: pulumi.Input<string>;
}

/** The database as the ECS task sees it: also the service's own login. */
export interface ServiceDatabaseEndpoint extends DatabaseEndpoint {
  /** The service's own login (RDS-format JSON secret, rotated by Secrets Manager). */
  readonly appSecretArn: pulumi.Input<string>;
}

/** Where the service finds Redis (the data layer's outputs), on every platform. */
export interface CacheEndpoint {
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  /** Secret whose string is the AUTH token. */
  readonly authSecretArn: pulumi.Input<string>;
}

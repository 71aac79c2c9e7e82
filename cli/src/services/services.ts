import type { Environment } from "@platform/infra/environment";
import type { AlarmRef } from "@platform/infra/layers";
import type { Engine } from "../engine/engine";
import type { Io } from "../io";
import type { EdgeControl } from "../aws/edge-control";
import type { SmokeReport } from "../smoke/checks";

/** Where to find the ECS service a compute update rolled out. */
export interface DeploymentTarget {
  readonly region: string;
  readonly cluster: string;
  readonly service: string;
}

/** Which target group the production listener rule forwards to, before and after a deployment. */
export interface TrafficReport {
  readonly before?: string;
  readonly after?: string;
  /** Target groups behind the rule: 1 for rolling, 2 for canary/linear (they must alternate). */
  readonly targetGroupCount: number;
}

export type DeploymentResult =
  | { readonly state: "COMPLETED"; readonly deploymentId?: string; readonly traffic?: TrafficReport }
  | { readonly state: "FAILED" | "ROLLED_BACK"; readonly reason: string; readonly deploymentId?: string };

/** Words for what a watcher waits for, in devctl's messages. */
export interface DeploymentWords {
  /** What rolls out, e.g. "ECS deployment". */
  readonly rollout: string;
  /** Who rolls a bad release back, e.g. "ECS". */
  readonly controller: string;
  /** Where to look when it fails. */
  readonly lookAt: string;
  /** Short tag of its progress lines, e.g. "ecs". */
  readonly tag: string;
}

export const ECS_WORDS: DeploymentWords = { rollout: "ECS deployment", controller: "ECS", lookAt: "the ECS service events", tag: "ecs" };

/** Waits for the deployment (ECS) or rollout (EKS) an update started to finish. */
export interface DeploymentWatcher {
  /** How messages name it; default ECS_WORDS. */
  readonly words?: DeploymentWords;
  waitForDeployment(target: DeploymentTarget, options: { readonly onProgress: (line: string) => void }): Promise<DeploymentResult>;
}

export interface SoakRequest {
  /** The alarms to check, each in its own region (the compute layer's `alarms` output). */
  readonly alarms: readonly AlarmRef[];
  readonly minutes: number;
}

export interface SoakResult {
  readonly ok: boolean;
  /** One line per alarm that is not OK now or went to ALARM during the soak window. */
  readonly problems: readonly string[];
}

/** Checks that a set of CloudWatch alarms stayed OK for a while (the promotion soak gate). */
export interface SoakGate {
  check(request: SoakRequest): Promise<SoakResult>;
}

/** A database's automated backups as replicated to another region (describe-db-instance-automated-backups). */
export interface ReplicatedBackups {
  /** arn:aws:rds:<region>:<account>:auto-backup:ab-<id>: what a point-in-time restore names as its source. */
  readonly arn: string;
  /** The restorable window: a restore may choose any time from earliest to latest. */
  readonly earliestTime: Date;
  readonly latestTime: Date;
}

/** Finds replicated automated backups, for `devctl dr`. */
export interface BackupCatalog {
  /**
   * The automated backups of instance `identifier` (living in `sourceRegion`) replicated to `region`;
   * undefined when there are none (yet): replication not configured, or its first copy not finished.
   */
  replicatedBackups(request: { readonly region: string; readonly sourceRegion: string; readonly identifier: string }): Promise<ReplicatedBackups | undefined>;
}

/** Everything an action needs from the outside world; tests inject in-memory versions. */
export interface Services {
  readonly engine: Engine;
  readonly deployments: DeploymentWatcher;
  readonly soak: SoakGate;
  /** Folder for devctl's local state: backups/<env>/<layer>-<timestamp>.json (and the file backend). */
  readonly stateDir: string;
  readonly now: () => Date;
  /** The commit being released (GITHUB_SHA or `git rev-parse HEAD`); undefined when unknown. */
  readonly commitSha: () => Promise<string | undefined>;
  /** RDS look-ups for `devctl dr`; absent where no action needs them. */
  readonly backups?: BackupCatalog;
  /** Waits (a Lambda canary's bake); default a timer. Tests inject one that returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** CloudFront and Route 53 calls for `devctl dr cutover`; absent where no action needs them. */
  readonly edge?: EdgeControl;
  /**
   * Which target group an ECS service's production listener rule forwards the most to, and whether another takes
   * requests too (devctl migrate reads it once, before it takes the rule's weights over); absent where no action
   * needs it.
   */
  readonly traffic?: (target: DeploymentTarget) => Promise<{ readonly servingTargetGroupArn?: string; readonly shared?: boolean } | undefined>;
  /** Smoke checks against a base URL (default: devctl smoke's checks); tests inject a fake. */
  readonly smokeTest?: (baseUrl: string) => Promise<SmokeReport>;
}

/** Options set on the command line that the real services need. */
export interface ServiceOptions {
  /** Pulumi secrets provider (--secrets-provider); default passphrase. */
  readonly secretsProvider?: string;
}

/** Builds the services for one environment; called only after flags are validated. */
export type ServicesFactory = (environment: Environment, io: Io, options?: ServiceOptions) => Promise<Services>;

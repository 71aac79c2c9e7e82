import type { PolicyResource, StackRule, Violation } from "./types";
import { asArray, asRecord, asStringArray, show } from "./values";

const RDS_INSTANCE = "aws:rds/instance:Instance";
const BACKUP_REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";
const ECR_REPOSITORY = "aws:ecr/repository:Repository";
const ECR_REPLICATION = "aws:ecr/replicationConfiguration:ReplicationConfiguration";
const ECR_TEMPLATE = "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate";
const SECRET = "aws:secretsmanager/secret:Secret";

/** Tag a secret carries instead of a replica when the recovery environment recreates it (e.g. a new Redis token). */
export const DISASTER_RECOVERY_TAG = "DisasterRecovery";

/** True when `region` is known and another region than `primary` (unknown regions are not judged). */
const elsewhere = (region: unknown, primary: string | undefined): boolean => typeof region === "string" && region !== "" && region !== primary;

function databaseProblems(resources: readonly PolicyResource[]): Violation[] {
  const replications = resources.filter((r) => r.type === BACKUP_REPLICATION);
  return resources
    .filter((r) => r.type === RDS_INSTANCE && r.props.replicateSourceDb === undefined)
    .flatMap((db): Violation[] => {
      const copy = replications.find((r) => r.region === undefined || elsewhere(r.region, db.region));
      if (!copy) {
        return [
          {
            urn: db.urn,
            message:
              "production database has no automated-backups replication to the DR region (aws.rds.InstanceAutomatedBackupsReplication with a DR-region provider)",
          },
        ];
      }
      if (copy.props.kmsKeyId === undefined || copy.props.kmsKeyId === "") {
        return [{ urn: copy.urn, message: "replicated backups must be encrypted with a KMS key in the DR region (set kmsKeyId)" }];
      }
      return [];
    });
}

function imageProblems(resources: readonly PolicyResource[]): Violation[] {
  const rules = resources
    .filter((r) => r.type === ECR_REPLICATION)
    .flatMap((r) => asArray(asRecord(r.props.replicationConfiguration)?.rules).map(asRecord))
    .filter((rule) => rule !== undefined);
  const templates = resources.filter((r) => r.type === ECR_TEMPLATE);
  return resources
    .filter((r) => r.type === ECR_REPOSITORY)
    .flatMap((repository): Violation[] => {
      const name = repository.props.name;
      if (typeof name !== "string") return [];
      const matches = (filters: unknown): boolean => {
        const list = asArray(filters).map(asRecord);
        return list.length === 0 || list.some((f) => typeof f?.filter === "string" && name.startsWith(f.filter));
      };
      const replicated = rules.some(
        (rule) => matches(rule.repositoryFilters) && asArray(rule.destinations).some((d) => elsewhere(asRecord(d)?.region, repository.region)),
      );
      if (!replicated) {
        return [
          {
            urn: repository.urn,
            message: `production image repository ${name} is not replicated to the DR region (aws.ecr.ReplicationConfiguration with a destination in drRegion)`,
          },
        ];
      }
      const encrypted = templates.some(
        (t) =>
          typeof t.props.prefix === "string" &&
          name.startsWith(t.props.prefix) &&
          asStringArray(t.props.appliedFors).includes("REPLICATION") &&
          asArray(t.props.encryptionConfigurations).some((c) => asRecord(c)?.encryptionType === "KMS" && asRecord(c)?.kmsKey !== undefined),
      );
      return encrypted
        ? []
        : [
            {
              urn: repository.urn,
              message: `replicated copies of ${name} need a KMS key in the DR region: an aws.ecr.RepositoryCreationTemplate for REPLICATION with encryptionType KMS and kmsKey`,
            },
          ];
    });
}

function secretProblems(resources: readonly PolicyResource[]): Violation[] {
  return resources
    .filter((r) => r.type === SECRET)
    .flatMap((secret): Violation[] => {
      if (asRecord(secret.props.tags)?.[DISASTER_RECOVERY_TAG] === "recreated") return [];
      const replicas = asArray(secret.props.replicas).map(asRecord);
      const replica = replicas.find((r) => elsewhere(r?.region, secret.region));
      if (!replica) {
        return [
          {
            urn: secret.urn,
            message: `production secret ${show(secret.props.name, secret.name)} has no replica in the DR region; add replicas: [{ region: drRegion, kmsKeyId }] or, when the recovery environment recreates it, tag it ${DISASTER_RECOVERY_TAG}=recreated`,
          },
        ];
      }
      return replica.kmsKeyId === undefined
        ? [{ urn: secret.urn, message: "the secret's DR replica must be encrypted with a customer key in the DR region (set kmsKeyId)" }]
        : [];
    });
}

/**
 * Production keeps ready, in its DR region, what `devctl dr restore` needs: the database's automated backups,
 * the service image, the secrets the service reads, each encrypted with a key that lives there. The database
 * login is not among them: the service signs in with IAM tokens (rule database-iam-auth), so the restored copy
 * needs no password and the recovery environment's own role is granted its new resource id. A recovery
 * environment (<env>-dr) is itself the copy and is not asked to keep another.
 */
export const productionDrPrerequisites: StackRule = {
  kind: "stack",
  name: "prod-dr-prerequisites",
  description: "Production replicates its backups, image and secrets to the DR region, encrypted with DR-region keys.",
  level: "mandatory",
  validate(resources, environment) {
    if (!environment.isProduction || environment.isRecovery === true) return [];
    return [...databaseProblems(resources), ...imageProblems(resources), ...secretProblems(resources)];
  },
};

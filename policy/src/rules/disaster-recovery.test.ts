import { describe, expect, it } from "vitest";
import { productionDrPrerequisites } from "./disaster-recovery";
import { PROD, STAGING } from "./testing";
import type { PolicyResource } from "./types";

const at = (type: string, name: string, region: string, props: Record<string, unknown>): PolicyResource => ({
  type,
  name,
  region,
  urn: `urn:pulumi:prod::platform-test::${type}::${name}`,
  props,
});

const DB = at("aws:rds/instance:Instance", "postgres", "eu-west-1", { engine: "postgres" });
const BACKUPS = at("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "postgres-dr-backups", "eu-central-1", {
  kmsKeyId: "arn:aws:kms:eu-central-1:1:key/dr",
});
const REPO = at("aws:ecr/repository:Repository", "service-image", "eu-west-1", { name: "prod-release-ledger" });
const ECR_REPLICATION = at("aws:ecr/replicationConfiguration:ReplicationConfiguration", "images", "eu-west-1", {
  replicationConfiguration: {
    rules: [
      { destinations: [{ region: "eu-central-1", registryId: "1" }], repositoryFilters: [{ filter: "prod-release-ledger", filterType: "PREFIX_MATCH" }] },
    ],
  },
});
const TEMPLATE = at("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", "images-template", "eu-central-1", {
  prefix: "prod-release-ledger",
  appliedFors: ["REPLICATION"],
  encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:eu-central-1:1:key/img" }],
});
// A secret the recovery environment would read as it is (the database login needs none: IAM authentication).
const APP_SECRET = at("aws:secretsmanager/secret:Secret", "service-key", "eu-west-1", {
  name: "prod/release-ledger/service-key",
  replicas: [{ region: "eu-central-1", kmsKeyId: "arn:aws:kms:eu-central-1:1:key/dr" }],
});
const REDIS_SECRET = at("aws:secretsmanager/secret:Secret", "redis-auth", "eu-west-1", { tags: { DisasterRecovery: "recreated" } });
const PREPARED = [DB, BACKUPS, REPO, ECR_REPLICATION, TEMPLATE, APP_SECRET, REDIS_SECRET];

const without = (...gone: PolicyResource[]) => PREPARED.filter((r) => !gone.includes(r));
const messages = (resources: readonly PolicyResource[], environment = PROD) => productionDrPrerequisites.validate(resources, environment).map((v) => v.message);

describe("prod-dr-prerequisites", () => {
  it("passes production that keeps its backups, image and secrets in the DR region", () => {
    expect(messages(PREPARED)).toEqual([]);
  });

  it("fails a production database whose backups stay in its own region", () => {
    expect(messages(without(BACKUPS))).toEqual([expect.stringContaining("no automated-backups replication")]);
    const sameRegion = { ...BACKUPS, region: "eu-west-1" };
    expect(messages([...without(BACKUPS), sameRegion])).toEqual([expect.stringContaining("no automated-backups replication")]);
    const unencrypted = { ...BACKUPS, props: {} };
    expect(messages([...without(BACKUPS), unencrypted])).toEqual([expect.stringContaining("kmsKeyId")]);
  });

  it("fails an image repository that is not replicated, or whose copies get no DR key", () => {
    expect(messages(without(ECR_REPLICATION))).toEqual([expect.stringContaining("not replicated to the DR region")]);
    const otherRepo = {
      ...ECR_REPLICATION,
      props: {
        replicationConfiguration: {
          rules: [{ destinations: [{ region: "eu-central-1" }], repositoryFilters: [{ filter: "staging-", filterType: "PREFIX_MATCH" }] }],
        },
      },
    };
    expect(messages([...without(ECR_REPLICATION), otherRepo])).toEqual([expect.stringContaining("not replicated")]);
    expect(messages(without(TEMPLATE))).toEqual([expect.stringContaining("RepositoryCreationTemplate")]);
  });

  it("fails a secret with no DR replica unless it says the recovery environment recreates it", () => {
    const plain = { ...APP_SECRET, props: { name: "prod/release-ledger/service-key" } };
    expect(messages([...without(APP_SECRET), plain])).toEqual([expect.stringContaining("prod/release-ledger/service-key has no replica")]);
    const untagged = { ...REDIS_SECRET, props: {} };
    expect(messages([...without(REDIS_SECRET), untagged])).toEqual([expect.stringContaining("DisasterRecovery=recreated")]);
  });

  it("asks nothing of staging or of a recovery environment", () => {
    expect(messages([DB, REPO, { ...APP_SECRET, props: {} }], STAGING)).toEqual([]);
    expect(messages([DB, REPO], { stack: "prod-dr", isProduction: true, isRecovery: true })).toEqual([]);
  });
});

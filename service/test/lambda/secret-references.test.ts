import { describe, expect, it } from "vitest";
import { resolveSecretReferences } from "../../src/lambda/secret-references";

const MASTER = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf";
const REDIS = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:staging-redis-auth-XyZ";
const secrets: Record<string, string> = { [MASTER]: JSON.stringify({ username: "ledger_admin", password: "s3cret" }), [REDIS]: "redis-token" };

function reader() {
  const reads: string[] = [];
  return {
    reads,
    read: (arn: string) => {
      reads.push(arn);
      const value = secrets[arn];
      return value === undefined ? Promise.reject(new Error(`no secret ${arn}`)) : Promise.resolve(value);
    },
  };
}

describe("SECRET_REFERENCES, resolved at cold start as ECS resolves a task's secrets", () => {
  it("reads whole secrets and JSON fields, each secret once", async () => {
    const { read, reads } = reader();
    const env = {
      SECRET_REFERENCES: JSON.stringify({ MIGRATION_PGUSER: `${MASTER}:username::`, MIGRATION_PGPASSWORD: `${MASTER}:password::`, REDIS_AUTH_TOKEN: REDIS }),
    };
    expect(await resolveSecretReferences(env, read)).toEqual({
      MIGRATION_PGUSER: "ledger_admin",
      MIGRATION_PGPASSWORD: "s3cret",
      REDIS_AUTH_TOKEN: "redis-token",
    });
    expect(reads).toEqual([MASTER, REDIS]);
  });

  it("is nothing when unset", async () => {
    expect(await resolveSecretReferences({}, reader().read)).toEqual({});
  });

  it.each([
    ["not json", /is not JSON/],
    ['["x"]', /must be a JSON object/],
    [JSON.stringify({ REDIS_AUTH_TOKEN: "redis-token" }), /SECRET_REFERENCES.REDIS_AUTH_TOKEN is not a secret reference/],
    [JSON.stringify({ X: `${MASTER}:port::` }), /SECRET_REFERENCES.X: the secret has no string field "port"/],
    [JSON.stringify({ X: `${REDIS}:password::` }), /SECRET_REFERENCES.X: the secret is not JSON/],
  ])("refuses %s, naming what is wrong", async (value, message) => {
    await expect(resolveSecretReferences({ SECRET_REFERENCES: value }, reader().read)).rejects.toThrow(message);
  });
});

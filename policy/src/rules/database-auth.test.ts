import { describe, expect, it } from "vitest";
import { databaseIamAuth } from "./database-auth";
import { PROD, resource, STAGING } from "./testing";

const check = (type: string, props: Record<string, unknown>, environment = PROD) => databaseIamAuth.validate(resource(type, props), environment);
const INSTANCE = "aws:rds/instance:Instance";
const SAR = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack";
const ROTATION_APP = "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser";

describe("database-iam-auth", () => {
  it("passes PostgreSQL with IAM database authentication on", () => {
    expect(check(INSTANCE, { engine: "postgres", iamDatabaseAuthenticationEnabled: true })).toEqual([]);
    expect(check(INSTANCE, { engine: "postgres", iamDatabaseAuthenticationEnabled: true }, STAGING)).toEqual([]);
  });

  it("fails PostgreSQL with IAM authentication off or unset, in production and elsewhere, saying why and what to set", () => {
    for (const props of [{ engine: "postgres" }, { engine: "postgres", iamDatabaseAuthenticationEnabled: false }]) {
      expect(check(INSTANCE, props)).toEqual([expect.stringMatching(/iamDatabaseAuthenticationEnabled: true.*DB_AUTH=iam/)]);
      expect(check(INSTANCE, props, STAGING)).toHaveLength(1);
    }
    // Other engines are not the service's database.
    expect(check(INSTANCE, { engine: "mysql" })).toEqual([]);
  });

  it("fails a password-rotation application from the Serverless Application Repository, naming the boundary it cannot carry", () => {
    expect(check(SAR, { applicationId: ROTATION_APP, capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"] })).toEqual([
      expect.stringMatching(/SecretsManagerRDSPostgreSQLRotationSingleUser.*permissions boundary platform-workload-boundary.*IAM database authentication/),
    ]);
    expect(check(SAR, { applicationId: ROTATION_APP, capabilities: ["CAPABILITY_IAM"] }, STAGING)).toHaveLength(1);
    // Any application that makes IAM roles has the same problem; one that makes none deploys.
    expect(check(SAR, { applicationId: "arn:aws:serverlessrepo:us-east-1:1:applications/other", capabilities: ["CAPABILITY_NAMED_IAM"] })).toHaveLength(1);
    expect(check(SAR, { applicationId: "arn:aws:serverlessrepo:us-east-1:1:applications/other", capabilities: ["CAPABILITY_AUTO_EXPAND"] })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { managedMasterSecretArn } from "./master-secret";

describe("managedMasterSecretArn", () => {
  it("returns the ARN of the secret RDS manages", () => {
    expect(managedMasterSecretArn([{ secretArn: "arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-1" }], "ledger-prod")).toBe(
      "arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-1",
    );
  });

  it.each([[undefined], [[]], [[{}]], [[{ secretArn: "" }]]])("fails clearly, naming the instance and the fix, for %j", (secrets) => {
    expect(() => managedMasterSecretArn(secrets, "ledger-prod")).toThrow(
      /no managed master user secret for ledger-prod.*manageMasterUserPassword: true.*pulumi refresh/s,
    );
  });
});

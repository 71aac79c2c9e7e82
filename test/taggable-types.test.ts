import { describe, expect, it } from "vitest";
import { isTaggable, taggableAwsTypes } from "../infra/src/testing/taggable";
import { TAGGABLE_AWS_TYPES } from "../policy/src/rules/taggable-types";

// Two readers of "which AWS types take tags": the policy pack's generated list (the tagging rule) and the
// layer tests' reader of the installed @pulumi/aws declarations. They must agree, or a @pulumi/aws upgrade
// without regenerating the list (policy/scripts/generate-taggable-types.mjs) would slip past one of them.
describe("taggable AWS types", () => {
  it("the policy pack's generated list matches the installed @pulumi/aws declarations", () => {
    expect([...taggableAwsTypes()].sort()).toEqual([...TAGGABLE_AWS_TYPES].sort());
    expect(TAGGABLE_AWS_TYPES.size).toBeGreaterThan(500);
  });

  it("leaves out types whose args take no tags", () => {
    for (const type of ["aws:ec2/route:Route", "aws:iam/rolePolicy:RolePolicy", "aws:secretsmanager/secretVersion:SecretVersion", "aws:kms/alias:Alias"]) {
      expect(isTaggable(type), type).toBe(false);
      expect(TAGGABLE_AWS_TYPES.has(type), type).toBe(false);
    }
  });
});

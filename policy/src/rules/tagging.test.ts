import { describe, expect, it } from "vitest";
import { REQUIRED_TAGS, requiredTags } from "./tagging";
import { TAGGABLE_AWS_TYPES } from "@platform/infra/layers";
import { resource, STAGING } from "./testing";

const tags = { Environment: "staging", Owner: "platform-team", CostCenter: "CC-1042", Layer: "network", ManagedBy: "pulumi" };

describe("required-tags", () => {
  it("knows which types take tags (from the @pulumi/aws schema)", () => {
    expect(TAGGABLE_AWS_TYPES.has("aws:ec2/vpc:Vpc")).toBe(true);
    expect(TAGGABLE_AWS_TYPES.has("aws:rds/instance:Instance")).toBe(true);
    expect(TAGGABLE_AWS_TYPES.has("aws:ec2/routeTableAssociation:RouteTableAssociation")).toBe(false);
    expect(TAGGABLE_AWS_TYPES.has("aws:lb/listenerRule:ListenerRule")).toBe(true);
  });
  it("passes a taggable resource with every required tag, and an untaggable one without tags", () => {
    expect(requiredTags.validate(resource("aws:ec2/vpc:Vpc", { tags }), STAGING)).toEqual([]);
    expect(requiredTags.validate(resource("aws:ec2/routeTableAssociation:RouteTableAssociation", {}), STAGING)).toEqual([]);
  });
  it("fails missing tags, naming them, and an Environment tag of another stack", () => {
    expect(requiredTags.validate(resource("aws:ec2/vpc:Vpc", { tags: { Environment: "staging" } }), STAGING)).toEqual([
      `missing required tags: ${REQUIRED_TAGS.filter((t) => t !== "Environment").join(", ")} (use layerTags(environment, layer))`,
    ]);
    expect(requiredTags.validate(resource("aws:sns/topic:Topic", {}), STAGING)).toHaveLength(1);
    expect(requiredTags.validate(resource("aws:sns/topic:Topic", { tags: { ...tags, Environment: "prod" } }), STAGING)).toEqual([
      expect.stringContaining('tag Environment is "prod"'),
    ]);
  });
});

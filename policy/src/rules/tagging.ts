import { TAGGABLE_AWS_TYPES } from "@platform/infra/layers";
import type { ResourceRule } from "./types";
import { asRecord } from "./values";

/** Tags every taggable resource carries (cost allocation, ownership, and which layer made it). */
export const REQUIRED_TAGS: readonly string[] = ["Environment", "Owner", "CostCenter", "Layer", "ManagedBy"];

export const requiredTags: ResourceRule = {
  kind: "resource",
  name: "required-tags",
  description: `Every taggable AWS resource carries the tags ${REQUIRED_TAGS.join(", ")}.`,
  level: "mandatory",
  validate({ type, props }, environment) {
    if (!TAGGABLE_AWS_TYPES.has(type)) return [];
    const tags = asRecord(props.tags) ?? {};
    const missing = REQUIRED_TAGS.filter((key) => typeof tags[key] !== "string" || tags[key] === "");
    const problems = missing.length > 0 ? [`missing required tags: ${missing.join(", ")} (use layerTags(environment, layer))`] : [];
    if (typeof tags.Environment === "string" && tags.Environment !== environment.stack) {
      problems.push(`tag Environment is "${tags.Environment}" but the stack is "${environment.stack}"`);
    }
    return problems;
  },
};

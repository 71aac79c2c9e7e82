import { describe, expect, it } from "vitest";
import { isEnvironmentName } from "./name";

describe("isEnvironmentName", () => {
  it.each(["prod", "staging", "staging-eks", "prod-dr", "qa2"])("accepts %s", (name) => {
    expect(isEnvironmentName(name)).toBe(true);
  });

  it.each(["", "Prod", "2prod", "-prod", "prod_1", "prod.eu", "prod/x", "staging eks"])("refuses %j", (name) => {
    expect(isEnvironmentName(name)).toBe(false);
  });
});

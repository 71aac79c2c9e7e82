/** Helpers for the rule tests: a resource and the environments a rule is judged in. */
import type { PolicyEnvironment, PolicyResource } from "./types";

export const STAGING: PolicyEnvironment = { stack: "staging", isProduction: false };
export const PROD: PolicyEnvironment = { stack: "prod", isProduction: true };

export function resource(type: string, props: Record<string, unknown>, name = "subject"): PolicyResource {
  return { type, name, urn: `urn:pulumi:prod::platform-test::${type}::${name}`, props };
}

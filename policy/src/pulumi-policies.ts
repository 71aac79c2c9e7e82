/**
 * Adapts the platform rules to @pulumi/policy. Building the policy objects starts nothing; only
 * constructing a PolicyPack (in ../index.ts, the pack's entry file) starts the policy server.
 */
import type { PolicyProviderResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { RULES, stackOfUrn, type PolicyEnvironment, type PolicyResource, type Rule } from "./rules";

/** Decides the environment of a stack; the pack's entry file reads the environment file. */
export type ResolveEnvironment = (stack: string) => PolicyEnvironment;

export function toPulumiPolicies(resolveEnvironment: ResolveEnvironment, rules: readonly Rule[] = RULES): (ResourceValidationPolicy | StackValidationPolicy)[] {
  const cache = new Map<string, PolicyEnvironment>();
  const environmentOf = (urn: string): PolicyEnvironment => {
    const stack = stackOfUrn(urn);
    let environment = cache.get(stack);
    if (!environment) {
      environment = resolveEnvironment(stack);
      cache.set(stack, environment);
    }
    return environment;
  };

  return rules.map((rule): ResourceValidationPolicy | StackValidationPolicy => {
    const base = { name: rule.name, description: rule.description, enforcementLevel: rule.level };
    if (rule.kind === "stack") {
      return {
        ...base,
        validateStack: (args, reportViolation) => {
          const resources: PolicyResource[] = args.resources.map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: r.props as Record<string, unknown>,
            id: typeof r.props.id === "string" ? r.props.id : undefined,
            region: regionOf(r.type, r.props, r.provider),
          }));
          const first = resources[0];
          if (!first) return;
          for (const v of rule.validate(resources, environmentOf(first.urn))) reportViolation(v.message, v.urn);
        },
      };
    }
    return {
      ...base,
      validateResource: (args, reportViolation) => {
        if (rule.types && !rule.types.includes(args.type)) args.notApplicable(`applies to ${rule.types.join(", ")}`);
        const resource: PolicyResource = {
          type: args.type,
          name: args.name,
          urn: args.urn,
          props: args.props as Record<string, unknown>,
          region: regionOf(args.type, args.props, args.provider),
        };
        for (const message of rule.validate(resource, environmentOf(args.urn))) reportViolation(message);
      },
    };
  });
}

/** An AWS resource's region: its own `region` input (aws 7 takes one per resource), else its provider's. */
export function regionOf(type: string, props: Record<string, unknown>, provider: PolicyProviderResource | undefined): string | undefined {
  if (!type.startsWith("aws:")) return undefined;
  if (typeof props.region === "string") return props.region;
  const providerRegion: unknown = provider?.props.region;
  return typeof providerRegion === "string" ? providerRegion : undefined;
}

/**
 * The shape every platform rule is written against. It is deliberately smaller than @pulumi/policy's own
 * argument types, so the same function runs inside `pulumi preview --policy-pack policy` (see
 * ../pulumi-policies.ts) and over the offline resources `devctl plan` records under mocks.
 */

export type PolicyLevel = "mandatory" | "advisory";

/** One resource as a rule sees it: its type token, logical name, URN and the inputs the program passed. */
export interface PolicyResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Provider id when known (offline plan: the mock id; a real preview: undefined until created). */
  readonly id?: string;
  /** Inputs as the program passed them. In a real preview a value not yet known is undefined. */
  readonly props: Readonly<Record<string, unknown>>;
  /** AWS region the resource lives in (its own `region` input, else its provider's); undefined when unknown. */
  readonly region?: string;
}

/** What a rule may know about the environment the stack belongs to. */
export interface PolicyEnvironment {
  /** Stack (= environment) name, e.g. "prod". */
  readonly stack: string;
  /** Production tier: the high-availability and progressive-deploy rules apply. */
  readonly isProduction: boolean;
  /** A recovery environment (<env>-dr): production's rules hold, but it keeps no DR copies of its own. */
  readonly isRecovery?: boolean;
}

export interface Violation {
  readonly message: string;
  /** The resource at fault; defaults to the resource being validated. */
  readonly urn?: string;
}

interface RuleBase {
  /** Unique, kebab-case; what `pulumi preview` and `devctl plan` print. */
  readonly name: string;
  readonly description: string;
  readonly level: PolicyLevel;
}

/** A rule over one resource at a time. Returns messages, empty when the resource complies. */
export interface ResourceRule extends RuleBase {
  readonly kind: "resource";
  /** Resource type tokens the rule looks at; undefined means every type (the rule filters itself). */
  readonly types?: readonly string[];
  validate(resource: PolicyResource, environment: PolicyEnvironment): readonly string[];
}

/** A rule over all resources of a stack at once (relations between resources). */
export interface StackRule extends RuleBase {
  readonly kind: "stack";
  validate(resources: readonly PolicyResource[], environment: PolicyEnvironment): readonly Violation[];
}

export type Rule = ResourceRule | StackRule;

/** A violation with the rule that found it, as `devctl plan` reports it. */
export interface RuleViolation {
  readonly policy: string;
  readonly level: PolicyLevel;
  readonly urn: string;
  readonly message: string;
}

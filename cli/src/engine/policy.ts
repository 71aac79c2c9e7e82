import { DevctlError } from "../errors";
import type { PolicyViolation, StackRef } from "./engine";

/**
 * Policy findings as devctl reports them, from the engine's policy events (shared by the Automation adapter
 * and the in-memory engine, so a violation reads the same in tests as on a real stack).
 */

/**
 * The fields devctl reads of the engine's policyEvent. The SDK types enforcementLevel as "warning" |
 * "mandatory"; the engine (3.274) sends "advisory", "mandatory" or "remediate", so it is read as a string.
 */
export interface PolicyEventFields {
  readonly resourceUrn?: string;
  readonly message: string;
  readonly policyName: string;
  readonly policyPackName: string;
  readonly enforcementLevel: string;
}

/** A URN's type and logical name: urn:pulumi:<stack>::<project>::<parent types$><type>::<name>. */
export function resourceOfUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const types = parts[2] ?? "";
  return { type: types.slice(types.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

/**
 * One finding. The engine's message is the policy's description and then what it reported, a line each:
 * kept as one line, so a violation is one line of a report.
 */
export function violationFromEvent(event: PolicyEventFields): PolicyViolation {
  const message = event.message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");
  const resource = event.resourceUrn ? resourceOfUrn(event.resourceUrn) : undefined;
  return {
    policy: event.policyName,
    pack: event.policyPackName,
    level: event.enforcementLevel,
    urn: event.resourceUrn,
    type: resource?.type,
    name: resource?.name,
    message,
  };
}

export function isMandatory(violation: PolicyViolation): boolean {
  return violation.level === "mandatory";
}

/** `[mandatory] security-group-ingress: aws:ec2/securityGroup:SecurityGroup open-ssh: <message>`, as devctl plan lists them. */
export function violationLine(violation: PolicyViolation): string {
  const resource = violation.type ? `${violation.type} ${violation.name ?? ""}`.trim() : "the stack";
  return `[${violation.level}] ${violation.policy}: ${resource}: ${violation.message}`;
}

/**
 * The error for a run the policy pack stopped: every mandatory violation on a line of its own. Same code and
 * exit code as devctl plan's verdict, so a pipeline treats the offline and the real check alike.
 */
export function policyViolationError(ref: StackRef, violations: readonly PolicyViolation[], cause?: unknown): DevctlError {
  const mandatory = violations.filter(isMandatory);
  const count = `${mandatory.length} mandatory policy violation${mandatory.length === 1 ? "" : "s"}`;
  return new DevctlError(
    "POLICY_VIOLATION",
    [
      `${count} in ${ref.layer}/${ref.environment}: ${[...new Set(mandatory.map((v) => v.policy))].join(", ")}`,
      ...mandatory.map((v) => `  ${violationLine(v)}`),
    ].join("\n"),
    `fix the resources listed (the rules live in policy/src/rules/), then run it again; devctl plan ${ref.environment} checks the same rules offline`,
    cause === undefined ? undefined : { cause },
  );
}

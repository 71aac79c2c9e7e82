/** Small readers for loosely typed resource inputs; undefined when the value is absent or unknown. */

export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asStringArray(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === "string");
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** True for `true` and for the strings AWS APIs also accept ("true"). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** A JSON document input (policies, container definitions): parsed when a string, as is otherwise; undefined if not JSON. */
export function fromJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** ECS container definitions arrive as a JSON string (the program's JSON.stringify) or, rarely, as objects. */
export function containerDefinitions(value: unknown): Record<string, unknown>[] {
  return asArray(fromJson(value))
    .map(asRecord)
    .filter((c): c is Record<string, unknown> => c !== undefined);
}

/** A value as a message shows it: strings as they are, anything else as JSON; `fallback` when absent. */
export function show(value: unknown, fallback = "unset"): string {
  if (value === undefined || value === null) return fallback;
  return typeof value === "string" ? value : (JSON.stringify(value) ?? fallback);
}

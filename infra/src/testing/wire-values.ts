/**
 * Turns the serialized inputs a program sent to the (mock) resource monitor into plain JSON: once as the
 * plan shows them (secrets masked) and once as the policies read them (secrets revealed). Works on the wire
 * format, so a secret is recognised wherever it sits, and a resource passed as an input shows as its URN.
 */

/** Pulumi's wire signatures (see @pulumi/pulumi runtime/rpc.js). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const SECRET_MASK = "[secret]";

/** Reads a wire value; `secrets` decides whether secret values are masked or revealed. */
export function fromWire(value: unknown, secrets: "mask" | "reveal"): unknown {
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map((v) => fromWire(v, secrets));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  switch (record[SIG_KEY]) {
    case SECRET_SIG:
      return secrets === "mask" ? SECRET_MASK : fromWire(record.value, secrets);
    case OUTPUT_SIG:
      if (record.secret === true && secrets === "mask") return SECRET_MASK;
      return "value" in record ? fromWire(record.value, secrets) : "[unknown]";
    case RESOURCE_SIG:
      return record.urn;
    case ASSET_SIG:
      return { asset: record.path ?? record.uri ?? "(text)" };
    case ARCHIVE_SIG:
      return { archive: record.path ?? record.uri ?? "(assets)" };
    default:
      return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromWire(v, secrets)]));
  }
}

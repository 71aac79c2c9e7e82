/**
 * Turns the serialized inputs a program sent to the (mock) resource monitor into plain JSON: once as the
 * plan shows them (secrets masked) and once as the policies read them (secrets revealed). Works on the wire
 * format, so a secret is recognised wherever it sits, and a resource passed as an input shows as its URN.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Pulumi's wire signatures, as its runtime defines them (runtime/rpc.js): a special value is an object whose
 * SIG_KEY property holds one of the *_SIG values. One name, one meaning: SECRET_SIG marks a secret.
 */
export const SIG_KEY: string = pulumi.runtime.specialSigKey;
export const SECRET_SIG: string = pulumi.runtime.specialSecretSig;
const RESOURCE_SIG: string = pulumi.runtime.specialResourceSig;
const ASSET_SIG: string = pulumi.runtime.specialAssetSig;
const ARCHIVE_SIG: string = pulumi.runtime.specialArchiveSig;
const OUTPUT_SIG: string = pulumi.runtime.specialOutputValueSig;
const UNKNOWN: string = pulumi.runtime.unknownValue;

export const SECRET_MASK = "[secret]";

/** True when a wire value is a secret wrapper ({ [SIG_KEY]: SECRET_SIG, value }). */
export function isWireSecret(value: unknown): value is { readonly value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** A value as it goes over the wire marked secret: what a recorded input or a stored output holds. */
export function wireSecret(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

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

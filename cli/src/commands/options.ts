import { InvalidArgumentError, Option } from "commander";
import { LAYERS, type Layer } from "@platform/infra/layers";

/**
 * Commander parser for the repeatable --layer flag, the one every command uses: each value names one layer
 * or several separated by commas; a layer named twice counts once.
 */
export function collectLayer(value: string, previous: readonly Layer[] = []): Layer[] {
  const layers = [...previous];
  for (const name of value.split(",").map((part) => part.trim())) {
    const layer = LAYERS.find((known) => known === name);
    if (layer === undefined) throw new InvalidArgumentError(`unknown layer "${name}"; use one of: ${LAYERS.join(", ")}`);
    if (!layers.includes(layer)) layers.push(layer);
  }
  return layers;
}

/** Commander parser for a whole-number flag (counts, minutes, milliseconds) from `min` to `max`. */
export function wholeNumber(
  flag: string,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { readonly min?: number; readonly max?: number } = {},
): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`${flag} takes a whole number ${range}, got "${value}"`);
    }
    return n;
  };
}

/** `<repository>@sha256:<64 hex>`: devctl deploys images by digest only, never by a movable tag. */
export function imageRef(value: string): string {
  if (!/^[^@\s]+@sha256:[0-9a-f]{64}$/.test(value)) {
    throw new InvalidArgumentError(`"${value}" is not an image pinned by digest; use <repository>@sha256:<64 hex digits>`);
  }
  return value;
}

/** A UTC time as ISO-8601 (`2026-11-30T02:15:00Z`, seconds and milliseconds optional), for --time. */
export function isoTime(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError(`"${value}" is not an ISO-8601 UTC time; write it like 2026-11-30T02:15:00Z`);
  }
  return value;
}

/** The repeatable --layer flag. */
export function layerOption(): Option {
  return new Option("--layer <layer>", `layer to act on (${LAYERS.join(", ")}); repeat for several`)
    .argParser(collectLayer)
    .default([], "every layer, in order");
}

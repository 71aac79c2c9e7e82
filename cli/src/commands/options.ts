import { InvalidArgumentError, Option } from "commander";
import { LAYERS, type Layer } from "@platform/infra/layers";

/** Commander parser for a repeatable --layer flag. */
export function collectLayer(value: string, previous: Layer[]): Layer[] {
  if (!(LAYERS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`unknown layer "${value}"; use one of: ${LAYERS.join(", ")}`);
  }
  return [...previous, value as Layer];
}

export function positiveInteger(name: string, allowZero = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || (!allowZero && n === 0)) {
      throw new InvalidArgumentError(`${name} must be a ${allowZero ? "non-negative" : "positive"} whole number, got "${value}"`);
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

/** The repeatable --layer flag. */
export function layerOption(): Option {
  return new Option("--layer <layer>", `layer to act on (${LAYERS.join(", ")}); repeat for several`).argParser(collectLayer).default([], "every layer, in order");
}

import { MIGRATION_ECS_TARGET_GROUP_KEY, MIGRATION_PHASE_KEY, MIGRATION_WEIGHT_KEY } from "@platform/infra/environment";
import { DevctlError } from "../errors";
import { IMAGE_CONFIG_KEY, type UpdateRecord } from "../engine/engine";

export interface RollbackTarget {
  readonly record: UpdateRecord;
  readonly image: string;
  /** Compute settings the release ran with (platform-compute:* config other than the image and a migration's; no secrets). */
  readonly settings: Readonly<Record<string, string>>;
}

/**
 * The message of the update devctl runs after ECS rolled a release back (release.ts). The compute stack's history
 * keeps it, so its wording is part of the state: ROLLED_BACK reads the rolled-back image out of it again.
 */
export const reconcileMessage = (rolledBackImage: string, lastGoodImage: string): string =>
  `devctl reconcile: ECS rolled back ${rolledBackImage}; image back to ${lastGoodImage}`;
/** Matches reconcileMessage(); group 1 is the release's image that never served. */
export const ROLLED_BACK = /^devctl reconcile: ECS rolled back ([^\s;]+)/;

/** Where a migration's traffic stands is devctl migrate's to move, gated by the alarms; a rollback keeps it. */
const MIGRATION_KEYS: ReadonlySet<string> = new Set([MIGRATION_WEIGHT_KEY, MIGRATION_ECS_TARGET_GROUP_KEY, MIGRATION_PHASE_KEY]);

/**
 * Chooses the release to roll back to from the compute stack's history (newest first): the newest update
 * that succeeded, pinned an image by digest, runs something other than the current image, and whose image
 * ECS never rolled back. `--to` names a release by history version or image digest (a prefix is enough).
 */
export function chooseRollbackTarget(history: readonly UpdateRecord[], currentImage: string | undefined, to?: string): RollbackTarget {
  const rolledBack = new Set(history.map((u) => ROLLED_BACK.exec(u.message)?.[1]).filter((i): i is string => i !== undefined));
  const why = (u: UpdateRecord): string | undefined => {
    const image = u.config[IMAGE_CONFIG_KEY];
    if (u.kind !== "update") return `it was a ${u.kind}, not an update`;
    if (u.result !== "succeeded") return `that update ${u.result === "failed" ? "failed" : `is ${u.result}`}`;
    if (!image) return "it was built from source, so no image digest was pinned";
    if (rolledBack.has(image)) return `ECS rolled its image ${image} back`;
    return undefined;
  };
  const target = (u: UpdateRecord): RollbackTarget => {
    const settings = Object.fromEntries(
      Object.entries(u.config).filter(([k, v]) => k.startsWith("platform-compute:") && k !== IMAGE_CONFIG_KEY && !MIGRATION_KEYS.has(k) && v !== "[secret]"),
    );
    return { record: u, image: u.config[IMAGE_CONFIG_KEY] ?? "", settings };
  };

  if (to !== undefined) {
    const wanted = to.trim();
    const byVersion = /^\d+$/.test(wanted) ? history.find((u) => u.version === Number(wanted)) : undefined;
    const hex = wanted.replace(/^sha256:/, "");
    const byDigest = byVersion
      ? undefined
      : history.find((u) => why(u) === undefined && (u.config[IMAGE_CONFIG_KEY] ?? "").split("@sha256:")[1]?.startsWith(hex) === true && hex.length >= 7);
    const found = byVersion ?? byDigest;
    if (!found) {
      throw new DevctlError(
        "USAGE",
        `no release "${to}" in the compute stack's history`,
        "run devctl history <env> and pass a version number or an image digest (at least 7 hex digits) to --to",
      );
    }
    const problem = why(found);
    if (problem)
      throw new DevctlError(
        "USAGE",
        `cannot roll back to release ${found.version}: ${problem}`,
        "pick a succeeded release with an image digest from devctl history <env>",
      );
    return target(found);
  }

  const candidate = history.find((u) => why(u) === undefined && u.config[IMAGE_CONFIG_KEY] !== currentImage);
  if (!candidate) {
    throw new DevctlError(
      "OPERATION_FAILED",
      "no earlier good release to roll back to: no succeeded update in the compute stack's history pinned another image",
      "run devctl history <env> to see the updates; roll forward with devctl promote or devctl up --image <repo>@sha256:<digest>",
    );
  }
  return target(candidate);
}

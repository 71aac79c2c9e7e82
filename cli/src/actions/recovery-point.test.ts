import { describe, expect, it } from "vitest";
import { image } from "../../test/memory-services";
import { IMAGE_CONFIG_KEY, type UpdateRecord } from "../engine/engine";
import { imageInRegion, imageRunningAt, judgeObjectives } from "./recovery-point";

const update = (version: number, hour: number, config: Record<string, string> = {}, result: UpdateRecord["result"] = "succeeded"): UpdateRecord => ({
  version,
  kind: "update",
  result,
  startTime: new Date(Date.UTC(2026, 10, 20, hour)),
  message: "",
  config,
});
const at = (hour: number, minute = 0) => new Date(Date.UTC(2026, 10, 20, hour, minute));

describe("imageRunningAt", () => {
  const history = [
    update(3, 5, {}, "succeeded"),
    update(2, 3, { [IMAGE_CONFIG_KEY]: image("v2") }, "failed"),
    update(1, 1, { [IMAGE_CONFIG_KEY]: image("v1") }),
  ];

  it("takes the last successful release that started at or before the time, skipping failed ones", () => {
    expect(imageRunningAt(history, {}, at(4))).toBe(image("v1"));
  });

  it("reads a build from source's digest from the outputs only while it is what runs now", () => {
    expect(imageRunningAt(history, { imageRef: image("built") }, at(6))).toBe(image("built"));
    const later = [update(4, 7, { [IMAGE_CONFIG_KEY]: image("v4") }), ...history];
    expect(() => imageRunningAt(later, { imageRef: image("v4") }, at(6))).toThrow(/release 3 .* was built from source/);
  });

  it("skips a release ECS rolled back: until devctl's reconcile, the previous image kept serving", () => {
    const failed = { ...update(2, 3, { [IMAGE_CONFIG_KEY]: image("v2") }), startTime: at(3, 0) };
    const reconcile = {
      ...update(3, 3, { [IMAGE_CONFIG_KEY]: image("v1") }),
      startTime: at(3, 20),
      message: `devctl reconcile: ECS rolled back ${image("v2")}; image back to ${image("v1")}`,
    };
    const rolledBack = [reconcile, failed, update(1, 1, { [IMAGE_CONFIG_KEY]: image("v1") })];
    expect(imageRunningAt(rolledBack, {}, at(3, 10))).toBe(image("v1"));
    expect(imageRunningAt(rolledBack, {}, at(4))).toBe(image("v1"));
    // The same image released again later, and not rolled back, is what ran from then on.
    const again = [{ ...update(4, 5, { [IMAGE_CONFIG_KEY]: image("v2") }) }, ...rolledBack];
    expect(imageRunningAt(again, {}, at(6))).toBe(image("v2"));
  });

  it("refuses a time before the first release", () => {
    expect(() => imageRunningAt(history, {}, at(0))).toThrow(/no successful update before/);
  });
});

describe("imageInRegion and judgeObjectives", () => {
  it("moves an ECR reference to the DR region's registry, keeping repository and digest", () => {
    expect(imageInRegion(image("v1"), "eu-central-1")).toBe(image("v1").replace("eu-west-1", "eu-central-1"));
    expect(() => imageInRegion("ghcr.io/x/y@sha256:" + "a".repeat(64), "eu-central-1")).toThrow(/not in an ECR registry/);
  });

  it("judges RPO only for --latest and RTO always", () => {
    expect(judgeObjectives({ time: at(11, 50), latest: true }, at(12), at(12, 40)).missed).toEqual([]);
    expect(judgeObjectives({ time: at(11, 40), latest: true }, at(12), at(12, 40)).missed).toEqual([expect.stringContaining("RPO 20.0 min exceeds 15 min")]);
    expect(judgeObjectives({ time: at(2), latest: false }, at(12), at(13, 5)).missed).toEqual([expect.stringContaining("RTO 65.0 min exceeds 60 min")]);
  });
});

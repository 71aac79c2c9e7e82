import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import type { Layer } from "@platform/infra/layers";
import { collectLayer, isoTime, wholeNumber } from "./options";

describe("collectLayer, the one --layer parser", () => {
  it("adds each layer once, from repeated flags or a comma-separated list, in the order given", () => {
    let repeated: Layer[] = [];
    for (const value of ["compute", "network", "compute"]) repeated = collectLayer(value, repeated);
    expect(repeated).toEqual(["compute", "network"]);
    expect(collectLayer("data, network", ["network"])).toEqual(["network", "data"]);
    expect(collectLayer("compute")).toEqual(["compute"]);
  });

  it("refuses an unknown layer, naming it and the known ones", () => {
    expect(() => collectLayer("network,edge")).toThrow(new InvalidArgumentError('unknown layer "edge"; use one of: network, data, compute'));
    expect(() => collectLayer("")).toThrow(InvalidArgumentError);
  });
});

describe("wholeNumber, the one integer flag parser", () => {
  it("accepts whole numbers within the bounds", () => {
    expect(wholeNumber("--limit", { min: 1 })("10")).toBe(10);
    expect(wholeNumber("--soak-minutes")("0")).toBe(0);
    expect(wholeNumber("--timeout", { min: 1, max: 300_000 })(" 300000 ")).toBe(300_000);
  });

  it.each([
    ["--limit", { min: 1 }, "0", '--limit takes a whole number of at least 1, got "0"'],
    ["--soak-minutes", {}, "-1", '--soak-minutes takes a whole number of at least 0, got "-1"'],
    ["--soak-minutes", {}, "1.5", '--soak-minutes takes a whole number of at least 0, got "1.5"'],
    ["--retry-for", { max: 3_600 }, "3601", '--retry-for takes a whole number from 0 to 3600, got "3601"'],
    ["--timeout", { min: 1, max: 300_000 }, "soon", '--timeout takes a whole number from 1 to 300000, got "soon"'],
    ["--limit", { min: 1 }, "99999999999999999999", '--limit takes a whole number of at least 1, got "99999999999999999999"'],
  ])("%s %j refuses %s", (flag, bounds, value, message) => {
    expect(() => wholeNumber(flag, bounds)(value)).toThrow(new InvalidArgumentError(message));
  });
});

describe("isoTime, the --time parser", () => {
  it("accepts a UTC ISO-8601 time, seconds and milliseconds optional", () => {
    for (const time of ["2026-11-30T02:15Z", "2026-11-30T02:15:00Z", "2026-11-30T02:15:00.250Z"]) expect(isoTime(time)).toBe(time);
  });

  it.each(["2026-11-30 02:15:00Z", "2026-11-30T02:15:00+01:00", "2026-13-40T00:00:00Z", "yesterday"])("refuses %j, showing the form to write", (time) => {
    expect(() => isoTime(time)).toThrow(`"${time}" is not an ISO-8601 UTC time; write it like 2026-11-30T02:15:00Z`);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DATA_WINDOWS, dailyOverlapsWeekly, parseDailyWindow, parseWeeklyWindow, validateDataWindows } from "./maintenance-windows";

describe("window parsing", () => {
  it("reads daily and weekly windows, also across midnight and the week's end", () => {
    expect(parseDailyWindow("01:00-01:30")).toEqual({ start: 60, length: 30 });
    expect(parseDailyWindow("23:30-00:30")).toEqual({ start: 23 * 60 + 30, length: 60 });
    expect(parseWeeklyWindow("mon:00:00-mon:01:00")).toEqual({ start: 0, length: 60 });
    expect(parseWeeklyWindow("sun:23:30-mon:00:30")).toEqual({ start: 6 * 1440 + 23 * 60 + 30, length: 60 });
  });

  it("rejects malformed or too-short windows with the expected format", () => {
    expect(() => parseDailyWindow("1:00-1:30")).toThrow(/hh:mm/);
    expect(() => parseDailyWindow("01:00-01:10")).toThrow(/10 minutes; AWS needs at least 30/);
    expect(() => parseDailyWindow("03:00-03:45", 60)).toThrow(/at least 60/);
    expect(() => parseWeeklyWindow("sunday:02:00-sunday:03:00")).toThrow(/ddd:hh:mm/);
    expect(() => parseWeeklyWindow("sun:02:00-sun:02:30")).toThrow(/at least 60/);
  });
});

describe("dailyOverlapsWeekly", () => {
  it("finds overlaps on the maintenance day only when the times meet", () => {
    expect(dailyOverlapsWeekly("02:30-03:00", "sun:02:00-sun:03:00")).toBe(true);
    expect(dailyOverlapsWeekly("01:00-01:30", "sun:02:00-sun:03:00")).toBe(false);
    expect(dailyOverlapsWeekly("01:00-02:00", "sun:02:00-sun:03:00")).toBe(false);
    expect(dailyOverlapsWeekly("23:30-00:30", "mon:00:00-mon:01:00")).toBe(true);
    expect(dailyOverlapsWeekly("00:00-00:30", "sun:23:00-mon:00:15")).toBe(true);
  });

  it("agrees with a minute-by-minute check", () => {
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
    const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 30, max: 180 }),
        fc.integer({ min: 0, max: 10079 }),
        fc.integer({ min: 60, max: 300 }),
        (ds, dl, ws, wl) => {
          const daily = `${hhmm(ds)}-${hhmm((ds + dl) % 1440)}`;
          const we = (ws + wl) % 10080;
          const weekly = `${days[Math.floor(ws / 1440)]}:${hhmm(ws % 1440)}-${days[Math.floor(we / 1440)]}:${hhmm(we % 1440)}`;
          let expected = false;
          for (let day = 0; day < 7 && !expected; day++) {
            for (let m = 0; m < dl && !expected; m++) {
              const minute = (day * 1440 + ds + m) % 10080;
              if ((minute - ws + 10080) % 10080 < wl) expected = true;
            }
          }
          expect(dailyOverlapsWeekly(daily, weekly)).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("validateDataWindows", () => {
  it("accepts the platform's windows", () => {
    expect(validateDataWindows(DATA_WINDOWS)).toBe(DATA_WINDOWS);
  });

  it("names the colliding windows", () => {
    expect(() => validateDataWindows({ ...DATA_WINDOWS, dbBackupWindow: "02:15-02:45" })).toThrow(/backup window 02:15-02:45 overlaps.*sun:02:00-sun:03:00/);
    expect(() => validateDataWindows({ ...DATA_WINDOWS, cacheSnapshotWindow: "04:00-05:00" })).toThrow(/cache snapshot window/);
  });
});

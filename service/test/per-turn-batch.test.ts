import { describe, expect, it } from "vitest";
import { perTurnBatch } from "../src/batching/per-turn";

describe("perTurnBatch", () => {
  it("answers the lookups of one event-loop turn with one call, same keys sharing an answer", async () => {
    const calls: string[][] = [];
    const lookup = perTurnBatch((keys) => {
      calls.push(keys);
      return Promise.resolve((key: string) => key.toUpperCase());
    });
    const first = await Promise.all(["a", "b", "a", "c"].map(lookup));
    const second = await lookup("d");
    expect(first).toEqual(["A", "B", "A", "C"]);
    expect(second).toBe("D");
    expect(calls).toEqual([["a", "b", "c"], ["d"]]);
  });

  it("calls only after every lookup of the turn was asked", async () => {
    let state = "old";
    const lookup = perTurnBatch(() => {
      const seen = state;
      return Promise.resolve(() => seen);
    });
    const asked = lookup("k");
    state = "new";
    expect(await asked).toBe("new");
  });

  it("rejects every lookup of a batch whose call failed, and the next batch still runs", async () => {
    let fail = true;
    const lookup = perTurnBatch(() => (fail ? Promise.reject(new Error("down")) : Promise.resolve(() => "up")));
    const results = await Promise.allSettled([lookup("a"), lookup("b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await lookup("a")).toBe("up");
  });
});

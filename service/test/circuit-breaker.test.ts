import { describe, expect, it } from "vitest";
import { CircuitBreaker, CircuitOpenError, type CircuitState } from "../src/resilience/circuit-breaker";

function breaker() {
  let now = 0;
  const changes: CircuitState[] = [];
  const b = new CircuitBreaker({ failures: 3, cooldownMs: 1_000, slowMs: 1_000, onChange: (s) => changes.push(s) }, () => now);
  return { b, changes, advance: (ms: number) => (now += ms) };
}

const fail = () => Promise.reject(new Error("down"));
const ok = () => Promise.resolve("ok");

describe("CircuitBreaker", () => {
  it("opens after consecutive failures only, refuses during the cooldown, then lets one probe decide", async () => {
    const { b, changes, advance } = breaker();
    await expect(b.run(fail)).rejects.toThrow("down");
    await expect(b.run(fail)).rejects.toThrow("down");
    await b.run(ok); // a success in between starts the count again
    for (let i = 0; i < 3; i++) await expect(b.run(fail)).rejects.toThrow("down");
    expect(b.state).toBe("open");
    await expect(b.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);

    advance(1_000);
    // The probe fails: open again for a whole cooldown.
    await expect(b.run(fail)).rejects.toThrow("down");
    await expect(b.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    advance(1_000);
    // While one probe is under way, other calls are still refused.
    let release!: () => void;
    const probe = b.run(() => new Promise<string>((resolve) => (release = () => resolve("ok"))));
    await expect(b.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    await expect(probe).resolves.toBe("ok");
    expect(b.state).toBe("closed");
    expect(changes).toEqual(["open", "closed"]);
  });
});

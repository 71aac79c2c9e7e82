import { describe, expect, it } from "vitest";
import { ORIGIN_VERIFY_HEADER_NAME, validateOriginVerifyHeaderName } from "./origin-verify";

describe("origin-verify header name", () => {
  it("accepts the default and other token names up to 40 characters", () => {
    expect(ORIGIN_VERIFY_HEADER_NAME).toBe("X-Origin-Verify");
    for (const name of [ORIGIN_VERIFY_HEADER_NAME, "x-cf-secret", "A".repeat(40)]) expect(() => validateOriginVerifyHeaderName(name)).not.toThrow();
  });

  it("rejects names the ALB would refuse, saying what to use", () => {
    expect(() => validateOriginVerifyHeaderName("")).toThrow(/originVerifyHeader.name "" is not an HTTP header name .* e\.g\. X-Origin-Verify/);
    expect(() => validateOriginVerifyHeaderName("X Origin")).toThrow(/is not an HTTP header name/);
    expect(() => validateOriginVerifyHeaderName("A".repeat(41))).toThrow(/1-40 letters/);
    expect(() => validateOriginVerifyHeaderName("Host")).toThrow(/must not be Host/);
  });
});

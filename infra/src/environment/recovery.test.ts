import { describe, expect, it } from "vitest";
import { recoveredDomainName, recoveryDomainName } from "./recovery";

describe("recoveredDomainName", () => {
  it("gives back the host name a recovery environment's own name was derived from", () => {
    expect(recoveredDomainName(recoveryDomainName("ledger.platform.example.com"))).toBe("ledger.platform.example.com");
  });

  it("refuses a name that is not a recovery environment's", () => {
    expect(() => recoveredDomainName("ledger.platform.example.com")).toThrow(
      "ledger.platform.example.com is not a recovery environment's host name (dr.<domain>)",
    );
    expect(() => recoveredDomainName("dr.")).toThrow(/is not a recovery environment's host name/);
  });
});

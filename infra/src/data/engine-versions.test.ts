import { describe, expect, it } from "vitest";
import { postgresMajorVersion, postgresParameterFamily, redisParameterFamily } from "./engine-versions";

describe("PostgreSQL versions", () => {
  it("gives RDS the major version and the matching parameter-group family", () => {
    expect(postgresMajorVersion("16.4")).toBe("16");
    expect(postgresMajorVersion("17")).toBe("17");
    expect(postgresParameterFamily("16.4")).toBe("postgres16");
    expect(postgresParameterFamily("15.10")).toBe("postgres15");
  });

  it("rejects what is not a supported version, saying what to write", () => {
    expect(() => postgresMajorVersion("16.4.1")).toThrow(/dbEngineVersion "16.4.1".*major.minor/);
    expect(() => postgresMajorVersion("10.21")).toThrow(/11 or later/);
    expect(() => postgresMajorVersion("latest")).toThrow(/dbEngineVersion/);
  });
});

describe("Redis versions", () => {
  it("maps to ElastiCache's family names", () => {
    expect(redisParameterFamily("7.1")).toBe("redis7");
    expect(redisParameterFamily("6.2")).toBe("redis6.x");
  });

  it("rejects versions without AUTH over TLS support or in the wrong form", () => {
    expect(() => redisParameterFamily("5.0")).toThrow(/redisEngineVersion "5.0"/);
    expect(() => redisParameterFamily("7")).toThrow(/major.minor/);
  });
});

import { describe, expect, it } from "vitest";
import { meshRouteProblem, meshSettingsProblems, parseMeshRoute } from "./mesh";

describe("meshRoutes entries", () => {
  it("reads a prefix, a timeout and optional retries", () => {
    expect(parseMeshRoute("/ timeout=15s")).toEqual({ pathPrefix: "/", timeoutSeconds: 15, retries: 0 });
    expect(parseMeshRoute("/v1/metrics timeout=30s retries=2")).toEqual({ pathPrefix: "/v1/metrics", timeoutSeconds: 30, retries: 2 });
  });

  it.each([
    ["v1 timeout=5s", "is not a route"],
    ["/ timeout=5", "is not a route"],
    ["/v1/ timeout=5s", "trailing slash; write the prefix as /v1"],
    ["/ timeout=0s", "use 1 to 60 s"],
    ["/ timeout=61s", "the ALB closes idle connections after 60 s"],
    ["/ timeout=5s retries=6", "use 0 to 5"],
  ])("refuses %j, saying how to write it", (entry, message) => {
    expect(meshRouteProblem(entry)).toContain(message);
    expect(() => parseMeshRoute(entry)).toThrow(message);
  });
});

describe("mesh settings against the compute platform", () => {
  const base = { meshMode: "none", meshMtls: false, meshRoutes: ["/ timeout=15s"], computePlatform: "ecs" } as const;

  it.each([
    [{ meshMode: "service-connect", computePlatform: "ecs" }],
    [{ meshMode: "istio-ambient", computePlatform: "eks", meshMtls: true, meshRoutes: ["/ timeout=15s retries=2", "/v1/metrics timeout=30s"] }],
    [{ meshMode: "none", computePlatform: "lambda" }],
  ] as const)("accepts %j", (change) => {
    expect(meshSettingsProblems({ ...base, ...change })).toEqual([]);
  });

  it.each([
    [
      { meshMode: "service-connect", computePlatform: "eks" },
      "meshMode",
      "runs on computePlatform ecs only (this environment is eks); use istio-ambient or none",
    ],
    [
      { meshMode: "istio-ambient", computePlatform: "ecs" },
      "meshMode",
      "runs on computePlatform eks only (this environment is ecs); use service-connect or none",
    ],
    [{ meshMode: "istio-ambient", computePlatform: "lambda" }, "meshMode", "(this environment is lambda); use none"],
    [{ meshMode: "istio-ambient", computePlatform: "eks", eksNodePools: ["general-purpose"] }, "meshMode", "add system to eksNodePools"],
    [{ meshMtls: true }, "meshMtls", "pick a meshMode or set meshMtls: false"],
    [{ meshRoutes: ["/v1 timeout=5s"] }, "meshRoutes", 'has no "/" route'],
    [{ meshRoutes: ["/ timeout=5s", "/ timeout=9s"] }, "meshRoutes", "lists the prefix / twice"],
    [{ meshMode: "service-connect", meshRoutes: ["/ timeout=5s", "/v1 timeout=9s"] }, "meshRoutes", 'keep only the "/" route'],
    [{ meshMode: "service-connect", meshRoutes: ["/ timeout=5s retries=2"] }, "meshRoutes", "Service Connect has no retry setting; write retries=0"],
  ] as const)("refuses %j, naming %s and the fix", (change, key, message) => {
    const problems = meshSettingsProblems({ ...base, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ key, message: expect.stringContaining(message) as unknown });
  });
});

import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";

const laptop = { DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:54329/ledger" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("web sign-in settings", () => {
  it("defaults to no client id, the usual scopes and no development sign-in", () => {
    expect(loadConfig(laptop).web).toEqual({ scopes: "openid profile email offline_access", devSignIn: false });
  });

  it("reads the page's public client id and scopes", () => {
    const config = loadConfig({ ...laptop, OIDC_WEB_CLIENT_ID: "ledger-web", OIDC_WEB_SCOPES: "openid email api://ledger/read" });
    expect(config.web).toEqual({ clientId: "ledger-web", scopes: "openid email api://ledger/read", devSignIn: false });
  });

  it("allows DEV_SIGN_IN on a laptop: local environment, loopback database and issuer", () => {
    const config = loadConfig({ ...laptop, DEV_SIGN_IN: "true", OIDC_ISSUER: "http://127.0.0.1:8081", OIDC_AUDIENCE: "urn:release-ledger" });
    expect(config.web.devSignIn).toBe(true);
  });

  it.each([
    ["NODE_ENV is production", { ...laptop, NODE_ENV: "production" }],
    ["PLATFORM_ENVIRONMENT is prod", { ...laptop, PLATFORM_ENVIRONMENT: "prod" }],
    ["the database is not on this machine", { DATABASE_URL: "postgres://app:pw@ledger.cluster-x.eu-west-1.rds.amazonaws.com:5432/ledger" }],
    ["the database is not on this machine", { PGHOST: "db.internal", PGUSER: "app" }],
    ["OIDC_ISSUER is not on this machine", { ...laptop, OIDC_ISSUER: "https://login.example.com", OIDC_AUDIENCE: "ledger" }],
  ])("refuses DEV_SIGN_IN when %s", (reason, env) => {
    const problems = problemsOf({ ...env, DEV_SIGN_IN: "true" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("DEV_SIGN_IN=true is only for local development");
    expect(problems[0]).toContain(reason);
    expect(problems[0]).toContain("configure OIDC_ISSUER, OIDC_AUDIENCE and OIDC_WEB_CLIENT_ID");
  });
});

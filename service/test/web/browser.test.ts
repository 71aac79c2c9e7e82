import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import axe from "axe-core";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { DEV_API_SCOPE, startDevIdentityProvider } from "../../src/dev-identity-provider";
import { seedExampleReleases } from "../../src/dev-seed";
import { Metrics } from "../../src/observability/metrics";
import { createKey, digest, sha } from "../support/app";
import { createTestDatabase, dropRedisKeys, randomPrefix, REDIS_URL } from "../support/database";
import { freePort } from "../support/free-port";
import { buildPageForTest } from "./build-page";

/** Whatever CHROMIUM_PATH names (a developer's own Chrome, say), else Debian's `chromium` package. */
const CANDIDATES = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
const executablePath = CANDIDATES.find((path) => existsSync(path));
const MISSING = `no Chromium at ${CANDIDATES.join(" or ")}. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.`;
// A laptop without a browser skips these tests; CI must not pass by skipping them.
const requireBrowser = process.env.CI === "true";
if (!executablePath && !requireBrowser) process.stderr.write(`SKIPPED the browser tests: ${MISSING}\n`);

const SCREENSHOTS = join(__dirname, "..", "..", "test-results", "screenshots");
const CLIENT_ID = "ledger-page-test";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let built: Awaited<ReturnType<typeof buildPageForTest>>;
let idp: Awaited<ReturnType<typeof startDevIdentityProvider>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
/** Console errors from the ledger's own origin: a CSP violation shows up here. */
const pageErrors: string[] = [];
/** Cookies the ledger itself sets (none: the page keeps its tokens in memory). The provider's own share the host. */
const ledgerCookies: string[] = [];

async function screenshot(name: string, fullPage = true) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** axe-core in the page; serious and critical violations fail the test, with what and where. */
async function expectAccessible(what: string) {
  await page.evaluate(axe.source);
  const violations = await page.evaluate<{ id: string; impact: string; help: string; nodes: string[] }[]>(
    `axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })))`,
  );
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `${what}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

async function signIn(login: string) {
  await page.goto(`${base}/`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${idp.issuer}/**`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL(`${base}/**`);
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

const cell = (environment: string, service: string) => page.locator(`td[data-environment="${environment}"][data-service="${service}"]`);

describe.runIf(requireBrowser && !executablePath)("the browser tests in CI", () => {
  it("have a Chromium to run in", () => {
    expect.fail(MISSING);
  });
});

describe.skipIf(!executablePath)("the web page in a real browser, signed in through a real OpenID provider", () => {
  beforeAll(async () => {
    const servicePort = await freePort();
    base = `http://127.0.0.1:${servicePort}`;
    [db, built, idp] = await Promise.all([
      createTestDatabase(),
      buildPageForTest(),
      // Access tokens live 35 s, so the page renews them 5 s after sign-in (30 s before expiry) while the test watches.
      startDevIdentityProvider({ port: 0, pageUrls: [base], clientId: CLIENT_ID, audience: "urn:release-ledger:test", accessTokenTtlSeconds: 35 }),
    ]);
    await seedExampleReleases(db.url);
    const config = loadConfig({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: randomPrefix(),
      OIDC_ISSUER: idp.issuer,
      OIDC_AUDIENCE: "urn:release-ledger:test",
      OIDC_WEB_CLIENT_ID: CLIENT_ID,
      OIDC_WEB_SCOPES: `openid profile email offline_access ${DEV_API_SCOPE}`,
      DEV_SIGN_IN: "true",
      LOG_LEVEL: "silent",
      RATE_LIMIT_PER_MINUTE: "0",
    });
    app = await buildApp({ config, webAssetsDir: built.dir, metrics: new Metrics("test", () => undefined), logStream: { write: () => undefined } });
    await app.listen({ port: servicePort, host: "127.0.0.1" });
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    context = await browser.newContext({ viewport: { width: 1280, height: 820 }, locale: "en-GB", timezoneId: "UTC" });
    page = await context.newPage();
    // Below the test's own 30 s, so a step that hangs fails naming itself rather than as a bare test timeout.
    page.setDefaultTimeout(20_000);
    page.on("console", (message) => {
      if (message.type() === "error" && message.location().url.startsWith(base)) pageErrors.push(message.text());
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("response", (response) => {
      const cookie = response.headers()["set-cookie"];
      if (response.url().startsWith(base) && cookie) ledgerCookies.push(cookie);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await idp?.close();
    await db?.drop();
    await dropRedisKeys();
    if (built) await rm(built.dir, { recursive: true, force: true });
  });

  it("says how to configure sign-in when no issuer is set", async () => {
    const bare = await buildApp({
      config: loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent" }),
      webAssetsDir: built.dir,
      metrics: new Metrics("test", () => undefined),
      logStream: { write: () => undefined },
    });
    try {
      const url = await bare.listen({ port: 0, host: "127.0.0.1" });
      await page.goto(`${url}/`);
      await page.getByRole("heading", { name: "Sign-in is not configured" }).waitFor();
      expect(await page.locator("main").textContent()).toContain("set OIDC_ISSUER, OIDC_AUDIENCE, OIDC_WEB_CLIENT_ID");
      expect(await page.getByRole("button", { name: "Sign in" }).count()).toBe(0);
      await screenshot("0-not-configured");
      await expectAccessible("sign-in not configured");
    } finally {
      // Leave the page first: the close then waits for no request of this page still in flight on a keep-alive
      // connection (once seen to hold the close past the test's timeout on a loaded machine).
      await page.goto("about:blank");
      await bare.close();
    }
  });

  it("shows a visitor how to sign in, and the development sign-in hint", async () => {
    await page.goto(`${base}/`);
    await page.getByRole("heading", { name: "Signed out" }).waitFor();
    expect(await page.getByText("Development sign-in").count()).toBe(1);
    await screenshot("1-signed-out");
    await expectAccessible("signed out");
  });

  it("signs an admin in with code + PKCE and fills the matrix, keeping tokens out of URLs and storage", async () => {
    await signIn("admin");
    await cell("prod", "payments").waitFor();
    expect(await page.locator("td.cell").count()).toBe(12);
    expect(await page.locator(".role").textContent()).toBe("admin");
    // The seeded history's newest payments deployment to prod failed; search has not reached prod for six weeks.
    expect(await cell("prod", "payments").getAttribute("class")).toContain("cell--failed");
    expect(await cell("prod", "search").getAttribute("class")).toContain("cell--stale");
    expect(page.url()).toBe(`${base}/`);
    const stored = await page.evaluate("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])");
    expect(stored).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(ledgerCookies).toEqual([]);
    await screenshot("2-matrix");
    await expectAccessible("matrix");
  });

  it("stays signed in across a reload by asking the provider again (prompt=none)", async () => {
    await page.reload();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await cell("prod", "payments").waitFor();
    expect(page.url()).toBe(`${base}/`);
  });

  it("renews its access token with the refresh token before it expires", async () => {
    const renewal = await page.waitForResponse(
      (response) => response.url().startsWith(`${idp.issuer}/token`) && (response.request().postData() ?? "").includes("grant_type=refresh_token"),
      { timeout: 15_000 },
    );
    expect(renewal.status()).toBe(200);
    expect(renewal.request().headers().authorization).toBeUndefined();
    const refreshed = page.waitForResponse((response) => response.url() === `${base}/v1/dashboard/matrix`);
    await page.getByRole("button", { name: "Refresh" }).click();
    expect((await refreshed).status()).toBe(200);
  });

  it("shows a release CI records without a reload", async () => {
    const ci = await createKey(db.url, "deployer", "ci");
    const response = await fetch(`${base}/v1/releases`, {
      method: "POST",
      headers: { authorization: `Bearer ${ci.key}`, "content-type": "application/json" },
      body: JSON.stringify({ service: "ledger-ui", environment: "prod", version: "2.0.0", imageDigest: digest(42), commitSha: sha(42), status: "succeeded" }),
    });
    expect(response.status).toBe(201);
    await page.getByRole("button", { name: "Refresh" }).click();
    await cell("prod", "ledger-ui").waitFor();
    expect(await cell("prod", "ledger-ui").textContent()).toContain("2.0.0");
    expect(await cell("prod", "ledger-ui").textContent()).toContain("· ci");
  });

  it("opens a release and marks it rolled back; the timeline shows the rollback", async () => {
    await page.getByRole("link", { name: "Timeline" }).click();
    await page.getByRole("heading", { name: "Release timeline" }).waitFor();
    const event = page.locator("li.event").filter({ hasText: "ledger-ui 2.0.0" });
    await event.waitFor();
    expect(await event.getAttribute("class")).toContain("event--succeeded");
    await event.getByRole("button").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: "ledger-ui 2.0.0 in prod" }).waitFor();
    await screenshot("3-release", false);
    await expectAccessible("release dialog");
    await dialog.getByRole("button", { name: "Mark rolled back" }).click();
    await dialog.locator(".badge--rolled_back").waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await page.locator("li.event.event--rolled_back").filter({ hasText: "ledger-ui 2.0.0" }).waitFor();
    expect(await page.locator("li.event--failed").count()).toBeGreaterThan(0);
    await screenshot("4-timeline", false);
    await expectAccessible("timeline");
    // The matrix agrees: the rolled-back release no longer counts as what runs there.
    await page.getByRole("link", { name: "What runs where" }).click();
    expect(await cell("prod", "ledger-ui").getAttribute("class")).toContain("cell--failed");
  });

  it("charts the four DORA metrics over 30 and 90 days", async () => {
    await page.getByRole("link", { name: "DORA metrics" }).click();
    await page.locator(".stat").first().waitFor();
    expect(await page.locator(".stat__label").allTextContents()).toEqual([
      "Deployment frequency",
      "Lead time for changes (median)",
      "Change failure rate",
      "Time to restore (median)",
    ]);
    await page.locator(".chart canvas").nth(3).waitFor();
    await page.getByRole("button", { name: "90 days" }).click();
    await page.getByText("in the last 90 days").waitFor();
    await page.locator("select").selectOption("prod");
    await page.getByText("in the last 90 days").waitFor();
    await page.locator(".chart canvas").nth(3).waitFor();
    await screenshot("5-dora");
    await expectAccessible("DORA metrics");
  });

  it("shows an admin the API keys and creates one, showing its secret once", async () => {
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByRole("cell", { name: "ci", exact: true }).waitFor();
    await page.getByLabel("Name").fill("made-on-the-page");
    await page.getByRole("button", { name: "Create key" }).click();
    expect(await page.locator("code.secret").textContent()).toMatch(/^rlk_/);
    await page.getByRole("cell", { name: "made-on-the-page", exact: true }).waitFor();
    expect(await page.getByRole("row").filter({ hasText: "made-on-the-page" }).textContent()).toContain("by user:admin@dev.localhost");
    await screenshot("6-api-keys");
    await expectAccessible("API keys");
  });

  it("signs out at the page and at the provider", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${idp.issuer}/**`);
    await page.getByRole("button", { name: /yes, sign me out/i }).click();
    await page.waitForURL(`${base}/**`);
    await page.getByRole("heading", { name: "Signed out" }).waitFor();
  });

  it("shows a viewer no admin or deployer parts", async () => {
    await signIn("viewer");
    await cell("prod", "payments").waitFor();
    expect(await page.locator(".role").textContent()).toBe("viewer");
    expect(await page.getByRole("link", { name: "API keys" }).count()).toBe(0);
    await page.goto(`${base}/#keys`);
    await page.getByRole("heading", { name: "What runs where" }).waitFor();
    await cell("prod", "payments").getByRole("button").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Released by").waitFor();
    expect(await dialog.getByRole("button", { name: /^Mark / }).count()).toBe(0);
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  it("raised no script error and no Content-Security-Policy violation", () => {
    expect(pageErrors).toEqual([]);
  });
});

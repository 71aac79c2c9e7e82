import { afterEach, describe, expect, it } from "vitest";
import { ExitCode } from "../errors";
import { main } from "../main";
import { startFakeService, type FakeRoute, type FakeService } from "../../test/fake-service";
import { harness } from "../../test/memory-services";
import { recordingIo } from "../../test/recording-io";

let service: FakeService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function smoke(args: string[], env: Record<string, string> = {}, routes: Record<string, FakeRoute> = {}) {
  service = await startFakeService(routes);
  const io = recordingIo({ env });
  const code = await main(["smoke", "staging", "--url", service.url, ...args], io);
  return { code, io, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n"), requests: service.requests };
}

describe("devctl smoke against a healthy service", () => {
  it("passes every check, sends the token only to the authenticated read, and exits 0", async () => {
    const { code, stdout, requests } = await smoke([], { DEVCTL_SMOKE_TOKEN: "good-token" });
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toMatch(/✓ healthz\s+HTTP 200\s+\d+ ms/);
    expect(stdout).toMatch(/✓ readyz\s+HTTP 200/);
    expect(stdout).toMatch(/✓ openapi\s+HTTP 200.*OpenAPI 3\.0\.3, 2 paths/);
    expect(stdout).toMatch(/✓ authenticated-read\s+HTTP 200/);
    expect(stdout).toContain("smoke staging: OK (4 of 4 checks passed)");
    const read = requests.find((r) => r.path === "/v1/releases?limit=1");
    expect(read?.authorization).toBe("Bearer good-token");
    expect(requests.filter((r) => r.path !== "/v1/releases?limit=1").every((r) => r.authorization === undefined)).toBe(true);
  });

  it("skips the authenticated read, saying why, when DEVCTL_SMOKE_TOKEN is not set", async () => {
    const { code, stdout, requests } = await smoke([]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toMatch(/- authenticated-read\s+skipped\s+DEVCTL_SMOKE_TOKEN is not set/);
    expect(stdout).toContain("3 of 4 checks passed, 1 skipped");
    expect(requests.map((r) => r.path)).not.toContain("/v1/releases?limit=1");
  });

  it("fails the authenticated read when --require-auth is given and there is no token", async () => {
    const { code, stdout, stderr } = await smoke(["--require-auth"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stdout).toMatch(/✗ authenticated-read.*--require-auth was given/);
    expect(stderr).toContain("smoke checks failed against");
  });

  it("prints one JSON document and nothing else on stdout with --json", async () => {
    const { code, io } = await smoke(["--json"], { DEVCTL_SMOKE_TOKEN: "good-token" });
    expect(code).toBe(ExitCode.Success);
    expect(io.stdout).toHaveLength(1);
    const report = JSON.parse(io.stdout[0]!);
    expect(report).toMatchObject({ environment: "staging", ok: true });
    expect(report.checks.map((c: { name: string; outcome: string }) => `${c.name}:${c.outcome}`)).toEqual([
      "healthz:passed",
      "readyz:passed",
      "openapi:passed",
      "authenticated-read:passed",
    ]);
    expect(JSON.stringify(report)).not.toContain("good-token");
  });

  it("keeps a path prefix of the base URL", async () => {
    service = await startFakeService({
      "/ledger/healthz": () => ({ status: 200, body: {} }),
      "/ledger/readyz": () => ({ status: 200, body: {} }),
      "/ledger/docs/json": () => ({ status: 200, body: { openapi: "3.1.0", paths: { "/x": {} } } }),
    });
    const io = recordingIo();
    expect(await main(["smoke", "staging", "--url", `${service.url}/ledger/`], io)).toBe(ExitCode.Success);
  });
});

describe("devctl smoke against a broken service", () => {
  it("fails clearly on readyz 503, a bad OpenAPI document, a rejected token and a timeout, and exits 1", async () => {
    const { code, stdout, stderr } = await smoke(
      ["--timeout", "300", "--retry-for", "0"],
      { DEVCTL_SMOKE_TOKEN: "wrong-token" },
      {
        "/healthz": () => ({ status: 200, delayMs: 2_000 }),
        "/readyz": () => ({ status: 503, body: { status: "not ready", reason: "database unreachable" } }),
        "/docs/json": () => ({ status: 200, body: "<html>not json</html>" }),
      },
    );
    expect(code).toBe(ExitCode.Failure);
    expect(stdout).toMatch(/✗ healthz\s+no answer\s+\d+ ms\s+no answer within 300 ms \(timeout\)/);
    expect(stdout).toMatch(/✗ readyz\s+HTTP 503.*expected HTTP 200, got 503: .*database unreachable/);
    expect(stdout).toMatch(/✗ openapi\s+HTTP 200.*not valid JSON.*<html>not json<\/html>/);
    expect(stdout).toMatch(/✗ authenticated-read\s+HTTP 401.*refused the token.*DEVCTL_SMOKE_TOKEN/);
    expect(stdout).toContain("smoke staging: FAILED (4 of 4 checks failed)");
    expect(stderr).toContain("error: smoke checks failed against");
    expect(stderr).toContain("healthz, readyz, openapi, authenticated-read");
    expect(stdout + stderr).not.toContain("wrong-token");
  });

  it("rejects an OpenAPI document without a version or paths", async () => {
    const noVersion = await smoke([], {}, { "/docs/json": () => ({ status: 200, body: { paths: { "/a": {} } } }) });
    expect(noVersion.code).toBe(ExitCode.Failure);
    expect(noVersion.stdout).toContain('no "openapi": "3.x" version field');
    await service?.close();
    const noPaths = await smoke([], {}, { "/docs/json": () => ({ status: 200, body: { openapi: "3.0.3", paths: {} } }) });
    expect(noPaths.stdout).toContain('lists no "paths"');
  });

  it("rejects a readiness answer that is not JSON", async () => {
    const { code, stdout } = await smoke([], {}, { "/readyz": () => ({ status: 200, body: "OK" }) });
    expect(code).toBe(ExitCode.Failure);
    expect(stdout).toMatch(/✗ readyz.*answered 200 but not JSON/);
  });

  it("retries a service that is still starting and passes once it is ready", async () => {
    // A 3 s window starts the backoff at 300 ms: attempts at 0, 0.3 and 0.9 s.
    const { code, stdout, stderr } = await smoke(
      ["--retry-for", "3"],
      {},
      {
        "/readyz": (_request, call) => (call < 3 ? { status: 503, body: { status: "starting" } } : { status: 200, body: { status: "ready" } }),
      },
    );
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toMatch(/✓ readyz\s+HTTP 200\s+\d+ ms\s+after 3 attempts/);
    expect(stderr).toMatch(/readyz: attempt 1 failed \(expected HTTP 200, got 503.*\); retrying in/);
  });

  it("does not retry a 4xx: it cannot heal", async () => {
    const { code, requests } = await smoke(["--retry-for", "10"], { DEVCTL_SMOKE_TOKEN: "wrong-token" });
    expect(code).toBe(ExitCode.Failure);
    expect(requests.filter((r) => r.path.startsWith("/v1/releases"))).toHaveLength(1);
  });

  it("gives up when the retry window closes", async () => {
    const started = Date.now();
    const { code, stdout } = await smoke(["--retry-for", "1"], {}, { "/readyz": () => ({ status: 502, body: "bad gateway" }) });
    expect(code).toBe(ExitCode.Failure);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stdout).toMatch(/✗ readyz\s+HTTP 502.*after \d+ attempts/);
  });

  it("reports a refused connection", async () => {
    service = await startFakeService();
    const url = service.url;
    await service.close();
    service = undefined;
    const io = recordingIo();
    expect(await main(["smoke", "staging", "--url", url, "--retry-for", "0"], io)).toBe(ExitCode.Failure);
    expect(io.stdout.join("\n")).toMatch(/✗ healthz\s+no answer.*ECONNREFUSED/);
  });
});

describe("devctl smoke flags and URL", () => {
  it.each([
    [["--url", "ftp://example.com"], "--url must be an http(s) URL"],
    [["--url", "not a url"], "--url is not a URL"],
    [["--url", "https://example.com/?x=1"], "must not carry a query"],
  ])("exits 2 on %j", async (args, message) => {
    const io = recordingIo();
    expect(await main(["smoke", "staging", ...args], io)).toBe(ExitCode.Usage);
    expect(io.stderr.join("\n")).toContain(message);
  });

  it("exits 2 on a name that cannot be an environment, also with --url (no environment file needed)", async () => {
    const io = recordingIo();
    expect(await main(["smoke", "Prod_1", "--url", "http://127.0.0.1:1"], io)).toBe(ExitCode.Usage);
    expect(io.stderr.join("\n")).toContain('"Prod_1" is not an environment name');
  });

  it("exits 2 on a bad --timeout or --retry-for", async () => {
    for (const args of [
      ["--timeout", "soon"],
      ["--retry-for", "-1"],
      ["--timeout", "0"],
    ]) {
      const io = recordingIo();
      expect(await main(["smoke", "staging", "--url", "http://127.0.0.1:1", ...args], io)).toBe(ExitCode.Usage);
      expect(io.stderr.join("\n")).toMatch(/--timeout|--retry-for/);
    }
  });

  it("reads the URL from the compute stack's serviceUrl output through the engine", async () => {
    service = await startFakeService();
    const h = harness();
    h.deploy("staging", "compute");
    const compute = h.engine.stack({ environment: "staging", layer: "compute" });
    compute.outputs = { ...compute.outputs, serviceUrl: `${service.url}/` };
    const { code, stdout } = await h.run(["smoke", "staging", "--retry-for", "0"]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toContain(`smoke staging: ${service.url}\n`);
    expect(service.requests.map((r) => r.path)).toContain("/healthz");
  });

  it("says the compute layer was never deployed when its stack has no outputs", async () => {
    const { code, stderr } = await harness().run(["smoke", "staging"]);
    expect(code).toBe(ExitCode.Failure);
    expect(stderr).toContain('the compute layer of "staging" has never been deployed');
    expect(stderr).toContain("fix: deploy it with: devctl up staging; or pass the URL with --url");
  });

  it("rejects a serviceUrl output that is not an http(s) URL", async () => {
    const h = harness();
    h.deploy("staging", "compute");
    const compute = h.engine.stack({ environment: "staging", layer: "compute" });
    compute.outputs = { ...compute.outputs, serviceUrl: "ledger.staging.example.com" };
    const { code, stderr } = await h.run(["smoke", "staging"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain('the compute stack output serviceUrl of "staging" is not a URL');
  });

  it("rejects an unknown environment on the outputs path, listing the known ones", async () => {
    const { code, stderr } = await harness().run(["smoke", "stagign"]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toMatch(/unknown environment "stagign".*prod, staging/s);
  });
});

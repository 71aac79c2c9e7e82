/**
 * The container runs with a read-only root filesystem and one writable volume at /tmp (declared in the
 * Dockerfile, so Fargate's bind mount takes the image's ownership: aws/containers-roadmap#938). This proves
 * both halves: the Dockerfile makes /tmp the service user's volume, and the service, started as in the
 * container and driven through startup, traffic and shutdown, writes nowhere but its TMPDIR. Node's permission
 * model stands in for the read-only filesystem: any other write throws ERR_ACCESS_DENIED.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, digest, sha } from "./support/app";
import { createTestDatabase, dropRedisKeys, randomPrefix } from "./support/database";

const SERVICE = join(__dirname, "..");

describe("Dockerfile", () => {
  const lines = fs
    .readFileSync(join(SERVICE, "Dockerfile"), "utf8")
    .split("\n")
    .map((l) => l.trim());
  const runtime = lines.slice(lines.findIndex((l) => /^FROM .* AS runtime$/.test(l)));
  const index = (pattern: RegExp) => runtime.findIndex((l) => pattern.test(l));

  it("declares /tmp as a volume after handing it to the service user, who runs the process", () => {
    const user = /^USER (\S+)$/.exec(runtime[index(/^USER /)] ?? "")?.[1];
    expect(user).toBe("1000:1000");
    const chown = index(/chown 1000:1000 \/tmp\b/);
    const volume = index(/^VOLUME \["\/tmp"\]$/);
    expect(chown, "a RUN that chowns /tmp to 1000:1000").toBeGreaterThan(0);
    expect(volume, 'VOLUME ["/tmp"] after the chown').toBeGreaterThan(chown);
    // Anything changed in a declared volume after VOLUME is discarded, so the volume comes last.
    expect(runtime.slice(volume + 1).some((l) => /^(RUN|COPY|ADD) /.test(l))).toBe(false);
  });
});

describe("the service on a read-only filesystem", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const tmp = fs.mkdtempSync(join(os.tmpdir(), "ledger-ro-"));
  const prefix = randomPrefix();

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    await dropRedisKeys();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("starts, migrates, serves reads and writes, and shuts down writing only under TMPDIR", async () => {
    const key = (await createKey(db.url, "deployer")).key;
    const permission = process.allowedNodeEnvironmentFlags.has("--permission") ? "--permission" : "--experimental-permission";
    const child = spawn(
      process.execPath,
      [permission, "--allow-fs-read=*", `--allow-fs-write=${tmp}/`, "-r", "ts-node/register/transpile-only", join(SERVICE, "src", "server.ts")],
      {
        cwd: SERVICE,
        env: {
          ...process.env,
          TMPDIR: tmp,
          DATABASE_URL: db.url,
          PORT: "0",
          HOST: "127.0.0.1",
          LOG_LEVEL: "info",
          RATE_LIMIT_PER_MINUTE: "100",
          REDIS_URL: "redis://127.0.0.1:6379",
          REDIS_HOST: "",
          REDIS_KEY_PREFIX: prefix,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      let port: string | undefined;
      for (let i = 0; i < 600 && !(port = /listening at http:\/\/127\.0\.0\.1:(\d+)/i.exec(output)?.[1]); i++) await new Promise((r) => setTimeout(r, 50));
      expect(port, output).toBeDefined();
      const base = `http://127.0.0.1:${port}`;
      const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const created = await fetch(`${base}/v1/releases`, {
        method: "POST",
        headers,
        body: JSON.stringify({ service: "ro", environment: "prod", version: "1.0.0", imageDigest: digest(3), commitSha: sha(3) }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      for (let i = 0; i < 3; i++) expect((await fetch(`${base}/v1/releases?limit=5`, { headers })).status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(output).not.toContain("ERR_ACCESS_DENIED");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }, 60_000);
});

import { createHash } from "node:crypto";
import { Client } from "pg";

interface SeedRow {
  service: string;
  environment: string;
  version: string;
  status: "succeeded" | "failed" | "rolled_back";
  committedAt: Date;
  startedAt: Date;
  finishedAt: Date;
  rolledBackAt: Date | null;
  actor: string;
}

const SERVICES = ["checkout", "catalog", "payments", "search"];
/** Environment, days between deployments, and how many days it trails `dev` (a promotion pipeline). */
const ENVIRONMENTS = [
  { name: "dev", every: 1.5, lag: 0 },
  { name: "staging", every: 3, lag: 1 },
  { name: "prod", every: 6, lag: 3 },
] as const;
const ACTORS = ["api-key:ci-deploy", "user:alice@example.com", "user:bob@example.com"];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small deterministic generator (mulberry32): the same example data on every machine. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Ninety days of believable history: promotions dev → staging → prod, some failures and rollbacks, one stale service. */
export function exampleReleases(now = Date.now()): SeedRow[] {
  const next = random(19);
  const rows: SeedRow[] = [];
  SERVICES.forEach((service, s) => {
    for (const env of ENVIRONMENTS) {
      // `search` stopped shipping to prod six weeks ago: the matrix shows it as stale.
      const stopAt = service === "search" && env.name === "prod" ? now - 42 * DAY : now - env.lag * DAY;
      let minor = 0;
      for (let t = now - 90 * DAY + (s + env.lag) * DAY; t < stopAt; t += env.every * DAY * (0.6 + next() * 0.8)) {
        const roll = next();
        const status = roll < 0.08 ? "failed" : roll < 0.13 ? "rolled_back" : "succeeded";
        const startedAt = new Date(t);
        const finishedAt = new Date(t + (3 + next() * 6) * 60_000);
        const actor = ACTORS[Math.floor(next() * ACTORS.length)]!;
        const version = () => `1.${Math.floor(minor / 10)}.${minor % 10}`;
        rows.push({
          service,
          environment: env.name,
          version: version(),
          status,
          committedAt: new Date(t - (2 + next() * 40 + env.lag * 24) * HOUR),
          startedAt,
          finishedAt,
          rolledBackAt: status === "rolled_back" ? new Date(finishedAt.getTime() + (10 + next() * 50) * 60_000) : null,
          actor,
        });
        minor += 1;
        if (status === "failed") {
          // A failed deployment is followed by a fix a few hours later: that is the time to restore.
          const fixAt = t + (1 + next() * 4) * HOUR;
          rows.push({
            service,
            environment: env.name,
            version: version(),
            status: "succeeded",
            committedAt: new Date(fixAt - (0.5 + next()) * HOUR),
            startedAt: new Date(fixAt),
            finishedAt: new Date(fixAt + 5 * 60_000),
            rolledBackAt: null,
            actor,
          });
          minor += 1;
        }
      }
    }
  });
  // Every cell ends on a success but one: the newest payments deployment to prod failed, so that cell stands out
  // while the previous version keeps running.
  for (const service of SERVICES) {
    for (const env of ENVIRONMENTS) {
      const last = rows.filter((r) => r.service === service && r.environment === env.name).at(-1);
      if (!last) continue;
      last.status = service === "payments" && env.name === "prod" ? "failed" : "succeeded";
      last.rolledBackAt = null;
    }
  }
  return rows;
}

/** Fills an empty ledger with example releases so a first `dev` run shows something; a ledger with data is left alone. */
export async function seedExampleReleases(databaseUrl: string, now = Date.now()): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: existing } = await client.query<{ any: boolean }>("SELECT EXISTS (SELECT 1 FROM releases) AS any");
    if (existing[0]?.any) return 0;
    const rows = exampleReleases(now);
    const digest = (r: SeedRow) => `sha256:${createHash("sha256").update(`${r.service}@${r.version}`).digest("hex")}`;
    const sha = (r: SeedRow) => createHash("sha1").update(`${r.service}/${r.environment}/${r.version}`).digest("hex");
    await client.query(
      `INSERT INTO releases (service, environment, version, image_digest, commit_sha, committed_at, status, started_at, finished_at,
                             rolled_back_at, actor, created_at, updated_at)
       SELECT * , started_at, COALESCE(rolled_back_at, finished_at) FROM unnest(
         $1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::timestamptz[], $9::timestamptz[],
         $10::timestamptz[], $11::text[]
       ) AS t(service, environment, version, image_digest, commit_sha, committed_at, status, started_at, finished_at, rolled_back_at, actor)`,
      [
        rows.map((r) => r.service),
        rows.map((r) => r.environment),
        rows.map((r) => r.version),
        rows.map(digest),
        rows.map(sha),
        rows.map((r) => r.committedAt),
        rows.map((r) => r.status),
        rows.map((r) => r.startedAt),
        rows.map((r) => r.finishedAt),
        rows.map((r) => r.rolledBackAt),
        rows.map((r) => r.actor),
      ],
    );
    return rows.length;
  } finally {
    await client.end();
  }
}

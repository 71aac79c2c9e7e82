import { type Pool } from "pg";

export interface SeedOptions {
  /** How many releases. */
  count: number;
  /** Spread evenly over this many days up to (nearly) now. */
  days: number;
  services: number;
  environments: readonly string[];
}

/**
 * Fills `releases` with one INSERT … SELECT over generate_series (a million rows in seconds, not a million
 * round trips), then ANALYZE so plans see the data. Per 1,000 releases (a hash of the row number decides):
 * 2 % rolled back, 10 % failed, 0.1 % still started, the rest succeeded; each committed 2 h before it started and finished 10 min after.
 */
export async function seedReleases(pool: Pool, options: SeedOptions): Promise<void> {
  await pool.query(
    `INSERT INTO releases (service, environment, version, image_digest, commit_sha, committed_at, status, started_at, finished_at, rolled_back_at, actor, created_at, updated_at)
     SELECT 'service-' || (i % $2), ($4::text[])[1 + (i / $2) % cardinality($4::text[])], '1.' || i || '.0',
            'sha256:' || lpad(to_hex(i), 64, '0'), lpad(to_hex(i), 40, '0'), t - interval '2 hours', status, t,
            CASE WHEN status = 'started' THEN NULL ELSE t + interval '10 minutes' END,
            CASE WHEN status = 'rolled_back' THEN t + interval '40 minutes' END, 'seed', t, t
     FROM (SELECT i, now() - interval '1 hour' - ($1 - i) * ($3 * 86400.0 / $1) * interval '1 second' AS t,
                  CASE WHEN draw < 20 THEN 'rolled_back' WHEN draw < 120 THEN 'failed' WHEN draw < 121 THEN 'started' ELSE 'succeeded' END AS status
           -- A deterministic pseudo-random draw per row, so no service is always the one that fails.
           FROM generate_series(1, $1::int) AS i, LATERAL (SELECT abs(hashint4(i)) % 1000 AS draw) AS d) AS s`,
    [options.count, options.services, options.days, options.environments],
  );
  await pool.query("VACUUM ANALYZE releases");
}

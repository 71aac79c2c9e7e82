import { badRequest } from "../errors";

// The schema's `date-time` format accepts what PostgreSQL refuses (year 0000, a +23:00 offset); such a
// value must be the caller's 400, not the database's 500.
const PARTS = /^(\d{4})-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-](\d{2}):?(\d{2}))$/;
const FIRST_YEAR = 1970;
const LAST_YEAR = 9999;
const MAX_OFFSET_MINUTES = 14 * 60;
/** How far ahead of this server's clock a client's clock may be. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Checks a client-supplied timestamp (already a valid RFC 3339 date-time) is one the ledger can store and
 * not in the future: a deployment event reported from the future would give negative lead times.
 */
export function checkTimestamp(field: string, value: string, now = Date.now()): Date {
  const parts = PARTS.exec(value);
  const year = Number(parts?.[1]);
  const offsetMinutes = parts?.[2] === undefined ? 0 : Number(parts[2]) * 60 + Number(parts[3]);
  const at = new Date(value);
  if (!parts || Number.isNaN(at.getTime()) || year < FIRST_YEAR || year > LAST_YEAR || offsetMinutes > MAX_OFFSET_MINUTES) {
    throw badRequest(
      `${field} must be an RFC 3339 timestamp from ${FIRST_YEAR} to ${LAST_YEAR} with a UTC offset of at most ±14:00 ` +
        `(e.g. 2026-11-30T12:00:00Z); got ${JSON.stringify(value)}`,
    );
  }
  if (at.getTime() > now + MAX_CLOCK_SKEW_MS) {
    throw badRequest(`${field} (${value}) is in the future: it may be at most ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of ${new Date(now).toISOString()}`);
  }
  return at;
}

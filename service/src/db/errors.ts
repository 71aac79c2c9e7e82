import { badRequest, DependencyUnavailableError } from "../errors";

// Node network errors and the PostgreSQL SQLSTATE classes that mean "the database is not usable right now"
// (as opposed to "this request is wrong").
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "ENETUNREACH"]);
// 08 connection, 53 resources, 57P shutdown, 3D000 database missing, 28 authentication (a rotated secret).
const UNAVAILABLE_SQLSTATE_PREFIXES = ["08", "53", "57P", "3D000", "28"];

function codeOf(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") return error.code;
  return undefined;
}

/** Maps a pg failure that is about availability to a 503 the caller can act on; returns other errors unchanged. */
export function toAvailabilityError(error: unknown): unknown {
  if (error instanceof DependencyUnavailableError) return error;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : "";
  if (code === "57014") {
    return new DependencyUnavailableError("the database did not answer in time; retry shortly", { cause: error });
  }
  if (code === "42P01") {
    return new DependencyUnavailableError("the database schema is not migrated yet; retry shortly", { cause: error });
  }
  if (
    (code !== undefined && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE_PREFIXES.some((p) => code.startsWith(p)))) ||
    /timeout exceeded when trying to connect|Connection terminated|connection timeout|Query read timeout|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return new DependencyUnavailableError("the database is unavailable; retry shortly", { cause: error });
  }
  return error;
}

// The order checks of migration 1764100000000, in the API's words.
const CHECK_MESSAGES: Record<string, string> = {
  releases_committed_before_start: "body.committedAt must not be after the release's startedAt: a commit comes before its deployment",
  releases_finished_after_start: "body.finishedAt must not be before the release's startedAt",
  releases_rolled_back_after_finish: "body.finishedAt (the rollback time) must not be before the time the release finished",
};

/**
 * PostgreSQL refusing a value the caller sent (SQLSTATE class 22, data exception: out of range, bad syntax
 * for a type) or a CHECK constraint (23514) is the caller's error: 400 saying what was wrong, never a 500.
 * Other errors are returned unchanged.
 */
export function toClientError(error: unknown): unknown {
  const code = codeOf(error);
  if (code === "23514") {
    const constraint = typeof error === "object" && error !== null && "constraint" in error ? String(error.constraint) : "";
    return badRequest(CHECK_MESSAGES[constraint] ?? `the request breaks the ledger's rule ${constraint}`);
  }
  if (code === undefined || !code.startsWith("22")) return error;
  const detail = error instanceof Error ? error.message : "a value is out of range";
  return badRequest(`the request holds a value the ledger cannot store: ${detail}`);
}

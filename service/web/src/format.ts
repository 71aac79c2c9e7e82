const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "3 min", "5 h", "12 d": short enough for a matrix cell. */
export function duration(seconds: number | null): string {
  if (seconds === null) return "–";
  if (seconds <= 0) return "0";
  if (seconds < HOUR) return `${Math.max(1, Math.round(seconds / MINUTE))} min`;
  if (seconds < 2 * DAY) return `${Math.round((seconds / HOUR) * 10) / 10} h`;
  return `${Math.round((seconds / DAY) * 10) / 10} d`;
}

export const ageSeconds = (iso: string, now = Date.now()) => Math.max(0, (now - Date.parse(iso)) / 1000);
export const age = (iso: string) => `${duration(ageSeconds(iso))} ago`;
export const shortDigest = (digest: string) => digest.replace(/^sha256:/, "").slice(0, 12);
export const percent = (rate: number | null) => (rate === null ? "–" : `${Math.round(rate * 1000) / 10} %`);
export const dateTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

export const STATUS_LABEL = { started: "deploying", succeeded: "succeeded", failed: "failed", rolled_back: "rolled back" } as const;

/** Environments in promotion order where we know it, others alphabetically after them. */
export function sortEnvironments(names: Iterable<string>): string[] {
  const order = ["dev", "development", "test", "qa", "staging", "stage", "preprod", "prod", "production"];
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

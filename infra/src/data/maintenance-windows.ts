/**
 * Backup, snapshot and maintenance windows (UTC). AWS rejects a daily backup window that overlaps the
 * weekly maintenance window, and a maintenance run during a backup would stretch both; the windows are
 * therefore checked here, before any API call.
 */

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;

export interface DataWindows {
  /** RDS daily automated backup window, hh:mm-hh:mm (at least 30 minutes). */
  readonly dbBackupWindow: string;
  /** RDS weekly maintenance window, ddd:hh:mm-ddd:hh:mm. */
  readonly dbMaintenanceWindow: string;
  /** ElastiCache daily snapshot window, hh:mm-hh:mm (at least 60 minutes). */
  readonly cacheSnapshotWindow: string;
  /** ElastiCache weekly maintenance window, ddd:hh:mm-ddd:hh:mm. */
  readonly cacheMaintenanceWindow: string;
}

/**
 * The platform's windows: early Sunday morning in Europe, when the ledger is quietest. Backups run before
 * maintenance so a maintenance mishap can be undone from a backup taken an hour earlier.
 */
export const DATA_WINDOWS: DataWindows = {
  dbBackupWindow: "01:00-01:30",
  dbMaintenanceWindow: "sun:02:00-sun:03:00",
  cacheSnapshotWindow: "03:00-04:00",
  cacheMaintenanceWindow: "sun:04:30-sun:05:30",
};

interface Span {
  readonly start: number;
  readonly length: number;
}

function clock(text: string, what: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  const [h, m] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!match || h > 23 || m > 59) throw new Error(`${what}: "${text}" is not a UTC time hh:mm.`);
  return h * 60 + m;
}

/** A daily window hh:mm-hh:mm as minutes after midnight (it may cross midnight). */
export function parseDailyWindow(window: string, minimumMinutes = 30): Span {
  const [from, to, extra] = window.split("-");
  if (from === undefined || to === undefined || extra !== undefined) {
    throw new Error(`Daily window "${window}" must be hh:mm-hh:mm (UTC), e.g. "01:00-01:30".`);
  }
  const start = clock(from, `Daily window "${window}"`);
  const length = (clock(to, `Daily window "${window}"`) - start + DAY_MINUTES) % DAY_MINUTES;
  if (length < minimumMinutes) {
    throw new Error(`Daily window "${window}" lasts ${length} minutes; AWS needs at least ${minimumMinutes}.`);
  }
  return { start, length };
}

/** A weekly window ddd:hh:mm-ddd:hh:mm as minutes after Monday 00:00 (it may cross the week's end). */
export function parseWeeklyWindow(window: string): Span {
  const point = (text: string): number => {
    const day = DAYS.indexOf(text.slice(0, 3) as (typeof DAYS)[number]);
    if (day < 0 || text[3] !== ":") {
      throw new Error(`Weekly window "${window}" must be ddd:hh:mm-ddd:hh:mm (UTC, days ${DAYS.join("/")}).`);
    }
    return day * DAY_MINUTES + clock(text.slice(4), `Weekly window "${window}"`);
  };
  const [from, to, extra] = window.split("-");
  if (from === undefined || to === undefined || extra !== undefined) {
    throw new Error(`Weekly window "${window}" must be ddd:hh:mm-ddd:hh:mm (UTC), e.g. "sun:02:00-sun:03:00".`);
  }
  const start = point(from);
  const length = (point(to) - start + WEEK_MINUTES) % WEEK_MINUTES;
  if (length < 60) throw new Error(`Weekly window "${window}" lasts ${length} minutes; AWS needs at least 60.`);
  return { start, length };
}

function overlaps(a: Span, b: Span, modulo: number): boolean {
  // Compare on a circle: b starts inside a, or a starts inside b.
  const inside = (x: number, span: Span) => (x - span.start + modulo) % modulo < span.length;
  return inside(b.start, a) || inside(a.start, b);
}

/** Whether a daily window, on any day of the week, overlaps a weekly window. */
export function dailyOverlapsWeekly(daily: string, weekly: string, dailyMinimumMinutes = 30): boolean {
  const d = parseDailyWindow(daily, dailyMinimumMinutes);
  const w = parseWeeklyWindow(weekly);
  return DAYS.some((_, day) => overlaps({ start: day * DAY_MINUTES + d.start, length: d.length }, w, WEEK_MINUTES));
}

/** Checks a set of windows; throws naming the two that collide. */
export function validateDataWindows(windows: DataWindows): DataWindows {
  if (dailyOverlapsWeekly(windows.dbBackupWindow, windows.dbMaintenanceWindow, 30)) {
    throw new Error(
      `The database backup window ${windows.dbBackupWindow} overlaps its maintenance window ${windows.dbMaintenanceWindow}; RDS refuses that. Move one of them.`,
    );
  }
  if (dailyOverlapsWeekly(windows.cacheSnapshotWindow, windows.cacheMaintenanceWindow, 60)) {
    throw new Error(
      `The cache snapshot window ${windows.cacheSnapshotWindow} overlaps its maintenance window ${windows.cacheMaintenanceWindow}; ElastiCache refuses that. Move one of them.`,
    );
  }
  return windows;
}

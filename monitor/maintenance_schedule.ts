/**
 * When maintenance windows happen, decided without I/O: a one-off window (start, end), a weekly
 * one (weekdays + local start time + duration, in an IANA zone) or a cron expression + duration
 * in a zone. Recurring times are local wall-clock times, so they follow DST (croner does the zone
 * math). Pure functions, table-tested; the status pages read occurrences through them too.
 */
import { Cron } from "croner";
import { cronError, timeZoneError } from "./push_schedule.ts";
import type { MaintenanceSchedule } from "./types.ts";

export type { MaintenanceSchedule };

/** One occurrence of a window: [start, end) in epoch ms. */
export interface Occurrence {
  start: number;
  end: number;
}

/** The longest a recurring occurrence (or a one-off window) may last: 7 days. */
export const MAX_DURATION_MIN = 7 * 24 * 60;
/** Occurrences listed at most per call (a cron of every minute over a year is not a list). */
const MAX_OCCURRENCES = 1000;

const compiled = new Map<string, Cron>();

/** The cron pattern of a recurring schedule (a weekly one is `MM HH * * days`). */
export function cronPattern(s: Exclude<MaintenanceSchedule, { kind: "once" }>): string {
  if (s.kind === "cron") return s.cron.trim().split(/\s+/).join(" ");
  const [h, m] = s.time.split(":").map(Number);
  // croner's weekday field: 0 = Sunday … 6 = Saturday (7 = Sunday too).
  const days = [...new Set(s.weekdays)].sort((a, b) => a - b).map((d) => d % 7).join(",");
  return `${m} ${h} * * ${days}`;
}

function cron(s: Exclude<MaintenanceSchedule, { kind: "once" }>): Cron {
  const pattern = cronPattern(s);
  const key = `${s.timezone}\u0000${pattern}`;
  let c = compiled.get(key);
  if (!c) {
    c = new Cron(pattern, { paused: true, timezone: s.timezone });
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, c);
  }
  return c;
}

/** A recurring schedule's duration in ms. */
function durationMs(s: MaintenanceSchedule): number {
  return s.kind === "once" ? s.endsAt - s.startsAt : s.durationMin * 60_000;
}

/**
 * The occurrences overlapping [from, to), oldest first (at most 1000).
 *
 * @example
 * ```ts
 * import { occurrences } from "./maintenance_schedule.ts";
 * occurrences({ kind: "once", startsAt: 10, endsAt: 20 }, 0, 100); // [{ start: 10, end: 20 }]
 * ```
 */
export function occurrences(s: MaintenanceSchedule, from: number, to: number): Occurrence[] {
  if (s.kind === "once") {
    return s.startsAt < to && s.endsAt > from ? [{ start: s.startsAt, end: s.endsAt }] : [];
  }
  const len = durationMs(s);
  const c = cron(s);
  const out: Occurrence[] = [];
  // An occurrence that started up to one duration before `from` still overlaps it; croner's
  // nextRun is strictly after its argument, hence the 1 ms.
  let at = from - len - 1;
  while (out.length < MAX_OCCURRENCES) {
    const next = c.nextRun(new Date(at));
    if (!next) break;
    const start = next.getTime();
    if (start >= to) break;
    if (start + len > from) out.push({ start, end: start + len });
    at = start;
  }
  return out;
}

/** The occurrence covering `t` (start ≤ t < end), or null. */
export function activeAt(s: MaintenanceSchedule, t: number): Occurrence | null {
  // Overlapping occurrences (duration longer than the period) merge: the latest end wins.
  const hits = occurrences(s, t, t + 1);
  if (hits.length === 0) return null;
  return { start: hits[0].start, end: Math.max(...hits.map((h) => h.end)) };
}

/** The occurrence in progress at `now`, else the next one to start; null when none is left. */
export function nextOccurrence(s: MaintenanceSchedule, now: number): Occurrence | null {
  const active = activeAt(s, now);
  if (active) return active;
  if (s.kind === "once") return s.startsAt > now ? { start: s.startsAt, end: s.endsAt } : null;
  const next = cron(s).nextRun(new Date(now));
  return next ? { start: next.getTime(), end: next.getTime() + durationMs(s) } : null;
}

/** The input fields of a schedule, as the API and form send them. */
export interface ScheduleInput {
  kind?: unknown;
  starts_at?: unknown;
  ends_at?: unknown;
  weekdays?: unknown;
  time?: unknown;
  duration_min?: unknown;
  cron?: unknown;
  timezone?: unknown;
}

/** The schedule kinds, for forms. */
export const SCHEDULE_KINDS = ["once", "weekly", "cron"] as const;

/**
 * Parses an ISO 8601 time with a zone (`2026-05-01T22:00:00Z`, `…+02:00`); a time without a zone
 * (`2026-05-01T22:00`, as a datetime-local input sends it) is read in `timezone` (default UTC).
 */
export function parseInstant(v: string, timezone = "UTC"): number | null {
  const s = v.trim();
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i;
  if (zoned.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }
  const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (!local) return null;
  const [y, mo, d, h, mi, se] = local.slice(1).map((x) => Number(x ?? 0));
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, se);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return null;
  // The zone's offset at that wall time (twice: the first guess can straddle a DST change).
  let t = asUtc - zoneOffset(asUtc, timezone);
  t = asUtc - zoneOffset(t, timezone);
  return t;
}

/** The offset of `timezone` from UTC at instant `t`, in ms. */
export function zoneOffset(t: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return wall - Math.floor(t / 60_000) * 60_000;
}

/** Validates schedule input; returns the schedule or field messages (keys prefixed `schedule.`). */
export function validateSchedule(
  input: ScheduleInput,
): { schedule: MaintenanceSchedule; errors?: undefined } | {
  schedule?: undefined;
  errors: Record<string, string>;
} {
  const errors: Record<string, string> = {};
  const kind = input.kind;
  const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const zoneOf = (): string => {
    const tz = input.timezone === undefined || input.timezone === null || input.timezone === ""
      ? "UTC"
      : input.timezone;
    if (typeof tz !== "string") {
      errors["schedule.timezone"] = "Must be a string";
      return "UTC";
    }
    const e = timeZoneError(tz);
    if (e) errors["schedule.timezone"] = e;
    return tz;
  };
  const durationOf = (): number => {
    const d = typeof input.duration_min === "string" && input.duration_min.trim() !== ""
      ? Number(input.duration_min)
      : input.duration_min;
    if (typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > MAX_DURATION_MIN) {
      errors["schedule.duration_min"] =
        `Must be a whole number of minutes from 1 to ${MAX_DURATION_MIN} (7 days)`;
      return 0;
    }
    return d;
  };
  if (kind === "once") {
    const tz = zoneOf();
    const time = (field: "starts_at" | "ends_at"): number => {
      const v = input[field];
      const t = typeof v === "number" && Number.isFinite(v)
        ? v
        : typeof v === "string"
        ? parseInstant(v, errors["schedule.timezone"] ? "UTC" : tz)
        : null;
      if (t === null) {
        errors[`schedule.${field}`] =
          "Must be a date and time, ISO 8601 (2026-05-01T22:00:00Z or with an offset)";
        return 0;
      }
      return t;
    };
    const startsAt = time("starts_at");
    const endsAt = time("ends_at");
    if (!errors["schedule.starts_at"] && !errors["schedule.ends_at"]) {
      if (endsAt <= startsAt) errors["schedule.ends_at"] = "Must be after the start";
      else if (endsAt - startsAt > MAX_DURATION_MIN * 60_000) {
        errors["schedule.ends_at"] = "A window may last at most 7 days";
      }
    }
    return Object.keys(errors).length ? { errors } : {
      schedule: { kind, startsAt, endsAt },
    };
  }
  if (kind === "weekly") {
    const timezone = zoneOf();
    const durationMin = durationOf();
    let days = input.weekdays;
    if (typeof days === "string") days = days.split(",").filter((d) => d.trim() !== "");
    const weekdays = Array.isArray(days) ? days.map((d) => Number(d)) : [];
    if (
      !Array.isArray(days) || weekdays.length === 0 ||
      weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)
    ) {
      errors["schedule.weekdays"] = "Pick at least one weekday (1 = Monday … 7 = Sunday)";
    }
    const time = str(input.time);
    const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
    if (!m) errors["schedule.time"] = 'Must be a time HH:MM (24 h), e.g. "02:30"';
    return Object.keys(errors).length ? { errors } : {
      schedule: {
        kind,
        weekdays: [...new Set(weekdays)].sort((a, b) => a - b),
        time,
        durationMin,
        timezone,
      },
    };
  }
  if (kind === "cron") {
    const timezone = zoneOf();
    const durationMin = durationOf();
    const expr = str(input.cron);
    const e = cronError(expr);
    if (e) errors["schedule.cron"] = e;
    return Object.keys(errors).length ? { errors } : {
      schedule: { kind, cron: expr.split(/\s+/).join(" "), durationMin, timezone },
    };
  }
  return { errors: { "schedule.kind": 'Must be "once", "weekly" or "cron"' } };
}

const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The schedule in words: "Mon, Wed 02:00 Europe/Berlin for 60 min". */
export function describeMaintenance(s: MaintenanceSchedule): string {
  if (s.kind === "once") {
    const f = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");
    return `once, ${f(s.startsAt)} to ${f(s.endsAt)} UTC`;
  }
  const days = s.kind === "weekly"
    ? s.weekdays.map((d) => WEEKDAY_NAMES[d - 1]).join(", ") + ` ${s.time}`
    : `cron \`${s.cron}\``;
  return `${days} ${s.timezone} for ${s.durationMin} min`;
}

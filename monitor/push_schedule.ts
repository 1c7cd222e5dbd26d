/**
 * When a push monitor's next ping is due, decided without I/O: a period after the last ping, or
 * the next cron time (in the monitor's IANA zone) after it, plus the grace period. Pure functions
 * so the deadline math (and its DST edges) is table-tested without timers or a database.
 */
import { Cron } from "croner";
import type { Monitor, PushScheduleKind } from "./types.ts";

/** The part of a monitor its schedule is made of. */
export type PushSchedule = Pick<
  Monitor,
  "pushSchedule" | "pushPeriodS" | "pushCron" | "pushTimezone" | "pushGraceS"
>;

/** Compiled cron patterns, by expression and zone (validated before they are cached). */
const compiled = new Map<string, Cron>();

/** Whether `tz` is an IANA time zone name this runtime knows. */
export function isTimeZone(tz: string): boolean {
  if (tz === "" || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Why a time zone is refused, or null when it is fine. */
export function timeZoneError(tz: string): string | null {
  return isTimeZone(tz) ? null : `Not a known IANA time zone (for example UTC or Europe/Berlin)`;
}

/**
 * Why a cron expression is refused, or null when it is fine: exactly 5 fields (minute hour
 * day-of-month month day-of-week), as crontab has them; croner would also take a seconds field,
 * which a job run by cron never has.
 */
export function cronError(expr: string): string | null {
  const fields = expr.trim().split(/\s+/).filter((f) => f !== "");
  if (fields.length !== 5) {
    return `Must have 5 fields (minute hour day month weekday), e.g. "0 3 * * *"; got ${fields.length}`;
  }
  try {
    const c = new Cron(fields.join(" "), { paused: true, timezone: "UTC" });
    if (c.nextRun(new Date(0)) === null) return "Never matches a date";
  } catch (err) {
    // croner says e.g. "CronPattern: Invalid value for minute: 61".
    return `Not a valid cron expression: ${(err as Error).message.replace(/^CronPattern:\s*/, "")}`;
  }
  return null;
}

function cron(expr: string, tz: string): Cron {
  const key = `${tz}\u0000${expr}`;
  let c = compiled.get(key);
  if (!c) {
    c = new Cron(expr.trim().split(/\s+/).join(" "), { paused: true, timezone: tz });
    if (compiled.size > 1000) compiled.clear(); // bounded: edits can create many
    compiled.set(key, c);
  }
  return c;
}

/** The first expected ping time strictly after `t` (epoch ms); null if the cron never matches. */
export function expectedAfter(s: PushSchedule, t: number): number | null {
  if (s.pushSchedule === "period") return t + s.pushPeriodS * 1000;
  const next = cron(s.pushCron, s.pushTimezone).nextRun(new Date(t));
  return next ? next.getTime() : null;
}

/** What a push monitor remembers between pings (see `PushState` in the store). */
export interface PushTiming {
  /** The last success or failure ping; null before the first. */
  lastPingAt: number | null;
  /** The expected time of the last deadline already reported late; null once a ping came. */
  lateExpectedAt: number | null;
}

/** The next deadline: when a ping is expected, and when it is late (expected + grace). */
export interface PushDeadline {
  expectedAt: number;
  deadline: number;
}

/**
 * The next deadline of a push monitor. Counting starts at the later of the last ping and the
 * last edit (`since`: created, resumed or rescheduled), so an edit never makes a job late at
 * once. Once a deadline was reported late, the next one follows from that expected time: one late
 * check per missed deadline, never one per second.
 */
export function nextDeadline(
  s: PushSchedule,
  timing: PushTiming,
  since: number,
): PushDeadline | null {
  const ref = Math.max(timing.lastPingAt ?? since, since);
  const base = timing.lateExpectedAt !== null && timing.lateExpectedAt >= ref
    ? timing.lateExpectedAt
    : ref;
  const expectedAt = expectedAfter(s, base);
  return expectedAt === null ? null : { expectedAt, deadline: expectedAt + s.pushGraceS * 1000 };
}

/** A duration in words: "90 s", "5 min", "1 h 30 min", "2 d". */
export function formatSeconds(total: number): string {
  if (total < 60 || total % 60 !== 0 && total < 3600) return `${total} s`;
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const parts = [d ? `${d} d` : "", h ? `${h} h` : "", m ? `${m} min` : ""].filter((x) => x);
  return parts.join(" ") || "0 s";
}

/** A time as the messages show it, in UTC: "2026-12-02 10:00:00 UTC". */
export function formatUtc(t: number): string {
  return new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** The schedule in words: "every 1 h (+5 min grace)" or "cron `0 3 * * *` Europe/Berlin (+…)". */
export function describeSchedule(s: PushSchedule): string {
  const grace = `(+${formatSeconds(s.pushGraceS)} grace)`;
  return s.pushSchedule === "period"
    ? `every ${formatSeconds(s.pushPeriodS)} ${grace}`
    : `cron \`${s.pushCron}\` ${s.pushTimezone} ${grace}`;
}

/** The message of a late check: what was expected and since when nothing came. */
export function lateMessage(s: PushSchedule, timing: PushTiming, d: PushDeadline): string {
  const since = timing.lastPingAt === null
    ? "no ping yet"
    : `no ping since ${formatUtc(timing.lastPingAt)}`;
  return `${since}; expected by ${formatUtc(d.expectedAt)}, ${describeSchedule(s)}`;
}

/** The schedule kinds, for forms. */
export const PUSH_SCHEDULE_KINDS: readonly PushScheduleKind[] = ["period", "cron"];

/**
 * The SLA report: for each calendar month (UTC) of a range, a monitor's (or several monitors')
 * uptime without maintenance, downtime, incidents, longest incident, maintenance time and the
 * checks counted. The arithmetic is pure (`slaMonths`, `slaCsv`); `SlaService` reads the data.
 *
 * - Uptime % = successful / counted checks, from the daily rollups, which never hold checks
 *   taken in maintenance. No checks → null.
 * - Downtime = DOWN incidents (first failure to recovery, or now while open), clipped to the
 *   month, minus the time a maintenance window covered the monitor. Over several monitors, time
 *   when at least one was down (a union, not a sum).
 * - Incidents = DOWN incidents with downtime in the month outside maintenance; longest = the
 *   largest such downtime of one incident in the month.
 * - Maintenance = time the current windows covered the monitor(s) in the month (a union). The
 *   figure follows the windows as configured now: a deleted window no longer counts.
 */
import type { Incident, MaintenanceWindow, Monitor } from "./types.ts";
import type { Store } from "./store/store.ts";
import type { Rollup } from "./store/records.ts";
import { type Occurrence, occurrences } from "./maintenance_schedule.ts";
import { covers } from "./maintenance_windows.ts";
import { NotFoundError } from "./errors.ts";

/** One month of the report. */
export interface SlaMonth {
  /** `YYYY-MM` (UTC). */
  month: string;
  start: number;
  /** Exclusive. */
  end: number;
  /** Null when no check was counted. */
  uptimePct: number | null;
  checks: number;
  upChecks: number;
  downtimeMin: number;
  incidents: number;
  longestIncidentMin: number;
  maintenanceMin: number;
}

/** A report over one or more monitors. */
export interface SlaReport {
  monitors: { id: number; name: string }[];
  months: SlaMonth[];
}

/** What one monitor contributes. */
export interface SlaInput {
  /** Daily buckets. */
  rollups: Pick<Rollup, "bucketStart" | "count" | "upCount">[];
  /** DOWN incidents. */
  incidents: Pick<Incident, "id" | "startedAt" | "endedAt">[];
  /** Maintenance occurrences covering the monitor. */
  maintenance: Occurrence[];
}

/** The default range: the last 12 months, the current one included. */
export const DEFAULT_MONTHS = 12;
/** The longest range a report covers. */
export const MAX_MONTHS = 36;

/** The `count` calendar months (UTC) ending with the one containing `now`, oldest first. */
export function monthsUpTo(
  now: number,
  count: number,
): { month: string; start: number; end: number }[] {
  const d = new Date(now);
  const out = [];
  for (let i = count - 1; i >= 0; i--) {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1);
    const s = new Date(start);
    const end = Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1);
    const month = `${s.getUTCFullYear()}-${String(s.getUTCMonth() + 1).padStart(2, "0")}`;
    out.push({ month, start, end });
  }
  return out;
}

type Span = [number, number];

/** Sorted, merged intervals. */
function union(spans: Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** `spans` minus `cut` (both merged). */
function subtract(spans: Span[], cut: Span[]): Span[] {
  const out: Span[] = [];
  for (const [a0, b] of spans) {
    let a = a0;
    for (const [c, d] of cut) {
      if (d <= a || c >= b) continue;
      if (c > a) out.push([a, c]);
      a = Math.max(a, d);
      if (a >= b) break;
    }
    if (a < b) out.push([a, b]);
  }
  return out;
}

const total = (spans: Span[]) => spans.reduce((n, [a, b]) => n + (b - a), 0);
const clip = (spans: Span[], from: number, to: number): Span[] =>
  spans.map(([a, b]): Span => [Math.max(a, from), Math.min(b, to)]).filter(([a, b]) => b > a);
const minutes = (ms: number) => Math.round(ms / 600) / 100;

/** The monthly figures of one or more monitors (pure). */
export function slaMonths(
  inputs: SlaInput[],
  months: { month: string; start: number; end: number }[],
  now: number,
): SlaMonth[] {
  return months.map(({ month, start, end }) => {
    const to = Math.min(end, now);
    let checks = 0;
    let upChecks = 0;
    let incidents = 0;
    let longest = 0;
    const down: Span[] = [];
    const maint: Span[] = [];
    for (const input of inputs) {
      for (const r of input.rollups) {
        if (r.bucketStart >= start && r.bucketStart < end) {
          checks += r.count;
          upChecks += r.upCount;
        }
      }
      const m = union(input.maintenance.map((o): Span => [o.start, o.end]));
      maint.push(...clip(m, start, to));
      for (const i of input.incidents) {
        const own = subtract(clip([[i.startedAt, i.endedAt ?? now]], start, to), m);
        const ms = total(own);
        if (ms <= 0) continue;
        incidents++;
        longest = Math.max(longest, ms);
        down.push(...own);
      }
    }
    return {
      month,
      start,
      end,
      uptimePct: checks > 0 ? (100 * upChecks) / checks : null,
      checks,
      upChecks,
      downtimeMin: minutes(total(union(down))),
      incidents,
      longestIncidentMin: minutes(longest),
      maintenanceMin: minutes(total(union(maint))),
    };
  });
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF (quotes doubled); text
 * starting with `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet never runs it as a
 * formula. Numbers are written as they are.
 */
export function csvCell(v: string | number | null): string {
  if (v === null) return "";
  if (typeof v === "number") return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The report as CSV: a header row, then one row per month (CRLF line ends). */
export function slaCsv(report: SlaReport): string {
  const name = report.monitors.map((m) => m.name).join(", ");
  const rows: (string | number | null)[][] = [[
    "month",
    "monitors",
    "uptime_percent",
    "downtime_min",
    "incidents",
    "longest_incident_min",
    "maintenance_min",
    "checks",
  ]];
  for (const m of report.months) {
    rows.push([
      m.month,
      name,
      m.uptimePct === null ? null : Number(m.uptimePct.toFixed(4)),
      m.downtimeMin,
      m.incidents,
      m.longestIncidentMin,
      m.maintenanceMin,
      m.checks,
    ]);
  }
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** A file name for a report download: letters, digits, `-` and `_` only. */
export function slaFileName(report: SlaReport, now: number, title?: string): string {
  const base = title ?? (report.monitors.length === 1 ? report.monitors[0].name : "monitors");
  const slug = base.normalize("NFKD").replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "")
    .slice(0, 60) || "monitor";
  return `sla-${slug}-${new Date(now).toISOString().slice(0, 7)}.csv`;
}

/** Reads what a report needs. */
export class SlaService {
  #store: Store;
  #now: () => number;

  constructor(store: Store, opts: { now?: () => number } = {}) {
    this.#store = store;
    this.#now = opts.now ?? Date.now;
  }

  /** The report of one monitor; NotFoundError when it does not exist. */
  async forMonitor(id: number, opts: { months?: number } = {}): Promise<SlaReport> {
    return await this.forMonitors([id], opts);
  }

  /**
   * The report over `ids` (a status page's monitors): months of the range, oldest first.
   * NotFoundError when one of them does not exist.
   */
  async forMonitors(ids: readonly number[], opts: { months?: number } = {}): Promise<SlaReport> {
    const now = this.#now();
    const count = Math.max(1, Math.min(opts.months ?? DEFAULT_MONTHS, MAX_MONTHS));
    const months = monthsUpTo(now, count);
    const from = months[0].start;
    const monitors: Monitor[] = [];
    for (const id of new Set(ids)) {
      const m = await this.#store.monitors.get(id);
      if (!m) throw new NotFoundError(`No monitor with id ${id}`);
      monitors.push(m);
    }
    const windows = await this.#store.maintenance.list();
    const inputs = await Promise.all(monitors.map((m) => this.#input(m, windows, from, now)));
    return {
      monitors: monitors.map((m) => ({ id: m.id, name: m.name })),
      months: slaMonths(inputs, months, now),
    };
  }

  async #input(
    m: Monitor,
    windows: MaintenanceWindow[],
    from: number,
    now: number,
  ): Promise<SlaInput> {
    const [rollups, incidents] = await Promise.all([
      this.#store.rollups.series(m.id, "day", from),
      this.#store.incidents.list(m.id, 100_000, "down"),
    ]);
    const maintenance = windows.filter((w) => covers(w, m))
      .flatMap((w) => occurrences(w.schedule, from, now));
    return {
      rollups,
      incidents: incidents.filter((i) => (i.endedAt ?? now) > from),
      maintenance,
    };
  }
}

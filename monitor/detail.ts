/** The monitor page's read model: status, uptime, chart series, incidents and recent checks. */
import { pingUrl } from "./push_pings.ts";
import type { Check, Incident, Monitor } from "./types.ts";
import type { MonitorService, MonitorView, UptimeSummary } from "./service.ts";
import { type SlaReport, SlaService } from "./sla.ts";

/** The chart windows the monitor page offers. */
export const CHART_RANGES = ["1h", "24h", "7d", "30d"] as const;
/** One chart window. */
export type ChartRange = typeof CHART_RANGES[number];

const RANGE_MS: Record<ChartRange, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

/** Whether `s` names a chart window. */
export function isChartRange(s: string | undefined): s is ChartRange {
  return (CHART_RANGES as readonly string[]).includes(s ?? "");
}

/** One point of the response-time chart: a bucket (or a single check for 1 h). */
export interface ChartPoint {
  /** Start of the bucket, or the check time (epoch ms). */
  t: number;
  /** Width of the bucket in ms (0 for a single check). */
  spanMs: number;
  count: number;
  upCount: number;
  /** Latency of successful checks; null when none succeeded. */
  avg: number | null;
  min: number | null;
  max: number | null;
}

/** The chart's data and where it came from. */
export interface ChartSeries {
  range: ChartRange;
  from: number;
  to: number;
  /**
   * `checks` for 1 h (hour rollups would give one or two points), `hour` rollups for 24 h and
   * 7 d, `day` rollups for 30 d.
   */
  source: "checks" | "hour" | "day";
  points: ChartPoint[];
  /** Expected gap between points, to break the line where data is missing. */
  stepMs: number;
  /**
   * The x axis' label step when it is not the range's usual one: a 1 h view of a monitor younger
   * than an hour spans its data in a few whole steps (`to - from` is a multiple of it).
   */
  tickMs?: number;
}

/** Label steps a short 1 h view may use, smallest first. */
const SHORT_TICKS_MS = [1, 2, 5, 10, 15].map((m) => m * 60_000);

/**
 * The window of a 1 h view: from the oldest check (whole label steps back from `to`, at most
 * four) rather than a full hour, so a new monitor's few checks are not squeezed into a corner.
 */
export function hourWindow(
  to: number,
  oldest: number | null,
): { from: number; tickMs: number } {
  const span = oldest === null ? RANGE_MS["1h"] : Math.max(1, to - oldest);
  for (const step of SHORT_TICKS_MS) {
    const n = Math.ceil(span / step);
    if (n <= 4) return { from: to - Math.max(1, n) * step, tickMs: step };
  }
  return { from: to - RANGE_MS["1h"], tickMs: 15 * 60_000 };
}

/** Checks in a series (a 1 h point is one check; a rollup counts its checks). */
export function checkCount(s: ChartSeries): number {
  return s.points.reduce((n, p) => n + p.count, 0);
}

/** Everything the monitor page shows. */
export interface MonitorDetail {
  view: MonitorView;
  parent: Monitor | null;
  /** Internal apps of a website, with their status. */
  apps: MonitorView[];
  uptime: UptimeSummary;
  incidents: Incident[];
  /** Newest first. */
  checks: Check[];
  chart: ChartSeries;
  version: string;
  /** A push monitor's ping URL (shown to the signed-in operator only); null for other kinds. */
  pingUrl: string | null;
  /** Monthly SLA figures (last 12 months, oldest first). */
  sla: SlaReport;
  /** Where the monitor's public badges are (`<base>/status.svg` …); null unless opted in. */
  badgeBase: string | null;
}

/** Builds monitor pages from the service. */
export class DetailReader {
  #service: MonitorService;
  #now: () => number;
  #baseUrl: string;

  constructor(service: MonitorService, opts: { now?: () => number; baseUrl?: string } = {}) {
    this.#service = service;
    this.#now = opts.now ?? Date.now;
    this.#baseUrl = opts.baseUrl ?? "";
  }

  /** The change stamp of a monitor page (throws NotFoundError for an unknown id). */
  async version(id: number): Promise<string> {
    await this.#service.get(id);
    return await this.#service.store.dashboard.detailStamp(id);
  }

  /** A monitor page's data; throws NotFoundError for an unknown id. */
  async detail(id: number, range: ChartRange): Promise<MonitorDetail> {
    const version = await this.version(id);
    const s = this.#service;
    const view = await s.get(id);
    const m = view.monitor;
    const [parent, apps, uptime, incidents, checks, chart, sla] = await Promise.all([
      m.parentId === null ? null : s.get(m.parentId).then((v) => v.monitor),
      s.children(id).then((list) => Promise.all(list.map((c) => s.get(c.id)))),
      s.uptime(id),
      s.incidents(id, 20),
      s.checks(id, 20),
      this.chart(id, range),
      new SlaService(s.store, { now: this.#now }).forMonitor(id),
    ]);
    const ping = view.push ? pingUrl(this.#baseUrl, view.push.state.token) : null;
    const badgeBase = view.monitor.publicBadges
      ? `${this.#baseUrl}/badge/${view.monitor.id}`
      : null;
    return {
      view,
      parent,
      apps,
      uptime,
      incidents,
      checks,
      chart,
      version,
      pingUrl: ping,
      badgeBase,
      sla,
    };
  }

  /**
   * The window a monitor page opens on when the URL names none: 24 h, except 1 h when every
   * check of the last day lies within the last hour (a new monitor), else the smallest longer
   * window holding any data (a monitor paused for a while); 24 h when there is no data at all.
   */
  async defaultRange(id: number): Promise<ChartRange> {
    const day = checkCount(await this.chart(id, "24h"));
    if (day > 0) {
      const hour = checkCount(await this.chart(id, "1h"));
      return hour === day ? "1h" : "24h";
    }
    for (const range of ["7d", "30d"] as const) {
      if (checkCount(await this.chart(id, range)) > 0) return range;
    }
    return "24h";
  }

  /** Chart data for one window. */
  async chart(id: number, range: ChartRange): Promise<ChartSeries> {
    const to = this.#now();
    const from = to - RANGE_MS[range];
    if (range === "1h") {
      const monitor = (await this.#service.get(id)).monitor;
      // At the 10 s minimum interval an hour holds 360 checks; the cap only guards retries.
      const checks = await this.#service.store.dashboard.checksSince(id, from, 2000);
      const oldest = checks.length ? Math.min(...checks.map((c) => c.checkedAt)) : null;
      const window = hourWindow(to, oldest);
      return {
        range,
        from: window.from,
        tickMs: window.tickMs,
        to,
        source: "checks",
        stepMs: monitor.intervalS * 1000,
        points: checks.map((c) => ({
          t: c.checkedAt,
          spanMs: 0,
          count: 1,
          upCount: c.ok ? 1 : 0,
          avg: c.ok ? c.latencyMs : null,
          min: c.ok ? c.latencyMs : null,
          max: c.ok ? c.latencyMs : null,
        })),
      };
    }
    const source = range === "30d" ? "day" : "hour";
    const rollups = await this.#service.series(id, RANGE_MS[range], source);
    const stepMs = source === "day" ? 86_400_000 : 3_600_000;
    return {
      range,
      from,
      to,
      source,
      stepMs,
      points: rollups.map((r) => ({
        t: r.bucketStart,
        spanMs: stepMs,
        count: r.count,
        upCount: r.upCount,
        avg: r.latencyAvg,
        min: r.latencyMin,
        max: r.latencyMax,
      })),
    };
  }
}

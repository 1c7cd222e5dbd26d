/** The monitor page's read model: status, uptime, chart series, incidents and recent checks. */
import { pingUrl } from "./push_pings.ts";
import type { Check, Incident, Monitor } from "./types.ts";
import type { MonitorService, MonitorView, UptimeSummary } from "./service.ts";

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
    const [parent, apps, uptime, incidents, checks, chart] = await Promise.all([
      m.parentId === null ? null : s.get(m.parentId).then((v) => v.monitor),
      s.children(id).then((list) => Promise.all(list.map((c) => s.get(c.id)))),
      s.uptime(id),
      s.incidents(id, 20),
      s.checks(id, 20),
      this.chart(id, range),
    ]);
    const ping = view.push ? pingUrl(this.#baseUrl, view.push.state.token) : null;
    return { view, parent, apps, uptime, incidents, checks, chart, version, pingUrl: ping };
  }

  /** Chart data for one window. */
  async chart(id: number, range: ChartRange): Promise<ChartSeries> {
    const to = this.#now();
    const from = to - RANGE_MS[range];
    if (range === "1h") {
      const monitor = (await this.#service.get(id)).monitor;
      // At the 10 s minimum interval an hour holds 360 checks; the cap only guards retries.
      const checks = await this.#service.store.dashboard.checksSince(id, from, 2000);
      return {
        range,
        from,
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

/**
 * The response-time chart as server-rendered SVG: a min–max band, the average line and red marks
 * where checks failed. Only presentation attributes and classes are used (the CSP forbids inline
 * styles), and relative time labels ("−6 h") avoid guessing the viewer's time zone. Tick steps
 * divide every window exactly, so evenly spaced HTML labels sit on the right times.
 */
import type { ChartPoint, ChartSeries } from "../monitor/detail.ts";
import { ms } from "./format.ts";

const W = 1000, H = 200;

/** A "nice" axis maximum at or above `v` (1, 2, 2.5 or 5 times a power of ten). */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 100;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const TICKS: Record<ChartSeries["range"], { stepMs: number; unit: string; per: number }> = {
  "1h": { stepMs: 15 * 60_000, unit: "min", per: 60_000 },
  "24h": { stepMs: 6 * 3_600_000, unit: "h", per: 3_600_000 },
  "7d": { stepMs: 86_400_000, unit: "d", per: 86_400_000 },
  "30d": { stepMs: 5 * 86_400_000, unit: "d", per: 86_400_000 },
};

const f1 = (n: number) => Math.round(n * 10) / 10;

/** Splits points into runs without gaps longer than 2.5 steps (paused or missing data). */
function runs(points: ChartPoint[], stepMs: number): ChartPoint[][] {
  const out: ChartPoint[][] = [];
  let cur: ChartPoint[] = [];
  let last: number | null = null;
  for (const p of points) {
    if (p.avg === null) continue;
    if (last !== null && p.t - last > stepMs * 2.5) {
      out.push(cur);
      cur = [];
    }
    cur.push(p);
    last = p.t;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** An axis label. */
function Tick(props: { key: number | string; text: string }) {
  return <span>{props.text}</span>;
}

/**
 * The y axis maximum: four equal steps of a nice size, at least 1 ms each, so no two of the five
 * labels read the same (a 2 ms maximum gave "2 ms, 2 ms, 1 ms, 1 ms, 0 ms").
 */
export function yAxisMax(v: number): number {
  return 4 * Math.max(1, niceCeil(v / 4));
}

/** A y axis label: whole milliseconds, or one decimal when the step needs it ("7.5 ms"). */
export function yLabel(v: number): string {
  return v < 1000 && !Number.isInteger(v) ? `${Math.round(v * 10) / 10} ms` : ms(v);
}

/** The x axis labels, oldest first: "−24 h" … "now", one per tick step. */
export function xAxisLabels(s: ChartSeries): string[] {
  const tick = TICKS[s.range];
  const stepMs = s.tickMs ?? tick.stepMs;
  // Minutes for a short 1 h view (steps of whole minutes), else the range's unit.
  const per = s.tickMs !== undefined ? 60_000 : tick.per;
  const unit = s.tickMs !== undefined ? "min" : tick.unit;
  const out: string[] = [];
  for (let t = s.from; t <= s.to + 1; t += stepMs) {
    const n = Math.round((s.to - t) / per);
    out.push(n === 0 ? "now" : `−${n} ${unit}`);
  }
  return out;
}

/** The window in words, for the chart's accessible name. */
const RANGE_WORDS: Record<ChartSeries["range"], string> = {
  "1h": "the last hour",
  "24h": "the last 24 hours",
  "7d": "the last 7 days",
  "30d": "the last 30 days",
};

/** Summary numbers for the accessible label and the legend. */
export function chartSummary(s: ChartSeries) {
  const ok = s.points.filter((p) => p.avg !== null);
  const upCount = ok.reduce((n, p) => n + p.upCount, 0);
  const avg = upCount ? ok.reduce((n, p) => n + p.avg! * p.upCount, 0) / upCount : null;
  const min = ok.length ? Math.min(...ok.map((p) => p.min ?? p.avg!)) : null;
  const max = ok.length ? Math.max(...ok.map((p) => p.max ?? p.avg!)) : null;
  const failed = s.points.reduce((n, p) => n + (p.count - p.upCount), 0);
  return { avg, min, max, failed, checks: s.points.reduce((n, p) => n + p.count, 0) };
}

/** The chart. */
export function ResponseChart({ series }: { series: ChartSeries }) {
  const sum = chartSummary(series);
  const span = Math.max(1, series.to - series.from);
  // Plot coordinates: 0..W across, 0..H down. The SVG stretches to its box (preserveAspectRatio
  // none) so the chart keeps a readable height on any width; strokes use non-scaling-stroke and
  // the axis labels are HTML, so nothing gets distorted.
  const x = (t: number) => f1(((t - series.from) / span) * W);
  // Scale to the averages with headroom; the band may be clipped by rare huge maxima.
  const avgs = series.points.flatMap((p) => (p.avg === null ? [] : [p.avg]));
  const yMax = yAxisMax(Math.max(1, ...avgs) * 1.3);
  const y = (v: number) => f1(H - (Math.min(v, yMax) / yMax) * H);
  // A bucket is drawn at its middle, kept inside the window (the current hour's middle may
  // still be in the future).
  const center = (p: ChartPoint) => Math.min(series.to, Math.max(series.from, p.t + p.spanMs / 2));
  const segments = runs(series.points, series.stepMs);
  const title = `Response time over ${RANGE_WORDS[series.range]}`;
  const desc = sum.checks === 0
    ? "No checks in this period."
    : `Average ${ms(sum.avg)}, fastest ${ms(sum.min)}, slowest ${
      ms(sum.max)
    }; ${sum.failed} failed of ${sum.checks} checks.`;
  const xLabels = xAxisLabels(series);
  const failures = series.points.filter((p) => p.upCount < p.count);

  return (
    <figure class="chart">
      <div class="chart-y" aria-hidden="true">
        {[1, 0.75, 0.5, 0.25, 0].map((f) => <Tick key={f} text={yLabel(yMax * f)} />)}
      </div>
      <div class="chart-main">
        <svg
          class="chart-plot"
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-labelledby="chart-svg-title chart-svg-desc"
        >
          <title id="chart-svg-title">{title}</title>
          <desc id="chart-svg-desc">{desc}</desc>
          {[0, 0.25, 0.5, 0.75, 1].map((f) => (
            <line
              class="grid"
              x1="0"
              x2={W}
              y1={f * H}
              y2={f * H}
              vector-effect="non-scaling-stroke"
            />
          ))}
          {segments.map((run) =>
            run.length > 1 && (
              <path
                class="band"
                d={`M${run.map((p) => `${x(center(p))},${y(p.max ?? p.avg!)}`).join("L")}L${
                  [...run].reverse().map((p) => `${x(center(p))},${y(p.min ?? p.avg!)}`).join("L")
                }Z`}
              />
            )
          )}
          {segments.map((run) => (
            // A run of one point becomes a zero-length segment: its round cap draws a dot.
            <path
              class="line"
              fill="none"
              vector-effect="non-scaling-stroke"
              d={run.length > 1
                ? `M${run.map((p) => `${x(center(p))},${y(p.avg!)}`).join("L")}`
                : `M${x(center(run[0]))},${y(run[0].avg!)}h0.01`}
            />
          ))}
        </svg>
        <svg
          class="chart-fails"
          viewBox={`0 0 ${W} 10`}
          preserveAspectRatio="none"
          aria-hidden="true"
        >
          <rect class="fail-track" x="0" y="0" width={W} height="10" />
          {failures.map((p) => {
            const w = p.spanMs > 0 ? Math.max(2, (p.spanMs / span) * W) : 3;
            const x0 = p.spanMs > 0 ? x(p.t) : x(p.t) - 1.5;
            return (
              <rect
                class={p.upCount === 0 ? "fail" : "fail fail-partial"}
                x={f1(Math.max(0, x0))}
                y="0"
                width={f1(w)}
                height="10"
              >
                <title>{`${p.count - p.upCount} of ${p.count} checks failed`}</title>
              </rect>
            );
          })}
        </svg>
        <div class="chart-x" aria-hidden="true">
          {xLabels.map((l) => <Tick key={l} text={l} />)}
        </div>
      </div>
    </figure>
  );
}

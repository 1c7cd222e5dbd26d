/** The response-time chart: axes that read right, a 1 h view spanning its data, an accessible name. */
import assert from "node:assert/strict";
import { ResponseChart, xAxisLabels, yAxisMax, yLabel } from "../../components/ResponseChart.tsx";
import { type ChartPoint, type ChartSeries, hourWindow } from "../../monitor/detail.ts";

const MIN = 60_000, HOUR = 3_600_000, DAY = 86_400_000;
const TO = 1_800_000_000_000;

function point(t: number, avg: number | null, ok = true): ChartPoint {
  return { t, spanMs: 0, count: 1, upCount: ok ? 1 : 0, avg, min: avg, max: avg };
}

Deno.test("no two y axis labels read the same, whatever the maximum", () => {
  for (const raw of [0.2, 1, 1.3, 2, 2.6, 3, 7, 9.9, 13, 26, 99, 130, 260, 999, 1300, 2600, 13e3]) {
    const max = yAxisMax(raw);
    assert.ok(max >= raw, `${max} covers ${raw}`);
    const labels = [1, 0.75, 0.5, 0.25, 0].map((f) => yLabel(max * f));
    assert.equal(new Set(labels).size, 5, `${raw}: ${labels.join(", ")}`);
  }
  assert.equal(yLabel(7.5), "7.5 ms");
  assert.equal(yLabel(2500), "2.50 s");
});

Deno.test("no two x axis labels read the same in any range", () => {
  const cases: ChartSeries[] = [
    { range: "1h", from: TO - HOUR, to: TO, source: "checks", points: [], stepMs: MIN },
    { range: "24h", from: TO - DAY, to: TO, source: "hour", points: [], stepMs: HOUR },
    { range: "7d", from: TO - 7 * DAY, to: TO, source: "hour", points: [], stepMs: HOUR },
    { range: "30d", from: TO - 30 * DAY, to: TO, source: "day", points: [], stepMs: DAY },
  ];
  for (const oldest of [TO, TO - 10_000, TO - 90_000, TO - 4 * MIN, TO - 7 * MIN, TO - 33 * MIN]) {
    const w = hourWindow(TO, oldest);
    cases.push({ ...cases[0], from: w.from, tickMs: w.tickMs });
  }
  for (const s of cases) {
    const labels = xAxisLabels(s);
    assert.equal(new Set(labels).size, labels.length, labels.join(", "));
    assert.equal(labels.at(-1), "now");
    assert.ok(labels.length >= 2 && labels.length <= 8, labels.join(", "));
  }
});

Deno.test("the 1 h view of a new monitor spans its checks, not the whole hour", () => {
  // Three checks over the last 2.5 minutes: the axis runs 3 minutes back in 1-minute steps.
  const w = hourWindow(TO, TO - 150_000);
  assert.deepEqual(w, { from: TO - 3 * MIN, tickMs: MIN });
  const s: ChartSeries = {
    range: "1h",
    from: w.from,
    to: TO,
    tickMs: w.tickMs,
    source: "checks",
    stepMs: 60_000,
    points: [point(TO - 150_000, 10), point(TO - 90_000, 12), point(TO - 30_000, 11)],
  };
  assert.deepEqual(xAxisLabels(s), ["−3 min", "−2 min", "−1 min", "now"]);
  // The oldest check sits in the left half of the plot, not squeezed against "now".
  const html = String(ResponseChart({ series: s }));
  const firstX = Number(/<path class="line"[^>]* d="M([\d.]+),/.exec(html)![1]);
  assert.ok(firstX < 500, `first point at x=${firstX}`);
  // An hour or more of data, or none, keeps the full hour.
  assert.deepEqual(hourWindow(TO, TO - 59 * MIN), { from: TO - HOUR, tickMs: 15 * MIN });
  assert.deepEqual(hourWindow(TO, null), { from: TO - HOUR, tickMs: 15 * MIN });
});

Deno.test("the chart's SVG has an accessible name: the range, then min, average and max", () => {
  const s: ChartSeries = {
    range: "24h",
    from: TO - DAY,
    to: TO,
    source: "hour",
    stepMs: HOUR,
    points: [
      { t: TO - 2 * HOUR, spanMs: HOUR, count: 4, upCount: 3, avg: 20, min: 10, max: 40 },
      { t: TO - HOUR, spanMs: HOUR, count: 2, upCount: 2, avg: 30, min: 25, max: 35 },
    ],
  };
  const html = String(ResponseChart({ series: s }));
  assert.match(
    html,
    /<svg class="chart-plot"[^>]* role="img" aria-labelledby="chart-svg-title chart-svg-desc">/,
  );
  assert.match(html, /<title id="chart-svg-title">Response time over the last 24 hours<\/title>/);
  assert.match(
    html,
    /<desc id="chart-svg-desc">Average 24 ms, fastest 10 ms, slowest 40 ms; 1 failed of 6 checks.<\/desc>/,
  );
  const empty = String(ResponseChart({ series: { ...s, points: [] } }));
  assert.match(empty, /<desc id="chart-svg-desc">No checks in this period.<\/desc>/);
});

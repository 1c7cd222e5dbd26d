/**
 * The monitor page. Two regions: `#monitor-page` (header, actions and live part; htmx actions
 * swap it) and inside it `#monitor-live` (status, uptime, chart, tables; the poller swaps it).
 */
import type { ChartRange, MonitorDetail } from "../monitor/detail.ts";
import type { PageContext } from "./types.ts";
import { POLL_TRIGGER } from "./constants.ts";
import {
  ago,
  duration,
  errorDetail,
  iso,
  ms,
  pct,
  resultText,
  STATUS_LABELS,
  utc,
} from "./format.ts";
import { Layout } from "./Layout.tsx";
import { certificateLeft, StatusPill, TargetLink } from "./Status.tsx";
import { ResponseChart } from "./ResponseChart.tsx";
import { AppList, CheckTable, IncidentTable } from "./MonitorTables.tsx";
import type { ChannelOption } from "./MonitorForm.tsx";
import { PushPanel } from "./PushPanel.tsx";
import { BadgePanel } from "./BadgePanel.tsx";

const RANGES: { range: ChartRange; label: string }[] = [
  { range: "1h", label: "1 hour" },
  { range: "24h", label: "24 hours" },
  { range: "7d", label: "7 days" },
  { range: "30d", label: "30 days" },
];

/** The status headline: pill, how long, and the last check in words. */
function StatusCard({ d, now }: { d: MonitorDetail; now: number }) {
  const { view } = d;
  const c = view.lastCheck;
  const since = view.status === "paused" ? null : view.state.changedAt;
  // The result already names the error kind: only what the message adds follows it.
  const detail = !c || c.ok
    ? null
    : c.errorKind
    ? errorDetail(c.errorKind, c.errorMessage)
    : c.errorMessage;
  return (
    <div class={`status-card status-${view.status}`}>
      <StatusPill status={view.status} large />
      <div class="status-text">
        <p class="status-since">
          {view.status === "maintenance" && view.maintenance
            ? `In maintenance: ${view.maintenance.window.name}, until ${
              utc(view.maintenance.occurrence.end)
            }. Checks still run; no alerts go out and uptime leaves this time out.`
            : view.status === "paused"
            ? "Checks are paused."
            : view.status === "pending" && !c
            ? "Waiting for the first check."
            : `${STATUS_LABELS[view.status]} for ${duration(now - (since ?? now))}`}
          {view.status === "degraded" && view.monitor.degradedMs !== null &&
            ` — responses slower than ${view.monitor.degradedMs} ms`}
        </p>
        {c && (
          <p class="muted">
            Last check{" "}
            <time datetime={iso(c.checkedAt)} data-rel title={utc(c.checkedAt)}>
              {ago(c.checkedAt, now)}
            </time>: {resultText(c, view.monitor.kind)}
            {c.ok ? ` in ${ms(c.latencyMs)}` : ""}
            {detail && (
              <span class="error-text">
                {" — "}
                {detail}
              </span>
            )}
          </p>
        )}
      </div>
    </div>
  );
}

/** The TLS certificate the latest https check read: expiry, issuer, and the warnings set. */
function CertificateCard({ d, now }: { d: MonitorDetail; now: number }) {
  const c = d.view.certificate;
  if (!c) return null;
  const left = c.validTo - now;
  const days = d.view.monitor.certExpiryDays;
  const warn = left <= Math.max(0, ...days) * 86_400_000;
  return (
    <section class="card" aria-labelledby="cert-title">
      <div class="card-head">
        <h2 id="cert-title">TLS certificate</h2>
      </div>
      <dl class="kv">
        <div>
          <dt>Expires</dt>
          <dd class={warn ? "error-text" : undefined}>
            <time datetime={iso(c.validTo)}>{utc(c.validTo)}</time>{" "}
            ({left <= 0 ? "expired" : `in ${certificateLeft(left)}`})
          </dd>
        </div>
        <div>
          <dt>Subject</dt>
          <dd>{c.subject}</dd>
        </div>
        <div>
          <dt>Issuer</dt>
          <dd>{c.issuer}</dd>
        </div>
        <div>
          <dt>Warnings</dt>
          <dd>
            {days.length ? `${days.join(", ")} days before expiry, each once` : "off"}
          </dd>
        </div>
        <div>
          <dt>Read</dt>
          <dd>
            <time datetime={iso(c.checkedAt)} data-rel title={utc(c.checkedAt)}>
              {ago(c.checkedAt, now)}
            </time>
          </dd>
        </div>
      </dl>
    </section>
  );
}

function UptimeStats({ d }: { d: MonitorDetail }) {
  const u = d.uptime;
  const items: [string, number | null][] = [
    ["24 hours", u.h24],
    ["7 days", u.d7],
    ["30 days", u.d30],
    ["90 days", u.d90],
  ];
  return (
    <dl class="stat-grid" aria-label="Uptime">
      {items.map(([label, v]) => (
        <div class="stat">
          <dt>Uptime {label}</dt>
          <dd>{pct(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The live region; its poller asks for changes since `d.version`. */
export function MonitorLive(
  { d, range, now }: { d: MonitorDetail; range: ChartRange; now: number },
) {
  const id = d.view.monitor.id;
  const isWebsite = d.view.monitor.parentId === null;
  return (
    <section
      id="monitor-live"
      class="live"
      hx-get={`/monitors/${id}/live?v=${encodeURIComponent(d.version)}&range=${range}`}
      hx-trigger={POLL_TRIGGER}
      hx-swap="outerHTML"
      aria-label="Status and history"
    >
      <StatusCard d={d} now={now} />
      <UptimeStats d={d} />
      <CertificateCard d={d} now={now} />
      <section class="card" aria-labelledby="chart-title">
        <div class="card-head">
          <h2 id="chart-title">Response time</h2>
          <nav class="tabs" aria-label="Chart period">
            {RANGES.map((r) => (
              <a
                id={`range-${r.range}`}
                href={`/monitors/${id}?range=${r.range}`}
                aria-current={r.range === range ? "true" : undefined}
                hx-get={`/monitors/${id}?range=${r.range}`}
                hx-select="#monitor-live"
                hx-target="#monitor-live"
                hx-swap="outerHTML"
                hx-push-url="true"
              >
                {r.label}
              </a>
            ))}
          </nav>
        </div>
        <ResponseChart series={d.chart} />
        <p class="chart-note muted">
          {d.chart.source === "checks"
            ? "Every check in the last hour. Band: fastest to slowest; line: average; red: failed checks."
            : `${
              d.chart.source === "hour" ? "Hourly" : "Daily"
            } averages. Band: fastest to slowest; red: periods with failed checks.`}
        </p>
      </section>
      {isWebsite && (
        <section class="card" aria-labelledby="apps-title">
          <div class="card-head">
            <h2 id="apps-title">Internal apps</h2>
            <a class="btn btn-small" href={`/monitors/new?parent_id=${id}`}>Add internal app</a>
          </div>
          <AppList apps={d.apps} now={now} />
        </section>
      )}
      <section class="card" aria-labelledby="incidents-title">
        <h2 id="incidents-title">Incidents</h2>
        <IncidentTable incidents={d.incidents} now={now} />
      </section>
      <section class="card" aria-labelledby="checks-title">
        <h2 id="checks-title">Recent checks</h2>
        <CheckTable checks={d.checks} now={now} />
      </section>
      <SlaSection d={d} />
    </section>
  );
}

/** Monthly SLA figures, newest month first, with the CSV download. */
function SlaSection({ d }: { d: MonitorDetail }) {
  const id = d.view.monitor.id;
  return (
    <section class="card" aria-labelledby="sla-title" id="sla">
      <div class="card-head">
        <h2 id="sla-title">SLA by month (UTC)</h2>
        <div class="actions">
          <a class="btn btn-small" href={`/maintenance/new?monitor=${id}`}>Plan maintenance</a>{" "}
          <a class="btn btn-small" href={`/monitors/${id}/sla.csv`} download>Download CSV</a>
        </div>
      </div>
      <div class="table-wrap">
        <table class="table" id="sla-table">
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Uptime</th>
              <th scope="col">Downtime</th>
              <th scope="col">Incidents</th>
              <th scope="col">Longest</th>
              <th scope="col">Maintenance</th>
              <th scope="col">Checks</th>
            </tr>
          </thead>
          <tbody>
            {[...d.sla.months].reverse().map((m) => (
              <tr>
                <td>{m.month}</td>
                <td>{pct(m.uptimePct)}</td>
                <td>{duration(m.downtimeMin * 60_000)}</td>
                <td>{m.incidents}</td>
                <td>{m.incidents ? duration(m.longestIncidentMin * 60_000) : "–"}</td>
                <td>{duration(m.maintenanceMin * 60_000)}</td>
                <td>{m.checks}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="hint">
        Uptime and downtime leave out time in maintenance windows.
      </p>
    </section>
  );
}

/**
 * The notification channels a monitor alerts besides email: its own, or for an internal app
 * with none, its website's (said so).
 */
function ChannelsLine(props: { d: MonitorDetail; channels: ChannelOption[] }) {
  const m = props.d.view.monitor;
  const parent = props.d.parent;
  const inherited = m.channelIds.length === 0 && m.parentId !== null;
  const ids = inherited ? parent?.channelIds ?? [] : m.channelIds;
  const used = ids
    .map((id) => props.channels.find((ch) => ch.id === id))
    .filter((ch): ch is ChannelOption => ch !== undefined);
  const list = used.length
    ? used.map((ch, n) => (
      <>
        {n > 0 && ", "}
        <span title={ch.kindLabel}>{ch.name}</span>
      </>
    ))
    : "none";
  return (
    <p class="muted" id="monitor-channels">
      Notification channels: {inherited
        ? (
          <>
            inherits the website's
            {parent && (
              <>
                {" ("}
                <a href={`/monitors/${parent.id}`}>{parent.name}</a>
                {")"}
              </>
            )}: {list}
          </>
        )
        : list}
    </p>
  );
}

/** A POST button in its own form; htmx swaps `#monitor-page` with the answer. */
function ActionButton(
  props: { id: string; action: string; csrf: string; label: string; primary?: boolean },
) {
  return (
    <form
      method="post"
      action={props.action}
      hx-post={props.action}
      hx-target="#monitor-page"
      hx-swap="outerHTML"
      class="inline"
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button id={props.id} type="submit" class={props.primary ? "btn btn-primary" : "btn"}>
        {props.label}
      </button>
    </form>
  );
}

/** Header, actions and live region (region `#monitor-page`). */
export function MonitorBody(
  props: {
    d: MonitorDetail;
    range: ChartRange;
    csrf: string;
    now: number;
    /** Every configured channel, to name the monitor's. */
    channels: ChannelOption[];
  },
) {
  const { d, csrf } = props;
  const m = d.view.monitor;
  return (
    <div id="monitor-page">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Overview</a>
        {d.parent && (
          <>
            <span aria-hidden="true">/</span>
            <a href={`/monitors/${d.parent.id}`}>{d.parent.name}</a>
          </>
        )}
      </nav>
      <div class="page-head">
        <div class="title-block">
          <h1>{m.name}</h1>
          <p class="sub">
            <TargetLink monitor={m} />
            <span>
              {m.parentId === null ? "Website" : "Internal app"} · {m.kind.toUpperCase()}
              {m.kind === "push" ? " · heartbeat" : ` · every ${m.intervalS} s`}
            </span>
            {m.kind === "http" && <span>expects {m.expectedStatus}</span>}
          </p>
          <ChannelsLine d={d} channels={props.channels} />
        </div>
        <div class="actions">
          {m.kind !== "push" && (
            <ActionButton
              id="btn-check"
              action={`/monitors/${m.id}/check`}
              csrf={csrf}
              label="Check now"
              primary
            />
          )}
          <ActionButton
            id="btn-active"
            action={`/monitors/${m.id}/${m.active ? "pause" : "resume"}`}
            csrf={csrf}
            label={m.active ? "Pause" : "Resume"}
          />
          <a class="btn" href={`/monitors/${m.id}/edit`}>Edit</a>
          <a class="btn btn-danger-quiet" href={`/monitors/${m.id}/delete`}>Delete…</a>
        </div>
      </div>
      <PushPanel d={d} csrf={csrf} now={props.now} />
      <BadgePanel d={d} />
      <MonitorLive d={d} range={props.range} now={props.now} />
    </div>
  );
}

/** The monitor page. */
export function MonitorPage(
  props: { ctx: PageContext; d: MonitorDetail; range: ChartRange; channels: ChannelOption[] },
) {
  const { ctx, d } = props;
  return (
    <Layout ctx={ctx} title={`${d.view.monitor.name} (${d.view.status})`} noScriptRefresh>
      <MonitorBody
        d={d}
        range={props.range}
        csrf={ctx.csrf}
        now={ctx.now}
        channels={props.channels}
      />
    </Layout>
  );
}

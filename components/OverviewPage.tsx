/** The overview page and its live regions: summary counts, the monitor list and the poller. */
import type { Overview, OverviewRow, StatusCounts } from "../monitor/overview.ts";
import type { MonitorStatus } from "../monitor/types.ts";
import type { PageContext } from "./types.ts";
import { POLL_TRIGGER } from "./constants.ts";
import { STATUS_LABELS } from "./format.ts";
import { Layout } from "./Layout.tsx";
import { MonitorRow } from "./MonitorRow.tsx";

const ORDER: MonitorStatus[] = ["up", "degraded", "down", "pending", "maintenance", "paused"];

/** Counts by status (region `#summary`). */
export function SummaryBar(props: { counts: StatusCounts; oob?: boolean }) {
  return (
    <section
      id="summary"
      class="summary"
      aria-label="Monitors by status"
      hx-swap-oob={props.oob ? "true" : undefined}
    >
      {ORDER.map((s) => (
        <div class={`tile tile-${s}${props.counts[s] > 0 ? " tile-some" : ""}`}>
          <span class="tile-count">{props.counts[s]}</span>
          <span class="tile-label">
            <span class="dot" aria-hidden="true"></span>
            {STATUS_LABELS[s]}
          </span>
        </div>
      ))}
    </section>
  );
}

/**
 * The invisible poller: every tick it asks what changed since `version`. The server answers 204
 * when nothing did, or a new poller (with the new version) plus out-of-band rows and summary.
 */
export function OverviewPoll(props: { version: string }) {
  return (
    <div
      id="overview-poll"
      hx-get={`/partials/overview?v=${encodeURIComponent(props.version)}`}
      hx-trigger={POLL_TRIGGER}
      hx-swap="outerHTML"
      hidden
    >
    </div>
  );
}

/** Column titles for wide screens; each row also carries its own labels for small ones. */
function ListHead() {
  return (
    <div class="list-head" aria-hidden="true">
      <span>Monitor</span>
      <span>Recent checks</span>
      <span class="list-head-stats">
        <span>Last check</span>
        <span>Response</span>
        <span>Result</span>
        <span>24 h</span>
        <span>7 d</span>
        <span>30 d</span>
      </span>
    </div>
  );
}

/** The monitor list (region `#monitor-list`): websites with their internal apps nested. */
export function MonitorList(props: { overview: Overview; now: number; oob?: boolean }) {
  const { groups } = props.overview;
  return (
    <div id="monitor-list" class="monitor-list" hx-swap-oob={props.oob ? "true" : undefined}>
      {groups.length === 0
        ? (
          <div class="empty card">
            <h2>No monitors yet</h2>
            <p>Add a website to start checking it. Internal apps can be added beneath it.</p>
            <a class="btn btn-primary" href="/monitors/new">Add a website</a>
          </div>
        )
        : (
          <>
            <ListHead />
            {groups.map((g) => (
              <section class="group" aria-label={g.website.monitor.name}>
                <MonitorRow row={g.website} now={props.now} />
                {g.apps.length > 0 && (
                  <div class="apps">
                    {g.apps.map((a) => <MonitorRow key={a.monitor.id} row={a} now={props.now} />)}
                  </div>
                )}
              </section>
            ))}
          </>
        )}
    </div>
  );
}

/** The tab title: the number of monitors down comes first, readable from the tab strip. */
export function overviewTitle(counts: StatusCounts): string {
  return counts.down > 0 ? `${counts.down} down` : "Overview";
}

/** A <title> in a poll answer: htmx updates the document title from it. */
function PollTitle(props: { counts: StatusCounts }) {
  return <title>{`${overviewTitle(props.counts)} · Server Health Checker`}</title>;
}

/** The poll answer when some rows changed: new poller, summary and those rows, out of band. */
export function OverviewRowsUpdate(
  props: { version: string; counts: StatusCounts; rows: OverviewRow[]; now: number },
) {
  return (
    <>
      <PollTitle counts={props.counts} />
      <OverviewPoll version={props.version} />
      <SummaryBar counts={props.counts} oob />
      {props.rows.map((r) => <MonitorRow key={r.monitor.id} row={r} now={props.now} oob />)}
    </>
  );
}

/** The poll answer when the list itself changed: new poller, summary and the whole list. */
export function OverviewFullUpdate(props: { overview: Overview; now: number }) {
  return (
    <>
      <PollTitle counts={props.overview.counts} />
      <OverviewPoll version={props.overview.version} />
      <SummaryBar counts={props.overview.counts} oob />
      <MonitorList overview={props.overview} now={props.now} oob />
    </>
  );
}

/** The overview page. `alertsOff` explains why nobody would be emailed about an outage. */
export function OverviewPage(props: { ctx: PageContext; overview: Overview; alertsOff?: boolean }) {
  const { ctx, overview } = props;
  return (
    <Layout ctx={ctx} title={overviewTitle(overview.counts)} nav="overview" noScriptRefresh>
      <div class="page-head">
        <h1>Overview</h1>
        <a class="btn btn-primary" href="/monitors/new">Add website</a>
      </div>
      {props.alertsOff && (
        <p class="flash flash-info" role="note">
          Email alerts are not being sent: <code>EMAIL_HOST</code> is not set.{" "}
          <a href="/settings">Email settings</a>
        </p>
      )}
      <SummaryBar counts={overview.counts} />
      <OverviewPoll version={overview.version} />
      <MonitorList overview={overview} now={ctx.now} />
    </Layout>
  );
}

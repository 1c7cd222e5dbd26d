/**
 * The overview page and its live regions: the status tiles (also the status filter), the search
 * and sort controls, and the results (the poller, the view's state and the monitor list).
 *
 * Every control is a link or a GET form field, so the page works without JavaScript; with htmx
 * each answers with the results region and the tiles out of band, and the server sets the
 * address bar (`HX-Push-Url`), so the view's state always lives in the URL.
 */
import type { Overview, OverviewRow, StatusCounts } from "../monitor/overview.ts";
import type {
  OverviewQuery,
  OverviewSort,
  OverviewView,
  ViewGroup,
} from "../monitor/overview_view.ts";
import type { MonitorStatus } from "../monitor/types.ts";
import type { PageContext } from "./types.ts";
import { POLL_TRIGGER } from "./constants.ts";
import { STATUS_LABELS } from "./format.ts";
import { Layout } from "./Layout.tsx";
import { MonitorRow } from "./MonitorRow.tsx";
import { overviewHref, pollHref, statusHref, toggleCollapsed } from "./overview_links.ts";

const ORDER: MonitorStatus[] = ["up", "degraded", "down", "pending", "maintenance", "paused"];

/** The results region's id: search, sort, tiles and folds swap it. */
export const RESULTS_ID = "overview-results";
/** The controls form's id; the view's hidden state fields belong to it from the results. */
const FORM_ID = "overview-controls";

/** htmx attributes of a link that re-draws the results in place (see `targetAttrs`). */
function swapAttrs(href: string) {
  return { "hx-get": href };
}

/** Where the links inside inherit their swap from: the results region, replaced whole. */
const targetAttrs = { "hx-target": `#${RESULTS_ID}`, "hx-swap": "outerHTML" };

/** Counts by status (region `#summary`); each tile filters the list to its status. */
export function SummaryBar(props: { counts: StatusCounts; query: OverviewQuery; oob?: boolean }) {
  const { query } = props;
  return (
    <nav
      id="summary"
      class="summary"
      aria-label="Monitors by status"
      {...targetAttrs}
      hx-swap-oob={props.oob ? "true" : undefined}
    >
      {ORDER.map((s) => {
        const on = query.status === s;
        const href = statusHref(query, s);
        return (
          <a
            class={`tile tile-${s}${props.counts[s] > 0 ? " tile-some" : ""}${
              on ? " tile-on" : ""
            }`}
            href={href}
            {...swapAttrs(href)}
            aria-current={on ? "true" : undefined}
            title={on ? "Show every status again" : `Show only ${STATUS_LABELS[s]} monitors`}
          >
            <span class="tile-count">{props.counts[s]}</span>
            <span class="tile-label">
              <span class="dot" aria-hidden="true"></span>
              {STATUS_LABELS[s]}
            </span>
          </a>
        );
      })}
    </nav>
  );
}

const SORT_LABELS: Record<OverviewSort, string> = {
  status: "Problems first",
  name: "Name (A–Z)",
  response: "Response time (slowest first)",
  uptime: "Uptime 24 h (lowest first)",
};

/** A tag choice (a component: Hono would print a `key` on an <option> as an attribute). */
function TagOption(props: { tag: string; selected: boolean }) {
  return <option value={props.tag} selected={props.selected}>{props.tag}</option>;
}

/**
 * Search, tag filter and sort: a GET form. With htmx the list follows as one types (after a
 * short pause) and as a select changes; the button serves browsers without JavaScript.
 */
export function OverviewControls(props: { query: OverviewQuery; tags: string[] }) {
  const { query, tags } = props;
  return (
    <form
      id={FORM_ID}
      class="overview-controls"
      method="get"
      action="/"
      role="search"
      hx-get="/"
      hx-target={`#${RESULTS_ID}`}
      hx-swap="outerHTML"
      hx-trigger="submit, input changed delay:250ms from:#ov-q, search from:#ov-q, change from:.ov-select"
      hx-sync="this:replace"
    >
      <label class="visually-hidden" for="ov-q">Search monitors by name or URL</label>
      <input
        id="ov-q"
        class="ov-search"
        type="search"
        name="q"
        value={query.q}
        placeholder="Search name or URL"
        maxlength={200}
        autocomplete="off"
        spellcheck={false}
      />
      <label class="ov-label">
        <span>Tag</span>
        <select name="tag" class="ov-select">
          <option value="" selected={query.tag === null}>All tags</option>
          {tags.map((t) => <TagOption key={t} tag={t} selected={query.tag === t} />)}
          {query.tag !== null && !tags.includes(query.tag) && (
            <option value={query.tag} selected>{query.tag}</option>
          )}
        </select>
      </label>
      <label class="ov-label">
        <span>Sort</span>
        <select name="sort" class="ov-select">
          {(Object.keys(SORT_LABELS) as OverviewSort[]).map((s) => (
            <option value={s} selected={query.sort === s}>{SORT_LABELS[s]}</option>
          ))}
        </select>
      </label>
      <button class="btn" type="submit">Apply</button>
    </form>
  );
}

/** The view's state the form does not show, kept in the form from the results region. */
function ViewState(props: { query: OverviewQuery }) {
  const { query } = props;
  const field = (name: string, value: string) => (
    <input type="hidden" form={FORM_ID} name={name} value={value} />
  );
  return (
    <>
      {query.status !== null && field("status", query.status)}
      {query.collapse === "all"
        ? (
          <>
            {field("collapse", "all")}
            {query.open.length > 0 && field("open", query.open.join(","))}
          </>
        )
        : query.collapse.length > 0 && field("collapse", query.collapse.join(","))}
    </>
  );
}

/**
 * The invisible poller: every tick it asks what changed since `version` for this view. The
 * server answers 204 when nothing did, or a new poller plus out-of-band rows and summary.
 */
export function OverviewPoll(props: { version: string; query: OverviewQuery }) {
  return (
    <div
      id="overview-poll"
      hx-get={pollHref(props.version, props.query)}
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

/** The DOM id of a website's apps toggle. */
export const foldId = (websiteId: number) => `fold-${websiteId}`;

/** "3 up · 1 down": the statuses of a folded website's apps, problems first. */
function foldCounts(counts: StatusCounts): string {
  const order: MonitorStatus[] = ["down", "degraded", "pending", "up", "paused"];
  return order.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${STATUS_LABELS[s]}`)
    .join(" · ");
}

/** A website's apps toggle: folds or opens its internal apps (a link, so it works without JS). */
export function FoldToggle(props: { group: ViewGroup; query: OverviewQuery; oob?: boolean }) {
  const { group: g, query } = props;
  const id = g.website.monitor.id;
  const href = overviewHref(toggleCollapsed(query, id));
  const n = g.appTotal;
  const apps = `${n} internal app${n === 1 ? "" : "s"}`;
  const filtered = g.matchingApps < n;
  return (
    <a
      id={foldId(id)}
      class={`fold${g.collapsed ? " fold-closed" : ""}`}
      href={href}
      {...swapAttrs(href)}
      aria-expanded={g.collapsed ? "false" : "true"}
      hx-swap-oob={props.oob ? "true" : undefined}
    >
      <span class="fold-icon" aria-hidden="true"></span>
      {g.collapsed
        ? `Show ${apps}${filtered ? ` (${g.matchingApps} matching)` : ""} · ${
          foldCounts(g.appCounts)
        }`
        : filtered
        ? `Hide apps · ${g.matchingApps} of ${apps} match`
        : `Hide ${apps}`}
    </a>
  );
}

/** One website with its (matching, unfolded) internal apps. */
function GroupSection(props: { group: ViewGroup; query: OverviewQuery; now: number }) {
  const { group: g, query, now } = props;
  return (
    <section class="group">
      <MonitorRow row={g.website} now={now} context={!g.websiteMatches} />
      {g.appTotal > 0 && <FoldToggle group={g} query={query} />}
      {g.apps.length > 0 && (
        <div class="apps">
          {g.apps.map((a) => <MonitorRow key={a.monitor.id} row={a} now={now} />)}
        </div>
      )}
    </section>
  );
}

/** "Showing 3 of 2,000 monitors" with a way back to everything. */
function ViewNote(props: { view: OverviewView }) {
  const { view } = props;
  const { query } = view;
  const filtered = query.q !== "" || query.status !== null || query.tag !== null;
  if (!filtered) return null;
  const clear = overviewHref({ ...query, q: "", status: null, tag: null });
  const what = [
    query.q !== "" && `matching “${query.q}”`,
    query.status !== null && `${STATUS_LABELS[query.status]}`,
    query.tag !== null && `tagged ${query.tag}`,
  ].filter(Boolean).join(", ");
  return (
    <p class="view-note" role="status">
      {`Showing ${view.matching.toLocaleString("en")} of ${
        view.total.toLocaleString("en")
      } monitors (${what}). `}
      <a href={clear} {...swapAttrs(clear)}>Show all</a>
    </p>
  );
}

/** The monitor list (region `#monitor-list`): websites with their internal apps nested. */
export function MonitorList(props: { view: OverviewView; now: number; oob?: boolean }) {
  const { view } = props;
  const { groups, query } = view;
  const hasApps = groups.some((g) => g.appTotal > 0);
  const allFolded = query.collapse === "all" && query.open.length === 0;
  const foldAll = overviewHref({ ...query, collapse: allFolded ? [] : "all", open: [] });
  return (
    <div
      id="monitor-list"
      class="monitor-list"
      {...targetAttrs}
      hx-swap-oob={props.oob ? "true" : undefined}
    >
      <ViewNote view={view} />
      {view.total === 0
        ? (
          <div class="empty card">
            <h2>No monitors yet</h2>
            <p>Add a website to start checking it. Internal apps can be added beneath it.</p>
            <a class="btn btn-primary" href="/monitors/new">Add a website</a>
          </div>
        )
        : groups.length === 0
        ? (
          <div class="empty card">
            <h2>No monitor matches</h2>
            <p>Try another search, status or tag.</p>
          </div>
        )
        : (
          <>
            <div class="list-tools">
              {hasApps && (
                <a class="fold-all" href={foldAll} {...swapAttrs(foldAll)}>
                  {allFolded ? "Show all internal apps" : "Hide all internal apps"}
                </a>
              )}
              <ListHead />
            </div>
            {groups.map((g) => (
              <GroupSection key={g.website.monitor.id} group={g} query={query} now={props.now} />
            ))}
          </>
        )}
    </div>
  );
}

/** The results region: poller, the view's hidden state and the list. */
export function OverviewResults(props: { view: OverviewView; version: string; now: number }) {
  return (
    <div id={RESULTS_ID}>
      <OverviewPoll version={props.version} query={props.view.query} />
      <ViewState query={props.view.query} />
      <MonitorList view={props.view} now={props.now} />
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

/** The answer to a search, sort, tile or fold: the results, and the tiles out of band. */
export function OverviewResultsUpdate(
  props: { overview: Overview; view: OverviewView; now: number },
) {
  return (
    <>
      <PollTitle counts={props.overview.counts} />
      <OverviewResults view={props.view} version={props.overview.version} now={props.now} />
      <SummaryBar counts={props.overview.counts} query={props.view.query} oob />
    </>
  );
}

/** The poll answer when some rows changed: new poller, summary and those rows, out of band. */
export function OverviewRowsUpdate(
  props: {
    version: string;
    counts: StatusCounts;
    rows: { row: OverviewRow; context: boolean }[];
    folded: ViewGroup[];
    query: OverviewQuery;
    now: number;
  },
) {
  return (
    <>
      <PollTitle counts={props.counts} />
      <OverviewPoll version={props.version} query={props.query} />
      <SummaryBar counts={props.counts} query={props.query} oob />
      {props.rows.map((r) => (
        <MonitorRow key={r.row.monitor.id} row={r.row} context={r.context} now={props.now} oob />
      ))}
      {props.folded.map((g) => (
        <FoldToggle key={g.website.monitor.id} group={g} query={props.query} oob />
      ))}
    </>
  );
}

/** The poll answer when the list itself changed: new poller, summary and the whole list. */
export function OverviewFullUpdate(
  props: { overview: Overview; view: OverviewView; now: number },
) {
  return (
    <>
      <PollTitle counts={props.overview.counts} />
      <OverviewPoll version={props.overview.version} query={props.view.query} />
      <SummaryBar counts={props.overview.counts} query={props.view.query} oob />
      <MonitorList view={props.view} now={props.now} oob />
    </>
  );
}

/** The overview page. `alertsOff` explains why nobody would be emailed about an outage. */
export function OverviewPage(
  props: { ctx: PageContext; overview: Overview; view: OverviewView; alertsOff?: boolean },
) {
  const { ctx, overview, view } = props;
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
      <SummaryBar counts={overview.counts} query={view.query} />
      <OverviewControls query={view.query} tags={view.tags} />
      <OverviewResults view={view} version={overview.version} now={ctx.now} />
    </Layout>
  );
}

/**
 * The overview as one operator asks to see it: search, status and tag filters, sort order and
 * collapsed websites, all read from the page's URL (so a view can be bookmarked and shared).
 * Pure functions over the read model of `./overview.ts`; no I/O.
 */
import type { MonitorStatus } from "./types.ts";
import type { Overview, OverviewGroup, OverviewRow, StatusCounts } from "./overview.ts";

/** The orders the list can take; each puts the worst first, except `name`. */
export const OVERVIEW_SORTS = ["status", "name", "response", "uptime"] as const;
/** An overview order. */
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];

const STATUSES: readonly MonitorStatus[] = ["up", "degraded", "down", "pending", "paused"];

/** What the URL asks of the overview. */
export interface OverviewQuery {
  /** Search text, matched case-insensitively against names and URLs ("" = none). */
  q: string;
  /** Only monitors with this displayed status. */
  status: MonitorStatus | null;
  /** Only monitors with this tag. */
  tag: string | null;
  sort: OverviewSort;
  /** Websites whose internal apps are folded away: "all", or website ids. */
  collapse: "all" | number[];
  /** With `collapse: "all"`: the websites opened again. */
  open: number[];
}

/** The overview as it opens: problems first, nothing filtered, every website open. */
export const DEFAULT_QUERY: OverviewQuery = {
  q: "",
  status: null,
  tag: null,
  sort: "status",
  collapse: [],
  open: [],
};

/** Longest search text kept; the rest is cut (a name has at most 200 characters). */
const MAX_Q = 200;

/**
 * Reads a query from URL parameters. Anything unreadable falls back to its default rather than
 * failing: a stale bookmark still opens the overview.
 */
export function parseOverviewQuery(get: (name: string) => string | undefined): OverviewQuery {
  // Control characters never match a stored name (they are refused there), so they are dropped.
  // deno-lint-ignore no-control-regex
  const q = (get("q") ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, MAX_Q);
  const status = get("status");
  const tag = (get("tag") ?? "").trim().toLowerCase();
  const sort = get("sort");
  const collapse = (get("collapse") ?? "").trim();
  const ids = (v: string | undefined) =>
    [
      ...new Set(
        (v ?? "").split(",").filter((s) => /^\d{1,15}$/.test(s)).map(Number).slice(0, 500),
      ),
    ].sort((a, b) => a - b);
  return {
    q,
    status: STATUSES.includes(status as MonitorStatus) ? status as MonitorStatus : null,
    tag: tag !== "" && tag.length <= 40 ? tag : null,
    sort: OVERVIEW_SORTS.includes(sort as OverviewSort) ? sort as OverviewSort : "status",
    collapse: collapse === "all" ? "all" : ids(collapse),
    open: collapse === "all" ? ids(get("open")) : [],
  };
}

/** Whether any filter (search, status or tag) narrows the list. */
export function isFiltered(q: OverviewQuery): boolean {
  return q.q !== "" || q.status !== null || q.tag !== null;
}

/**
 * Whether the list's membership or order follows displayed statuses, so that a status change
 * must re-draw the list rather than one row. Response and uptime orders are applied when the
 * list is drawn; live updates then change values in place without moving rows under the pointer.
 */
export function followsStatus(q: OverviewQuery): boolean {
  return q.sort === "status" || q.status !== null;
}

/** Whether a website's apps are folded away. */
export function isCollapsed(q: OverviewQuery, websiteId: number): boolean {
  return q.collapse === "all" ? !q.open.includes(websiteId) : q.collapse.includes(websiteId);
}

/** Whether any website may be folded. */
export function foldsAny(q: OverviewQuery): boolean {
  return q.collapse === "all" || q.collapse.length > 0;
}

/** Whether one monitor passes the filters (search over name and URL, status, tag). */
export function matchesQuery(row: OverviewRow, q: OverviewQuery): boolean {
  if (q.status !== null && row.status !== q.status) return false;
  if (q.tag !== null && !row.monitor.tags.includes(q.tag)) return false;
  if (q.q === "") return true;
  const needle = q.q.toLowerCase();
  const m = row.monitor;
  // A push monitor's URL is a placeholder; its ping URL is a secret and never searched.
  return m.name.toLowerCase().includes(needle) ||
    (m.kind !== "push" && m.url.toLowerCase().includes(needle));
}

/** A website as the view shows it. */
export interface ViewGroup {
  website: OverviewRow;
  /** Whether the website itself passes the filters (else it is shown for its apps). */
  websiteMatches: boolean;
  /** Apps passing the filters, in view order; empty when collapsed. */
  apps: OverviewRow[];
  /** Apps passing the filters, shown or folded away. */
  matchingApps: number;
  /** All the website's apps by status, for the collapsed summary. */
  appCounts: StatusCounts;
  appTotal: number;
  collapsed: boolean;
}

/** The overview through one query. */
export interface OverviewView {
  query: OverviewQuery;
  groups: ViewGroup[];
  /** Monitors passing the filters. */
  matching: number;
  /** Every monitor. */
  total: number;
  /** Every tag in use, sorted. */
  tags: string[];
}

/** How bad a status is, for problems-first ordering: down first, paused last. */
const STATUS_RANK: Record<MonitorStatus, number> = {
  down: 0,
  degraded: 1,
  pending: 2,
  // Planned: not a problem, but worth seeing before the monitors that are simply up.
  maintenance: 3,
  up: 4,
  paused: 5,
};

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** The response time shown for a row: the last check's, when it succeeded. */
function responseOf(r: OverviewRow): number | null {
  return r.lastCheck && r.lastCheck.ok ? r.lastCheck.latencyMs : null;
}

/** Sort key of one row: smaller is shown first. */
function rowKey(r: OverviewRow, sort: OverviewSort): number {
  switch (sort) {
    case "status":
      return STATUS_RANK[r.status];
    case "response": {
      // Slowest first; a row without a response time after every row that has one.
      const v = responseOf(r);
      return v === null ? Infinity : -v;
    }
    case "uptime":
      // Lowest 24 h uptime first (30 d breaks ties below); none after every measured one.
      return r.uptime.h24 ?? Infinity;
    case "name":
      return 0;
  }
}

function compareRows(a: OverviewRow, b: OverviewRow, sort: OverviewSort): number {
  return rowKey(a, sort) - rowKey(b, sort) ||
    (sort === "uptime" ? (a.uptime.d30 ?? Infinity) - (b.uptime.d30 ?? Infinity) : 0) ||
    collator.compare(a.monitor.name, b.monitor.name) || a.monitor.id - b.monitor.id;
}

const noCounts = (): StatusCounts => ({
  up: 0,
  degraded: 0,
  down: 0,
  pending: 0,
  maintenance: 0,
  paused: 0,
});

/**
 * Applies a query: a website is listed when it or one of its apps passes the filters (with only
 * the passing apps); groups are ordered by their worst passing row, and apps within a group by
 * the same order. Collapsed websites list no apps, only their counts.
 */
export function viewOverview(
  overview: Pick<Overview, "groups">,
  query: OverviewQuery,
): OverviewView {
  const tags = new Set<string>();
  let matching = 0, total = 0;
  const groups: { group: ViewGroup; lead: OverviewRow }[] = [];
  for (const g of overview.groups) {
    total += 1 + g.apps.length;
    for (const t of g.website.monitor.tags) tags.add(t);
    const appCounts = noCounts();
    const passing: OverviewRow[] = [];
    for (const a of g.apps) {
      for (const t of a.monitor.tags) tags.add(t);
      appCounts[a.status]++;
      if (matchesQuery(a, query)) passing.push(a);
    }
    const websiteMatches = matchesQuery(g.website, query);
    if (!websiteMatches && passing.length === 0) continue;
    matching += passing.length + (websiteMatches ? 1 : 0);
    passing.sort((a, b) => compareRows(a, b, query.sort));
    // The row that places the group: the website under the name order, else its worst row.
    let lead = g.website;
    if (query.sort !== "name") {
      const first = passing[0];
      if (!websiteMatches || (first && compareRows(first, lead, query.sort) < 0)) lead = first;
    }
    const collapsed = isCollapsed(query, g.website.monitor.id);
    groups.push({
      lead,
      group: {
        website: g.website,
        websiteMatches,
        apps: collapsed ? [] : passing,
        matchingApps: passing.length,
        appCounts,
        appTotal: g.apps.length,
        collapsed,
      },
    });
  }
  groups.sort((a, b) =>
    compareRows(a.lead, b.lead, query.sort) ||
    collator.compare(a.group.website.monitor.name, b.group.website.monitor.name) ||
    a.group.website.monitor.id - b.group.website.monitor.id
  );
  return {
    query,
    groups: groups.map((g) => g.group),
    matching,
    total,
    tags: [...tags].sort(),
  };
}

/** The rows of a view that are on the page (websites, and apps of open websites). */
export function visibleRowIds(view: OverviewView): Set<number> {
  const ids = new Set<number>();
  for (const g of view.groups) {
    ids.add(g.website.monitor.id);
    for (const a of g.apps) ids.add(a.monitor.id);
  }
  return ids;
}

/** What a poll answer re-draws on a page showing a view: changed rows, and folded websites. */
export interface ViewUpdate {
  /** Changed rows that are on the page; `context` for a website shown only for its apps. */
  rows: { row: OverviewRow; context: boolean }[];
  /** Folded websites with a changed app: their app counts are re-drawn. */
  folded: ViewGroup[];
}

/**
 * Picks, from rows checked since the page's version, what its view shows. `groups` are the
 * whole websites of those rows (null when the view neither filters nor folds, so every row is
 * on the page).
 */
export function viewUpdate(
  rows: OverviewRow[],
  groups: OverviewGroup[] | null,
  query: OverviewQuery,
): ViewUpdate {
  if (!groups) return { rows: rows.map((row) => ({ row, context: false })), folded: [] };
  const view = viewOverview({ groups }, query);
  const visible = visibleRowIds(view);
  const context = new Set(
    view.groups.filter((g) => !g.websiteMatches).map((g) => g.website.monitor.id),
  );
  // Websites one of whose apps changed.
  const touched = new Set(
    rows.filter((r) => r.monitor.parentId !== null).map((r) => r.monitor.parentId),
  );
  return {
    rows: rows.filter((r) => visible.has(r.monitor.id))
      .map((row) => ({ row, context: context.has(row.monitor.id) })),
    folded: view.groups.filter((g) => g.collapsed && touched.has(g.website.monitor.id)),
  };
}

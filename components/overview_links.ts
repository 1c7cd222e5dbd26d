/** URLs of overview views: the query as the address bar keeps it, defaults left out. */
import type { OverviewQuery } from "../monitor/overview_view.ts";
import type { MonitorStatus } from "../monitor/types.ts";

/** The query's URL parameters, defaults left out, in a fixed order. */
export function overviewParams(q: OverviewQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.q !== "") p.set("q", q.q);
  if (q.status !== null) p.set("status", q.status);
  if (q.tag !== null) p.set("tag", q.tag);
  if (q.sort !== "status") p.set("sort", q.sort);
  if (q.collapse === "all") {
    p.set("collapse", "all");
    if (q.open.length > 0) p.set("open", q.open.join(","));
  } else if (q.collapse.length > 0) p.set("collapse", q.collapse.join(","));
  return p;
}

/** The overview URL of a query: "/" for the default view. */
export function overviewHref(q: OverviewQuery): string {
  const s = overviewParams(q).toString();
  return s === "" ? "/" : `/?${s}`;
}

/** A status tile's link: filters to that status, or clears the filter when it is the one set. */
export function statusHref(q: OverviewQuery, status: MonitorStatus): string {
  return overviewHref({ ...q, status: q.status === status ? null : status });
}

/** The poll URL for a page at `version` showing `q`. */
export function pollHref(version: string, q: OverviewQuery): string {
  const p = overviewParams(q);
  const rest = p.toString();
  return `/partials/overview?v=${encodeURIComponent(version)}${rest ? `&${rest}` : ""}`;
}

/** The query with one website folded or opened. */
export function toggleCollapsed(q: OverviewQuery, websiteId: number): OverviewQuery {
  const flip = (ids: number[]) =>
    ids.includes(websiteId)
      ? ids.filter((i) => i !== websiteId)
      : [...ids, websiteId].sort((a, b) => a - b);
  return q.collapse === "all"
    ? { ...q, open: flip(q.open) }
    : { ...q, collapse: flip(q.collapse), open: [] };
}

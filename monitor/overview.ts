/**
 * The overview read model: every monitor with status, last check, uptime and a heartbeat strip,
 * plus a cheap version stamp so a polling client can ask "what changed since version X?".
 */
import type { Check, Monitor, MonitorState, MonitorStatus } from "./types.ts";
import type { MonitorService } from "./service.ts";
import { displayStatus } from "./state.ts";
import { type ActiveMaintenance, activeMaintenance, statusCounts } from "./maintenance_windows.ts";
import { foldsAny, followsStatus, isFiltered, type OverviewQuery } from "./overview_view.ts";
import {
  initialState,
  type OverviewStamp,
  type StoredCertificate,
  type UptimeWindows,
} from "./store/records.ts";

/** Up to this many changed rows are read by id; more, through the whole list. */
const FEW_ROWS = 20;

/** How many recent checks the heartbeat strip shows. */
export const HEARTBEATS = 30;

/** One monitor as the overview shows it. */
export interface OverviewRow {
  monitor: Monitor;
  state: MonitorState;
  status: MonitorStatus;
  lastCheck: Check | null;
  uptime: UptimeWindows;
  /**
   * Newest `HEARTBEATS` checks as letters, oldest first: "u" up, "s" slow (up, slower than the
   * monitor's DEGRADED threshold), "d" failed.
   */
  beats: string;
  /** The TLS certificate of an https monitor, when one was read. */
  certificate: StoredCertificate | null;
  /** The maintenance window covering it now, or null. */
  maintenance: ActiveMaintenance | null;
}

/** A website followed by its internal apps. */
export interface OverviewGroup {
  website: OverviewRow;
  apps: OverviewRow[];
}

/** Monitor counts by displayed status. */
export type StatusCounts = Record<MonitorStatus, number>;

/** The whole overview. */
export interface Overview {
  version: string;
  counts: StatusCounts;
  groups: OverviewGroup[];
}

/** What changed since a client's version. */
export type OverviewChange =
  | { kind: "none" }
  | {
    kind: "rows";
    version: string;
    counts: StatusCounts;
    /** The rows checked since the client's version. */
    rows: OverviewRow[];
    /**
     * When the client's view filters or folds websites: the whole groups of those rows, so the
     * view can tell which rows are on the client's page and re-count folded websites.
     */
    groups: OverviewGroup[] | null;
  }
  | { kind: "full"; overview: Overview };

const NO_UPTIME = { h24: null, d7: null, d30: null };

/** A version: the change stamp plus the status digest taken with it. */
interface Version extends OverviewStamp {
  digest: number;
}

function encode(s: Version): string {
  return `${s.maxCheckId}-${s.monitorCount}-${s.maxUpdatedAt}-${s.digest}`;
}

function decode(v: string): Version | null {
  const m = /^(\d{1,15})-(\d{1,9})-(\d{1,15})-(\d{1,10})$/.exec(v);
  return m ? { maxCheckId: +m[1], monitorCount: +m[2], maxUpdatedAt: +m[3], digest: +m[4] } : null;
}

/**
 * Groups rows: websites in the rows' order, each followed by its internal apps in theirs (an
 * app whose website is not among the rows stands alone).
 */
function groupRows(rows: OverviewRow[]): OverviewGroup[] {
  const groups: OverviewGroup[] = [];
  const byId = new Map<number, OverviewGroup>();
  for (const row of rows) {
    if (row.monitor.parentId !== null) continue;
    const group = { website: row, apps: [] };
    groups.push(group);
    byId.set(row.monitor.id, group);
  }
  for (const row of rows) {
    if (row.monitor.parentId === null) continue;
    const parent = byId.get(row.monitor.parentId);
    if (parent) parent.apps.push(row);
    else groups.push({ website: row, apps: [] });
  }
  return groups;
}

/**
 * How long the full overview may reuse rows it read before: past this every row is read again,
 * so the uptime windows (which slide without a check) are at most this stale.
 */
const ROW_CACHE_MS = 60_000;

/** The rows of the last full read, kept up to date by re-reading only what changed since. */
interface RowCache {
  stamp: OverviewStamp;
  /** Monitor ids in list order. */
  order: number[];
  rows: Map<number, OverviewRow>;
  readAt: number;
}

/** Builds overview data from the store. */
export class OverviewReader {
  #service: MonitorService;
  #now: () => number;
  #cache: RowCache | null = null;

  constructor(service: MonitorService, opts: { now?: () => number } = {}) {
    this.#service = service;
    this.#now = opts.now ?? Date.now;
  }

  /** The current version (changes with every check, create, edit, pause or delete). */
  async version(): Promise<string> {
    const dashboard = this.#service.store.dashboard;
    const [stamp, summary] = await Promise.all([
      dashboard.overviewStamp(),
      dashboard.statusSummary(),
    ]);
    return encode({ ...stamp, digest: summary.digest });
  }

  /** Websites (monitors without a parent) as parent choices for forms, in list order. */
  async websites(): Promise<{ id: number; name: string }[]> {
    const all = await this.#service.store.monitors.list();
    return all.filter((m) => m.parentId === null).map((m) => ({
      id: m.id,
      name: m.name,
    }));
  }

  /** Every monitor, grouped: websites in name order, each followed by its internal apps. */
  async overview(): Promise<Overview> {
    // Stamp first: a check landing while we read makes the data newer than the stamp, which only
    // costs the client one redundant refresh, never a missed one.
    const version = await this.version();
    const rows = await this.#allRows();
    return { version, counts: countStatuses(rows), groups: groupRows(rows) };
  }

  /**
   * Every row. Reading 2,000 monitors' rows costs ~100 ms of queries while a few of them change
   * between two page loads, so the rows of the last read are kept and only those checked since
   * are read again; a create, edit, pause or delete (which moves the stamp's count or edit time)
   * or an old cache reads everything. Maintenance windows start and end without a check, so
   * they are decided again for every row each time.
   */
  async #allRows(): Promise<OverviewRow[]> {
    const store = this.#service.store;
    const now = this.#now();
    const stamp = await store.dashboard.overviewStamp();
    const c = this.#cache;
    if (
      !c || c.stamp.monitorCount !== stamp.monitorCount ||
      c.stamp.maxUpdatedAt !== stamp.maxUpdatedAt || stamp.maxCheckId < c.stamp.maxCheckId ||
      now - c.readAt > ROW_CACHE_MS
    ) {
      const rows = await this.#rows();
      this.#cache = {
        stamp,
        order: rows.map((r) => r.monitor.id),
        rows: new Map(rows.map((r) => [r.monitor.id, r])),
        readAt: now,
      };
      return rows;
    }
    if (stamp.maxCheckId > c.stamp.maxCheckId) {
      const ids = await store.dashboard.monitorsCheckedAfter(c.stamp.maxCheckId);
      if (ids.length) { for (const r of await this.#rows(ids)) c.rows.set(r.monitor.id, r); }
      c.stamp = stamp;
    }
    const rows = c.order.map((id) => c.rows.get(id)!);
    const covering = activeMaintenance(
      await store.maintenance.list(),
      rows.map((r) => r.monitor),
      now,
    );
    return rows.map((r) => {
      const maintenance = covering.get(r.monitor.id) ?? null;
      if (maintenance === null && r.maintenance === null) return r;
      return { ...r, maintenance, status: displayStatus(r.monitor, r.state, maintenance !== null) };
    });
  }

  /**
   * What changed since `since` (a version from an earlier answer) for a client showing `query`:
   * nothing, some rows, or the whole list when monitors were added, edited or removed, when a
   * status changed while the view is ordered or filtered by status, or when `since` is
   * unreadable.
   */
  async changes(since: string, query?: OverviewQuery): Promise<OverviewChange> {
    const dashboard = this.#service.store.dashboard;
    const now = await dashboard.overviewStamp();
    const old = decode(since);
    if (
      !old || old.monitorCount !== now.monitorCount || old.maxUpdatedAt !== now.maxUpdatedAt ||
      old.maxCheckId > now.maxCheckId
    ) {
      return { kind: "full", overview: await this.overview() };
    }
    if (old.maxCheckId === now.maxCheckId) return { kind: "none" };
    const ids = await dashboard.monitorsCheckedAfter(old.maxCheckId);
    // Past a third of the list, one list swap is cheaper than many row swaps.
    if (ids.length > Math.max(10, now.monitorCount / 3)) {
      return { kind: "full", overview: await this.overview() };
    }
    // The digest notices a status change even when the counts stay the same; the counts come
    // with maintenance applied (a window starting or ending shows at the next check).
    const summary = await dashboard.statusSummary();
    const counts = await statusCounts(this.#service.store, this.#now(), summary.counts);
    if (query && followsStatus(query) && summary.digest !== old.digest) {
      return { kind: "full", overview: await this.overview() };
    }
    const version = encode({ ...now, digest: summary.digest });
    const folds = query && (isFiltered(query) || foldsAny(query));
    if (!folds) {
      return {
        kind: "rows",
        version,
        counts,
        rows: await this.#rows(ids),
        groups: null,
      };
    }
    // Which rows the client's page shows depends on their websites' other apps: read the
    // whole groups of the changed rows.
    const members = await this.#groupMembers(ids);
    const all = await this.#rows([...members].sort((a, b) => a - b));
    const wanted = new Set(ids);
    return {
      kind: "rows",
      version,
      counts,
      rows: all.filter((r) => wanted.has(r.monitor.id)),
      groups: groupRows(all),
    };
  }

  /** The ids of the websites of `ids` and of all their apps. */
  async #groupMembers(ids: number[]): Promise<Set<number>> {
    const store = this.#service.store;
    // A few by id; more through one list (one round trip on a database server, not 2 per id).
    if (ids.length > FEW_ROWS) {
      const all = await store.monitors.list();
      const wanted = new Set(ids);
      const websites = new Set(
        all.filter((m) => wanted.has(m.id)).map((m) => m.parentId ?? m.id),
      );
      return new Set(
        all.filter((m) => websites.has(m.parentId ?? m.id)).map((m) => m.id),
      );
    }
    const changed = (await Promise.all(ids.map((id) => store.monitors.get(id))))
      .filter((m) => m !== null);
    const websites = [...new Set(changed.map((m) => m.parentId ?? m.id))];
    const members = new Set(websites);
    for (const apps of await Promise.all(websites.map((w) => store.monitors.childIds(w)))) {
      for (const a of apps) members.add(a);
    }
    return members;
  }

  /** Rows for `ids`, or for every monitor when undefined. */
  async #rows(ids?: number[]): Promise<OverviewRow[]> {
    const store = this.#service.store;
    const now = this.#now();
    // A few changed rows are read one by one; more in one pass over the list (one round trip
    // each on a database server instead of two per row).
    let monitors: Monitor[];
    let states: Map<number, MonitorState>;
    let certificates: Map<number, StoredCertificate>;
    if (ids && ids.length <= FEW_ROWS) {
      monitors = (await Promise.all(ids.map((id) => store.monitors.get(id))))
        .filter((m) => m !== null);
      const [s, c] = await Promise.all([
        Promise.all(
          monitors.map(async (m) => [m.id, await store.states.get(m.id, m.createdAt)] as const),
        ),
        Promise.all(monitors.map(async (m) => [m.id, await store.certificates.get(m.id)] as const)),
      ]);
      states = new Map(s);
      certificates = new Map(c.filter((e): e is [number, StoredCertificate] => e[1] !== null));
    } else {
      [monitors, states, certificates] = await Promise.all([
        store.monitors.list(),
        store.states.all(),
        store.certificates.all(),
      ]);
      if (ids) {
        const wanted = new Set(ids);
        monitors = monitors.filter((m) => wanted.has(m.id));
      }
    }
    const [beats, last, uptime, windows] = await Promise.all([
      store.dashboard.recentBeats(HEARTBEATS, ids),
      store.dashboard.recentChecksByMonitor(1, ids),
      store.dashboard.uptimeWindows(now, ids),
      store.maintenance.list(),
    ]);
    const maintenance = activeMaintenance(windows, monitors, now);
    return monitors.map((monitor) => {
      // Never checked: pending since it was created, not since this request.
      const state = states.get(monitor.id) ?? initialState(monitor.id, monitor.createdAt);
      return {
        monitor,
        state,
        status: displayStatus(monitor, state, maintenance.has(monitor.id)),
        lastCheck: last.get(monitor.id)?.[0] ?? null,
        uptime: uptime.get(monitor.id) ?? NO_UPTIME,
        beats: beats.get(monitor.id) ?? "",
        certificate: certificates.get(monitor.id) ?? null,
        maintenance: maintenance.get(monitor.id) ?? null,
      };
    });
  }
}

/** Counts rows by displayed status. */
export function countStatuses(rows: { status: MonitorStatus }[]): StatusCounts {
  const counts: StatusCounts = {
    up: 0,
    degraded: 0,
    down: 0,
    pending: 0,
    maintenance: 0,
    paused: 0,
  };
  for (const r of rows) counts[r.status]++;
  return counts;
}

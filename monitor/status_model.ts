/**
 * The public status page as data: what each chosen monitor shows (word, level, 90 daily uptime
 * bars), the overall banner, incidents and upcoming maintenance. Pure: the service gathers the
 * rows, this shapes them, components render the result. Nothing here carries a monitor's URL,
 * settings, error messages or the ids of monitors that were not chosen.
 */
import type { Monitor, MonitorState, MonitorStatus } from "./types.ts";
import { displayStatus } from "./state.ts";
import type {
  DayCounts,
  IncidentUpdateStatus,
  StatusIncidentRecord,
  StatusPageRecord,
} from "./store/status_records.ts";

/** How a status reads on a public page, from best to worst. */
export type PublicLevel = "unknown" | "operational" | "maintenance" | "degraded" | "outage";

/**
 * The one table of what each monitor status shows publicly: its word, its level (colour and
 * banner) and how bad it is (a website shows its worst app). A new status is one line here.
 */
export const PUBLIC_STATUS: Record<
  MonitorStatus,
  { word: string; level: PublicLevel; severity: number }
> = {
  up: { word: "Operational", level: "operational", severity: 1 },
  degraded: { word: "Degraded performance", level: "degraded", severity: 3 },
  maintenance: { word: "Under maintenance", level: "maintenance", severity: 2 },
  down: { word: "Outage", level: "outage", severity: 4 },
  pending: { word: "No data yet", level: "unknown", severity: 0 },
  paused: { word: "Not monitored", level: "unknown", severity: 0 },
};

/** The banner at the top of a public page. */
export type OverallStatus =
  | "operational"
  | "degraded"
  | "partial_outage"
  | "major_outage"
  | "maintenance";

/** The banner's words. */
export const OVERALL_WORDS: Record<OverallStatus, string> = {
  operational: "All systems operational",
  degraded: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  maintenance: "Under maintenance",
};

/** What an incident's stage is called publicly. */
export const INCIDENT_WORDS: Record<IncidentUpdateStatus, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
};

/**
 * The banner for the entries' levels: any outage is a partial outage, a major one when every
 * monitored entry is out; then degraded, then maintenance; unknown entries (paused, no data
 * yet) do not count.
 *
 * @example
 * ```ts
 * import { overallStatus } from "./status_model.ts";
 * overallStatus(["operational", "outage"]); // "partial_outage"
 * ```
 */
export function overallStatus(levels: readonly PublicLevel[]): OverallStatus {
  const known = levels.filter((l) => l !== "unknown");
  const out = known.filter((l) => l === "outage").length;
  if (out > 0) return out === known.length ? "major_outage" : "partial_outage";
  if (known.includes("degraded")) return "degraded";
  if (known.includes("maintenance")) return "maintenance";
  return "operational";
}

/** The colour of one day's bar. */
export type BarTone = "up" | "minor" | "degraded" | "down" | "none";

/**
 * A day's bar colour by its uptime: ≥ 99.9 % green, ≥ 99 % light green, ≥ 95 % amber, below
 * red; a day without checks grey.
 */
export function barTone(pct: number | null): BarTone {
  if (pct === null || !Number.isFinite(pct)) return "none";
  if (pct >= 99.9) return "up";
  if (pct >= 99) return "minor";
  if (pct >= 95) return "degraded";
  return "down";
}

/** Days of history a public page shows. */
export const BAR_DAYS = 90;
/** How far back resolved incidents are listed. */
export const PAST_INCIDENT_DAYS = 30;
const DAY = 86_400_000;

/** One day's bar. */
export interface DayBar {
  /** "2026-12-02" (UTC). */
  day: string;
  /** Uptime in percent, null without checks. */
  pct: number | null;
  tone: BarTone;
}

/** A status as a public page shows it. */
export interface PublicStatus {
  status: MonitorStatus;
  word: string;
  level: PublicLevel;
}

/** One chosen monitor (a whole website with its apps, or a single monitor). */
export interface PublicEntry extends PublicStatus {
  name: string;
  /** Over the last {@link BAR_DAYS} days; null without checks. */
  uptimePct: number | null;
  /** Oldest first, {@link BAR_DAYS} of them, the last one today. */
  bars: DayBar[];
  /** A website's internal apps, when the operator chose to list them. */
  apps: (PublicStatus & { name: string })[];
}

/** One operator-written update, as shown publicly. */
export interface PublicUpdate {
  id: number;
  status: IncidentUpdateStatus;
  word: string;
  message: string;
  createdAt: number;
  updatedAt: number;
}

/** An incident as shown publicly. */
export interface PublicIncident {
  id: number;
  title: string;
  status: IncidentUpdateStatus;
  word: string;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  /** The public names of the entries it affects. */
  affects: string[];
  /** Newest first. */
  updates: PublicUpdate[];
}

/** A maintenance window announced on the page (the maintenance feature fills these). */
export interface UpcomingMaintenance {
  title: string;
  startsAt: number;
  endsAt: number;
  /** Public names of the affected entries. */
  monitors: string[];
}

/** Everything a public status page shows. */
export interface PublicStatusPage {
  slug: string;
  title: string;
  description: string;
  /** Our own URL of the logo, or null. */
  logoUrl: string | null;
  overall: OverallStatus;
  overallWord: string;
  /** The whole page over {@link BAR_DAYS} days; null without checks. */
  uptimePct: number | null;
  entries: PublicEntry[];
  activeIncidents: PublicIncident[];
  pastIncidents: PublicIncident[];
  upcomingMaintenance: UpcomingMaintenance[];
}

/** What {@link buildPublicPage} shapes. */
export interface PublicPageInput {
  page: StatusPageRecord;
  /** At least the page's monitors and their apps (others are ignored). */
  monitors: readonly Monitor[];
  states: ReadonlyMap<number, MonitorState>;
  /** Day rollups of those monitors over the bar range. */
  days: readonly DayCounts[];
  /** Open incidents and recently resolved ones, newest first. */
  incidents: readonly StatusIncidentRecord[];
  upcomingMaintenance: readonly UpcomingMaintenance[];
  logoUrl: string | null;
  now: number;
}

/** The monitor ids a page covers: each entry and, for a website, its apps. */
export function pageMonitorIds(
  page: Pick<StatusPageRecord, "entries">,
  monitors: readonly Pick<Monitor, "id" | "parentId">[],
): number[] {
  const chosen = new Set(page.entries.map((e) => e.monitorId));
  const ids = new Set(chosen);
  for (const m of monitors) if (m.parentId !== null && chosen.has(m.parentId)) ids.add(m.id);
  return [...ids];
}

const dayKey = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The worst of several statuses (by severity); `fallback` when none counts. */
function worst(statuses: MonitorStatus[], fallback: MonitorStatus): MonitorStatus {
  let best: MonitorStatus | null = null;
  for (const s of statuses) {
    if (PUBLIC_STATUS[s].severity === 0) continue;
    if (best === null || PUBLIC_STATUS[s].severity > PUBLIC_STATUS[best].severity) best = s;
  }
  return best ?? fallback;
}

const publicStatus = (status: MonitorStatus): PublicStatus => ({
  status,
  word: PUBLIC_STATUS[status].word,
  level: PUBLIC_STATUS[status].level,
});

/** Shapes a public status page from its rows. */
export function buildPublicPage(input: PublicPageInput): PublicStatusPage {
  const { page, now } = input;
  const byId = new Map(input.monitors.map((m) => [m.id, m]));
  const appsOf = new Map<number, Monitor[]>();
  for (const m of input.monitors) {
    if (m.parentId === null) continue;
    const list = appsOf.get(m.parentId) ?? [];
    list.push(m);
    appsOf.set(m.parentId, list);
  }
  const statusOf = (m: Monitor) =>
    displayStatus(m, input.states.get(m.id) ?? { state: "pending", degradedIncidentId: null });
  // Day counts by monitor and day start.
  const counts = new Map<number, Map<number, { count: number; up: number }>>();
  for (const d of input.days) {
    const perDay = counts.get(d.monitorId) ?? new Map();
    perDay.set(d.dayStart, { count: d.count, up: d.upCount });
    counts.set(d.monitorId, perDay);
  }
  const today = Math.floor(now / DAY) * DAY;
  const dayStarts = Array.from({ length: BAR_DAYS }, (_, i) => today - (BAR_DAYS - 1 - i) * DAY);
  // Formatted once: 50 entries would otherwise format the same 90 dates 50 times.
  const dayKeys = dayStarts.map(dayKey);
  let pageCount = 0, pageUp = 0;

  const entries: PublicEntry[] = [];
  for (const e of page.entries) {
    const m = byId.get(e.monitorId);
    if (!m) continue;
    const apps = m.parentId === null ? (appsOf.get(m.id) ?? []) : [];
    const members = [m, ...apps];
    const status = worst(members.map(statusOf), statusOf(m));
    let count = 0, up = 0;
    const bars = dayStarts.map((start, i): DayBar => {
      let c = 0, u = 0;
      for (const x of members) {
        const d = counts.get(x.id)?.get(start);
        if (d) {
          c += d.count;
          u += d.up;
        }
      }
      count += c;
      up += u;
      const pct = c > 0 ? (100 * u) / c : null;
      return { day: dayKeys[i], pct, tone: barTone(pct) };
    });
    pageCount += count;
    pageUp += up;
    entries.push({
      name: e.displayName,
      ...publicStatus(status),
      uptimePct: count > 0 ? (100 * up) / count : null,
      bars,
      apps: e.showApps ? apps.map((a) => ({ name: a.name, ...publicStatus(statusOf(a)) })) : [],
    });
  }

  const names = new Map(page.entries.map((e) => [e.monitorId, e.displayName]));
  const incident = (i: StatusIncidentRecord): PublicIncident => ({
    id: i.id,
    title: i.title,
    status: i.status,
    word: INCIDENT_WORDS[i.status],
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    resolvedAt: i.resolvedAt,
    affects: i.monitorIds.flatMap((id) => names.has(id) ? [names.get(id)!] : []),
    updates: i.updates.map((u) => ({
      id: u.id,
      status: u.status,
      word: INCIDENT_WORDS[u.status],
      message: u.message,
      createdAt: u.createdAt,
      updatedAt: u.updatedAt,
    })),
  });
  const pastSince = now - PAST_INCIDENT_DAYS * DAY;
  const overall = overallStatus(entries.map((e) => e.level));
  return {
    slug: page.slug,
    title: page.title,
    description: page.description,
    logoUrl: input.logoUrl,
    overall,
    overallWord: OVERALL_WORDS[overall],
    uptimePct: pageCount > 0 ? (100 * pageUp) / pageCount : null,
    entries,
    activeIncidents: input.incidents.filter((i) => i.resolvedAt === null).map(incident),
    pastIncidents: input.incidents
      .filter((i) => i.resolvedAt !== null && i.resolvedAt >= pastSince)
      .map(incident),
    upcomingMaintenance: input.upcomingMaintenance
      .filter((w) => w.endsAt > now)
      .toSorted((a, b) => a.startsAt - b.startsAt),
  };
}

/**
 * Public status pages as the dashboard and the API manage them (pages, logos, operator-written
 * incidents and their updates), and what the public routes serve: the page model, feeds' data,
 * the logo, and the custom domain lookup. Also the per-monitor SVG badge data.
 */
import type { Store } from "./store/store.ts";
import { StoreConflictError } from "./store/store.ts";
import { NotFoundError, ValidationError } from "./errors.ts";
import { log } from "./log.ts";
import { displayStatus } from "./state.ts";
import type { Monitor, MonitorStatus } from "./types.ts";
import type { StatusIncidentRecord, StatusLogo, StatusPageRecord } from "./store/status_records.ts";
import {
  BAR_DAYS,
  buildPublicPage,
  pageMonitorIds,
  PAST_INCIDENT_DAYS,
  type PublicStatusPage,
  type UpcomingMaintenance,
} from "./status_model.ts";
import {
  type IncidentInput,
  parseIncident,
  parseLogo,
  parseStatusPage,
  parseUpdate,
  type StatusPageInput,
  type UpdateInput,
} from "./status_input.ts";

/** A maintenance window as the maintenance feature knows it: by monitor id. */
export interface MaintenanceWindowRef {
  title: string;
  startsAt: number;
  endsAt: number;
  monitorIds: number[];
}

/**
 * Where a page's upcoming maintenance comes from: the windows (not yet ended) that touch any of
 * `monitorIds` (the page's monitors, apps included); `runtime.ts` reads them from the
 * maintenance windows.
 */
export type MaintenanceSource = (
  monitorIds: number[],
  now: number,
) => Promise<MaintenanceWindowRef[]>;

/** The default {@link MaintenanceSource} (tests): no maintenance is announced. */
export const NO_MAINTENANCE: MaintenanceSource = () => Promise.resolve([]);

/** A badge's data: which monitor, what it says. */
export type BadgeKind = "status" | "uptime" | "response";
/** The uptime badge's windows. */
export type BadgePeriod = "24h" | "7d" | "30d";

const DAY = 86_400_000;

/** Manages status pages and answers the public routes. */
export class StatusPageService {
  #store: Store;
  #now: () => number;
  #appHost: string | null;
  #maintenance: MaintenanceSource;
  /** Custom domain → slug; reloaded after any page write (one service per database). */
  #domains: Promise<Map<string, string>> | null = null;

  constructor(
    store: Store,
    opts: { baseUrl: string; now?: () => number; maintenance?: MaintenanceSource },
  ) {
    this.#store = store;
    this.#now = opts.now ?? Date.now;
    this.#maintenance = opts.maintenance ?? NO_MAINTENANCE;
    let host: string | null = null;
    try {
      host = new URL(opts.baseUrl).hostname.toLowerCase();
    } catch { /* no base URL: nothing to protect */ }
    this.#appHost = host;
  }

  /** Every page, by title. */
  list(): Promise<StatusPageRecord[]> {
    return this.#store.statusPages.list();
  }

  /** One page, or NotFoundError. */
  async get(id: number): Promise<StatusPageRecord> {
    const p = await this.#store.statusPages.get(id);
    if (!p) throw new NotFoundError(`No status page with id ${id}`);
    return p;
  }

  /** Creates a page; ValidationError with field messages (slug and domain taken included). */
  async create(input: StatusPageInput): Promise<StatusPageRecord> {
    const names = await this.#monitorNames();
    const fields = parseStatusPage(input, {
      existing: null,
      monitorName: (id) => names.get(id),
      appHost: this.#appHost,
    });
    try {
      const page = await this.#store.statusPages.insert(fields, this.#now());
      log.info("status_page.created", { page: page.id, slug: page.slug });
      return page;
    } catch (err) {
      throw taken(err);
    } finally {
      this.#domains = null;
    }
  }

  /** Changes a page; absent fields keep their values. */
  async update(id: number, input: StatusPageInput): Promise<StatusPageRecord> {
    const existing = await this.get(id);
    const names = await this.#monitorNames();
    const fields = parseStatusPage(input, {
      existing,
      monitorName: (mid) => names.get(mid),
      appHost: this.#appHost,
    });
    try {
      const page = await this.#store.statusPages.update(id, fields, this.#now());
      if (!page) throw new NotFoundError(`No status page with id ${id}`);
      return page;
    } catch (err) {
      throw taken(err);
    } finally {
      this.#domains = null;
    }
  }

  /** Deletes a page with its logo and incidents. */
  async remove(id: number): Promise<void> {
    const gone = await this.#store.statusPages.delete(id);
    this.#domains = null;
    if (!gone) throw new NotFoundError(`No status page with id ${id}`);
    log.info("status_page.deleted", { page: id });
  }

  /** Sets the logo from uploaded bytes (checked: type by content, size), or removes it. */
  async setLogo(id: number, data: Uint8Array | null): Promise<StatusPageRecord> {
    const logo = data === null ? null : parseLogo(data);
    if (!(await this.#store.statusPages.setLogo(id, logo, this.#now()))) {
      throw new NotFoundError(`No status page with id ${id}`);
    }
    return await this.get(id);
  }

  /** The logo of the page at `slug`, or null. */
  async logo(slug: string): Promise<StatusLogo | null> {
    const page = await this.#store.statusPages.bySlug(slug);
    return page ? await this.#store.statusPages.logo(page.id) : null;
  }

  /** The slug of the page whose custom domain is `host` (normalised, no port), or null. */
  async slugForHost(host: string): Promise<string | null> {
    this.#domains ??= this.#store.statusPages.domains().catch((err) => {
      this.#domains = null;
      throw err;
    });
    return (await this.#domains).get(host) ?? null;
  }

  /**
   * The monitor ids a page covers (its entries and their websites' apps): the seam for
   * per-page reports such as an SLA export.
   */
  async monitorIds(pageId: number): Promise<number[]> {
    const page = await this.get(pageId);
    return pageMonitorIds(page, await this.#store.monitors.list());
  }

  /** The public page at `slug`, or null when there is none. */
  async publicPage(
    slug: string,
  ): Promise<{ record: StatusPageRecord; page: PublicStatusPage } | null> {
    const record = await this.#store.statusPages.bySlug(slug);
    if (!record) return null;
    const now = this.#now();
    const [monitors, states, incidents] = await Promise.all([
      this.#store.monitors.list(),
      this.#store.states.all(),
      this.#store.statusPages.incidents(record.id, now - PAST_INCIDENT_DAYS * DAY, 100),
    ]);
    const ids = pageMonitorIds(record, monitors);
    const [days, windows] = await Promise.all([
      this.#store.statusPages.dailyCounts(ids, now - (BAR_DAYS - 1) * DAY),
      this.#upcoming(record, monitors, ids, now),
    ]);
    const page = buildPublicPage({
      page: record,
      monitors,
      states,
      days,
      incidents,
      upcomingMaintenance: windows,
      logoUrl: record.logoUpdatedAt === null
        ? null
        : `/status/${record.slug}/logo?v=${record.logoUpdatedAt}`,
      now,
    });
    return { record, page };
  }

  /** Upcoming maintenance by public names: only the page's own entries are ever named. */
  async #upcoming(
    record: StatusPageRecord,
    monitors: Monitor[],
    ids: number[],
    now: number,
  ): Promise<UpcomingMaintenance[]> {
    const windows = await this.#maintenance(ids, now);
    const entryOf = new Map<number, string>();
    for (const e of record.entries) entryOf.set(e.monitorId, e.displayName);
    // An app's window shows under its website's entry unless the app is an entry itself.
    for (const m of monitors) {
      if (m.parentId !== null && !entryOf.has(m.id) && entryOf.has(m.parentId)) {
        entryOf.set(m.id, entryOf.get(m.parentId)!);
      }
    }
    return windows.flatMap((w) => {
      const names = [...new Set(w.monitorIds.flatMap((id) => entryOf.get(id) ?? []))];
      return names.length
        ? [{ title: w.title, startsAt: w.startsAt, endsAt: w.endsAt, monitors: names }]
        : [];
    });
  }

  /** A page's incidents for the dashboard: open ones and those resolved in the last 90 days. */
  async incidents(pageId: number): Promise<StatusIncidentRecord[]> {
    await this.get(pageId);
    return await this.#store.statusPages.incidents(pageId, this.#now() - 90 * DAY, 200);
  }

  /** One incident of a page, or NotFoundError. */
  async incident(pageId: number, incidentId: number): Promise<StatusIncidentRecord> {
    const i = await this.#store.statusPages.incident(incidentId);
    if (!i || i.pageId !== pageId) {
      throw new NotFoundError(`No incident with id ${incidentId} on this status page`);
    }
    return i;
  }

  /** Opens an incident with its first update (`status` and `message`). */
  async createIncident(pageId: number, input: IncidentInput): Promise<StatusIncidentRecord> {
    const page = await this.get(pageId);
    const ids = new Set(page.entries.map((e) => e.monitorId));
    const errors: Record<string, string> = {};
    let fields, first;
    try {
      fields = parseIncident(input, ids, null);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      Object.assign(errors, err.fields);
    }
    try {
      first = parseUpdate({ status: input.status, message: input.message });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      Object.assign(errors, err.fields);
    }
    if (!fields || !first) throw new ValidationError(errors, Object.values(errors).join("; "));
    const created = await this.#store.statusPages.insertIncident(
      pageId,
      fields,
      first,
      this.#now(),
    );
    log.info("status_incident.created", { page: pageId, incident: created.id });
    return created;
  }

  /** Changes an incident's title or affected entries. */
  async updateIncident(
    pageId: number,
    incidentId: number,
    input: IncidentInput,
  ): Promise<StatusIncidentRecord> {
    const [page, existing] = await Promise.all([
      this.get(pageId),
      this.incident(pageId, incidentId),
    ]);
    const fields = parseIncident(input, new Set(page.entries.map((e) => e.monitorId)), existing);
    const saved = await this.#store.statusPages.updateIncident(incidentId, fields, this.#now());
    if (!saved) throw new NotFoundError(`No incident with id ${incidentId}`);
    return saved;
  }

  /** Deletes an incident with its updates. */
  async removeIncident(pageId: number, incidentId: number): Promise<void> {
    await this.incident(pageId, incidentId);
    await this.#store.statusPages.deleteIncident(incidentId);
  }

  /** Posts an update; one saying "resolved" resolves the incident. */
  async addUpdate(
    pageId: number,
    incidentId: number,
    input: UpdateInput,
  ): Promise<StatusIncidentRecord> {
    await this.incident(pageId, incidentId);
    const u = parseUpdate(input);
    const saved = await this.#store.statusPages.addUpdate(incidentId, u, this.#now());
    if (!saved) throw new NotFoundError(`No incident with id ${incidentId}`);
    return saved;
  }

  /** Rewrites an update (its time stays). */
  async editUpdate(
    pageId: number,
    incidentId: number,
    updateId: number,
    input: UpdateInput,
  ): Promise<StatusIncidentRecord> {
    const i = await this.incident(pageId, incidentId);
    if (!i.updates.some((u) => u.id === updateId)) {
      throw new NotFoundError(`No update with id ${updateId} on this incident`);
    }
    const saved = await this.#store.statusPages.editUpdate(
      updateId,
      parseUpdate(input),
      this.#now(),
    );
    if (!saved) throw new NotFoundError(`No update with id ${updateId}`);
    return saved;
  }

  /** Deletes an update; the last one cannot go (delete the incident instead). */
  async removeUpdate(
    pageId: number,
    incidentId: number,
    updateId: number,
  ): Promise<StatusIncidentRecord> {
    const i = await this.incident(pageId, incidentId);
    if (!i.updates.some((u) => u.id === updateId)) {
      throw new NotFoundError(`No update with id ${updateId} on this incident`);
    }
    if (i.updates.length === 1) {
      throw new ValidationError(
        { update: "An incident keeps at least one update: delete the incident instead" },
        "Cannot delete the only update",
      );
    }
    const saved = await this.#store.statusPages.deleteUpdate(updateId, this.#now());
    if (!saved) throw new NotFoundError(`No update with id ${updateId}`);
    return saved;
  }

  /**
   * What a badge of monitor `id` says, or null when the monitor does not exist or does not
   * serve badges (the same answer, so ids cannot be probed).
   */
  async badge(
    id: number,
    kind: BadgeKind,
    period: BadgePeriod = "24h",
  ): Promise<
    { name: string; status?: MonitorStatus; pct?: number | null; avgMs?: number | null } | null
  > {
    const m = await this.#store.monitors.get(id);
    if (!m || !m.publicBadges) return null;
    const now = this.#now();
    if (kind === "status") {
      return { name: m.name, status: displayStatus(m, await this.#store.states.get(id, now)) };
    }
    if (kind === "uptime") {
      const w = (await this.#store.dashboard.uptimeWindows(now, [id])).get(id);
      const key = period === "24h" ? "h24" : period === "7d" ? "d7" : "d30";
      return { name: m.name, pct: w?.[key] ?? null };
    }
    const hours = await this.#store.rollups.series(id, "hour", now - 23 * 3_600_000);
    let sum = 0, n = 0;
    for (const h of hours) {
      if (h.latencyAvg === null) continue;
      sum += h.latencyAvg * h.upCount;
      n += h.upCount;
    }
    return { name: m.name, avgMs: n > 0 ? sum / n : null };
  }

  async #monitorNames(): Promise<Map<number, string>> {
    return new Map((await this.#store.monitors.list()).map((m) => [m.id, m.name]));
  }
}

/** A taken slug or domain as a field message. */
function taken(err: unknown): unknown {
  if (!(err instanceof StoreConflictError)) return err;
  if (err.constraint.endsWith("custom_domain")) {
    return new ValidationError(
      { custom_domain: "Another status page already uses this domain" },
      "Domain taken",
    );
  }
  return new ValidationError({ slug: "Another status page already uses this slug" }, "Slug taken");
}

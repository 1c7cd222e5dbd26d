/** The status page tables: pages, their entries and logo, operator-written incidents. */
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import { StoreConflictError } from "../store.ts";
import {
  type DayCounts,
  incidentState,
  type IncidentUpdateStatus,
  type StatusIncidentFields,
  type StatusIncidentRecord,
  type StatusIncidentUpdate,
  type StatusLogo,
  type StatusPageEntry,
  type StatusPageFields,
  type StatusPageRecord,
  type StatusUpdateFields,
} from "../status_records.ts";
import { toStatusIncident, toStatusPage, toStatusPageEntry, toStatusUpdate } from "../rows.ts";

type Row = Record<string, unknown>;

let savepoints = 0;

/**
 * Runs `fn` inside a savepoint: its statements land together or not at all, whether or not a
 * transaction is open (outside one, SQLite's SAVEPOINT starts one).
 */
function atomically<T>(db: Db, fn: () => T): T {
  const name = `status_${++savepoints}`;
  db.exec(`SAVEPOINT ${name}`);
  try {
    const result = fn();
    db.exec(`RELEASE ${name}`);
    return result;
  } catch (err) {
    db.exec(`ROLLBACK TO ${name}`);
    db.exec(`RELEASE ${name}`);
    throw err;
  }
}

/** A UNIQUE failure of status_pages as {@link StoreConflictError}. */
function conflict(err: unknown): unknown {
  const m = /UNIQUE constraint failed: status_pages\.(\w+)/.exec(String(err));
  return m ? new StoreConflictError(`status_pages.${m[1]}`) : err;
}

const PAGE_COLUMNS =
  "id, slug, title, description, custom_domain, logo_type, logo_updated_at, created_at, updated_at";

function entriesOf(db: Db, pageId: number): StatusPageEntry[] {
  return (stmt(
    db,
    "SELECT * FROM status_page_entries WHERE page_id = ? ORDER BY position, monitor_id",
  ).all(pageId) as Row[]).map(toStatusPageEntry);
}

function pageWhere(db: Db, where: string, value: number | string): StatusPageRecord | null {
  const r = stmt(db, `SELECT ${PAGE_COLUMNS} FROM status_pages WHERE ${where} = ?`).get(value) as
    | Row
    | undefined;
  return r ? toStatusPage(r, entriesOf(db, r.id as number)) : null;
}

/** Every page with its entries. */
export function listPages(db: Db): StatusPageRecord[] {
  const pages = stmt(db, `SELECT ${PAGE_COLUMNS} FROM status_pages ORDER BY title, id`)
    .all() as Row[];
  const entries = new Map<number, StatusPageEntry[]>();
  for (
    const r of stmt(db, "SELECT * FROM status_page_entries ORDER BY page_id, position, monitor_id")
      .all() as Row[]
  ) {
    const list = entries.get(r.page_id as number) ?? [];
    list.push(toStatusPageEntry(r));
    entries.set(r.page_id as number, list);
  }
  return pages.map((r) => toStatusPage(r, entries.get(r.id as number) ?? []));
}

/** One page, or null. */
export const getPage = (db: Db, id: number) => pageWhere(db, "id", id);
/** The page at `slug`, or null. */
export const pageBySlug = (db: Db, slug: string) => pageWhere(db, "slug", slug);

/** Custom domain → slug. */
export function pageDomains(db: Db): Map<string, string> {
  const rows = stmt(
    db,
    "SELECT custom_domain, slug FROM status_pages WHERE custom_domain IS NOT NULL",
  ).all() as Row[];
  return new Map(rows.map((r) => [r.custom_domain as string, r.slug as string]));
}

function writeEntries(db: Db, pageId: number, entries: StatusPageEntry[]): void {
  stmt(db, "DELETE FROM status_page_entries WHERE page_id = ?").run(pageId);
  const insert = stmt(
    db,
    `INSERT INTO status_page_entries (page_id, monitor_id, position, display_name, show_apps)
     VALUES (?, ?, ?, ?, ?)`,
  );
  entries.forEach((e, i) => insert.run(pageId, e.monitorId, i, e.displayName, e.showApps ? 1 : 0));
}

/** Stores a new page with its entries. */
export function insertPage(db: Db, f: StatusPageFields, now: number): StatusPageRecord {
  try {
    return atomically(db, () => {
      const r = stmt(
        db,
        `INSERT INTO status_pages (slug, title, description, custom_domain, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
      ).get(f.slug, f.title, f.description, f.customDomain, now, now) as Row;
      writeEntries(db, r.id as number, f.entries);
      return getPage(db, r.id as number)!;
    });
  } catch (err) {
    throw conflict(err);
  }
}

/** Replaces a page's fields and entries; null when missing. */
export function updatePage(
  db: Db,
  id: number,
  f: StatusPageFields,
  now: number,
): StatusPageRecord | null {
  try {
    return atomically(db, () => {
      const changed = Number(
        stmt(
          db,
          `UPDATE status_pages SET slug = ?, title = ?, description = ?, custom_domain = ?,
             updated_at = ? WHERE id = ?`,
        ).run(f.slug, f.title, f.description, f.customDomain, now, id).changes,
      );
      if (changed === 0) return null;
      writeEntries(db, id, f.entries);
      return getPage(db, id);
    });
  } catch (err) {
    throw conflict(err);
  }
}

/** Deletes a page and everything of it (foreign keys cascade). */
export function deletePage(db: Db, id: number): boolean {
  return Number(stmt(db, "DELETE FROM status_pages WHERE id = ?").run(id).changes) > 0;
}

/** The page's logo, or null. */
export function pageLogo(db: Db, pageId: number): StatusLogo | null {
  const r = stmt(
    db,
    `SELECT logo, logo_type, logo_updated_at FROM status_pages
     WHERE id = ? AND logo IS NOT NULL`,
  ).get(pageId) as Row | undefined;
  if (!r) return null;
  return {
    type: r.logo_type as string,
    data: new Uint8Array(r.logo as Uint8Array),
    updatedAt: r.logo_updated_at as number,
  };
}

/** Sets or removes the logo; false when the page is missing. */
export function setPageLogo(
  db: Db,
  pageId: number,
  logo: { type: string; data: Uint8Array } | null,
  now: number,
): boolean {
  return Number(
    stmt(
      db,
      "UPDATE status_pages SET logo = ?, logo_type = ?, logo_updated_at = ?, updated_at = ? WHERE id = ?",
    ).run(logo?.data ?? null, logo?.type ?? null, logo ? now : null, now, pageId).changes,
  ) > 0;
}

/** Day rollups of the monitors from the day of `from` on. */
export function dailyCounts(db: Db, monitorIds: number[], from: number): DayCounts[] {
  if (monitorIds.length === 0) return [];
  const day = Math.floor(from / 86_400_000) * 86_400_000;
  return (stmt(
    db,
    `SELECT monitor_id, bucket_start, count, up_count FROM rollups
     WHERE period = 'day' AND bucket_start >= ? AND monitor_id IN (SELECT value FROM json_each(?))
     ORDER BY monitor_id, bucket_start`,
  ).all(day, JSON.stringify(monitorIds)) as Row[]).map((r) => ({
    monitorId: r.monitor_id as number,
    dayStart: r.bucket_start as number,
    count: r.count as number,
    upCount: r.up_count as number,
  }));
}

function withUpdates(db: Db, rows: Row[]): StatusIncidentRecord[] {
  if (rows.length === 0) return [];
  const byIncident = new Map<number, StatusIncidentUpdate[]>();
  const ids = JSON.stringify(rows.map((r) => r.id));
  for (
    const r of stmt(
      db,
      `SELECT * FROM status_incident_updates WHERE incident_id IN (SELECT value FROM json_each(?))
       ORDER BY created_at DESC, id DESC`,
    ).all(ids) as Row[]
  ) {
    const u = toStatusUpdate(r);
    const list = byIncident.get(u.incidentId) ?? [];
    list.push(u);
    byIncident.set(u.incidentId, list);
  }
  return rows.map((r) => toStatusIncident(r, byIncident.get(r.id as number) ?? []));
}

/** Open incidents and those resolved since `resolvedSince`, newest first. */
export function listIncidents(
  db: Db,
  pageId: number,
  resolvedSince: number,
  limit = 100,
): StatusIncidentRecord[] {
  return withUpdates(
    db,
    stmt(
      db,
      `SELECT * FROM status_incidents WHERE page_id = ?
         AND (resolved_at IS NULL OR resolved_at >= ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ).all(pageId, resolvedSince, limit) as Row[],
  );
}

/** One incident with its updates, or null. */
export function getIncident(db: Db, id: number): StatusIncidentRecord | null {
  const r = stmt(db, "SELECT * FROM status_incidents WHERE id = ?").get(id) as Row | undefined;
  return r ? withUpdates(db, [r])[0] : null;
}

/** Recomputes an incident's status and resolution time from its updates. */
function refresh(db: Db, id: number, now: number): StatusIncidentRecord | null {
  const updates = (stmt(
    db,
    `SELECT status, created_at FROM status_incident_updates WHERE incident_id = ?
     ORDER BY created_at DESC, id DESC`,
  ).all(id) as Row[]).map((r) => ({
    status: r.status as IncidentUpdateStatus,
    createdAt: r.created_at as number,
  }));
  const s = incidentState(updates);
  stmt(
    db,
    "UPDATE status_incidents SET status = ?, resolved_at = ?, updated_at = ? WHERE id = ?",
  ).run(s.status, s.resolvedAt, now, id);
  return getIncident(db, id);
}

/** Opens an incident with its first update. */
export function insertIncident(
  db: Db,
  pageId: number,
  f: StatusIncidentFields,
  first: StatusUpdateFields,
  now: number,
): StatusIncidentRecord {
  return atomically(db, () => {
    const r = stmt(
      db,
      `INSERT INTO status_incidents (page_id, title, monitor_ids, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
    ).get(pageId, f.title, JSON.stringify(f.monitorIds), first.status, now, now) as Row;
    const id = r.id as number;
    stmt(
      db,
      `INSERT INTO status_incident_updates (incident_id, status, message, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(id, first.status, first.message, now, now);
    return refresh(db, id, now)!;
  });
}

/** Changes an incident's title and affected monitors; null when missing. */
export function updateIncident(
  db: Db,
  id: number,
  f: StatusIncidentFields,
  now: number,
): StatusIncidentRecord | null {
  const changed = Number(
    stmt(
      db,
      "UPDATE status_incidents SET title = ?, monitor_ids = ?, updated_at = ? WHERE id = ?",
    ).run(f.title, JSON.stringify(f.monitorIds), now, id).changes,
  );
  return changed ? getIncident(db, id) : null;
}

/** Deletes an incident and its updates. */
export function deleteIncident(db: Db, id: number): boolean {
  return Number(stmt(db, "DELETE FROM status_incidents WHERE id = ?").run(id).changes) > 0;
}

/** Adds an update. */
export function addUpdate(
  db: Db,
  incidentId: number,
  u: StatusUpdateFields,
  at: number,
): StatusIncidentRecord | null {
  return atomically(db, () => {
    const exists = stmt(db, "SELECT 1 FROM status_incidents WHERE id = ?").get(incidentId);
    if (!exists) return null;
    stmt(
      db,
      `INSERT INTO status_incident_updates (incident_id, status, message, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(incidentId, u.status, u.message, at, at);
    return refresh(db, incidentId, at);
  });
}

/** Rewrites an update's status and message. */
export function editUpdate(
  db: Db,
  updateId: number,
  u: StatusUpdateFields,
  now: number,
): StatusIncidentRecord | null {
  return atomically(db, () => {
    const r = stmt(
      db,
      `UPDATE status_incident_updates SET status = ?, message = ?, updated_at = ?
       WHERE id = ? RETURNING incident_id`,
    ).get(u.status, u.message, now, updateId) as Row | undefined;
    return r ? refresh(db, r.incident_id as number, now) : null;
  });
}

/** Deletes an update. */
export function deleteUpdate(db: Db, updateId: number, now: number): StatusIncidentRecord | null {
  return atomically(db, () => {
    const r = stmt(
      db,
      "DELETE FROM status_incident_updates WHERE id = ? RETURNING incident_id",
    ).get(updateId) as Row | undefined;
    return r ? refresh(db, r.incident_id as number, now) : null;
  });
}

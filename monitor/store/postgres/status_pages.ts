/** The status page tables: pages, their entries and logo, operator-written incidents. */
import type { Q, Row } from "./db.ts";
import { StoreConflictError } from "../store.ts";
import { sqlState } from "./errors.ts";
import { toStatusIncident, toStatusPage, toStatusPageEntry, toStatusUpdate } from "../rows.ts";
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

/**
 * Runs `fn` so its statements land together: its own transaction on the pool, a savepoint inside
 * a transaction (a failed statement then spoils only the savepoint, not the caller's work).
 */
async function atomically<T>(q: Q, fn: (q: Q) => Promise<T>): Promise<T> {
  if ("savepoint" in q) return await q.savepoint((sp) => fn(sp)) as T;
  return await q.begin((tx) => fn(tx)) as T;
}

/** A unique violation of status_pages as {@link StoreConflictError}. */
function conflict(err: unknown): unknown {
  if (sqlState(err) !== "23505") return err;
  const name = String((err as { constraint_name?: string }).constraint_name ?? "");
  return new StoreConflictError(
    name.includes("custom_domain") ? "status_pages.custom_domain" : "status_pages.slug",
  );
}

async function entriesOf(q: Q, pageId: number): Promise<StatusPageEntry[]> {
  const rows = await q`SELECT * FROM status_page_entries WHERE page_id = ${pageId}
    ORDER BY position, monitor_id`;
  return rows.map(toStatusPageEntry);
}

/** Every page with its entries. */
export async function listPages(q: Q): Promise<StatusPageRecord[]> {
  const pages = await q`SELECT id, slug, title, description, custom_domain, logo_type,
      logo_updated_at, created_at, updated_at
    FROM status_pages ORDER BY title COLLATE "C", id`;
  const entries = new Map<number, StatusPageEntry[]>();
  for (
    const r of await q`SELECT * FROM status_page_entries ORDER BY page_id, position, monitor_id`
  ) {
    const list = entries.get(r.page_id as number) ?? [];
    list.push(toStatusPageEntry(r));
    entries.set(r.page_id as number, list);
  }
  return pages.map((r) => toStatusPage(r, entries.get(r.id as number) ?? []));
}

/** One page, or null. */
export async function getPage(q: Q, id: number): Promise<StatusPageRecord | null> {
  const [r] = await q`SELECT id, slug, title, description, custom_domain, logo_type,
      logo_updated_at, created_at, updated_at FROM status_pages WHERE id = ${id}`;
  return r ? toStatusPage(r, await entriesOf(q, id)) : null;
}

/** The page at `slug`, or null. */
export async function pageBySlug(q: Q, slug: string): Promise<StatusPageRecord | null> {
  const [r] = await q`SELECT id, slug, title, description, custom_domain, logo_type,
      logo_updated_at, created_at, updated_at FROM status_pages WHERE slug = ${slug}`;
  return r ? toStatusPage(r, await entriesOf(q, r.id as number)) : null;
}

/** Custom domain → slug. */
export async function pageDomains(q: Q): Promise<Map<string, string>> {
  const rows = await q`SELECT custom_domain, slug FROM status_pages
    WHERE custom_domain IS NOT NULL`;
  return new Map(rows.map((r) => [r.custom_domain as string, r.slug as string]));
}

async function writeEntries(q: Q, pageId: number, entries: StatusPageEntry[]): Promise<void> {
  await q`DELETE FROM status_page_entries WHERE page_id = ${pageId}`;
  for (const [i, e] of entries.entries()) {
    await q`INSERT INTO status_page_entries (page_id, monitor_id, position, display_name, show_apps)
      VALUES (${pageId}, ${e.monitorId}, ${i}, ${e.displayName}, ${e.showApps})`;
  }
}

/** Stores a new page with its entries. */
export async function insertPage(
  q: Q,
  f: StatusPageFields,
  now: number,
): Promise<StatusPageRecord> {
  try {
    return await atomically(q, async (t) => {
      const [r] = await t`INSERT INTO status_pages
          (slug, title, description, custom_domain, created_at, updated_at)
        VALUES (${f.slug}, ${f.title}, ${f.description}, ${f.customDomain}, ${now}, ${now})
        RETURNING id`;
      await writeEntries(t, r.id as number, f.entries);
      return (await getPage(t, r.id as number))!;
    });
  } catch (err) {
    throw conflict(err);
  }
}

/** Replaces a page's fields and entries; null when missing. */
export async function updatePage(
  q: Q,
  id: number,
  f: StatusPageFields,
  now: number,
): Promise<StatusPageRecord | null> {
  try {
    return await atomically(q, async (t) => {
      const changed = await t`UPDATE status_pages SET slug = ${f.slug}, title = ${f.title},
          description = ${f.description}, custom_domain = ${f.customDomain}, updated_at = ${now}
        WHERE id = ${id}`;
      if (changed.count === 0) return null;
      await writeEntries(t, id, f.entries);
      return await getPage(t, id);
    });
  } catch (err) {
    throw conflict(err);
  }
}

/** Deletes a page and everything of it (foreign keys cascade). */
export async function deletePage(q: Q, id: number): Promise<boolean> {
  return (await q`DELETE FROM status_pages WHERE id = ${id}`).count > 0;
}

/** The page's logo, or null. */
export async function pageLogo(q: Q, pageId: number): Promise<StatusLogo | null> {
  const [r] = await q`SELECT logo, logo_type, logo_updated_at FROM status_pages
    WHERE id = ${pageId} AND logo IS NOT NULL`;
  if (!r) return null;
  return {
    type: r.logo_type as string,
    data: new Uint8Array(r.logo as Uint8Array),
    updatedAt: r.logo_updated_at as number,
  };
}

/** Sets or removes the logo; false when the page is missing. */
export async function setPageLogo(
  q: Q,
  pageId: number,
  logo: { type: string; data: Uint8Array } | null,
  now: number,
): Promise<boolean> {
  const data = logo ? new Uint8Array(logo.data) : null;
  const r = await q`UPDATE status_pages SET logo = ${data}, logo_type = ${logo?.type ?? null},
      logo_updated_at = ${logo ? now : null}, updated_at = ${now}
    WHERE id = ${pageId}`;
  return r.count > 0;
}

/** Day rollups of the monitors from the day of `from` on. */
export async function dailyCounts(q: Q, monitorIds: number[], from: number): Promise<DayCounts[]> {
  if (monitorIds.length === 0) return [];
  const day = Math.floor(from / 86_400_000) * 86_400_000;
  const rows = await q`SELECT monitor_id, bucket_start, count, up_count FROM rollups
    WHERE period = 'day' AND bucket_start >= ${day}
      AND monitor_id = ANY(${q.array(monitorIds)}::bigint[])
    ORDER BY monitor_id, bucket_start`;
  return rows.map((r) => ({
    monitorId: r.monitor_id as number,
    dayStart: r.bucket_start as number,
    count: Number(r.count),
    upCount: Number(r.up_count),
  }));
}

async function withUpdates(q: Q, rows: readonly Row[]): Promise<StatusIncidentRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id as number);
  const byIncident = new Map<number, StatusIncidentUpdate[]>();
  for (
    const r of await q`SELECT * FROM status_incident_updates
      WHERE incident_id = ANY(${q.array(ids)}::bigint[]) ORDER BY created_at DESC, id DESC`
  ) {
    const u = toStatusUpdate(r);
    const list = byIncident.get(u.incidentId) ?? [];
    list.push(u);
    byIncident.set(u.incidentId, list);
  }
  return rows.map((r) => toStatusIncident(r, byIncident.get(r.id as number) ?? []));
}

/** Open incidents and those resolved since `resolvedSince`, newest first. */
export async function listIncidents(
  q: Q,
  pageId: number,
  resolvedSince: number,
  limit = 100,
): Promise<StatusIncidentRecord[]> {
  const rows = await q`SELECT * FROM status_incidents WHERE page_id = ${pageId}
      AND (resolved_at IS NULL OR resolved_at >= ${resolvedSince})
    ORDER BY created_at DESC, id DESC LIMIT ${limit}`;
  return await withUpdates(q, rows);
}

/** One incident with its updates, or null. */
export async function getIncident(q: Q, id: number): Promise<StatusIncidentRecord | null> {
  const rows = await q`SELECT * FROM status_incidents WHERE id = ${id}`;
  return rows.length ? (await withUpdates(q, rows))[0] : null;
}

/** Recomputes an incident's status and resolution time from its updates. */
async function refresh(q: Q, id: number, now: number): Promise<StatusIncidentRecord | null> {
  const updates = (await q`SELECT status, created_at FROM status_incident_updates
    WHERE incident_id = ${id} ORDER BY created_at DESC, id DESC`).map((r) => ({
    status: r.status as IncidentUpdateStatus,
    createdAt: r.created_at as number,
  }));
  const s = incidentState(updates);
  await q`UPDATE status_incidents SET status = ${s.status}, resolved_at = ${s.resolvedAt},
      updated_at = ${now} WHERE id = ${id}`;
  return await getIncident(q, id);
}

/** Opens an incident with its first update. */
export function insertIncident(
  q: Q,
  pageId: number,
  f: StatusIncidentFields,
  first: StatusUpdateFields,
  now: number,
): Promise<StatusIncidentRecord> {
  return atomically(q, async (t) => {
    const [r] = await t`INSERT INTO status_incidents
        (page_id, title, monitor_ids, status, created_at, updated_at)
      VALUES (${pageId}, ${f.title}, ${JSON.stringify(f.monitorIds)}, ${first.status}, ${now},
        ${now})
      RETURNING id`;
    const id = r.id as number;
    await t`INSERT INTO status_incident_updates (incident_id, status, message, created_at, updated_at)
      VALUES (${id}, ${first.status}, ${first.message}, ${now}, ${now})`;
    return (await refresh(t, id, now))!;
  });
}

/** Changes an incident's title and affected monitors; null when missing. */
export async function updateIncident(
  q: Q,
  id: number,
  f: StatusIncidentFields,
  now: number,
): Promise<StatusIncidentRecord | null> {
  const r = await q`UPDATE status_incidents SET title = ${f.title},
      monitor_ids = ${JSON.stringify(f.monitorIds)}, updated_at = ${now} WHERE id = ${id}`;
  return r.count ? await getIncident(q, id) : null;
}

/** Deletes an incident and its updates. */
export async function deleteIncident(q: Q, id: number): Promise<boolean> {
  return (await q`DELETE FROM status_incidents WHERE id = ${id}`).count > 0;
}

/** Adds an update. */
export function addUpdate(
  q: Q,
  incidentId: number,
  u: StatusUpdateFields,
  at: number,
): Promise<StatusIncidentRecord | null> {
  return atomically(q, async (t) => {
    const [exists] = await t`SELECT 1 AS x FROM status_incidents WHERE id = ${incidentId}`;
    if (!exists) return null;
    await t`INSERT INTO status_incident_updates (incident_id, status, message, created_at, updated_at)
      VALUES (${incidentId}, ${u.status}, ${u.message}, ${at}, ${at})`;
    return await refresh(t, incidentId, at);
  });
}

/** Rewrites an update's status and message. */
export function editUpdate(
  q: Q,
  updateId: number,
  u: StatusUpdateFields,
  now: number,
): Promise<StatusIncidentRecord | null> {
  return atomically(q, async (t) => {
    const [r] = await t`UPDATE status_incident_updates SET status = ${u.status},
        message = ${u.message}, updated_at = ${now}
      WHERE id = ${updateId} RETURNING incident_id`;
    return r ? await refresh(t, r.incident_id as number, now) : null;
  });
}

/** Deletes an update. */
export function deleteUpdate(
  q: Q,
  updateId: number,
  now: number,
): Promise<StatusIncidentRecord | null> {
  return atomically(q, async (t) => {
    const [r] = await t`DELETE FROM status_incident_updates WHERE id = ${updateId}
      RETURNING incident_id`;
    return r ? await refresh(t, r.incident_id as number, now) : null;
  });
}

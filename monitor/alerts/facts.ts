/**
 * Loads what an alert email says from the database at send time, so a website's email lists
 * the internal apps folded into it up to the moment it leaves.
 */
import type { Store } from "../store/store.ts";
import { redactUrl } from "../log.ts";
import type { AffectedApp, AlertFacts } from "./message.ts";
import type { AlertRow } from "./outbox.ts";

/** The facts for `row`, or null when its monitor or incident no longer exists. */
export async function loadFacts(
  store: Store,
  row: AlertRow,
  baseUrl: string,
  now: number,
): Promise<AlertFacts | null> {
  const [monitor, incident] = await Promise.all([
    store.monitors.get(row.monitorId),
    store.incidents.get(row.incidentId),
  ]);
  if (!monitor || !incident) return null;
  const [parent, check, apps, certificate] = await Promise.all([
    monitor.parentId === null ? null : store.monitors.get(monitor.parentId),
    row.checkId === null ? null : store.checks.get(row.checkId),
    // Apps are listed in a website's outage emails only.
    incident.type === "down" ? store.monitors.childIds(monitor.id) : [],
    incident.type === "certificate" ? store.certificates.get(monitor.id) : null,
  ]);
  const hasApps = apps.length > 0;
  return {
    kind: row.kind,
    seq: row.seq,
    monitor: {
      id: monitor.id,
      name: monitor.name,
      url: redactUrl(monitor.url), // emails are forwarded: never show credentials
      expectedStatus: monitor.expectedStatus,
      timeoutMs: monitor.timeoutMs,
      failureThreshold: monitor.failureThreshold,
      parentName: parent?.name ?? null,
      degradedMs: monitor.degradedMs,
    },
    incident,
    check,
    failures: row.failures,
    threshold: row.threshold,
    affected: hasApps
      ? await affectedApps(store, monitor.id, incident.startedAt, incident.endedAt ?? now)
      : [],
    dashboardUrl: `${baseUrl}/monitors/${monitor.id}`,
    now,
    certificate,
  };
}

/** A website's internal apps with an outage overlapping [from, to]; the latest one per app. */
export async function affectedApps(
  store: Store,
  websiteId: number,
  from: number,
  to: number,
): Promise<AffectedApp[]> {
  const byApp = new Map<number, AffectedApp>();
  for (const o of await store.alertFacts.appOutagesDuring(websiteId, from, to)) {
    byApp.set(o.monitorId, {
      id: o.monitorId,
      name: o.name,
      url: redactUrl(o.url),
      startedAt: o.startedAt,
      endedAt: o.endedAt,
      errorKind: o.errorKind,
      httpStatus: o.httpStatus,
      errorMessage: o.errorMessage,
    });
  }
  return [...byApp.values()];
}

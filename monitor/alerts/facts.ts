/**
 * Loads what an alert email says from the database at send time, so a website's email lists
 * the internal apps folded into it up to the moment it leaves.
 */
import type { Db } from "../store/sqlite/db.ts";
import { redactUrl } from "../log.ts";
import { childIds, getMonitor } from "../store/sqlite/monitors.ts";
import { getIncident } from "../store/sqlite/incidents.ts";
import { getCheck } from "../store/sqlite/checks.ts";
import { appOutagesDuring } from "../store/sqlite/alert_facts.ts";
import type { AffectedApp, AlertFacts } from "./message.ts";
import type { AlertRow } from "./outbox.ts";

/** The facts for `row`, or null when its monitor or incident no longer exists. */
export function loadFacts(db: Db, row: AlertRow, baseUrl: string, now: number): AlertFacts | null {
  const monitor = getMonitor(db, row.monitorId);
  const incident = getIncident(db, row.incidentId);
  if (!monitor || !incident) return null;
  const parent = monitor.parentId === null ? null : getMonitor(db, monitor.parentId);
  const check = row.checkId === null ? null : getCheck(db, row.checkId);
  const hasApps = childIds(db, monitor.id).length > 0;
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
    },
    incident,
    check,
    failures: row.failures,
    threshold: row.threshold,
    affected: hasApps
      ? affectedApps(db, monitor.id, incident.startedAt, incident.endedAt ?? now)
      : [],
    dashboardUrl: `${baseUrl}/monitors/${monitor.id}`,
    now,
  };
}

/** A website's internal apps with an outage overlapping [from, to]; the latest one per app. */
export function affectedApps(db: Db, websiteId: number, from: number, to: number): AffectedApp[] {
  const byApp = new Map<number, AffectedApp>();
  for (const o of appOutagesDuring(db, websiteId, from, to)) {
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

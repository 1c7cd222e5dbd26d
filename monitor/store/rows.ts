/**
 * Table rows → records, shared by both engines: their tables have the same columns. Flags are
 * 0/1 in SQLite and booleans in PostgreSQL; everything else arrives as the same JS value.
 */
import type {
  Check,
  ErrorKind,
  HealthState,
  Incident,
  IncidentType,
  MaintenanceWindow,
  Monitor,
  MonitorState,
} from "../types.ts";
import { isJsonKind, MONITOR_FIELD_SPECS } from "./field_registry.ts";
import type {
  AlertKind,
  AlertRow,
  AlertStatus,
  ApiToken,
  ChannelRecord,
  Period,
  PushState,
  Rollup,
  StoredCertificate,
  SuppressedDown,
  User,
} from "./records.ts";
import type {
  IncidentUpdateStatus,
  StatusIncidentRecord,
  StatusIncidentUpdate,
  StatusPageEntry,
  StatusPageRecord,
} from "./status_records.ts";

/** A result row, before it is mapped to a record. */
export type Row = Record<string, unknown>;

/** A stored flag (SQLite's 0/1 or PostgreSQL's boolean) → boolean. */
export const bool = (v: unknown): boolean => v === true || v === 1 || v === 1n;

export function toState(r: Row): MonitorState {
  return {
    monitorId: r.monitor_id as number,
    state: r.state as HealthState,
    consecutiveFailures: r.consecutive_failures as number,
    openIncidentId: (r.open_incident_id as number | null) ?? null,
    lastCheckId: (r.last_check_id as number | null) ?? null,
    lastCheckedAt: (r.last_checked_at as number | null) ?? null,
    failingSince: (r.failing_since as number | null) ?? null,
    changedAt: r.changed_at as number,
    slowChecks: (r.slow_checks as number | null) ?? 0,
    degradedIncidentId: (r.degraded_incident_id as number | null) ?? null,
  };
}

export function toIncident(r: Row): Incident {
  return {
    id: r.id as number,
    monitorId: r.monitor_id as number,
    type: (r.type as IncidentType | null) ?? "down",
    startedAt: r.started_at as number,
    confirmedAt: r.confirmed_at as number,
    endedAt: (r.ended_at as number | null) ?? null,
    lastFailureAt: r.last_failure_at as number,
    failureCount: r.failure_count as number,
    errorKind: r.error_kind as ErrorKind,
    httpStatus: (r.http_status as number | null) ?? null,
    errorMessage: r.error_message as string,
  };
}

export function toRollup(r: Row): Rollup {
  const up = r.up_count as number;
  return {
    monitorId: r.monitor_id as number,
    period: r.period as Period,
    bucketStart: r.bucket_start as number,
    count: r.count as number,
    upCount: up,
    latencyMin: (r.latency_min as number | null) ?? null,
    latencyAvg: up > 0 ? (r.latency_sum as number) / up : null,
    latencyMax: (r.latency_max as number | null) ?? null,
    latencyP95: (r.latency_p95 as number | null) ?? null,
  };
}

/** Converts a checks row to a `Check`. */
export function toCheck(r: Row): Check {
  return {
    id: r.id as number,
    monitorId: r.monitor_id as number,
    checkedAt: r.checked_at as number,
    ok: bool(r.ok),
    latencyMs: r.latency_ms as number,
    httpStatus: (r.http_status as number | null) ?? null,
    errorKind: (r.error_kind as ErrorKind | null) ?? null,
    errorMessage: (r.error_message as string | null) ?? null,
    maintenance: bool(r.maintenance ?? false),
  };
}

/** A maintenance_windows row → `MaintenanceWindow` (the schedule and ids are JSON text). */
export function toMaintenanceWindow(r: Row): MaintenanceWindow {
  return {
    id: r.id as number,
    name: r.name as string,
    description: r.description as string,
    monitorIds: JSON.parse(r.monitor_ids as string),
    schedule: JSON.parse(r.schedule as string),
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

/** A maintenance_suppressed row → `SuppressedDown`. */
export function toSuppressedDown(r: Row): SuppressedDown {
  return {
    incidentId: r.incident_id as number,
    windowName: r.window_name as string,
    suppressedAt: r.suppressed_at as number,
    releasedAt: (r.released_at as number | null) ?? null,
  };
}

/** A raw alerts row → `AlertRow` (for other store modules reading the alerts table). */
export function toAlertRow(r: Row): AlertRow {
  return {
    id: r.id as number,
    monitorId: r.monitor_id as number,
    incidentId: r.incident_id as number,
    kind: r.kind as AlertKind,
    seq: r.seq as number,
    channel: r.channel as string,
    target: r.target as string,
    status: r.status as AlertStatus,
    groupedInto: (r.grouped_into as number | null) ?? null,
    checkId: (r.check_id as number | null) ?? null,
    failures: r.failures as number,
    threshold: r.threshold as number,
    subject: (r.subject as string | null) ?? null,
    attempts: r.attempts as number,
    lastError: (r.last_error as string | null) ?? null,
    response: (r.response as string | null) ?? null,
    createdAt: r.created_at as number,
    nextAttemptAt: r.next_attempt_at as number,
    sentAt: (r.sent_at as number | null) ?? null,
  };
}

/** Per registry field: its property, column and how a stored value becomes the property. */
const MONITOR_COLUMNS: [prop: string, column: string, convert: (v: unknown) => unknown][] =
  MONITOR_FIELD_SPECS.map((f) => [
    f.prop,
    f.column,
    f.kind.type === "bool" ? bool : isJsonKind(f.kind)
      // Most lists are empty: skip the parser for them (the overview maps 2,000 rows at once).
      ? (v) => (v === "[]" ? [] : JSON.parse(v as string))
      : (v) => v ?? null,
  ]);

/** A monitors row as a `Monitor`. */
export function rowToMonitor(r: Row): Monitor {
  const m: Record<string, unknown> = {
    id: r.id as number,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
  for (const [prop, column, convert] of MONITOR_COLUMNS) m[prop] = convert(r[column]);
  return m as unknown as Monitor;
}

/** A tls_certificates row as a `StoredCertificate`. */
export function toCertificate(r: Row): StoredCertificate {
  return {
    monitorId: r.monitor_id as number,
    fingerprint: r.fingerprint as string,
    subject: r.subject as string,
    issuer: r.issuer as string,
    validFrom: r.valid_from as number,
    validTo: r.valid_to as number,
    checkedAt: r.checked_at as number,
    incidentId: (r.incident_id as number | null) ?? null,
    warnedDays: (r.warned_days as number | null) ?? null,
  };
}

export const toUser = (r: Row): User => ({
  id: r.id as number,
  username: r.username as string,
  email: (r.email as string | null) ?? null,
  isAdmin: bool(r.is_admin),
  createdAt: r.created_at as number,
});

export const toToken = (r: Row): ApiToken => ({
  id: r.id as number,
  name: r.name as string,
  prefix: r.prefix as string,
  createdAt: r.created_at as number,
  lastUsedAt: (r.last_used_at as number | null) ?? null,
});

export function toChannel(r: Row): ChannelRecord {
  return {
    id: r.id as number,
    kind: r.kind as string,
    name: r.name as string,
    config: JSON.parse(r.config as string) as Record<string, string>,
    isDefault: bool(r.is_default),
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

/** Converts a push_state row to a `PushState`. */
export function toPushState(r: Row): PushState {
  const n = (v: unknown) => (v as number | null) ?? null;
  return {
    monitorId: r.monitor_id as number,
    token: r.token as string,
    lastPingAt: n(r.last_ping_at),
    lastPingOk: r.last_ping_ok === null || r.last_ping_ok === undefined
      ? null
      : bool(r.last_ping_ok),
    startedAt: n(r.started_at),
    lastDurationMs: n(r.last_duration_ms),
    lateExpectedAt: n(r.late_expected_at),
  };
}

/** A status_pages row (with its entries) as a `StatusPageRecord`. */
export function toStatusPage(r: Row, entries: StatusPageEntry[]): StatusPageRecord {
  return {
    id: r.id as number,
    slug: r.slug as string,
    title: r.title as string,
    description: r.description as string,
    customDomain: (r.custom_domain as string | null) ?? null,
    logoType: (r.logo_type as string | null) ?? null,
    logoUpdatedAt: (r.logo_updated_at as number | null) ?? null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    entries,
  };
}

/** A status_page_entries row as a `StatusPageEntry`. */
export const toStatusPageEntry = (r: Row): StatusPageEntry => ({
  monitorId: r.monitor_id as number,
  displayName: r.display_name as string,
  showApps: bool(r.show_apps),
});

/** A status_incident_updates row as a `StatusIncidentUpdate`. */
export const toStatusUpdate = (r: Row): StatusIncidentUpdate => ({
  id: r.id as number,
  incidentId: r.incident_id as number,
  status: r.status as IncidentUpdateStatus,
  message: r.message as string,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
});

/** A status_incidents row with its updates (newest first) as a `StatusIncidentRecord`. */
export function toStatusIncident(r: Row, updates: StatusIncidentUpdate[]): StatusIncidentRecord {
  return {
    id: r.id as number,
    pageId: r.page_id as number,
    title: r.title as string,
    monitorIds: JSON.parse(r.monitor_ids as string) as number[],
    status: r.status as IncidentUpdateStatus,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    resolvedAt: (r.resolved_at as number | null) ?? null,
    updates,
  };
}

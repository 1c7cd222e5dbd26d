/**
 * The records the store hands out and takes, shared by every engine, and the pure helpers
 * that define their meaning (bucket boundaries, percentiles, the initial state).
 */
import type {
  CertificateInfo,
  ErrorKind,
  IncidentType,
  MaintenanceWindow,
  MonitorState,
} from "../types.ts";

export type { MonitorFields } from "./field_registry.ts";

/** What an alert row announces. */
export type AlertKind = "down" | "recovered" | "reminder" | "warning";

/**
 * The latest TLS certificate of an https monitor, with its warning bookkeeping: the open
 * certificate incident and the smallest days threshold already warned about (both reset when
 * another certificate is seen).
 */
export interface StoredCertificate extends CertificateInfo {
  monitorId: number;
  /** When a check last read it (epoch ms). */
  checkedAt: number;
  incidentId: number | null;
  warnedDays: number | null;
}

/** What an incident other than an outage is opened with (see `IncidentRepo.open`). */
export interface IncidentOptions {
  type: Exclude<IncidentType, "down">;
  errorKind: ErrorKind;
  errorMessage: string;
}

/**
 * Where a row is. `pending` waits for `next_attempt_at`; `sending` is claimed by the sender
 * (only during one delivery attempt); `grouped` was folded into the website's email; `skipped`
 * was never sent on purpose (email disabled, or a reminder after recovery); `failed` gave up.
 */
export type AlertStatus = "pending" | "sending" | "sent" | "failed" | "skipped" | "grouped";

/** Every status, in the order the API documents them. */
export const ALERT_STATUSES: readonly AlertStatus[] = [
  "pending",
  "sending",
  "sent",
  "failed",
  "skipped",
  "grouped",
];

/** One outbox row: one alert for one target on one channel (an address, for email). */
export interface AlertRow {
  id: number;
  monitorId: number;
  incidentId: number;
  kind: AlertKind;
  seq: number;
  /** The delivery channel's kind ("email", …). */
  channel: string;
  /** Where the channel delivers (an email address for "email"); compared case-insensitively. */
  target: string;
  status: AlertStatus;
  groupedInto: number | null;
  checkId: number | null;
  failures: number;
  threshold: number;
  subject: string | null;
  attempts: number;
  lastError: string | null;
  response: string | null;
  createdAt: number;
  nextAttemptAt: number;
  sentAt: number | null;
}

/** A row with its monitor's name, for the API and dashboard. */
export interface AlertRecord extends AlertRow {
  monitorName: string;
}

/** The fields of a new row. */
export interface NewAlert {
  monitorId: number;
  incidentId: number;
  kind: AlertKind;
  seq: number;
  channel: string;
  target: string;
  status: "pending" | "skipped" | "grouped";
  groupedInto: number | null;
  checkId: number | null;
  failures: number;
  threshold: number;
  lastError: string | null;
  createdAt: number;
  nextAttemptAt: number;
}

/** Filters for {@link listAlerts}. */
export interface AlertQuery {
  limit?: number;
  /** Rows to skip (newest first), for paging; 0 by default. */
  offset?: number;
  status?: AlertStatus;
  monitorId?: number;
}

/** Rollup granularity. */
export type Period = "hour" | "day";

/** Bucket length per period. */
export const PERIOD_MS: Record<Period, number> = { hour: 3_600_000, day: 86_400_000 };

/** The start of the UTC bucket containing `t`. */
export function bucketStart(period: Period, t: number): number {
  return Math.floor(t / PERIOD_MS[period]) * PERIOD_MS[period];
}

/** One aggregate bucket. Latency figures cover successful checks only. */
export interface Rollup {
  monitorId: number;
  period: Period;
  bucketStart: number;
  count: number;
  upCount: number;
  latencyMin: number | null;
  latencyAvg: number | null;
  latencyMax: number | null;
  latencyP95: number | null;
}

/** Check and success counts over a window. */
export interface UptimeCounts {
  count: number;
  upCount: number;
}

/** The p-th percentile (0-100) of ascending values, nearest-rank. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The state before any check: pending. */
export function initialState(monitorId: number, now: number): MonitorState {
  return {
    monitorId,
    state: "pending",
    consecutiveFailures: 0,
    openIncidentId: null,
    lastCheckId: null,
    lastCheckedAt: null,
    failingSince: null,
    changedAt: now,
    slowChecks: 0,
    degradedIncidentId: null,
  };
}

/** A user account (never carries the password hash; see `findUserCredentials`). */
export interface User {
  id: number;
  username: string;
  email: string | null;
  isAdmin: boolean;
  createdAt: number;
}

/** An API token's metadata. */
export interface ApiToken {
  id: number;
  name: string;
  /** The first characters, to recognise a token in lists. */
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A stored session joined with its user's name. */
export interface SessionRow {
  id: number;
  userId: number;
  username: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

/** One outage of an internal app, with the app's name and (unredacted) URL. */
export interface AppOutageRow {
  monitorId: number;
  name: string;
  url: string;
  startedAt: number;
  endedAt: number | null;
  errorKind: ErrorKind;
  httpStatus: number | null;
  errorMessage: string;
}

/** An open incident of an active monitor that has a reminder interval. */
export interface ReminderIncident {
  incidentId: number;
  /** The monitor's reminder interval, in minutes. */
  everyMin: number;
}

/** What the overview's change detection compares. */
export interface OverviewStamp {
  /** Highest check id recorded so far (ids only grow while monitors exist). */
  maxCheckId: number;
  monitorCount: number;
  /** Latest monitor edit; any create, edit, pause or resume moves it. */
  maxUpdatedAt: number;
}

/** The displayed statuses, as storage counts them. */
type Status = "up" | "degraded" | "down" | "pending" | "paused";

/**
 * Monitor counts by displayed status, plus a digest of which monitor has which status: a change
 * of any one monitor's status changes the digest (several at once may, rarely, cancel out).
 */
export interface StatusSummary {
  counts: Record<Status, number>;
  digest: number;
}

const DIGEST_MOD = 1_000_000_007;
const DIGEST_WEIGHT: Record<Status, number> = {
  up: 1,
  degraded: 7_919,
  down: 104_729,
  pending: 1_299_709,
  paused: 15_485_863,
};

/**
 * A monitor id's share of its status's sum in a {@link StatusSummary}. The SQL of both engines
 * computes the same `((id % 65521) * 40503) % 65521`.
 */
export function statusIdHash(id: number): number {
  return ((id % 65_521) * 40_503) % 65_521;
}

/** Folds per-status sums of {@link statusIdHash} into one digest. */
export function statusDigest(sums: Partial<Record<Status, number>>): number {
  let d = 0;
  for (const [s, w] of Object.entries(DIGEST_WEIGHT)) {
    d = (d + ((sums[s as Status] ?? 0) % DIGEST_MOD) * w) % DIGEST_MOD;
  }
  return d;
}

/** Uptime percentages over the overview's three windows; null where no check fell in one. */
export interface UptimeWindows {
  h24: number | null;
  d7: number | null;
  d30: number | null;
}

/** A configured notification channel (a Slack webhook, a PagerDuty service, …). */
export interface ChannelRecord {
  id: number;
  /** The channel kind: "webhook", "slack", … (see monitor/alerts/channels/). */
  kind: string;
  name: string;
  /** The kind's settings by field name, secrets included: never shown back in full. */
  config: Record<string, string>;
  /** Attached to monitors created without an explicit channel list. */
  isDefault: boolean;
  createdAt: number;
  updatedAt: number;
}

/** The writable fields of a channel. */
export type ChannelFields = Omit<ChannelRecord, "id" | "createdAt" | "updatedAt">;

/** What a push monitor remembers between pings (the push_state table). */
export interface PushState {
  monitorId: number;
  /** The secret of its ping URL `/ping/<token>`: URL-safe, at least 128 random bits. */
  token: string;
  /** The last success or failure ping (not /start); null before the first. */
  lastPingAt: number | null;
  /** Whether that ping reported success. */
  lastPingOk: boolean | null;
  /** A run in progress: the time of its /start ping, cleared by the ping that ends it. */
  startedAt: number | null;
  /** The duration of the last run that had a /start (ms). */
  lastDurationMs: number | null;
  /** The expected time of the last deadline already recorded late; null once a ping came. */
  lateExpectedAt: number | null;
}

/** What an operator sets on a maintenance window. */
export type MaintenanceFields = Omit<MaintenanceWindow, "id" | "createdAt" | "updatedAt">;

/** An outage whose DOWN alert a maintenance window held back. */
export interface SuppressedDown {
  incidentId: number;
  windowName: string;
  suppressedAt: number;
  /** When the DOWN was sent after the window (or the outage ended); null while held back. */
  releasedAt: number | null;
}

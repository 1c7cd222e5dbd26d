/**
 * The storage interface every service talks to. Each engine (`sqlite/`, `postgres/`) implements
 * it with its own SQL; nothing above `monitor/store/` sees SQL or a database handle.
 *
 * Every method is async, even on the embedded SQLite engine, so a service written against it
 * runs unchanged on a database server. Times are epoch milliseconds throughout.
 */
import type {
  Check,
  Incident,
  IncidentType,
  MaintenanceWindow,
  Monitor,
  MonitorState,
  ProbeResult,
} from "../types.ts";
import type { StorageHealth } from "./health.ts";
import type {
  AlertKind,
  AlertQuery,
  AlertRecord,
  AlertRow,
  AlertStatus,
  ApiToken,
  AppOutageRow,
  ChannelFields,
  ChannelRecord,
  IncidentOptions,
  MaintenanceFields,
  MonitorFields,
  NewAlert,
  OverviewStamp,
  Period,
  PushState,
  ReminderIncident,
  Rollup,
  SessionRow,
  StatusSummary,
  StoredCertificate,
  SuppressedDown,
  UptimeCounts,
  UptimeWindows,
  User,
} from "./records.ts";
import type {
  DayCounts,
  StatusIncidentFields,
  StatusIncidentRecord,
  StatusLogo,
  StatusPageFields,
  StatusPageRecord,
  StatusUpdateFields,
} from "./status_records.ts";

/** Monitor definitions. */
export interface MonitorRepo {
  insert(fields: MonitorFields, now: number): Promise<Monitor>;
  /** Null when there is no such monitor. */
  update(id: number, fields: MonitorFields, now: number): Promise<Monitor | null>;
  /** Deletes the monitor, its internal apps and all their history; false when missing. */
  delete(id: number): Promise<boolean>;
  get(id: number): Promise<Monitor | null>;
  /** Websites first by name, each followed by its internal apps. */
  list(): Promise<Monitor[]>;
  childIds(parentId: number): Promise<number[]>;
}

/** The persisted health state of each monitor. */
export interface StateRepo {
  /** The stored state, or the initial pending state (changed at `now`) when there is none. */
  get(monitorId: number, now?: number): Promise<MonitorState>;
  all(): Promise<Map<number, MonitorState>>;
  save(state: MonitorState): Promise<void>;
}

/** Push monitors' tokens and ping timing (one row per push monitor). */
export interface PushRepo {
  get(monitorId: number): Promise<PushState | null>;
  /** The push state whose ping token is `token`, or null. */
  byToken(token: string): Promise<PushState | null>;
  all(): Promise<Map<number, PushState>>;
  /** Inserts or replaces the row of `state.monitorId` (tokens are unique: 144 random bits). */
  save(state: PushState): Promise<void>;
}

/** Raw check history. */
export interface CheckRepo {
  /** `maintenance`: taken while a maintenance window covered the monitor. */
  insert(
    monitorId: number,
    checkedAt: number,
    result: ProbeResult,
    maintenance?: boolean,
  ): Promise<Check>;
  get(id: number): Promise<Check | null>;
  /** Newest first. */
  recent(monitorId: number, limit: number): Promise<Check[]>;
  /** Deletes checks older than `before`, in batches; returns how many. */
  prune(before: number): Promise<number>;
  /** Latencies of successful checks in [from, to), ascending. */
  okLatencies(monitorId: number, from: number, to: number): Promise<number[]>;
}

/**
 * Incidents: outages (opened by the DOWN transition, closed by RECOVERED), and DEGRADED periods
 * and expiring certificates (`options`).
 */
export interface IncidentRepo {
  /** Opens an outage at `check`, or with `options` a DEGRADED or certificate incident. */
  open(
    check: Check,
    startedAt: number,
    failureCount: number,
    options?: IncidentOptions,
  ): Promise<Incident>;
  extend(id: number, check: Check): Promise<Incident>;
  close(id: number, endedAt: number): Promise<Incident>;
  get(id: number): Promise<Incident | null>;
  /** Newest first; only those of `type` when given. */
  list(monitorId: number, limit?: number, type?: IncidentType): Promise<Incident[]>;
}

/** The TLS certificate each https monitor presented last. */
export interface CertificateRepo {
  get(monitorId: number): Promise<StoredCertificate | null>;
  /** Every stored certificate, by monitor id. */
  all(): Promise<Map<number, StoredCertificate>>;
  save(cert: StoredCertificate): Promise<void>;
}

/** Hourly and daily aggregates. */
export interface RollupRepo {
  add(monitorId: number, checkedAt: number, ok: boolean, latencyMs: number): Promise<void>;
  /** Computes p95 for buckets that closed in [since, now]; returns how many it set. */
  finalizePercentiles(period: Period, since: number, now: number): Promise<number>;
  series(monitorId: number, period: Period, from: number): Promise<Rollup[]>;
  uptime(monitorId: number, period: Period, from: number): Promise<UptimeCounts>;
  prune(before: number): Promise<number>;
}

/** The read queries behind the overview and monitor pages. */
export interface DashboardRepo {
  /** The newest `n` checks of every monitor (or of `ids`), oldest first within each monitor. */
  recentChecksByMonitor(n: number, ids?: number[]): Promise<Map<number, Check[]>>;
  /**
   * The newest `n` checks of every monitor (or of `ids`) as letters, oldest first: "u" up, "s"
   * slow (up, slower than the monitor's `degradedMs`), "d" failed. Monitors without checks are
   * absent.
   */
  recentBeats(n: number, ids?: number[]): Promise<Map<number, string>>;
  overviewStamp(): Promise<OverviewStamp>;
  monitorsCheckedAfter(since: number): Promise<number[]>;
  /** Checks since `from`, oldest first, at most `limit`. */
  checksSince(monitorId: number, from: number, limit: number): Promise<Check[]>;
  /** Changes whenever what the monitor page shows changes. */
  detailStamp(monitorId: number): Promise<string>;
  uptimeWindows(now: number, ids?: number[]): Promise<Map<number, UptimeWindows>>;
  statusCounts(): Promise<Record<"up" | "degraded" | "down" | "pending" | "paused", number>>;
  /** The counts plus a digest that changes when any monitor's displayed status does. */
  statusSummary(): Promise<StatusSummary>;
}

/** The alerts outbox: one row per (incident, kind, seq, channel, target). */
export interface OutboxRepo {
  /** Inserts unless the row's unique key exists; returns whether a row was added. */
  insert(alert: NewAlert): Promise<boolean>;
  find(
    incidentId: number,
    kind: AlertKind,
    channel: string,
    target: string,
  ): Promise<AlertRow | null>;
  /** Marks the internal apps' pending rows as grouped into row `into`; returns how many. */
  foldChildAlerts(
    parentId: number,
    kind: "down" | "recovered",
    channel: string,
    target: string,
    into: number,
  ): Promise<number>;
  /** Pending rows due at `now`, oldest first, skipping channels in `except`. */
  due(now: number, limit: number, except?: readonly string[]): Promise<AlertRow[]>;
  nextDueByChannel(): Promise<Map<string, number>>;
  nextDueAt(): Promise<number | null>;
  /** Moves a pending row to sending; false when another sender took it first. */
  claim(id: number, subject: string): Promise<boolean>;
  markSent(id: number, now: number, response: string): Promise<void>;
  markRetry(id: number, nextAttemptAt: number, error: string): Promise<void>;
  markFinal(id: number, status: "failed" | "skipped", error: string): Promise<void>;
  /** Rows left in sending by a crash go back to pending; returns how many. */
  requeueInterrupted(now: number): Promise<number>;
  /** Pending rows created before `before` fail as expired after `hours`; returns how many. */
  expire(before: number, hours: number): Promise<number>;
  list(query?: AlertQuery): Promise<AlertRecord[]>;
  counts(): Promise<Record<AlertStatus, number>>;
  activity(): Promise<{ lastSentAt: number | null; lastError: string | null }>;
  prune(before: number): Promise<number>;
}

/** Read queries behind alert messages and reminders. */
export interface AlertFactRepo {
  appOutagesDuring(websiteId: number, from: number, to: number): Promise<AppOutageRow[]>;
  openReminderIncidents(): Promise<ReminderIncident[]>;
  sentDownsAwaitingReminder(incidentId: number): Promise<AlertRow[]>;
}

/** Dashboard accounts. */
export interface UserRepo {
  count(): Promise<number>;
  /** Throws `StoreConflictError` when the user name (case-insensitively) is taken. */
  insert(
    user: { username: string; email: string | null; passwordHash: string; createdAt: number },
  ): Promise<User>;
  findByName(username: string): Promise<User | null>;
  get(id: number): Promise<User | null>;
  findCredentials(username: string): Promise<{ user: User; passwordHash: string } | null>;
}

/** Signed-in browser sessions, stored by token hash. */
export interface SessionRepo {
  insert(
    session: {
      tokenHash: string;
      userId: number;
      csrfToken: string;
      createdAt: number;
      expiresAt: number;
    },
  ): Promise<number>;
  find(tokenHash: string, now: number): Promise<SessionRow | null>;
  delete(tokenHash: string): Promise<boolean>;
  prune(now: number): Promise<number>;
}

/** API tokens, stored by hash. */
export interface TokenRepo {
  insert(
    token: { name: string; tokenHash: string; prefix: string; createdAt: number },
  ): Promise<ApiToken>;
  findByHash(tokenHash: string): Promise<ApiToken | null>;
  touch(id: number, now: number): Promise<void>;
  list(): Promise<ApiToken[]>;
  delete(id: number): Promise<boolean>;
}

/** Configured notification channels. */
export interface ChannelRepo {
  /** By name, then id. */
  list(): Promise<ChannelRecord[]>;
  get(id: number): Promise<ChannelRecord | null>;
  insert(fields: ChannelFields, now: number): Promise<ChannelRecord>;
  /** Null when there is no such channel. */
  update(id: number, fields: ChannelFields, now: number): Promise<ChannelRecord | null>;
  /** Deletes it and takes its id off every monitor (not an edit of them); false when missing. */
  delete(id: number): Promise<boolean>;
}

/**
 * Maintenance windows, and the outages whose DOWN alert a window held back (sent once after the
 * window if the outage outlasts it). Occurrences are computed from the schedules above the store
 * (`monitor/maintenance_schedule.ts`, `upcomingMaintenance()` in `monitor/maintenance_windows.ts`).
 */
export interface MaintenanceRepo {
  /** By name, then id. */
  list(): Promise<MaintenanceWindow[]>;
  get(id: number): Promise<MaintenanceWindow | null>;
  insert(fields: MaintenanceFields, now: number): Promise<MaintenanceWindow>;
  /** Null when there is no such window. */
  update(id: number, fields: MaintenanceFields, now: number): Promise<MaintenanceWindow | null>;
  delete(id: number): Promise<boolean>;
  /** Records that incident `incidentId`'s DOWN was held back by `windowName` (once). */
  suppressDown(incidentId: number, windowName: string, now: number): Promise<void>;
  /** The held-back DOWN of an incident, or null when its DOWN was not held back. */
  suppressedDown(incidentId: number): Promise<SuppressedDown | null>;
  /** Marks a held-back DOWN released; true only for the call that released it. */
  releaseDown(incidentId: number, now: number): Promise<boolean>;
}

/**
 * Public status pages, their logos and operator-written incidents. Writes of several rows (a
 * page with its entries, an incident with its first update) land together or not at all.
 */
export interface StatusPageRepo {
  /** Every page with its entries, by title then id. */
  list(): Promise<StatusPageRecord[]>;
  get(id: number): Promise<StatusPageRecord | null>;
  bySlug(slug: string): Promise<StatusPageRecord | null>;
  /** Custom domain → slug, for every page that has one. */
  domains(): Promise<Map<string, string>>;
  /** Throws `StoreConflictError` ("status_pages.slug" or ".custom_domain") when taken. */
  insert(fields: StatusPageFields, now: number): Promise<StatusPageRecord>;
  /** Replaces fields and entries; null when missing; `StoreConflictError` as insert. */
  update(id: number, fields: StatusPageFields, now: number): Promise<StatusPageRecord | null>;
  /** Deletes the page, its entries, logo and incidents; false when missing. */
  delete(id: number): Promise<boolean>;
  logo(pageId: number): Promise<StatusLogo | null>;
  /** Sets (or with null removes) the logo; false when the page is missing. */
  setLogo(pageId: number, logo: { type: string; data: Uint8Array } | null, now: number): Promise<
    boolean
  >;
  /** Day rollup counts of `monitorIds` from the UTC day containing `from` on. */
  dailyCounts(monitorIds: number[], from: number): Promise<DayCounts[]>;
  /** The page's open incidents and those resolved at or after `resolvedSince`, newest first. */
  incidents(pageId: number, resolvedSince: number, limit?: number): Promise<StatusIncidentRecord[]>;
  incident(id: number): Promise<StatusIncidentRecord | null>;
  /** Opens an incident with its first update (at `now`). */
  insertIncident(
    pageId: number,
    fields: StatusIncidentFields,
    first: StatusUpdateFields,
    now: number,
  ): Promise<StatusIncidentRecord>;
  /** Null when missing. */
  updateIncident(
    id: number,
    fields: StatusIncidentFields,
    now: number,
  ): Promise<StatusIncidentRecord | null>;
  deleteIncident(id: number): Promise<boolean>;
  /** Adds an update at `at`; the incident's status follows its newest update. Null when missing. */
  addUpdate(
    incidentId: number,
    update: StatusUpdateFields,
    at: number,
  ): Promise<StatusIncidentRecord | null>;
  /** Rewrites an update (its time stays); null when missing. */
  editUpdate(
    updateId: number,
    update: StatusUpdateFields,
    now: number,
  ): Promise<StatusIncidentRecord | null>;
  /** Deletes an update; returns its incident afterwards, null when missing. */
  deleteUpdate(updateId: number, now: number): Promise<StatusIncidentRecord | null>;
}

/** Every repository; inside a transaction they all write through it. */
export interface Repositories {
  monitors: MonitorRepo;
  states: StateRepo;
  checks: CheckRepo;
  incidents: IncidentRepo;
  certificates: CertificateRepo;
  rollups: RollupRepo;
  dashboard: DashboardRepo;
  outbox: OutboxRepo;
  alertFacts: AlertFactRepo;
  users: UserRepo;
  sessions: SessionRepo;
  tokens: TokenRepo;
  channels: ChannelRepo;
  pushes: PushRepo;
  maintenance: MaintenanceRepo;
  statusPages: StatusPageRepo;
}

/** Options for {@link Store.transaction}. */
export interface TransactionOptions {
  /** How long to keep retrying while the database is locked or the transaction conflicts. */
  retryForMs?: number;
  /** Stops retrying (the last error is thrown). */
  signal?: AbortSignal;
}

/** Which engine a store runs on. */
export type StoreEngine = "sqlite" | "postgres";

/** A storage engine, opened and migrated. */
export interface Store extends Repositories {
  readonly engine: StoreEngine;
  /**
   * Runs `fn` in one transaction: everything it writes through `tx` lands together or not at
   * all. `fn` must do no I/O but `tx` (it may run again after a conflict). Storage failures are
   * thrown as `StorageError`.
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Whether writes work, as last seen. */
  readonly health: StorageHealth;
  /** Housekeeping after large deletes (SQLite hands freed WAL pages back). */
  compact(): Promise<void>;
  close(): Promise<void>;
}

/** A write refused because it would duplicate a unique value (a taken user name). */
export class StoreConflictError extends Error {
  constructor(readonly constraint: string, message = `Duplicate value for ${constraint}`) {
    super(message);
    this.name = "StoreConflictError";
  }
}

/** Another running service holds the database (one instance per database until multi-node). */
export class StoreLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreLockedError";
  }
}

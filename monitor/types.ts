/** Domain types shared by the monitor services, the store and (as types only) the components. */

/**
 * What a monitor probes: an HTTP(S) URL, a TCP `host:port`, or a DNS name (`dns://…`); a `push`
 * monitor is never probed: a job pings its secret URL and silence past the deadline is the failure.
 */
export type MonitorKind = "http" | "tcp" | "dns" | "push";

/** How a push monitor's next ping is expected: a fixed period, or a cron expression in a zone. */
export type PushScheduleKind = "period" | "cron";

/** The cause recorded for a failed check. */
export type ErrorKind =
  | "timeout"
  | "unexpected_status"
  | "connection_refused"
  | "dns"
  | "tls"
  | "connection_reset"
  | "network"
  /** The status matched, but an assertion over the response failed (`monitor/assertions.ts`). */
  | "assertion"
  /** UP, but slower than the monitor's DEGRADED threshold (degraded incidents only). */
  | "slow"
  /** The TLS certificate expires soon (certificate incidents only). */
  | "certificate_expiry"
  /** A push monitor's ping did not arrive by its deadline (expected time + grace). */
  | "late"
  /** A push monitor's job reported failure (`/fail` or a nonzero exit code). */
  | "job_failed";

/** HTTP methods a monitor can send. */
export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

/** How an http monitor authenticates. */
export type AuthKind = "none" | "basic" | "bearer";

/** Comparison operators of a JSON path assertion. */
export type JsonPathOp = "exists" | "==" | "!=" | "<" | "<=" | ">" | ">=";

/** A JSON value as an assertion compares it. */
export type JsonValue = string | number | boolean | null;

/** One check over a response whose status matched (see `monitor/assertions.ts`). */
export type Assertion =
  | { type: "body_contains"; value: string }
  | { type: "body_not_contains"; value: string }
  /** `flags` is a subset of "imsu". */
  | { type: "body_regex"; pattern: string; flags?: string }
  /** `value` is absent exactly when `op` is "exists". */
  | { type: "json_path"; path: string; op: JsonPathOp; value?: JsonValue }
  | { type: "header"; name: string; op: "==" | "contains"; value: string }
  | { type: "response_time_ms"; max: number };

/** The persisted health state; `paused` is derived from `active = false`. */
export type HealthState = "up" | "down" | "pending";
/**
 * What a monitor shows: its health state, `degraded` (UP, but slower than its threshold for
 * several checks; counted as up for uptime), or `paused`.
 */
export type MonitorStatus = HealthState | "degraded" | "maintenance" | "paused";

/**
 * How a maintenance window recurs: once, weekly (ISO weekdays 1 = Monday … 7 = Sunday at a local
 * `HH:MM`), or at a cron expression's times; recurring ones in an IANA zone, DST-aware.
 */
export type MaintenanceSchedule =
  | { kind: "once"; startsAt: number; endsAt: number }
  | { kind: "weekly"; weekdays: number[]; time: string; durationMin: number; timezone: string }
  | { kind: "cron"; cron: string; durationMin: number; timezone: string };

/**
 * A maintenance window: while one covers a monitor (listed, or its website listed), checks still
 * run and are stored, but no alert goes out, the status shows MAINTENANCE and uptime skips them.
 */
export interface MaintenanceWindow {
  id: number;
  name: string;
  description: string;
  /** Monitors covered; a website covers its internal apps. */
  monitorIds: number[];
  schedule: MaintenanceSchedule;
  createdAt: number;
  updatedAt: number;
}

/** What one probe needs to know about its target. */
export interface ProbeTarget {
  kind: MonitorKind;
  /** `http(s)://…` for http, `tcp://host:port` for tcp, `dns://name?type=…` for dns. */
  url: string;
  timeoutMs: number;
  /** Expected status spec such as `"200"` or `"200-299,301"` (http only). */
  expectedStatus: string;
  ignoreTlsErrors: boolean;
  /** 0 disables redirect following; 3xx is then compared with the expected status. */
  maxRedirects: number;
  /** HTTP method (default GET). */
  method?: HttpMethod;
  /** Extra request headers, in order. */
  headers?: [string, string][];
  /** Request body (methods other than GET and HEAD). */
  body?: string | null;
  /** Authentication sent with the request; dropped on a redirect to another origin. */
  auth?:
    | { type: "basic"; user: string; secret: string }
    | { type: "bearer"; secret: string }
    | null;
  /** The User-Agent header (default {@link DEFAULT_USER_AGENT}). */
  userAgent?: string;
  /** Checked over the bounded response once the status matched. */
  assertions?: Assertion[];
  /** Read the server's TLS certificate too (https only); see {@link ProbeResult.certificate}. */
  inspectCertificate?: boolean;
}

/** The leaf certificate a TLS server presented. */
export interface CertificateInfo {
  /** SHA-256 fingerprint, colon-separated hex: identifies the certificate. */
  fingerprint: string;
  subject: string;
  issuer: string;
  /** Epoch ms. */
  validFrom: number;
  /** Epoch ms: when it expires. */
  validTo: number;
}

/** The User-Agent a probe sends unless the monitor sets another. */
export const DEFAULT_USER_AGENT = "ServerHealthChecker/1.0";

/** The outcome of one probe. A down target is data, never an exception. */
export interface ProbeResult {
  ok: boolean;
  /** Wall time from start to full response (or failure), in milliseconds. */
  latencyMs: number;
  /** The raw HTTP status of the final response, when one arrived. */
  httpStatus: number | null;
  errorKind: ErrorKind | null;
  /** Human-readable cause; null when ok. */
  errorMessage: string | null;
  /** The leaf certificate of an https target, when it could be read (not stored with the check). */
  certificate?: CertificateInfo | null;
}

/** A stored check: a probe result with its time. */
export interface Check extends ProbeResult {
  id: number;
  monitorId: number;
  /** Epoch milliseconds. */
  checkedAt: number;
  /** Taken while a maintenance window covered the monitor (not counted in uptime). */
  maintenance?: boolean;
}

/** A monitor as configured by the operator. */
export interface Monitor {
  id: number;
  parentId: number | null;
  name: string;
  kind: MonitorKind;
  url: string;
  expectedStatus: string;
  timeoutMs: number;
  intervalS: number;
  /** Re-check interval while failing below the threshold. */
  retryIntervalS: number;
  failureThreshold: number;
  alertEmails: string[];
  recoveryEmails: string[];
  /** Notification channels (ids) alerted besides the emails; an internal app with none uses its website's. */
  channelIds: number[];
  active: boolean;
  ignoreTlsErrors: boolean;
  maxRedirects: number;
  /** Re-send a DOWN alert every N minutes while still down; null = never. */
  reminderIntervalMin: number | null;
  httpMethod: HttpMethod;
  /** Extra request headers, one `Name: value` per line ("" = none). */
  httpHeaders: string;
  /** Request body ("" = none). */
  httpBody: string;
  auth: AuthKind;
  /** Basic auth user name ("" unless auth is basic). */
  authUser: string;
  /** Basic password or bearer token ("" when auth is none); never shown back in full. */
  authSecret: string;
  userAgent: string;
  assertions: Assertion[];
  /** A successful check slower than this (ms) counts as slow; null = no DEGRADED state. */
  degradedMs: number | null;
  /** Slow checks in a row before the monitor shows DEGRADED (and alerts once). */
  degradedChecks: number;
  /** Days before a TLS certificate's expiry to warn (each once per certificate); [] = never. */
  certExpiryDays: number[];
  /** Labels for grouping and filtering the overview, lower case, sorted ("prod", "eu-west"). */
  tags: string[];
  /** Push monitors: a fixed period or a cron expression. */
  pushSchedule: PushScheduleKind;
  /** Push monitors: seconds between pings when the schedule is a period. */
  pushPeriodS: number;
  /** Push monitors: a 5-field cron expression when the schedule is cron ("" otherwise). */
  pushCron: string;
  /** Push monitors: the IANA time zone the cron expression is read in. */
  pushTimezone: string;
  /** Push monitors: how long after the expected time a ping still counts as on time. */
  pushGraceS: number;
  /** Serve public SVG badges (status, uptime, response time) at `/badge/<id>/…`. */
  publicBadges: boolean;
  createdAt: number;
  updatedAt: number;
}

/** The persisted health state of one monitor. */
export interface MonitorState {
  monitorId: number;
  state: HealthState;
  consecutiveFailures: number;
  openIncidentId: number | null;
  lastCheckId: number | null;
  lastCheckedAt: number | null;
  /** Epoch ms of the first failed check of the current failing streak; null while passing. */
  failingSince: number | null;
  /** Epoch ms of the last change of `state`. */
  changedAt: number;
  /** Successful checks in a row slower than the monitor's `degradedMs`. */
  slowChecks: number;
  /** The open DEGRADED incident: set while the monitor shows DEGRADED. */
  degradedIncidentId: number | null;
}

/**
 * What an incident is about: an outage (`down`), a slow period (`degraded`, the monitor stayed
 * up), or a TLS certificate close to expiry (`certificate`, one per certificate).
 */
export type IncidentType = "down" | "degraded" | "certificate";

/** One DOWN period, DEGRADED period, or expiring certificate. */
export interface Incident {
  id: number;
  monitorId: number;
  type: IncidentType;
  /** Time of the first failed check of the outage (epoch ms). */
  startedAt: number;
  /** Time the failure threshold was reached and the monitor went DOWN. */
  confirmedAt: number;
  /** Time of the first successful check afterwards; null while open. */
  endedAt: number | null;
  lastFailureAt: number;
  failureCount: number;
  errorKind: ErrorKind;
  httpStatus: number | null;
  errorMessage: string;
}

/**
 * A state change worth telling people about. For a `degraded` incident, `down` means it became
 * DEGRADED and `recovered` that it is fast again; `warning` is a certificate expiry warning.
 */
export type TransitionKind = "down" | "recovered" | "warning";

/** Published when a monitor goes DOWN or comes back UP. */
export interface Transition {
  kind: TransitionKind;
  monitor: Monitor;
  incident: Incident;
  check: Check;
  /** Consecutive failed checks at the time of the transition (0 on recovery). */
  consecutiveFailures: number;
  /** For a certificate `warning`: the threshold crossed, in days (also the alert's seq). */
  warningDays?: number;
  /**
   * Why no alert goes out for it (`maintenance: <window name>`): its rows are recorded as
   * skipped with this reason.
   */
  suppressed?: string;
  /** A DOWN held back by a maintenance window, sent after the window (outbox seq 1). */
  deferred?: boolean;
}

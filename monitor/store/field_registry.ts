/**
 * The monitor field registry: one declarative entry per configurable monitor field, from which
 * the rest is derived.
 *
 * - storage (`monitor/store/sqlite/monitors.ts`): the column list and row ↔ `Monitor` mapping;
 * - validation and the API (`monitor/monitor_fields.ts`, used by `monitor/validate.ts`): the API
 *   field list and order, the unknown-field check, defaults, limits, one parser per kind and
 *   `monitorToInput()` (API JSON, PATCH merges);
 * - the dashboard form (`monitor/monitor_fields.ts`, used by `routes/web_forms.ts`): form values
 *   of a monitor and of a new monitor, checkbox normalisation;
 * - test fixtures (`fakeMonitor()` builds on the validator's defaults).
 *
 * It lives in `monitor/store/` because storage may import nothing above it (see
 * tests/architecture_test.ts); it is pure data and imports only types.
 *
 * Adding a field now touches:
 * 1. `monitor/types.ts`: the `Monitor` property;
 * 2. `monitor/store/sqlite/migrations.ts` and `monitor/store/postgres/migrations.ts`: a
 *    migration adding the column on each engine;
 * 3. this table: one entry (API name, property, column, kind, default);
 * 4. `components/MonitorForm.tsx`: its label, hint and place on the form (the type checker
 *    refuses a registry field without one);
 * 5. only if the field has a rule involving other fields: explicit code in `validateMonitor()`.
 * Plus documentation (README "JSON API v1") and tests that list fields on purpose.
 */
import { DEFAULT_USER_AGENT, type Monitor } from "../types.ts";

/** The writable fields of a monitor (everything but id and timestamps). */
export type MonitorFields = Omit<Monitor, "id" | "createdAt" | "updatedAt">;

/**
 * How a field is parsed from input, stored and shown. Storage: `bool` is an INTEGER 0/1, `emails`,
 * `ids`, `assertions`, `days` and `tags` a JSON array in TEXT, everything else the value itself.
 */
export type FieldKind =
  /** Free text, trimmed; control characters refused. */
  | { type: "text"; maxLength: number }
  /** A probe target; parsed together with `kind` by `validateMonitor()`. */
  | { type: "url"; maxLength: number }
  /** One of a fixed set of strings. */
  | { type: "enum"; values: readonly string[] }
  /** An expected-status spec such as `200-299,301`, normalised. */
  | { type: "expected_status" }
  /** A whole number within limits (inclusive). */
  | { type: "int"; min: number; max: number }
  /** true/false; in forms a checkbox. */
  | { type: "bool" }
  /** A list of email addresses (in forms one string separated by spaces, commas or lines). */
  | { type: "emails"; maxCount: number }
  /** The id of another monitor; checked by `validateMonitor()`. */
  | { type: "reference" }
  /** Ids of notification channels, stored as a JSON array in TEXT; checked by `validateMonitor()`. */
  | { type: "ids"; maxCount: number }
  /** Request headers, one `Name: value` per line, stored as that text. */
  | { type: "headers"; maxLength: number; maxCount: number }
  /** Raw text kept as typed (line breaks allowed), e.g. a request body. */
  | { type: "body"; maxLength: number }
  /** A credential: never shown back in full (see `maskSecret()`); parsed by `validateMonitor()`. */
  | { type: "secret"; maxLength: number }
  /** A list of response assertions (`monitor/assertions.ts`), stored as a JSON array in TEXT. */
  | { type: "assertions" }
  /** Distinct whole numbers of days, largest first, stored as a JSON array in TEXT. */
  | { type: "days"; min: number; max: number; maxCount: number }
  /** Distinct lower-case labels, sorted, stored as a JSON array in TEXT. */
  | { type: "tags"; maxLength: number; maxCount: number };

/** Whether a kind is stored as JSON in a TEXT column. */
export function isJsonKind(kind: FieldKind): boolean {
  return kind.type === "emails" || kind.type === "ids" || kind.type === "assertions" ||
    kind.type === "days" || kind.type === "tags";
}

/** One registry entry. */
export interface FieldSpec<
  P extends keyof MonitorFields = keyof MonitorFields,
  A extends string = string,
  K extends FieldKind = FieldKind,
> {
  /** The API, form and JSON name (snake_case). */
  api: A;
  /** The `Monitor` property (camelCase). */
  prop: P;
  /** The SQL column of the monitors table. */
  column: string;
  kind: K;
  /** Blank input is an error ("Required") instead of taking the default. */
  required?: boolean;
  /**
   * The value when the input leaves the field out or blank. Absent: the field is required, or
   * `validateMonitor()` derives it from another field.
   */
  default?: MonitorFields[P];
  /** What the default means, for fields `validateMonitor()` derives. */
  derived?: string;
}

/** Checks one entry against `MonitorFields` while keeping its literal name and kind. */
function field<P extends keyof MonitorFields, const A extends string, const K extends FieldKind>(
  spec: FieldSpec<P, A, K>,
): FieldSpec<P, A, K> {
  return spec;
}

/** Every configurable monitor field, in API and form order (also the order of the API JSON). */
export const MONITOR_FIELD_SPECS = [
  field({
    api: "name",
    prop: "name",
    column: "name",
    kind: { type: "text", maxLength: 200 },
    required: true,
  }),
  field({
    api: "url",
    prop: "url",
    column: "url",
    kind: { type: "url", maxLength: 2048 },
    required: true,
  }),
  field({
    api: "kind",
    prop: "kind",
    column: "kind",
    kind: { type: "enum", values: ["http", "tcp", "dns", "push"] },
    default: "http",
    derived: "inferred from the URL's scheme",
  }),
  field({
    api: "expected_status",
    prop: "expectedStatus",
    column: "expected_status",
    kind: { type: "expected_status" },
    default: "200",
  }),
  field({
    api: "timeout_ms",
    prop: "timeoutMs",
    column: "timeout_ms",
    kind: { type: "int", min: 100, max: 120_000 },
    default: 10_000,
    derived: "at most the interval",
  }),
  field({
    api: "interval_s",
    prop: "intervalS",
    column: "interval_s",
    kind: { type: "int", min: 10, max: 86_400 },
    default: 60,
  }),
  field({
    api: "retry_interval_s",
    prop: "retryIntervalS",
    column: "retry_interval_s",
    kind: { type: "int", min: 10, max: 86_400 },
    derived: "the interval",
  }),
  field({
    api: "failure_threshold",
    prop: "failureThreshold",
    column: "failure_threshold",
    kind: { type: "int", min: 1, max: 100 },
    default: 1,
  }),
  field({
    api: "alert_emails",
    prop: "alertEmails",
    column: "alert_emails",
    kind: { type: "emails", maxCount: 50 },
    default: [],
  }),
  field({
    api: "recovery_emails",
    prop: "recoveryEmails",
    column: "recovery_emails",
    kind: { type: "emails", maxCount: 50 },
    default: [],
  }),
  field({
    api: "channel_ids",
    prop: "channelIds",
    column: "channel_ids",
    kind: { type: "ids", maxCount: 50 },
    default: [],
    derived: "on creation: a website gets the channels marked default, an internal app none",
  }),
  field({
    api: "parent_id",
    prop: "parentId",
    column: "parent_id",
    kind: { type: "reference" },
    default: null,
  }),
  field({
    api: "tags",
    prop: "tags",
    column: "tags",
    kind: { type: "tags", maxLength: 40, maxCount: 20 },
    default: [],
  }),
  field({
    api: "active",
    prop: "active",
    column: "active",
    kind: { type: "bool" },
    default: true,
  }),
  field({
    api: "ignore_tls_errors",
    prop: "ignoreTlsErrors",
    column: "ignore_tls_errors",
    kind: { type: "bool" },
    default: false,
  }),
  field({
    api: "max_redirects",
    prop: "maxRedirects",
    column: "max_redirects",
    kind: { type: "int", min: 0, max: 20 },
    default: 10,
  }),
  field({
    api: "reminder_interval_min",
    prop: "reminderIntervalMin",
    column: "reminder_interval_min",
    kind: { type: "int", min: 5, max: 10_080 },
    default: null,
  }),
  field({
    api: "http_method",
    prop: "httpMethod",
    column: "http_method",
    kind: { type: "enum", values: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] },
    default: "GET",
  }),
  field({
    api: "http_headers",
    prop: "httpHeaders",
    column: "http_headers",
    kind: { type: "headers", maxLength: 8192, maxCount: 50 },
    default: "",
  }),
  field({
    api: "http_body",
    prop: "httpBody",
    column: "http_body",
    kind: { type: "body", maxLength: 65_536 },
    default: "",
  }),
  field({
    api: "auth",
    prop: "auth",
    column: "auth",
    kind: { type: "enum", values: ["none", "basic", "bearer"] },
    default: "none",
  }),
  field({
    api: "auth_user",
    prop: "authUser",
    column: "auth_user",
    kind: { type: "text", maxLength: 200 },
    default: "",
  }),
  field({
    api: "auth_secret",
    prop: "authSecret",
    column: "auth_secret",
    kind: { type: "secret", maxLength: 4096 },
    default: "",
    derived: "kept when left out, empty or sent back masked",
  }),
  field({
    api: "user_agent",
    prop: "userAgent",
    column: "user_agent",
    kind: { type: "text", maxLength: 500 },
    default: DEFAULT_USER_AGENT,
  }),
  field({
    api: "assertions",
    prop: "assertions",
    column: "assertions",
    kind: { type: "assertions" },
    default: [],
  }),
  field({
    api: "degraded_ms",
    prop: "degradedMs",
    column: "degraded_ms",
    kind: { type: "int", min: 1, max: 120_000 },
    default: null,
  }),
  field({
    api: "degraded_checks",
    prop: "degradedChecks",
    column: "degraded_checks",
    kind: { type: "int", min: 1, max: 100 },
    default: 3,
  }),
  field({
    api: "cert_expiry_days",
    prop: "certExpiryDays",
    column: "cert_expiry_days",
    kind: { type: "days", min: 1, max: 365, maxCount: 10 },
    default: [30, 14, 7, 1],
  }),
  // Push monitors (kind "push"): when the next ping is expected. Checked together with the kind
  // and with each other by validateMonitor() (monitor/push_schedule.ts parses cron and zone).
  field({
    api: "schedule",
    prop: "pushSchedule",
    column: "push_schedule",
    kind: { type: "enum", values: ["period", "cron"] },
    default: "period",
  }),
  field({
    api: "period_s",
    prop: "pushPeriodS",
    column: "push_period_s",
    kind: { type: "int", min: 1, max: 31_536_000 },
    default: 86_400,
  }),
  field({
    api: "cron",
    prop: "pushCron",
    column: "push_cron",
    kind: { type: "text", maxLength: 200 },
    default: "",
  }),
  field({
    api: "timezone",
    prop: "pushTimezone",
    column: "push_timezone",
    kind: { type: "text", maxLength: 64 },
    default: "UTC",
  }),
  field({
    api: "grace_s",
    prop: "pushGraceS",
    column: "push_grace_s",
    kind: { type: "int", min: 0, max: 31_536_000 },
    default: 3600,
  }),
  field({
    api: "public_badges",
    prop: "publicBadges",
    column: "public_badges",
    kind: { type: "bool" },
    default: false,
  }),
] as const;

/** A registry entry as stored in the table. */
export type MonitorFieldSpec = (typeof MONITOR_FIELD_SPECS)[number];
/** An API field name. */
export type MonitorFieldName = MonitorFieldSpec["api"];

/** Compile-time check: every `MonitorFields` property has an entry. */
type Unregistered = Exclude<keyof MonitorFields, MonitorFieldSpec["prop"]>;
const _everyPropertyRegistered: [Unregistered] extends [never] ? true : Unregistered = true;
void _everyPropertyRegistered;

/**
 * Validation of monitor input from the API (JSON) and the dashboard (form strings). Each field is
 * parsed by its kind's parser (./monitor_fields.ts) as the field registry
 * (./store/field_registry.ts) declares it; the rules that involve more than one field are written
 * out here.
 */
import type { Monitor, MonitorKind } from "./types.ts";
import type { MonitorFields } from "./store/records.ts";
import { cronError, timeZoneError } from "./push_schedule.ts";
import {
  DEFAULTS,
  fieldSpec,
  isBlank,
  isMonitorField,
  maskSecret,
  MONITOR_FIELD_SPECS,
  MONITOR_FIELDS,
  type MonitorFieldName,
  type MonitorInput,
  parseByKind,
  type Parsed,
  parseEnum,
  parseIds,
  parseReference,
  parseTarget,
  parseText,
  parseWholeNumber,
  SECRET_MASK,
  unknownFieldErrors,
} from "./monitor_fields.ts";

export {
  CONTROL_CHARS_MESSAGE,
  DEFAULTS,
  hasControlChars,
  LIMITS,
  MONITOR_FIELDS,
  type MonitorInput,
  monitorToInput,
} from "./monitor_fields.ts";

/** What a parent lookup returns: enough to check nesting rules. */
export interface ParentInfo {
  id: number;
  parentId: number | null;
}

/** Context needed to validate references. */
export interface ValidateContext {
  /** The monitor being edited, if any. */
  existing?: Monitor;
  getParent(id: number): ParentInfo | null;
  /** Whether the edited monitor has internal apps (then it cannot become one). */
  hasChildren?: boolean;
  /** Ids of the configured notification channels. */
  channelIds?: ReadonlySet<number>;
  /** The channels a new monitor gets when its input names none. */
  defaultChannelIds?: readonly number[];
  /** Reject fields not in MONITOR_FIELDS (the API); forms pass false. */
  rejectUnknown?: boolean;
}

/**
 * Validates input into storable fields, or returns every field error at once (unknown fields
 * first, then in form order). Absent optional fields take their defaults.
 */
export function validateMonitor(
  input: MonitorInput,
  ctx: ValidateContext,
): { fields: MonitorFields; errors?: undefined } | { errors: Record<string, string> } {
  const errors: Record<string, string> = ctx.rejectUnknown ? unknownFieldErrors(input) : {};
  const fields: Partial<Record<keyof MonitorFields, unknown>> = {};
  const take = <T>(name: MonitorFieldName, parsed: Parsed<T>, fallback: T): T => {
    if (parsed === null) return fallback;
    if (parsed.error !== undefined) {
      errors[name] = parsed.error;
      return fallback;
    }
    return parsed.value;
  };
  const int = (
    name: "interval_s" | "timeout_ms" | "retry_interval_s",
    fallback: number,
  ): number => {
    const { min, max } = fieldSpec(name).kind;
    return take(name, parseWholeNumber(input[name], min, max), fallback);
  };

  // url and kind: the URL's scheme decides the kind; a kind given as well must match it. A push
  // monitor has no target (it is pinged), so its URL is the fixed placeholder PUSH_URL.
  let kind: MonitorKind = "http";
  const givenKind = parseEnum(input.kind, fieldSpec("kind").kind.values);
  if (givenKind !== null && givenKind.error === undefined && givenKind.value === "push") {
    kind = "push";
    fields.url = PUSH_URL;
    if (!isBlank(input.url) && input.url !== PUSH_URL) {
      errors.url = "A push monitor has no URL: the job calls its ping URL; leave this empty";
    }
  } else {
    const target = parseTarget(input.url, fieldSpec("url").kind.maxLength);
    if (target.error !== undefined) {
      errors.url = target.error;
      fields.url = "";
    } else {
      fields.url = target.value.url;
      kind = target.value.kind;
    }
    if (givenKind !== null) {
      if (givenKind.error !== undefined) errors.kind = givenKind.error;
      else if (!errors.url && givenKind.value !== kind) {
        errors.kind = givenKind.value === "tcp"
          ? "A tcp monitor needs a tcp://host:port URL"
          : givenKind.value === "dns"
          ? "A dns monitor needs a dns://name?type=A URL"
          : "An http monitor needs an http:// or https:// URL";
      }
    }
  }
  fields.kind = kind;

  // timing: the timeout fits in the interval; retries default to the interval.
  const intervalS = int("interval_s", DEFAULTS.interval_s!);
  const timeoutMs = int("timeout_ms", Math.min(DEFAULTS.timeout_ms!, intervalS * 1000));
  if (!errors.timeout_ms && !errors.interval_s && timeoutMs > intervalS * 1000) {
    errors.timeout_ms = `Must not be longer than the interval (${intervalS * 1000} ms)`;
  }
  fields.intervalS = intervalS;
  fields.timeoutMs = timeoutMs;
  fields.retryIntervalS = int("retry_interval_s", intervalS);

  // parent: an existing website, not this monitor, and only if this one has no internal apps.
  fields.parentId = null;
  const parent = parseReference(input.parent_id);
  if (parent !== null) {
    if (parent.error !== undefined) errors.parent_id = parent.error;
    else {
      const id = parent.value;
      if (ctx.existing && id === ctx.existing.id) {
        errors.parent_id = "A monitor cannot be its own parent";
      } else {
        const p = ctx.getParent(id);
        if (!p) errors.parent_id = `No website with id ${id}`;
        else if (p.parentId !== null) {
          errors.parent_id = "That monitor is itself an internal app; pick a website";
        } else if (ctx.hasChildren) {
          errors.parent_id = "This website has internal apps, so it cannot become one";
        } else fields.parentId = id;
      }
    }
  }

  // channels: configured ones only. A new website that names none gets the default ones; a new
  // internal app gets none, so it uses its website's.
  const channels = parseIds(input.channel_ids, fieldSpec("channel_ids").kind.maxCount);
  if (channels === null) {
    fields.channelIds = ctx.existing
      ? ctx.existing.channelIds
      : fields.parentId === null
      ? [...(ctx.defaultChannelIds ?? [])]
      : [];
  } else if (channels.error !== undefined) {
    errors.channel_ids = channels.error;
  } else {
    const missing = channels.value.filter((id) => !ctx.channelIds?.has(id));
    if (missing.length) {
      errors.channel_ids = `No notification channel with id ${missing.join(", ")}`;
    } else fields.channelIds = channels.value;
  }

  // auth_secret: left out, empty or sent back masked keeps the stored one (it is never shown).
  const stored = ctx.existing?.authSecret ?? "";
  const givenSecret = input.auth_secret;
  if (isBlank(givenSecret) || (stored !== "" && givenSecret === maskSecret(stored))) {
    fields.authSecret = stored;
  } else if (typeof givenSecret === "string" && givenSecret.trim().startsWith(SECRET_MASK)) {
    errors.auth_secret = "Type the secret itself, not its mask";
  } else {
    fields.authSecret = take(
      "auth_secret",
      parseText(givenSecret, fieldSpec("auth_secret").kind.maxLength),
      "",
    );
  }

  // Every other field on its own: its kind's parser, or its default when left out.
  for (const f of MONITOR_FIELD_SPECS) {
    if (f.prop in fields) continue;
    const parsed = parseByKind(f.kind, input[f.api], "required" in f && f.required);
    fields[f.prop] = take(f.api, parsed, "default" in f ? f.default : undefined);
  }

  httpOptionRules(fields as MonitorFields, errors);
  // A check slower than its timeout fails, so a DEGRADED threshold must be below it.
  const slow = fields.degradedMs as number | null;
  if (!errors.degraded_ms && !errors.timeout_ms && slow !== null && slow >= timeoutMs) {
    errors.degraded_ms = `Must be shorter than the timeout (${timeoutMs} ms)`;
  }
  pushRules(fields as MonitorFields, errors);

  if (Object.keys(errors).length === 0) {
    const inOrder: Record<string, unknown> = {};
    for (const f of MONITOR_FIELD_SPECS) inOrder[f.prop] = fields[f.prop];
    return { fields: inOrder as MonitorFields };
  }
  const ordered: Record<string, string> = {};
  for (const key of Object.keys(errors)) {
    if (!isMonitorField(key)) ordered[key] = errors[key];
  }
  for (const key of MONITOR_FIELDS) if (key in errors) ordered[key] = errors[key];
  return { errors: ordered };
}

/** HTTP request options that a monitor can change from their defaults. */
const HTTP_OPTIONS = [
  "http_method",
  "http_headers",
  "http_body",
  "auth",
  "user_agent",
  "assertions",
] as const satisfies readonly MonitorFieldName[];

/** Methods that send no body. */
const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

/** Why a kind other than http refuses the HTTP request options. */
const NOT_HTTP: Record<Exclude<MonitorKind, "http">, string> = {
  tcp: "Only for http monitors: a tcp check opens a connection and sends nothing",
  dns: "Only for http monitors: a dns check sends a DNS query, not an HTTP request",
  push: "Only for http monitors: a push monitor is pinged by its job and sends nothing",
};

/** The URL stored for a push monitor: it has no target, and its ping URL holds a secret. */
export const PUSH_URL = "push://";

/** The push schedule fields, which other kinds keep at their defaults. */
const PUSH_FIELDS = [
  "schedule",
  "period_s",
  "cron",
  "timezone",
  "grace_s",
] as const satisfies readonly MonitorFieldName[];

/**
 * The push schedule rules: a cron schedule needs a valid 5-field expression, the zone must be an
 * IANA name, and monitors of other kinds keep every push default (so a typo is never ignored).
 */
function pushRules(fields: MonitorFields, errors: Record<string, string>): void {
  if (fields.kind !== "push") {
    for (const name of PUSH_FIELDS) {
      const spec = fieldSpec(name);
      const isDefault = JSON.stringify(fields[spec.prop]) === JSON.stringify(spec.default);
      if (!errors[name] && !isDefault) errors[name] = "Only for push monitors";
    }
    return;
  }
  if (!errors.timezone) {
    const tz = timeZoneError(fields.pushTimezone);
    if (tz) errors.timezone = tz;
  }
  if (errors.cron || errors.schedule) return;
  if (fields.pushSchedule === "cron") {
    if (fields.pushCron === "") errors.cron = "Required for a cron schedule, e.g. 0 3 * * *";
    else {
      const bad = cronError(fields.pushCron);
      if (bad) errors.cron = bad;
      else fields.pushCron = fields.pushCron.split(/\s+/).join(" ");
    }
  } else if (fields.pushCron !== "") {
    errors.cron = 'Only for a cron schedule: pick "cron" or leave this empty';
  }
}

/**
 * The rules between the HTTP request options: tcp and dns monitors keep every default, a body
 * needs a method that has one, and auth needs its credentials (which are cleared when auth is
 * none).
 */
function httpOptionRules(fields: MonitorFields, errors: Record<string, string>): void {
  if (fields.kind !== "http") {
    for (const name of HTTP_OPTIONS) {
      const spec = fieldSpec(name);
      const value = fields[spec.prop];
      const isDefault = JSON.stringify(value) === JSON.stringify(spec.default);
      if (!errors[name] && !isDefault) errors[name] = NOT_HTTP[fields.kind];
    }
    fields.authUser = "";
    fields.authSecret = "";
    return;
  }
  if (!errors.http_body && !errors.http_method && fields.httpBody !== "") {
    if (BODYLESS_METHODS.has(fields.httpMethod)) {
      errors.http_body =
        `A ${fields.httpMethod} request has no body: pick POST, PUT, PATCH, DELETE or OPTIONS`;
    }
  }
  if (errors.auth) return;
  if (fields.auth === "none") {
    fields.authUser = "";
    fields.authSecret = "";
    return;
  }
  if (fields.auth === "basic") {
    if (!errors.auth_user && fields.authUser === "") errors.auth_user = "Required for basic auth";
    else if (fields.authUser.includes(":")) errors.auth_user = "Must not contain a colon";
  } else fields.authUser = "";
  if (!errors.auth_secret && fields.authSecret === "") {
    errors.auth_secret = fields.auth === "basic"
      ? "Required for basic auth: the password"
      : "Required for bearer auth: the token";
  } else if (!errors.auth_secret && fields.auth === "bearer" && /\s/.test(fields.authSecret)) {
    errors.auth_secret = "A bearer token has no spaces";
  }
}

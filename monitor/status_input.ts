/**
 * Input checks of status pages, incidents and logos, as the API and the dashboard send them.
 * Each collects every problem into one `ValidationError` (field → message).
 */
import { ValidationError } from "./errors.ts";
import { isBlank, parseBool, parseText } from "./monitor_fields.ts";
import {
  INCIDENT_UPDATE_STATUSES,
  type IncidentUpdateStatus,
  type StatusIncidentFields,
  type StatusPageEntry,
  type StatusPageFields,
  type StatusUpdateFields,
} from "./store/status_records.ts";

/** Status page input, in API names. */
export interface StatusPageInput {
  title?: unknown;
  slug?: unknown;
  description?: unknown;
  custom_domain?: unknown;
  /** `[{ monitor_id, display_name?, show_apps? }]`, in display order. */
  entries?: unknown;
}

/** Incident input, in API names; `status` and `message` make its first update on creation. */
export interface IncidentInput {
  title?: unknown;
  monitor_ids?: unknown;
  status?: unknown;
  message?: unknown;
}

/** Incident update input. */
export interface UpdateInput {
  status?: unknown;
  message?: unknown;
}

/** The top-level keys of each input, for refusing unknown ones. */
export const PAGE_KEYS = ["title", "slug", "description", "custom_domain", "entries"] as const;
export const INCIDENT_KEYS = ["title", "monitor_ids", "status", "message"] as const;
export const UPDATE_KEYS = ["status", "message"] as const;

/** Slugs that would read as something else (or be confusing next to the dashboard's paths). */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "admin",
  "api",
  "badge",
  "feed",
  "healthz",
  "login",
  "logout",
  "metrics",
  "monitors",
  "new",
  "partials",
  "ping",
  "settings",
  "setup",
  "static",
  "status",
  "status-pages",
]);

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Limits. */
export const LIMITS = {
  title: 200,
  slug: 64,
  description: 2000,
  domain: 253,
  entries: 200,
  displayName: 200,
  incidentTitle: 200,
  message: 10_000,
  /** Logo bytes. */
  logo: 256 * 1024,
} as const;

/** Lower-cased host name without a trailing dot or port; null when not a valid host name. */
export function normalizeHost(raw: string): string | null {
  let h = raw.trim().toLowerCase();
  if (h.endsWith(".")) h = h.slice(0, -1);
  if (h === "" || h.length > LIMITS.domain) return null;
  const labels = h.split(".");
  if (!labels.every((l) => LABEL.test(l))) return null;
  // An IPv4 address is not a domain.
  if (labels.every((l) => /^\d+$/.test(l))) return null;
  return h;
}

/** The host of a Host header value ("Status.Example.com:8443" → "status.example.com"). */
export function hostOfHeader(header: string | undefined): string | null {
  if (!header) return null;
  const h = header.trim().replace(/:\d+$/, "");
  return normalizeHost(h);
}

/** Text that may span lines: CRLF becomes LF; other control characters are refused. */
export function parseMultiline(
  v: unknown,
  maxLength: number,
  required: boolean,
): { value: string } | { error: string } | null {
  const s = typeof v === "string" ? v.replace(/\r\n?/g, "\n").trim() : "";
  if (s === "") return required ? { error: "Required" } : null;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.test(s)) {
    return { error: "Must not contain control characters other than line breaks and tabs" };
  }
  if (s.length > maxLength) return { error: `At most ${maxLength} characters` };
  return { value: s };
}

const fail = (errors: Record<string, string>) => {
  if (Object.keys(errors).length) {
    throw new ValidationError(errors, Object.values(errors).join("; "));
  }
};

/** Parses a status page's fields; `monitorName` names existing monitors (undefined = none). */
export function parseStatusPage(
  input: StatusPageInput,
  opts: {
    existing: StatusPageFields | null;
    monitorName: (id: number) => string | undefined;
    /** The dashboard's own host, which a custom domain must not take over. */
    appHost: string | null;
  },
): StatusPageFields {
  const errors: Record<string, string> = {};
  const base = opts.existing;
  const out: StatusPageFields = {
    title: base?.title ?? "",
    slug: base?.slug ?? "",
    description: base?.description ?? "",
    customDomain: base?.customDomain ?? null,
    entries: base?.entries ?? [],
  };
  if (input.title !== undefined || !base) {
    const t = parseText(input.title, LIMITS.title, true);
    if (t?.error !== undefined) errors.title = t.error;
    else if (t) out.title = t.value;
  }
  if (input.slug !== undefined || !base) {
    const s = typeof input.slug === "string" ? input.slug.trim() : "";
    if (s === "") errors.slug = "Required";
    else if (s.length > LIMITS.slug) errors.slug = `At most ${LIMITS.slug} characters`;
    else if (!SLUG.test(s)) {
      errors.slug = "Use lower-case letters, digits and single hyphens (such as acme-status)";
    } else if (RESERVED_SLUGS.has(s)) errors.slug = `"${s}" is reserved: choose another`;
    else out.slug = s;
  }
  if (input.description !== undefined) {
    const d = parseMultiline(input.description, LIMITS.description, false);
    if (d && "error" in d) errors.description = d.error;
    else out.description = d?.value ?? "";
  }
  if (input.custom_domain !== undefined) {
    if (isBlank(input.custom_domain)) out.customDomain = null;
    else if (typeof input.custom_domain !== "string") errors.custom_domain = "Must be a host name";
    else {
      const h = normalizeHost(input.custom_domain);
      if (!h) errors.custom_domain = "Must be a host name such as status.example.com";
      else if (h === opts.appHost) {
        errors.custom_domain = "That is the dashboard's own host name: choose another";
      } else out.customDomain = h;
    }
  }
  if (input.entries !== undefined) {
    const r = parseEntries(input.entries, opts.monitorName, errors);
    if (r) out.entries = r;
  }
  fail(errors);
  return out;
}

function parseEntries(
  raw: unknown,
  monitorName: (id: number) => string | undefined,
  errors: Record<string, string>,
): StatusPageEntry[] | null {
  if (!Array.isArray(raw)) {
    errors.entries = "Must be a list of { monitor_id, display_name, show_apps }";
    return null;
  }
  if (raw.length > LIMITS.entries) {
    errors.entries = `At most ${LIMITS.entries} entries`;
    return null;
  }
  const seen = new Set<number>();
  const out: StatusPageEntry[] = [];
  raw.forEach((e, i) => {
    const at = `entries.${i}`;
    if (typeof e !== "object" || e === null || Array.isArray(e)) {
      errors[at] = "Must be an object";
      return;
    }
    const o = e as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!["monitor_id", "display_name", "show_apps"].includes(k)) {
        errors[`${at}.${k}`] = "Unknown field";
      }
    }
    const id = typeof o.monitor_id === "string" && /^\d{1,15}$/.test(o.monitor_id)
      ? Number(o.monitor_id)
      : o.monitor_id;
    if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) {
      errors[`${at}.monitor_id`] = "Must be a monitor id";
      return;
    }
    const name = monitorName(id);
    if (name === undefined) {
      errors[`${at}.monitor_id`] = `No monitor with id ${id}`;
      return;
    }
    if (seen.has(id)) {
      errors[`${at}.monitor_id`] = "Listed twice";
      return;
    }
    seen.add(id);
    const d = parseText(o.display_name, LIMITS.displayName);
    if (d?.error !== undefined) errors[`${at}.display_name`] = d.error;
    const b = parseBool(o.show_apps);
    if (b?.error !== undefined) errors[`${at}.show_apps`] = b.error;
    out.push({
      monitorId: id,
      displayName: d && d.error === undefined ? d.value : name,
      showApps: b && b.error === undefined ? b.value : false,
    });
  });
  return out;
}

function parseStatus(
  v: unknown,
  required: boolean,
): IncidentUpdateStatus | { error: string } | null {
  if (isBlank(v)) return required ? { error: "Required" } : null;
  if (typeof v !== "string" || !(INCIDENT_UPDATE_STATUSES as readonly string[]).includes(v)) {
    return { error: `Must be ${INCIDENT_UPDATE_STATUSES.join(", ")}` };
  }
  return v as IncidentUpdateStatus;
}

/** Parses an update (status and message both required). */
export function parseUpdate(input: UpdateInput): StatusUpdateFields {
  const errors: Record<string, string> = {};
  const s = parseStatus(input.status, true);
  if (typeof s === "object" && s) errors.status = s.error;
  const m = parseMultiline(input.message, LIMITS.message, true);
  if (m && "error" in m) errors.message = m.error;
  fail(errors);
  return { status: s as IncidentUpdateStatus, message: (m as { value: string }).value };
}

/**
 * Parses an incident's fields; `pageMonitorIds` are the ids its `monitor_ids` may name (the
 * page's entries). With `existing`, absent fields keep their values.
 */
export function parseIncident(
  input: IncidentInput,
  pageMonitorIds: ReadonlySet<number>,
  existing: StatusIncidentFields | null,
): StatusIncidentFields {
  const errors: Record<string, string> = {};
  const out: StatusIncidentFields = {
    title: existing?.title ?? "",
    monitorIds: existing?.monitorIds ?? [],
  };
  if (input.title !== undefined || !existing) {
    const t = parseText(input.title, LIMITS.incidentTitle, true);
    if (t?.error !== undefined) errors.title = t.error;
    else if (t) out.title = t.value;
  }
  if (input.monitor_ids !== undefined && input.monitor_ids !== null) {
    const raw = input.monitor_ids;
    if (!Array.isArray(raw)) errors.monitor_ids = "Must be a list of the page's monitor ids";
    else {
      const ids = raw.map((v) => typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : v);
      const bad = ids.find((v) => typeof v !== "number" || !pageMonitorIds.has(v));
      if (bad !== undefined) errors.monitor_ids = `Not a monitor of this page: ${String(bad)}`;
      else out.monitorIds = [...new Set(ids as number[])];
    }
  }
  fail(errors);
  return out;
}

/** Logo types we accept, recognised by their bytes (never by the name or declared type). */
export type LogoType = "image/png" | "image/jpeg" | "image/webp" | "image/svg+xml";

/** The image type of `data`, or null when it is none we accept. */
export function sniffLogo(data: Uint8Array): LogoType | null {
  const starts = (...b: number[]) => b.every((x, i) => data[i] === x);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (
    starts(0x52, 0x49, 0x46, 0x46) && data[8] === 0x57 && data[9] === 0x45 &&
    data[10] === 0x42 && data[11] === 0x50
  ) return "image/webp";
  const head = new TextDecoder("utf-8", { fatal: false }).decode(data.subarray(0, 1024))
    .replace(/^\uFEFF/, "").trimStart();
  // An SVG document: optional XML declaration, comments or doctype, then the <svg> element.
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(head)) {
    return "image/svg+xml";
  }
  return null;
}

/** Checks an uploaded logo: size and type. */
export function parseLogo(data: Uint8Array): { type: LogoType; data: Uint8Array } {
  if (data.byteLength === 0) throw new ValidationError({ logo: "The file is empty" }, "Empty logo");
  if (data.byteLength > LIMITS.logo) {
    throw new ValidationError(
      { logo: `At most 256 KB (this file is ${Math.ceil(data.byteLength / 1024)} KB)` },
      "Logo too large",
    );
  }
  const type = sniffLogo(data);
  if (!type) {
    throw new ValidationError({ logo: "Must be a PNG, JPEG, WebP or SVG image" }, "Not an image");
  }
  return { type, data };
}

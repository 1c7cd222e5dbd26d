/**
 * What is derived from the monitor field registry (`monitor/store/field_registry.ts`, which also
 * says which files a new field touches) above storage: the API field list, defaults and limits,
 * one parser per field kind, `monitorToInput()` for the API JSON and PATCH merges, the
 * unknown-field check, and the dashboard form's values and checkbox normalisation.
 *
 * Cross-field rules (URL ↔ kind, timeout ≤ interval, retry interval defaulting to the interval,
 * parent rules) are explicit code in `validateMonitor()`, which uses these parsers.
 */
import type { Monitor, MonitorKind } from "./types.ts";
import { formatDnsUrl, parseDnsUrl } from "./dns_target.ts";
import {
  type FieldKind,
  MONITOR_FIELD_SPECS,
  type MonitorFieldName,
  type MonitorFields,
  type MonitorFieldSpec,
} from "./store/field_registry.ts";
import { normalizeExpectedStatus } from "./expected_status.ts";
import { formatAssertions, parseAssertions } from "./assertions.ts";
import { isEmailAddress } from "./config.ts";

export {
  type FieldKind,
  type FieldSpec,
  MONITOR_FIELD_SPECS,
  type MonitorFieldName,
  type MonitorFieldSpec,
} from "./store/field_registry.ts";

/** Monitor input with the API's snake_case field names. Values may be strings (forms). */
export type MonitorInput = Record<string, unknown>;

/** The API field names, in form order. */
export const MONITOR_FIELDS: readonly MonitorFieldName[] = MONITOR_FIELD_SPECS.map((f) => f.api);

const BY_NAME = new Map<string, MonitorFieldSpec>(MONITOR_FIELD_SPECS.map((f) => [f.api, f]));

/** The registry entry of an API field name. */
export function fieldSpec<A extends MonitorFieldName>(
  api: A,
): Extract<MonitorFieldSpec, { api: A }> {
  return BY_NAME.get(api) as Extract<MonitorFieldSpec, { api: A }>;
}

/** Whether `name` is an API field name. */
export function isMonitorField(name: string): name is MonitorFieldName {
  return BY_NAME.has(name);
}

/** Defaults for a new monitor, by API name (fields that have one). */
export const DEFAULTS: {
  readonly [S in MonitorFieldSpec as S["api"]]?: MonitorFields[S["prop"]];
} = Object.fromEntries(
  MONITOR_FIELD_SPECS.flatMap((f) => ("default" in f ? [[f.api, f.default]] : [])),
);

type IntSpec = Extract<MonitorFieldSpec, { kind: { type: "int" } }>;
/** Limits enforced on numeric fields, shown in messages. */
export const LIMITS: { readonly [S in IntSpec as S["api"]]: readonly [number, number] } = Object
  .fromEntries(
    MONITOR_FIELD_SPECS.flatMap((f) =>
      f.kind.type === "int" ? [[f.api, [f.kind.min, f.kind.max] as const]] : []
    ),
  ) as { readonly [S in IntSpec as S["api"]]: readonly [number, number] };

/** What a stored secret is shown as: never the secret itself. */
export const SECRET_MASK = "••••";

/**
 * A secret as the API and the form show it: "" when there is none, else `••••` followed by its
 * last 2 characters when it is at least 8 long (so short ones give nothing away). Sending the
 * mask back keeps the stored secret.
 */
export function maskSecret(secret: string): string {
  if (secret === "") return "";
  return secret.length >= 8 ? SECRET_MASK + secret.slice(-2) : SECRET_MASK;
}

/**
 * Converts a stored monitor back to API input (for PATCH merges, edit forms and API JSON).
 * Secrets come out masked; `validateMonitor()` keeps the stored one when the mask comes back.
 */
export function monitorToInput(m: Monitor): MonitorInput {
  const out: MonitorInput = {};
  for (const f of MONITOR_FIELD_SPECS) {
    out[f.api] = f.kind.type === "secret" ? maskSecret(m[f.prop] as string) : m[f.prop];
  }
  return out;
}

/** "Unknown field" for every key of `input` that is not an API field name. */
export function unknownFieldErrors(input: MonitorInput): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const key of Object.keys(input)) if (!isMonitorField(key)) errors[key] = "Unknown field";
  return errors;
}

// ---- Parsers ------------------------------------------------------------------------------

/**
 * C0 and C1 control characters (NUL, tab, CR, LF, ESC, DEL …) and the Unicode line and paragraph
 * separators. In a name they end up in log lines and email subjects, where they truncate the text
 * (NUL) or split one header or line into two.
 */
const CONTROL_CHARS = /[\p{Cc}\u2028\u2029]/u;

/** The field error for free text containing a control character. */
export const CONTROL_CHARS_MESSAGE =
  "Must not contain control characters (such as tabs or line breaks)";

/** Whether `s` contains a control character or a line separator. */
export function hasControlChars(s: string): boolean {
  return CONTROL_CHARS.test(s);
}

/** Whether an input value counts as left out. */
export const isBlank = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** A parser's outcome: a value, an error message, or blank (take the default). */
export type Parsed<T> = { value: T; error?: undefined } | { error: string } | null;

const TRUE_WORDS = ["true", "on", "1", "yes"];
const FALSE_WORDS = ["false", "off", "0", "no"];

/** Parses text (trimmed). Blank gives null, or "Required" when required. */
export function parseText(v: unknown, maxLength: number, required = false): Parsed<string> {
  const s = typeof v === "string" ? v.trim() : "";
  if (s === "") return required ? { error: "Required" } : null;
  if (hasControlChars(s)) return { error: CONTROL_CHARS_MESSAGE };
  if (s.length > maxLength) return { error: `At most ${maxLength} characters` };
  return { value: s };
}

/** Parses a whole number within `[min, max]` (a number or digits in a string). */
export function parseWholeNumber(v: unknown, min: number, max: number): Parsed<number> {
  if (isBlank(v)) return null;
  const n = typeof v === "number"
    ? v
    : typeof v === "string" && /^\s*-?\d+\s*$/.test(v)
    ? Number(v)
    : NaN;
  if (!Number.isInteger(n)) return { error: "Must be a whole number" };
  if (n < min || n > max) return { error: `Must be from ${min} to ${max}` };
  return { value: n };
}

/** Parses a boolean, or one of true/on/1/yes and false/off/0/no in any case. */
export function parseBool(v: unknown): Parsed<boolean> {
  if (isBlank(v)) return null;
  if (typeof v === "boolean") return { value: v };
  if (typeof v === "string" && TRUE_WORDS.includes(v.toLowerCase())) return { value: true };
  if (typeof v === "string" && FALSE_WORDS.includes(v.toLowerCase())) return { value: false };
  return { error: "Must be true or false" };
}

/** Parses one of `values` (exactly). */
export function parseEnum(v: unknown, values: readonly string[]): Parsed<string> {
  if (isBlank(v)) return null;
  if (typeof v !== "string" || !values.includes(v)) {
    return { error: `Must be ${values.map((x) => JSON.stringify(x)).join(" or ")}` };
  }
  return { value: v };
}

/** Parses and normalises an expected-status spec. */
export function parseExpectedStatus(v: unknown): Parsed<string> {
  if (isBlank(v)) return null;
  try {
    return { value: normalizeExpectedStatus(String(v)) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/**
 * Parses an email list: an array of strings, or one string separated by spaces, commas,
 * semicolons or lines. Trimmed and deduplicated; an invalid list gives the error and `[]`.
 */
export function parseEmails(v: unknown, maxCount: number): Parsed<string[]> {
  if (isBlank(v)) return null;
  const list = Array.isArray(v) ? v : typeof v === "string" ? v.split(/[\s,;]+/) : null;
  if (!list || list.some((x) => typeof x !== "string")) {
    return { error: "Must be a list of email addresses" };
  }
  const cleaned = [...new Set((list as string[]).map((x) => x.trim()).filter((x) => x !== ""))];
  // Checked first so that the error message never echoes a control character back.
  if (cleaned.some(hasControlChars)) return { error: CONTROL_CHARS_MESSAGE };
  const bad = cleaned.filter((x) => !isEmailAddress(x));
  if (bad.length) return { error: `Not a valid email address: ${bad.join(", ")}` };
  if (cleaned.length > maxCount) return { error: `At most ${maxCount} addresses` };
  return { value: cleaned };
}

/**
 * The items of a list value: an array as it is, or text split at spaces, commas and semicolons;
 * `[null]` for anything else, so that the caller's item check fails.
 */
function listItems(v: unknown): unknown[] {
  return Array.isArray(v)
    ? v
    : typeof v === "string"
    ? v.split(/[\s,;]+/).filter((x) => x !== "")
    : [null];
}

/** A whole number given as a number or as at most `digits` digits; NaN otherwise. */
function wholeNumber(x: unknown, digits: number): number {
  return typeof x === "number"
    ? x
    : typeof x === "string" && new RegExp(`^\\d{1,${digits}}$`).test(x.trim())
    ? Number(x)
    : NaN;
}

/**
 * Parses a list of channel ids (numbers, or digits separated by spaces or commas). Blank text is
 * the empty list; only a missing value (undefined) means "not given".
 */
export function parseIds(v: unknown, maxCount: number): Parsed<number[]> {
  if (v === undefined || v === null) return null;
  const ids: number[] = [];
  for (const x of listItems(v)) {
    const n = wholeNumber(x, 15);
    if (!Number.isSafeInteger(n) || n < 1) return { error: "Must be a list of channel ids" };
    ids.push(n);
  }
  const unique = [...new Set(ids)];
  if (unique.length > maxCount) return { error: `At most ${maxCount} channels` };
  return { value: unique };
}

/**
 * Parses a list of day counts (numbers, or digits separated by spaces or commas), each within
 * `[min, max]`: distinct, largest first. Blank text is the empty list (never warn); only a
 * missing value (undefined) means "not given".
 */
export function parseDays(
  v: unknown,
  min: number,
  max: number,
  maxCount: number,
): Parsed<number[]> {
  if (v === undefined || v === null) return null;
  const days: number[] = [];
  for (const x of listItems(v)) {
    const n = wholeNumber(x, 6);
    if (!Number.isInteger(n)) return { error: "Must be a list of whole numbers of days" };
    if (n < min || n > max) return { error: `Each must be from ${min} to ${max} days` };
    days.push(n);
  }
  const unique = [...new Set(days)].sort((a, b) => b - a);
  if (unique.length > maxCount) return { error: `At most ${maxCount} values` };
  return { value: unique };
}

/** A tag: starts with a letter or digit; then letters, digits and `. _ : / -`. */
const TAG = /^[\p{L}\p{N}][\p{L}\p{N}._:\/-]*$/u;

/**
 * Parses tags: a list, or text separated by commas, spaces or lines. Tags are lower-cased,
 * distinct and sorted. Blank text is the empty list; only a missing value means "not given".
 *
 * @example
 * ```ts
 * import { parseTags } from "./monitor_fields.ts";
 * parseTags("Prod, eu-west prod", 40, 20); // { value: ["eu-west", "prod"] }
 * ```
 */
export function parseTags(v: unknown, maxLength: number, maxCount: number): Parsed<string[]> {
  if (v === undefined || v === null) return null;
  const list = Array.isArray(v) ? v : typeof v === "string" ? v.split(/[\s,;]+/) : null;
  if (!list || list.some((x) => typeof x !== "string")) return { error: "Must be a list of tags" };
  const tags = [
    ...new Set((list as string[]).map((x) => x.trim().toLowerCase()).filter((x) => x !== "")),
  ].sort();
  if (tags.some(hasControlChars)) return { error: CONTROL_CHARS_MESSAGE };
  const long = tags.find((t) => t.length > maxLength);
  if (long !== undefined) return { error: `A tag has at most ${maxLength} characters: "${long}"` };
  const bad = tags.find((t) => !TAG.test(t));
  if (bad !== undefined) {
    return {
      error: `Not a valid tag: "${bad}" (letters, digits and . _ : / - only, separated by commas)`,
    };
  }
  if (tags.length > maxCount) return { error: `At most ${maxCount} tags` };
  return { value: tags };
}

/** Parses a monitor id (a number or digits); whether it may be used is `validateMonitor()`'s. */
export function parseReference(v: unknown): Parsed<number> {
  if (isBlank(v)) return null;
  const id = typeof v === "number"
    ? v
    : typeof v === "string" && /^\d+$/.test(v.trim())
    ? Number(v)
    : NaN;
  if (!Number.isInteger(id)) return { error: "Must be the id of a website" };
  return { value: id };
}

/** Anything a URL must not contain raw: `new URL()` would silently percent-encode or drop it. */
const URL_FORBIDDEN_CHARS = /[\s\p{Cc}]/u;

/** The target schemes, as messages list them. */
const SCHEMES = "http://, https://, tcp://host:port or dns://name?type=A";

/**
 * Parses a probe target: an http(s) URL, `tcp://host:port` (stored without a path), or
 * `dns://name?type=…&server=…&expect=…` (stored in its canonical form, see `./dns_target.ts`).
 * Returns the kind the scheme implies. Blank is "Required".
 */
export function parseTarget(
  v: unknown,
  maxLength: number,
): { value: { url: string; kind: MonitorKind }; error?: undefined } | { error: string } {
  const url = typeof v === "string" ? v.trim() : "";
  if (url === "") return { error: "Required" };
  if (URL_FORBIDDEN_CHARS.test(url)) {
    // Checked on the raw text: the URL parser would quietly turn "a b" into "a%20b" (or strip a
    // tab), so the stored target would not be what was typed.
    return { error: "Must not contain spaces or control characters: write a space as %20" };
  }
  if (/^dns:/i.test(url)) {
    const dns = parseDnsUrl(url);
    if (dns.error !== undefined) return { error: dns.error };
    const canonical = formatDnsUrl(dns.value);
    if (canonical.length > maxLength) return { error: `At most ${maxLength} characters` };
    return { value: { url: canonical, kind: "dns" } };
  }
  const parsed = URL.canParse(url) ? new URL(url) : null;
  const scheme = parsed?.protocol.replace(/:$/, "").toLowerCase();
  if (!parsed || !scheme) {
    return { error: `Not a valid URL: use ${SCHEMES}` };
  }
  if (scheme !== "http" && scheme !== "https" && scheme !== "tcp") {
    return { error: `The ${scheme}: scheme is not allowed: use ${SCHEMES}` };
  }
  if (parsed.hostname === "") return { error: "The URL has no host" };
  if (parsed.port !== "" && !(Number(parsed.port) >= 1 && Number(parsed.port) <= 65535)) {
    // The parser accepts port 0, which no server listens on; a larger port fails to parse.
    return { error: "Port must be from 1 to 65535" };
  }
  if (scheme === "tcp") {
    if (!parsed.port) return { error: "A tcp:// target needs a port: tcp://host:port" };
    return { value: { url: `tcp://${parsed.host}`, kind: "tcp" } };
  }
  if (url.length > maxLength) return { error: `At most ${maxLength} characters` };
  return { value: { url, kind: "http" } };
}

/** HTTP header names (RFC 9110 tokens). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers a monitor may not set: the probe owns them, or `auth` does (and masks it). */
const RESERVED_HEADERS: Record<string, string> = {
  authorization: "Set credentials with auth, so they stay masked",
  "user-agent": "Use the User-Agent field",
  host: "The host comes from the URL",
  "content-length": "The probe sets Content-Length",
  "transfer-encoding": "The probe sets Transfer-Encoding",
  connection: "The probe manages the connection",
};

/**
 * Parses request headers: text with one `Name: value` per line (or a list of such lines).
 * Normalised to trimmed lines joined by "\n"; blank is null.
 */
export function parseHeaders(v: unknown, maxLength: number, maxCount: number): Parsed<string> {
  if (isBlank(v) || (Array.isArray(v) && v.length === 0)) return null;
  const lines = Array.isArray(v) ? v : typeof v === "string" ? v.split(/\r?\n/) : null;
  if (!lines || lines.some((l) => typeof l !== "string")) {
    return { error: "Must be lines of Name: value" };
  }
  const out: string[] = [];
  for (const [i, raw] of (lines as string[]).entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const where = lines.length > 1 ? `Line ${i + 1}: ` : "";
    const colon = line.indexOf(":");
    if (colon < 1) return { error: `${where}Must be Name: value` };
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!HEADER_NAME.test(name)) return { error: `${where}Not a valid header name` };
    if (hasControlChars(value)) return { error: `${where}${CONTROL_CHARS_MESSAGE}` };
    const reserved = RESERVED_HEADERS[name.toLowerCase()];
    if (reserved) return { error: `${where}${name} cannot be set here: ${reserved}` };
    out.push(`${name}: ${value}`);
  }
  if (out.length > maxCount) return { error: `At most ${maxCount} headers` };
  const text = out.join("\n");
  if (text.length > maxLength) return { error: `At most ${maxLength} characters` };
  return out.length ? { value: text } : null;
}

/** Headers text (as stored) → name/value pairs. */
export function headerPairs(text: string): [string, string][] {
  return text.split("\n").filter((l) => l !== "").map((l) => {
    const colon = l.indexOf(":");
    return [l.slice(0, colon).trim(), l.slice(colon + 1).trim()];
  });
}

/** Parses raw text kept as typed (line endings normalised to "\n"); only NUL is refused. */
export function parseRawText(v: unknown, maxLength: number): Parsed<string> {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string") return { error: "Must be text" };
  if (v.includes("\0")) return { error: "Must not contain NUL characters" };
  const s = v.replace(/\r\n?/g, "\n");
  if (s.length > maxLength) return { error: `At most ${maxLength} characters` };
  return { value: s };
}

/** Parses a value of a field of kind `kind` on its own (no cross-field rules). */
export function parseByKind(kind: FieldKind, v: unknown, required = false): Parsed<unknown> {
  switch (kind.type) {
    case "text":
      return parseText(v, kind.maxLength, required);
    case "url":
      return parseTarget(v, kind.maxLength);
    case "enum":
      return parseEnum(v, kind.values);
    case "expected_status":
      return parseExpectedStatus(v);
    case "int":
      return parseWholeNumber(v, kind.min, kind.max);
    case "bool":
      return parseBool(v);
    case "emails":
      return parseEmails(v, kind.maxCount);
    case "reference":
      return parseReference(v);
    case "ids":
      return parseIds(v, kind.maxCount);
    case "headers":
      return parseHeaders(v, kind.maxLength, kind.maxCount);
    case "body":
      return parseRawText(v, kind.maxLength);
    case "secret":
      return parseText(v, kind.maxLength);
    case "assertions":
      return parseAssertions(typeof v === "string" && v.trim() === "" ? [] : v);
    case "days":
      return parseDays(v, kind.min, kind.max, kind.maxCount);
    case "tags":
      return parseTags(v, kind.maxLength, kind.maxCount);
  }
}

// ---- Dashboard form -------------------------------------------------------------------------

/**
 * A field value as the form shows it: lists one per line (assertions in their line syntax), null
 * as empty, booleans "true"/"false".
 */
function formString(v: unknown, kind?: FieldKind): string {
  if (kind?.type === "assertions" && Array.isArray(v)) return formatAssertions(v);
  if ((kind?.type === "days" || kind?.type === "tags") && Array.isArray(v)) return v.join(", ");
  return Array.isArray(v) ? v.join("\n") : v === null || v === undefined ? "" : String(v);
}

/** Form values of a stored monitor, by API name. */
export function monitorFormValues(m: Monitor): Record<string, string> {
  const input = monitorToInput(m);
  const out: Record<string, string> = {};
  for (const f of MONITOR_FIELD_SPECS) out[f.api] = formString(input[f.api], f.kind);
  return out;
}

/** Form values for a new monitor: the defaults, empty where a field has none. */
export function newMonitorFormValues(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of MONITOR_FIELD_SPECS) {
    out[f.api] = formString("default" in f ? f.default : "", f.kind);
  }
  return out;
}

/**
 * The monitor fields of a posted form body, each as the string typed. Checkboxes are normalised
 * to "true"/"false": the form sends a hidden "false" before each box (the last value wins), and a
 * missing field also means unchecked, because the validator would otherwise apply its default.
 */
export function postedFormValues(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of MONITOR_FIELD_SPECS) {
    const v = body[f.api];
    // A name posted several times arrives as a list: the channel checkboxes (all of them count),
    // or a hidden "false" before a checked box (the last one wins).
    const list = Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : null;
    const s = typeof v === "string"
      ? v
      : list && f.kind.type === "ids"
      ? list.filter((x) => x !== "").join(",")
      : list?.at(-1) ?? "";
    out[f.api] = f.kind.type === "bool"
      ? (TRUE_WORDS.includes(s.toLowerCase()) ? "true" : "false")
      : s;
  }
  return out;
}

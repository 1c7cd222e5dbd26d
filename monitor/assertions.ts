/**
 * The assertions stage: checks over a bounded HTTP response whose status already matched. Pure:
 * no I/O, no clock. Three things live here:
 *
 * - `parseAssertions()`: API input (a list of objects or lines, or one text of lines) → a
 *   validated `Assertion[]`;
 * - `formatAssertion()`: an assertion → its line (the form's syntax, also the name used in
 *   messages); `parseAssertionLine(formatAssertion(a))` gives `a` back;
 * - `evaluate()`: the first failing assertion with a message naming it and what was seen, or null.
 *
 * Line syntax, one assertion per line:
 *
 * ```text
 * body contains "Welcome"          body contains Welcome      (quotes optional)
 * body !contains "Error"
 * body ~ /ok|fine/i                flags: i m s u
 * $.status == "ok"                 ops: exists == != < <= > >=; values are JSON (bare words are text)
 * $.items[0].id exists             paths: $ .key ['key'] ["key"] [n]
 * header content-type contains "json"
 * header x-version == "2"
 * time < 500                       response time under 500 ms
 * ```
 */
import type { Assertion, JsonPathOp, JsonValue } from "./types.ts";

export type { Assertion } from "./types.ts";

/** What the stage sees of a response. */
export interface AssertedResponse {
  status: number;
  headers: Headers;
  /** The body as read, at most the probe's cap, decoded as UTF-8. */
  body: string;
  latencyMs: number;
  /** The body was cut at the cap (so "not found" only speaks for what was read). */
  bodyTruncated: boolean;
}

/** A failed assertion: its line and what was seen. */
export interface AssertionFailure {
  assertion: Assertion;
  message: string;
}

/** Most assertions per monitor. */
export const MAX_ASSERTIONS = 20;
/** Longest keyword, header value or JSON string value. */
export const MAX_VALUE_LENGTH = 1000;
/** Longest regular expression (with a bounded body, keeps backtracking bounded too). */
export const MAX_PATTERN_LENGTH = 200;
/** A regular expression runs on at most this many characters of the body. */
export const REGEX_INPUT_LIMIT = 64 * 1024;

const JSON_OPS: readonly JsonPathOp[] = ["exists", "==", "!=", "<", "<=", ">", ">="];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

// ---- JSON paths ---------------------------------------------------------------------------

type Step = string | number;

/**
 * Parses a path prefix of `text` (`$`, `.key`, `['key']`, `["key"]`, `[n]`): its steps and where
 * it ended, or an error.
 */
function parsePathPrefix(text: string): { steps: Step[]; end: number } | { error: string } {
  if (text[0] !== "$") return { error: "A JSON path starts with $" };
  const steps: Step[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === ".") {
      const m = /^[A-Za-z_$][\w$-]*/.exec(text.slice(i + 1));
      if (!m) return { error: `Expected a key after "." at character ${i + 1}` };
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === "[") {
      const rest = text.slice(i);
      const index = /^\[(\d{1,9})\]/.exec(rest);
      const single = /^\['([^'\\]*)'\]/.exec(rest);
      const double = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
      if (index) {
        steps.push(Number(index[1]));
        i += index[0].length;
      } else if (single) {
        steps.push(single[1]);
        i += single[0].length;
      } else if (double) {
        try {
          steps.push(JSON.parse(double[1]) as string);
        } catch {
          return { error: `Bad quoted key at character ${i + 1}` };
        }
        i += double[0].length;
      } else return { error: `Expected [n], ['key'] or ["key"] at character ${i + 1}` };
    } else break;
  }
  return { steps, end: i };
}

/** Parses a whole JSON path into steps. */
export function parseJsonPath(path: string): Step[] | { error: string } {
  const p = parsePathPrefix(path);
  if ("error" in p) return p;
  if (p.end !== path.length) return { error: `Unexpected "${path.slice(p.end)}" in the path` };
  return p.steps;
}

/** Follows `steps` into `doc`; `found: false` when a step is missing. */
export function selectJsonPath(doc: unknown, steps: Step[]): { found: boolean; value?: unknown } {
  let cur: unknown = doc;
  for (const s of steps) {
    if (typeof s === "number") {
      if (!Array.isArray(cur) || s >= cur.length) return { found: false };
      cur = cur[s];
    } else {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, s)) {
        return { found: false };
      }
      cur = (cur as Record<string, unknown>)[s];
    }
  }
  return { found: true, value: cur };
}

// ---- Parsing ------------------------------------------------------------------------------

type Result<T> = { value: T; error?: undefined } | { error: string };

function checkText(v: unknown, what: string, allowEmpty = false): Result<string> {
  if (typeof v !== "string") return { error: `${what} must be text` };
  if (!allowEmpty && v === "") return { error: `${what} must not be empty` };
  if (CONTROL.test(v)) return { error: `${what} must not contain control characters` };
  if (v.length > MAX_VALUE_LENGTH) return { error: `${what} is longer than ${MAX_VALUE_LENGTH}` };
  return { value: v };
}

function checkRegex(pattern: unknown, flags: unknown): Result<{ pattern: string; flags: string }> {
  if (typeof pattern !== "string" || pattern === "") {
    return { error: "pattern must be a non-empty text" };
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { error: `pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  if (CONTROL.test(pattern)) return { error: "pattern must not contain control characters" };
  const f = flags === undefined ? "" : flags;
  if (typeof f !== "string" || !/^[imsu]*$/.test(f) || new Set(f).size !== f.length) {
    return { error: "flags may only be i, m, s and u" };
  }
  try {
    new RegExp(pattern, f);
  } catch (err) {
    return { error: `Not a valid regular expression: ${(err as Error).message}` };
  }
  return { value: { pattern, flags: f } };
}

function isJsonValue(v: unknown): v is JsonValue {
  return v === null || typeof v === "string" || typeof v === "boolean" ||
    (typeof v === "number" && Number.isFinite(v));
}

/** Validates one assertion object (exactly its type's keys). */
export function checkAssertion(v: unknown): Result<Assertion> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    return { error: "Must be an object with a type, or a line such as body contains Welcome" };
  }
  const o = v as Record<string, unknown>;
  const keys = (allowed: string[]): string | null => {
    const extra = Object.keys(o).filter((k) => k !== "type" && !allowed.includes(k));
    return extra.length ? `Unknown key ${extra.join(", ")} for type ${o.type}` : null;
  };
  switch (o.type) {
    case "body_contains":
    case "body_not_contains": {
      const extra = keys(["value"]);
      if (extra) return { error: extra };
      const t = checkText(o.value, "value");
      return t.error !== undefined ? t : { value: { type: o.type, value: t.value } };
    }
    case "body_regex": {
      const extra = keys(["pattern", "flags"]);
      if (extra) return { error: extra };
      const r = checkRegex(o.pattern, o.flags);
      if (r.error !== undefined) return r;
      return {
        value: r.value.flags
          ? { type: "body_regex", pattern: r.value.pattern, flags: r.value.flags }
          : { type: "body_regex", pattern: r.value.pattern },
      };
    }
    case "json_path": {
      const extra = keys(["path", "op", "value"]);
      if (extra) return { error: extra };
      if (typeof o.path !== "string" || o.path.length > MAX_VALUE_LENGTH) {
        return { error: "path must be a JSON path such as $.status" };
      }
      const steps = parseJsonPath(o.path);
      if ("error" in steps) return steps;
      if (!JSON_OPS.includes(o.op as JsonPathOp)) {
        return { error: `op must be one of ${JSON_OPS.join(" ")}` };
      }
      const op = o.op as JsonPathOp;
      if (op === "exists") {
        if ("value" in o) return { error: "exists takes no value" };
        return { value: { type: "json_path", path: o.path, op } };
      }
      if (!isJsonValue(o.value)) {
        return { error: "value must be a string, number, boolean or null" };
      }
      if (typeof o.value === "string") {
        const t = checkText(o.value, "value", true);
        if (t.error !== undefined) return t;
      }
      if (op !== "==" && op !== "!=" && typeof o.value !== "number") {
        return { error: `${op} compares numbers: value must be a number` };
      }
      return { value: { type: "json_path", path: o.path, op, value: o.value } };
    }
    case "header": {
      const extra = keys(["name", "op", "value"]);
      if (extra) return { error: extra };
      if (typeof o.name !== "string" || !HEADER_NAME.test(o.name) || o.name.length > 200) {
        return { error: "name must be a header name such as content-type" };
      }
      if (o.op !== "==" && o.op !== "contains") return { error: 'op must be "==" or "contains"' };
      const t = checkText(o.value, "value", o.op === "==");
      if (t.error !== undefined) return t;
      return { value: { type: "header", name: o.name.toLowerCase(), op: o.op, value: t.value } };
    }
    case "response_time_ms": {
      const extra = keys(["max"]);
      if (extra) return { error: extra };
      if (typeof o.max !== "number" || !Number.isInteger(o.max) || o.max < 1 || o.max > 120_000) {
        return { error: "max must be a whole number of milliseconds from 1 to 120000" };
      }
      return { value: { type: "response_time_ms", max: o.max } };
    }
    default:
      return {
        error:
          "type must be body_contains, body_not_contains, body_regex, json_path, header or response_time_ms",
      };
  }
}

/** A text operand of a line: a JSON string literal, or the rest of the line as typed. */
function lineText(rest: string): string {
  if (rest.startsWith('"')) {
    try {
      const v = JSON.parse(rest);
      if (typeof v === "string") return v;
    } catch { /* not a literal: take it as typed */ }
  }
  return rest;
}

/** A value operand of a JSON path line: JSON, or the rest of the line as text. */
function lineValue(rest: string): unknown {
  try {
    return JSON.parse(rest);
  } catch {
    return rest;
  }
}

/** Parses one line of the form's syntax (see the module comment). */
export function parseAssertionLine(line: string): Result<Assertion> {
  const s = line.trim();
  let m: RegExpExecArray | null;
  if ((m = /^body\s+(!?)contains\s+(.+)$/i.exec(s))) {
    return checkAssertion({
      type: m[1] ? "body_not_contains" : "body_contains",
      value: lineText(m[2]),
    });
  }
  if ((m = /^body\s*~\s*\/(.*)\/([a-z]*)$/i.exec(s))) {
    return checkAssertion({ type: "body_regex", pattern: m[1], ...(m[2] ? { flags: m[2] } : {}) });
  }
  if ((m = /^header\s+(\S+)\s+(==|contains)\s*(.*)$/i.exec(s))) {
    return checkAssertion({
      type: "header",
      name: m[1],
      op: m[2].toLowerCase(),
      value: lineText(m[3]),
    });
  }
  if ((m = /^time\s*<\s*(\d{1,9})\s*(?:ms)?$/i.exec(s))) {
    return checkAssertion({ type: "response_time_ms", max: Number(m[1]) });
  }
  if (s.startsWith("$")) {
    const p = parsePathPrefix(s);
    if ("error" in p) return p;
    const path = s.slice(0, p.end);
    const rest = s.slice(p.end).trim();
    if (rest === "exists") return checkAssertion({ type: "json_path", path, op: "exists" });
    const op = /^(==|!=|<=|>=|<|>)\s*(.*)$/.exec(rest);
    if (!op) return { error: `After ${path}: expected exists, ==, !=, <, <=, > or >=` };
    if (op[2] === "") return { error: `${path} ${op[1]}: a value is missing` };
    return checkAssertion({ type: "json_path", path, op: op[1], value: lineValue(op[2]) });
  }
  return {
    error:
      "Not an assertion: use body contains …, body !contains …, body ~ /…/, $.path == …, header name contains …, or time < N",
  };
}

/**
 * Parses API or form input: a list (of objects or lines), or one text with one line each.
 * Blank is null (no assertions given); errors name the assertion by position.
 */
export function parseAssertions(v: unknown): Result<Assertion[]> | null {
  if (v === undefined || v === null) return null;
  const items: unknown[] | null = Array.isArray(v)
    ? v
    : typeof v === "string"
    ? v.split(/\r?\n/).filter((l) => l.trim() !== "")
    : null;
  if (!items) return { error: "Must be a list of assertions" };
  if (items.length > MAX_ASSERTIONS) return { error: `At most ${MAX_ASSERTIONS} assertions` };
  const out: Assertion[] = [];
  for (const [i, item] of items.entries()) {
    const r = typeof item === "string" ? parseAssertionLine(item) : checkAssertion(item);
    if (r.error !== undefined) {
      return { error: items.length === 1 ? r.error : `Assertion ${i + 1}: ${r.error}` };
    }
    out.push(r.value);
  }
  return { value: out };
}

// ---- Formatting ---------------------------------------------------------------------------

const quote = (s: string) => JSON.stringify(s);

/** The assertion as a line of the form's syntax (also its name in messages). */
export function formatAssertion(a: Assertion): string {
  switch (a.type) {
    case "body_contains":
      return `body contains ${quote(a.value)}`;
    case "body_not_contains":
      return `body !contains ${quote(a.value)}`;
    case "body_regex":
      return `body ~ /${a.pattern}/${a.flags ?? ""}`;
    case "json_path":
      return a.op === "exists"
        ? `${a.path} exists`
        : `${a.path} ${a.op} ${JSON.stringify(a.value)}`;
    case "header":
      return `header ${a.name} ${a.op} ${quote(a.value)}`;
    case "response_time_ms":
      return `time < ${a.max}`;
  }
}

/** The assertions as the form's text, one per line. */
export function formatAssertions(list: readonly Assertion[]): string {
  return list.map(formatAssertion).join("\n");
}

// ---- Evaluation ---------------------------------------------------------------------------

/** "1234 bytes", "64 KiB", "1 MiB". */
function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** A value seen, shortened for a message. */
function seen(v: unknown): string {
  const s = v === undefined ? "undefined" : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

function compare(op: JsonPathOp, got: unknown, want: JsonValue | undefined): boolean {
  switch (op) {
    case "exists":
      return true;
    case "==":
      return got === want;
    case "!=":
      return got !== want;
    default: {
      if (typeof got !== "number" || typeof want !== "number") return false;
      return op === "<"
        ? got < want
        : op === "<="
        ? got <= want
        : op === ">"
        ? got > want
        : got >= want;
    }
  }
}

/** Why one assertion fails on `res`, or null when it holds. */
function failure(a: Assertion, res: AssertedResponse, json: () => Result<unknown>): string | null {
  const where = () => {
    const n = new TextEncoder().encode(res.body).length;
    return res.bodyTruncated ? `in the first ${sizeText(n)}` : `in the body (${sizeText(n)})`;
  };
  switch (a.type) {
    case "body_contains":
      return res.body.includes(a.value) ? null : `not found ${where()}`;
    case "body_not_contains": {
      const at = res.body.indexOf(a.value);
      return at < 0 ? null : `found at character ${at + 1}`;
    }
    case "body_regex": {
      const input = res.body.slice(0, REGEX_INPUT_LIMIT);
      if (new RegExp(a.pattern, a.flags ?? "").test(input)) return null;
      return input.length < res.body.length
        ? `no match in the first ${sizeText(REGEX_INPUT_LIMIT)} characters`
        : `no match ${where()}`;
    }
    case "json_path": {
      const doc = json();
      if (doc.error !== undefined) return doc.error;
      const steps = parseJsonPath(a.path);
      if ("error" in steps) return steps.error;
      const hit = selectJsonPath(doc.value, steps);
      if (!hit.found) return "not found";
      if (compare(a.op, hit.value, a.value)) return null;
      const numeric = a.op !== "==" && a.op !== "!=";
      return numeric && typeof hit.value !== "number"
        ? `got ${seen(hit.value)} (not a number)`
        : `got ${seen(hit.value)}`;
    }
    case "header": {
      const got = res.headers.get(a.name);
      if (got === null) return "no such header";
      const ok = a.op === "=="
        ? got === a.value
        : got.toLowerCase().includes(a.value.toLowerCase());
      return ok ? null : `got ${seen(got)}`;
    }
    case "response_time_ms":
      return res.latencyMs < a.max ? null : `took ${Math.round(res.latencyMs)} ms`;
  }
}

/**
 * Runs the assertions in order over a response; the first failure (its line and what was seen,
 * e.g. `$.status == "ok": got "degraded"`), or null when all hold.
 */
export function evaluate(
  assertions: readonly Assertion[],
  res: AssertedResponse,
): AssertionFailure | null {
  let parsed: Result<unknown> | null = null;
  const json = (): Result<unknown> => {
    if (parsed) return parsed;
    try {
      parsed = { value: JSON.parse(res.body) };
    } catch {
      parsed = {
        error: res.bodyTruncated
          ? "the body is not JSON (it was cut at the read limit)"
          : "the body is not JSON",
      };
    }
    return parsed;
  };
  for (const a of assertions) {
    const why = failure(a, res, json);
    if (why !== null) return { assertion: a, message: `${formatAssertion(a)}: ${why}` };
  }
  return null;
}

/** Whether any assertion needs the body's text (otherwise it is only counted, not kept). */
export function needsBody(assertions: readonly Assertion[]): boolean {
  return assertions.some((a) =>
    a.type === "body_contains" || a.type === "body_not_contains" || a.type === "body_regex" ||
    a.type === "json_path"
  );
}

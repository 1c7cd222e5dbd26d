/** Maps an error thrown by fetch, node:https or Deno.connect to an {@link ErrorKind}. */

import type { ErrorKind } from "./types.ts";

/** The kind of a failure plus a readable message that keeps the raw error text. */
export interface ClassifiedError {
  kind: ErrorKind;
  message: string;
}

const LABELS: Record<ErrorKind, string> = {
  timeout: "Timed out",
  unexpected_status: "Unexpected status",
  connection_refused: "Connection refused",
  dns: "DNS lookup failed",
  tls: "TLS error",
  connection_reset: "Connection reset",
  network: "Network error",
  assertion: "Assertion failed",
  slow: "Slow",
  certificate_expiry: "Certificate expiring",
  late: "Ping late",
  job_failed: "Job failed",
};

// Order matters: the first match wins. Error text is the only stable key (fetch's `cause` has no
// `code`), so codes from node:net/node:https are matched as words in the same text.
const RULES: [ErrorKind, RegExp][] = [
  ["timeout", /\btimeouterror\b|\betimedout\b|timed out/],
  ["connection_refused", /connection refused|\beconnrefused\b/],
  ["dns", /dns error|failed to lookup|name or service not known|\benotfound\b|\beai_again\b/],
  // A node socket reset during the TLS handshake says "TLS" but is a reset, so codes go first.
  ["connection_reset", /\beconnreset\b|\bepipe\b/],
  ["tls", /certificate|handshake|\btls\b|\bssl\b|self[- ]signed/],
  // "error reading a body" is what Deno's fetch reports when the peer closes mid-body.
  [
    "connection_reset",
    /reset|broken pipe|connection closed before message completed|socket hang up|error reading a body/,
  ],
];

/** Raw text of an error and its `cause` chain, e.g. `fetch failed: error sending request…`. */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 4; depth++) {
    const msg = cur instanceof Error || cur instanceof DOMException
      ? cur.message
      : typeof cur === "object"
      ? String((cur as { message?: unknown }).message ?? cur)
      : String(cur);
    if (msg && !parts.includes(msg)) parts.push(msg);
    cur = typeof cur === "object" ? (cur as { cause?: unknown }).cause : undefined;
  }
  return parts.join(": ") || "Unknown error";
}

/** Classifies a thrown fetch/connect error; the message is `<label>: <raw text>`. */
export function classifyError(err: unknown): ClassifiedError {
  const raw = errorText(err);
  const e = err as { name?: unknown; code?: unknown } | null;
  const name = typeof e?.name === "string" ? e.name : "";
  const code = typeof e?.code === "string" ? e.code : "";
  // URLs are removed before matching so a host such as tls.example.com cannot decide the kind.
  const haystack = `${name} ${code} ${raw}`.toLowerCase()
    .replace(/[a-z][a-z0-9+.-]*:\/\/[^\s)]+/g, " ");
  const kind = RULES.find(([, re]) => re.test(haystack))?.[0] ?? "network";
  // "Connection refused: Connection refused (os error 111)" says it twice; keep the raw text then.
  const label = LABELS[kind];
  const message = raw.toLowerCase().startsWith(label.toLowerCase()) ? raw : `${label}: ${raw}`;
  return { kind, message };
}

/** A per-probe abort signal that fires on the timeout or on an external abort. */
export interface ProbeDeadline {
  signal: AbortSignal;
  /**
   * Settles with `work`, or rejects with the deadline's reason the moment it fires, whether or
   * not `work` ever settles. Some operations ignore the abort signal (a pending body read of a
   * stalled response, node:https internals), so every await of a probe goes through this.
   */
  bound<T>(work: Promise<T>): Promise<T>;
  /** Clears the timer and unhooks the external signal; call it in `finally`. */
  dispose(): void;
}

/**
 * Starts a probe deadline. A cleared `setTimeout` is used instead of `AbortSignal.timeout`,
 * which keeps its timer (and memory) alive for the full timeout even after the probe ended.
 * `timeoutText` becomes the timeout message, e.g. "no full response within 5000 ms".
 */
export function probeDeadline(
  timeoutMs: number,
  timeoutText: string,
  external?: AbortSignal,
): ProbeDeadline {
  const ac = new AbortController();
  const timer = setTimeout(
    () => ac.abort(new DOMException(`Timed out: ${timeoutText}`, "TimeoutError")),
    timeoutMs,
  );
  const cancel = () => ac.abort(new DOMException("Probe cancelled", "AbortError"));
  if (external?.aborted) cancel();
  else external?.addEventListener("abort", cancel, { once: true });
  // One promise per deadline (not one listener per await) that rejects when it fires.
  let fired: Promise<never> | null = null;
  const whenFired = () =>
    fired ??= new Promise<never>((_, reject) => {
      if (ac.signal.aborted) reject(ac.signal.reason);
      else ac.signal.addEventListener("abort", () => reject(ac.signal.reason), { once: true });
    });
  return {
    signal: ac.signal,
    bound<T>(work: Promise<T>): Promise<T> {
      const race = Promise.race([work, whenFired()]);
      // The loser must not surface later as an unhandled rejection.
      work.catch(() => {});
      return race;
    },
    dispose() {
      clearTimeout(timer);
      external?.removeEventListener("abort", cancel);
    },
  };
}

/**
 * Classifies a probe failure. When the deadline fired, its reason wins over whatever error the
 * transport happened to throw (fetch, node:https and Deno.connect each word aborts differently).
 */
export function classifyProbeError(err: unknown, deadline: AbortSignal): ClassifiedError {
  if (deadline.aborted) {
    const reason = deadline.reason as DOMException;
    return reason.name === "TimeoutError"
      ? { kind: "timeout", message: reason.message }
      : { kind: "network", message: "Probe cancelled" };
  }
  return classifyError(err);
}

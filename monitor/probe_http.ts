/** One HTTP(S) check: GET the URL, follow redirects ourselves, bound the body, never throw. */

import https from "node:https";
import { Readable } from "node:stream";
import { classifyProbeError, type ProbeDeadline, probeDeadline } from "./classify.ts";
import { statusMatches } from "./expected_status.ts";
import type { ErrorKind, ProbeResult, ProbeTarget } from "./types.ts";

/** Options for {@link probeHttp}. */
export interface HttpProbeOptions {
  /** Aborting it ends the probe as DOWN/network "Probe cancelled". */
  signal?: AbortSignal;
  /** Body bytes to read before cancelling the rest (default 64 KiB). */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const HEADERS = { "User-Agent": "ServerHealthChecker/1.0", Accept: "*/*" };

// One shared client without idle pooling: every probe opens a fresh connection, so a dead server
// is never hidden by a kept-alive socket, and we avoid the ~0.4 ms cost of a client per request.
const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });

/** The head of one response; the body must be read or cancelled by the caller. */
interface Hop {
  status: number;
  statusText: string;
  location: string | null;
  body: ReadableStream<Uint8Array> | null;
}

async function fetchHop(url: URL, signal: AbortSignal): Promise<Hop> {
  // Typed via a variable: with the "dom" lib in deno.json, fetch's `client` overload is not seen.
  const init: RequestInit & { client: Deno.HttpClient } = {
    client,
    signal,
    redirect: "manual",
    headers: HEADERS,
  };
  const res = await fetch(url, init);
  return {
    status: res.status,
    statusText: res.statusText,
    location: res.headers.get("location"),
    body: res.body,
  };
}

// Deno.createHttpClient has no option to skip certificate checks (only caCerts), and
// --unsafely-ignore-certificate-errors is process-wide. node:https honours rejectUnauthorized.
function insecureHttpsHop(url: URL, signal: AbortSignal): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      hostname: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port || 443,
      path: url.pathname + url.search,
      method: "GET",
      headers: HEADERS,
      agent: false, // no pooling: a fresh connection, closed after the response
      rejectUnauthorized: false,
      // Nothing is verified, so no CA list is needed; without it Deno's node:tls loads the system
      // store, which needs a blanket --allow-sys (`--allow-sys=ca` is rejected by the CLI).
      ca: [],
      signal,
    }, (res) => {
      const location = res.headers.location;
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? "",
        location: typeof location === "string" ? location : null,
        body: Readable.toWeb(res) as ReadableStream<Uint8Array>,
      });
    });
    req.on("error", reject);
    // Explicit as well as via `signal`: a socket stuck mid-handshake must not outlive the probe.
    signal.addEventListener("abort", () => req.destroy(), { once: true });
    req.end();
  });
}

/**
 * Reads at most `max` bytes, then cancels the rest. Each read is bounded by the deadline: an
 * aborted fetch does not always end a pending read of a stalled body, so waiting on it could
 * outlive the timeout forever.
 */
async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  max: number,
  deadline: ProbeDeadline,
): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  try {
    for (let total = 0; total < max;) {
      const { done, value } = await deadline.bound(reader.read());
      if (done) return;
      total += value.byteLength;
    }
  } finally {
    discard(reader.cancel());
  }
}

/** Starts releasing a body or socket without waiting: a stalled peer may never acknowledge. */
function discard(closing: Promise<unknown> | undefined): void {
  closing?.catch(() => {});
}

function httpUrl(input: string, base?: URL): URL {
  const url = new URL(input, base);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Unsupported URL scheme '${url.protocol}' in ${url.href}`);
  }
  return url;
}

/** Probes an http(s) target; a down target is returned as data, never thrown. */
export async function probeHttp(
  target: ProbeTarget,
  options: HttpProbeOptions = {},
): Promise<ProbeResult> {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const started = performance.now();
  const deadline = probeDeadline(
    target.timeoutMs,
    `no full response within ${target.timeoutMs} ms`,
    options.signal,
  );
  // The last status seen, kept even when the body then fails (e.g. stalls).
  let httpStatus: number | null = null;
  const result = (errorKind: ErrorKind | null, errorMessage: string | null): ProbeResult => ({
    ok: errorKind === null,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    httpStatus,
    errorKind,
    errorMessage,
  });
  try {
    let url = httpUrl(target.url);
    for (let hops = 0;; hops++) {
      const insecure = url.protocol === "https:" && target.ignoreTlsErrors;
      const hop = await deadline.bound(
        (insecure ? insecureHttpsHop : fetchHop)(url, deadline.signal),
      );
      httpStatus = hop.status;
      const isRedirect = REDIRECT_STATUSES.has(hop.status) && hop.location !== null;
      if (target.maxRedirects > 0 && isRedirect) {
        discard(hop.body?.cancel());
        if (hops >= target.maxRedirects) {
          return result("network", `Too many redirects (more than ${target.maxRedirects})`);
        }
        url = httpUrl(hop.location!, url);
        continue;
      }
      // UP needs the whole (bounded) body inside the deadline, not just the headers.
      await readBounded(hop.body, maxBody, deadline);
      if (statusMatches(target.expectedStatus, hop.status)) return result(null, null);
      const text = hop.statusText ? ` ${hop.statusText}` : "";
      return result(
        "unexpected_status",
        `HTTP ${hop.status}${text}, expected ${target.expectedStatus}`,
      );
    }
  } catch (err) {
    const { kind, message } = classifyProbeError(err, deadline.signal);
    return result(kind, message);
  } finally {
    deadline.dispose();
  }
}

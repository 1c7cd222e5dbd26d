/**
 * One HTTP(S) check: send the monitor's request (method, headers, body, auth, User-Agent), follow
 * redirects ourselves, read a bounded body, run the assertions, never throw.
 */

import https from "node:https";
import { Readable } from "node:stream";
import { classifyProbeError, type ProbeDeadline, probeDeadline } from "./classify.ts";
import { statusMatches } from "./expected_status.ts";
import { evaluate, needsBody } from "./assertions.ts";
import { readCertificate } from "./tls_certificate.ts";
import { DEFAULT_USER_AGENT, type ErrorKind, type ProbeResult, type ProbeTarget } from "./types.ts";

/** Options for {@link probeHttp}. */
export interface HttpProbeOptions {
  /** Aborting it ends the probe as DOWN/network "Probe cancelled". */
  signal?: AbortSignal;
  /** Body bytes to read before cancelling the rest (default 64 KiB). */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What one hop sends. */
interface HopRequest {
  method: string;
  headers: [string, string][];
  body: string | null;
}

// One shared client without idle pooling: every probe opens a fresh connection, so a dead server
// is never hidden by a kept-alive socket, and we avoid the ~0.4 ms cost of a client per request.
const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });

/** The head of one response; the body must be read or cancelled by the caller. */
interface Hop {
  status: number;
  statusText: string;
  location: string | null;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
}

async function fetchHop(url: URL, signal: AbortSignal, req: HopRequest): Promise<Hop> {
  // Typed via a variable: with the "dom" lib in deno.json, fetch's `client` overload is not seen.
  const init: RequestInit & { client: Deno.HttpClient } = {
    client,
    signal,
    redirect: "manual",
    method: req.method,
    headers: req.headers,
    body: req.body,
  };
  const res = await fetch(url, init);
  return {
    status: res.status,
    statusText: res.statusText,
    location: res.headers.get("location"),
    headers: res.headers,
    body: res.body,
  };
}

// Deno.createHttpClient has no option to skip certificate checks (only caCerts), and
// --unsafely-ignore-certificate-errors is process-wide. node:https honours rejectUnauthorized.
function insecureHttpsHop(url: URL, signal: AbortSignal, hop: HopRequest): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      hostname: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port || 443,
      path: url.pathname + url.search,
      method: hop.method,
      headers: Object.fromEntries(hop.headers),
      agent: false, // no pooling: a fresh connection, closed after the response
      rejectUnauthorized: false,
      // Nothing is verified, so no CA list is needed; without it Deno's node:tls loads the system
      // store, which needs a blanket --allow-sys (`--allow-sys=ca` is rejected by the CLI).
      ca: [],
      signal,
    }, (res) => {
      const location = res.headers.location;
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
          headers.append(name, v);
        }
      }
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? "",
        location: typeof location === "string" ? location : null,
        headers,
        body: Readable.toWeb(res) as ReadableStream<Uint8Array>,
      });
    });
    req.on("error", reject);
    // Explicit as well as via `signal`: a socket stuck mid-handshake must not outlive the probe.
    signal.addEventListener("abort", () => req.destroy(), { once: true });
    req.end(hop.body ?? undefined);
  });
}

/** What {@link readBounded} read: the text (when kept) and whether the cap cut it. */
interface BoundedBody {
  text: string;
  truncated: boolean;
}

/**
 * Reads at most `max` bytes, then cancels the rest; with `keep` the bytes read (up to `max`) are
 * decoded as UTF-8. Each read is bounded by the deadline: an aborted fetch does not always end a
 * pending read of a stalled body, so waiting on it could outlive the timeout forever.
 */
async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  max: number,
  deadline: ProbeDeadline,
  keep: boolean,
): Promise<BoundedBody> {
  if (!body) return { text: "", truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  try {
    // Reaching the cap counts as cut: one more read to find out could stall until the deadline.
    while (total < max) {
      const { done, value } = await deadline.bound(reader.read());
      if (done) break;
      if (keep) chunks.push(value.subarray(0, max - total));
      total += value.byteLength;
      truncated = total >= max;
    }
  } finally {
    discard(reader.cancel());
  }
  if (!keep) return { text: "", truncated };
  const bytes = new Uint8Array(Math.min(total, max));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { text: new TextDecoder().decode(bytes), truncated };
}

/** The request headers of a hop: the User-Agent, the monitor's headers, then auth. */
function requestHeaders(target: ProbeTarget, withAuth: boolean, body: boolean): [string, string][] {
  const headers: [string, string][] = [
    ["User-Agent", target.userAgent || DEFAULT_USER_AGENT],
    ["Accept", "*/*"],
  ];
  for (const [name, value] of target.headers ?? []) {
    const i = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (i >= 0 && name.toLowerCase() === "accept") headers.splice(i, 1);
    headers.push([name, value]);
  }
  if (!body) {
    for (let i = headers.length - 1; i >= 0; i--) {
      if (headers[i][0].toLowerCase() === "content-type") headers.splice(i, 1);
    }
  }
  const auth = target.auth;
  if (withAuth && auth) {
    const value = auth.type === "basic"
      ? `Basic ${basicCredentials(auth.user, auth.secret)}`
      : `Bearer ${auth.secret}`;
    headers.push(["Authorization", value]);
  }
  return headers;
}

/** base64 of `user:password` in UTF-8. */
function basicCredentials(user: string, secret: string): string {
  const bytes = new TextEncoder().encode(`${user}:${secret}`);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
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
  if (!target.inspectCertificate || !/^https:/i.test(target.url)) {
    return await requestHttp(target, options);
  }
  // The certificate is read on a connection of its own, alongside the request and within the
  // same timeout, so it is known even when the request fails (expired, wrong host, not trusted).
  const deadline = probeDeadline(target.timeoutMs, "certificate", options.signal);
  try {
    const [result, certificate] = await Promise.all([
      requestHttp(target, options),
      readCertificate(new URL(target.url), deadline.signal),
    ]);
    return { ...result, certificate };
  } finally {
    deadline.dispose();
  }
}

async function requestHttp(
  target: ProbeTarget,
  options: HttpProbeOptions,
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
  const assertions = target.assertions ?? [];
  try {
    let url = httpUrl(target.url);
    const origin = url.origin;
    let method: string = target.method ?? "GET";
    let body = target.body || null;
    for (let hops = 0;; hops++) {
      const insecure = url.protocol === "https:" && target.ignoreTlsErrors;
      // Credentials only go to the monitor's own origin, never to where a redirect points.
      const request: HopRequest = {
        method,
        headers: requestHeaders(target, url.origin === origin, body !== null),
        body,
      };
      const hop = await deadline.bound(
        (insecure ? insecureHttpsHop : fetchHop)(url, deadline.signal, request),
      );
      httpStatus = hop.status;
      const isRedirect = REDIRECT_STATUSES.has(hop.status) && hop.location !== null;
      if (target.maxRedirects > 0 && isRedirect) {
        discard(hop.body?.cancel());
        if (hops >= target.maxRedirects) {
          return result("network", `Too many redirects (more than ${target.maxRedirects})`);
        }
        url = httpUrl(hop.location!, url);
        // As browsers do: 303 always, and 301/302 after a POST, continue as a GET without body.
        if (
          hop.status === 303 || ((hop.status === 301 || hop.status === 302) && method === "POST")
        ) {
          if (method !== "HEAD") method = "GET";
          body = null;
        }
        continue;
      }
      // UP needs the whole (bounded) body inside the deadline, not just the headers.
      const read = await readBounded(hop.body, maxBody, deadline, needsBody(assertions));
      if (statusMatches(target.expectedStatus, hop.status)) {
        if (assertions.length === 0) return result(null, null);
        const failed = evaluate(assertions, {
          status: hop.status,
          headers: hop.headers,
          body: read.text,
          latencyMs: performance.now() - started,
          bodyTruncated: read.truncated,
        });
        return failed ? result("assertion", failed.message) : result(null, null);
      }
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

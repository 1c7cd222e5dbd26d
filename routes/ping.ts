/**
 * The ping endpoints of push monitors: `/ping/<token>` (success), `/ping/<token>/start`,
 * `/ping/<token>/fail` and `/ping/<token>/<exit-code>`, by GET, HEAD or POST. No session and no
 * CSRF: the token is the credential. Work per request is bounded: a token's shape is checked
 * before the database is asked, at most the first 10 KB of a body is read, and each token may
 * ping a limited number of times per minute. Nothing here logs the path (it holds the secret).
 */
import { readCapped } from "../monitor/read_capped.ts";
import { Hono } from "hono";
import type { Context } from "hono";
import type { Runtime } from "../runtime.ts";
import { parsePingAction, PING_BODY_BYTES } from "../monitor/push_pings.ts";
import { log } from "../monitor/log.ts";

/** Pings one token may send per window; beyond it the answer is 429 and nothing is recorded. */
export const PINGS_PER_WINDOW = 120;
const WINDOW_MS = 60_000;
/** Tokens tracked by the limiter at most (memory bound under a flood of random tokens). */
const MAX_TRACKED = 10_000;

/** A fixed-window counter per token. */
class PingLimiter {
  #windowStart = 0;
  #counts = new Map<string, number>();

  allow(token: string, now: number): boolean {
    if (now - this.#windowStart >= WINDOW_MS || this.#counts.size >= MAX_TRACKED) {
      this.#windowStart = now;
      this.#counts.clear();
    }
    const n = (this.#counts.get(token) ?? 0) + 1;
    this.#counts.set(token, n);
    return n <= PINGS_PER_WINDOW;
  }
}

/** The first `max` bytes of a POST body as text; the rest is not read. */
export function boundedBody(req: Request, max = PING_BODY_BYTES): Promise<string> {
  return req.method === "POST" ? readCapped(req.body, max) : Promise.resolve("");
}

/** The /ping sub-app. */
export function pingRoutes(rt: Runtime): Hono {
  const app = new Hono();
  const limiter = new PingLimiter();
  const text = (c: Context, status: 200 | 404 | 429 | 503, body: string) => {
    c.header("Cache-Control", "no-store");
    return c.text(body, status);
  };
  app.onError((err, c) => {
    // The monitor id is unknown here and the path is secret: log the error alone.
    log.error("push.ping_failed", { error: err });
    return text(c, 503, "Ping not recorded: the service could not store it; retry");
  });
  const handle = async (c: Context) => {
    const token = c.req.param("token") ?? "";
    const action = parsePingAction(c.req.param("action"));
    if (action === null) return text(c, 404, "Not found: unknown ping action");
    if (!limiter.allow(token, Date.now())) {
      return text(c, 429, "Too many pings for this URL; slow down");
    }
    const body = await boundedBody(c.req.raw);
    const outcome = await rt.push.ping(token, { ...action, body });
    if (outcome === "unknown") return text(c, 404, "Not found: no push monitor has this ping URL");
    return text(c, 200, outcome === "paused" ? "OK (monitor paused: ping ignored)" : "OK");
  };
  for (const path of ["/ping/:token", "/ping/:token/:action"]) {
    app.on(["GET", "HEAD", "POST"], path, handle);
  }
  return app;
}

/**
 * The dashboard: static assets, sign-in, monitors and settings behind one session gate, plus the
 * HTML error page and the security headers every response carries.
 */
import { Hono } from "hono";
import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Runtime } from "../runtime.ts";
import { NotFoundError } from "../monitor/errors.ts";
import { log } from "../monitor/log.ts";
import { ErrorPage } from "../components/SimplePages.tsx";
import { jsonError, storageMessage } from "./errors.ts";
import { StorageError } from "../monitor/store/health.ts";
import { staticRoutes } from "./static.ts";
import { makeWebDeps, type WebDeps, type WebEnv, type WebOptions } from "./web_deps.ts";
import { isHtmx, sessionGate } from "./web_session.ts";
import { authRoutes } from "./web_auth.tsx";
import { monitorRoutes } from "./web_monitors.tsx";
import { settingsRoutes } from "./web_settings.tsx";
import { channelWebRoutes } from "./web_channels.tsx";
import { maintenanceWebRoutes } from "./web_maintenance.tsx";
import { anonymousCtx } from "./web_render.ts";
import { ASSET_URLS } from "./static.ts";
import { customDomains, publicStatusRoutes } from "./status_public.tsx";
import { statusPageWebRoutes } from "./web_status_pages.tsx";

export type { WebOptions } from "./web_deps.ts";

/** The Content-Security-Policy: no inline script or style, nothing from other origins. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
].join("; ");

/** Adds CSP (unless the route set a stricter one), nosniff and the referrer policy to every response. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    // A route with a stricter policy of its own (an uploaded SVG logo) keeps it.
    if (!c.res.headers.has("Content-Security-Policy")) c.header("Content-Security-Policy", CSP);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
  };
}

/** Paths answered in JSON (machines), not with the HTML error page. */
const isMachinePath = (c: Context) => /^\/(api\/|metrics$|healthz$)/.test(c.req.path);

function errorPage(
  c: Context,
  deps: WebDeps,
  status: 403 | 404 | 413 | 500 | 503,
  message: string,
) {
  if (isHtmx(c)) return c.text(message, status);
  const session = (c as Context<WebEnv>).get("session") as
    | WebEnv["Variables"]["session"]
    | undefined;
  const ctx = session
    ? { assets: ASSET_URLS, username: session.username, csrf: session.csrfToken, now: deps.now() }
    : anonymousCtx(deps, "");
  c.header("Cache-Control", "no-store");
  return c.html(<ErrorPage ctx={ctx} status={status} message={message} />, status);
}

/** One error handler: JSON for the API, the HTML error page for everything else. */
export function webErrorHandler(deps: WebDeps): ErrorHandler {
  return (err, c) => {
    if (isMachinePath(c)) return jsonError(err, c);
    if (err instanceof NotFoundError) return errorPage(c, deps, 404, err.message);
    if (
      err instanceof HTTPException &&
      (err.status === 404 || err.status === 403 || err.status === 413)
    ) {
      return errorPage(c, deps, err.status, err.message);
    }
    const storage = StorageError.from(err);
    if (storage) return errorPage(c, deps, 503, storageMessage(storage));
    log.error("http.unhandled", {
      path: c.req.path,
      error: err,
      stack: err instanceof Error ? err.stack : undefined,
    });
    return errorPage(c, deps, 500, "The server hit an unexpected error; it has been logged.");
  };
}

/** 404 for unknown paths: JSON for the API, HTML otherwise. */
export function webNotFound(deps: WebDeps): NotFoundHandler {
  return (c) => {
    if (isMachinePath(c)) {
      return c.json({ error: `No route ${c.req.method} ${c.req.path}` }, 404);
    }
    return errorPage(c, deps, 404, `There is nothing at ${c.req.path}.`);
  };
}

/** The dashboard sub-app plus its error handlers, to mount at "/". */
export function webRoutes(
  rt: Runtime,
  opts: WebOptions = {},
): { app: Hono<WebEnv>; onError: ErrorHandler; notFound: NotFoundHandler } {
  const deps = makeWebDeps(rt, opts);
  const app = new Hono<WebEnv>();
  // A status page's custom domain answers "/" before anything else sees it.
  app.use("*", customDomains(rt));
  app.route("/", staticRoutes());
  // Public status pages and badges: no session, cacheable.
  app.route("/", publicStatusRoutes(rt));
  // Mounted at "/", this gate also sees API paths that no API route answered; it lets them
  // through to the JSON 404.
  app.use("*", sessionGate(deps));
  app.route("/", authRoutes(deps));
  app.route("/", monitorRoutes(deps));
  app.route("/", settingsRoutes(deps));
  app.route("/", channelWebRoutes(deps));
  app.route("/", maintenanceWebRoutes(deps));
  app.route("/", statusPageWebRoutes(deps));
  return { app, onError: webErrorHandler(deps), notFound: webNotFound(deps) };
}

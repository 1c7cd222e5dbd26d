/**
 * Session and CSRF middleware for the dashboard.
 *
 * - Session: cookie `shc_session` holds a random token; SQLite holds only its SHA-256.
 * - Anonymous: pages redirect (303) to /login (or /setup before any account exists); htmx
 *   requests get 401 with `HX-Redirect`, which htmx follows with a full navigation.
 * - CSRF: every POST must echo the session's token, as the `_csrf` form field or the
 *   `X-CSRF-Token` header (htmx sends it from `hx-headers` on <body>); otherwise 403.
 *   Login and setup, which have no session yet, use a double-submit cookie instead.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { randomToken } from "../monitor/auth/tokens.ts";
import type { WebDeps, WebEnv } from "./web_deps.ts";

/** Session cookie name. */
export const SESSION_COOKIE = "shc_session";
/** Pre-login CSRF cookie (double submit) for the login and setup forms. */
export const PRE_CSRF_COOKIE = "shc_pre";

/** Paths served without a session. */
const PUBLIC = /^\/(static\/|api\/|status\/|badge\/|healthz$|metrics$)/;
/** Pages reachable while signed out (they do their own CSRF check). */
const ANONYMOUS = new Set(["/login", "/setup"]);

/** Whether the request is an htmx request. */
export const isHtmx = (c: Context) => c.req.header("HX-Request") === "true";

/** Whether the client reached us over HTTPS (directly or via a proxy that says so). */
export function isHttps(c: Context): boolean {
  const proto = c.req.header("X-Forwarded-Proto")?.split(",")[0].trim().toLowerCase();
  return proto === "https" || new URL(c.req.url).protocol === "https:";
}

/** Constant-time string comparison (length is not secret: tokens have a fixed length). */
export function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/** Redirects a page request with 303, or tells htmx to navigate (401 + HX-Redirect). */
export function redirectOrHx(c: Context, location: string): Response {
  c.header("Vary", "HX-Request");
  if (isHtmx(c)) {
    c.header("HX-Redirect", location);
    return c.text("Sign-in required", 401);
  }
  return c.redirect(location, 303);
}

/** The CSRF token a request carries: the header, else the `_csrf` form field. */
export async function submittedCsrf(c: Context): Promise<string> {
  const header = c.req.header("X-CSRF-Token");
  if (header) return header;
  const type = c.req.header("Content-Type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return "";
  // parseBody caches the parsed body, so the route can read it again.
  const body = await c.req.parseBody();
  return typeof body._csrf === "string" ? body._csrf : "";
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A 403 for forged or stale forms. */
export function csrfFailure(c: Context): Response {
  return c.text(
    "Forbidden: the form was stale or did not come from this site. Reload the page and try again.",
    403,
  );
}

/** Rejects unsafe requests without the expected token (and cross-site ones outright). */
export async function checkCsrf(c: Context, expected: string): Promise<boolean> {
  if (!UNSAFE.has(c.req.method)) return true;
  // Browsers label cross-site requests; refuse them before looking at any token.
  if (c.req.header("Sec-Fetch-Site") === "cross-site") return false;
  const got = await submittedCsrf(c);
  return got !== "" && safeEqual(got, expected);
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure on HTTPS. */
export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: isHttps(c),
    maxAge: maxAgeSeconds,
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c) });
}

/** The pre-login CSRF token, creating its cookie when missing. */
export function preLoginCsrf(c: Context): string {
  const existing = getCookie(c, PRE_CSRF_COOKIE);
  if (existing && /^[\w-]{20,100}$/.test(existing)) return existing;
  const token = randomToken();
  setCookie(c, PRE_CSRF_COOKIE, token, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: isHttps(c),
    maxAge: 3600,
  });
  return token;
}

/** Checks a login/setup POST against the pre-login cookie. */
export function checkPreLoginCsrf(c: Context): Promise<boolean> {
  const cookie = getCookie(c, PRE_CSRF_COOKIE) ?? "";
  return cookie === "" ? Promise.resolve(false) : checkCsrf(c, cookie);
}

/** The dashboard gate: first-run redirect, session check, CSRF check, no-store caching. */
export function sessionGate(deps: WebDeps): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const path = c.req.path;
    if (PUBLIC.test(path)) return next();
    if (ANONYMOUS.has(path)) return next();
    if (!(await deps.hasUsers())) return redirectOrHx(c, "/setup");
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await deps.sessions.verify(token) : null;
    if (!session) {
      // Come back here after signing in, unless "here" is a fragment (a poll URL) or home.
      const fragment = path.startsWith("/partials/") || path.endsWith("/live");
      const back = c.req.method === "GET" && !isHtmx(c) && path !== "/" && !fragment
        ? `?next=${encodeURIComponent(path + new URL(c.req.url).search)}`
        : "";
      return redirectOrHx(c, `/login${back}`);
    }
    if (!(await checkCsrf(c, session.csrfToken))) return csrfFailure(c);
    c.set("session", session);
    await next();
    // Private pages: never stored by shared caches or kept for the back button after logout.
    c.header("Cache-Control", "no-store");
    c.header("Vary", "HX-Request", { append: true });
  };
}

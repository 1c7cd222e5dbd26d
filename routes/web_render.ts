/** Rendering helpers shared by the dashboard routes. */
import type { Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Flash, PageContext } from "../components/types.ts";
import { ASSET_URLS } from "./static.ts";
import type { WebDeps, WebEnv } from "./web_deps.ts";

/** JSX output as Hono renders it. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The page context for a signed-in request; takes (and so clears) the pending flash. */
export function pageCtx(c: Context<WebEnv>, deps: WebDeps): PageContext {
  const session = c.get("session");
  return {
    assets: ASSET_URLS,
    username: session.username,
    csrf: session.csrfToken,
    flash: deps.flash.take(session.id),
    now: deps.now(),
  };
}

/** The page context for the signed-out pages (login, setup, errors). */
export function anonymousCtx(deps: WebDeps, csrf: string): PageContext {
  return { assets: ASSET_URLS, csrf, now: deps.now() };
}

/** Renders HTML with a status. */
export function html(
  c: Context,
  body: Html,
  status: 200 | 201 | 401 | 403 | 404 | 422 | 429 | 500 = 200,
) {
  return c.html(body, status);
}

/** Stores a flash for the next page of this session. */
export function flash(c: Context<WebEnv>, deps: WebDeps, f: Flash): void {
  deps.flash.set(c.get("session").id, f);
}

/** A local path to return to after signing in, or "/" when `next` is missing or not local. */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > 2000) return "/";
  // Only same-site paths: "/x" but never "//host" or "/\host" (both leave the site).
  return /^\/(?![/\\])[^\s]*$/.test(next) ? next : "/";
}

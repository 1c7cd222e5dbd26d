/**
 * The public side of status pages and badges, served without a session: `/status/<slug>` (and
 * `/` on a page's custom domain), its Atom and RSS feeds and logo, and `/badge/<id>/*.svg`.
 * Every answer is cacheable: `Cache-Control: public`, an ETag of the body, 304 on a match.
 */
import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Runtime } from "../runtime.ts";
import type { BadgeKind, BadgePeriod } from "../monitor/status_pages.ts";
import { atomFeed, type FeedInput, rssFeed } from "../monitor/status_feed.ts";
import { hostOfHeader } from "../monitor/status_input.ts";
import {
  cleanBadgeText,
  renderBadge,
  responseBadge,
  statusBadge,
  uptimeBadge,
} from "../monitor/badge.ts";
import { StatusPublicPage } from "../components/StatusPublicPage.tsx";
import { ASSET_URLS } from "./static.ts";
import { isHttps } from "./web_session.ts";

/** Seconds shared caches and browsers may keep a public page or feed. */
export const PAGE_MAX_AGE = 30;
/** Seconds a badge may be kept. */
export const BADGE_MAX_AGE = 60;

async function etagOf(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return `"${
    [...new Uint8Array(d).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("")
  }"`;
}

/** Whether If-None-Match names `etag` (weak or strong, or `*`). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const v = t.trim().replace(/^W\//, "");
    return v === "*" || v === etag;
  });
}

/** Answers `body` with caching headers, or 304 when the client has it. */
export async function cacheable(
  c: Context,
  body: string | Uint8Array,
  type: string,
  maxAge: number,
): Promise<Response> {
  const etag = await etagOf(body);
  c.header("Cache-Control", `public, max-age=${maxAge}`);
  c.header("ETag", etag);
  if (matches(c.req.header("If-None-Match"), etag)) return c.body(null, 304);
  c.header("Content-Type", type);
  return c.body(typeof body === "string" ? body : (body as Uint8Array<ArrayBuffer>));
}

const notFound = (slug: string) =>
  new HTTPException(404, { message: `There is no status page at /status/${slug}.` });

/** Serves the page, its feeds; `base` is where the page is ("/status/<slug>" or ""). */
function pageHandlers(rt: Runtime) {
  const load = async (slug: string) => {
    const found = /^[a-z0-9-]{1,64}$/.test(slug) ? await rt.statusPages.publicPage(slug) : null;
    if (!found) throw notFound(slug);
    return found;
  };
  return {
    async page(c: Context, slug: string, base: string) {
      const { page } = await load(slug);
      const html = String(await <StatusPublicPage page={page} assets={ASSET_URLS} base={base} />);
      return cacheable(c, html, "text/html; charset=utf-8", PAGE_MAX_AGE);
    },
    async feed(c: Context, slug: string, pageUrl: string, kind: "atom" | "rss") {
      const { record, page } = await load(slug);
      const input: FeedInput = {
        pageId: record.id,
        title: page.title,
        description: page.description,
        pageUrl,
        feedUrl: `${pageUrl.replace(/\/$/, "")}/feed.${kind}`,
        incidents: [...page.activeIncidents, ...page.pastIncidents],
        fallbackUpdatedAt: record.updatedAt,
      };
      return kind === "atom"
        ? cacheable(c, atomFeed(input), "application/atom+xml; charset=utf-8", PAGE_MAX_AGE)
        : cacheable(c, rssFeed(input), "application/rss+xml; charset=utf-8", PAGE_MAX_AGE);
    },
  };
}

/** The same answer for a monitor that does not exist and one without public badges. */
function noBadge(c: Context): Response {
  c.header("Cache-Control", "no-store");
  return c.text("No such badge", 404);
}

const BADGE_FILES: Record<string, BadgeKind> = {
  "status.svg": "status",
  "uptime.svg": "uptime",
  "response.svg": "response",
};
const PERIODS: readonly BadgePeriod[] = ["24h", "7d", "30d"];

/** Routes under /status/ and /badge/, mounted before the session gate. */
export function publicStatusRoutes(rt: Runtime): Hono {
  const app = new Hono();
  const h = pageHandlers(rt);
  const pageUrl = (slug: string) => `${rt.config.baseUrl}/status/${slug}`;

  app.get("/status/:slug", (c) => {
    const slug = c.req.param("slug");
    return h.page(c, slug, `/status/${slug}`);
  });
  app.get("/status/:slug/feed.atom", (c) => {
    const slug = c.req.param("slug");
    return h.feed(c, slug, pageUrl(slug), "atom");
  });
  app.get("/status/:slug/feed.rss", (c) => {
    const slug = c.req.param("slug");
    return h.feed(c, slug, pageUrl(slug), "rss");
  });

  app.get("/status/:slug/logo", async (c) => {
    const slug = c.req.param("slug");
    const logo = /^[a-z0-9-]{1,64}$/.test(slug) ? await rt.statusPages.logo(slug) : null;
    if (!logo) throw new HTTPException(404, { message: "This status page has no logo." });
    // An SVG opened on its own must not run anything: no script, a sandbox, nothing loaded.
    if (logo.type === "image/svg+xml") {
      c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    }
    c.header("Content-Disposition", "inline");
    // The page links the logo with ?v=<set time>: a new logo gets a new URL.
    const maxAge = c.req.query("v") === String(logo.updatedAt) ? 86_400 : PAGE_MAX_AGE;
    return cacheable(c, logo.data, logo.type, maxAge);
  });

  app.get("/badge/:id/:file", async (c) => {
    const raw = c.req.param("id");
    const kind = BADGE_FILES[c.req.param("file")];
    if (!kind || !/^\d{1,15}$/.test(raw)) return noBadge(c);
    const period = (c.req.query("period") ?? "24h") as BadgePeriod;
    if (!PERIODS.includes(period)) return c.text('period must be "24h", "7d" or "30d"', 400);
    const data = await rt.statusPages.badge(Number(raw), kind, period);
    if (!data) return noBadge(c);
    const label = cleanBadgeText(c.req.query("label") ?? "") ||
      (kind === "uptime" ? `${data.name} ${period}` : data.name);
    const shown = kind === "status"
      ? statusBadge(data.status!)
      : kind === "uptime"
      ? uptimeBadge(data.pct ?? null)
      : responseBadge(data.avgMs ?? null);
    const svg = renderBadge({ label, ...shown });
    return cacheable(c, svg, "image/svg+xml; charset=utf-8", BADGE_MAX_AGE);
  });

  return app;
}

/**
 * On a page's custom domain, `/` is that page and `/feed.atom`, `/feed.rss` its feeds; every
 * other host and path goes on to the dashboard.
 */
export function customDomains(rt: Runtime): MiddlewareHandler {
  const h = pageHandlers(rt);
  const paths = new Set(["/", "/feed.atom", "/feed.rss"]);
  return async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return next();
    if (!paths.has(c.req.path)) return next();
    const host = hostOfHeader(c.req.header("Host"));
    const slug = host ? await rt.statusPages.slugForHost(host) : null;
    if (!slug) return next();
    const url = `${isHttps(c) ? "https" : "http"}://${host}/`;
    if (c.req.path === "/feed.atom") return h.feed(c, slug, url, "atom");
    if (c.req.path === "/feed.rss") return h.feed(c, slug, url, "rss");
    return h.page(c, slug, "");
  };
}

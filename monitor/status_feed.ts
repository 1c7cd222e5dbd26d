/**
 * Atom 1.0 and RSS 2.0 feeds of a status page: one entry per operator-written incident update,
 * newest first. Pure string building; every text goes through `escapeXml`.
 */
import { escapeXml } from "./badge.ts";
import type { PublicIncident } from "./status_model.ts";

/** What a feed is built from. */
export interface FeedInput {
  /** The page's stable id (its slug may change, entry ids must not). */
  pageId: number;
  title: string;
  description: string;
  /** Absolute URL of the public page. */
  pageUrl: string;
  /** Absolute URL of this feed. */
  feedUrl: string;
  /** Newest first (current, then past). */
  incidents: readonly PublicIncident[];
  /** The feed's update time when it has no entries (the page's last edit). */
  fallbackUpdatedAt: number;
}

/** Entries a feed carries at most. */
export const FEED_LIMIT = 50;

interface FeedEntry {
  id: string;
  title: string;
  link: string;
  message: string;
  published: number;
  updated: number;
}

/** The authority of tag URIs: the host of the page's URL. */
function tagBase(pageUrl: string): string {
  let host = "localhost";
  try {
    host = new URL(pageUrl).hostname || host;
  } catch { /* not a URL: keep the default */ }
  return `tag:${host},2024:`;
}

/** The feed's entries, newest first, at most {@link FEED_LIMIT}. */
function entries(f: FeedInput): FeedEntry[] {
  const tag = tagBase(f.pageUrl);
  return f.incidents
    .flatMap((i) =>
      i.updates.map((u) => ({
        id: `${tag}status-page-${f.pageId}:update-${u.id}`,
        title: `${i.title}: ${u.word}`,
        link: `${f.pageUrl}#incident-${i.id}`,
        message: u.message,
        published: u.createdAt,
        updated: Math.max(u.createdAt, u.updatedAt),
      }))
    )
    .toSorted((a, b) => b.published - a.published || (a.id < b.id ? 1 : -1))
    .slice(0, FEED_LIMIT);
}

const isoTime = (t: number) => new Date(t).toISOString();

/** The Atom 1.0 document. */
export function atomFeed(f: FeedInput): string {
  const list = entries(f);
  const updated = Math.max(f.fallbackUpdatedAt, ...list.map((e) => e.updated));
  const x = escapeXml;
  let out = `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<feed xmlns="http://www.w3.org/2005/Atom">\n` +
    `<id>${x(`${tagBase(f.pageUrl)}status-page-${f.pageId}`)}</id>\n` +
    `<title>${x(f.title)}</title>\n` +
    (f.description ? `<subtitle>${x(f.description)}</subtitle>\n` : "") +
    `<updated>${isoTime(updated)}</updated>\n` +
    `<link rel="alternate" type="text/html" href="${x(f.pageUrl)}"/>\n` +
    `<link rel="self" type="application/atom+xml" href="${x(f.feedUrl)}"/>\n` +
    `<author><name>${x(f.title)}</name></author>\n` +
    `<generator>Server Health Checker</generator>\n`;
  for (const e of list) {
    out += `<entry>\n<id>${x(e.id)}</id>\n<title>${x(e.title)}</title>\n` +
      `<link rel="alternate" type="text/html" href="${x(e.link)}"/>\n` +
      `<published>${isoTime(e.published)}</published>\n<updated>${isoTime(e.updated)}</updated>\n` +
      `<content type="text">${x(e.message)}</content>\n</entry>\n`;
  }
  return out + "</feed>\n";
}

/** The RSS 2.0 document. */
export function rssFeed(f: FeedInput): string {
  const list = entries(f);
  const updated = Math.max(f.fallbackUpdatedAt, ...list.map((e) => e.updated));
  const x = escapeXml;
  let out = `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n` +
    `<title>${x(f.title)}</title>\n<link>${x(f.pageUrl)}</link>\n` +
    `<description>${x(f.description || `Status of ${f.title}`)}</description>\n` +
    `<lastBuildDate>${new Date(updated).toUTCString()}</lastBuildDate>\n` +
    `<atom:link href="${x(f.feedUrl)}" rel="self" type="application/rss+xml"/>\n` +
    `<generator>Server Health Checker</generator>\n`;
  for (const e of list) {
    out += `<item>\n<title>${x(e.title)}</title>\n<link>${x(e.link)}</link>\n` +
      `<guid isPermaLink="false">${x(e.id)}</guid>\n` +
      `<pubDate>${new Date(e.published).toUTCString()}</pubDate>\n` +
      `<description>${x(e.message)}</description>\n</item>\n`;
  }
  return out + "</channel>\n</rss>\n";
}

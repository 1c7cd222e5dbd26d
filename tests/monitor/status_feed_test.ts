/** Atom and RSS feeds of a status page: well-formed, escaped, stable ids, newest first. */
import assert from "node:assert/strict";
import { DOMParser, type Element as XmlElement } from "@xmldom/xmldom";
import { atomFeed, type FeedInput, rssFeed } from "../../monitor/status_feed.ts";
import type { PublicIncident } from "../../monitor/status_model.ts";

function parse(xml: string) {
  return new DOMParser({
    onError: (level, msg) => {
      if (level !== "warning") throw new Error(`XML ${level}: ${msg}`);
    },
  }).parseFromString(xml, "text/xml");
}

const NASTY = `<script>alert("x")</script> & 'quotes'`;

const incidents: PublicIncident[] = [{
  id: 7,
  title: `DB <down> & "out"`,
  status: "monitoring",
  word: "Monitoring",
  createdAt: Date.UTC(2026, 0, 1, 10),
  updatedAt: Date.UTC(2026, 0, 1, 12),
  resolvedAt: null,
  affects: [],
  updates: [
    {
      id: 21,
      status: "monitoring",
      word: "Monitoring",
      message: `Fixed.\nWatching ${NASTY}`,
      createdAt: Date.UTC(2026, 0, 1, 12),
      updatedAt: Date.UTC(2026, 0, 1, 13),
    },
    {
      id: 20,
      status: "investigating",
      word: "Investigating",
      message: "Looking",
      createdAt: Date.UTC(2026, 0, 1, 10),
      updatedAt: Date.UTC(2026, 0, 1, 10),
    },
  ],
}];

const input: FeedInput = {
  pageId: 3,
  title: `Acme & "Co" <status>`,
  description: "All 'our' services",
  pageUrl: "https://status.acme.test/status/acme",
  feedUrl: "https://status.acme.test/status/acme/feed.atom",
  incidents,
  fallbackUpdatedAt: Date.UTC(2025, 0, 1),
};

Deno.test("atomFeed() is well-formed Atom 1.0 with escaped text, stable ids and times", () => {
  const xml = atomFeed(input);
  const doc = parse(xml);
  const feed = doc.documentElement!;
  assert.equal(feed.tagName, "feed");
  assert.equal(feed.getAttribute("xmlns"), "http://www.w3.org/2005/Atom");
  assert.equal(feed.getElementsByTagName("title")[0].textContent, `Acme & "Co" <status>`);
  assert.equal(feed.getElementsByTagName("updated")[0].textContent, "2026-01-01T13:00:00.000Z");
  const entries = Array.from(feed.getElementsByTagName("entry"));
  assert.equal(entries.length, 2);
  const [first, second] = entries;
  const get = (e: XmlElement, tag: string) => e.getElementsByTagName(tag)[0].textContent;
  assert.equal(get(first, "id"), "tag:status.acme.test,2024:status-page-3:update-21");
  assert.equal(get(second, "id"), "tag:status.acme.test,2024:status-page-3:update-20");
  assert.equal(get(first, "title"), `DB <down> & "out": Monitoring`);
  assert.equal(get(first, "content"), `Fixed.\nWatching ${NASTY}`);
  assert.equal(get(first, "published"), "2026-01-01T12:00:00.000Z");
  assert.equal(get(first, "updated"), "2026-01-01T13:00:00.000Z");
  assert.equal(
    first.getElementsByTagName("link")[0].getAttribute("href"),
    "https://status.acme.test/status/acme#incident-7",
  );
  assert.ok(!xml.includes("<script>"));
  assert.equal(atomFeed(input), xml, "the same input gives the same document");
});

Deno.test("rssFeed() is well-formed RSS 2.0 with escaped text and guids", () => {
  const xml = rssFeed(input);
  const doc = parse(xml);
  const rss = doc.documentElement!;
  assert.equal(rss.tagName, "rss");
  assert.equal(rss.getAttribute("version"), "2.0");
  const items = Array.from(rss.getElementsByTagName("item"));
  assert.equal(items.length, 2);
  const get = (e: XmlElement, tag: string) => e.getElementsByTagName(tag)[0].textContent;
  assert.equal(get(items[0], "guid"), "tag:status.acme.test,2024:status-page-3:update-21");
  assert.equal(get(items[0], "description"), `Fixed.\nWatching ${NASTY}`);
  assert.equal(get(items[0], "pubDate"), "Thu, 01 Jan 2026 12:00:00 GMT");
  assert.equal(get(rss, "description"), "All 'our' services");
  assert.ok(!xml.includes("<script>"));
});

Deno.test("a feed without incidents is still valid and dated by the page", () => {
  const empty = { ...input, incidents: [] };
  const atom = parse(atomFeed(empty)).documentElement!;
  assert.equal(atom.getElementsByTagName("entry").length, 0);
  assert.equal(atom.getElementsByTagName("updated")[0].textContent, "2025-01-01T00:00:00.000Z");
  assert.equal(parse(rssFeed(empty)).documentElement!.getElementsByTagName("item").length, 0);
});

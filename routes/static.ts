/**
 * Static assets, embedded with text imports so a `deno compile` binary reads nothing from the
 * source tree. URLs carry a content hash (`/static/<hash>/app.css`), so they can be cached for a
 * year: a new build changes the hash and therefore the URL.
 */
import { Hono } from "hono";
import { compress } from "hono/compress";
import css from "../static/app.css" with { type: "text" };
import js from "../static/app.js" with { type: "text" };
import htmx from "../static/vendor/htmx.min.js" with { type: "text" };
import type { AssetUrls } from "../components/types.ts";

interface Asset {
  name: string;
  body: string;
  type: string;
  hash: string;
}

const FILES: [string, string, string][] = [
  ["app.css", css, "text/css; charset=utf-8"],
  ["app.js", js, "text/javascript; charset=utf-8"],
  // The version is in the name as well, so a pinned upgrade is visible in page sources.
  ["htmx-2.0.11.min.js", htmx, "text/javascript; charset=utf-8"],
];

async function shortHash(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(d).slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const ASSETS: Asset[] = await Promise.all(
  FILES.map(async ([name, body, type]) => ({ name, body, type, hash: await shortHash(body) })),
);

const url = (name: string) => {
  const a = ASSETS.find((x) => x.name === name)!;
  return `/static/${a.hash}/${a.name}`;
};

/** The fingerprinted URLs pages link to. */
export const ASSET_URLS: AssetUrls = {
  css: url("app.css"),
  js: url("app.js"),
  htmx: url("htmx-2.0.11.min.js"),
};

/** Serves `/static/:hash/:name`; public, no session needed. */
export function staticRoutes(): Hono {
  const app = new Hono();
  app.get("/static/:hash/:name", compress(), (c) => {
    const asset = ASSETS.find((a) => a.name === c.req.param("name"));
    if (!asset) return c.text("Not found", 404);
    // A stale hash (a page from before a restart) still gets the file, but not cached for long.
    const current = asset.hash === c.req.param("hash");
    c.header("Content-Type", asset.type);
    c.header(
      "Cache-Control",
      current ? "public, max-age=31536000, immutable" : "public, max-age=60",
    );
    c.header("ETag", `"${asset.hash}"`);
    // Compression turns the ETag weak (W/"…"); either form matches.
    const match = c.req.header("If-None-Match")?.replace(/^W\//, "");
    if (match === `"${asset.hash}"`) return c.body(null, 304);
    return c.body(asset.body);
  });
  return app;
}

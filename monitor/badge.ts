/**
 * Flat SVG badges in the style of shields.io: a grey label and a coloured value, each box as
 * wide as its text (estimated from Verdana 11 px character widths, no font files needed). Pure.
 */
import type { MonitorStatus } from "./types.ts";
import { PUBLIC_STATUS, type PublicLevel } from "./status_model.ts";

/** The badge colours by public level (the status badge). */
export const LEVEL_COLORS: Record<PublicLevel, string> = {
  operational: "#4c1",
  maintenance: "#007ec6",
  degraded: "#dfb317",
  outage: "#e05d44",
  unknown: "#9f9f9f",
};

/** Grey: no data. */
export const NO_DATA_COLOR = "#9f9f9f";

// Approximate advance widths of Verdana at 11 px, by character.
const WIDTHS: Record<string, number> = {};
const group = (chars: string, w: number) => {
  for (const ch of chars) WIDTHS[ch] = w;
};
group(" ", 3.9);
group("ijl|!.,:;'`", 3.1);
group("frtI()[]{}/\\-", 4.6);
group("abcdeghknopqsuvxyz", 6.7);
group("0123456789$#?_+=<>*~^", 7);
group("ABCDEFGHJKLNOPQRSTUVXYZ&", 7.6);
group("mwMW%@", 10.5);
const DEFAULT_WIDTH = 7.5;
const WIDE_WIDTH = 11;

/**
 * The estimated width of `text` in Verdana 11 px.
 *
 * @example
 * ```ts
 * import { textWidth } from "./badge.ts";
 * textWidth("up") > textWidth("i"); // true
 * ```
 */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    w += WIDTHS[ch] ?? ((ch.codePointAt(0) ?? 0) > 0x2e80 ? WIDE_WIDTH : DEFAULT_WIDTH);
  }
  return Math.round(w * 10) / 10;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for XML content and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Control characters (not allowed in XML 1.0) and surrounding space removed; at most 100 chars. */
export function cleanBadgeText(s: string): string {
  // deno-lint-ignore no-control-regex
  return [...s.replace(/[\u0000-\u001f\u007f\ufffe\uffff]/g, "").trim()].slice(0, 100).join("");
}

const PAD = 6;

/** A flat badge: `label` on grey, `value` on `color`. */
export function renderBadge(b: { label: string; value: string; color: string }): string {
  const label = cleanBadgeText(b.label) || "status";
  const value = cleanBadgeText(b.value);
  const lw = Math.round(textWidth(label) + 2 * PAD);
  const vw = Math.round(textWidth(value) + 2 * PAD);
  const w = lw + vw;
  const title = escapeXml(`${label}: ${value}`);
  const color = /^#[0-9a-f]{3,6}$/i.test(b.color) ? b.color : NO_DATA_COLOR;
  const text = (s: string, x: number) => {
    const len = Math.round(textWidth(s));
    const t = escapeXml(s);
    return `<text x="${x}" y="15" fill="#010101" fill-opacity=".3" textLength="${len}" ` +
      `lengthAdjust="spacingAndGlyphs">${t}</text>` +
      `<text x="${x}" y="14" textLength="${len}" lengthAdjust="spacingAndGlyphs">${t}</text>`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" ` +
    `aria-label="${title}"><title>${title}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" ` +
    `stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/>` +
    `<rect x="${lw}" width="${vw}" height="20" fill="${color}"/>` +
    `<rect width="${w}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" ` +
    `font-size="11">${text(label, lw / 2)}${text(value, lw + vw / 2)}</g></svg>`;
}

/** The status badge's value and colour. */
export function statusBadge(status: MonitorStatus): { value: string; color: string } {
  return { value: status, color: LEVEL_COLORS[PUBLIC_STATUS[status].level] };
}

/** "99.95%" (never rounded up to 100 while anything failed); "no data". */
export function uptimeText(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return "no data";
  if (pct >= 100) return "100%";
  return `${(Math.floor(pct * 100) / 100).toFixed(2)}%`;
}

/** The uptime badge's value and colour. */
export function uptimeBadge(pct: number | null): { value: string; color: string } {
  const value = uptimeText(pct);
  if (pct === null || !Number.isFinite(pct)) return { value, color: NO_DATA_COLOR };
  const color = pct >= 99.9
    ? "#4c1"
    : pct >= 99
    ? "#97ca00"
    : pct >= 97
    ? "#a4a61d"
    : pct >= 95
    ? "#dfb317"
    : pct >= 90
    ? "#fe7d37"
    : "#e05d44";
  return { value, color };
}

/** The response-time badge's value ("87 ms", "1.24 s") and colour. */
export function responseBadge(avgMs: number | null): { value: string; color: string } {
  if (avgMs === null || !Number.isFinite(avgMs)) return { value: "no data", color: NO_DATA_COLOR };
  const value = avgMs < 1000 ? `${Math.round(avgMs)} ms` : `${(avgMs / 1000).toFixed(2)} s`;
  const color = avgMs < 200
    ? "#4c1"
    : avgMs < 500
    ? "#97ca00"
    : avgMs < 1000
    ? "#dfb317"
    : avgMs < 2000
    ? "#fe7d37"
    : "#e05d44";
  return { value, color };
}

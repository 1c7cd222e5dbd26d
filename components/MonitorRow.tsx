/**
 * One monitor on the overview: a region with a stable id (`m-<id>`) that polls can swap alone.
 *
 * Built as one string, not JSX: the overview shows up to thousands of rows, and a row through
 * the JSX runtime cost ~25 µs against ~3 µs as a template (50 ms of a 2,000-monitor page). Every
 * interpolated value goes through `escapeHtml`; hrefs come from `safeHref` or are our own paths.
 */
import { raw } from "hono/html";
import type { OverviewRow } from "../monitor/overview.ts";
import { HEARTBEAT_SLOTS } from "./constants.ts";
import {
  ago,
  displayUrl,
  ERROR_LABELS,
  ERROR_SHORT_LABELS,
  isoSeconds,
  ms,
  pct,
  resultText,
  safeHref,
  STATUS_LABELS,
} from "./format.ts";
import { certificateNote, escapeHtml, Heartbeat } from "./Status.tsx";

/** The DOM id of a monitor's overview row. */
export const rowId = (id: number) => `m-${id}`;

/** Props of {@link MonitorRow}. */
export interface MonitorRowProps {
  row: OverviewRow;
  now: number;
  /** Marks the element for an out-of-band swap (in poll responses). */
  oob?: boolean;
  /** Shown only as the website of matching apps (it does not match the filters itself). */
  context?: boolean;
}

/** The last check's outcome: the raw status code, or the error with its message as a tooltip. */
function result(row: OverviewRow): string {
  const c = row.lastCheck;
  if (!c) return '<span class="muted">–</span>';
  if (c.ok) return escapeHtml(resultText(c, row.monitor.kind));
  const label = c.errorKind ? ERROR_LABELS[c.errorKind] : "Failed";
  const short = c.errorKind ? ERROR_SHORT_LABELS[c.errorKind] : "Failed";
  const code = c.httpStatus !== null ? `HTTP ${c.httpStatus}` : short;
  return `<span class="error-text" title="${escapeHtml(c.errorMessage ?? label)}">${
    escapeHtml(code)
  }</span>`;
}

/** The monitor's target: a link for http(s) URLs, plain text otherwise (see `TargetLink`). */
function target(row: OverviewRow): string {
  const m = row.monitor;
  // A push monitor has no target, and its ping URL is a secret: never a link in a list.
  if (m.kind === "push") return '<span class="row-url">push · pinged by its job</span>';
  const href = safeHref(m.url);
  const text = escapeHtml(displayUrl(m.url));
  return href
    ? `<a class="row-url" href="${
      escapeHtml(href)
    }" rel="noreferrer nofollow" target="_blank">${text}</a>`
    : `<span class="row-url">${text}</span>`;
}

/** The monitor's tags as chips, each a link to the overview filtered by it. */
function tagChips(tags: readonly string[]): string {
  if (tags.length === 0) return "";
  // Tags are validated words ([a-z0-9_-]), escaped anyway.
  return `<span class="tag-chips">${
    tags.map((t) => {
      const tag = escapeHtml(t);
      return `<a class="tag-chip" href="/?tag=${encodeURIComponent(t)}">${tag}</a>`;
    }).join("")
  }</span>`;
}

/** A monitor row. */
export function MonitorRow({ row, now, oob, context }: MonitorRowProps) {
  const m = row.monitor;
  const c = row.lastCheck;
  const classes = `row row-${row.status}${m.parentId !== null ? " row-app" : ""}${
    context ? " row-context" : ""
  }`;
  const note = certificateNote(m, row.certificate, now);
  const last = c
    ? `<time datetime="${isoSeconds(c.checkedAt)}" data-rel="">${
      escapeHtml(ago(c.checkedAt, now))
    }</time>`
    : '<span class="muted">never</span>';
  const html = `<div id="${rowId(m.id)}" class="${classes}"${oob ? ' hx-swap-oob="true"' : ""}>` +
    `<div class="row-id"><span class="pill pill-${row.status}">${
      STATUS_LABELS[row.status]
    }</span><div><a class="row-name" href="/monitors/${m.id}">${escapeHtml(m.name)}</a>${
      tagChips(m.tags)
    }${target(row)}${
      note
        ? `<span class="cert-note" title="${escapeHtml(note.title)}">${
          escapeHtml(note.text)
        }</span>`
        : ""
    }</div></div>` +
    Heartbeat({ beats: row.beats, slots: HEARTBEAT_SLOTS }) +
    // dt/dd pairs without wrappers (app.css places them): 2,000 rows, every byte twice.
    `<dl><dt>Last check</dt><dd>${last}</dd><dt>Response</dt><dd>${
      c && c.ok ? escapeHtml(ms(c.latencyMs)) : "–"
    }</dd><dt>Result</dt><dd>${result(row)}</dd><dt>24 h</dt><dd>${
      pct(row.uptime.h24)
    }</dd><dt>7 d</dt><dd>${pct(row.uptime.d7)}</dd><dt>30 d</dt><dd>${
      pct(row.uptime.d30)
    }</dd></dl></div>`;
  return raw(html);
}

/** Small status pieces: the status pill, the heartbeat strip and a monitor's target link. */
import type { CertificateInfo, Monitor, MonitorStatus } from "../monitor/types.ts";
import { raw } from "hono/html";
import { displayUrl, safeHref, STATUS_LABELS, utc } from "./format.ts";

/** Colour plus word: "Up", "Down", "Pending", "Paused" (the dot is drawn by app.css). */
export function StatusPill(props: { status: MonitorStatus; large?: boolean }) {
  return (
    <span class={`pill pill-${props.status}${props.large ? " pill-large" : ""}`}>
      {STATUS_LABELS[props.status]}
    </span>
  );
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * The last `slots` checks as bars, oldest left; empty slots pad the left edge so strips line up.
 * One label for the whole strip keeps screen readers from reading thirty bars. The monitor page
 * lists every check with its time.
 *
 * Bars of the same kind in a row are one element (`r<n>`: n slots wide, drawn as n bars by
 * app.css), so a steady strip is two elements instead of thirty: with 2,000 monitors this keeps
 * the overview small. Built as a string; every interpolated value goes through `escapeHtml`.
 */
export function Heartbeat(
  props: {
    /** Letters, oldest first: "u" up, "s" slow, "d" failed (see `OverviewRow.beats`). */
    beats: string;
    slots: number;
  },
) {
  const beats = props.beats.slice(-props.slots);
  let down = 0, slow = 0, maintenance = 0;
  for (const b of beats) {
    if (b === "d") down++;
    else if (b === "s") slow++;
    else if (b === "m") maintenance++;
  }
  const up = beats.length - down - maintenance;
  const inMaintenance = maintenance ? `, ${maintenance} in maintenance` : "";
  const summary = beats.length === 0
    ? "No checks yet"
    : `Last ${beats.length} checks: ${up} up${
      slow ? ` (${slow} slow)` : ""
    }, ${down} down${inMaintenance}`;
  // No tooltip: the row beside the strip shows the latest check's time, response and result,
  // and 2,000 tooltips would be a tenth of the page.
  let html = `<div class="beats" role="img" aria-label="${escapeHtml(summary)}">`;
  const run = (kind: string, n: number) => {
    if (n > 0) html += `<i class="beat beat-${kind}${n > 1 ? ` r${n}` : ""}"></i>`;
  };
  run("none", props.slots - beats.length);
  // Runs of one letter; the letters are our own, mapped to fixed class names.
  for (let i = 0; i < beats.length;) {
    let j = i + 1;
    while (j < beats.length && beats[j] === beats[i]) j++;
    run(BEAT_CLASS[beats[i]] ?? "none", j - i);
    i = j;
  }
  return raw(`${html}</div>`);
}

/** Beat letters (`recentBeats()`): up, slow, down, taken in maintenance (not counted in uptime). */
const BEAT_CLASS: Record<string, string> = { u: "up", s: "slow", d: "down", m: "maintenance" };

/** The monitor's target: a link for http(s) URLs, plain text otherwise (tcp, or anything odd). */
export function TargetLink(props: { monitor: Monitor; class?: string }) {
  // A push monitor has no target, and its ping URL is a secret: never a link in a list.
  if (props.monitor.kind === "push") {
    return <span class={props.class}>push · pinged by its job</span>;
  }
  const href = safeHref(props.monitor.url);
  const text = displayUrl(props.monitor.url);
  return href
    ? (
      // noreferrer implies noopener (HTML): the opened page gets no window.opener either.
      <a class={props.class} href={href} rel="noreferrer nofollow" target="_blank">
        {text}
      </a>
    )
    : <span class={props.class}>{text}</span>;
}

const DAY_MS = 86_400_000;

/**
 * "TLS certificate expires in 5 days" for a monitor whose certificate is inside its largest
 * warning threshold (or already expired), with its tooltip; null otherwise.
 */
export function certificateNote(
  monitor: Pick<Monitor, "certExpiryDays">,
  c: CertificateInfo | null,
  now: number,
): { text: string; title: string } | null {
  const warnFrom = Math.max(0, ...monitor.certExpiryDays);
  if (!c || c.validTo - now > warnFrom * DAY_MS) return null;
  const left = c.validTo - now;
  const text = left <= 0
    ? "TLS certificate expired"
    : `TLS certificate expires in ${certificateLeft(left)}`;
  return { text, title: `${text}: ${utc(c.validTo)}, issued by ${c.issuer}` };
}

/** {@link certificateNote} as an element, or nothing. */
export function CertificateNote(
  props: {
    monitor: Pick<Monitor, "certExpiryDays">;
    certificate: CertificateInfo | null;
    now: number;
  },
) {
  const note = certificateNote(props.monitor, props.certificate, props.now);
  return note ? <span class="cert-note" title={note.title}>{note.text}</span> : null;
}

/** "5 days", "1 day", "3 h". */
export function certificateLeft(ms: number): string {
  if (ms >= DAY_MS) {
    const d = Math.floor(ms / DAY_MS);
    return `${d} day${d === 1 ? "" : "s"}`;
  }
  return `${Math.max(1, Math.floor(ms / 3_600_000))} h`;
}

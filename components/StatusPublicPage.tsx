/**
 * The public status page: banner, chosen monitors with their 90 daily uptime bars, current and
 * past incidents with their updates, upcoming maintenance. No script, no session, no monitor
 * URL or id: it renders only the public model (monitor/status_model.ts).
 */
import { raw } from "hono/html";
import type {
  DayBar,
  PublicEntry,
  PublicIncident,
  PublicStatusPage,
  UpcomingMaintenance,
} from "../monitor/status_model.ts";
import type { AssetUrls } from "./types.ts";
import { escapeHtml } from "./Status.tsx";
import { iso, pct, utc } from "./format.ts";

/** Props of {@link StatusPublicPage}. */
export interface StatusPublicPageProps {
  page: PublicStatusPage;
  assets: AssetUrls;
  /** Where the page's feeds are: "/status/<slug>" or "" on its custom domain. */
  base: string;
}

/** One day's tooltip: "2026-12-02 · 99.95% uptime" or "2026-12-02 · no data". */
export function barTitle(b: DayBar): string {
  return b.pct === null ? `${b.day} · no data` : `${b.day} · ${pct(b.pct)} uptime`;
}

/**
 * The 90 bars of one entry, oldest first. Built as a string (50 entries make 4,500 bars); every
 * interpolated value is escaped.
 */
export function UptimeBars(props: { entry: PublicEntry }) {
  const e = props.entry;
  const label = escapeHtml(
    `${e.name}: ${
      e.uptimePct === null ? "no data" : `${pct(e.uptimePct)} uptime`
    } over ${e.bars.length} days`,
  );
  let html = `<div class="bars" role="img" aria-label="${label}">`;
  for (const b of e.bars) {
    html += `<i class="bar bar-${b.tone}" title="${escapeHtml(barTitle(b))}"></i>`;
  }
  return raw(`${html}</div>`);
}

function Entry(props: { entry: PublicEntry }) {
  const e = props.entry;
  return (
    <li class="sp-entry">
      <div class="sp-entry-head">
        <span class="sp-entry-name">{e.name}</span>
        <span class={`sp-status lvl-${e.level}`}>
          <span class="dot" aria-hidden="true"></span>
          {e.word}
        </span>
      </div>
      {e.apps.length > 0 && (
        <ul class="sp-apps">
          {e.apps.map((a) => (
            <li>
              <span>{a.name}</span>
              <span class={`sp-status lvl-${a.level}`}>
                <span class="dot" aria-hidden="true"></span>
                {a.word}
              </span>
            </li>
          ))}
        </ul>
      )}
      <UptimeBars entry={e} />
      <div class="sp-bars-legend">
        <span>{e.bars.length} days ago</span>
        <span>{e.uptimePct === null ? "No data" : `${pct(e.uptimePct)} uptime`}</span>
        <span>Today</span>
      </div>
    </li>
  );
}

/** One incident with its updates, newest first; messages keep their line breaks (CSS). */
export function IncidentCard(props: { incident: PublicIncident; headingLevel?: 2 | 3 }) {
  const i = props.incident;
  return (
    <article class={`sp-incident sp-incident-${i.status}`} id={`incident-${i.id}`}>
      <h3>{i.title}</h3>
      {i.affects.length > 0 && <p class="sp-affects">Affects: {i.affects.join(", ")}</p>}
      <ol class="sp-updates">
        {i.updates.map((u) => (
          <li id={`update-${u.id}`}>
            <p class="sp-update-head">
              <strong class={`upd upd-${u.status}`}>{u.word}</strong>{" "}
              <time datetime={iso(u.createdAt)}>{utc(u.createdAt)}</time>
            </p>
            <p class="sp-message">{u.message}</p>
          </li>
        ))}
      </ol>
    </article>
  );
}

function Maintenance(props: { items: UpcomingMaintenance[] }) {
  return (
    <section class="sp-section" aria-labelledby="sp-maint">
      <h2 id="sp-maint">Upcoming maintenance</h2>
      <ul class="sp-maintenance">
        {props.items.map((m) => (
          <li>
            <strong>{m.title}</strong>
            <p>
              <time datetime={iso(m.startsAt)}>{utc(m.startsAt)}</time> –{" "}
              <time datetime={iso(m.endsAt)}>{utc(m.endsAt)}</time>
            </p>
            {m.monitors.length > 0 && <p class="sp-affects">Affects: {m.monitors.join(", ")}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The whole public page. */
export function StatusPublicPage(props: StatusPublicPageProps) {
  const { page: p, assets, base } = props;
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          {/* Live enough without JavaScript: the page reloads itself every minute. */}
          <meta http-equiv="refresh" content="60" />
          <title>{`${p.title} status`}</title>
          {p.description && <meta name="description" content={p.description} />}
          <link rel="stylesheet" href={assets.css} />
          <link
            rel="alternate"
            type="application/atom+xml"
            title={`${p.title}: incidents (Atom)`}
            href={`${base}/feed.atom`}
          />
          <link
            rel="alternate"
            type="application/rss+xml"
            title={`${p.title}: incidents (RSS)`}
            href={`${base}/feed.rss`}
          />
        </head>
        <body class="sp">
          <header class="sp-head wrap">
            {p.logoUrl && <img class="sp-logo" src={p.logoUrl} alt="" height="48" />}
            <div>
              <h1>{p.title}</h1>
              {p.description && <p class="sp-desc">{p.description}</p>}
            </div>
          </header>
          <main id="main" class="wrap">
            <section class={`sp-banner sp-banner-${p.overall}`} role="status">
              <span class="dot" aria-hidden="true"></span>
              <strong>{p.overallWord}</strong>
              {p.uptimePct !== null && (
                <span class="sp-banner-uptime">{pct(p.uptimePct)} uptime, last 90 days</span>
              )}
            </section>

            {p.activeIncidents.length > 0 && (
              <section class="sp-section" aria-labelledby="sp-current">
                <h2 id="sp-current">Current incidents</h2>
                {p.activeIncidents.map((i) => <IncidentCard key={i.id} incident={i} />)}
              </section>
            )}

            {p.upcomingMaintenance.length > 0 && <Maintenance items={p.upcomingMaintenance} />}

            <section class="sp-section" aria-labelledby="sp-services">
              <h2 id="sp-services">Services</h2>
              {p.entries.length === 0
                ? <p class="muted">No services are listed yet.</p>
                : <ul class="sp-entries">{p.entries.map((e, n) => <Entry key={n} entry={e} />)}
                </ul>}
            </section>

            <section class="sp-section" aria-labelledby="sp-past">
              <h2 id="sp-past">Past incidents</h2>
              {p.pastIncidents.length === 0
                ? <p class="muted">No incidents in the last 30 days.</p>
                : p.pastIncidents.map((i) => <IncidentCard key={i.id} incident={i} />)}
            </section>
          </main>
          <footer class="sp-foot wrap">
            <p>
              Subscribe: <a href={`${base}/feed.atom`}>Atom</a> ·{" "}
              <a href={`${base}/feed.rss`}>RSS</a>
            </p>
            <p class="muted">Powered by Server Health Checker</p>
          </footer>
        </body>
      </html>
    </>
  );
}

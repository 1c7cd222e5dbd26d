/** The HTML document around every page: head, top bar, flash region and main landmark. */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { Flash, NavItem, PageContext } from "./types.ts";

/**
 * htmx settings, read by htmx from this meta tag: no eval (CSP has no 'unsafe-eval'), no injected
 * indicator <style> and no `style` attribute carried over while settling a swap (CSP has no inline
 * styles: htmx copies an old element's style onto its new twin, which the browser refuses), 422
 * responses are swapped (forms re-render with
 * their messages), and history snapshots are not kept in localStorage (they hold private pages).
 */
export const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  attributesToSettle: ["class", "width", "height"],
  selfRequestsOnly: true,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  responseHandling: [
    { code: "204", swap: false },
    { code: "422", swap: true, error: false },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: false, error: true },
    { code: "...", swap: false },
  ],
});

// A status dot, inline so the icon costs no request (CSP allows data: images).
const FAVICON = "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#16a34a"/></svg>',
  );

/** The flash message region; also sent out-of-band after htmx actions. */
export function FlashRegion(props: { flash?: Flash | null; oob?: boolean }) {
  const f = props.flash;
  return (
    <div
      id="flash"
      class="flash-region"
      role="status"
      aria-live="polite"
      hx-swap-oob={props.oob ? "true" : undefined}
    >
      {f && (
        <div class={`flash flash-${f.kind}`}>
          <p>{f.text}</p>
          {f.secret && <code class="secret" tabindex={0}>{f.secret}</code>}
        </div>
      )}
    </div>
  );
}

function Logo() {
  return (
    <svg class="logo" viewBox="0 0 24 24" aria-hidden="true" width="24" height="24">
      <rect x="1" y="1" width="22" height="22" rx="6" class="logo-bg" />
      <path
        d="M5 13h3l2-5 3 9 2-4h4"
        class="logo-line"
        fill="none"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}

/** Props of {@link Layout}. */
export interface LayoutProps {
  ctx: PageContext;
  title: string;
  nav?: NavItem;
  /** Reload the page every 30 s when JavaScript is off (wall screens without JS). */
  noScriptRefresh?: boolean;
  children?: Child;
}

/** The page shell. */
export function Layout({ ctx, title, nav = null, noScriptRefresh, children }: LayoutProps) {
  const current = (item: NavItem) => (nav === item ? "page" : undefined);
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <title>{`${title} · Server Health Checker`}</title>
          <link rel="icon" href={FAVICON} />
          <link rel="stylesheet" href={ctx.assets.css} />
          <script src={ctx.assets.htmx} defer></script>
          <script src={ctx.assets.js} defer></script>
          {noScriptRefresh && (
            <noscript>
              <meta http-equiv="refresh" content="30" />
            </noscript>
          )}
        </head>
        <body hx-headers={JSON.stringify({ "X-CSRF-Token": ctx.csrf })}>
          <a class="skip" href="#main">Skip to content</a>
          <header class="topbar">
            <div class="wrap topbar-inner">
              <a class="brand" href="/">
                <Logo />
                <span>Server Health Checker</span>
              </a>
              {ctx.username && (
                <nav class="nav" aria-label="Main">
                  <a href="/" aria-current={current("overview")}>Overview</a>
                  <a href="/monitors/new" aria-current={current("new")}>Add website</a>
                  <a href="/maintenance" aria-current={current("maintenance")}>Maintenance</a>
                  <a href="/status-pages" aria-current={current("status")}>Status pages</a>
                  <a href="/settings" aria-current={current("settings")}>Settings</a>
                  <form method="post" action="/logout" class="logout">
                    <input type="hidden" name="_csrf" value={ctx.csrf} />
                    <button type="submit" class="linklike" title={`Signed in as ${ctx.username}`}>
                      Log out
                    </button>
                  </form>
                </nav>
              )}
            </div>
          </header>
          <main id="main" class="wrap" tabindex={-1}>
            <FlashRegion flash={ctx.flash} />
            {children}
          </main>
        </body>
      </html>
    </>
  );
}

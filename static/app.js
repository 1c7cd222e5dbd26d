// Server Health Checker dashboard behaviour. Loaded as a static file (the CSP forbids inline
// scripts). Everything here is an enhancement: without it, pages are plain forms and links.
//
// 1. The poll ticker. Polled regions use hx-trigger="shc:poll from:body" rather than htmx's
//    `every 5s [document.visibilityState === 'visible']`, whose filter needs eval. This ticker
//    fires "shc:poll" on <body> every period while the tab is visible, stops its timer while the
//    tab is hidden (so no request at all), and fires once on return so the page catches up.
// 2. Relative times ("12 s ago") in <time data-rel> are kept current between server updates.
(function () {
  "use strict";
  const DEFAULT_PERIOD_MS = 5000;
  let timer = null;

  function period() {
    const v = Number(document.body.getAttribute("data-poll-ms"));
    return v >= 250 ? v : DEFAULT_PERIOD_MS;
  }

  function ago(t, now) {
    const s = Math.max(0, Math.round((now - t) / 1000));
    if (s < 2) return "just now";
    if (s < 60) return s + " s ago";
    if (s < 3600) return Math.floor(s / 60) + " min ago";
    if (s < 172800) return Math.floor(s / 3600) + " h ago";
    return Math.floor(s / 86400) + " d ago";
  }

  function refreshTimes() {
    const now = Date.now();
    for (const el of document.querySelectorAll("time[data-rel]")) {
      const t = Date.parse(el.getAttribute("datetime"));
      if (!isNaN(t)) el.textContent = ago(t, now);
    }
  }

  function tick() {
    refreshTimes();
    if (globalThis.htmx) globalThis.htmx.trigger(document.body, "shc:poll");
  }

  function start() {
    if (timer !== null) return;
    timer = setInterval(tick, period());
    document.body.setAttribute("data-polling", "on");
  }

  function stop() {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    document.body.setAttribute("data-polling", "off");
  }

  function onVisibility() {
    if (document.visibilityState === "visible") {
      tick();
      start();
    } else {
      stop();
    }
  }

  document.addEventListener("visibilitychange", onVisibility);
  if (document.visibilityState === "visible") start();
  else document.body.setAttribute("data-polling", "off");

  // After any htmx swap, new <time data-rel> elements get current text at once.
  document.body.addEventListener("htmx:afterSettle", refreshTimes);
})();

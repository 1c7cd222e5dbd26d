// Server Health Checker dashboard behaviour. Loaded as a static file (the CSP forbids inline
// scripts). Everything here is an enhancement: without it, pages are plain forms and links.
//
// 1. The poll ticker. Polled regions use hx-trigger="shc:poll from:body" rather than htmx's
//    `every 5s [document.visibilityState === 'visible']`, whose filter needs eval. This ticker
//    fires "shc:poll" on <body> every period while the tab is visible, stops its timer while the
//    tab is hidden (so no request at all), and fires once on return so the page catches up.
// 2. Relative times ("12 s ago") in <time data-rel> are kept current between server updates.
// 3. The monitor form: the kind follows the URL's scheme as the server infers it (tcp://, dns:,
//    http(s)://), the HTTP-only sections hide while the kind is tcp, dns or push, and the push
//    schedule while it is not push.
// 4. A failed submit's error summary takes the focus and scrolls into view; its links focus
//    their field.
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

  // The kind a URL's scheme implies, as monitor/monitor_fields.ts parseTarget() decides it.
  function kindOf(url) {
    const u = url.trim();
    if (/^dns:/i.test(u)) return "dns";
    if (/^tcp:\/\//i.test(u)) return "tcp";
    if (/^https?:\/\//i.test(u)) return "http";
    return null;
  }

  function syncKind(form) {
    const url = form.querySelector("#f-url");
    const select = form.querySelector("select[data-kind-select]");
    if (!url || !select) return;
    const inferred = kindOf(url.value);
    // A kind picked by hand must match the scheme (the server refuses a mismatch): follow it.
    if (inferred && select.value !== "" && select.value !== inferred) select.value = inferred;
    const kind = select.value || inferred || "http";
    form.setAttribute("data-kind", kind);
    for (const el of form.querySelectorAll("[data-http-only]")) {
      // A section with a message stays visible: the operator has to see what to fix.
      el.hidden = kind !== "http" && !el.querySelector(".field-invalid");
    }
    for (const el of form.querySelectorAll("[data-push-only]")) {
      el.hidden = kind !== "push" && !el.querySelector(".field-invalid");
    }
  }

  function setUpForms(root) {
    const forms = root.matches && root.matches("form#monitor-form")
      ? [root]
      : root.querySelectorAll("form#monitor-form");
    for (const form of forms) syncKind(form);
  }

  function focusSummary(root) {
    const summary = (root.id === "form-errors" ? root : null) ||
      (root.querySelector && root.querySelector("#form-errors"));
    if (!summary) return;
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "start" });
  }

  document.addEventListener("input", (ev) => {
    const t = ev.target;
    if (t && (t.id === "f-url" || t.matches("select[data-kind-select]"))) {
      const form = t.closest("form");
      if (form) syncKind(form);
    }
  });
  document.addEventListener("change", (ev) => {
    const t = ev.target;
    if (t && t.matches && t.matches("select[data-kind-select]")) syncKind(t.closest("form"));
  });

  // A summary link focuses its field (a bare #fragment only scrolls in some browsers).
  document.addEventListener("click", (ev) => {
    const a = ev.target && ev.target.closest && ev.target.closest("#form-errors a[href^='#']");
    if (!a) return;
    const field = document.getElementById(a.getAttribute("href").slice(1));
    if (!field) return;
    ev.preventDefault();
    // A hidden (http-only) section is shown again, or its field could not take the focus.
    const section = field.closest("[data-http-only], [data-push-only]");
    if (section) section.hidden = false;
    field.focus({ preventScroll: true });
    field.scrollIntoView({ block: "center" });
  });

  document.body.addEventListener("htmx:afterSettle", (ev) => {
    setUpForms(ev.target);
    focusSummary(ev.target);
  });
  setUpForms(document);
  focusSummary(document);
})();

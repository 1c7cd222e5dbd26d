/// <reference lib="dom" />
/**
 * The walkthrough fixes in real Chromium: no Content Security Policy violation while htmx polls,
 * swaps and re-renders a failed form; the error summary takes the focus and links to the fields;
 * the kind follows a tcp:// URL; and overview, monitor page and settings fit a 390 px phone.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium, serveDashboard, skipBrowserTests } from "../_helpers/browser.ts";
import { tempDir, testConfig } from "../_helpers/core.ts";
import { setLogLevel } from "../../monitor/log.ts";
import type { Runtime } from "../../runtime.ts";
import type { ProbeResult } from "../../monitor/types.ts";

const ADMIN = { username: "admin", password: "correct horse battery" };

/** Records CSP violations (the DOM event, before any page script runs) and console errors. */
async function watchCsp(page: Page) {
  const console: string[] = [];
  page.on("console", (m) => {
    const text = m.text();
    // Chromium logs every 4xx; the 422 of a rejected form is expected.
    if (/Content Security Policy|Content-Security-Policy|CSP/i.test(text)) {
      console.push(`${m.type()}: ${text}`);
    } else if (m.type() === "error" && !/status of 422/.test(text)) console.push(text);
  });
  page.on("pageerror", (e) => console.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    const w = globalThis as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  return {
    console,
    violations: () =>
      page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations),
  };
}

async function signIn(page: Page, base: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel("User name").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await Promise.all([page.waitForURL(`${base}/`), page.click("button[type=submit]")]);
}

const UP: ProbeResult = {
  ok: true,
  latencyMs: 2,
  httpStatus: 200,
  errorKind: null,
  errorMessage: null,
};

/** A website with apps, a tcp check, long names and an outbox with long recipients and errors. */
async function seed(rt: Runtime) {
  const site = await rt.service.create({
    name: "Acme storefront with a rather long name for a phone screen",
    url: "https://shop.acme.example/a/very/long/health/check/path/that/keeps/going?x=1",
    failure_threshold: 1,
  });
  await rt.service.create({
    name: "Checkout API",
    url: "https://checkout.acme.example/health",
    parent_id: site.id,
  });
  const db = await rt.service.create({ name: "Database", url: "tcp://db.acme.example:5432" });
  for (const id of [site.id, db.id]) await rt.service.checkNow(id);
  const [incident] = await rt.service.incidents(site.id, 1);
  for (let n = 0; n < 25; n++) {
    const target = `${"on-call-rotation-primary".repeat(3)}${n}@acme-corporation.example`;
    if (!incident) break;
    await rt.store.outbox.insert({
      monitorId: site.id,
      incidentId: incident.id,
      kind: "down",
      seq: 0,
      channel: "email",
      target,
      status: "skipped",
      groupedInto: null,
      checkId: null,
      failures: 1,
      threshold: 1,
      lastError: `SMTP said: ${"450-4.7.1 Try again later, closing connection. ".repeat(4)}`,
      createdAt: Date.now() - n * 1000,
      nextAttemptAt: Date.now(),
    });
  }
  return { site, db };
}

Deno.test({
  name: "browser: htmx polling, swaps and a failed form cause no CSP violation; the summary leads",
  ignore: skipBrowserTests(),
  fn: async () => {
    setLogLevel("error");
    let next: ProbeResult = UP;
    await using dir = await tempDir();
    await using served = await serveDashboard(testConfig(dir.path), {
      probe: () => Promise.resolve(next),
    });
    await served.rt.accounts.createUser(ADMIN);
    const { site } = await seed(served.rt);
    await using chrome = await launchChromium();
    const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 700 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const csp = await watchCsp(page);
    await signIn(page, served.url);

    // The overview: let the poller swap rows a few times (a change before each poll).
    const polls: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/partials/overview") && r.status() === 200) polls.push(r.url());
    });
    await page.goto(`${served.url}/`);
    await page.waitForFunction(() => "htmx" in globalThis);
    for (let i = 0; i < 3; i++) {
      next = i % 2 ? UP : { ...UP, ok: false, httpStatus: 503, errorKind: "unexpected_status" };
      await served.rt.service.checkNow(site.id);
      const before = polls.length;
      await page.evaluate(() => {
        const w = globalThis as unknown as { htmx: { trigger(e: Element, n: string): void } };
        w.htmx.trigger(document.body, "shc:poll");
      });
      await page.waitForFunction(() => true);
      const until = Date.now() + 5000;
      while (polls.length === before && Date.now() < until) await page.waitForTimeout(50);
      assert.ok(polls.length > before, `poll ${i} swapped`);
      await page.waitForTimeout(100);
    }

    // The monitor page: poll its live region, switch the chart range (an htmx swap).
    await page.goto(`${served.url}/monitors/${site.id}`);
    await served.rt.service.checkNow(site.id);
    await page.evaluate(() => {
      const w = globalThis as unknown as { htmx: { trigger(e: Element, n: string): void } };
      w.htmx.trigger(document.body, "shc:poll");
    });
    await page.click("#range-7d");
    await page.locator("#range-7d[aria-current=true]").waitFor();
    await page.click("#btn-check");
    await page.locator("#flash .flash").waitFor();

    // A failed submit through htmx: the summary takes the focus and is in view.
    await page.goto(`${served.url}/monitors/new`);
    await page.getByLabel("URL").fill("tcp://db.acme.example:5432");
    // The kind follows the URL in the page: Auto stays Auto, the HTTP sections hide.
    assert.equal(await page.locator("#f-kind").inputValue(), "");
    assert.equal(await page.locator("fieldset[data-http-only]").first().isHidden(), true);
    await page.getByLabel("URL").fill("https://example.com/");
    assert.equal(await page.locator("fieldset[data-http-only]").first().isHidden(), false);
    await page.locator("#f-kind").selectOption("tcp");
    await page.getByLabel("URL").fill("dns://example.com?type=A");
    assert.equal(await page.locator("#f-kind").inputValue(), "dns", "a picked kind follows");
    await page.locator("#f-kind").selectOption("");
    await page.getByLabel("URL").fill("gopher://x");
    await page.getByLabel("Check every (seconds)").fill("5");
    await page.evaluate(() => globalThis.scrollTo(0, document.body.scrollHeight));
    await page.click("button:has-text('Add website')");
    await page.locator("#form-errors").waitFor();
    await page.waitForFunction(() => document.activeElement?.id === "form-errors");
    const box = await page.locator("#form-errors").boundingBox();
    assert.ok(box && box.y >= -1 && box.y < 700, `summary in view at y=${box?.y}`);
    // Its links focus their field.
    await page.click("#form-errors a[href='#f-interval_s']");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "f-interval_s");

    // Another form swapped back with messages (text fields re-filled by the same ids): htmx must
    // not carry inline styles over while it settles the swap.
    await page.goto(`${served.url}/maintenance/new`);
    await page.locator("#f-name").fill("Upgrade");
    await page.locator("#f-starts_at").fill("2026-12-03T04:00");
    await page.locator("#f-ends_at").fill("2026-12-03T03:00");
    await Promise.all([
      page.waitForResponse((r) => r.status() === 422),
      page.click("main form button[type=submit]"),
    ]);
    await page.locator("#form-errors").waitFor();

    // Without htmx (a full page answer) the summary is focused on load.
    const nojs = await chrome.browser.newContext({ javaScriptEnabled: false });
    const plain = await nojs.newPage();
    const plainCsp = await watchCsp(plain);
    await signIn(plain, served.url);
    await plain.goto(`${served.url}/monitors/new`);
    await plain.getByLabel("URL").fill("gopher://x");
    await Promise.all([
      plain.waitForResponse((r) => r.request().method() === "POST"),
      plain.click("button:has-text('Add website')"),
    ]);
    await plain.locator("#form-errors").waitFor();
    assert.equal(await plain.evaluate(() => document.activeElement?.id), "form-errors");
    await nojs.close();

    assert.deepEqual(await csp.violations(), [], "securitypolicyviolation events");
    assert.deepEqual([...csp.console, ...plainCsp.console], [], "console");
    await context.close();
  },
});

/** The page's width and, when it overflows, the widest elements (for the message). */
function measure(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.scrollWidth;
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.scrollWidth > 390 || el.getBoundingClientRect().right > 390.5)
      .slice(0, 12)
      .map((el) =>
        `${el.tagName.toLowerCase()}.${el.className} sw=${el.scrollWidth} r=${
          Math.round(el.getBoundingClientRect().right)
        }`
      );
    return { width, wide };
  });
}

Deno.test({
  name: "browser: overview, monitor page and settings fit a 390 px phone without page scroll",
  ignore: skipBrowserTests(),
  fn: async () => {
    setLogLevel("error");
    await using dir = await tempDir();
    await using served = await serveDashboard(testConfig(dir.path), {
      probe: () => Promise.resolve(UP),
    });
    await served.rt.accounts.createUser(ADMIN);
    const { site, db } = await seed(served.rt);
    await served.rt.accounts.createToken("grafana-dashboard-readonly");
    await using chrome = await launchChromium();
    for (const scheme of ["light", "dark"] as const) {
      const context = await chrome.browser.newContext({
        viewport: { width: 390, height: 844 },
        colorScheme: scheme,
      });
      const page = await context.newPage();
      await signIn(page, served.url);
      for (
        const path of [
          "/",
          `/monitors/${site.id}`,
          `/monitors/${db.id}?range=1h`,
          "/settings",
          "/monitors/new",
        ]
      ) {
        await page.goto(served.url + path);
        const { width, wide } = await measure(page);
        assert.ok(width <= 390, `${scheme} ${path}: ${width}px wide; ${wide.join(" | ")}`);
      }
      await context.close();
    }
  },
});

/// <reference lib="dom" />
/**
 * The dashboard in real Chromium (headless, loopback only): sign in, add a website and an internal
 * app through the forms, see validation messages, watch a real target go DOWN and back UP on the
 * overview without a reload, see the SVG chart, and check that polling stops in a hidden tab.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium, serveDashboard, skipBrowserTests } from "../_helpers/browser.ts";
import { tempDir, testConfig } from "../_helpers/core.ts";
import { startTarget } from "../_helpers/targets.ts";
import { setLogLevel } from "../../monitor/log.ts";

const ADMIN = { username: "admin", password: "correct horse battery" };
/** Long enough for one 5 s poll plus a probe, short enough to fail fast. */
const POLL_WAIT = 12_000;

/** Collects what a page did that it must not: CSP violations, script errors, off-host requests. */
function watch(page: Page, origin: string) {
  const problems: string[] = [];
  const partials: string[] = [];
  page.on("console", (m) => {
    // Chromium logs every 4xx; the 422 of a rejected form is expected.
    if (m.type() === "error" && !/status of 422/.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) {
      problems.push(`off-host request: ${r.url()}`);
    }
    if (r.url().includes("/partials/overview")) partials.push(r.url());
  });
  return { problems, partials };
}

Deno.test({
  name: "browser journey: forms, live DOWN/UP on the overview, chart, hidden-tab polling",
  ignore: skipBrowserTests(),
  fn: async () => {
    setLogLevel("error");
    let healthy = true;
    await using target = await startTarget((req) => {
      const path = new URL(req.url).pathname;
      return healthy ? new Response(`ok ${path}`) : new Response("maintenance", { status: 503 });
    });
    await using dir = await tempDir();
    await using served = await serveDashboard(testConfig(dir.path));
    await served.rt.accounts.createUser(ADMIN);
    await using chrome = await launchChromium();
    const context = await chrome.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const seen = watch(page, served.url);

    // Sign in: an anonymous visit lands on the login form.
    await page.goto(`${served.url}/`);
    assert.match(page.url(), /\/login$/);
    await page.getByLabel("User name").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await Promise.all([page.waitForURL(`${served.url}/`), page.click("button[type=submit]")]);
    await page.getByText("No monitors yet").waitFor();

    // Bad input: messages appear next to the fields (htmx swaps the 422 form), input is kept.
    await page.click("text=Add website");
    await page.waitForURL(`${served.url}/monitors/new`);
    await page.getByLabel("URL").fill(target.url);
    await page.getByLabel("Check every (seconds)").fill("5");
    await page.click("button:has-text('Add website')");
    await page.locator("#name-error").waitFor();
    assert.equal(await page.locator("#name-error").textContent(), "Required");
    assert.equal(await page.locator("#interval_s-error").textContent(), "Must be from 10 to 86400");
    assert.equal(await page.getByLabel("URL").inputValue(), target.url);
    assert.equal(await page.locator("#f-name").getAttribute("aria-invalid"), "true");
    assert.equal(page.url(), `${served.url}/monitors/new`);

    // Fix it and add the website.
    await page.getByLabel("Name").fill("Target site");
    await page.getByLabel("Check every (seconds)").fill("10");
    await page.getByLabel("Timeout (ms)").fill("2000");
    await Promise.all([
      page.waitForURL(/\/monitors\/\d+$/),
      page.click("button:has-text('Add website')"),
    ]);
    const siteUrl = page.url();
    const siteId = Number(siteUrl.split("/").at(-1));
    await page.getByText("Added Target site.").waitFor();

    // Add an internal app from the website's page: the parent is preselected.
    await page.click("text=Add internal app");
    await page.waitForURL(new RegExp(`/monitors/new\\?parent_id=${siteId}$`));
    assert.equal(await page.getByLabel("Belongs to website").inputValue(), String(siteId));
    await page.getByLabel("Name").fill("Target API");
    await page.getByLabel("URL").fill(`${target.url}api`);
    await page.getByLabel("Check every (seconds)").fill("10");
    await page.getByLabel("Timeout (ms)").fill("2000");
    await Promise.all([
      page.waitForURL(/\/monitors\/\d+$/),
      page.click("button:has-text('Add internal app')"),
    ]);
    assert.equal((await served.rt.service.children(siteId)).length, 1);

    // A second tab watches the overview; the first one presses "Check now".
    const wall = await context.newPage();
    const wallSeen = watch(wall, served.url);
    await wall.goto(`${served.url}/`);
    await wall.evaluate(() => {
      (globalThis as unknown as { marker: number }).marker = 42;
    });
    const row = wall.locator(`#m-${siteId}`);
    assert.match((await row.textContent())!, /Pending/);
    assert.equal(await wall.locator(`#m-${siteId} ~ .apps .row-app`).count(), 1);

    const checkNow = async (expect: "Up" | "Down") => {
      await page.goto(siteUrl);
      await page.click("#btn-check");
      await page.locator(`#monitor-live .pill-large:has-text("${expect}")`).waitFor();
      await row.locator(`.pill:has-text("${expect}")`).waitFor({ timeout: POLL_WAIT });
    };

    await checkNow("Up");
    assert.match((await row.textContent())!, /HTTP 200/);
    healthy = false;
    await checkNow("Down");
    assert.match((await row.textContent())!, /HTTP 503/);
    assert.equal(await wall.locator(".tile-down .tile-count").textContent(), "1");
    await wall.waitForFunction(() => document.title.startsWith("1 down"), null, {
      timeout: POLL_WAIT,
    });
    healthy = true;
    await checkNow("Up");
    assert.equal(await wall.locator(".tile-down .tile-count").textContent(), "0");
    assert.equal(
      await wall.evaluate(() => (globalThis as unknown as { marker?: number }).marker),
      42,
      "the overview updated in place, without a reload",
    );
    assert.equal(await wall.locator(`#m-${siteId} .beat-down`).count(), 1);

    // The monitor page: the SVG chart, and a range switch that swaps only the live region.
    await page.goto(siteUrl);
    await page.locator("figure.chart svg.chart-plot").waitFor();
    assert.ok(await page.locator("svg.chart-plot path.line").count() > 0);
    await page.click("#range-1h");
    await page.waitForURL(`${siteUrl}?range=1h`);
    await page.locator("#range-1h[aria-current=true]").waitFor();
    assert.equal(await page.locator("svg.chart-fails rect.fail").count(), 1, "the failed check");
    assert.match((await page.locator("#monitor-live").textContent())!, /Unexpected status/);

    // A hidden tab stops polling; it catches up at once when shown again.
    const setVisibility = (state: "hidden" | "visible") =>
      wall.evaluate((s) => {
        Object.defineProperty(document, "visibilityState", { value: s, configurable: true });
        document.dispatchEvent(new Event("visibilitychange"));
      }, state);
    await wall.waitForFunction(() => document.body.dataset.polling === "on");
    await setVisibility("hidden");
    assert.equal(await wall.evaluate(() => document.body.dataset.polling), "off");
    const before = wallSeen.partials.length;
    await wall.waitForTimeout(7_000);
    assert.equal(wallSeen.partials.length, before, "no polls while hidden");
    await setVisibility("visible");
    await wall.waitForFunction(() => document.body.dataset.polling === "on");
    const deadline = Date.now() + 3000;
    while (wallSeen.partials.length === before && Date.now() < deadline) {
      await wall.waitForTimeout(100);
    }
    assert.ok(wallSeen.partials.length > before, "polls again once visible");

    assert.deepEqual([...seen.problems, ...wallSeen.problems], []);
    await context.close();
  },
});

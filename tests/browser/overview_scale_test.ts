/// <reference lib="dom" />
/**
 * The dashboard at scale in real Chromium, with 2,000 monitors (400 websites × 4 apps): find a
 * down app by typing in the search box and by clicking the Down tile, filter by tag, fold a
 * website (the address bar keeps each view), with no console error through the swaps; then a
 * public status page viewed signed out shows only what was chosen, a maintenance window keeps
 * an outage inside it from alerting and out of the uptime, and a public badge renders.
 */
import assert from "node:assert/strict";
import { launchChromium, serveDashboard, skipBrowserTests } from "../_helpers/browser.ts";
import { fakeMonitor, tempDir, testConfig } from "../_helpers/core.ts";
import { setLogLevel } from "../../monitor/log.ts";
import type { Monitor, ProbeResult } from "../../monitor/types.ts";
import type { Runtime } from "../../runtime.ts";

const ADMIN = { username: "admin", password: "correct horse battery" };
const UP: ProbeResult = {
  ok: true,
  latencyMs: 20,
  httpStatus: 200,
  errorKind: null,
  errorMessage: null,
};
const DOWN: ProbeResult = {
  ok: false,
  latencyMs: 5,
  httpStatus: 503,
  errorKind: "unexpected_status",
  errorMessage: null,
};
const SITES = 400;
const TOTAL = SITES * 5;

/**
 * Seeds the websites and apps straight through the store, each with one successful check (so
 * nothing is pending), in one transaction: 2,000 creates through the service would take most
 * of the test's time. App 2 of website 347 is "payments-api", the one that goes down.
 */
async function seed(rt: Runtime): Promise<{ sites: Monitor[]; apps: Monitor[] }> {
  const now = Date.now();
  const fields = (over: Partial<Monitor>) => {
    const { id: _i, createdAt: _c, updatedAt: _u, ...f } = fakeMonitor(over);
    return f;
  };
  return await rt.store.transaction(async (tx) => {
    const sites: Monitor[] = [], apps: Monitor[] = [];
    const checked = async (m: Monitor) => {
      const c = await tx.checks.insert(m.id, now, UP);
      await tx.rollups.add(m.id, now, true, UP.latencyMs);
      await tx.states.save({
        monitorId: m.id,
        state: "up",
        consecutiveFailures: 0,
        openIncidentId: null,
        lastCheckId: c.id,
        lastCheckedAt: now,
        failingSince: null,
        changedAt: now,
        slowChecks: 0,
        degradedIncidentId: null,
      });
      return m;
    };
    for (let s = 0; s < SITES; s++) {
      const site = await checked(
        await tx.monitors.insert(
          fields({
            name: `Website ${String(s).padStart(3, "0")}`,
            url: `https://site${s}.example/`,
            tags: s % 2 === 0 ? ["prod"] : ["staging"],
          }),
          now,
        ),
      );
      sites.push(site);
      for (let a = 0; a < 4; a++) {
        const name = s === 347 && a === 2 ? "payments-api" : `App ${s}-${a}`;
        apps.push(
          await checked(
            await tx.monitors.insert(
              fields({
                name,
                url: `https://${name === "payments-api" ? name : `app-${s}-${a}`}.internal/`,
                parentId: site.id,
              }),
              now,
            ),
          ),
        );
      }
    }
    return { sites, apps };
  });
}

Deno.test({
  name:
    "browser: 2,000 monitors: a down app found by search and by the Down tile, tags, folds; status page, maintenance, badge",
  ignore: skipBrowserTests(),
  fn: async () => {
    setLogLevel("error");
    /** URLs the probe answers DOWN for (besides payments-api). */
    const failing = new Set<string>();
    await using dir = await tempDir();
    await using served = await serveDashboard(testConfig(dir.path), {
      probe: (m) =>
        Promise.resolve(m.url.includes("payments-api") || failing.has(m.url) ? DOWN : UP),
    });
    const { rt } = served;
    await rt.accounts.createUser(ADMIN);
    const { sites, apps } = await seed(rt);
    const payments = apps.find((m) => m.name === "payments-api")!;
    const [downId, downSite] = [payments.id, payments.parentId!];
    await rt.service.checkNow(downId);

    await using chrome = await launchChromium();
    const page = await (await chrome.browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));

    await page.goto(`${served.url}/login`);
    await page.getByLabel("User name").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await Promise.all([page.waitForURL(`${served.url}/`), page.click("button[type=submit]")]);
    // Problems first: the down app's website leads the list, the app right under it.
    const first = page.locator("#monitor-list .row").first();
    assert.equal(await first.getAttribute("id"), `m-${downSite}`);
    assert.equal(await page.locator("#monitor-list .row").count(), TOTAL);

    // Search as you type: only the app and its website remain; the URL says so.
    await page.getByLabel("Search monitors by name or URL").pressSequentially("payments", {
      delay: 20,
    });
    await page.waitForURL(/\?q=payments$/);
    await page.locator("#monitor-list .row").nth(1).waitFor();
    assert.equal(await page.locator("#monitor-list .row").count(), 2);
    assert.match((await page.locator(`#m-${downId}`).getAttribute("class"))!, /row-down/);
    assert.match(await page.locator(".view-note").innerText(), /Showing 1 of 2,?000 monitors/);
    // The search box kept the focus and the text through the swap.
    assert.equal(await page.evaluate(() => document.activeElement?.id), "ov-q");

    // Clear the search, then click the Down tile.
    await page.getByLabel("Search monitors by name or URL").fill("");
    await page.waitForURL(`${served.url}/`);
    await page.locator(".tile-down").click();
    await page.waitForURL(/\?status=down$/);
    await page.locator(`#m-${downId}`).waitFor();
    assert.equal(await page.locator("#monitor-list .row").count(), 2);
    assert.equal(await page.locator(".tile-down").getAttribute("aria-current"), "true");
    // Clicking it again shows everything.
    await page.locator(".tile-down").click();
    await page.waitForURL(`${served.url}/`);

    // Tag filter: the prod websites (every second one) without their untagged apps.
    await page.getByLabel("Tag").selectOption("prod");
    await page.waitForURL(/\?tag=prod$/);
    await page.waitForFunction(() =>
      document.querySelectorAll("#monitor-list .row").length === 200
    );
    await page.getByLabel("Tag").selectOption("");
    await page.waitForURL(`${served.url}/`);

    // Fold the down app's website: its apps go, their counts stay; the URL keeps the fold.
    await page.locator(`#fold-${downSite}`).click();
    await page.waitForURL(new RegExp(`\\?collapse=${downSite}$`));
    await page.locator(`#fold-${downSite}.fold-closed`).waitFor();
    assert.equal(await page.locator(`#m-${downId}`).count(), 0);
    assert.match(await page.locator(`#fold-${downSite}`).innerText(), /4 internal apps · 1 Down/);
    // Reloading the URL shows the same view (the state lives in the address bar).
    await page.reload();
    await page.locator(`#fold-${downSite}.fold-closed`).waitFor();
    assert.equal(await page.locator("#monitor-list .row").count(), TOTAL - 4);

    assert.deepEqual(problems, []);

    // A public status page, viewed signed out (a fresh context has no session cookie), shows
    // only the two chosen websites under their public names: no other monitor, no URL.
    await rt.statusPages.create({
      title: "Acme status",
      slug: "acme",
      entries: [
        { monitor_id: sites[0].id, display_name: "Storefront" },
        { monitor_id: downSite, display_name: "Payments" },
      ],
    });
    const visitor = await (await chrome.browser.newContext()).newPage();
    await visitor.goto(`${served.url}/status/acme`);
    const text = await visitor.locator("body").innerText();
    assert.match(text, /Storefront/);
    assert.match(text, /Payments/);
    assert.match(text, /Partial outage/i, "the down app makes its website's entry an outage");
    for (const hidden of ["Website 001", "payments-api", "site0.example", ".internal", "App 347"]) {
      assert.ok(!text.includes(hidden), `the public page shows ${hidden}`);
    }
    assert.ok(!(await visitor.content()).includes("https://site0.example/"));

    // Maintenance: an outage inside a window is checked and stored but sends nothing, the
    // monitor shows MAINTENANCE, and the failed check is left out of its uptime.
    const upgraded = sites[1];
    await rt.maintenance.create({
      name: "DB upgrade",
      monitor_ids: [upgraded.id],
      schedule: {
        kind: "once",
        starts_at: new Date(Date.now() - 60_000).toISOString(),
        ends_at: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    await rt.service.update(upgraded.id, { alert_emails: ["ops@example.test"] });
    failing.add(upgraded.url);
    const during = await rt.service.checkNow(upgraded.id);
    assert.equal(during.check.ok, false);
    assert.equal(during.state.state, "down", "the real state is still known");
    const rows = (await rt.store.outbox.list()).filter((r) => r.monitorId === upgraded.id);
    assert.ok(rows.length > 0 && rows.every((r) => r.status === "skipped"), JSON.stringify(rows));
    assert.ok(rows.every((r) => /maintenance: DB upgrade/.test(r.lastError ?? "")));
    await page.goto(`${served.url}/monitors/${upgraded.id}`);
    assert.match(await page.locator(".status-card").innerText(), /Maintenance/i);
    const uptime = await page.locator('dl[aria-label="Uptime"]').innerText();
    assert.match(
      uptime,
      /Uptime 24 hours\s*100\.00%/i,
      `the window's failed check counts: ${uptime}`,
    );

    // A public badge, once the monitor opts in, renders on its page.
    await rt.service.update(sites[0].id, { public_badges: true });
    await page.goto(`${served.url}/monitors/${sites[0].id}`);
    const badge = page.locator('#badges img[src$="status.svg"]');
    await badge.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#badges img[src$="status.svg"]');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    assert.deepEqual(problems, []);
  },
});

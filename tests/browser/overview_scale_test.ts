/// <reference lib="dom" />
/**
 * The overview at scale in real Chromium: 300 monitors (60 websites × 4 apps); find a down app
 * by typing in the search box and by clicking the Down tile, filter by tag, fold a website, and
 * the address bar keeps each view, with no console error through the swaps.
 */
import assert from "node:assert/strict";
import { launchChromium, serveDashboard, skipBrowserTests } from "../_helpers/browser.ts";
import { tempDir, testConfig } from "../_helpers/core.ts";
import { setLogLevel } from "../../monitor/log.ts";
import type { ProbeResult } from "../../monitor/types.ts";

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

Deno.test({
  name:
    "browser: a down app among 300 monitors is found by search and by the Down tile; tags, folds",
  ignore: skipBrowserTests(),
  fn: async () => {
    setLogLevel("error");
    await using dir = await tempDir();
    await using served = await serveDashboard(testConfig(dir.path), {
      probe: (m) => Promise.resolve(m.url.includes("payments-api") ? DOWN : UP),
    });
    const { rt } = served;
    await rt.accounts.createUser(ADMIN);
    let downId = 0, downSite = 0;
    for (let s = 0; s < 60; s++) {
      const site = await rt.service.create({
        name: `Website ${String(s).padStart(2, "0")}`,
        url: `https://site${s}.example/`,
        tags: s % 2 === 0 ? "prod" : "staging",
      });
      for (let a = 0; a < 4; a++) {
        const name = s === 47 && a === 2 ? "payments-api" : `App ${s}-${a}`;
        const app = await rt.service.create({
          name,
          url: `https://${name === "payments-api" ? name : `app-${s}-${a}`}.internal/`,
          parent_id: site.id,
        });
        if (name === "payments-api") [downId, downSite] = [app.id, site.id];
      }
      await rt.service.checkNow(site.id);
    }
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
    assert.equal(await page.locator("#monitor-list .row").count(), 300);

    // Search as you type: only the app and its website remain; the URL says so.
    await page.getByLabel("Search monitors by name or URL").pressSequentially("payments", {
      delay: 20,
    });
    await page.waitForURL(/\?q=payments$/);
    await page.locator("#monitor-list .row").nth(1).waitFor();
    assert.equal(await page.locator("#monitor-list .row").count(), 2);
    assert.match((await page.locator(`#m-${downId}`).getAttribute("class"))!, /row-down/);
    assert.match(await page.locator(".view-note").innerText(), /Showing 1 of 300 monitors/);
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
    await page.waitForFunction(() => document.querySelectorAll("#monitor-list .row").length === 30);
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
    assert.equal(await page.locator("#monitor-list .row").count(), 296);

    assert.deepEqual(problems, []);
  },
});

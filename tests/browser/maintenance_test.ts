/// <reference lib="dom" />
/**
 * Maintenance windows in real Chromium: plan one from a monitor's page through the form, then
 * see MAINTENANCE on the overview (its own tile and count) and on the monitor page.
 */
import assert from "node:assert/strict";
import { launchChromium, serveDashboard, skipBrowserTests } from "../_helpers/browser.ts";
import { tempDir, testConfig } from "../_helpers/core.ts";
import { startTarget } from "../_helpers/targets.ts";
import { setLogLevel } from "../../monitor/log.ts";

const ADMIN = { username: "admin", password: "correct horse battery" };

Deno.test({
  name: "browser: a window created in the UI shows MAINTENANCE on the overview and monitor page",
  ignore: skipBrowserTests(),
  fn: async () => {
    setLogLevel("error");
    await using target = await startTarget(() => new Response("ok"));
    await using dir = await tempDir();
    await using served = await serveDashboard(testConfig(dir.path));
    await served.rt.accounts.createUser(ADMIN);
    const m = await served.rt.service.create({ name: "Checkout", url: target.url });
    await served.rt.service.checkNow(m.id);
    await using chrome = await launchChromium();
    const page = await (await chrome.browser.newContext({ viewport: { width: 390, height: 900 } }))
      .newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (msg) => {
      if (msg.type() === "error" && !/status of 422/.test(msg.text())) problems.push(msg.text());
    });

    await page.goto(`${served.url}/login`);
    await page.getByLabel("User name").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await Promise.all([page.waitForURL(`${served.url}/`), page.click("button[type=submit]")]);

    await page.goto(`${served.url}/monitors/${m.id}`);
    await Promise.all([
      page.waitForURL(/\/maintenance\/new\?monitor=/),
      page.click("text=Plan maintenance"),
    ]);
    assert.equal(await page.locator(`input[name=monitor_ids][value="${m.id}"]`).isChecked(), true);

    // Submitting without a name: the form comes back with the message (htmx swap of the 422).
    await page.click("#btn-save-maintenance");
    await page.locator("#name-error").waitFor();

    const local = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 16);
    await page.getByLabel("Name").fill("Database upgrade");
    await page.getByLabel("Time zone").fill("UTC");
    await page.getByLabel("Starts").fill(local(-120_000));
    await page.getByLabel("Ends", { exact: true }).fill(local(3_600_000));
    await Promise.all([
      page.waitForURL(`${served.url}/maintenance`),
      page.click("#btn-save-maintenance"),
    ]);
    await page.getByText("Active now, until").waitFor();

    await page.goto(`${served.url}/`);
    assert.equal((await page.locator(".tile-maintenance .tile-count").textContent())?.trim(), "1");
    await page.locator(".pill-maintenance").first().waitFor();

    await page.goto(`${served.url}/monitors/${m.id}`);
    await page.getByText("In maintenance: Database upgrade, until").waitFor();
    await page.locator("#sla-table").waitFor();
    assert.deepEqual(problems, []);
  },
});

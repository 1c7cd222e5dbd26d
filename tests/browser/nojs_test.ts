/// <reference lib="dom" />
/**
 * Without JavaScript the dashboard is plain forms and links: first-run setup, a rejected form
 * re-rendered with messages, check now, and delete through the confirmation page.
 */
import assert from "node:assert/strict";
import { launchChromium, serveDashboard, skipBrowserTests } from "../_helpers/browser.ts";
import { tempDir, testConfig } from "../_helpers/core.ts";
import { startTarget } from "../_helpers/targets.ts";
import { setLogLevel } from "../../monitor/log.ts";

Deno.test({
  name: "browser without JavaScript: setup, forms, check now and delete all work",
  ignore: skipBrowserTests(),
  fn: async () => {
    setLogLevel("error");
    await using target = await startTarget(() => new Response("ok"));
    await using dir = await tempDir();
    await using served = await serveDashboard(testConfig(dir.path));
    await using chrome = await launchChromium();
    const context = await chrome.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);

    // First run: the one-time administrator form.
    await page.goto(`${served.url}/`);
    assert.match(page.url(), /\/setup$/);
    await page.getByLabel("User name").fill("owner");
    await page.getByLabel("Password", { exact: true }).fill("a long passphrase");
    await page.getByLabel("Password (again)").fill("a long passphrase");
    await Promise.all([page.waitForURL(`${served.url}/`), page.click("button[type=submit]")]);
    assert.equal(await served.rt.accounts.userCount(), 1);

    // A bad form comes back as a whole page (422) with the messages and the typed values.
    await page.goto(`${served.url}/monitors/new`);
    await page.getByLabel("Name").fill("No JS site");
    await page.getByLabel("URL").fill("gopher://old.example");
    const bad = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click("button:has-text('Add website')"),
    ]);
    assert.equal(bad[0].status(), 422);
    await page.locator("#url-error").waitFor();
    assert.equal(await page.getByLabel("Name").inputValue(), "No JS site");

    await page.getByLabel("URL").fill(target.url);
    await Promise.all([
      page.waitForURL(/\/monitors\/\d+$/),
      page.click("button:has-text('Add website')"),
    ]);
    const monitorUrl = page.url();

    // Check now: POST, 303 back, the outcome as a flash message.
    await Promise.all([page.waitForURL(monitorUrl), page.click("#btn-check")]);
    await page.getByText(/Checked No JS site: UP, HTTP 200/).waitFor();
    assert.match((await page.locator("#monitor-live .pill-large").textContent())!, /Up/);

    // Delete goes through a confirmation page.
    await Promise.all([page.waitForURL(`${monitorUrl}/delete`), page.click("text=Delete…")]);
    assert.equal((await served.rt.service.list()).length, 1);
    await Promise.all([page.waitForURL(`${served.url}/`), page.click("#btn-confirm-delete")]);
    await page.getByText("Deleted No JS site.").waitFor();
    assert.equal((await served.rt.service.list()).length, 0);
    await context.close();
  },
});

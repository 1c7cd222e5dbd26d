/// <reference lib="dom" />
/**
 * Status pages in real Chromium (headless, loopback only): sign in, create a status page with two
 * chosen monitors through the form, report an incident and post an update, then open the public
 * page in a fresh (signed-out) context: only the chosen monitors and the incident are there, with
 * no CSP violation. A badge <img> on the monitor page loads. Screenshots of the public page
 * (light, dark, 390 px phone) go to $STATUS_SHOTS_DIR (default /tmp/status-shots/).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium, serveDashboard, skipBrowserTests } from "../_helpers/browser.ts";
import { tempDir, testConfig } from "../_helpers/core.ts";
import { setLogLevel } from "../../monitor/log.ts";
import type { ProbeResult } from "../../monitor/types.ts";

const ADMIN = { username: "admin", password: "correct horse battery" };
const SHOTS = Deno.env.get("STATUS_SHOTS_DIR") ?? "/tmp/status-shots";
const DAY = 86_400_000;

const up: ProbeResult = {
  ok: true,
  latencyMs: 84,
  httpStatus: 200,
  errorKind: null,
  errorMessage: null,
};

/** Collects CSP violations, script errors and requests that leave the origin. */
function watch(page: Page, origin: string) {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) {
      problems.push(`off-host request: ${r.url()}`);
    }
  });
  return problems;
}

Deno.test({
  name:
    "browser: create a status page in the UI, post an incident update, view it signed out; badge loads",
  ignore: skipBrowserTests(),
  fn: async () => {
    setLogLevel("error");
    await using dir = await tempDir();
    await using served = await serveDashboard(testConfig(dir.path), {
      probe: () => Promise.resolve(up),
    });
    const { rt, url } = served;
    await rt.accounts.createUser(ADMIN);
    const shop = await rt.service.create({
      name: "Shop frontend",
      url: "https://shop.internal.example/health",
      public_badges: true,
    });
    const api = await rt.service.create({
      name: "Payments API",
      url: "https://pay.internal.example/",
    });
    const hidden = await rt.service.create({
      name: "Secret backoffice",
      url: "https://bo.internal.example/",
    });
    for (const m of [shop, api, hidden]) await rt.service.checkNow(m.id);
    // 90 days of history, with a couple of bad days, so the bars have colours.
    const now = Date.now();
    for (let d = 1; d < 90; d++) {
      const at = now - d * DAY;
      for (const m of [shop, api]) {
        const fails = d === 12 ? 6 : d === 40 && m.id === api.id ? 1 : 0;
        for (let k = 0; k < 24; k++) await rt.store.rollups.add(m.id, at + k, k >= fails, 80);
      }
    }

    await using chrome = await launchChromium();
    const admin = await chrome.browser.newContext();
    const page = await admin.newPage();
    page.setDefaultTimeout(15_000);
    const problems = watch(page, url);

    await page.goto(`${url}/login`);
    await page.getByLabel("User name").fill(ADMIN.username);
    await page.getByLabel("Password").fill(ADMIN.password);
    await Promise.all([page.waitForURL(`${url}/`), page.click("button[type=submit]")]);

    await page.click("text=Status pages");
    await page.waitForURL(`${url}/status-pages`);
    await page.click("#btn-new-status-page");
    await page.getByLabel("Title").fill("Acme Cloud");
    await page.getByLabel("Slug").fill("acme");
    await page.getByLabel("Description").fill("Live status of Acme's public services.");
    await page.check(`#f-m_${shop.id}`);
    await page.fill(`#f-name_${shop.id}`, "Web shop");
    await page.check(`#f-m_${api.id}`);
    await page.fill(`#f-name_${api.id}`, "Payments");
    await Promise.all([
      page.waitForURL(/\/status-pages\/\d+$/),
      page.click("button:has-text('Create status page')"),
    ]);
    await page.getByText("Saved status page Acme Cloud.").waitFor();

    await page.getByLabel("Incident title").fill("Payments delayed");
    await page.getByLabel("First update").fill("Card payments are slow.\nWe are investigating.");
    await page.check("#new-incident input[name=monitor_ids][value='" + api.id + "']");
    await Promise.all([page.waitForURL(/#incident-\d+$/), page.click("#btn-create-incident")]);
    await page.getByText("Published incident “Payments delayed”.").waitFor();
    const card = page.locator(".sp-admin-incident").first();
    await card.locator("select[name=status]").selectOption("identified");
    await card.locator("textarea[name=message]").fill("A provider outage; a fix is rolling out.");
    await Promise.all([
      page.waitForURL(/#incident-\d+$/),
      card.locator("button:has-text('Post update')").click(),
    ]);
    await page.getByText("Posted an update").waitFor();

    // The badge on the monitor page loads as an image.
    await page.goto(`${url}/monitors/${shop.id}`);
    const badge = page.locator(`img[src="/badge/${shop.id}/status.svg"]`);
    await badge.waitFor();
    await page.waitForFunction(
      (sel) => {
        const img = document.querySelector(sel) as HTMLImageElement | null;
        return img !== null && img.complete && img.naturalWidth > 0;
      },
      `img[src="/badge/${shop.id}/status.svg"]`,
    );
    assert.ok((await badge.evaluate((i: HTMLImageElement) => i.naturalWidth)) > 0);

    // Signed out, in a fresh context: only what was chosen.
    const visitor = await chrome.browser.newContext();
    const pub = await visitor.newPage();
    const pubProblems = watch(pub, url);
    const res = await pub.goto(`${url}/status/acme`);
    assert.equal(res?.status(), 200);
    assert.equal(await visitor.cookies().then((c) => c.length), 0);
    const text = await pub.locator("body").innerText();
    assert.match(text, /Acme Cloud/);
    assert.match(text, /Web shop/);
    assert.match(text, /Payments/);
    assert.match(text, /Payments delayed/);
    assert.match(text, /A provider outage/);
    assert.match(text, /Card payments are slow\.\nWe are investigating\./, "line breaks kept");
    assert.match(text, /Identified/);
    assert.match(text, /All systems operational/);
    for (
      const secret of ["Secret backoffice", "Shop frontend", "Payments API", "internal.example"]
    ) {
      assert.ok(!text.includes(secret), `public page shows ${secret}`);
      assert.ok(!(await pub.content()).includes(secret), `public HTML has ${secret}`);
    }
    assert.equal(await pub.locator(".bar").count(), 180);
    assert.ok((await pub.locator(".bar-degraded, .bar-down").count()) >= 1);
    assert.equal(await pub.locator("script").count(), 0, "the public page runs no script");

    // Screenshots: light, dark, phone.
    await Deno.mkdir(SHOTS, { recursive: true });
    await pub.setViewportSize({ width: 1200, height: 900 });
    await pub.screenshot({ path: `${SHOTS}/status-light.png`, fullPage: true });
    const dark = await chrome.browser.newContext({ colorScheme: "dark" });
    const darkPage = await dark.newPage();
    await darkPage.setViewportSize({ width: 1200, height: 900 });
    await darkPage.goto(`${url}/status/acme`);
    await darkPage.screenshot({ path: `${SHOTS}/status-dark.png`, fullPage: true });
    const phone = await chrome.browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    const phonePage = await phone.newPage();
    await phonePage.goto(`${url}/status/acme`);
    const overflow = await phonePage.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth
    );
    assert.ok(overflow <= 0, `the phone page scrolls sideways by ${overflow} px`);
    await phonePage.screenshot({ path: `${SHOTS}/status-phone-390.png`, fullPage: true });

    assert.deepEqual(problems, []);
    assert.deepEqual(pubProblems, []);
    await phone.close();
    await dark.close();
    await visitor.close();
    await admin.close();
  },
});

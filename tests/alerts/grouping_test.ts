import assert from "node:assert/strict";
import { type AlertEnv, alertEnv, flipTarget, inbox, sleep, until } from "./_env.ts";

/** A website with two internal apps: app1 has no lists (inherits), app2 has its own. */
async function site(env: AlertEnv, extra: Record<string, unknown> = {}) {
  const targets = { web: await flipTarget(), app1: await flipTarget(), app2: await flipTarget() };
  const web = await env.monitor({
    name: "Main Ecommerce Server",
    url: targets.web.url,
    alert_emails: ["ops@example.test"],
    recovery_emails: ["ops@example.test"],
    ...extra,
  });
  const app1 = await env.monitor({
    name: "Checkout API",
    url: targets.app1.url,
    parent_id: web.id,
  });
  const app2 = await env.monitor({
    name: "Search",
    url: targets.app2.url,
    parent_id: web.id,
    alert_emails: ["dev@example.test"],
    recovery_emails: ["dev@example.test"],
  });
  const close = async () => {
    for (const t of Object.values(targets)) await t.close();
  };
  return { targets, web, app1, app2, close, [Symbol.asyncDispose]: close };
}

const stable = (lines: string[]) => lines.map((l) => l.replace(/down for \d+s/, "down for Ns"));

Deno.test("a website and its failing internal apps: one email per recipient, listing the apps", async () => {
  await using env = await alertEnv();
  await using s = await site(env);
  for (const t of Object.values(s.targets)) t.status = 502;
  s.targets.app2.status = 503;
  await Promise.all([s.web, s.app1, s.app2].map((m) => env.service.checkNow(m.id)));
  await env.smtp.waitForMessages(3);
  await sleep(600); // two grouping windows: nothing else may follow
  assert.deepEqual(inbox(env.smtp), [
    "admin@example.test [DOWN] Main Ecommerce Server — HTTP 502 (+2 internal apps)",
    // dev@ is not on the website's list, so it gets the app's own alert.
    "dev@example.test [DOWN] Search — HTTP 503",
    "ops@example.test [DOWN] Main Ecommerce Server — HTTP 502 (+2 internal apps)",
  ]);
  const ops = env.smtp.messages.find((m) => m.to[0] === "ops@example.test")!;
  assert.match(ops.text, /- Checkout API \(http:\/\/127\.0\.0\.1:\d+\/\) — HTTP 502 — DOWN since/);
  assert.match(ops.text, /- Search \(http:\/\/127\.0\.0\.1:\d+\/\) — HTTP 503 — DOWN since/);
  const grouped = await env.alerts.list({ status: "grouped" });
  assert.deepEqual(grouped.map((r) => `${r.monitorName} ${r.target}`).sort(), [
    "Checkout API admin@example.test",
    "Checkout API ops@example.test",
    "Search admin@example.test",
  ]);

  for (const t of Object.values(s.targets)) t.status = 200;
  await Promise.all([s.app2, s.web, s.app1].map((m) => env.service.checkNow(m.id)));
  await env.smtp.waitForMessages(6);
  await sleep(600);
  const later = env.smtp.messages.slice(3).map((m) => `${m.to.join(",")} ${m.subject}`);
  assert.deepEqual(stable(later).sort(), [
    "admin@example.test [RECOVERED] Main Ecommerce Server — down for Ns (+2 internal apps)",
    "dev@example.test [RECOVERED] Search — down for Ns",
    "ops@example.test [RECOVERED] Main Ecommerce Server — down for Ns (+2 internal apps)",
  ]);
  const rec = env.smtp.messages.slice(3).find((m) => m.to[0] === "ops@example.test")!;
  assert.match(rec.text, /- Checkout API .* — recovered at /);
});

Deno.test("an app detected just before its website is folded into the website's email", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using s = await site(env);
  s.targets.app1.status = 500;
  s.targets.web.status = 500;
  await env.service.checkNow(s.app1.id); // first, inside the window
  await env.service.checkNow(s.web.id);
  await env.smtp.waitForMessages(1);
  await sleep(600);
  assert.deepEqual(inbox(env.smtp), [
    "ops@example.test [DOWN] Main Ecommerce Server — HTTP 500 (+1 internal app)",
  ]);
});

Deno.test("an app failing after its website's DOWN was sent is reported in the RECOVERED email", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using s = await site(env);
  s.targets.web.status = 502;
  await env.service.checkNow(s.web.id);
  await env.smtp.waitForMessages(1);
  s.targets.app1.status = 504;
  assert.equal((await env.service.checkNow(s.app1.id)).transition?.kind, "down");
  s.targets.app1.status = 200;
  assert.equal((await env.service.checkNow(s.app1.id)).transition?.kind, "recovered");
  await sleep(600);
  assert.equal(env.smtp.messages.length, 1, "the app's DOWN and RECOVERED were folded");
  s.targets.web.status = 200;
  await env.service.checkNow(s.web.id);
  await env.smtp.waitForMessages(2);
  await sleep(600);
  assert.deepEqual(stable(inbox(env.smtp)), [
    "ops@example.test [DOWN] Main Ecommerce Server — HTTP 502",
    "ops@example.test [RECOVERED] Main Ecommerce Server — down for Ns (+1 internal app)",
  ]);
  assert.match(env.smtp.messages[1].text, /- Checkout API .* — HTTP 504 — recovered at /);
});

Deno.test("an app's DOWN waits while its website fails below its threshold", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using s = await site(env, { failure_threshold: 2, retry_interval_s: 10 });
  s.targets.web.status = 500;
  s.targets.app1.status = 500;
  assert.equal((await env.service.checkNow(s.web.id)).state.state, "pending");
  const before = Date.now();
  await env.service.checkNow(s.app1.id);
  const held = (await env.alerts.list({ monitorId: s.app1.id }))[0];
  // One more website check (retry 10 s) plus its timeout (2 s), after the grouping window.
  assert.ok(held.nextAttemptAt >= before + 12_000, `held until ${held.nextAttemptAt - before} ms`);
  await sleep(600);
  assert.equal(env.smtp.messages.length, 0);
  assert.equal((await env.service.checkNow(s.web.id)).transition?.kind, "down");
  await env.smtp.waitForMessages(1);
  await sleep(600);
  assert.deepEqual(inbox(env.smtp), [
    "ops@example.test [DOWN] Main Ecommerce Server — HTTP 500 (+1 internal app)",
  ]);
  assert.equal((await env.alerts.list({ monitorId: s.app1.id }))[0].status, "grouped");
});

Deno.test("an app failing on its own (website up) gets its own alerts after the window", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using s = await site(env);
  s.targets.app1.status = 500;
  await env.service.checkNow(s.web.id);
  await env.service.checkNow(s.app1.id);
  const [mail] = await env.smtp.waitForMessages(1);
  // It inherits the website's list because it has none of its own.
  assert.equal(mail.to[0], "ops@example.test");
  assert.equal(mail.subject, "[DOWN] Checkout API — HTTP 500");
  assert.ok(mail.text.startsWith("Checkout API (internal app of Main Ecommerce Server) is DOWN."));
  await until(async () => (await env.alerts.list())[0]?.status === "sent", "sent");
});

Deno.test("an app that recovered before its website went down keeps its own RECOVERED, even queued behind an SMTP outage", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using s = await site(env);
  await env.smtp.stop();
  // The app's outage ends before the website's begins: the website's emails will not list it.
  s.targets.app1.status = 500;
  await env.service.checkNow(s.app1.id);
  s.targets.app1.status = 200;
  await env.service.checkNow(s.app1.id);
  // Outages touching in the same millisecond count as overlapping; keep these apart.
  await sleep(20);
  s.targets.web.status = 502;
  await env.service.checkNow(s.web.id);
  s.targets.web.status = 200;
  await env.service.checkNow(s.web.id);
  await env.smtp.restart();
  await env.smtp.waitForMessages(4, 20_000);
  await sleep(600);
  assert.deepEqual(stable(inbox(env.smtp)).sort(), [
    "ops@example.test [DOWN] Checkout API — HTTP 500",
    "ops@example.test [DOWN] Main Ecommerce Server — HTTP 502",
    "ops@example.test [RECOVERED] Checkout API — down for Ns",
    "ops@example.test [RECOVERED] Main Ecommerce Server — down for Ns",
  ]);
  assert.deepEqual(await env.alerts.list({ status: "grouped" }), []);
});

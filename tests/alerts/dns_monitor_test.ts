/** A dns:// monitor end to end: created through the service, checked, DOWN alerted exactly once. */
import assert from "node:assert/strict";
import { alertEnv, inbox, sleep } from "./_env.ts";
import { startDnsServer } from "../_helpers/dns.ts";

Deno.test("a dns monitor of a local name goes DOWN with kind dns, alerts once, and recovers", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using dns = startDnsServer({ "shop.test": [{ type: "A", value: "10.0.0.7" }] });
  const m = await env.service.create({
    name: "Shop DNS",
    url: `dns://Shop.Test?server=${dns.server}&expect=10.0.0.7`,
    timeout_ms: 2000,
    alert_emails: ["ops@example.test"],
    recovery_emails: ["ops@example.test"],
  });
  assert.equal(m.kind, "dns");
  assert.equal(m.url, `dns://shop.test?type=A&server=${dns.server}&expect=10.0.0.7`);

  const first = await env.service.checkNow(m.id);
  assert.equal(first.check.ok, true, JSON.stringify(first.check));
  assert.equal((await env.service.get(m.id)).status, "up");

  // The name now resolves elsewhere: DOWN (threshold 1), with the precise cause.
  await env.service.update(m.id, {
    url: `dns://shop.test?server=${dns.server}&expect=10.0.0.9`,
  });
  const down = await env.service.checkNow(m.id);
  assert.deepEqual(
    [down.check.ok, down.check.errorKind, down.check.errorMessage, down.check.httpStatus],
    [false, "dns", "shop.test A resolved to 10.0.0.7, expected 10.0.0.9", null],
  );
  const view = await env.service.get(m.id);
  assert.equal(view.status, "down");
  assert.equal(view.monitor.kind, "dns");
  // Still down: more failed checks add no alert.
  await env.service.checkNow(m.id);
  await env.service.checkNow(m.id);

  await env.smtp.waitForMessages(1);
  await sleep(600); // past the grouping window: nothing else may follow
  assert.deepEqual(inbox(env.smtp), ["ops@example.test [DOWN] Shop DNS — DNS lookup failed"]);
  const mail = env.smtp.messages[0];
  assert.match(mail.text, /shop\.test A resolved to 10\.0\.0\.7, expected 10\.0\.0\.9/);
  assert.match(mail.text, /The DNS lookup failed: the name does not exist/);
  const rows = (await env.store.outbox.list()).filter((r) => r.monitorId === m.id);
  assert.deepEqual(rows.map((r) => [r.kind, r.target, r.status]), [
    ["down", "ops@example.test", "sent"],
  ]);

  await env.service.update(m.id, { url: `dns://shop.test?server=${dns.server}` });
  assert.equal((await env.service.checkNow(m.id)).check.ok, true);
  await env.smtp.waitForMessages(2);
  assert.match(env.smtp.messages[1].subject, /^\[RECOVERED\] Shop DNS/);
});

/**
 * DEGRADED end to end: a real local target that answers slowly, the real probe, recorder, outbox
 * and SMTP server. Slow-but-up is alerted once as [DEGRADED] and once as [RECOVERED].
 */
import assert from "node:assert/strict";
import { alertEnv, inbox, sleep } from "./_env.ts";
import { delay, startTarget } from "../_helpers/targets.ts";

Deno.test("a slow-but-up target becomes DEGRADED after N slow checks, alerted exactly once, then RECOVERED", async () => {
  await using env = await alertEnv({ adminEmail: null });
  let delayMs = 0;
  await using target = await startTarget(async (_req, _info, closing) => {
    await delay(delayMs, closing);
    return new Response("ok");
  });
  const m = await env.monitor({
    name: "Slow API",
    url: target.url,
    degraded_ms: 150,
    degraded_checks: 2,
    alert_emails: ["ops@example.test"],
    recovery_emails: ["ops@example.test"],
  });
  assert.deepEqual([m.degradedMs, m.degradedChecks], [150, 2]);

  assert.equal((await env.service.checkNow(m.id)).check.ok, true);
  assert.equal((await env.service.get(m.id)).status, "up");

  delayMs = 300;
  const first = await env.service.checkNow(m.id);
  assert.equal(first.check.ok, true, "slow is still up");
  assert.equal((await env.service.get(m.id)).status, "up", "one slow check is not DEGRADED");
  await env.service.checkNow(m.id);
  const view = await env.service.get(m.id);
  assert.equal(view.status, "degraded");
  assert.notEqual(view.state.degradedIncidentId, null);
  assert.equal((await env.store.dashboard.statusCounts()).degraded, 1);
  // Still slow: no further alert.
  await env.service.checkNow(m.id);
  await env.service.checkNow(m.id);

  await env.smtp.waitForMessages(1);
  await sleep(400);
  assert.equal(env.smtp.messages.length, 1, inbox(env.smtp).join("\n"));
  const mail = env.smtp.messages[0];
  assert.match(mail.subject, /^\[DEGRADED\] Slow API — slower than 150 ms \(last \d+ ms\)$/);
  assert.match(mail.text, /is DEGRADED: up, but slow/);
  assert.match(mail.text, /Slower than 150 ms for 2 checks in a row/);

  // Uptime counts slow checks as up.
  const uptime = await env.service.uptime(m.id);
  assert.equal(uptime.h24, 100);

  delayMs = 0;
  await env.service.checkNow(m.id);
  assert.equal((await env.service.get(m.id)).status, "up");
  await env.smtp.waitForMessages(2);
  await sleep(400);
  assert.equal(env.smtp.messages.length, 2, inbox(env.smtp).join("\n"));
  assert.match(
    env.smtp.messages[1].subject,
    /^\[RECOVERED\] Slow API — responses fast again after \d+s degraded$/,
  );
  assert.deepEqual(env.smtp.messages[1].to, ["ops@example.test"]);
  const incidents = await env.service.incidents(m.id);
  assert.deepEqual(incidents.map((i) => [i.type, i.errorKind, i.endedAt !== null]), [
    ["degraded", "slow", true],
  ]);
  const rows = (await env.store.outbox.list()).filter((r) => r.monitorId === m.id);
  assert.deepEqual(rows.map((r) => [r.kind, r.status]).sort(), [
    ["down", "sent"],
    ["recovered", "sent"],
  ]);
});

Deno.test("going DOWN while DEGRADED ends it without a RECOVERED; the outage is alerted as DOWN", async () => {
  await using env = await alertEnv({ adminEmail: null });
  let delayMs = 300;
  let status = 200;
  await using target = await startTarget(async (_req, _info, closing) => {
    await delay(delayMs, closing);
    return new Response("ok", { status });
  });
  const m = await env.monitor({
    name: "Flaky",
    url: target.url,
    degraded_ms: 100,
    degraded_checks: 1,
    alert_emails: ["ops@example.test"],
  });
  await env.service.checkNow(m.id);
  assert.equal((await env.service.get(m.id)).status, "degraded");
  status = 503;
  delayMs = 0;
  await env.service.checkNow(m.id);
  assert.equal((await env.service.get(m.id)).status, "down");
  await env.smtp.waitForMessages(2);
  await sleep(400);
  const subjects = env.smtp.messages.map((x) => x.subject).sort();
  assert.equal(subjects.length, 2, subjects.join("\n"));
  assert.match(subjects[0], /^\[DEGRADED\] Flaky/);
  assert.match(subjects[1], /^\[DOWN\] Flaky — HTTP 503/);
});

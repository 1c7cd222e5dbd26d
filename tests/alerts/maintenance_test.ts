/**
 * Maintenance windows end to end: a real local target, the real recorder and outbox, and a real
 * SMTP server. Windows are one-off ones from a minute ago to a second or two from now.
 */
import assert from "node:assert/strict";
import { alertEnv, flipTarget, inbox, sleep, until } from "./_env.ts";
import { MaintenanceService } from "../../monitor/maintenance_windows.ts";
import type { Store } from "../../monitor/store/store.ts";

/** A one-off window over `ids` ending `ms` from now. */
async function windowFor(store: Store, ids: number[], ms: number) {
  const end = Date.now() + ms;
  const v = await new MaintenanceService(store).create({
    name: "DB upgrade",
    monitor_ids: ids,
    schedule: {
      kind: "once",
      starts_at: new Date(Date.now() - 60_000).toISOString(),
      ends_at: new Date(end).toISOString(),
    },
  });
  return { id: v.window.id, end };
}

const afterEnd = (end: number) => until(() => Date.now() > end + 5, "the window's end", 10_000);

Deno.test("an outage inside a window sends nothing and leaves uptime alone; still down after it, DOWN is sent once", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
    recovery_emails: ["ops@example.test"],
  });
  await env.service.checkNow(m.id);
  assert.equal((await env.service.uptime(m.id)).h24, 100);

  const w = await windowFor(env.store, [m.id], 2_000);
  assert.equal((await env.service.get(m.id)).status, "maintenance");

  target.status = 502;
  const down = await env.service.checkNow(m.id);
  assert.equal(down.state.state, "down", "the state machine still runs");
  assert.equal(down.transition?.kind, "down");
  assert.equal(down.check.maintenance, true, "the check is stored as taken in maintenance");
  await env.service.checkNow(m.id);
  await sleep(500);
  assert.equal(env.smtp.messages.length, 0, "nothing sent during the window");
  const rows = await env.alerts.list();
  assert.equal(rows.length, 1);
  assert.equal(rows[0].status, "skipped");
  assert.equal(rows[0].lastError, "maintenance: DB upgrade");
  assert.equal((await env.service.uptime(m.id)).h24, 100, "uptime excludes the window");
  assert.deepEqual((await env.service.checks(m.id, 10)).map((c) => c.maintenance), [
    true,
    true,
    false,
  ]);

  await afterEnd(w.end);
  assert.equal((await env.service.get(m.id)).status, "down");
  await env.service.checkNow(m.id); // still down after the window: its DOWN goes out now
  await env.smtp.waitForMessages(1);
  await env.service.checkNow(m.id);
  await env.service.checkNow(m.id);
  await sleep(500);
  assert.deepEqual(inbox(env.smtp), ["ops@example.test [DOWN] Shop — HTTP 502"], "exactly once");
  assert.ok((await env.service.uptime(m.id)).h24! < 100, "checks after the window count");

  target.status = 200;
  await env.service.checkNow(m.id);
  await env.smtp.waitForMessages(2);
  assert.match(inbox(env.smtp)[1], /^ops@example\.test \[RECOVERED\] Shop/);
  // The message arrived; the row is marked sent just after.
  const after = await until(async () => {
    const rows = await env.alerts.list();
    return rows.every((r) => r.status !== "sending" && r.status !== "pending") && rows;
  }, "the rows to settle");
  assert.deepEqual(after.map((r) => `${r.kind}/${r.seq}/${r.status}`).sort(), [
    "down/0/skipped",
    "down/1/sent",
    "recovered/0/sent",
  ]);
});

Deno.test("an outage over within the window alerts nothing, nor one whose DOWN was held back; after the window alerts resume", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "API",
    url: target.url,
    alert_emails: ["ops@example.test"],
    recovery_emails: ["ops@example.test"],
  });
  const app = await env.monitor({
    name: "Worker",
    url: target.url,
    parent_id: m.id,
    alert_emails: ["ops@example.test"],
    recovery_emails: ["ops@example.test"],
  });
  await env.service.checkNow(m.id);
  // The window lists the website only: its internal app is covered too.
  const w = await windowFor(env.store, [m.id], 1_500);
  assert.equal((await env.service.get(app.id)).status, "maintenance");

  target.status = 503;
  await env.service.checkNow(m.id);
  await env.service.checkNow(app.id);
  target.status = 200;
  const up = await env.service.checkNow(m.id); // recovered inside the window
  assert.equal(up.transition?.kind, "recovered");
  target.status = 503;
  await afterEnd(w.end);
  target.status = 200;
  const late = await env.service.checkNow(app.id); // its DOWN was held back: RECOVERED is too
  assert.equal(late.transition?.kind, "recovered");
  await sleep(600);
  assert.equal(env.smtp.messages.length, 0);
  const rows = await env.alerts.list();
  assert.ok(rows.every((r) => r.status === "skipped"), JSON.stringify(rows));
  assert.deepEqual(rows.map((r) => r.lastError).sort(), [
    "maintenance: DB upgrade",
    "maintenance: DB upgrade",
    "maintenance: DB upgrade",
    "maintenance: DB upgrade (its DOWN was not sent)",
  ]);

  // After the window: an outage is alerted as usual.
  target.status = 503;
  await env.service.checkNow(m.id);
  await env.smtp.waitForMessages(1);
  assert.deepEqual(inbox(env.smtp), ["ops@example.test [DOWN] API — HTTP 503"]);
});

import assert from "node:assert/strict";
import { alertEnv, flipTarget, sleep, until } from "./_env.ts";

const MIN = 60_000;

Deno.test("reminders repeat DOWN every N minutes while down, without bursts, and stop on recovery", async () => {
  let offset = 0; // the alert clock runs ahead of the checks' clock
  await using env = await alertEnv({
    adminEmail: null,
    tuning: { now: () => Date.now() + offset },
  });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
    reminder_interval_min: 5,
  });
  target.status = 500;
  await env.service.checkNow(m.id);
  await env.smtp.waitForMessages(1);
  await until(async () => (await env.alerts.list())[0]?.status === "sent", "DOWN sent");

  offset = 5 * MIN + 1000;
  const [, first] = await env.smtp.waitForMessages(2);
  assert.match(first.subject, /^\[DOWN\] Shop — HTTP 500, still down after 5m [0-9]s$/);
  assert.ok(first.text.includes("Shop is still DOWN (reminder 1)."));

  // The service was "asleep" for 40 minutes: one reminder (number 9), not eight.
  offset = 45 * MIN + 1000;
  await env.smtp.waitForMessages(3);
  await sleep(400);
  const reminders = (await env.alerts.list({ status: "sent" })).filter((r) =>
    r.kind === "reminder"
  );
  assert.deepEqual(reminders.map((r) => r.seq).sort((a, b) => a - b), [1, 9]);
  assert.equal(env.smtp.messages.length, 3);

  target.status = 200;
  await env.service.checkNow(m.id);
  offset = 120 * MIN;
  await sleep(400);
  assert.equal(env.smtp.messages.length, 3, "no reminder after recovery");
});

Deno.test("a reminder still unsent at recovery is skipped, not delivered late", async () => {
  let offset = 0;
  await using env = await alertEnv({
    adminEmail: null,
    tuning: { now: () => Date.now() + offset },
  });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
    recovery_emails: ["ops@example.test"],
    reminder_interval_min: 5,
  });
  target.status = 500;
  await env.service.checkNow(m.id);
  await env.smtp.waitForMessages(1);
  await until(async () => (await env.alerts.list())[0]?.status === "sent", "DOWN sent");
  await env.smtp.stop();
  offset = 5 * MIN + 1000;
  await until(
    async () => (await env.alerts.list()).find((r) => r.kind === "reminder" && r.lastError),
    "a failed reminder attempt",
  );
  target.status = 200;
  await env.service.checkNow(m.id);
  await env.smtp.restart();
  await env.smtp.waitForMessages(2);
  await sleep(400);
  assert.equal(env.smtp.messages.length, 2);
  assert.match(env.smtp.messages[1].subject, /^\[RECOVERED\] Shop/);
  const reminder = (await env.alerts.list()).find((r) => r.kind === "reminder")!;
  assert.equal(reminder.status, "skipped");
  assert.equal(reminder.lastError, "Recovered before the reminder was sent");
});

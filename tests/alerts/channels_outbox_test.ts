/**
 * Notification channels through the durable outbox, end to end: a real monitor goes DOWN and
 * RECOVERS against loopback stand-ins of every service. One DOWN and one RECOVERED per channel
 * per outage; retries after a receiver outage (honouring Retry-After); a permanent 4xx ends as
 * failed with the answer; no duplicate after a restart mid-outage; PagerDuty's resolve matches
 * its trigger; a hanging receiver does not hold up the others.
 */
import assert from "node:assert/strict";
import { type AlertEnv, alertEnv, flipTarget } from "./_env.ts";
import { waitFor } from "../_helpers/core.ts";
import {
  type PagerDutyReceiver,
  pagerdutyReceiver,
  type Receiver,
  RECEIVERS,
} from "../_helpers/receivers.ts";
import type { AlertRecord } from "../../monitor/store/records.ts";

/** Rows of the outbox for channel `id`. */
async function rowsFor(env: AlertEnv, id: number): Promise<AlertRecord[]> {
  return (await env.store.outbox.list({ limit: 1000 })).filter((r) => r.target === String(id));
}

/** A channel of `kind` pointing at `receiver`, attached to nothing yet. */
async function channelFor(env: AlertEnv, kind: string, receiver: Receiver, name = kind) {
  return await env.store.channels.insert(
    { kind, name, config: receiver.config, isDefault: false },
    Date.now(),
  );
}

/** Checks `monitorId` until its state is `want`. */
async function checkUntil(env: AlertEnv, monitorId: number, want: "up" | "down") {
  await waitFor(async () => (await env.service.checkNow(monitorId)).state.state === want, {
    timeoutMs: 5000,
    message: `monitor ${monitorId} ${want}`,
  });
}

/** Requests a receiver got that were alerts (not the stand-in's own probes). */
const hits = (r: Receiver) => r.received.length;

Deno.test("every channel kind gets one DOWN and one RECOVERED per outage, through the outbox", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const receivers: [string, Receiver][] = [];
  try {
    for (const [kind, start] of Object.entries(RECEIVERS)) receivers.push([kind, await start()]);
    const ids: number[] = [];
    for (const [kind, r] of receivers) ids.push((await channelFor(env, kind, r)).id);
    const m = await env.monitor({ name: "Shop", url: target.url, channel_ids: ids });
    await checkUntil(env, m.id, "up");

    target.status = 502;
    await checkUntil(env, m.id, "down");
    await waitFor(() => receivers.every(([, r]) => hits(r) === 1), {
      message: "a DOWN at every receiver",
      describe: () => receivers.map(([k, r]) => `${k}=${hits(r)}`).join(" "),
    });
    target.status = 200;
    await checkUntil(env, m.id, "up");
    await waitFor(() => receivers.every(([, r]) => hits(r) === 2), {
      message: "a RECOVERED at every receiver",
      describe: () => receivers.map(([k, r]) => `${k}=${hits(r)}`).join(" "),
    });
    // Received, and then marked sent once the answer is read.
    await waitFor(async () => (await env.store.outbox.counts()).sent === 2 * ids.length, {
      message: "every row marked sent",
    });
    for (const [i, [kind]] of receivers.entries()) {
      const rows = await rowsFor(env, ids[i]);
      assert.deepEqual(
        rows.map((r) => [r.kind, r.status, r.channel]).sort(),
        [["down", "sent", kind], ["recovered", "sent", kind]],
        kind,
      );
      assert.ok(
        rows.every((r) => r.response?.startsWith("HTTP 2")),
        `${kind}: ${rows[0].response}`,
      );
    }
    // Nothing more arrives: exactly one per (incident, kind, channel).
    await env.alerts.stop();
    assert.ok(receivers.every(([, r]) => hits(r) === 2));
  } finally {
    for (const [, r] of receivers) await r.close();
  }
});

Deno.test("a receiver outage is retried until it answers, honouring Retry-After; a 4xx fails with its answer", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  await using slack = await RECEIVERS.slack();
  await using hook = await RECEIVERS.webhook();
  const flaky = await channelFor(env, "slack", slack);
  const refused = await channelFor(env, "webhook", hook);
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    channel_ids: [flaky.id, refused.id],
  });
  await checkUntil(env, m.id, "up");

  slack.override = { status: 429, body: "rate_limited", headers: { "retry-after": "1" } };
  hook.override = { status: 404, body: "no such hook here" };
  target.status = 500;
  await checkUntil(env, m.id, "down");
  await waitFor(() => hits(slack) >= 1 && hits(hook) >= 1, { message: "first attempts" });
  const firstAt = Date.now();
  // Retry-After: 1 s, longer than the test's 100 ms backoff: no second attempt before it.
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(hits(slack), 1, "the receiver's Retry-After is honoured");
  slack.override = null;
  await waitFor(async () => (await rowsFor(env, flaky.id))[0]?.status === "sent", {
    timeoutMs: 5000,
    message: "delivered once the receiver answers",
  });
  assert.ok(Date.now() - firstAt >= 900, "not before the Retry-After");
  assert.equal(hits(slack), 2);
  const failed = (await rowsFor(env, refused.id))[0];
  assert.equal(failed.status, "failed");
  assert.match(failed.lastError ?? "", /HTTP 404 .*no such hook here/);
  assert.equal(hits(hook), 1, "a permanent refusal is not retried");
});

Deno.test("a restart mid-outage sends no duplicate; PagerDuty's resolve carries its trigger's key", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const pd: PagerDutyReceiver = await pagerdutyReceiver();
  try {
    const ch = await channelFor(env, "pagerduty", pd);
    const m = await env.monitor({ name: "Shop", url: target.url, channel_ids: [ch.id] });
    await checkUntil(env, m.id, "up");
    target.status = 503;
    await checkUntil(env, m.id, "down");
    await waitFor(() => hits(pd) === 1, { message: "the trigger" });

    await env.reopen();
    await env.service.checkNow(m.id); // still down after the restart
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(hits(pd), 1, "no second trigger after the restart");

    target.status = 200;
    await checkUntil(env, m.id, "up");
    await waitFor(() => hits(pd) === 2, { message: "the resolve" });
    const [trigger, resolve] = pd.received.map((r) => r.json as Record<string, unknown>);
    assert.equal(trigger.event_action, "trigger");
    assert.equal(resolve.event_action, "resolve");
    assert.equal(resolve.dedup_key, trigger.dedup_key);
  } finally {
    await pd.close();
  }
});

Deno.test("reminders reach a channel too, as PagerDuty triggers with the outage's dedup key", async () => {
  let offset = 0; // the alert clock runs ahead of the checks' clock
  await using env = await alertEnv({
    adminEmail: null,
    tuning: { now: () => Date.now() + offset },
  });
  await using target = await flipTarget();
  const pd = await pagerdutyReceiver();
  try {
    const ch = await channelFor(env, "pagerduty", pd);
    const m = await env.monitor({
      name: "Shop",
      url: target.url,
      channel_ids: [ch.id],
      reminder_interval_min: 5,
    });
    target.status = 500;
    await checkUntil(env, m.id, "down");
    await waitFor(async () => (await rowsFor(env, ch.id))[0]?.status === "sent", {
      message: "the DOWN sent",
    });
    offset = 5 * 60_000 + 1000;
    await waitFor(() => hits(pd) === 2, { message: "the reminder" });
    const [down, reminder] = pd.received.map((r) => r.json as Record<string, unknown>);
    assert.equal(reminder.event_action, "trigger");
    assert.equal(reminder.dedup_key, down.dedup_key);
    const rows = await rowsFor(env, ch.id);
    assert.deepEqual(rows.map((r) => [r.kind, r.seq]).sort(), [["down", 0], ["reminder", 1]]);
  } finally {
    await pd.close();
  }
});

Deno.test("a hanging receiver does not hold up the other channels", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  await using stuck = await RECEIVERS.webhook();
  await using fine = await RECEIVERS.discord();
  stuck.override = "hang";
  const a = await channelFor(env, "webhook", stuck, "a stuck");
  const b = await channelFor(env, "discord", fine, "b fine");
  const m = await env.monitor({ name: "Shop", url: target.url, channel_ids: [a.id, b.id] });
  await checkUntil(env, m.id, "up");
  target.status = 500;
  const downAt = Date.now();
  await checkUntil(env, m.id, "down");
  await waitFor(() => hits(fine) === 1, { timeoutMs: 3000, message: "the other channel" });
  assert.ok(Date.now() - downAt < 3000, "delivered while the stuck receiver hangs");
  assert.equal(hits(stuck), 1);
  // The receiver answered; the row is marked sent right after (on a loaded machine, not at once).
  await waitFor(async () => (await rowsFor(env, b.id))[0].status === "sent", {
    timeoutMs: 2000,
    message: "the other channel's row marked sent",
  });
});

Deno.test("an internal app's DOWN folds into its website's message on the same channel", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using site = await flipTarget();
  await using app = await flipTarget();
  await using hook = await RECEIVERS.webhook();
  const ch = await channelFor(env, "webhook", hook);
  const w = await env.monitor({ name: "Shop", url: site.url, channel_ids: [ch.id] });
  // No channels of its own: it inherits the website's.
  const a = await env.monitor({ name: "Checkout", url: app.url, parent_id: w.id });
  await checkUntil(env, w.id, "up");
  await checkUntil(env, a.id, "up");
  site.status = 500;
  app.status = 500;
  await checkUntil(env, a.id, "down");
  await checkUntil(env, w.id, "down");
  await waitFor(() => hits(hook) === 1, { timeoutMs: 3000, message: "one message" });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(hits(hook), 1, "one message for the outage, not one per monitor");
  const body = hook.received[0].json as { monitor: { id: number }; affected_apps: unknown[] };
  assert.equal(body.monitor.id, w.id);
  assert.equal(body.affected_apps.length, 1);
  const rows = await rowsFor(env, ch.id);
  assert.deepEqual(
    rows.map((r) => [r.monitorId, r.status]).sort(),
    [
      [w.id, "sent"],
      [a.id, "grouped"],
    ].sort(),
  );
});

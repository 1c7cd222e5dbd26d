/**
 * PagerDuty: DOWN and reminders trigger, RECOVERED resolves, all under one dedup key per
 * incident, so the stand-in's incident opens and closes; a different incident gets its own.
 */
import assert from "node:assert/strict";
import { pagerduty, pagerdutyDedupKey } from "../../../monitor/alerts/channels/pagerduty.ts";
import { httpChannel } from "../../../monitor/alerts/channels/http.ts";
import type { ChannelRecord } from "../../../monitor/store/records.ts";
import type { AlertFacts } from "../../../monitor/alerts/message.ts";
import { PAGERDUTY_KEY, pagerdutyReceiver } from "../../_helpers/receivers.ts";
import { factsFixture, factsVariants, incidentFixture } from "../../_helpers/alert_facts.ts";

const CONFIG = { routing_key: PAGERDUTY_KEY };

async function event(f: AlertFacts) {
  return JSON.parse((await pagerduty.request(f, CONFIG, { idempotencyKey: "k" })).body);
}

Deno.test("pagerduty: trigger, reminder and resolve of one incident share one dedup_key", async () => {
  const { down, reminder, recovered } = factsVariants();
  const [d, m, r] = [await event(down), await event(reminder), await event(recovered)];
  assert.equal(d.event_action, "trigger");
  assert.equal(m.event_action, "trigger");
  assert.equal(r.event_action, "resolve");
  assert.equal(d.dedup_key, "shc-3-7");
  assert.equal(m.dedup_key, d.dedup_key);
  assert.equal(r.dedup_key, d.dedup_key);
  assert.equal(r.routing_key, PAGERDUTY_KEY);
  // Another incident of the same monitor is another PagerDuty incident.
  const next = factsFixture({ incident: incidentFixture({ id: 8 }) });
  assert.equal(pagerdutyDedupKey(next), "shc-3-8");
  assert.notEqual(pagerdutyDedupKey(next), d.dedup_key);
});

Deno.test("pagerduty: a trigger is critical, from the monitor, with details and the dashboard link", async () => {
  const d = await event(
    factsFixture({ monitor: { ...factsFixture().monitor, parentName: "Main Website" } }),
  );
  assert.equal(d.payload.severity, "critical");
  assert.equal(d.payload.source, "Main Ecommerce Server");
  assert.equal(d.payload.summary, "[DOWN] Main Ecommerce Server — HTTP 502");
  assert.equal(d.payload.group, "Main Website");
  assert.equal(d.payload.class, "unexpected_status");
  assert.equal(d.payload.timestamp, "2025-01-15T12:00:30.000Z");
  assert.equal(d.payload.custom_details.http_status, 502);
  assert.equal(
    d.payload.custom_details.cause,
    "The server answered HTTP 502 Bad Gateway; expected 200.",
  );
  assert.equal(d.payload.custom_details.website, "Main Website");
  assert.ok(!JSON.stringify(d).includes("hunter2"), "monitor credentials redacted");
  assert.deepEqual(d.links, [{
    href: "https://status.example.com/monitors/3",
    text: "Open the dashboard",
  }]);
  assert.equal(d.client_url, "https://status.example.com/monitors/3");
  const m = await event(factsVariants().reminder);
  assert.equal(m.payload.custom_details.reminder, 2);
  assert.equal(m.payload.custom_details.down_for, "1h 3m");
});

Deno.test("pagerduty end to end: the stand-in's incident is triggered, then resolved by the same key", async () => {
  await using pd = await pagerdutyReceiver();
  const record: ChannelRecord = {
    id: 4,
    kind: "pagerduty",
    name: "On call",
    config: pd.config,
    isDefault: false,
    createdAt: 0,
    updatedAt: 0,
  };
  const ch = httpChannel(pagerduty, (id) => Promise.resolve(id === 4 ? record : null));
  const signal = new AbortController().signal;
  const { down, reminder, recovered } = factsVariants();

  const r1 = await ch.send(ch.buildMessage(down), "4", { idempotencyKey: "a1", signal });
  assert.match(r1.response, /^HTTP 202 .*"status":"success".*"dedup_key":"shc-3-7"/);
  assert.equal(pd.alerts.get("shc-3-7"), "triggered");
  await ch.send(ch.buildMessage(reminder), "4", { idempotencyKey: "a2", signal });
  assert.equal(pd.alerts.size, 1, "a reminder adds to the same incident");
  await ch.send(ch.buildMessage(recovered), "4", { idempotencyKey: "a3", signal });
  assert.equal(pd.alerts.get("shc-3-7"), "resolved");
  assert.deepEqual(pd.received.map((r) => (r.json as { event_action: string }).event_action), [
    "trigger",
    "trigger",
    "resolve",
  ]);
});

Deno.test("pagerduty end to end: an invalid routing key is a permanent error in PagerDuty's words", async () => {
  await using pd = await pagerdutyReceiver();
  const record: ChannelRecord = {
    id: 4,
    kind: "pagerduty",
    name: "On call",
    config: { ...pd.config, routing_key: "X".repeat(32) },
    isDefault: false,
    createdAt: 0,
    updatedAt: 0,
  };
  const ch = httpChannel(pagerduty, () => Promise.resolve(record));
  const err = await ch.send(ch.buildMessage(factsFixture()), "4", {
    idempotencyKey: "a1",
    signal: new AbortController().signal,
  }).then(() => null, (e) => e);
  assert.ok(err, "the send failed");
  const c = ch.classifyError(err);
  assert.equal(c.class, "permanent");
  assert.equal(
    c.message,
    `HTTP 400 from ${new URL(pd.url).host}: Event object is invalid: Invalid Routing Key`,
  );
  assert.ok(!c.message.includes("X".repeat(32)), "the key is not quoted");
});

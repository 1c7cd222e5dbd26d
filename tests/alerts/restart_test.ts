import assert from "node:assert/strict";
import { alertEnv, flipTarget, inbox, sleep, until } from "./_env.ts";

Deno.test("no duplicate DOWN after the service restarts mid-outage; RECOVERED still comes", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
    recovery_emails: ["ops@example.test"],
  });
  target.status = 502;
  await env.service.checkNow(m.id);
  await env.smtp.waitForMessages(1);

  await env.reopen(); // same SQLite file, new services, new sender
  assert.equal((await env.service.checkNow(m.id)).state.state, "down");
  await sleep(300);
  assert.equal(env.smtp.messages.length, 1);

  target.status = 200;
  await env.service.checkNow(m.id);
  await env.smtp.waitForMessages(2);
  await sleep(300);
  assert.deepEqual(inbox(env.smtp).map((l) => l.replace(/\d+s$/, "Ns")), [
    "ops@example.test [DOWN] Shop — HTTP 502",
    "ops@example.test [RECOVERED] Shop — down for Ns",
  ]);
});

Deno.test("alerts still pending at shutdown are delivered after the restart", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
  });
  await env.smtp.stop();
  target.status = 500;
  await env.service.checkNow(m.id);
  await until(async () => (await env.alerts.list())[0]?.lastError, "a failed attempt");
  await env.reopen();
  await env.smtp.restart();
  await env.smtp.waitForMessages(1);
  await sleep(300);
  assert.equal(env.smtp.messages.length, 1);
  assert.equal((await env.alerts.list())[0].status, "sent");
});

Deno.test("a row left 'sending' by a crash is sent again once, with the same Message-ID", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
  });
  // The crash window: the server says 250 but the 'sent' mark never commits.
  const outbox = env.store.outbox;
  const markSent = outbox.markSent;
  let refused = 0;
  outbox.markSent = () => {
    refused++;
    return Promise.reject(new Error("crashed before the commit"));
  };
  target.status = 500;
  await env.service.checkNow(m.id);
  const [first] = await env.smtp.waitForMessages(1);
  await until(() => refused > 0, "the sent mark to fail");
  await env.alerts.stop();
  outbox.markSent = markSent;
  assert.equal(refused, 1);
  const [row] = await env.alerts.list();
  assert.equal(row.status, "sending", "left as the crash left it");
  assert.equal(row.attempts, 1);

  await env.reopen();
  const mails = await env.smtp.waitForMessages(2);
  await sleep(300);
  assert.equal(mails.length, 2, "exactly one extra copy");
  assert.equal(mails[1].headers.get("message-id"), first.headers.get("message-id"));
  const after = await env.alerts.list();
  assert.equal(after.length, 1);
  assert.equal(after[0].status, "sent");
  assert.equal(after[0].attempts, 2);
});

Deno.test("the outbox refuses a second row for the same incident, kind and recipient (any case)", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["Ops@Example.test"],
  });
  target.status = 500;
  const { transition } = await env.service.checkNow(m.id);
  const row = {
    monitorId: m.id,
    incidentId: transition!.incident.id,
    kind: "down" as const,
    seq: 0,
    channel: "email",
    target: "OPS@example.TEST",
    status: "pending" as const,
    groupedInto: null,
    checkId: null,
    failures: 1,
    threshold: 1,
    lastError: null,
    createdAt: Date.now(),
    nextAttemptAt: Date.now(),
  };
  const outbox = env.store.outbox;
  assert.equal(await outbox.insert(row), false);
  assert.equal(await outbox.insert({ ...row, kind: "reminder", seq: 1 }), true);
  assert.equal(await outbox.insert({ ...row, kind: "reminder", seq: 1 }), false);
  // The same target on another channel is another recipient.
  assert.equal(await outbox.insert({ ...row, channel: "test" }), true);
  assert.equal(await outbox.insert({ ...row, channel: "test", target: "ops@EXAMPLE.test" }), false);
});

Deno.test("pruning the outbox deletes old finished rows and keeps undelivered ones", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
    recovery_emails: ["ops@example.test"],
  });
  target.status = 500;
  await env.service.checkNow(m.id);
  await until(async () => (await env.alerts.list())[0]?.status === "sent", "sent");
  await env.alerts.stop(); // freeze the outbox: the RECOVERED row stays pending
  target.status = 200;
  assert.equal((await env.service.checkNow(m.id)).transition?.kind, "recovered");
  assert.deepEqual((await env.alerts.list()).map((r) => r.status).sort(), ["pending", "sent"]);
  assert.equal(await env.store.outbox.prune(Date.now() + 60_000), 1);
  assert.deepEqual((await env.alerts.list()).map((r) => r.status), ["pending"]);
});

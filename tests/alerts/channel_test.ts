/**
 * The AlertChannel seam: a fake in-memory channel registered in the real sender gets rows of its
 * kind from the real outbox, with the same exactly-once, backoff, permanent-failure, max-age and
 * server-level semantics as email. Driven pass by pass (`runOnce()`) on a fake clock.
 */
import assert from "node:assert/strict";
import type { Store } from "../../monitor/store/store.ts";
import { openStore } from "../../monitor/store/open.ts";
import type { AlertRecord, AlertRow } from "../../monitor/alerts/outbox.ts";
import { AlertSender } from "../../monitor/alerts/sender.ts";
import {
  type AlertChannel,
  channelRegistry,
  type ClassifiedError,
  type ErrorClass,
} from "../../monitor/alerts/channel.ts";
import { emailChannel } from "../../monitor/alerts/email.ts";
import type { AlertFacts, AlertMessage } from "../../monitor/alerts/message.ts";
import { setLogLevel } from "../../monitor/log.ts";
import { fakeMonitor, tempDir, testConfig } from "../_helpers/core.ts";

setLogLevel("error");

class FakeError extends Error {
  constructor(readonly cls: ErrorClass, message: string) {
    super(message);
  }
}

interface Delivery {
  target: string;
  subject: string;
  key: string;
  /** The row as committed while the send was under way. */
  statusDuring: string;
  attemptsDuring: number;
}

/** An in-memory channel; `plan` queues failure classes per target ("ok" when empty). */
class FakeChannel implements AlertChannel {
  readonly sent: Delivery[] = [];
  readonly tried: string[] = [];
  readonly plan = new Map<string, ErrorClass[]>();
  constructor(readonly kind: string, private store: Store) {}

  validateTarget(target: string): string | null {
    return target.startsWith("bad:") ? `Not a ${this.kind} target: ${target}` : null;
  }

  buildMessage(f: AlertFacts): AlertMessage {
    return { subject: `${this.kind} ${f.kind} ${f.monitor.name}`, text: "t", html: "h" };
  }

  async send(
    message: AlertMessage,
    target: string,
    opts: { idempotencyKey: string; signal: AbortSignal },
  ): Promise<{ response: string }> {
    this.tried.push(target);
    const cls = this.plan.get(target)?.shift();
    if (cls) throw new FakeError(cls, `${cls} failure for ${target}`);
    const row = (await this.store.outbox.list()).find((r) => r.target === target)!;
    this.sent.push({
      target,
      subject: message.subject,
      key: opts.idempotencyKey,
      statusDuring: row.status,
      attemptsDuring: row.attempts,
    });
    return { response: `accepted ${target}` };
  }

  classifyError(err: unknown): ClassifiedError {
    if (err instanceof FakeError) return { class: err.cls, message: err.message };
    return { class: "retry", message: String(err) };
  }
}

const BASE = 100;
const MAX = 400;
const T0 = 1_700_000_000_000;

/** A store with one monitor and one open incident, a fake clock, and a sender over `kinds`. */
async function rig(kinds: string[] = ["test"], maxAgeHours = 24) {
  const dir = await tempDir();
  const store = await openStore(testConfig(dir.path));
  const { id: _i, createdAt: _c, updatedAt: _u, ...fields } = fakeMonitor({ name: "Shop" });
  const monitorId = (await store.monitors.insert(fields, T0)).id;
  const check = await store.checks.insert(monitorId, T0, {
    ok: false,
    latencyMs: 5,
    httpStatus: 502,
    errorKind: "unexpected_status",
    errorMessage: "HTTP 502",
  });
  const incidentId = (await store.incidents.open(check, T0, 3)).id;
  const clock = { now: T0 };
  const channels = Object.fromEntries(kinds.map((k) => [k, new FakeChannel(k, store)]));
  const options = {
    store,
    channels: channelRegistry(...Object.values(channels)),
    baseUrl: "http://dash.test",
    maxAgeHours,
    retryBaseMs: BASE,
    retryMaxMs: MAX,
    idleMs: 50,
    now: () => clock.now,
  };
  const sender = new AlertSender(options);
  const insert = (target: string, channel = "test") =>
    store.outbox.insert({
      monitorId,
      incidentId,
      kind: "down",
      seq: 0,
      channel,
      target,
      status: "pending",
      groupedInto: null,
      checkId: null,
      failures: 3,
      threshold: 3,
      lastError: null,
      createdAt: clock.now,
      nextAttemptAt: clock.now,
    });
  const add = async (target: string, channel = "test"): Promise<AlertRow> => {
    assert.ok(await insert(target, channel));
    return (await store.outbox.find(incidentId, "down", channel, target))!;
  };
  const row = async (id: number): Promise<AlertRecord> => {
    const found = (await store.outbox.list()).find((r) => r.id === id);
    assert.ok(found, `alert ${id} exists`);
    return found;
  };
  return {
    store,
    clock,
    sender,
    options,
    channels,
    fake: channels[kinds[0]],
    add,
    insert,
    row,
    incidentId,
    async [Symbol.asyncDispose]() {
      await store.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

Deno.test("a second channel receives its rows once, committed as sending before and sent after", async () => {
  await using r = await rig();
  const a = await r.add("alice@test");
  const b = await r.add("BOB@test");
  await r.sender.runOnce();
  assert.deepEqual(r.fake.sent, [
    {
      target: "alice@test",
      subject: "test down Shop",
      key: `alert.${a.id}.${r.incidentId}`,
      statusDuring: "sending",
      attemptsDuring: 1,
    },
    {
      target: "BOB@test",
      subject: "test down Shop",
      key: `alert.${b.id}.${r.incidentId}`,
      statusDuring: "sending",
      attemptsDuring: 1,
    },
  ]);
  for (const [id, target] of [[a.id, "alice@test"], [b.id, "BOB@test"]] as const) {
    const row = await r.row(id);
    assert.equal(row.channel, "test");
    assert.equal(row.status, "sent");
    assert.equal(row.response, `accepted ${target}`);
    assert.equal(row.subject, "test down Shop");
    assert.equal(row.sentAt, T0);
    assert.equal(row.lastError, null);
  }
  r.clock.now += 10 * MAX;
  await r.sender.runOnce();
  assert.equal(r.fake.sent.length, 2, "never sent twice");
  // One row per (incident, kind, seq, channel, target), the target in any case.
  assert.equal(await r.insert("bob@TEST"), false);
  assert.equal(await r.insert("bob@TEST", "email"), true, "the same target on another channel");
});

Deno.test("retry: this target is retried after its backoff, the others go on in the same pass", async () => {
  await using r = await rig();
  r.fake.plan.set("a@test", ["retry", "retry"]);
  const a = await r.add("a@test");
  const b = await r.add("b@test");
  await r.sender.runOnce();
  assert.deepEqual(r.fake.sent.map((d) => d.target), ["b@test"]);
  let row = await r.row(a.id);
  assert.equal(row.status, "pending");
  assert.equal(row.attempts, 1);
  assert.equal(row.lastError, "retry failure for a@test");
  assert.equal(row.nextAttemptAt, T0 + BASE);
  assert.equal((await r.row(b.id)).status, "sent");

  await r.sender.runOnce();
  assert.deepEqual(r.fake.tried, ["a@test", "b@test"], "not before the backoff has passed");
  r.clock.now = T0 + BASE;
  await r.sender.runOnce();
  row = await r.row(a.id);
  assert.equal(row.attempts, 2);
  assert.equal(row.nextAttemptAt, T0 + BASE + 2 * BASE, "the delay doubles");
  r.clock.now = T0 + 3 * BASE;
  await r.sender.runOnce();
  row = await r.row(a.id);
  assert.equal(row.status, "sent");
  assert.equal(row.attempts, 3);
  assert.equal(row.lastError, null);
  assert.deepEqual(r.fake.sent.map((d) => [d.target, d.key]), [
    ["b@test", `alert.${b.id}.${r.incidentId}`],
    ["a@test", `alert.${a.id}.${r.incidentId}`],
  ]);
});

Deno.test("permanent: the row is failed with the channel's message and never tried again", async () => {
  await using r = await rig();
  r.fake.plan.set("gone@test", ["permanent"]);
  const a = await r.add("gone@test");
  const b = await r.add("ok@test");
  await r.sender.runOnce();
  const row = await r.row(a.id);
  assert.equal(row.status, "failed");
  assert.equal(row.lastError, "permanent failure for gone@test");
  assert.equal(row.attempts, 1);
  assert.equal((await r.row(b.id)).status, "sent", "a permanent failure does not stop the pass");
  r.clock.now += 10 * MAX;
  await r.sender.runOnce();
  assert.deepEqual(r.fake.tried, ["gone@test", "ok@test"]);
});

Deno.test("server: the channel gets nothing more this pass nor until its backoff; other channels go on", async () => {
  await using r = await rig(["test", "other"]);
  r.fake.plan.set("a@test", ["server", "server"]);
  const a = await r.add("a@test");
  const b = await r.add("b@test");
  const c = await r.add("c@other", "other");
  await r.sender.runOnce();
  assert.deepEqual(r.fake.tried, ["a@test"], "the pass stops for this channel");
  assert.deepEqual(r.channels.other.sent.map((d) => d.target), ["c@other"]);
  assert.equal((await r.row(c.id)).status, "sent");
  let row = await r.row(a.id);
  assert.equal(row.status, "pending");
  assert.equal(row.lastError, "server failure for a@test");
  assert.equal(row.nextAttemptAt, T0 + BASE);
  assert.equal((await r.row(b.id)).status, "pending");
  assert.equal((await r.row(b.id)).attempts, 0);

  // b is due, but the channel is paused until T0 + BASE.
  r.clock.now = T0 + BASE - 1;
  await r.sender.runOnce();
  assert.deepEqual(r.fake.tried, ["a@test"]);
  // b was due first and goes through; a fails at server level again.
  r.clock.now = T0 + BASE;
  await r.sender.runOnce();
  assert.deepEqual(r.fake.tried, ["a@test", "b@test", "a@test"]);
  assert.equal((await r.row(b.id)).status, "sent");
  assert.equal((await r.row(b.id)).attempts, 1);
  row = await r.row(a.id);
  assert.equal(row.attempts, 2);
  assert.equal(row.nextAttemptAt, T0 + 3 * BASE);
  // A success reset the channel's count, so this pause is one BASE; a new row waits for it.
  r.clock.now = T0 + BASE + 1;
  const e = await r.add("e@test");
  await r.sender.runOnce();
  assert.equal(r.fake.tried.length, 3, "paused: the new row is not tried");
  r.clock.now = T0 + 2 * BASE;
  await r.sender.runOnce();
  assert.equal((await r.row(e.id)).status, "sent", "the pause is over; e is due");
  r.clock.now = T0 + 3 * BASE;
  await r.sender.runOnce();
  assert.equal((await r.row(a.id)).status, "sent");
  assert.equal((await r.row(a.id)).attempts, 3);
  assert.deepEqual(r.fake.sent.map((d) => d.target), ["b@test", "e@test", "a@test"]);
});

Deno.test("retries end at the maximum age; a bad target or an unknown channel fails at once", async () => {
  await using r = await rig(["test"], 1);
  r.fake.plan.set("slow@test", ["retry"]);
  const a = await r.add("slow@test");
  const bad = await r.add("bad:nope");
  const lost = await r.add("x@test", "carrier-pigeon");
  r.clock.now = T0 + 3_600_000 - 1; // the retry would be due after the row's maximum age
  await r.sender.runOnce();
  assert.equal((await r.row(a.id)).status, "failed");
  assert.equal(
    (await r.row(a.id)).lastError,
    "Gave up after 1 attempt(s) in 1 h: retry failure for slow@test",
  );
  assert.equal((await r.row(bad.id)).status, "failed");
  assert.equal((await r.row(bad.id)).lastError, "Not a test target: bad:nope");
  assert.equal((await r.row(lost.id)).status, "failed");
  assert.equal((await r.row(lost.id)).lastError, 'No alert channel "carrier-pigeon" is configured');
  assert.deepEqual(r.fake.tried, ["slow@test"], "bad targets never reach the channel");
});

Deno.test("a row left 'sending' by a crash is sent again once, with the same idempotency key", async () => {
  await using r = await rig();
  const a = await r.add("a@test");
  // What a crash between the claim and the 'sent' mark leaves behind.
  assert.ok(await r.store.outbox.claim(a.id, "test down Shop"));
  r.sender.start();
  try {
    const deadline = Date.now() + 5_000;
    while ((await r.row(a.id)).status !== "sent" && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 10));
    }
  } finally {
    await r.sender.stop();
  }
  assert.equal((await r.row(a.id)).status, "sent");
  assert.equal((await r.row(a.id)).attempts, 2);
  assert.deepEqual(r.fake.sent.map((d) => d.key), [`alert.${a.id}.${r.incidentId}`]);
});

Deno.test("emailChannel() classifies SMTP errors exactly as before and keys the Message-ID", async () => {
  const sent: { to: string; messageId?: string }[] = [];
  const ch = emailChannel({
    mailer: {
      send: (m) => {
        sent.push(m);
        return Promise.resolve({ response: "250 OK", messageId: m.messageId ?? "" });
      },
      close: () => {},
    },
    messageIdDomain: "example.test",
    secrets: ["s3cret"],
  });
  assert.equal(ch.kind, "email");
  assert.equal(ch.validateTarget("ops@example.test"), null);
  assert.match(ch.validateTarget("not an address")!, /Not a valid email address/);
  const receipt = await ch.send({ subject: "s", text: "t", html: "h" }, "ops@example.test", {
    idempotencyKey: "alert.7.3",
    signal: new AbortController().signal,
  });
  assert.deepEqual(receipt, { response: "250 OK" });
  assert.deepEqual(sent.map((m) => [m.to, m.messageId]), [
    ["ops@example.test", "<alert.7.3@example.test>"],
  ]);
  const err = (code: string, command: string, responseCode: number, message: string) =>
    Object.assign(new Error(message), { code, command, responseCode });
  assert.deepEqual(ch.classifyError(err("EENVELOPE", "RCPT TO", 550, "No such user")), {
    class: "permanent",
    message: "No such user (EENVELOPE, RCPT TO)",
  });
  assert.equal(ch.classifyError(err("EENVELOPE", "RCPT TO", 451, "Try later")).class, "retry");
  assert.equal(ch.classifyError(err("EENVELOPE", "MAIL FROM", 550, "Bad sender")).class, "server");
  assert.deepEqual(ch.classifyError(err("EAUTH", "AUTH PLAIN", 535, "Login s3cret failed")), {
    class: "server",
    message: "Login *** failed (EAUTH, AUTH PLAIN)",
  });
});

import assert from "node:assert/strict";
import { alertEnv, flipTarget, inbox, sleep, until } from "./_env.ts";
import { SQLITE_ONLY, sqliteDb } from "../_helpers/core.ts";

Deno.test("one DOWN and one RECOVERED email per outage, to the right lists, nothing below the threshold", async () => {
  await using env = await alertEnv();
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Main Ecommerce Server",
    url: target.url,
    failure_threshold: 2,
    alert_emails: ["alert@example.test", "ADMIN@example.test"],
    recovery_emails: ["recovery@example.test"],
  });
  assert.equal((await env.service.checkNow(m.id)).state.state, "up");

  // Flapping within the threshold: one failure, then a success. Nothing is queued or sent.
  target.status = 502;
  assert.equal((await env.service.checkNow(m.id)).state.state, "pending");
  target.status = 200;
  await env.service.checkNow(m.id);
  await sleep(300);
  assert.equal(env.smtp.messages.length, 0);
  assert.deepEqual(await env.alerts.list(), []);

  // A real outage: two failures in a row.
  target.status = 502;
  await env.service.checkNow(m.id);
  const down = await env.service.checkNow(m.id);
  assert.equal(down.transition?.kind, "down");
  await env.smtp.waitForMessages(2);
  await env.service.checkNow(m.id); // still down: no new email
  await sleep(300);
  // The admin is also on the alert list in other case: one email, not two.
  assert.deepEqual(inbox(env.smtp), [
    "ADMIN@example.test [DOWN] Main Ecommerce Server — HTTP 502",
    "alert@example.test [DOWN] Main Ecommerce Server — HTTP 502",
  ]);
  const mail = env.smtp.messages[0];
  assert.equal(mail.secure, true, "sent over STARTTLS");
  assert.ok(mail.text.includes("Status code:   502"), mail.text);
  assert.ok(mail.text.includes("Error:         HTTP 502 Bad Gateway, expected 200"));
  assert.ok(mail.text.includes("Checks:        2 of 2 failed checks"));
  assert.ok(mail.text.includes(`URL:           ${target.url}`));
  assert.ok(mail.text.includes(`http://dash.test/monitors/${m.id}`));
  assert.ok(mail.html.includes(`href="http://dash.test/monitors/${m.id}"`));

  target.status = 200;
  assert.equal((await env.service.checkNow(m.id)).transition?.kind, "recovered");
  await env.smtp.waitForMessages(4);
  await env.service.checkNow(m.id);
  await sleep(300);
  const lines = inbox(env.smtp);
  assert.equal(lines.length, 4);
  assert.match(
    lines.find((l) => l.startsWith("recovery@"))!,
    /^recovery@example\.test \[RECOVERED\] Main Ecommerce Server — down for \d+s$/,
  );
  // The recovery list does not name the admin, so the admin's own spelling is used.
  assert.ok(lines.some((l) => l.startsWith("admin@example.test [RECOVERED]")), lines.join("\n"));

  const rows = await env.alerts.list();
  assert.equal(rows.length, 4);
  for (const r of rows) {
    assert.equal(r.status, "sent");
    assert.equal(r.attempts, 1);
    assert.match(r.response ?? "", /^250 /);
  }
  assert.deepEqual(rows.map((r) => r.kind).sort(), ["down", "down", "recovered", "recovered"]);
});

Deno.test("SMTP down during the outage: retried with backoff and delivered once it is back", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
  });
  await env.smtp.stop();
  target.status = 503;
  const started = Date.now();
  await env.service.checkNow(m.id);
  const failing = await until(
    // attempts counts claims, so also wait for the second failure to be recorded.
    async () => (await env.alerts.list()).find((r) => r.attempts >= 2 && r.status === "pending"),
    "two failed attempts",
  );
  assert.equal(failing.status, "pending");
  assert.match(failing.lastError ?? "", /ECONNREFUSED/);
  assert.ok(failing.nextAttemptAt > started);
  assert.equal((await env.alerts.status()).lastError, failing.lastError);

  await env.smtp.restart();
  const [mail] = await env.smtp.waitForMessages(1);
  assert.equal(mail.subject, "[DOWN] Shop — HTTP 503");
  const row = await until(
    async () => (await env.alerts.list()).find((r) => r.status === "sent"),
    "sent row",
  );
  assert.ok(row.attempts >= 3, `attempts ${row.attempts}`);
  await sleep(300);
  assert.equal(env.smtp.messages.length, 1);
});

Deno.test("a failing SMTP server never stalls checks, and stop() is bounded by its timeouts", async () => {
  // A server that accepts TCP and never greets: the worst case for a sender.
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    try {
      for await (const c of silent) held.push(c);
    } catch { /* closed */ }
  })();
  try {
    await using env = await alertEnv({
      adminEmail: null,
      email: { port: (silent.addr as Deno.NetAddr).port },
      tuning: { smtp: { greetingTimeoutMs: 1500, connectionTimeoutMs: 1500 } },
    });
    await using target = await flipTarget();
    const m = await env.monitor({
      name: "Shop",
      url: target.url,
      alert_emails: ["ops@example.test"],
    });
    target.status = 500;
    await env.service.checkNow(m.id);
    await until(() => held.length > 0, "the sender to connect");
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await env.service.checkNow(m.id);
      assert.ok(performance.now() - t0 < 500, "a check waited for SMTP");
    }
    const t0 = performance.now();
    await env.alerts.stop();
    assert.ok(performance.now() - t0 < 3000, "stop() waited too long");
    const [row] = await env.alerts.list();
    assert.equal(row.status, "pending");
    assert.match(row.lastError ?? "", /Greeting never received \(ETIMEDOUT, CONN\)/);
  } finally {
    silent.close();
    await accepting;
    for (const c of held) {
      try {
        c.close();
      } catch { /* closed by the peer */ }
    }
  }
});

Deno.test("alerts are given up after ALERT_MAX_AGE_HOURS and shown as failed", async () => {
  let offset = 0;
  await using env = await alertEnv({
    adminEmail: null,
    alertMaxAgeHours: 1,
    tuning: { now: () => Date.now() + offset },
  });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
  });
  await env.smtp.stop();
  target.status = 500;
  await env.service.checkNow(m.id);
  await until(async () => (await env.alerts.list())[0]?.attempts >= 1, "a first attempt");
  offset = 2 * 3_600_000;
  const row = await until(
    async () => (await env.alerts.list()).find((r) => r.status === "failed"),
    "the row to be given up",
  );
  assert.match(row.lastError ?? "", /^Gave up after \d+ attempt\(s\) in 1 h: .*ECONNREFUSED/);
  assert.equal((await env.alerts.status()).counts.failed, 1);
  await env.smtp.restart();
  await sleep(300);
  assert.equal(env.smtp.messages.length, 0);
});

Deno.test("without EMAIL_HOST alerts are recorded as skipped and status() says why", async () => {
  await using env = await alertEnv({ disabled: true });
  await using target = await flipTarget();
  const m = await env.monitor({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
  });
  target.status = 500;
  await env.service.checkNow(m.id);
  const s = await env.alerts.status();
  assert.equal(s.enabled, false);
  assert.equal(s.message, "disabled: EMAIL_HOST is not set");
  const rows = await env.alerts.list();
  assert.deepEqual(rows.map((r) => [r.channel, r.target, r.status, r.lastError]).sort(), [
    ["email", "admin@example.test", "skipped", "EMAIL_HOST is not set"],
    ["email", "ops@example.test", "skipped", "EMAIL_HOST is not set"],
  ]);
  await assert.rejects(env.alerts.sendTest("me@example.test"), /EMAIL_HOST is not set/);
  await sleep(200);
  assert.equal(env.smtp.messages.length, 0);
});

Deno.test("status() describes the SMTP server without its password", async () => {
  await using env = await alertEnv();
  const s = await env.alerts.status();
  assert.equal(s.enabled, true);
  assert.equal(
    s.message,
    `enabled: 127.0.0.1:${env.smtp.port} (STARTTLS), from health@example.test`,
  );
  assert.ok(!JSON.stringify(s).includes(env.smtp.pass));
});

Deno.test({
  name: "an alert whose message cannot be built is marked failed and does not block the others",
  // Bad data can only get into the table by writing SQL past the store.
  ignore: SQLITE_ONLY,
  fn: async () => {
    await using env = await alertEnv({ adminEmail: null });
    await using target = await flipTarget();
    const broken = await env.monitor({
      name: "Broken",
      url: target.url,
      alert_emails: ["a@example.test"],
    });
    const fine = await env.monitor({
      name: "Fine",
      url: target.url,
      alert_emails: ["b@example.test"],
    });
    await env.smtp.stop();
    target.status = 500;
    await env.service.checkNow(broken.id);
    await env.service.checkNow(fine.id);
    // Bad data in the first queued row's monitor: loading it throws when the sender builds the mail.
    sqliteDb(env).prepare("UPDATE monitors SET alert_emails = 'not json' WHERE id = ?").run(
      broken.id,
    );
    await env.smtp.restart();
    const [mail] = await env.smtp.waitForMessages(1);
    assert.equal(mail.subject, "[DOWN] Fine — HTTP 500");
    const row = await until(
      async () =>
        (await env.alerts.list()).find((r) => r.monitorId === broken.id && r.status === "failed"),
      "the broken row marked failed",
    );
    assert.match(row.lastError ?? "", /Could not build the message/);
  },
});

Deno.test("alert emails never show credentials embedded in a monitor URL", async () => {
  await using env = await alertEnv({ adminEmail: null });
  await using target = await flipTarget();
  const url = target.url.replace("http://", "http://probe:s3cret-pw@");
  const m = await env.monitor({ name: "Shop", url, alert_emails: ["ops@example.test"] });
  target.status = 500;
  await env.service.checkNow(m.id);
  const [mail] = await env.smtp.waitForMessages(1);
  assert.doesNotMatch(mail.text + mail.html, /s3cret-pw/);
  assert.match(mail.text, /http:\/\/\*\*\*@127\.0\.0\.1/);
});

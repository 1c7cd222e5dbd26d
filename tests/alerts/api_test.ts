import assert from "node:assert/strict";
import { createRuntime } from "../../runtime.ts";
import type { EmailConfig } from "../../monitor/config.ts";
import { createApp } from "../../routes/app.ts";
import { tempDir, testConfig } from "../_helpers/core.ts";
import { type SmtpFixture, startSmtpServer } from "../_helpers/smtp.ts";
import { FAST, flipTarget } from "./_env.ts";

type Json = Record<string, unknown>;

/** A runtime (not started) on a temp database whose email points at `smtp`, plus its app. */
async function setup(smtp: SmtpFixture, email: Partial<EmailConfig> = {}) {
  const dir = await tempDir();
  const base = testConfig(dir.path, { BASE_URL: "http://dash.test" });
  const rt = await createRuntime(
    { ...base, email: { ...smtp.emailConfig(), adminEmail: "admin@example.test", ...email } },
    { cron: false, alerts: { ...FAST, smtp: smtp.smtpOptions } },
  );
  const app = createApp(rt);
  const { token } = await rt.accounts.createToken("tests");
  const call = async (method: string, path: string, body?: unknown, auth = true) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (auth) headers.authorization = `Bearer ${token}`;
    const res = await app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Json };
  };
  return {
    rt,
    call,
    async [Symbol.asyncDispose]() {
      await rt.stop();
      await dir[Symbol.asyncDispose]();
    },
  };
}

Deno.test("GET /api/v1/alerts needs the token and lists rows with status, attempts and errors", async () => {
  await using smtp = await startSmtpServer();
  await using s = await setup(smtp);
  await using target = await flipTarget();
  assert.equal((await s.call("GET", "/api/v1/alerts", undefined, false)).status, 401);

  const m = await s.rt.service.create({
    name: "Shop",
    url: target.url,
    alert_emails: ["ops@example.test"],
  });
  target.status = 502;
  const { transition } = await s.rt.service.checkNow(m.id);
  const r = await s.call("GET", "/api/v1/alerts");
  assert.equal(r.status, 200);
  const email = r.json.email as Json;
  assert.equal(email.enabled, true);
  assert.match(email.status as string, /^enabled: 127\.0\.0\.1:\d+ \(STARTTLS\)/);
  const alerts = r.json.alerts as Json[];
  assert.equal(alerts.length, 2);
  const ops = alerts.find((a) => a.recipient === "ops@example.test")!;
  assert.deepEqual(
    { ...ops, id: 0, created_at: "", next_attempt_at: "" },
    {
      id: 0,
      monitor_id: m.id,
      monitor: "Shop",
      incident_id: transition!.incident.id,
      kind: "down",
      reminder: null,
      channel: "email",
      recipient: "ops@example.test",
      status: "pending",
      grouped_into_incident_id: null,
      subject: null,
      attempts: 0,
      last_error: null,
      response: null,
      created_at: "",
      next_attempt_at: "",
      sent_at: null,
    },
  );
  assert.match(ops.next_attempt_at as string, /^\d{4}-\d\d-\d\dT/);

  const filtered = await s.call("GET", `/api/v1/alerts?status=sent&monitor_id=${m.id}`);
  assert.deepEqual(filtered.json.alerts, []);
  const bad = await s.call("GET", "/api/v1/alerts?status=nope");
  assert.equal(bad.status, 400);
  assert.match(bad.json.error as string, /status must be one of pending, sending, sent/);
  assert.equal((await s.call("GET", "/api/v1/alerts?limit=0")).status, 400);
});

Deno.test("POST /api/v1/test-email sends through the configured server", async () => {
  await using smtp = await startSmtpServer();
  await using s = await setup(smtp);
  const r = await s.call("POST", "/api/v1/test-email", { to: "me@example.test" });
  assert.equal(r.status, 200);
  assert.equal(r.json.sent, true);
  assert.match(r.json.response as string, /^250 /);
  const [mail] = await smtp.waitForMessages(1);
  assert.deepEqual(mail.to, ["me@example.test"]);
  assert.equal(mail.subject, "Server Health Checker test email");

  const bad = await s.call("POST", "/api/v1/test-email", { to: "not an address" });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.json.fields, { to: "Not a valid email address: not an address" });
  assert.equal((await s.call("POST", "/api/v1/test-email", {})).status, 422);
  assert.equal((await s.call("POST", "/api/v1/test-email", undefined, false)).status, 401);
});

Deno.test("POST /api/v1/test-email reports the server's exact error (wrong password → 502)", async () => {
  await using smtp = await startSmtpServer();
  await using s = await setup(smtp, { password: "definitely-wrong" });
  const r = await s.call("POST", "/api/v1/test-email", { to: "me@example.test" });
  assert.equal(r.status, 502);
  assert.equal(
    r.json.error,
    "Cannot send a test email: Invalid login: 535 Invalid username or password (EAUTH, AUTH PLAIN)",
  );
  assert.equal(r.json.code, "EAUTH");
  assert.equal(r.json.response_code, 535);
  assert.ok(!JSON.stringify(r.json).includes("definitely-wrong"));
  assert.equal(smtp.messages.length, 0);
});

Deno.test("POST /api/v1/test-email without EMAIL_HOST is a 422 saying so", async () => {
  await using smtp = await startSmtpServer();
  await using s = await setup(smtp, { host: null });
  const r = await s.call("POST", "/api/v1/test-email", { to: "me@example.test" });
  assert.equal(r.status, 422);
  assert.equal(r.json.error, "Cannot send a test email: EMAIL_HOST is not set");
  const list = await s.call("GET", "/api/v1/alerts");
  assert.equal((list.json.email as Json).status, "disabled: EMAIL_HOST is not set");
});

Deno.test("saving a monitor with a bad recipient address is refused with a field message", async () => {
  await using smtp = await startSmtpServer();
  await using s = await setup(smtp);
  const r = await s.call("POST", "/api/v1/monitors", {
    name: "Shop",
    url: "https://shop.example.com/",
    alert_emails: ["ops@example.test", "not-an-email"],
    recovery_emails: ["a@b@c"],
  });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.fields, {
    alert_emails: "Not a valid email address: not-an-email",
    recovery_emails: "Not a valid email address: a@b@c",
  });
});

import assert from "node:assert/strict";
import { createMailer, describeSmtpError, sendTestEmail } from "../../monitor/alerts/smtp.ts";
import { startSmtpServer } from "../_helpers/smtp.ts";
import { loadConfig } from "../../monitor/config.ts";
import { closedPort, startTcpTarget } from "../_helpers/targets.ts";

const mail = {
  to: "ops@example.test",
  subject: "[DOWN] Shop — HTTP 502",
  text: "Hello — ü",
  html: "<p>Hello — ü</p>",
};

Deno.test("createMailer() sends over STARTTLS with AUTH, verifying the trusted certificate", async () => {
  await using smtp = await startSmtpServer();
  const mailer = createMailer(smtp.emailConfig(), smtp.smtpOptions);
  try {
    const info = await mailer.send({ ...mail, messageId: "<alert.1.2@example.test>" });
    assert.match(info.response, /^250 /);
  } finally {
    mailer.close();
  }
  const [m] = await smtp.waitForMessages(1);
  assert.equal(m.subject, "[DOWN] Shop — HTTP 502");
  assert.deepEqual(m.to, ["ops@example.test"]);
  assert.equal(m.from, "health@example.test");
  assert.equal(m.secure, true);
  assert.equal(m.user, smtp.user);
  assert.equal(m.text.trim(), "Hello — ü");
  assert.equal(m.html.trim(), "<p>Hello — ü</p>");
  assert.equal(m.headers.get("message-id"), "<alert.1.2@example.test>");
  assert.equal(m.headers.get("auto-submitted"), "auto-generated");
  assert.match(m.headers.get("from") ?? "", /Server Health Checker/);
});

Deno.test("describeSmtpError(): what each real server failure means for retries", async (t) => {
  await using smtp = await startSmtpServer();
  const attempt = async (config = smtp.emailConfig(), opts = smtp.smtpOptions) => {
    const mailer = createMailer(config, opts);
    try {
      await mailer.send(mail);
      throw new Error("expected a failure");
    } catch (err) {
      return describeSmtpError(err, [config.password]);
    } finally {
      mailer.close();
    }
  };

  await t.step("wrong password: EAUTH 535, server-level, password never shown", async () => {
    const f = await attempt(smtp.emailConfig({ password: "hunter2-wrong" }));
    assert.equal(f.code, "EAUTH");
    assert.equal(f.responseCode, 535);
    assert.equal(f.serverLevel, true);
    assert.equal(f.permanent, false);
    assert.match(
      f.message,
      /Invalid login: 535 Invalid username or password \(EAUTH, AUTH PLAIN\)/,
    );
    assert.ok(!f.message.includes("hunter2-wrong"));
  });

  await t.step("certificate not trusted: ESOCKET on CONN", async () => {
    const f = await attempt(smtp.emailConfig(), { ...smtp.smtpOptions, ca: undefined });
    assert.equal(f.code, "ESOCKET");
    assert.equal(f.command, "CONN");
    assert.match(f.message, /self-signed certificate/);
    assert.equal(f.serverLevel, true);
  });

  await t.step("implicit TLS against a STARTTLS port: a TLS error, server-level", async () => {
    const f = await attempt(smtp.emailConfig({ useTls: false, useSsl: true }));
    assert.equal(f.serverLevel, true);
    assert.ok(f.code === "ESOCKET" || f.code === "ETIMEDOUT", f.message);
  });

  await t.step("recipient refused with 550: permanent, not server-level", async () => {
    smtp.failures.rejectRecipients.add("ops@example.test");
    const f = await attempt();
    smtp.failures.rejectRecipients.clear();
    assert.equal(f.code, "EENVELOPE");
    assert.equal(f.responseCode, 550);
    assert.equal(f.permanent, true);
    assert.equal(f.serverLevel, false);
  });

  await t.step("451 after DATA: temporary, retried", async () => {
    smtp.failures.tempFailData = true;
    const f = await attempt();
    smtp.failures.tempFailData = false;
    assert.equal(f.responseCode, 451);
    assert.equal(f.permanent, false);
  });

  await t.step("connection refused: ESOCKET/ECONNECTION on CONN", async () => {
    const f = await attempt(smtp.emailConfig({ port: closedPort() }));
    assert.equal(f.command, "CONN");
    assert.match(f.message, /ECONNREFUSED/);
    assert.equal(f.serverLevel, true);
  });

  await t.step("no greeting: ETIMEDOUT after the greeting timeout", async () => {
    await using silent = await startTcpTarget(() => {});
    const started = Date.now();
    const f = await attempt(smtp.emailConfig({ port: silent.port }), {
      ...smtp.smtpOptions,
      greetingTimeoutMs: 300,
    });
    assert.equal(f.code, "ETIMEDOUT");
    assert.match(f.message, /Greeting never received/);
    assert.ok(Date.now() - started < 3000);
  });
});

Deno.test("sendTestEmail() says which server and mode it used", async () => {
  await using smtp = await startSmtpServer();
  const config = smtp.emailConfig();
  const mailer = createMailer(config, smtp.smtpOptions);
  try {
    await sendTestEmail(mailer, config, "me@example.test");
  } finally {
    mailer.close();
  }
  const [m] = await smtp.waitForMessages(1);
  assert.equal(m.subject, "Server Health Checker test email");
  assert.match(m.text, new RegExp(`SMTP server: 127\\.0\\.0\\.1:${smtp.port} \\(STARTTLS\\)`));
});

Deno.test('DEFAULT_FROM_EMAIL="Name <address>" sends from the bare address with the name in From:', async () => {
  await using smtp = await startSmtpServer();
  const config = loadConfig({
    DEFAULT_FROM_EMAIL: "Ops Team <alerts@example.test>",
    ADMIN_EMAIL: "On Call <oncall@example.test>",
  });
  assert.equal(config.email.from, "alerts@example.test");
  assert.equal(config.email.fromName, "Ops Team");
  assert.equal(config.email.adminEmail, "oncall@example.test");
  const mailer = createMailer(
    smtp.emailConfig({ from: config.email.from, fromName: config.email.fromName }),
    smtp.smtpOptions,
  );
  try {
    await mailer.send(mail);
  } finally {
    mailer.close();
  }
  const [m] = await smtp.waitForMessages(1);
  assert.equal(m.from, "alerts@example.test");
  assert.match(m.headers.get("from") ?? "", /^"?Ops Team"? <alerts@example\.test>$/);
});

Deno.test("describeSmtpError(): a refused sender is retried like a server failure, a refused recipient is final", () => {
  const sender = describeSmtpError(
    Object.assign(new Error("Mail command failed: 553 Sender rejected"), {
      code: "EENVELOPE",
      command: "MAIL FROM",
      responseCode: 553,
    }),
  );
  assert.equal(sender.permanent, false);
  assert.equal(sender.serverLevel, true);
  const recipient = describeSmtpError(
    Object.assign(new Error("Recipient command failed: 550 No such user"), {
      code: "EENVELOPE",
      command: "RCPT TO",
      responseCode: 550,
    }),
  );
  assert.equal(recipient.permanent, true);
  assert.equal(recipient.serverLevel, false);
});

/** Settings: email status without the password, test email, outbox, and API tokens. */
import assert from "node:assert/strict";
import { webFixture } from "../_helpers/web.ts";
import { startSmtpServer } from "../_helpers/smtp.ts";

Deno.test("the settings page shows the email configuration but never the password", async () => {
  await using f = await webFixture({
    env: {
      EMAIL_HOST: "smtp.example.com",
      EMAIL_PORT: "465",
      EMAIL_USE_SSL: "true",
      EMAIL_HOST_USER: "mailer",
      EMAIL_HOST_PASSWORD: "hunter2-very-secret",
      DEFAULT_FROM_EMAIL: "monitor@example.com",
      ADMIN_EMAIL: "admin@example.com",
    },
  });
  const c = await f.login();
  const { res, text } = await c.get("/settings");
  assert.equal(res.status, 200);
  for (
    const shown of ["smtp.example.com", "465", "implicit TLS", "mailer", "monitor@example.com"]
  ) {
    assert.ok(text.includes(shown), shown);
  }
  assert.match(text, /name="to" type="email" value="admin@example.com"/);
  assert.doesNotMatch(text, /hunter2/);
  assert.match(text, /Alert outbox/);
  assert.match(text, /enabled: smtp.example.com:465 \(implicit TLS\)/);
});

Deno.test("without EMAIL_HOST the page says alerts are off and a test email explains why", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const page = await c.get("/settings");
  assert.match(page.text, /Not configured/);
  assert.match(page.text, /disabled: EMAIL_HOST is not set/);
  // The disabled button says why, visibly and to assistive technology.
  const button = /<button[^>]*>\s*Send test email\s*<\/button>/.exec(page.text)?.[0] ?? "";
  assert.match(button, /disabled/);
  assert.match(button, /aria-describedby="test-email-why"/);
  assert.match(button, /title="Email is off: EMAIL_HOST is not set"/);
  assert.match(
    page.text,
    /<p class="hint" id="test-email-why">Email is off: EMAIL_HOST is not set<\/p>/,
  );
  const sent = await c.post("/settings/test-email", { to: "me@example.com" });
  assert.equal(sent.res.status, 303);
  const after = await c.get("/settings");
  assert.match(
    after.text,
    /class="flash flash-error"><p>Cannot send a test email: EMAIL_HOST is not set/,
  );
});

Deno.test("an API token is shown once after creation, listed by prefix, and can be revoked", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const created = await c.post("/settings/tokens", { name: "grafana" });
  assert.equal(created.res.status, 303);
  const once = await c.get("/settings");
  const token = /<code class="secret" tabindex="0">(shc_[\w-]+)<\/code>/.exec(once.text)?.[1];
  assert.ok(token, "the token is shown");
  assert.ok(await f.rt.accounts.verifyToken(token!), "and it works");
  const again = await c.get("/settings");
  assert.doesNotMatch(again.text, new RegExp(token!), "shown only once");
  assert.match(again.text, new RegExp(`<code>${token!.slice(0, 10)}…</code>`));

  const api = await f.app.request("/api/v1/monitors", {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(api.status, 200);

  const id = (await f.rt.accounts.listTokens())[0].id;
  assert.equal((await c.post(`/settings/tokens/${id}/revoke`)).res.status, 303);
  assert.equal((await f.rt.accounts.listTokens()).length, 0);
  assert.match((await c.get("/settings")).text, /Token revoked\./);

  const bad = await c.post("/settings/tokens", { name: "" });
  assert.equal(bad.res.status, 303);
  assert.match((await c.get("/settings")).text, /Token name must be 1-100 characters/);
});

Deno.test("a test email goes out through the configured SMTP server", async () => {
  await using smtp = await startSmtpServer();
  await using f = await webFixture({
    configure: (c) => ({
      ...c,
      email: { ...smtp.emailConfig(), adminEmail: "admin@example.test" },
    }),
    alerts: { smtp: smtp.smtpOptions },
  });
  const c = await f.login();
  const page = await c.get("/settings");
  assert.match(page.text, /<span class="mini mini-up">Configured<\/span>/);
  const sent = await c.post("/settings/test-email", { to: "me@example.test" });
  assert.equal(sent.res.status, 303);
  const [mail] = await smtp.waitForMessages(1);
  assert.deepEqual(mail.to, ["me@example.test"]);
  assert.match((await c.get("/settings")).text, /Test email sent to me@example.test: 250/);

  const bad = await c.post("/settings/test-email", { to: "not an address" });
  assert.equal(bad.res.status, 303);
  assert.match((await c.get("/settings")).text, /Not a valid email address: not an address/);
});

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

Deno.test("the outbox pages by 20 rows, plain and with htmx, and clips long text with a tooltip", async () => {
  const down = {
    ok: false,
    latencyMs: 1,
    httpStatus: null,
    errorKind: "connection_refused" as const,
    errorMessage: "Connection refused",
  };
  await using f = await webFixture({ probe: () => Promise.resolve(down) });
  const m = await f.rt.service.create({
    name: "Shop",
    url: "https://shop.example/",
    failure_threshold: 1,
  });
  await f.rt.service.checkNow(m.id);
  const [incident] = await f.rt.service.incidents(m.id, 1);
  const long = `${"very-long-recipient-name".repeat(6)}@example.com`;
  for (let n = 0; n < 45; n++) {
    await f.rt.store.outbox.insert({
      monitorId: m.id,
      incidentId: incident.id,
      kind: "down",
      seq: 0,
      channel: "email",
      target: n === 44 ? long : `r${n}@example.com`,
      status: "skipped",
      groupedInto: null,
      checkId: null,
      failures: 1,
      threshold: 1,
      lastError: n === 44 ? "x".repeat(600) : null,
      createdAt: 1_000 + n,
      nextAttemptAt: 1_000 + n,
    });
  }
  const c = await f.login();
  const rowsOf = (html: string) => html.split('id="outbox"')[1].match(/<tr>/g)!.length - 1;
  const first = (await c.get("/settings")).text;
  assert.equal(rowsOf(first), 20);
  assert.match(first, new RegExp(`<span class="clip" title="${long}">${long}</span>`));
  assert.match(first, /<table class="table outbox-table">/);
  assert.match(first, /rel="next" href="\/settings\?outbox_page=2#outbox"/);
  assert.doesNotMatch(first, /rel="prev"/);
  const second = (await c.get("/settings?outbox_page=2")).text;
  assert.equal(rowsOf(second), 20);
  assert.match(second, /rel="prev" href="\/settings#outbox"/);
  assert.match(second, /Page 2/);
  const third = await c.get("/settings?outbox_page=3", { htmx: true });
  assert.equal(rowsOf(third.text), 5);
  assert.doesNotMatch(third.text, /rel="next"/);
  assert.match(third.text, /hx-get="\/settings\?outbox_page=2" hx-select="#outbox"/);
  // Nonsense falls back to the first page.
  assert.equal(rowsOf((await c.get("/settings?outbox_page=-1")).text), 20);
});

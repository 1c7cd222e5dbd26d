/**
 * TLS certificate expiry end to end: a real local HTTPS server whose certificate expires in 5
 * days, the real probe (which reads the certificate on its own connection), recorder, outbox
 * and SMTP server.
 */
import assert from "node:assert/strict";
import { alertEnv, inbox, sleep } from "./_env.ts";
import { selfSignedCert, startTarget } from "../_helpers/targets.ts";

Deno.test("an https target whose certificate expires in 5 days: recorded, warned once (7 days), shown", async () => {
  await using env = await alertEnv({ adminEmail: null });
  const tls = await selfSignedCert("leaf", 5);
  await using target = await startTarget(() => new Response("ok"), { tls });
  const m = await env.monitor({
    name: "Shop TLS",
    url: target.url,
    // Self-signed, so the request itself is told to accept it; the expiry is still read.
    ignore_tls_errors: true,
    alert_emails: ["ops@example.test"],
  });
  assert.deepEqual(m.certExpiryDays, [30, 14, 7, 1]);

  const first = await env.service.checkNow(m.id);
  assert.equal(first.check.ok, true, JSON.stringify(first.check));
  const view = await env.service.get(m.id);
  assert.equal(view.status, "up", "an expiring certificate does not make the site DOWN");
  const cert = view.certificate!;
  assert.equal(cert.subject, "localhost");
  assert.equal(cert.issuer, "localhost");
  const daysLeft = (cert.validTo - Date.now()) / 86_400_000;
  assert.ok(daysLeft > 4.9 && daysLeft <= 5, `${daysLeft}`);
  assert.match(cert.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

  // More checks of the same certificate: no second warning.
  await env.service.checkNow(m.id);
  await env.service.checkNow(m.id);
  await env.smtp.waitForMessages(1);
  await sleep(400);
  assert.deepEqual(inbox(env.smtp), [
    "ops@example.test [CERTIFICATE] Shop TLS — TLS certificate expires in 5 days",
  ]);
  const mail = env.smtp.messages[0];
  assert.match(mail.text, /The TLS certificate of Shop TLS expires in 5 days\./);
  assert.match(mail.text, /Issuer: +localhost/);
  assert.match(mail.text, /Warning: +7 days before expiry/);
  const rows = (await env.store.outbox.list()).filter((r) => r.monitorId === m.id);
  assert.deepEqual(rows.map((r) => [r.kind, r.seq, r.status]), [["warning", 7, "sent"]]);
  const incidents = await env.service.incidents(m.id);
  assert.deepEqual(incidents.map((i) => [i.type, i.errorKind, i.endedAt]), [
    ["certificate", "certificate_expiry", null],
  ]);

  // A restart does not warn again for the same certificate.
  await env.reopen();
  await env.service.checkNow(m.id);
  await sleep(400);
  assert.equal(env.smtp.messages.length, 1);
});

Deno.test("warnings off for a monitor: the certificate is recorded, nothing is sent", async () => {
  await using env = await alertEnv({ adminEmail: null });
  const tls = await selfSignedCert("leaf", 5);
  await using target = await startTarget(() => new Response("ok"), { tls });
  const m = await env.monitor({
    name: "Quiet",
    url: target.url,
    ignore_tls_errors: true,
    cert_expiry_days: "",
    alert_emails: ["ops@example.test"],
  });
  assert.deepEqual(m.certExpiryDays, []);
  await env.service.checkNow(m.id);
  assert.notEqual((await env.service.get(m.id)).certificate, null);
  await sleep(400);
  assert.equal(env.smtp.messages.length, 0);
});

Deno.test("an untrusted certificate is DOWN (tls) and its expiry is still recorded", async () => {
  await using env = await alertEnv({ adminEmail: null });
  const tls = await selfSignedCert("leaf", 40);
  await using target = await startTarget(() => new Response("ok"), { tls });
  const m = await env.monitor({ name: "Strict", url: target.url });
  const rec = await env.service.checkNow(m.id);
  assert.deepEqual([rec.check.ok, rec.check.errorKind], [false, "tls"]);
  const cert = (await env.service.get(m.id)).certificate;
  assert.ok(cert && cert.validTo > Date.now() + 39 * 86_400_000);
});

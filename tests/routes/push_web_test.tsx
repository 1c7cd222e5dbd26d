/**
 * Push monitors in the dashboard: created through the plain form (no JS), the monitor page shows
 * the ping URL and curl examples, regenerate needs the CSRF token, and the overview never shows
 * the secret.
 */
import assert from "node:assert/strict";
import { webFixture } from "../_helpers/web.ts";
import { newMonitorFormValues } from "../../monitor/monitor_fields.ts";

Deno.test("dashboard: create a push monitor by form, see its ping URL and curl lines, regenerate", async () => {
  await using f = await webFixture({ env: { BASE_URL: "https://health.example.com" } });
  const c = await f.login();
  await c.get("/monitors/new");
  const form = {
    ...newMonitorFormValues(),
    name: "Nightly backup",
    url: "",
    kind: "push",
    schedule: "cron",
    cron: "0 3 * * *",
    timezone: "Europe/Berlin",
    grace_s: "900",
  };
  const bad = await c.post("/monitors", { ...form, timezone: "Nowhere/Land" });
  assert.equal(bad.res.status, 422);
  assert.match(bad.text, /Not a known IANA time zone/);
  const created = await c.post("/monitors", form);
  assert.equal(created.res.status, 303, created.text.slice(0, 500));
  const id = Number(/\/monitors\/(\d+)/.exec(created.res.headers.get("location")!)![1]);
  const m = (await f.rt.service.get(id)).monitor;
  assert.deepEqual([m.kind, m.pushCron, m.pushTimezone, m.pushGraceS], [
    "push",
    "0 3 * * *",
    "Europe/Berlin",
    900,
  ]);
  const token = (await f.rt.store.pushes.get(id))!.token;
  const url = `https://health.example.com/ping/${token}`;

  const page = await c.get(`/monitors/${id}`);
  assert.equal(page.res.status, 200);
  assert.ok(page.text.includes(`<code id="ping-url" class="copyable">${url}</code>`));
  assert.ok(page.text.includes(`curl -fsS -m 10 --retry 5 -o /dev/null ${url}`));
  assert.ok(page.text.includes(`${url}/start; /usr/local/bin/backup.sh;`));
  assert.ok(page.text.includes(`${url}/$?`));
  assert.match(page.text, /Next ping expected/);
  assert.ok(!page.text.includes('id="btn-check"'), "nothing to check now");

  // The overview lists it as a push monitor, never with its secret.
  const overview = await c.get("/");
  assert.match(overview.text, /Nightly backup/);
  assert.ok(!overview.text.includes(token), "the token is not on the overview");
  assert.match(overview.text, /push · pinged by its job/);

  // Regenerate: refused without the CSRF token, works with it.
  const forged = await c.post(`/monitors/${id}/ping_token`, {}, { noCsrf: true });
  assert.equal(forged.res.status, 403);
  assert.equal((await f.rt.store.pushes.get(id))!.token, token);
  const regen = await c.post(`/monitors/${id}/ping_token`);
  assert.equal(regen.res.status, 303);
  const fresh = (await f.rt.store.pushes.get(id))!.token;
  assert.notEqual(fresh, token);
  assert.ok((await c.get(`/monitors/${id}`)).text.includes(fresh));

  // Signed out: no page, no token.
  const anon = await f.anonymous().get(`/monitors/${id}`);
  assert.ok(!anon.text.includes(fresh));
});

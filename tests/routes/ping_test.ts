/**
 * The ping endpoints over real HTTP: success, start → success duration, fail, exit codes,
 * unknown tokens, HEAD and POST, a bounded body, regenerated tokens, API validation, /metrics,
 * and a restart that keeps the deadlines (no false alert, no missed one).
 */
import assert from "node:assert/strict";
import { ping, pushEnv } from "../_helpers/push.ts";
import { sleep, waitFor } from "../_helpers/core.ts";

Deno.test("ping endpoints: success, start→success duration, fail, exit codes, HEAD, POST, 404s", async () => {
  await using env = await pushEnv();
  const created = await env.api("POST", "/monitors", { name: "Job", kind: "push", grace_s: 60 });
  assert.equal(created.status, 201);
  const id = created.json.id as number;
  const url = await env.pingUrl(id);
  const last = async () => (await env.rt.service.checks(id, 1))[0];

  assert.deepEqual(await ping(`${url}/start`), { status: 200, text: "OK" });
  assert.equal((await env.rt.service.checks(id, 5)).length, 0, "a start alone is not a check");
  assert.notEqual((await env.rt.store.pushes.get(id))!.startedAt, null);
  await sleep(250);
  assert.deepEqual(await ping(url), { status: 200, text: "OK" });
  const ok = await last();
  assert.equal(ok.ok, true);
  assert.ok(ok.latencyMs >= 250 && ok.latencyMs < 5_000, `duration ${ok.latencyMs}`);
  assert.equal((await env.rt.store.pushes.get(id))!.startedAt, null);
  assert.equal((await env.rt.service.get(id)).status, "up");

  // Without a start, no duration.
  await ping(url);
  assert.equal((await last()).latencyMs, 0);

  assert.equal((await ping(`${url}/fail`)).status, 200);
  assert.deepEqual([(await last()).errorKind, (await last()).errorMessage], [
    "job_failed",
    "job reported failure",
  ]);
  assert.equal((await env.rt.service.get(id)).status, "down");
  await ping(`${url}/0`);
  assert.equal((await last()).ok, true);
  await ping(`${url}/255`);
  assert.equal((await last()).errorMessage, "job reported failure (exit code 255)");

  // HEAD and POST are pings too; a POST body is kept (bounded) as the failure's message.
  const head = await fetch(`${url}/0`, { method: "HEAD" });
  await head.body?.cancel();
  assert.equal(head.status, 200);
  assert.equal((await last()).ok, true);
  const big = "x".repeat(200_000);
  const posted = await ping(`${url}/fail`, { method: "POST", body: `disk full\n${big}` });
  assert.equal(posted.status, 200);
  const msg = (await last()).errorMessage!;
  assert.ok(msg.startsWith("job reported failure: disk full\nxxx"), msg.slice(0, 60));
  assert.ok(msg.length <= 10 * 1024 + 40, `message of ${msg.length} characters`);

  // Unknown token, unknown action, other methods.
  assert.equal((await ping(`${env.url}/ping/AAAAAAAAAAAAAAAAAAAAAAAA`)).status, 404);
  assert.match((await ping(`${env.url}/ping/nope`)).text, /no push monitor/);
  assert.equal((await ping(`${url}/256`)).status, 404);
  assert.equal((await ping(`${url}/log`)).status, 404);
  const count = (await env.rt.service.checks(id, 100)).length;
  assert.notEqual((await ping(url, { method: "DELETE" })).text, "OK", "DELETE is no ping");
  assert.equal((await env.rt.service.checks(id, 100)).length, count);

  // Regenerated: the old URL is dead, the new one works, and the API shows the new one.
  const regen = await env.api("POST", `/monitors/${id}/ping_token`);
  assert.equal(regen.status, 200);
  assert.equal((await ping(url)).status, 404);
  const fresh = await env.pingUrl(id);
  assert.notEqual(fresh, url);
  assert.ok((regen.json.ping_url as string).endsWith(fresh.split("/ping/")[1]));
  assert.equal((await ping(fresh)).status, 200);

  // Paused: pings are answered but ignored.
  const before = (await env.rt.service.checks(id, 100)).length;
  await env.api("PATCH", `/monitors/${id}`, { active: false });
  assert.match((await ping(fresh)).text, /paused/);
  assert.equal((await env.rt.service.checks(id, 100)).length, before);

  // Push checks show in /metrics by monitor id.
  const metrics = await fetch(`${env.url}/metrics`, {
    headers: { authorization: `Bearer ${env.apiToken}` },
  });
  assert.match(await metrics.text(), new RegExp(`shc_checks_total\\{monitor_id="${id}"`));

  // "Check now" has nothing to probe.
  const check = await env.api("POST", `/monitors/${id}/check`);
  assert.equal(check.status, 422, JSON.stringify(check.json));
});

Deno.test("API validation of push monitors names the field", async () => {
  await using env = await pushEnv();
  const bad = async (body: Record<string, unknown>, field: string, re: RegExp) => {
    const r = await env.api("POST", "/monitors", { name: "J", kind: "push", ...body });
    assert.equal(r.status, 422, JSON.stringify(r.json));
    assert.match(JSON.stringify(r.json), new RegExp(`"${field}":"[^"]*${re.source}`));
  };
  await bad({ schedule: "cron", cron: "0 3 * *" }, "cron", /5 fields/);
  await bad(
    { schedule: "cron", cron: "0 3 * * *", timezone: "Europe/Nowhere" },
    "timezone",
    /IANA/,
  );
  await bad({ url: "https://example.com" }, "url", /no URL/);
  const cron = await env.api("POST", "/monitors", {
    name: "Nightly",
    kind: "push",
    schedule: "cron",
    cron: "0 3 * * *",
    timezone: "Europe/Berlin",
  });
  assert.equal(cron.status, 201, JSON.stringify(cron.json));
  assert.equal(cron.json.url, "push://");
  assert.match(cron.json.next_ping_expected_at as string, /T0[12]:00:00\.000Z$/);
  const http = await env.api("POST", "/monitors", {
    name: "Web",
    url: "https://example.com",
    grace_s: 5,
  });
  assert.equal(http.status, 422);
  assert.match(JSON.stringify(http.json), /"grace_s":"Only for push monitors"/);
});

Deno.test("a restart keeps deadlines: no late check before one, the missed one exactly once", async () => {
  await using env = await pushEnv();
  const created = await env.api("POST", "/monitors", {
    name: "Backup",
    kind: "push",
    period_s: 2,
    grace_s: 1,
    alert_emails: ["ops@example.test"],
  });
  const id = created.json.id as number;
  assert.equal((await ping(await env.pingUrl(id))).status, 200);
  const pinged = Date.now();
  await env.restart();
  await sleep(1_500);
  assert.equal((await env.rt.service.get(id)).status, "up", "no false late after a restart");
  await waitFor(async () => (await env.rt.service.get(id)).status === "down", {
    timeoutMs: 5_000,
    message: "the late check after the restart",
  });
  assert.ok(Date.now() - pinged >= 3_000, "not before ping + period + grace");
  const lates = async () =>
    (await env.rt.service.checks(id, 50)).filter((c) => c.errorKind === "late").length;
  assert.equal(await lates(), 1);
  // Restarted again right away: the recorded deadline is not recorded twice.
  await env.restart();
  await sleep(300);
  assert.equal(await lates(), 1);
  await env.smtp.waitForMessages(1);
  await sleep(500);
  const rows = (await env.rt.store.outbox.list()).filter((r) => r.monitorId === id);
  assert.deepEqual(rows.map((r) => r.kind), ["down"], "one DOWN alert across restarts");
});

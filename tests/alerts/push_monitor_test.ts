/**
 * A push monitor end to end over real HTTP: a cron job that pings early, then late, then with a
 * failure exit code. Each case is classified (kind, state, message) and alerted exactly once;
 * the outbox rows prove it. Periods and grace are seconds so the test runs in a few seconds.
 */
import assert from "node:assert/strict";
import { ping, pushEnv } from "../_helpers/push.ts";
import { sleep, waitFor } from "../_helpers/core.ts";

const OPS = "ops@example.test";

Deno.test("a job pinging early, late and with exit code 3 is classified and alerted once per outage", async () => {
  await using env = await pushEnv();
  const created = await env.api("POST", "/monitors", {
    name: "Nightly backup",
    kind: "push",
    period_s: 2,
    grace_s: 1,
    alert_emails: [OPS],
    recovery_emails: [OPS],
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const id = created.json.id as number;
  assert.equal(created.json.kind, "push");
  assert.equal(created.json.status, "pending");
  assert.match(created.json.ping_url, /^http:\/\/dash\.test\/ping\/[A-Za-z0-9_-]{22,}$/);
  const url = await env.pingUrl(id);
  const status = async () => (await env.rt.service.get(id)).status;

  // On time, then early (well before the period ends): both successes, never DOWN.
  assert.deepEqual(await ping(url), { status: 200, text: "OK" });
  assert.equal(await status(), "up");
  await sleep(700);
  assert.deepEqual(await ping(url, { method: "POST", body: "early run" }), {
    status: 200,
    text: "OK",
  });
  const early = Date.now();
  // The early ping moved the deadline: 2 s + 1 s after it, not after the first ping.
  await sleep(2_000);
  assert.equal(await status(), "up", "an early ping must not lead to a false DOWN");

  // Silence: late shortly after the deadline (early + 3 s), DOWN at threshold 1.
  await waitFor(async () => (await status()) === "down", {
    timeoutMs: 5_000,
    message: "the late check",
  });
  const lateAt = Date.now();
  assert.ok(lateAt - early >= 3_000 && lateAt - early < 4_500, `late after ${lateAt - early} ms`);
  const [late] = await env.rt.service.checks(id, 1);
  assert.equal(late.ok, false);
  assert.equal(late.errorKind, "late");
  assert.match(
    late.errorMessage!,
    /^no ping since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; expected by .* every 2 s \(\+1 s grace\)$/,
  );

  // Still silent through 2 more periods: one late check per missed deadline, one DOWN alert.
  await sleep(4_300);
  const lates = (await env.rt.service.checks(id, 50)).filter((c) => c.errorKind === "late");
  assert.ok(lates.length >= 2 && lates.length <= 4, `${lates.length} late checks`);

  // The job runs again: RECOVERED.
  assert.equal((await ping(url)).status, 200);
  assert.equal(await status(), "up");

  // A failure exit code: DOWN at once with the code in the message; exit code 0 recovers.
  assert.deepEqual(await ping(`${url}/3`), { status: 200, text: "OK" });
  const [failed] = await env.rt.service.checks(id, 1);
  assert.deepEqual([failed.ok, failed.errorKind, failed.errorMessage], [
    false,
    "job_failed",
    "job reported failure (exit code 3)",
  ]);
  assert.equal(await status(), "down");
  assert.equal((await ping(`${url}/0`)).status, 200);
  assert.equal(await status(), "up");

  await env.smtp.waitForMessages(4, 10_000);
  await sleep(500); // past the grouping window: nothing else may follow
  const subjects = env.smtp.messages.map((m) => m.subject.replace(/ — down for .*$/, ""));
  assert.deepEqual(subjects, [
    "[DOWN] Nightly backup — ping late",
    "[RECOVERED] Nightly backup",
    "[DOWN] Nightly backup — job failed",
    "[RECOVERED] Nightly backup",
  ]);
  const rows = (await env.rt.store.outbox.list()).filter((r) => r.monitorId === id);
  const byIncident = new Map<number, string[]>();
  for (const r of rows) {
    byIncident.set(r.incidentId, [...(byIncident.get(r.incidentId) ?? []), r.kind]);
  }
  assert.deepEqual([...byIncident.values()].map((k) => k.toSorted()), [
    ["down", "recovered"],
    ["down", "recovered"],
  ]);
  const incidents = await env.rt.service.incidents(id);
  assert.deepEqual(incidents.map((i) => i.errorKind).toSorted(), ["job_failed", "late"]);
  // The secret never reaches an email.
  const token = url.split("/").at(-1)!;
  for (const m of env.smtp.messages) {
    assert.ok(!m.text.includes(token) && !m.html.includes(token), "token in an email");
  }
  assert.match(env.smtp.messages[0].text, /did not ping in time/);
  assert.match(env.smtp.messages[0].text, /push monitor \(pinged by its job\)/);
  assert.match(env.smtp.messages[2].text, /reported a failure/);
  assert.match(env.smtp.messages[2].text, /job reported failure \(exit code 3\)/);
});

/**
 * The watchdog (issue 7): a probe that never returns must not silence its monitor. After
 * timeout + grace it is recorded as a timeout, logged and counted, and the next check runs.
 */
import assert from "node:assert/strict";
import { createRuntime } from "../../runtime.ts";
import { createApp } from "../../routes/app.ts";
import { setLogLevel } from "../../monitor/log.ts";
import { guardProbe } from "../../monitor/watchdog.ts";
import type { ProbeResult } from "../../monitor/types.ts";
import { tempDir, testConfig, waitFor } from "../_helpers/core.ts";

setLogLevel("error");

const UP: ProbeResult = {
  ok: true,
  latencyMs: 1,
  httpStatus: 200,
  errorKind: null,
  errorMessage: null,
};

Deno.test("guardProbe: a probe that never settles becomes a timeout after timeout + grace", async () => {
  let aborted = false;
  const t0 = performance.now();
  const got = await guardProbe(
    (signal) => {
      signal.addEventListener("abort", () => aborted = true);
      return new Promise<ProbeResult>(() => {});
    },
    100,
    { graceMs: 50 },
  );
  const took = performance.now() - t0;
  assert.equal(got.stuck, true);
  assert.equal(got.result.errorKind, "timeout");
  assert.match(
    got.result.errorMessage!,
    /did not finish within 100 ms and was abandoned after 150 ms/,
  );
  assert.ok(took >= 140 && took < 2000, `took ${took} ms`);
  assert.equal(aborted, true, "the abandoned probe is told to let go");
});

Deno.test("guardProbe: shutdown rejects at once; a normal probe passes through", async () => {
  const ac = new AbortController();
  const pending = guardProbe(() => new Promise<ProbeResult>(() => {}), 60_000, {
    external: ac.signal,
  });
  ac.abort();
  await assert.rejects(pending, { name: "AbortError" });
  assert.deepEqual(await guardProbe(() => Promise.resolve(UP), 1000), { result: UP, stuck: false });
});

Deno.test("a stuck probe is recorded as a timeout, counted in /metrics, and checks go on", async () => {
  await using dir = await tempDir();
  let calls = 0;
  // The first probe hangs forever (ignoring its signal); later ones answer.
  const probe = () => (++calls === 1 ? new Promise<ProbeResult>(() => {}) : Promise.resolve(UP));
  const rt = await createRuntime(testConfig(dir.path), {
    cron: false,
    probe,
    watchdogGraceMs: 200,
  });
  try {
    const app = createApp(rt);
    const { token } = await rt.accounts.createToken("t");
    const m = await rt.service.create({
      name: "Stuck",
      url: "http://stuck.test/",
      interval_s: 10,
      timeout_ms: 300,
    });
    rt.scheduler.start();
    await waitFor(async () => (await rt.service.checks(m.id)).length >= 1, {
      timeoutMs: 5000,
      message: "first check",
    });
    const [first] = await rt.service.checks(m.id);
    assert.equal(first.errorKind, "timeout");
    assert.match(first.errorMessage!, /abandoned after 500 ms/);
    assert.equal(rt.scheduler.stats().running, 0, "the slot is free again");
    const metrics = await (await app.request("/metrics", {
      headers: { authorization: `Bearer ${token}` },
    })).text();
    assert.match(metrics, /^shc_scheduler_checks_stuck_total 1$/m);
    const health = await (await app.request("/healthz")).json();
    assert.equal(health.scheduler.checks_stuck, 1);
    // Not silenced: the next check runs and the monitor recovers.
    const next = await rt.service.checkNow(m.id);
    assert.equal(next.check.ok, true);
  } finally {
    await rt.stop();
  }
});

/**
 * The pure check step as sequences: each row feeds one probe result at a time and states what the
 * recorder must then do (incident operation, transition) and store (state, streak start).
 */
import assert from "node:assert/strict";
import { checkStep, type IncidentOp } from "../../monitor/check_step.ts";
import type {
  HealthState,
  MonitorState,
  ProbeResult,
  TransitionKind,
} from "../../monitor/types.ts";
import { fakeState } from "../_helpers/core.ts";

const OK: ProbeResult = {
  ok: true,
  latencyMs: 5,
  httpStatus: 200,
  errorKind: null,
  errorMessage: null,
};
const FAIL: ProbeResult = {
  ok: false,
  latencyMs: 5,
  httpStatus: 503,
  errorKind: "unexpected_status",
  errorMessage: "HTTP 503",
};

/** Monitor settings with DEGRADED off. */
const NO_DEGRADED = { degradedMs: null, degradedChecks: 3 };

type Row = [
  at: number,
  result: "ok" | "fail",
  state: HealthState,
  op: IncidentOp["op"] | null,
  transition: TransitionKind | null,
  failingSince: number | null,
];

/** Runs rows from `start`; the recorder's part (incident ids) is played by a counter. */
function run(threshold: number, rows: Row[], start: MonitorState = fakeState(1)) {
  let before = start;
  let nextIncident = 100;
  for (const [at, result, state, op, transition, failingSince] of rows) {
    const step = checkStep(
      before,
      result === "ok" ? OK : FAIL,
      { ...NO_DEGRADED, failureThreshold: threshold },
      at,
    );
    const where = `threshold ${threshold}, check at ${at} (${result})`;
    assert.equal(step.state.state, state, where);
    assert.equal(step.incident?.op ?? null, op, where);
    assert.equal(step.transition, transition, where);
    assert.equal(step.state.failingSince, failingSince, where);
    assert.equal(step.state.lastCheckedAt, at, where);
    if (step.incident?.op === "open") {
      assert.equal(
        step.incident.startedAt,
        failingSince,
        `${where}: the outage began at its first failure`,
      );
      step.state.openIncidentId = nextIncident++;
    }
    if (step.incident?.op === "extend" || step.incident?.op === "close") {
      assert.equal(step.incident.incidentId, before.openIncidentId, where);
    }
    if (step.incident?.op === "close") assert.equal(step.incident.endedAt, at, where);
    before = step.state;
  }
  return before;
}

Deno.test("checkStep: threshold 1 opens, extends and closes one incident per outage", () => {
  const end = run(1, [
    [10, "ok", "up", null, null, null],
    [20, "fail", "down", "open", "down", 20],
    [30, "fail", "down", "extend", null, 20],
    [40, "ok", "up", "close", "recovered", null],
    [50, "fail", "down", "open", "down", 50],
    [60, "ok", "up", "close", "recovered", null],
  ]);
  assert.equal(end.openIncidentId, null);
});

Deno.test("checkStep: threshold 3 stays pending below it and dates the outage from the first failure", () => {
  run(3, [
    [10, "ok", "up", null, null, null],
    [20, "fail", "pending", null, null, 20],
    [30, "fail", "pending", null, null, 20],
    [40, "ok", "up", null, null, null], // a blip below the threshold is no incident
    [50, "fail", "pending", null, null, 50],
    [60, "fail", "pending", null, null, 50],
    [70, "fail", "down", "open", "down", 50],
    [80, "fail", "down", "extend", null, 50],
    [90, "ok", "up", "close", "recovered", null],
  ]);
});

Deno.test("checkStep: changedAt moves only when the state changes", () => {
  const start = fakeState(1, { state: "up", changedAt: 5, lastCheckedAt: 5 });
  const a = checkStep(start, OK, { ...NO_DEGRADED, failureThreshold: 1 }, 10);
  assert.equal(a.state.changedAt, 5);
  const b = checkStep(a.state, FAIL, { ...NO_DEGRADED, failureThreshold: 1 }, 20);
  assert.equal(b.state.changedAt, 20);
  const c = checkStep({ ...b.state, openIncidentId: 7 }, FAIL, {
    ...NO_DEGRADED,
    failureThreshold: 1,
  }, 30);
  assert.equal(c.state.changedAt, 20);
});

Deno.test("checkStep: a DOWN state without a stored incident recovers cleanly and says so", () => {
  const step = checkStep(fakeState(1, { state: "down", consecutiveFailures: 2 }), OK, {
    ...NO_DEGRADED,
    failureThreshold: 1,
  }, 10);
  assert.equal(step.state.state, "up");
  assert.equal(step.incident, null);
  assert.equal(step.recoveredWithoutIncident, true);
});

// ---- DEGRADED ---------------------------------------------------------------------------------

const ms = (latencyMs: number): ProbeResult => ({ ...OK, latencyMs });
type SlowRule = { failureThreshold: number; degradedMs: number | null; degradedChecks: number };
const SLOW_RULE: SlowRule = { failureThreshold: 2, degradedMs: 500, degradedChecks: 3 };

/** Feeds results one by one; returns each step's degraded op (with incident ids filled in). */
function runSlow(
  results: ProbeResult[],
  monitor: SlowRule = SLOW_RULE,
  start: MonitorState = fakeState(1, { state: "up" }),
) {
  let before = start;
  const out: { op: string | null; silently?: boolean; status: string; slow: number }[] = [];
  results.forEach((r, i) => {
    const step = checkStep(before, r, monitor, i * 10);
    const state = { ...step.state };
    if (step.degraded?.op === "open") state.degradedIncidentId = 50 + i;
    if (step.incident?.op === "open") state.openIncidentId = 90 + i;
    out.push({
      op: step.degraded?.op ?? null,
      ...(step.degraded?.op === "close" ? { silently: step.degraded.silently } : {}),
      status: state.degradedIncidentId !== null && state.state === "up" ? "degraded" : state.state,
      slow: state.slowChecks,
    });
    before = state;
  });
  return out;
}

Deno.test("DEGRADED after degradedChecks slow successes in a row, once; fast again ends it", () => {
  const steps = runSlow([ms(600), ms(700), ms(800), ms(900), ms(100), ms(100)]);
  assert.deepEqual(steps.map((s) => [s.op, s.status, s.slow]), [
    [null, "up", 1],
    [null, "up", 2],
    ["open", "degraded", 3],
    ["extend", "degraded", 4],
    ["close", "up", 0],
    [null, "up", 0],
  ]);
  assert.equal(steps[4].silently, false, "the end of DEGRADED is alerted (RECOVERED)");
});

Deno.test("DEGRADED: a fast check between slow ones restarts the count; at the threshold is not slow", () => {
  const steps = runSlow([ms(600), ms(600), ms(500), ms(600), ms(600), ms(600)]);
  assert.deepEqual(steps.map((s) => s.op), [null, null, null, null, null, "open"]);
  assert.deepEqual(steps.map((s) => s.slow), [1, 2, 0, 1, 2, 3]);
});

Deno.test("DEGRADED: going DOWN ends it silently; a failure below the threshold keeps it", () => {
  const steps = runSlow([ms(600), ms(600), ms(600), FAIL, ms(700), FAIL, FAIL]);
  assert.deepEqual(steps.map((s) => [s.op, s.status]), [
    [null, "up"],
    [null, "up"],
    ["open", "degraded"],
    [null, "pending"], // 1 of 2 failures: still degraded underneath, shown pending
    ["extend", "degraded"],
    [null, "pending"],
    ["close", "down"],
  ]);
  assert.equal(steps[6].silently, true, "DOWN says more than the end of DEGRADED");
});

Deno.test("DEGRADED: off (null threshold) never opens, and turning it off ends an open one silently", () => {
  const off = { ...SLOW_RULE, degradedMs: null };
  assert.deepEqual(runSlow([ms(9000), ms(9000), ms(9000)], off).map((s) => s.op), [
    null,
    null,
    null,
  ]);
  const open = fakeState(1, { state: "up", slowChecks: 5, degradedIncidentId: 3 });
  const [step] = runSlow([ms(9000)], off, open);
  assert.deepEqual([step.op, step.silently, step.status], ["close", true, "up"]);
});

Deno.test("DEGRADED: slow checks while pending or down do not open it", () => {
  const down = fakeState(1, { state: "down", consecutiveFailures: 3, openIncidentId: 9 });
  const steps = runSlow([ms(600), ms(600), ms(600)], SLOW_RULE, down);
  // The first success recovers (UP) and counts as slow: DEGRADED opens on the third.
  assert.deepEqual(steps.map((s) => [s.op, s.status]), [
    [null, "up"],
    [null, "up"],
    ["open", "degraded"],
  ]);
});

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
      { failureThreshold: threshold },
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
  const a = checkStep(start, OK, { failureThreshold: 1 }, 10);
  assert.equal(a.state.changedAt, 5);
  const b = checkStep(a.state, FAIL, { failureThreshold: 1 }, 20);
  assert.equal(b.state.changedAt, 20);
  const c = checkStep({ ...b.state, openIncidentId: 7 }, FAIL, { failureThreshold: 1 }, 30);
  assert.equal(c.state.changedAt, 20);
});

Deno.test("checkStep: a DOWN state without a stored incident recovers cleanly and says so", () => {
  const step = checkStep(fakeState(1, { state: "down", consecutiveFailures: 2 }), OK, {
    failureThreshold: 1,
  }, 10);
  assert.equal(step.state.state, "up");
  assert.equal(step.incident, null);
  assert.equal(step.recoveredWithoutIncident, true);
});

import assert from "node:assert/strict";
import { nextState, type StateBefore } from "../../monitor/state.ts";
import type { HealthState, TransitionKind } from "../../monitor/types.ts";

/** One step of a sequence: the check result fed in and what must hold after it. */
type Step = [
  result: "fail" | "ok",
  state: HealthState,
  failures: number,
  transition: TransitionKind | null,
];

/** Feeds `steps` through the machine from `start` and checks the state after every step. */
function runSequence(threshold: number, steps: Step[], start: StateBefore): void {
  let before = start;
  steps.forEach(([result, state, failures, transition], i) => {
    const after = nextState(before, result === "ok", threshold);
    assert.deepEqual(
      after,
      { state, consecutiveFailures: failures, transition },
      `threshold ${threshold}, step ${i + 1} (${result})`,
    );
    before = after;
  });
}

const FROM_UP: StateBefore = { state: "up", consecutiveFailures: 0 };
const FROM_START: StateBefore = { state: "pending", consecutiveFailures: 0 };

Deno.test("nextState() with threshold 1 goes DOWN on the first failure and UP on the first success", () => {
  runSequence(1, [
    ["fail", "down", 1, "down"],
    ["fail", "down", 2, null],
    ["fail", "down", 3, null],
    ["ok", "up", 0, "recovered"],
    ["ok", "up", 0, null],
    ["fail", "down", 1, "down"],
    ["ok", "up", 0, "recovered"],
  ], FROM_UP);
});

Deno.test("nextState() with threshold 2 shows pending after one failure and DOWN after two", () => {
  runSequence(2, [
    ["fail", "pending", 1, null],
    ["fail", "down", 2, "down"],
    ["fail", "down", 3, null],
    ["ok", "up", 0, "recovered"],
    ["fail", "pending", 1, null],
    ["ok", "up", 0, null],
  ], FROM_UP);
});

Deno.test("nextState() with threshold 3 needs three failures in a row", () => {
  runSequence(3, [
    ["fail", "pending", 1, null],
    ["fail", "pending", 2, null],
    ["ok", "up", 0, null],
    ["fail", "pending", 1, null],
    ["fail", "pending", 2, null],
    ["fail", "down", 3, "down"],
    ["fail", "down", 4, null],
    ["ok", "up", 0, "recovered"],
  ], FROM_UP);
});

Deno.test("nextState() never transitions while flapping below the threshold", () => {
  for (const threshold of [2, 3, 5]) {
    let before: StateBefore = FROM_UP;
    for (let i = 0; i < 50; i++) {
      // threshold-1 failures, then one success, over and over
      const ok = i % threshold === threshold - 1;
      const after = nextState(before, ok, threshold);
      assert.equal(after.transition, null, `threshold ${threshold}, check ${i + 1}`);
      assert.notEqual(after.state, "down");
      assert.ok(after.consecutiveFailures < threshold);
      before = after;
    }
  }
});

Deno.test("nextState() from the initial pending state reaches DOWN at the threshold", () => {
  runSequence(2, [
    ["fail", "pending", 1, null],
    ["fail", "down", 2, "down"],
  ], FROM_START);
  runSequence(1, [["fail", "down", 1, "down"]], FROM_START);
});

Deno.test("nextState() turns a first success from the initial pending state into UP without a transition", () => {
  runSequence(3, [["ok", "up", 0, null]], FROM_START);
});

Deno.test("nextState() treats a threshold below 1 as 1", () => {
  runSequence(0, [["fail", "down", 1, "down"]], FROM_UP);
});

Deno.test("nextState() goes DOWN when a pending monitor's threshold was lowered below its failures", () => {
  // Three failures counted under threshold 5, then the operator lowers it to 2.
  const after = nextState({ state: "pending", consecutiveFailures: 3 }, false, 2);
  assert.deepEqual(after, { state: "down", consecutiveFailures: 4, transition: "down" });
});

Deno.test("nextState() does not fire DOWN twice for a monitor restored as down", () => {
  // After a restart the stored state is handed back in: still failing must not re-transition.
  const stored: StateBefore = { state: "down", consecutiveFailures: 7 };
  assert.deepEqual(nextState(stored, false, 1), {
    state: "down",
    consecutiveFailures: 8,
    transition: null,
  });
  assert.deepEqual(nextState(stored, true, 1), {
    state: "up",
    consecutiveFailures: 0,
    transition: "recovered",
  });
});

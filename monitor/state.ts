/** The pure UP/DOWN state machine: previous state + one check result → next state. */
import type { HealthState, Monitor, MonitorState, MonitorStatus, TransitionKind } from "./types.ts";

/**
 * What a monitor shows: `paused` when inactive, `maintenance` while a maintenance window covers
 * it (whatever its health), `degraded` while UP with a DEGRADED incident open, else its health
 * state.
 */
export function displayStatus(
  monitor: Pick<Monitor, "active">,
  state: Pick<MonitorState, "state" | "degradedIncidentId">,
  inMaintenance = false,
): MonitorStatus {
  if (!monitor.active) return "paused";
  if (inMaintenance) return "maintenance";
  return state.state === "up" && state.degradedIncidentId !== null ? "degraded" : state.state;
}

/** The part of the persisted state the machine reads. */
export interface StateBefore {
  state: HealthState;
  consecutiveFailures: number;
}

/** The machine's answer for one check. */
export interface StateAfter {
  state: HealthState;
  consecutiveFailures: number;
  /** Set when this check moved the monitor to DOWN or back from DOWN to UP. */
  transition: TransitionKind | null;
}

/**
 * Decides the state after one check. A monitor goes DOWN after `failureThreshold` failed
 * checks in a row and UP on the first success; failing below the threshold shows as pending.
 *
 * @example
 * ```ts
 * import { nextState } from "./state.ts";
 * nextState({ state: "up", consecutiveFailures: 0 }, false, 2); // pending, 1 failure, no transition
 * ```
 */
export function nextState(before: StateBefore, ok: boolean, failureThreshold: number): StateAfter {
  if (ok) {
    return {
      state: "up",
      consecutiveFailures: 0,
      transition: before.state === "down" ? "recovered" : null,
    };
  }
  const failures = before.consecutiveFailures + 1;
  if (before.state === "down") {
    return { state: "down", consecutiveFailures: failures, transition: null };
  }
  if (failures >= Math.max(1, failureThreshold)) {
    return { state: "down", consecutiveFailures: failures, transition: "down" };
  }
  return { state: "pending", consecutiveFailures: failures, transition: null };
}

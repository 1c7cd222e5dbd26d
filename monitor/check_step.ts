/**
 * One check, decided without I/O: (state before, probe result, monitor, time) → (state after,
 * what happens to the incident, which transition to alert on). The recorder applies the answer
 * inside one transaction; everything that decides UP and DOWN lives here and in `state.ts`.
 */
import type { Monitor, MonitorState, ProbeResult, TransitionKind } from "./types.ts";
import { nextState } from "./state.ts";

/** What the check does to the monitor's incident. */
export type IncidentOp =
  /** The outage is confirmed: open an incident that began with the first failure. */
  | { op: "open"; startedAt: number; failures: number }
  /** Another failure during an open incident. */
  | { op: "extend"; incidentId: number }
  /** Recovered: close the open incident at this check. */
  | { op: "close"; incidentId: number; endedAt: number };

/**
 * What the check does to the monitor's DEGRADED incident. Closing it `silently` sends nothing:
 * the monitor went DOWN (which says more), or DEGRADED was turned off.
 */
export type DegradedOp =
  /** Slow for `degradedChecks` checks in a row while up: open a DEGRADED incident. */
  | { op: "open"; slowChecks: number; message: string }
  /** Another slow check while DEGRADED. */
  | { op: "extend"; incidentId: number }
  | { op: "close"; incidentId: number; endedAt: number; silently: boolean };

/** The decision for one check. */
export interface CheckStep {
  /**
   * The state to store; `lastCheckId`, `openIncidentId` and `degradedIncidentId` are filled in
   * by the recorder.
   */
  state: MonitorState;
  incident: IncidentOp | null;
  transition: TransitionKind | null;
  degraded: DegradedOp | null;
  /** Recovered although no incident was stored (only reachable from hand-edited data). */
  recoveredWithoutIncident: boolean;
}

/** Decides one check; pure. */
export function checkStep(
  before: MonitorState,
  result: ProbeResult,
  monitor: Pick<Monitor, "failureThreshold" | "degradedMs" | "degradedChecks">,
  checkedAt: number,
): CheckStep {
  const after = nextState(before, result.ok, monitor.failureThreshold);
  const failingSince = result.ok ? null : before.failingSince ?? checkedAt;
  const state: MonitorState = {
    ...before,
    state: after.state,
    consecutiveFailures: after.consecutiveFailures,
    lastCheckedAt: checkedAt,
    failingSince,
    changedAt: after.state === before.state ? before.changedAt : checkedAt,
  };
  let incident: IncidentOp | null = null;
  let transition: TransitionKind | null = null;
  let recoveredWithoutIncident = false;
  if (after.transition === "down") {
    incident = { op: "open", startedAt: failingSince!, failures: after.consecutiveFailures };
    transition = "down";
  } else if (!result.ok && before.openIncidentId !== null) {
    incident = { op: "extend", incidentId: before.openIncidentId };
  } else if (after.transition === "recovered" && before.openIncidentId !== null) {
    incident = { op: "close", incidentId: before.openIncidentId, endedAt: checkedAt };
    state.openIncidentId = null;
    transition = "recovered";
  } else if (after.transition === "recovered") {
    recoveredWithoutIncident = true;
  }
  const degraded = degradedStep(before, result, monitor, after.state, checkedAt);
  state.slowChecks = degraded.slowChecks;
  if (degraded.op?.op === "close") state.degradedIncidentId = null;
  return { state, incident, transition, degraded: degraded.op, recoveredWithoutIncident };
}

/**
 * The DEGRADED rule: a successful check slower than `degradedMs` is slow; `degradedChecks` slow
 * checks in a row while UP make the monitor DEGRADED (one incident, one alert), the first check
 * at or under the threshold ends it (RECOVERED). Going DOWN, or turning the threshold off, ends
 * it without an alert. A failure below the failure threshold neither counts nor ends it.
 */
function degradedStep(
  before: MonitorState,
  result: ProbeResult,
  monitor: Pick<Monitor, "degradedMs" | "degradedChecks">,
  stateAfter: MonitorState["state"],
  checkedAt: number,
): { slowChecks: number; op: DegradedOp | null } {
  const limit = monitor.degradedMs;
  const open = before.degradedIncidentId;
  const slow = result.ok && limit !== null && result.latencyMs > limit;
  const slowChecks = slow ? before.slowChecks + 1 : result.ok ? 0 : before.slowChecks;
  if (open !== null) {
    if (stateAfter === "down" || limit === null) {
      return {
        slowChecks: 0,
        op: { op: "close", incidentId: open, endedAt: checkedAt, silently: true },
      };
    }
    if (!result.ok) return { slowChecks, op: null };
    return slow
      ? { slowChecks, op: { op: "extend", incidentId: open } }
      : { slowChecks, op: { op: "close", incidentId: open, endedAt: checkedAt, silently: false } };
  }
  if (slow && stateAfter === "up" && slowChecks >= monitor.degradedChecks) {
    return {
      slowChecks,
      op: { op: "open", slowChecks, message: slowMessage(limit!, slowChecks, result.latencyMs) },
    };
  }
  return { slowChecks, op: null };
}

/** Why a monitor is DEGRADED, in words. */
export function slowMessage(limitMs: number, checks: number, latencyMs: number): string {
  const inARow = checks === 1 ? "1 check" : `${checks} checks in a row`;
  return `Slower than ${limitMs} ms for ${inARow} (last ${Math.round(latencyMs)} ms)`;
}

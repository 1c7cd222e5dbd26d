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

/** The decision for one check. */
export interface CheckStep {
  /** The state to store; `lastCheckId` and `openIncidentId` are filled in by the recorder. */
  state: MonitorState;
  incident: IncidentOp | null;
  transition: TransitionKind | null;
  /** Recovered although no incident was stored (only reachable from hand-edited data). */
  recoveredWithoutIncident: boolean;
}

/** Decides one check; pure. */
export function checkStep(
  before: MonitorState,
  result: ProbeResult,
  monitor: Pick<Monitor, "failureThreshold">,
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
  return { state, incident, transition, recoveredWithoutIncident };
}

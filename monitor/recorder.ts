/** Records a probe result: check, state, incident, rollups and transition in one transaction. */
import type { Check, Monitor, MonitorState, ProbeResult, Transition } from "./types.ts";
import { type Db, transaction } from "./store/db.ts";
import { insertCheck } from "./store/checks.ts";
import { closeIncident, extendIncident, openIncident } from "./store/incidents.ts";
import { addToRollups } from "./store/rollups.ts";
import { getState, saveState } from "./store/state.ts";
import { nextState } from "./state.ts";
import { log, redactUrl } from "./log.ts";

/**
 * Runs inside the recording transaction, so what it writes (an alert in the outbox) commits
 * atomically with the state change that caused it. It must not do I/O other than `db`.
 */
export type TransitionWriter = (db: Db, transition: Transition) => void;

/** Called after the transaction commits. */
export type RecordListener = (event: RecordedCheck) => void;

/** What recording one check produced. */
export interface RecordedCheck {
  monitor: Monitor;
  check: Check;
  state: MonitorState;
  transition: Transition | null;
}

/** Turns probe results into stored history and state transitions. */
export class CheckRecorder {
  #writers: TransitionWriter[] = [];
  #listeners: RecordListener[] = [];

  constructor(readonly db: Db) {}

  /** Adds a writer that runs inside the transaction of every transition. */
  addTransitionWriter(writer: TransitionWriter): void {
    this.#writers.push(writer);
  }

  /** Adds a listener told about every recorded check after it commits. */
  onRecorded(listener: RecordListener): void {
    this.#listeners.push(listener);
  }

  /** Stores `result` for `monitor` as checked at `checkedAt` (epoch ms). */
  record(monitor: Monitor, result: ProbeResult, checkedAt: number): RecordedCheck {
    const recorded = transaction(this.db, () => this.#write(monitor, result, checkedAt));
    const t = recorded.transition;
    if (t) {
      const fields = {
        monitor: monitor.id,
        name: monitor.name,
        url: redactUrl(monitor.url),
        incident: t.incident.id,
      };
      if (t.kind === "down") {
        log.warn("monitor.down", {
          ...fields,
          cause: t.check.errorKind,
          status: t.check.httpStatus ?? undefined,
          error: t.check.errorMessage,
          failures: t.consecutiveFailures,
        });
      } else {
        log.info("monitor.recovered", {
          ...fields,
          downForMs: checkedAt - t.incident.startedAt,
        });
      }
    }
    for (const listener of this.#listeners) {
      try {
        listener(recorded);
      } catch (err) {
        log.error("recorder.listener_failed", { error: err });
      }
    }
    return recorded;
  }

  #write(monitor: Monitor, result: ProbeResult, checkedAt: number): RecordedCheck {
    const db = this.db;
    const check = insertCheck(db, monitor.id, checkedAt, result);
    addToRollups(db, monitor.id, checkedAt, result.ok, result.latencyMs);
    // A first failure below the threshold stays pending since creation, as the API shows it.
    const before = getState(db, monitor.id, monitor.createdAt);
    const after = nextState(before, result.ok, monitor.failureThreshold);
    const state: MonitorState = {
      ...before,
      state: after.state,
      consecutiveFailures: after.consecutiveFailures,
      lastCheckId: check.id,
      lastCheckedAt: checkedAt,
      failingSince: result.ok ? null : before.failingSince ?? checkedAt,
      changedAt: after.state === before.state ? before.changedAt : checkedAt,
    };
    let transition: Transition | null = null;
    if (after.transition === "down") {
      const incident = openIncident(db, check, state.failingSince!, after.consecutiveFailures);
      state.openIncidentId = incident.id;
      transition = {
        kind: "down",
        monitor,
        incident,
        check,
        consecutiveFailures: after.consecutiveFailures,
      };
    } else if (!result.ok && before.openIncidentId !== null) {
      extendIncident(db, before.openIncidentId, check);
    } else if (after.transition === "recovered" && before.openIncidentId !== null) {
      const incident = closeIncident(db, before.openIncidentId, checkedAt);
      state.openIncidentId = null;
      transition = { kind: "recovered", monitor, incident, check, consecutiveFailures: 0 };
    } else if (after.transition === "recovered") {
      // Down without a stored incident cannot happen through this recorder; recover cleanly.
      log.warn("monitor.recovered_without_incident", { monitor: monitor.id });
    }
    saveState(db, state);
    if (transition) { for (const w of this.#writers) w(db, transition); }
    return { monitor, check, state, transition };
  }
}

/** Records a probe result: check, state, incident, rollups and transition in one transaction. */
import type { Check, Monitor, MonitorState, ProbeResult, Transition } from "./types.ts";
import type { Repositories, Store } from "./store/store.ts";
import { StorageError } from "./store/health.ts";
import { checkStep } from "./check_step.ts";
import { log, redactUrl } from "./log.ts";

/**
 * Runs inside the recording transaction, so what it writes (an alert in the outbox) commits
 * atomically with the state change that caused it. It must not do I/O other than `tx`.
 */
export type TransitionWriter = (tx: Repositories, transition: Transition) => Promise<void>;

/** Called after the transaction commits. */
export type RecordListener = (event: RecordedCheck) => void;

/** What recording one check produced. */
export interface RecordedCheck {
  monitor: Monitor;
  check: Check;
  state: MonitorState;
  transition: Transition | null;
}

/** Options for {@link CheckRecorder.record}. */
export interface RecordOptions {
  /** Stops waiting for a locked database (shutdown). */
  signal?: AbortSignal;
  /**
   * Writes more in the same transaction, after the check (a push monitor's ping state), so that
   * it lands exactly when the check does. Not kept with a result the storage refused.
   */
  alsoWrite?: (tx: Repositories) => Promise<void>;
}

/** A result that could not be stored yet (database locked or disk full). */
interface Unstored {
  monitor: Monitor;
  result: ProbeResult;
  checkedAt: number;
}

/** Results kept per monitor while storage fails; older ones are dropped beyond this. */
const BACKLOG_PER_MONITOR = 20;
/** How long one record waits for another process's write lock before keeping it for later. */
const LOCK_WAIT_MS = 10_000;

/**
 * Turns probe results into stored history and state transitions. A result that cannot be stored
 * because of the storage (locked, disk full) is kept in memory, in order, and written before the
 * monitor's next result, so a transient storage failure loses no check and never reorders them.
 */
export class CheckRecorder {
  #writers: TransitionWriter[] = [];
  #listeners: RecordListener[] = [];
  #backlog = new Map<number, Unstored[]>();

  constructor(readonly store: Store) {}

  /**
   * Drops the results still waiting for monitor `id`: after an edit, pause or delete they
   * describe settings that no longer apply and would be dropped when written anyway.
   */
  forget(monitorId: number): void {
    this.#backlog.delete(monitorId);
  }

  /** Results waiting for the storage to accept writes again. */
  get backlog(): number {
    let n = 0;
    for (const list of this.#backlog.values()) n += list.length;
    return n;
  }

  /**
   * Keeps a result the caller could not even hand over (the storage failed while it re-read the
   * monitor): it is written before the monitor's next result, if the monitor is unchanged then.
   */
  keep(monitor: Monitor, result: ProbeResult, checkedAt: number): void {
    const waiting = this.#backlog.get(monitor.id) ?? [];
    this.#backlog.set(
      monitor.id,
      [...waiting, { monitor, result, checkedAt }].slice(-BACKLOG_PER_MONITOR),
    );
  }

  /** Adds a writer that runs inside the transaction of every transition. */
  addTransitionWriter(writer: TransitionWriter): void {
    this.#writers.push(writer);
  }

  /** Adds a listener told about every recorded check after it commits. */
  onRecorded(listener: RecordListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Stores `result` for `monitor` as checked at `checkedAt` (epoch ms), after any earlier results
   * of that monitor that are still waiting. Throws {@link StorageError} when the storage refuses
   * the write; the result is then kept and retried with the next one.
   */
  async record(
    monitor: Monitor,
    result: ProbeResult,
    checkedAt: number,
    opts: RecordOptions = {},
  ): Promise<RecordedCheck> {
    const waiting = this.#backlog.get(monitor.id) ?? [];
    const batch = [...waiting, { monitor, result, checkedAt }];
    let recorded: RecordedCheck[];
    try {
      recorded = await this.store.transaction(async (tx) => {
        const out = await this.#writeBatch(tx, batch);
        await opts.alsoWrite?.(tx);
        return out;
      }, {
        retryForMs: LOCK_WAIT_MS,
        signal: opts.signal,
      });
    } catch (err) {
      const storage = StorageError.from(err);
      if (!storage) throw err;
      this.#backlog.set(monitor.id, batch.slice(-BACKLOG_PER_MONITOR));
      this.store.health.gaveUp(storage);
      throw storage;
    }
    this.#backlog.delete(monitor.id);
    for (const r of recorded) this.#announce(r);
    return recorded[recorded.length - 1];
  }

  /** Writes results oldest first; earlier ones whose monitor changed or vanished are dropped. */
  async #writeBatch(tx: Repositories, batch: Unstored[]): Promise<RecordedCheck[]> {
    const out: RecordedCheck[] = [];
    const last = batch[batch.length - 1];
    for (const item of batch) {
      if (item !== last) {
        const current = await tx.monitors.get(item.monitor.id);
        if (!current || current.updatedAt !== item.monitor.updatedAt) continue;
      }
      out.push(await this.#write(tx, item.monitor, item.result, item.checkedAt));
    }
    return out;
  }

  #announce(recorded: RecordedCheck): void {
    const { monitor, check } = recorded;
    const checkedAt = check.checkedAt;
    const t = recorded.transition;
    if (t) {
      const fields = {
        monitor: monitor.id,
        name: monitor.name,
        // A push monitor's URL is a placeholder; its ping URL (a secret) is never logged.
        url: monitor.kind === "push" ? undefined : redactUrl(monitor.url),
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
  }

  async #write(
    tx: Repositories,
    monitor: Monitor,
    result: ProbeResult,
    checkedAt: number,
  ): Promise<RecordedCheck> {
    const check = await tx.checks.insert(monitor.id, checkedAt, result);
    await tx.rollups.add(monitor.id, checkedAt, result.ok, result.latencyMs);
    // A first failure below the threshold stays pending since creation, as the API shows it.
    const before = await tx.states.get(monitor.id, monitor.createdAt);
    const step = checkStep(before, result, monitor, checkedAt);
    const state: MonitorState = { ...step.state, lastCheckId: check.id };
    let transition: Transition | null = null;
    const op = step.incident;
    if (op?.op === "open") {
      const incident = await tx.incidents.open(check, op.startedAt, op.failures);
      state.openIncidentId = incident.id;
      transition = { kind: "down", monitor, incident, check, consecutiveFailures: op.failures };
    } else if (op?.op === "extend") {
      await tx.incidents.extend(op.incidentId, check);
    } else if (op?.op === "close") {
      const incident = await tx.incidents.close(op.incidentId, op.endedAt);
      transition = { kind: "recovered", monitor, incident, check, consecutiveFailures: 0 };
    }
    if (step.recoveredWithoutIncident) {
      log.warn("monitor.recovered_without_incident", { monitor: monitor.id });
    }
    await tx.states.save(state);
    if (transition) { for (const w of this.#writers) await w(tx, transition); }
    return { monitor, check, state, transition };
  }
}

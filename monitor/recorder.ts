/** Records a probe result: check, state, incident, rollups and transition in one transaction. */
import type {
  CertificateInfo,
  Check,
  Monitor,
  MonitorState,
  ProbeResult,
  Transition,
} from "./types.ts";
import type { Repositories, Store } from "./store/store.ts";
import { StorageError } from "./store/health.ts";
import { checkStep, type DegradedOp } from "./check_step.ts";
import { certificateStep, expiryMessage } from "./cert_expiry.ts";
import { log, redactUrl } from "./log.ts";
import { type ActiveMaintenance, activeWindowFor } from "./maintenance_windows.ts";

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
  /** The outage transition, else the DEGRADED change, else the certificate warning. */
  transition: Transition | null;
  /** Every transition this check alerted on (an outage one first). */
  told: Transition[];
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
    for (const t of recorded.told) {
      const fields = {
        monitor: monitor.id,
        name: monitor.name,
        // A push monitor's URL is a placeholder; its ping URL (a secret) is never logged.
        url: monitor.kind === "push" ? undefined : redactUrl(monitor.url),
        incident: t.incident.id,
        suppressed: t.suppressed,
        deferred: t.deferred || undefined,
      };
      const type = t.incident.type;
      if (t.kind === "warning") {
        log.warn("monitor.certificate_expiring", {
          ...fields,
          days: t.warningDays,
          message: t.incident.errorMessage,
        });
      } else if (t.kind === "down" && type === "degraded") {
        log.warn("monitor.degraded", { ...fields, message: t.incident.errorMessage });
      } else if (t.kind === "down") {
        log.warn("monitor.down", {
          ...fields,
          cause: t.check.errorKind,
          status: t.check.httpStatus ?? undefined,
          error: t.check.errorMessage,
          failures: t.consecutiveFailures,
        });
      } else {
        log.info(type === "degraded" ? "monitor.degraded_recovered" : "monitor.recovered", {
          ...fields,
          [type === "degraded" ? "slowForMs" : "downForMs"]: check.checkedAt -
            t.incident.startedAt,
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
    // Evaluated at the check's time: a window covers the check when it was taken in it.
    const maintenance = activeWindowFor(await tx.maintenance.list(), monitor, checkedAt);
    const check = await tx.checks.insert(monitor.id, checkedAt, result, maintenance !== null);
    // Checks in maintenance are stored and shown, but uptime (read from rollups) skips them.
    if (!maintenance) await tx.rollups.add(monitor.id, checkedAt, result.ok, result.latencyMs);
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
    const slow = await this.#applyDegraded(tx, monitor, check, step.degraded, state);
    await tx.states.save(state);
    const warning = result.certificate
      ? await this.#applyCertificate(tx, monitor, check, result.certificate)
      : null;
    // At most one of the outage transitions; a DEGRADED change and a certificate warning are
    // told besides it (each is its own alert).
    const told = [transition, slow, warning].filter((t): t is Transition => t !== null);
    const deferred = await this.#applyMaintenance(tx, monitor, maintenance, told, state, check);
    if (deferred) told.unshift(deferred);
    for (const t of told) for (const w of this.#writers) await w(tx, t);
    return {
      monitor,
      check,
      state,
      transition: transition ?? deferred ?? slow ?? warning,
      told,
    };
  }

  /**
   * Inside a window every transition is told as suppressed (recorded, not sent), and an outage's
   * held-back DOWN is remembered. After the window, the first check of an outage still open
   * sends that DOWN (once: the release is a conditional update), returned as a deferred
   * transition; a RECOVERED whose DOWN was never sent is suppressed too.
   */
  async #applyMaintenance(
    tx: Repositories,
    monitor: Monitor,
    maintenance: ActiveMaintenance | null,
    told: Transition[],
    state: MonitorState,
    check: Check,
  ): Promise<Transition | null> {
    if (maintenance) {
      const reason = `maintenance: ${maintenance.window.name}`;
      for (const t of told) {
        t.suppressed = reason;
        if (t.kind === "down" && t.incident.type === "down") {
          await tx.maintenance.suppressDown(
            t.incident.id,
            maintenance.window.name,
            check.checkedAt,
          );
        }
      }
      return null;
    }
    const outage = told.find((t) => t.incident.type === "down");
    if (outage?.kind === "recovered") {
      const held = await tx.maintenance.suppressedDown(outage.incident.id);
      if (held && held.releasedAt === null) {
        await tx.maintenance.releaseDown(outage.incident.id, check.checkedAt);
        outage.suppressed = `maintenance: ${held.windowName} (its DOWN was not sent)`;
      }
      return null;
    }
    if (outage || state.state !== "down" || state.openIncidentId === null) return null;
    if (!(await tx.maintenance.releaseDown(state.openIncidentId, check.checkedAt))) return null;
    const incident = await tx.incidents.get(state.openIncidentId);
    if (!incident) return null;
    return {
      kind: "down",
      monitor,
      incident,
      check,
      consecutiveFailures: state.consecutiveFailures,
      deferred: true,
    };
  }

  /** Opens, extends or closes the DEGRADED incident; returns the transition to alert on. */
  async #applyDegraded(
    tx: Repositories,
    monitor: Monitor,
    check: Check,
    op: DegradedOp | null,
    state: MonitorState,
  ): Promise<Transition | null> {
    if (op?.op === "open") {
      const incident = await tx.incidents.open(check, check.checkedAt, op.slowChecks, {
        type: "degraded",
        errorKind: "slow",
        errorMessage: op.message,
      });
      state.degradedIncidentId = incident.id;
      return { kind: "down", monitor, incident, check, consecutiveFailures: op.slowChecks };
    }
    if (op?.op === "extend") await tx.incidents.extend(op.incidentId, check);
    if (op?.op === "close") {
      const incident = await tx.incidents.close(op.incidentId, op.endedAt);
      if (!op.silently) {
        return { kind: "recovered", monitor, incident, check, consecutiveFailures: 0 };
      }
    }
    return null;
  }

  /**
   * Stores the certificate a check read; opens or extends the certificate incident and returns a
   * warning when a days threshold was crossed for the first time for this certificate.
   */
  async #applyCertificate(
    tx: Repositories,
    monitor: Monitor,
    check: Check,
    seen: CertificateInfo,
  ): Promise<Transition | null> {
    const stored = await tx.certificates.get(monitor.id);
    const step = certificateStep(monitor.id, stored, seen, monitor.certExpiryDays, check.checkedAt);
    if (step.close !== null) await tx.incidents.close(step.close, check.checkedAt);
    let transition: Transition | null = null;
    if (step.warnDays !== null) {
      const incident = step.next.incidentId === null
        ? await tx.incidents.open(check, check.checkedAt, 1, {
          type: "certificate",
          errorKind: "certificate_expiry",
          errorMessage: expiryMessage(seen, check.checkedAt),
        })
        : await tx.incidents.extend(step.next.incidentId, check);
      step.next.incidentId = incident.id;
      transition = {
        kind: "warning",
        monitor,
        incident,
        check,
        consecutiveFailures: 0,
        warningDays: step.warnDays,
      };
    }
    await tx.certificates.save(step.next);
    return transition;
  }
}

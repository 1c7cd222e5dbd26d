/** The façade routes and the CLI call: monitors, their checks, incidents and uptime. */
import type {
  Check,
  Incident,
  Monitor,
  MonitorState,
  MonitorStatus,
  ProbeResult,
} from "./types.ts";
import { type Db, transaction } from "./store/sqlite/db.ts";
import * as monitors from "./store/sqlite/monitors.ts";
import { getCheck, recentChecks } from "./store/sqlite/checks.ts";
import { listIncidents } from "./store/sqlite/incidents.ts";
import { allStates, getState } from "./store/sqlite/state.ts";
import { initialState } from "./store/records.ts";
import { monitorUptime, rollupSeries } from "./store/sqlite/rollups.ts";
import { type Period, type Rollup } from "./store/records.ts";
import { uptimeWindows } from "./store/sqlite/dashboard.ts";
import { CheckRecorder, type RecordedCheck } from "./recorder.ts";
import { type MonitorInput, monitorToInput, validateMonitor } from "./validate.ts";
import { NotFoundError, StaleCheckError, ValidationError } from "./errors.ts";
import type { ProbeTarget } from "./types.ts";
import { guardProbe, WATCHDOG_GRACE_MS } from "./watchdog.ts";

/** Probes a target; the service is given one so tests can swap it. */
export type ProbeFn = (
  target: ProbeTarget,
  options?: { signal?: AbortSignal },
) => Promise<ProbeResult>;

/** A monitor with what the UI and API show about it. */
export interface MonitorView {
  monitor: Monitor;
  state: MonitorState;
  status: MonitorStatus;
  lastCheck: Check | null;
}

/** Uptime percentages (null when there were no checks) over the standard windows. */
export interface UptimeSummary {
  h24: number | null;
  d7: number | null;
  d30: number | null;
  d90: number | null;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Told about every create, edit, pause or delete (the scheduler listens). */
export type ChangeListener = (monitorId: number) => void;

/** Told when the watchdog gave up on a probe that outlived its timeout. */
export type StuckListener = (monitor: Monitor, abandonedAfterMs: number) => void;

/** The monitor service. */
export class MonitorService {
  readonly db: Db;
  readonly recorder: CheckRecorder;
  #probe: ProbeFn;
  #now: () => number;
  #changeListeners: ChangeListener[] = [];
  #stuckListeners: StuckListener[] = [];
  #watchdogGraceMs: number;
  /** Checks in flight per monitor, so "check now" never overlaps a scheduled check's record. */
  #busy = new Map<number, { updatedAt: number; run: Promise<RecordedCheck> }>();

  constructor(
    opts: {
      db: Db;
      probe: ProbeFn;
      now?: () => number;
      recorder?: CheckRecorder;
      /** Time past a monitor's timeout before its probe is abandoned (tests shorten it). */
      watchdogGraceMs?: number;
    },
  ) {
    this.db = opts.db;
    this.#watchdogGraceMs = opts.watchdogGraceMs ?? WATCHDOG_GRACE_MS;
    this.#probe = opts.probe;
    this.#now = opts.now ?? Date.now;
    this.recorder = opts.recorder ?? new CheckRecorder(opts.db);
  }

  /** Registers a listener for monitor changes. */
  onChange(listener: ChangeListener): void {
    this.#changeListeners.push(listener);
  }

  /** Registers a listener for probes abandoned by the watchdog. */
  onStuck(listener: StuckListener): void {
    this.#stuckListeners.push(listener);
  }

  #changed(id: number): void {
    this.recorder.forget(id);
    for (const l of this.#changeListeners) l(id);
  }

  #view(monitor: Monitor, state: MonitorState): MonitorView {
    return {
      monitor,
      state,
      status: monitor.active ? state.state : "paused",
      lastCheck: state.lastCheckId === null ? null : getCheck(this.db, state.lastCheckId),
    };
  }

  /** Every monitor, websites each followed by their internal apps. */
  list(): MonitorView[] {
    const states = allStates(this.db);
    // Never checked: pending since it was created (a stable status_since, not "now").
    return monitors.listMonitors(this.db).map((m) =>
      this.#view(m, states.get(m.id) ?? initialState(m.id, m.createdAt))
    );
  }

  /** One monitor, or throws NotFoundError. */
  get(id: number): MonitorView {
    const m = monitors.getMonitor(this.db, id);
    if (!m) throw new NotFoundError(`No monitor with id ${id}`);
    return this.#view(m, getState(this.db, id, m.createdAt));
  }

  /** A monitor's internal apps. */
  children(id: number): Monitor[] {
    return monitors.childIds(this.db, id).map((c) => monitors.getMonitor(this.db, c)!);
  }

  #context(existing?: Monitor, rejectUnknown = false) {
    return {
      existing,
      rejectUnknown,
      hasChildren: existing ? monitors.childIds(this.db, existing.id).length > 0 : false,
      getParent: (pid: number) => monitors.getMonitor(this.db, pid),
    };
  }

  /** Creates a monitor; throws ValidationError with field messages. First check runs at once. */
  create(input: MonitorInput, opts: { rejectUnknown?: boolean } = {}): Monitor {
    const result = validateMonitor(input, this.#context(undefined, opts.rejectUnknown));
    if (result.errors) throw new ValidationError(result.errors);
    const monitor = transaction(
      this.db,
      () => monitors.insertMonitor(this.db, result.fields, this.#now()),
    );
    this.#changed(monitor.id);
    return monitor;
  }

  /** Applies a partial update (absent fields keep their values). */
  update(id: number, patch: MonitorInput, opts: { rejectUnknown?: boolean } = {}): Monitor {
    const existing = this.get(id).monitor;
    const input = { ...monitorToInput(existing), ...patch };
    // An interval change without a retry interval keeps "retry = interval" when they were equal.
    if (
      patch.interval_s !== undefined && patch.retry_interval_s === undefined &&
      existing.retryIntervalS === existing.intervalS
    ) {
      delete input.retry_interval_s;
    }
    if (patch.interval_s !== undefined && patch.timeout_ms === undefined) {
      const interval = Number(patch.interval_s);
      if (Number.isFinite(interval) && existing.timeoutMs > interval * 1000) {
        input.timeout_ms = interval * 1000;
      }
    }
    const result = validateMonitor(input, this.#context(existing, opts.rejectUnknown));
    if (result.errors) throw new ValidationError(result.errors);
    const monitor = transaction(
      this.db,
      () => monitors.updateMonitor(this.db, id, result.fields, this.#now()),
    )!;
    this.#changed(id);
    return monitor;
  }

  /** Pauses or resumes a monitor. */
  setActive(id: number, active: boolean): Monitor {
    return this.update(id, { active });
  }

  /** Deletes a monitor with its internal apps and all history. */
  remove(id: number): void {
    const children = monitors.childIds(this.db, id);
    if (!transaction(this.db, () => monitors.deleteMonitor(this.db, id))) {
      throw new NotFoundError(`No monitor with id ${id}`);
    }
    for (const c of children) this.#changed(c);
    this.#changed(id);
  }

  /**
   * Probes a monitor now and records the result like a scheduled check. Concurrent calls for
   * the same monitor share one probe.
   */
  async checkNow(id: number, signal?: AbortSignal): Promise<RecordedCheck> {
    // An edit racing the probe makes its result stale; probe again with the new settings.
    for (let attempt = 1;; attempt++) {
      try {
        return await this.runCheck(this.get(id).monitor, signal);
      } catch (err) {
        if (!(err instanceof StaleCheckError) || attempt >= 3) throw err;
      }
    }
  }

  /**
   * Probes and records one check (used by the scheduler and `checkNow`). Calls for the same
   * monitor version share one probe; a newer version waits for the older probe to finish, so
   * one monitor never has two probes in flight.
   */
  runCheck(monitor: Monitor, signal?: AbortSignal): Promise<RecordedCheck> {
    const inflight = this.#busy.get(monitor.id);
    if (inflight?.updatedAt === monitor.updatedAt) return inflight.run;
    const run = (async () => {
      if (inflight) await inflight.run.catch(() => {});
      const checkedAt = this.#now();
      const target: ProbeTarget = {
        kind: monitor.kind,
        url: monitor.url,
        timeoutMs: monitor.timeoutMs,
        expectedStatus: monitor.expectedStatus,
        ignoreTlsErrors: monitor.ignoreTlsErrors,
        maxRedirects: monitor.maxRedirects,
      };
      // A probe cut short by shutdown says nothing about the target: guardProbe rejects and
      // nothing is recorded. One that outlives its timeout is recorded as a timeout.
      const { result, stuck } = await guardProbe(
        (probeSignal) => this.#probe(target, { signal: probeSignal }),
        monitor.timeoutMs,
        { graceMs: this.#watchdogGraceMs, external: signal },
      );
      if (stuck) {
        for (const l of this.#stuckListeners) l(monitor, monitor.timeoutMs + this.#watchdogGraceMs);
      }
      if (signal?.aborted) throw new DOMException("Check cancelled", "AbortError");
      // Re-read: the monitor may have been edited, paused or deleted while the probe ran.
      const current = monitors.getMonitor(this.db, monitor.id);
      if (!current) throw new NotFoundError(`Monitor ${monitor.id} was deleted during its check`);
      if (current.updatedAt !== monitor.updatedAt) throw new StaleCheckError(monitor.id);
      return await this.recorder.record(current, result, checkedAt, { signal });
    })();
    this.#busy.set(monitor.id, { updatedAt: monitor.updatedAt, run });
    run.finally(() => {
      if (this.#busy.get(monitor.id)?.run === run) this.#busy.delete(monitor.id);
    }).catch(() => {});
    return run;
  }

  /** Newest checks first. */
  checks(id: number, limit = 50): Check[] {
    this.get(id);
    return recentChecks(this.db, id, Math.max(1, Math.min(limit, 10_000)));
  }

  /** Incidents, newest first. */
  incidents(id: number, limit = 100): Incident[] {
    this.get(id);
    return listIncidents(this.db, id, limit);
  }

  /** Uptime of one monitor over 24 h, 7 d, 30 d and 90 d, from rollups. */
  uptime(id: number): UptimeSummary {
    this.get(id);
    const now = this.#now();
    const pct = (period: Period, from: number) => {
      const c = monitorUptime(this.db, id, period, from);
      return c.count === 0 ? null : (100 * c.upCount) / c.count;
    };
    return {
      h24: pct("hour", now - 24 * HOUR + HOUR),
      d7: pct("day", now - 7 * DAY + DAY),
      d30: pct("day", now - 30 * DAY + DAY),
      d90: pct("day", now - 90 * DAY + DAY),
    };
  }

  /** Uptime of every monitor over 24 h, 7 d and 30 d, keyed by monitor id (one query). */
  uptimeAll(): Map<number, Omit<UptimeSummary, "d90">> {
    return uptimeWindows(this.db, this.#now());
  }

  /** Chart data: hourly buckets for windows up to 7 days, daily beyond. */
  series(
    id: number,
    windowMs: number,
    period: Period = windowMs > 7 * DAY ? "day" : "hour",
  ): Rollup[] {
    this.get(id);
    return rollupSeries(this.db, id, period, this.#now() - windowMs);
  }
}

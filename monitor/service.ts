/** The façade routes and the CLI call: monitors, their checks, incidents and uptime. */
import type {
  Check,
  Incident,
  Monitor,
  MonitorState,
  MonitorStatus,
  ProbeResult,
} from "./types.ts";
import type { Store } from "./store/store.ts";
import { initialState, type Period, type Rollup, type StoredCertificate } from "./store/records.ts";
import { headerPairs, parseReference } from "./monitor_fields.ts";
import { CheckRecorder, type RecordedCheck } from "./recorder.ts";
import { type MonitorInput, monitorToInput, validateMonitor } from "./validate.ts";
import { NotFoundError, StaleCheckError, ValidationError } from "./errors.ts";
import { StorageError } from "./store/health.ts";
import type { ProbeTarget } from "./types.ts";
import { guardProbe, WATCHDOG_GRACE_MS } from "./watchdog.ts";
import { displayStatus } from "./state.ts";
import { ensurePushState, type PushView } from "./push_pings.ts";
import { nextDeadline } from "./push_schedule.ts";
import type { PushState } from "./store/records.ts";
import { type ActiveMaintenance, activeMaintenance } from "./maintenance_windows.ts";

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
  /** The TLS certificate its latest https check read (null for other kinds, or before). */
  certificate: StoredCertificate | null;
  /** Push monitors: token, last ping and next deadline; null for other kinds. */
  push: PushView | null;
  /** The maintenance window covering it now (its status is then `maintenance`), or null. */
  maintenance: ActiveMaintenance | null;
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
  readonly store: Store;
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
      store: Store;
      probe: ProbeFn;
      now?: () => number;
      recorder?: CheckRecorder;
      /** Time past a monitor's timeout before its probe is abandoned (tests shorten it). */
      watchdogGraceMs?: number;
    },
  ) {
    this.store = opts.store;
    this.#watchdogGraceMs = opts.watchdogGraceMs ?? WATCHDOG_GRACE_MS;
    this.#probe = opts.probe;
    this.#now = opts.now ?? Date.now;
    this.recorder = opts.recorder ?? new CheckRecorder(opts.store);
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

  #view(
    monitor: Monitor,
    state: MonitorState,
    lastCheck: Check | null,
    certificate: StoredCertificate | null,
    pushState: PushState | null,
    maintenance: ActiveMaintenance | null,
  ): MonitorView {
    const push = monitor.kind === "push" && pushState
      ? {
        state: pushState,
        next: monitor.active ? nextDeadline(monitor, pushState, monitor.updatedAt) : null,
      }
      : null;
    return {
      monitor,
      state,
      status: displayStatus(monitor, state, maintenance !== null),
      lastCheck,
      certificate,
      push,
      maintenance,
    };
  }

  /** Every monitor, websites each followed by their internal apps. */
  async list(): Promise<MonitorView[]> {
    const [all, states, latest, certificates, pushes, windows] = await Promise.all([
      this.store.monitors.list(),
      this.store.states.all(),
      this.store.dashboard.recentChecksByMonitor(1),
      this.store.certificates.all(),
      this.store.pushes.all(),
      this.store.maintenance.list(),
    ]);
    const maintenance = activeMaintenance(windows, all, this.#now());
    // Never checked: pending since it was created (a stable status_since, not "now").
    return all.map((m) => {
      const state = states.get(m.id) ?? initialState(m.id, m.createdAt);
      const last = latest.get(m.id)?.[0];
      const lastCheck = last && last.id === state.lastCheckId ? last : null;
      return this.#view(
        m,
        state,
        lastCheck,
        certificates.get(m.id) ?? null,
        pushes.get(m.id) ?? null,
        maintenance.get(m.id) ?? null,
      );
    });
  }

  /** One monitor, or throws NotFoundError. */
  async get(id: number): Promise<MonitorView> {
    const m = await this.store.monitors.get(id);
    if (!m) throw new NotFoundError(`No monitor with id ${id}`);
    const state = await this.store.states.get(id, m.createdAt);
    const [last, certificate, push, windows] = await Promise.all([
      state.lastCheckId === null ? null : this.store.checks.get(state.lastCheckId),
      this.store.certificates.get(id),
      m.kind === "push" ? ensurePushState(this.store, id) : null,
      this.store.maintenance.list(),
    ]);
    const maintenance = activeMaintenance(windows, [m], this.#now()).get(id) ?? null;
    return this.#view(m, state, last, certificate, push, maintenance);
  }

  /** A monitor's internal apps. */
  async children(id: number): Promise<Monitor[]> {
    // By id, not by reading the whole list: a website has a few apps, the list thousands.
    const ids = await this.store.monitors.childIds(id);
    const apps = await Promise.all(ids.map((c) => this.store.monitors.get(c)));
    return apps.filter((m) => m !== null);
  }

  /** What validation needs to know about references, read before validating. */
  async #context(input: MonitorInput, existing?: Monitor, rejectUnknown = false) {
    const ref = parseReference(input.parent_id);
    const parent = ref && ref.error === undefined ? await this.store.monitors.get(ref.value) : null;
    const channels = await this.store.channels.list();
    return {
      existing,
      rejectUnknown,
      channelIds: new Set(channels.map((c) => c.id)),
      defaultChannelIds: channels.filter((c) => c.isDefault).map((c) => c.id),
      hasChildren: existing ? (await this.store.monitors.childIds(existing.id)).length > 0 : false,
      getParent: (pid: number) => (parent?.id === pid ? parent : null),
    };
  }

  /** Creates a monitor; throws ValidationError with field messages. First check runs at once. */
  async create(input: MonitorInput, opts: { rejectUnknown?: boolean } = {}): Promise<Monitor> {
    const ctx = await this.#context(input, undefined, opts.rejectUnknown);
    const result = validateMonitor(input, ctx);
    if (result.errors) throw new ValidationError(result.errors);
    const monitor = await this.store.monitors.insert(result.fields, this.#now());
    // Before anyone is told: the API answers with the ping URL, so the token must exist.
    if (monitor.kind === "push") await ensurePushState(this.store, monitor.id);
    this.#changed(monitor.id);
    return monitor;
  }

  /** Applies a partial update (absent fields keep their values). */
  async update(
    id: number,
    patch: MonitorInput,
    opts: { rejectUnknown?: boolean } = {},
  ): Promise<Monitor> {
    const existing = (await this.get(id)).monitor;
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
    const ctx = await this.#context(input, existing, opts.rejectUnknown);
    const result = validateMonitor(input, ctx);
    if (result.errors) throw new ValidationError(result.errors);
    const monitor = await this.store.monitors.update(id, result.fields, this.#now());
    if (!monitor) throw new NotFoundError(`No monitor with id ${id}`);
    if (monitor.kind === "push") await ensurePushState(this.store, monitor.id);
    this.#changed(id);
    return monitor;
  }

  /** Pauses or resumes a monitor. */
  setActive(id: number, active: boolean): Promise<Monitor> {
    return this.update(id, { active });
  }

  /** Deletes a monitor with its internal apps and all history. */
  async remove(id: number): Promise<void> {
    const children = await this.store.monitors.childIds(id);
    if (!(await this.store.monitors.delete(id))) {
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
    if ((await this.get(id)).monitor.kind === "push") {
      throw new ValidationError({
        kind: "A push monitor is not probed: it is checked when its job pings its URL",
      });
    }
    // An edit racing the probe makes its result stale; probe again with the new settings.
    for (let attempt = 1;; attempt++) {
      try {
        return await this.runCheck((await this.get(id)).monitor, signal);
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
    if (monitor.kind === "push") {
      return Promise.reject(new ValidationError({ kind: "A push monitor is not probed" }));
    }
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
        method: monitor.httpMethod,
        headers: headerPairs(monitor.httpHeaders),
        body: monitor.httpBody === "" ? null : monitor.httpBody,
        auth: monitor.auth === "basic"
          ? { type: "basic", user: monitor.authUser, secret: monitor.authSecret }
          : monitor.auth === "bearer"
          ? { type: "bearer", secret: monitor.authSecret }
          : null,
        userAgent: monitor.userAgent,
        assertions: monitor.assertions,
        inspectCertificate: monitor.kind === "http",
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
      let current: Monitor | null;
      try {
        current = await this.store.monitors.get(monitor.id);
      } catch (err) {
        // The database is unreachable: keep the result rather than lose the check.
        if (err instanceof StorageError) this.recorder.keep(monitor, result, checkedAt);
        throw err;
      }
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
  async checks(id: number, limit = 50): Promise<Check[]> {
    await this.#mustExist(id);
    return await this.store.checks.recent(id, Math.max(1, Math.min(limit, 10_000)));
  }

  async #mustExist(id: number): Promise<void> {
    if (!(await this.store.monitors.get(id))) throw new NotFoundError(`No monitor with id ${id}`);
  }

  /** Incidents, newest first. */
  async incidents(id: number, limit = 100): Promise<Incident[]> {
    await this.#mustExist(id);
    return await this.store.incidents.list(id, limit);
  }

  /** Uptime of one monitor over 24 h, 7 d, 30 d and 90 d, from rollups. */
  async uptime(id: number): Promise<UptimeSummary> {
    await this.#mustExist(id);
    const now = this.#now();
    const pct = async (period: Period, from: number) => {
      const c = await this.store.rollups.uptime(id, period, from);
      return c.count === 0 ? null : (100 * c.upCount) / c.count;
    };
    const [h24, d7, d30, d90] = await Promise.all([
      pct("hour", now - 24 * HOUR + HOUR),
      pct("day", now - 7 * DAY + DAY),
      pct("day", now - 30 * DAY + DAY),
      pct("day", now - 90 * DAY + DAY),
    ]);
    return { h24, d7, d30, d90 };
  }

  /** Uptime of every monitor over 24 h, 7 d and 30 d, keyed by monitor id (one query). */
  uptimeAll(): Promise<Map<number, Omit<UptimeSummary, "d90">>> {
    return this.store.dashboard.uptimeWindows(this.#now());
  }

  /** Chart data: hourly buckets for windows up to 7 days, daily beyond. */
  async series(
    id: number,
    windowMs: number,
    period: Period = windowMs > 7 * DAY ? "day" : "hour",
  ): Promise<Rollup[]> {
    await this.#mustExist(id);
    return await this.store.rollups.series(id, period, this.#now() - windowMs);
  }
}

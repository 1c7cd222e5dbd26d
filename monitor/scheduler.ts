/**
 * The check scheduler. `Deno.cron` calls `tick()` once a minute; each tick arms timers for every
 * check due before the next tick, so sub-minute intervals run within the minute. Checks of one
 * monitor never overlap, and a bounded pool caps how many probes are in flight.
 */
import type { Monitor, MonitorState } from "./types.ts";
import { nextSlot } from "./phase.ts";
import { log } from "./log.ts";
import { NotFoundError, StaleCheckError } from "./errors.ts";
import { StorageError } from "./store/health.ts";

/** What the scheduler needs from the rest of the service. */
export interface SchedulerDeps {
  /** Active monitors with their stored state. */
  loadActive(): Promise<{ monitor: Monitor; state: MonitorState }[]>;
  /** One active monitor, or null when it was paused or deleted. */
  loadOne(id: number): Promise<{ monitor: Monitor; state: MonitorState } | null>;
  /** Probes and records one check, returning the state after it. */
  runCheck(monitor: Monitor, signal: AbortSignal): Promise<MonitorState>;
  /** Probes allowed in flight at once. */
  concurrency: number;
  now?: () => number;
}

interface Entry {
  monitor: Monitor;
  dueAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  running: boolean;
  queued: boolean;
  /** Edited while running: check again as soon as the current run ends. */
  rerun: boolean;
}

/** Figures for /metrics and the benchmark. */
export interface SchedulerStats {
  running: number;
  queued: number;
  scheduled: number;
  checksStarted: number;
  lastTickAt: number | null;
  /** Recent lags (start − due, ms), newest last; at most 10,000. */
  recentLagsMs: number[];
  lagBuckets: Map<number, number>;
  lagSumMs: number;
}

/** Seconds before the next tick that a check may still be armed for (covers a late cron tick). */
const TICK_SLACK_MS = 5_000;
const TICK_MS = 60_000;
/** Upper bounds of the lag histogram, in ms. */
export const LAG_BUCKETS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/** When a monitor is next due after a check that started at `startedAt`. */
export function nextDue(monitor: Monitor, state: MonitorState, startedAt: number): number {
  if (state.state === "pending" && state.consecutiveFailures > 0) {
    return startedAt + monitor.retryIntervalS * 1000;
  }
  // Aligning to the monitor's phase keeps equal-interval monitors spread out for good.
  return nextSlot(monitor.id, monitor.intervalS * 1000, startedAt + monitor.intervalS * 500);
}

/** First due time for a monitor loaded at start-up or after an edit. */
function firstDue(monitor: Monitor, state: MonitorState, now: number): number {
  if (state.lastCheckedAt === null) return now;
  const due = nextDue(monitor, state, state.lastCheckedAt);
  // Overdue after a restart: take the next phase slot rather than firing everything at once.
  return due >= now ? due : nextSlot(monitor.id, Math.min(monitor.intervalS, 60) * 1000, now);
}

/** Runs checks on time. */
export class Scheduler {
  #deps: SchedulerDeps;
  #now: () => number;
  /** Load sequence numbers: each load takes the next one. */
  #loads = 0;
  /** The sequence number of the newest applied load of each monitor (by refresh). */
  #loadedAt = new Map<number, number>();
  #entries = new Map<number, Entry>();
  #queue: Entry[] = [];
  #running = 0;
  #windowEnd = 0;
  #started = false;
  #abort = new AbortController();
  #inflight = new Set<Promise<void>>();
  #stats: SchedulerStats = {
    running: 0,
    queued: 0,
    scheduled: 0,
    checksStarted: 0,
    lastTickAt: null,
    recentLagsMs: [],
    lagBuckets: new Map(LAG_BUCKETS_MS.map((b) => [b, 0])),
    lagSumMs: 0,
  };

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Whether `start()` was called and `stop()` was not. */
  get running(): boolean {
    return this.#started;
  }

  /** Loads every active monitor and plans the first minute. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#abort = new AbortController();
    // The first tick loads asynchronously; until it lands, the clock counts as just ticked.
    this.#stats.lastTickAt = this.#now();
    this.tick().catch((err) => log.error("scheduler.tick_failed", { error: err }));
  }

  /**
   * Reconciles with the database and arms every check due before the next tick.
   * Called by `Deno.cron` each minute; cheap (no probing happens here).
   */
  async tick(): Promise<void> {
    if (!this.#started) return;
    const seq = ++this.#loads;
    const active = await this.#deps.loadActive();
    if (!this.#started) return;
    const now = this.#now();
    this.#stats.lastTickAt = now;
    this.#windowEnd = now + TICK_MS + TICK_SLACK_MS;
    const seen = new Set<number>();
    for (const { monitor, state } of active) {
      seen.add(monitor.id);
      const entry = this.#entries.get(monitor.id);
      // A refresh that loaded after this tick's read knows better than this snapshot.
      if (!this.#newest(monitor.id, seq)) {
        if (entry) this.#arm(entry);
        continue;
      }
      if (!entry) this.#add(monitor, firstDue(monitor, state, now));
      else if (monitor.updatedAt !== entry.monitor.updatedAt) this.#replace(entry, monitor, now);
      else this.#arm(entry);
    }
    for (const [id, entry] of this.#entries) {
      if (!seen.has(id) && this.#newest(id, seq)) this.#drop(entry);
    }
  }

  /**
   * Applies a create, edit, pause or delete of monitor `id` at once. Loads may finish out of
   * order; only the newest load of a monitor is applied.
   */
  async refresh(id: number): Promise<void> {
    if (!this.#started) return;
    const seq = ++this.#loads;
    const loaded = await this.#deps.loadOne(id);
    if (!this.#started || !this.#newest(id, seq)) return;
    const entry = this.#entries.get(id);
    if (!loaded) {
      if (entry) this.#drop(entry);
      return;
    }
    if (entry) this.#replace(entry, loaded.monitor, this.#now());
    else this.#add(loaded.monitor, this.#now());
  }

  /** Whether load `seq` is the newest applied for monitor `id` (it then becomes so). */
  #newest(id: number, seq: number): boolean {
    if ((this.#loadedAt.get(id) ?? -1) > seq) return false;
    this.#loadedAt.set(id, seq);
    return true;
  }

  /** Stops arming checks, cancels probes in flight and waits for them to finish. */
  async stop(): Promise<void> {
    this.#started = false;
    for (const entry of this.#entries.values()) this.#clear(entry);
    this.#entries.clear();
    this.#queue = [];
    this.#abort.abort();
    await Promise.allSettled([...this.#inflight]);
  }

  /** Current figures. */
  stats(): SchedulerStats {
    this.#stats.running = this.#running;
    this.#stats.queued = this.#queue.length;
    this.#stats.scheduled = this.#entries.size;
    return this.#stats;
  }

  #add(monitor: Monitor, dueAt: number): void {
    const entry: Entry = {
      monitor,
      dueAt,
      timer: null,
      running: false,
      queued: false,
      rerun: false,
    };
    this.#entries.set(monitor.id, entry);
    this.#arm(entry);
  }

  /** An edited monitor is checked at once with its new settings. */
  #replace(entry: Entry, monitor: Monitor, now: number): void {
    entry.monitor = monitor;
    if (entry.running) {
      entry.rerun = true;
      return;
    }
    this.#clear(entry);
    entry.dueAt = now;
    this.#arm(entry);
  }

  #drop(entry: Entry): void {
    this.#clear(entry);
    this.#entries.delete(entry.monitor.id);
    this.#queue = this.#queue.filter((e) => e !== entry);
  }

  #clear(entry: Entry): void {
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.timer = null;
  }

  #arm(entry: Entry): void {
    if (entry.timer !== null || entry.running || entry.queued) return;
    if (entry.dueAt >= this.#windowEnd) return; // a later tick arms it
    const delay = Math.max(0, entry.dueAt - this.#now());
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (this.#entries.get(entry.monitor.id) !== entry) return;
      entry.queued = true;
      this.#queue.push(entry);
      this.#pump();
    }, delay);
  }

  #pump(): void {
    while (this.#running < this.#deps.concurrency && this.#queue.length > 0) {
      const entry = this.#queue.shift()!;
      entry.queued = false;
      this.#run(entry);
    }
  }

  #recordLag(lag: number): void {
    const s = this.#stats;
    s.checksStarted++;
    s.lagSumMs += lag;
    s.recentLagsMs.push(lag);
    if (s.recentLagsMs.length > 10_000) s.recentLagsMs.splice(0, s.recentLagsMs.length - 10_000);
    for (const b of LAG_BUCKETS_MS) if (lag <= b) s.lagBuckets.set(b, s.lagBuckets.get(b)! + 1);
  }

  #run(entry: Entry): void {
    const startedAt = this.#now();
    this.#recordLag(Math.max(0, startedAt - entry.dueAt));
    entry.running = true;
    this.#running++;
    const monitor = entry.monitor;
    const done = (async () => {
      let next = startedAt + monitor.intervalS * 1000;
      try {
        const state = await this.#deps.runCheck(monitor, this.#abort.signal);
        next = nextDue(monitor, state, startedAt);
      } catch (err) {
        // A failing check never stops the scheduler. Checks cancelled by stop() and results
        // dropped because the monitor was edited, paused or deleted meanwhile are expected.
        const expected = this.#abort.signal.aborted || err instanceof StaleCheckError ||
          err instanceof NotFoundError;
        if (expected) log.debug("scheduler.check_dropped", { monitor: monitor.id, reason: err });
        // Kept by the recorder and written with the next result; storage health logs the cause.
        else if (err instanceof StorageError) {
          log.debug("scheduler.check_unstored", { monitor: monitor.id, reason: err });
        } else log.error("scheduler.check_failed", { monitor: monitor.id, error: err });
      } finally {
        entry.running = false;
        this.#running--;
      }
      if (!this.#started || this.#entries.get(monitor.id) !== entry) return this.#pump();
      entry.dueAt = entry.rerun ? this.#now() : next;
      entry.rerun = false;
      this.#arm(entry);
      this.#pump();
    })();
    this.#inflight.add(done);
    done.finally(() => this.#inflight.delete(done));
  }
}

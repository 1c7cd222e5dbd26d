/**
 * Fires a push monitor's late check on time: one timer per active push monitor, armed for its
 * next deadline (expected ping + grace). The minute tick of the scheduler backbone reloads every
 * deadline, so a lost timer or an edit made by another process is caught within a minute; a ping,
 * edit or late check re-arms its monitor at once. Deadlines come from stored state only, so a
 * restart arms the same deadlines again (a deadline passed while down fires at once).
 */
import { log } from "./log.ts";

/** What the watcher needs from the push service. */
export interface PushWatchDeps {
  deadlines(): Promise<Map<number, number>>;
  deadline(id: number): Promise<number | null>;
  /** Records the late check if still due. */
  recordLate(id: number): Promise<boolean>;
  now?: () => number;
}

/** Longest single timer: longer waits are re-armed, keeping setTimeout in range. */
const MAX_TIMER_MS = 3_600_000;
/** Fired this long after the deadline, so "late" never races a ping sent at the last second. */
const FIRE_SLACK_MS = 50;

/** Timers for push monitors' deadlines. */
export class PushWatcher {
  #deps: PushWatchDeps;
  #now: () => number;
  #timers = new Map<number, { at: number; timer: ReturnType<typeof setTimeout> }>();
  #started = false;
  #inflight = new Set<Promise<unknown>>();
  /** Load sequence per monitor: a slow load never overrides a newer one. */
  #seq = 0;
  #loadedAt = new Map<number, number>();

  constructor(deps: PushWatchDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Monitors with an armed deadline. */
  get armed(): number {
    return this.#timers.size;
  }

  /** Loads every deadline and arms the timers. */
  start(): Promise<void> {
    this.#started = true;
    return this.tick();
  }

  /** Reloads every deadline (called once a minute by the cron backbone). */
  async tick(): Promise<void> {
    if (!this.#started) return;
    const seq = ++this.#seq;
    const all = await this.#track(this.#deps.deadlines());
    if (!this.#started) return;
    for (const [id, at] of all) if (this.#newest(id, seq)) this.#arm(id, at);
    for (const id of [...this.#timers.keys()]) {
      if (!all.has(id) && this.#newest(id, seq)) this.#clear(id);
    }
  }

  /** Re-reads one monitor's deadline (after a create, edit, pause, delete, ping or late check). */
  async refresh(id: number): Promise<void> {
    if (!this.#started) return;
    const seq = ++this.#seq;
    const at = await this.#track(this.#deps.deadline(id));
    if (!this.#started || !this.#newest(id, seq)) return;
    if (at === null) this.#clear(id);
    else this.#arm(id, at);
  }

  /** Clears every timer and waits for late checks in flight. */
  async stop(): Promise<void> {
    this.#started = false;
    for (const id of [...this.#timers.keys()]) this.#clear(id);
    await Promise.allSettled([...this.#inflight]);
  }

  #newest(id: number, seq: number): boolean {
    if ((this.#loadedAt.get(id) ?? -1) > seq) return false;
    this.#loadedAt.set(id, seq);
    return true;
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    p.finally(() => this.#inflight.delete(p)).catch(() => {});
    return p;
  }

  #clear(id: number): void {
    const t = this.#timers.get(id);
    if (t) clearTimeout(t.timer);
    this.#timers.delete(id);
  }

  #arm(id: number, at: number): void {
    const current = this.#timers.get(id);
    if (current?.at === at) return;
    this.#clear(id);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.#now() + FIRE_SLACK_MS));
    const timer = setTimeout(() => {
      if (this.#timers.get(id)?.timer !== timer) return;
      this.#timers.delete(id);
      this.#fire(id, at);
    }, delay);
    this.#timers.set(id, { at, timer });
  }

  #fire(id: number, at: number): void {
    if (!this.#started) return;
    const run = (async () => {
      try {
        if (this.#now() >= at) await this.#deps.recordLate(id);
      } catch (err) {
        // The next tick retries: the deadline is still unrecorded in the store.
        log.error("push.late_failed", { monitor: id, error: err });
      }
      await this.refresh(id);
    })();
    this.#track(run).catch(() => {});
  }
}

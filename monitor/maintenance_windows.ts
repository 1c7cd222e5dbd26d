/**
 * Maintenance windows as the dashboard, the API, the recorder and status pages use them:
 * validation, CRUD, which window covers a monitor at a time, and upcoming occurrences.
 *
 * A window covers the monitors it lists and the internal apps of the websites it lists. While it
 * does (evaluated at each check's time), checks run and are stored flagged `maintenance`, the
 * state machine runs, but alerts are recorded as skipped ("maintenance: <name>"), uptime skips
 * those checks, and the status shows MAINTENANCE.
 */
import type { MaintenanceSchedule, MaintenanceWindow, Monitor, MonitorStatus } from "./types.ts";
import type { Repositories, Store } from "./store/store.ts";
import { initialState, type MaintenanceFields } from "./store/records.ts";
import { displayStatus } from "./state.ts";
import { NotFoundError, ValidationError } from "./errors.ts";
import { log } from "./log.ts";
import {
  activeAt,
  nextOccurrence,
  type Occurrence,
  occurrences,
  type ScheduleInput,
  validateSchedule,
} from "./maintenance_schedule.ts";

/** Input of create/update, as the API sends it (forms are mapped to it by the route). */
export interface MaintenanceInput {
  name?: unknown;
  description?: unknown;
  monitor_ids?: unknown;
  schedule?: unknown;
}

/** The keys a window body may have (others are refused). */
export const MAINTENANCE_KEYS: ReadonlySet<string> = new Set([
  "name",
  "description",
  "monitor_ids",
  "schedule",
]);
const SCHEDULE_KEYS: ReadonlySet<string> = new Set([
  "kind",
  "starts_at",
  "ends_at",
  "weekdays",
  "time",
  "duration_min",
  "cron",
  "timezone",
]);

const NAME_MAX = 100;
const DESCRIPTION_MAX = 2000;

/** A window with what lists show about it. */
export interface MaintenanceView {
  window: MaintenanceWindow;
  /** The occurrence in progress, else the next one; null when none is left. */
  next: Occurrence | null;
  /** Whether `next` is in progress now. */
  active: boolean;
}

/** The window covering a monitor at some time, and the occurrence that does. */
export interface ActiveMaintenance {
  window: MaintenanceWindow;
  occurrence: Occurrence;
}

/** One upcoming (or current) occurrence of a window, for status pages. */
export interface UpcomingMaintenance extends ActiveMaintenance {
  /** The requested monitors this window covers. */
  monitorIds: number[];
}

/** Whether `window` covers `monitor` (listed itself, or its website listed). */
export function covers(
  window: Pick<MaintenanceWindow, "monitorIds">,
  monitor: Pick<Monitor, "id" | "parentId">,
): boolean {
  return window.monitorIds.includes(monitor.id) ||
    (monitor.parentId !== null && window.monitorIds.includes(monitor.parentId));
}

/**
 * The window covering `monitor` at `t`, or null; of several, the one ending last (alerts resume
 * only when every covering window is over).
 */
export function activeWindowFor(
  windows: readonly MaintenanceWindow[],
  monitor: Pick<Monitor, "id" | "parentId">,
  t: number,
): ActiveMaintenance | null {
  let best: ActiveMaintenance | null = null;
  for (const w of windows) {
    if (!covers(w, monitor)) continue;
    const occurrence = activeAt(w.schedule, t);
    if (occurrence && (!best || occurrence.end > best.occurrence.end)) {
      best = { window: w, occurrence };
    }
  }
  return best;
}

/** The active window of every covered monitor at `t`, by monitor id. */
export function activeMaintenance(
  windows: readonly MaintenanceWindow[],
  monitors: readonly Pick<Monitor, "id" | "parentId">[],
  t: number,
): Map<number, ActiveMaintenance> {
  const out = new Map<number, ActiveMaintenance>();
  if (windows.length === 0) return out;
  for (const m of monitors) {
    const a = activeWindowFor(windows, m, t);
    if (a) out.set(m.id, a);
  }
  return out;
}

/**
 * Occurrences in progress at `now` or starting within `horizonMs`, of the windows covering any
 * of `monitorIds` (directly or through their website), soonest first. For status pages.
 */
export async function upcomingMaintenance(
  store: Pick<Repositories, "maintenance" | "monitors">,
  monitorIds: readonly number[],
  now: number,
  horizonMs: number,
): Promise<UpcomingMaintenance[]> {
  const windows = await store.maintenance.list();
  if (windows.length === 0 || monitorIds.length === 0) return [];
  const wanted = new Set(monitorIds);
  const monitors = (await store.monitors.list()).filter((m) => wanted.has(m.id));
  const out: UpcomingMaintenance[] = [];
  for (const window of windows) {
    const ids = monitors.filter((m) => covers(window, m)).map((m) => m.id);
    if (ids.length === 0) continue;
    for (const occurrence of occurrences(window.schedule, now, now + horizonMs)) {
      out.push({ window, occurrence, monitorIds: ids });
    }
  }
  return out.sort((a, b) => a.occurrence.start - b.occurrence.start || a.window.id - b.window.id);
}

/** Validates input against the existing window (absent fields keep its values). */
export function validateMaintenance(
  input: MaintenanceInput,
  ctx: { existing?: MaintenanceWindow; monitorIds: ReadonlySet<number>; rejectUnknown?: boolean },
): MaintenanceFields {
  const errors: Record<string, string> = {};
  const e = ctx.existing;
  if (ctx.rejectUnknown) {
    for (const key of Object.keys(input)) {
      if (!MAINTENANCE_KEYS.has(key)) errors[key] = "Unknown field";
    }
    const s = input.schedule;
    if (s && typeof s === "object" && !Array.isArray(s)) {
      for (const key of Object.keys(s)) {
        if (!SCHEDULE_KEYS.has(key)) errors[`schedule.${key}`] = "Unknown field";
      }
    }
  }
  let name = e?.name ?? "";
  if (input.name !== undefined || !e) {
    name = typeof input.name === "string" ? input.name.trim() : "";
    if (name === "") errors.name = "Required";
    else if (name.length > NAME_MAX) errors.name = `At most ${NAME_MAX} characters`;
  }
  let description = e?.description ?? "";
  if (input.description !== undefined && input.description !== null) {
    if (typeof input.description !== "string") errors.description = "Must be a string";
    else if (input.description.length > DESCRIPTION_MAX) {
      errors.description = `At most ${DESCRIPTION_MAX} characters`;
    } else description = input.description.trim();
  }
  let monitorIds = e?.monitorIds ?? [];
  if (input.monitor_ids !== undefined || !e) {
    const raw = input.monitor_ids;
    const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
    const ids = list.map((v) => (typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : v));
    if (ids.some((v) => typeof v !== "number" || !Number.isInteger(v))) {
      errors.monitor_ids = "Must be a list of monitor ids";
    } else if (ids.length === 0) {
      errors.monitor_ids = "Pick at least one monitor";
    } else {
      const unknown = (ids as number[]).filter((id) => !ctx.monitorIds.has(id));
      if (unknown.length) errors.monitor_ids = `No monitor with id ${unknown.join(", ")}`;
      monitorIds = [...new Set(ids as number[])].sort((a, b) => a - b);
    }
  }
  let schedule: MaintenanceSchedule | undefined = e?.schedule;
  if (input.schedule !== undefined || !e) {
    const s = input.schedule;
    if (!s || typeof s !== "object" || Array.isArray(s)) {
      errors["schedule.kind"] = 'Required: an object with "kind" once, weekly or cron';
    } else {
      const r = validateSchedule(s as ScheduleInput);
      if (r.errors) Object.assign(errors, r.errors);
      else schedule = r.schedule;
    }
  }
  if (Object.keys(errors).length || !schedule) {
    throw new ValidationError(
      errors,
      Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join("; "),
    );
  }
  return { name, description, monitorIds, schedule };
}

/** Manages maintenance windows. */
export class MaintenanceService {
  #store: Store;
  #now: () => number;

  constructor(store: Store, opts: { now?: () => number } = {}) {
    this.#store = store;
    this.#now = opts.now ?? Date.now;
  }

  #view(window: MaintenanceWindow, now: number): MaintenanceView {
    const next = nextOccurrence(window.schedule, now);
    return { window, next, active: next !== null && next.start <= now };
  }

  /** Every window by name, with its next occurrence. */
  async list(): Promise<MaintenanceView[]> {
    const now = this.#now();
    return (await this.#store.maintenance.list()).map((w) => this.#view(w, now));
  }

  /** One window, or NotFoundError. */
  async get(id: number): Promise<MaintenanceView> {
    const w = await this.#store.maintenance.get(id);
    if (!w) throw new NotFoundError(`No maintenance window with id ${id}`);
    return this.#view(w, this.#now());
  }

  async #monitorIds(): Promise<Set<number>> {
    return new Set((await this.#store.monitors.list()).map((m) => m.id));
  }

  /** Creates a window; ValidationError with field messages. */
  async create(
    input: MaintenanceInput,
    opts: { rejectUnknown?: boolean } = {},
  ): Promise<MaintenanceView> {
    const fields = validateMaintenance(input, { ...opts, monitorIds: await this.#monitorIds() });
    const w = await this.#store.maintenance.insert(fields, this.#now());
    log.info("maintenance.created", { window: w.id, name: w.name });
    return this.#view(w, this.#now());
  }

  /** Changes a window; absent fields keep their values, a given schedule replaces it. */
  async update(
    id: number,
    input: MaintenanceInput,
    opts: { rejectUnknown?: boolean } = {},
  ): Promise<MaintenanceView> {
    const existing = (await this.get(id)).window;
    const fields = validateMaintenance(input, {
      ...opts,
      existing,
      monitorIds: await this.#monitorIds(),
    });
    const w = await this.#store.maintenance.update(id, fields, this.#now());
    if (!w) throw new NotFoundError(`No maintenance window with id ${id}`);
    return this.#view(w, this.#now());
  }

  /** Deletes a window; NotFoundError when missing. */
  async remove(id: number): Promise<void> {
    if (!(await this.#store.maintenance.delete(id))) {
      throw new NotFoundError(`No maintenance window with id ${id}`);
    }
    log.info("maintenance.deleted", { window: id });
  }

  /** The active window of every covered monitor now (or at `t`), by monitor id. */
  async active(
    monitors: readonly Pick<Monitor, "id" | "parentId">[],
    t = this.#now(),
  ): Promise<Map<number, ActiveMaintenance>> {
    return activeMaintenance(await this.#store.maintenance.list(), monitors, t);
  }

  /** The windows covering `monitor` (listed or through its website), with their next times. */
  async forMonitor(monitor: Pick<Monitor, "id" | "parentId">): Promise<MaintenanceView[]> {
    const now = this.#now();
    return (await this.#store.maintenance.list()).filter((w) => covers(w, monitor))
      .map((w) => this.#view(w, now));
  }

  /** See {@link upcomingMaintenance}. */
  upcoming(monitorIds: readonly number[], horizonMs: number): Promise<UpcomingMaintenance[]> {
    return upcomingMaintenance(this.#store, monitorIds, this.#now(), horizonMs);
  }
}

/**
 * Monitor counts by displayed status, with MAINTENANCE: the store's counts, each active monitor a
 * window covers moved from its underlying status to `maintenance` (paused still wins). `base`:
 * the store's counts when the caller has just read them (with `statusSummary()`).
 */
export async function statusCounts(
  store: Pick<Repositories, "dashboard" | "maintenance" | "monitors" | "states">,
  now: number,
  base?: Omit<Record<MonitorStatus, number>, "maintenance">,
): Promise<Record<MonitorStatus, number>> {
  const [counted, windows] = await Promise.all([
    base ?? store.dashboard.statusCounts(),
    store.maintenance.list(),
  ]);
  const counts: Record<MonitorStatus, number> = { ...counted, maintenance: 0 };
  if (windows.length === 0) return counts;
  const monitors = (await store.monitors.list()).filter((m) => m.active);
  const active = activeMaintenance(windows, monitors, now);
  if (active.size === 0) return counts;
  const states = await store.states.all();
  for (const m of monitors) {
    if (!active.has(m.id)) continue;
    counts[displayStatus(m, states.get(m.id) ?? initialState(m.id, m.createdAt))]--;
    counts.maintenance++;
  }
  return counts;
}

/**
 * The wiring half of the composition root (main.ts is the process half): builds the running
 * service from a config (database, services, scheduler, cron jobs). Kept out of monitor/ so the
 * domain code never depends on how it is assembled; tests build in-process services with it.
 */
import { dirname } from "node:path";
import { settleWithin } from "./monitor/settle.ts";
import type { Config } from "./monitor/config.ts";
import type { Store } from "./monitor/store/store.ts";
import { openStore } from "./monitor/store/open.ts";
import type { StorageStatus } from "./monitor/store/health.ts";
import { acquireInstanceLock, type InstanceLock } from "./monitor/instance_lock.ts";
import { MonitorService, type ProbeFn } from "./monitor/service.ts";
import { Accounts } from "./monitor/auth/accounts.ts";
import { Scheduler } from "./monitor/scheduler.ts";
import { CheckMetrics } from "./monitor/metrics.ts";
import { finalizeRollups, pruneHistory } from "./monitor/maintenance.ts";
import { probe as realProbe } from "./monitor/probe.ts";
import { initialState } from "./monitor/store/records.ts";
import { log } from "./monitor/log.ts";
import type { MonitorStatus } from "./monitor/types.ts";
import { ChannelService } from "./monitor/alerts/channel_service.ts";
import {
  MaintenanceService,
  statusCounts as maintenanceStatusCounts,
  upcomingMaintenance,
} from "./monitor/maintenance_windows.ts";
import { SlaService } from "./monitor/sla.ts";
import { PushService } from "./monitor/push_pings.ts";
import { PushWatcher } from "./monitor/push_watch.ts";
import { StatusPageService } from "./monitor/status_pages.ts";
import {
  type AlertService,
  type AlertTuning,
  createAlertService,
} from "./monitor/alerts/service.ts";

/** Everything the routes and the CLI need, wired together. */
export interface Runtime {
  config: Config;
  store: Store;
  service: MonitorService;
  accounts: Accounts;
  scheduler: Scheduler;
  /** Push monitors: pings, tokens and late checks. */
  push: PushService;
  /** Fires push monitors' late checks at their deadlines. */
  pushWatcher: PushWatcher;
  metrics: CheckMetrics;
  /** DOWN/RECOVERED emails: outbox writer, sender loop, status, history, test email. */
  alerts: AlertService;
  /** Notification channels (Slack, PagerDuty, webhooks, …): settings and test sends. */
  channels: ChannelService;
  /** Maintenance windows: CRUD, which covers a monitor now, upcoming occurrences. */
  maintenance: MaintenanceService;
  /** Monthly SLA reports (uptime without maintenance, downtime, incidents). */
  sla: SlaService;
  /** Public status pages, their incidents, and the monitors' public badges. */
  statusPages: StatusPageService;
  startedAt: number;
  /** Whether storage writes work right now (for /healthz). */
  storage(): StorageStatus;
  /** Monitor counts by status, for /metrics and the summary bar. */
  statusCounts(): Promise<Record<MonitorStatus, number>>;
  /** Starts the scheduler and (unless disabled) the cron jobs. */
  start(): void;
  /** Stops cron jobs and the scheduler, waits for probes in flight, closes the database. */
  stop(): Promise<void>;
}

/** Options mostly for tests. */
export interface RuntimeOptions {
  probe?: ProbeFn;
  /** Register Deno.cron jobs (a process can register each name only once). Default true. */
  cron?: boolean;
  /** Alert timing overrides (tests shrink the grouping window and retry delays). */
  alerts?: Partial<AlertTuning>;
  /** Time past a monitor's timeout before the watchdog abandons its probe. */
  watchdogGraceMs?: number;
}

/** The longest `stop()` waits for checks in flight before closing anyway. */
const STOP_WAIT_MS = 3_000;

/** How far ahead status pages announce maintenance, and at most how many windows. */
const UPCOMING_MAINTENANCE_MS = 14 * 86_400_000;
const UPCOMING_MAINTENANCE_MAX = 10;

/** Opens the database and builds the services; nothing runs until `start()`. */
export async function createRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
  const sqliteFile = config.databaseUrl === null && config.databasePath !== ":memory:";
  // Before opening: a second instance must not even run migrations on a live database.
  let lock: InstanceLock | null = null;
  if (sqliteFile) {
    Deno.mkdirSync(dirname(config.databasePath), { recursive: true });
    lock = acquireInstanceLock(config.databasePath);
  }
  let store: Store;
  try {
    store = await openStore(config, { service: true });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const service = new MonitorService({
    store,
    probe: opts.probe ?? realProbe,
    watchdogGraceMs: opts.watchdogGraceMs,
  });
  const accounts = new Accounts(store);
  const metrics = new CheckMetrics();
  service.recorder.onRecorded((e) => metrics.observe(e));
  service.onStuck((monitor, afterMs) => {
    metrics.observeStuck();
    log.warn("scheduler.check_stuck", {
      monitor: monitor.id,
      name: monitor.name,
      timeoutMs: monitor.timeoutMs,
      abandonedAfterMs: afterMs,
    });
  });
  const alerts = createAlertService(
    { store, config, recorder: service.recorder },
    opts.alerts,
  );
  const scheduler = new Scheduler({
    concurrency: config.checkConcurrency,
    // Once a minute: monitors and states only (service.list() would also read every last check).
    loadActive: async () => {
      const [all, states] = await Promise.all([store.monitors.list(), store.states.all()]);
      // Push monitors are never probed: the push watcher times them.
      return all.filter((m) => m.active && m.kind !== "push").map((monitor) => ({
        monitor,
        state: states.get(monitor.id) ?? initialState(monitor.id, monitor.createdAt),
      }));
    },
    loadOne: async (id) => {
      const monitor = await store.monitors.get(id);
      return monitor?.active && monitor.kind !== "push"
        ? { monitor, state: await store.states.get(id) }
        : null;
    },
    runCheck: async (monitor, signal) => (await service.runCheck(monitor, signal)).state,
  });
  const push = new PushService({ store, recorder: service.recorder });
  const pushWatcher = new PushWatcher(push);
  const refreshPush = (id: number) =>
    pushWatcher.refresh(id).catch((err) => log.error("push.refresh_failed", { id, error: err }));
  push.onTimingChanged(refreshPush);
  service.onChange((id) => {
    scheduler.refresh(id).catch((err) => log.error("scheduler.refresh_failed", { id, error: err }));
    refreshPush(id);
  });

  const crons = new AbortController();
  const cronJobs: Promise<void>[] = [];
  // Jobs now running: stop() waits for them, since they yield and would outlive db.close().
  const runningJobs = new Set<Promise<void>>();
  const guarded = (name: string, job: () => unknown) => async () => {
    const run = Promise.resolve().then(job).then(() => {});
    runningJobs.add(run);
    try {
      await run;
    } catch (err) {
      // Logged and swallowed: Deno.cron would otherwise retry a failing job in a tight loop.
      log.error("cron.failed", { job: name, error: err });
    } finally {
      runningJobs.delete(run);
    }
  };

  return {
    config,
    store,
    service,
    accounts,
    scheduler,
    push,
    pushWatcher,
    metrics,
    alerts,
    channels: new ChannelService(store, { baseUrl: config.baseUrl }),
    maintenance: new MaintenanceService(store),
    sla: new SlaService(store),
    statusPages: new StatusPageService(store, {
      baseUrl: config.baseUrl,
      // The next occurrence of each window (a nightly window is one entry, not fourteen).
      maintenance: async (monitorIds, now) =>
        (await upcomingMaintenance(store, monitorIds, now, UPCOMING_MAINTENANCE_MS))
          .filter((u, i, all) => all.findIndex((v) => v.window.id === u.window.id) === i)
          .slice(0, UPCOMING_MAINTENANCE_MAX)
          .map((u) => ({
            title: u.window.name,
            startsAt: u.occurrence.start,
            endsAt: u.occurrence.end,
            monitorIds: u.monitorIds,
          })),
    }),
    startedAt: Date.now(),
    storage: () => store.health.status(),
    statusCounts: () => maintenanceStatusCounts(store, Date.now()),
    start() {
      scheduler.start();
      pushWatcher.start().catch((err) => log.error("push.start_failed", { error: err }));
      alerts.start();
      if (opts.cron === false) return;
      const signal = crons.signal;
      cronJobs.push(
        Deno.cron(
          "scheduler-tick",
          "* * * * *",
          { signal },
          guarded("scheduler-tick", () => Promise.all([scheduler.tick(), pushWatcher.tick()])),
        ),
        Deno.cron(
          "rollup-percentiles",
          "7 * * * *",
          { signal },
          guarded("rollup-percentiles", () => finalizeRollups(store)),
        ),
        Deno.cron(
          "retention-prune",
          "17 3 * * *",
          { signal },
          guarded("retention-prune", () => pruneHistory(store, config.retentionDays)),
        ),
      );
    },
    async stop() {
      crons.abort();
      // Every wait is bounded: shutdown must finish whatever targets or the SMTP server do.
      await settleWithin(Promise.allSettled([...cronJobs, ...runningJobs]), STOP_WAIT_MS);
      await settleWithin(scheduler.stop(), STOP_WAIT_MS);
      await settleWithin(pushWatcher.stop(), STOP_WAIT_MS);
      // After the scheduler: its last transitions may have queued alerts.
      await settleWithin(alerts.stop(), STOP_WAIT_MS);
      try {
        await settleWithin(store.close(), STOP_WAIT_MS);
      } finally {
        lock?.release();
      }
    },
  };
}

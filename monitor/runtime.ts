/** Builds the running service from a config: database, services, scheduler and cron jobs. */
import type { Config } from "./config.ts";
import { type Db, openDb } from "./store/db.ts";
import { MonitorService, type ProbeFn } from "./service.ts";
import { Accounts } from "./accounts.ts";
import { Scheduler } from "./scheduler.ts";
import { CheckMetrics } from "./metrics.ts";
import { finalizeRollups, pruneHistory } from "./maintenance.ts";
import { probe as realProbe } from "./probe.ts";
import { allStates, getState, initialState } from "./store/state.ts";
import { log } from "./log.ts";
import { getMonitor, listMonitors } from "./store/monitors.ts";
import type { MonitorStatus } from "./types.ts";
import { statusCounts } from "./store/dashboard.ts";
import { type AlertService, type AlertTuning, createAlertService } from "./alerts/service.ts";

/** Everything the routes and the CLI need, wired together. */
export interface Runtime {
  config: Config;
  db: Db;
  service: MonitorService;
  accounts: Accounts;
  scheduler: Scheduler;
  metrics: CheckMetrics;
  /** DOWN/RECOVERED emails: outbox writer, sender loop, status, history, test email. */
  alerts: AlertService;
  startedAt: number;
  /** Monitor counts by status, for /metrics and the summary bar. */
  statusCounts(): Record<MonitorStatus, number>;
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
}

/** Opens the database and builds the services; nothing runs until `start()`. */
export function createRuntime(config: Config, opts: RuntimeOptions = {}): Runtime {
  const db = openDb(config.databasePath);
  const service = new MonitorService({ db, probe: opts.probe ?? realProbe });
  const accounts = new Accounts(db);
  const metrics = new CheckMetrics();
  service.recorder.onRecorded((e) => metrics.observe(e));
  const alerts = createAlertService({ db, config, recorder: service.recorder }, opts.alerts);
  const scheduler = new Scheduler({
    concurrency: config.checkConcurrency,
    // Once a minute: monitors and states only (service.list() would also read every last check).
    loadActive: () => {
      const states = allStates(db);
      return listMonitors(db).filter((m) => m.active).map((monitor) => ({
        monitor,
        state: states.get(monitor.id) ?? initialState(monitor.id, monitor.createdAt),
      }));
    },
    loadOne: (id) => {
      const monitor = getMonitor(db, id);
      return monitor?.active ? { monitor, state: getState(db, id) } : null;
    },
    runCheck: async (monitor, signal) => (await service.runCheck(monitor, signal)).state,
  });
  service.onChange((id) => scheduler.refresh(id));

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
    db,
    service,
    accounts,
    scheduler,
    metrics,
    alerts,
    startedAt: Date.now(),
    statusCounts: () => statusCounts(db),
    start() {
      scheduler.start();
      alerts.start();
      if (opts.cron === false) return;
      const signal = crons.signal;
      cronJobs.push(
        Deno.cron(
          "scheduler-tick",
          "* * * * *",
          { signal },
          guarded("scheduler-tick", () => scheduler.tick()),
        ),
        Deno.cron(
          "rollup-percentiles",
          "7 * * * *",
          { signal },
          guarded("rollup-percentiles", () => finalizeRollups(db)),
        ),
        Deno.cron(
          "retention-prune",
          "17 3 * * *",
          { signal },
          guarded("retention-prune", () => pruneHistory(db, config.retentionDays)),
        ),
      );
    },
    async stop() {
      crons.abort();
      await Promise.allSettled([...cronJobs, ...runningJobs]);
      await scheduler.stop();
      await alerts.stop(); // after the scheduler: its last transitions may have queued alerts
      db.close();
    },
  };
}

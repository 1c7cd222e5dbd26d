/** Prometheus text exposition of the monitor's own figures. */
import type { RecordedCheck } from "./recorder.ts";
import { LAG_BUCKETS_MS, type SchedulerStats } from "./scheduler.ts";
import type { ErrorKind, MonitorKind, MonitorStatus } from "./types.ts";
import type { StorageStatus } from "./store/health.ts";

/** Figures about the service itself, beside the scheduler's. */
export interface ServiceHealth {
  storage: StorageStatus;
  unstoredChecks: number;
  droppedLogLines: number;
}

const LATENCY_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Escapes a Prometheus label value. */
function label(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** One monitor as /metrics describes it. */
export interface MonitorFigures {
  id: number;
  name: string;
  kind: MonitorKind;
  status: MonitorStatus;
  /** When its TLS certificate expires (epoch ms), for https monitors whose certificate was read. */
  certificateExpiresAt: number | null;
}

/** Counters fed by the recorder since the process started. */
export class CheckMetrics {
  #checks = new Map<string, { id: number; name: string; result: string; n: number }>();
  #failures = new Map<string, { id: number; name: string; cause: ErrorKind; n: number }>();
  #latencyBuckets = LATENCY_BUCKETS_S.map(() => 0);
  #latencyCount = 0;
  #latencySum = 0;
  #lastLatency = new Map<number, { name: string; seconds: number }>();
  #stuck = 0;

  /** Counts one probe abandoned by the watchdog. */
  observeStuck(): void {
    this.#stuck++;
  }

  /** Probes abandoned by the watchdog since start. */
  get stuckChecks(): number {
    return this.#stuck;
  }

  /** Counts one recorded check (wire to `CheckRecorder.onRecorded`). */
  observe(e: RecordedCheck): void {
    const result = e.check.ok ? "up" : "down";
    const key = `${e.monitor.id}:${result}`;
    const c = this.#checks.get(key) ?? { id: e.monitor.id, name: e.monitor.name, result, n: 0 };
    c.n++;
    c.name = e.monitor.name;
    this.#checks.set(key, c);
    if (!e.check.ok) {
      const cause = e.check.errorKind ?? "network";
      const fkey = `${e.monitor.id}:${cause}`;
      const f = this.#failures.get(fkey) ?? { id: e.monitor.id, name: e.monitor.name, cause, n: 0 };
      f.n++;
      f.name = e.monitor.name;
      this.#failures.set(fkey, f);
    }
    const s = e.check.latencyMs / 1000;
    this.#latencyCount++;
    this.#latencySum += s;
    LATENCY_BUCKETS_S.forEach((b, i) => {
      if (s <= b) this.#latencyBuckets[i]++;
    });
    this.#lastLatency.set(e.monitor.id, { name: e.monitor.name, seconds: s });
  }

  /** Renders everything in Prometheus text format 0.0.4. */
  render(
    scheduler: SchedulerStats,
    statusCounts: Record<MonitorStatus, number>,
    health: ServiceHealth,
    monitors: MonitorFigures[] = [],
  ): string {
    const out: string[] = [];
    out.push("# HELP shc_checks_total Checks run since start, by monitor and result.");
    out.push("# TYPE shc_checks_total counter");
    for (const c of this.#checks.values()) {
      out.push(
        `shc_checks_total{monitor_id="${c.id}",monitor="${
          label(c.name)
        }",result="${c.result}"} ${c.n}`,
      );
    }
    out.push("# HELP shc_check_failures_total Failed checks since start, by monitor and cause.");
    out.push("# TYPE shc_check_failures_total counter");
    for (const f of this.#failures.values()) {
      out.push(
        `shc_check_failures_total{monitor_id="${f.id}",monitor="${
          label(f.name)
        }",cause="${f.cause}"} ${f.n}`,
      );
    }
    out.push("# HELP shc_check_latency_seconds Probe latency of every check.");
    out.push("# TYPE shc_check_latency_seconds histogram");
    LATENCY_BUCKETS_S.forEach((b, i) =>
      out.push(`shc_check_latency_seconds_bucket{le="${b}"} ${this.#latencyBuckets[i]}`)
    );
    out.push(`shc_check_latency_seconds_bucket{le="+Inf"} ${this.#latencyCount}`);
    out.push(`shc_check_latency_seconds_sum ${this.#latencySum}`);
    out.push(`shc_check_latency_seconds_count ${this.#latencyCount}`);
    out.push("# HELP shc_monitor_last_latency_seconds Latency of each monitor's latest check.");
    out.push("# TYPE shc_monitor_last_latency_seconds gauge");
    for (const [id, l] of this.#lastLatency) {
      out.push(
        `shc_monitor_last_latency_seconds{monitor_id="${id}",monitor="${
          label(l.name)
        }"} ${l.seconds}`,
      );
    }
    out.push("# HELP shc_scheduler_lag_seconds Delay between a check's due time and its start.");
    out.push("# TYPE shc_scheduler_lag_seconds histogram");
    for (const b of LAG_BUCKETS_MS) {
      out.push(
        `shc_scheduler_lag_seconds_bucket{le="${b / 1000}"} ${scheduler.lagBuckets.get(b) ?? 0}`,
      );
    }
    out.push(`shc_scheduler_lag_seconds_bucket{le="+Inf"} ${scheduler.checksStarted}`);
    out.push(`shc_scheduler_lag_seconds_sum ${scheduler.lagSumMs / 1000}`);
    out.push(`shc_scheduler_lag_seconds_count ${scheduler.checksStarted}`);
    out.push("# HELP shc_scheduler_checks_in_flight Probes running now.");
    out.push("# TYPE shc_scheduler_checks_in_flight gauge");
    out.push(`shc_scheduler_checks_in_flight ${scheduler.running}`);
    out.push("# HELP shc_scheduler_checks_queued Checks due but waiting for a free slot.");
    out.push("# TYPE shc_scheduler_checks_queued gauge");
    out.push(`shc_scheduler_checks_queued ${scheduler.queued}`);
    out.push("# HELP shc_scheduler_checks_stuck_total Probes abandoned by the watchdog.");
    out.push("# TYPE shc_scheduler_checks_stuck_total counter");
    out.push(`shc_scheduler_checks_stuck_total ${this.#stuck}`);
    out.push("# HELP shc_storage_up Whether storage writes work (1) or fail (0).");
    out.push("# TYPE shc_storage_up gauge");
    out.push(`shc_storage_up ${health.storage.ok ? 1 : 0}`);
    out.push("# HELP shc_storage_write_failures_total Writes refused by the storage.");
    out.push("# TYPE shc_storage_write_failures_total counter");
    out.push(`shc_storage_write_failures_total ${health.storage.failedWrites}`);
    out.push("# HELP shc_checks_unstored Results waiting for the storage to accept writes.");
    out.push("# TYPE shc_checks_unstored gauge");
    out.push(`shc_checks_unstored ${health.unstoredChecks}`);
    out.push("# HELP shc_log_lines_dropped_total Log lines that could not be written.");
    out.push("# TYPE shc_log_lines_dropped_total counter");
    out.push(`shc_log_lines_dropped_total ${health.droppedLogLines}`);
    out.push("# HELP shc_monitors Monitors by status.");
    out.push("# TYPE shc_monitors gauge");
    for (const [status, n] of Object.entries(statusCounts)) {
      out.push(`shc_monitors{status="${status}"} ${n}`);
    }
    out.push("# HELP shc_monitor_status Each monitor's displayed status (1), with its kind.");
    out.push("# TYPE shc_monitor_status gauge");
    for (const m of monitors) {
      out.push(
        `shc_monitor_status{monitor_id="${m.id}",monitor="${
          label(m.name)
        }",kind="${m.kind}",status="${m.status}"} 1`,
      );
    }
    out.push(
      "# HELP shc_tls_certificate_expiry_timestamp_seconds When each https monitor's certificate expires.",
    );
    out.push("# TYPE shc_tls_certificate_expiry_timestamp_seconds gauge");
    for (const m of monitors) {
      if (m.certificateExpiresAt === null) continue;
      out.push(
        `shc_tls_certificate_expiry_timestamp_seconds{monitor_id="${m.id}",monitor="${
          label(m.name)
        }"} ${Math.floor(m.certificateExpiresAt / 1000)}`,
      );
    }
    return out.join("\n") + "\n";
  }
}

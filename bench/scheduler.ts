/**
 * Scheduler benchmark: N monitors against a local target fleet, on the real service.
 *
 * ```sh
 * deno run --allow-net --allow-env --allow-read --allow-write --allow-run --allow-sys \
 *   bench/scheduler.ts --monitors 100 --seconds 75 [--interval 60] [--warmup auto] \
 *   [--timeout-ms 5000] [--concurrency N] [--keep] [--database-url postgres://…]
 * ```

With `--database-url` the service stores in PostgreSQL: a fresh schema on that database
(dropped afterwards unless `--keep`), so both engines can be compared on the same machine.
 *
 * What it does:
 * 1. Starts `bench/target_fleet.ts` in its own process (HTTP 200 / slow 200 / 500 / hanging, and
 *    TCP listeners, all on 127.0.0.1).
 * 2. Starts the real `main.ts` in its own process: a fresh SQLite file in a temp dir, a free
 *    PORT, the default CHECK_CONCURRENCY (unless `--concurrency`), real Deno.cron and probes.
 * 3. Makes an API token with `cli/token.ts` and creates N monitors through `POST /api/v1/monitors`
 *    (each is checked at once on creation: the "burst").
 * 4. Waits `--warmup` (default 1.5 × interval: a new monitor's second check comes on its phase
 *    slot 0.5-1.5 intervals after the first, so only then is every monitor in its steady
 *    rhythm), then measures for `--seconds` (the window), sampling `/proc/<pid>` of the
 *    service each second, and scrapes `/metrics` at both ends of the window.
 * 5. Stops the service and reads the checks table to get exact figures.
 *
 * Figures (nothing is asserted):
 * - checks per minute: all checks over the whole run (burst included), and scheduled checks in
 *   the window against the slots that were due in it (exact, from the monitors' phases) and
 *   against the nominal N × 60 / interval.
 * - scheduler lag (start − due): exact p50/p99/max from the checks table. A scheduled check is
 *   due on its phase slot (`monitor/phase.ts`), so lag = checked_at − slot; a first check is due
 *   at creation, so lag = checked_at − created_at. For comparison, p50/p99 interpolated linearly
 *   inside the `shc_scheduler_lag_seconds` buckets of /metrics (like Prometheus'
 *   histogram_quantile), which is coarse.
 * - CPU (user + sys of the service process, % of one core) and RSS (sampled peak, VmHWM, end),
 *   read from /proc/<pid>/stat and /status through `cat` (Deno wants --allow-all to read
 *   another process's /proc files itself).
 * - spread: scheduled check starts per second of the minute (one count per monitor per second),
 *   max/avg over the 60 seconds, and the busiest wall-clock second of the window.
 *
 * The first cron tick comes at the next wall-clock minute, so the window should be ≥ 70 s.
 * Children are stopped on every exit path; if this process is killed with SIGKILL, the fleet
 * notices its stdin closing and sends SIGTERM to the service before exiting.
 */
import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import { join } from "node:path";
import { nextSlot, phaseOffset } from "../monitor/phase.ts";
import { VARIABLES } from "../monitor/config.ts";
import { argChecks, cleanup, parseCli, ROOT, runMain, stopChild } from "./_process.ts";
import { makeToken, serviceEnv, spawnService, startFleet, waitReady } from "./_process.ts";
import { fmtMb, fmtMs, freePort, percentile, printRows, sleep, withTimeout } from "./_process.ts";

const USAGE = `Usage: deno run --allow-net --allow-env --allow-read --allow-write --allow-run \\
  --allow-sys bench/scheduler.ts [--monitors 100] [--seconds 75] [--interval 60] [--warmup auto]
  [--timeout-ms 5000] [--concurrency N] [--keep] [--database-url postgres://…]

  --monitors     monitors to create (default 100)
  --seconds      length of the measured window (default 75; >= 70 so a cron tick falls in it)
  --interval     interval_s of every monitor (default 60, min 10)
  --warmup       seconds between creating the monitors and the window; "auto" (default) is
                 1.5 × interval, when every monitor has reached its phase slot; 0 measures
                 the ramp right after creation
  --timeout-ms   timeout_ms of every monitor (default 5000; hanging targets use all of it)
  --concurrency  CHECK_CONCURRENCY for the service (default: the service's own default)
  --keep         keep the temp dir (database and logs) and print its path
  --database-url store in PostgreSQL (a fresh schema on that database) instead of SQLite`;

const FLEET = join(ROOT, "bench", "target_fleet.ts");
/** Lets checks due just before the window's end start (and be counted) before the service stops. */
const END_GRACE_MS = 5_000;

// ---------------------------------------------------------------------------------------------
// Arguments

interface Options {
  monitors: number;
  seconds: number;
  interval: number;
  warmup: number;
  timeoutMs: number;
  concurrency: number | null;
  keep: boolean;
  databaseUrl: string | null;
}

function parseOptions(): Options {
  const values = parseCli(USAGE, {
    monitors: { type: "string", default: "100" },
    seconds: { type: "string", default: "75" },
    interval: { type: "string", default: "60" },
    warmup: { type: "string", default: "auto" },
    "timeout-ms": { type: "string", default: "5000" },
    concurrency: { type: "string" },
    keep: { type: "boolean", default: false },
    "database-url": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  });
  const { problems, int, exitIfAny } = argChecks(USAGE);
  const opts: Options = {
    monitors: int("monitors", values.monitors, 1, 100_000),
    seconds: int("seconds", values.seconds, 1, 86_400),
    interval: int("interval", values.interval, 10, 86_400),
    warmup: values.warmup === "auto"
      ? Math.ceil(1.5 * Number(values.interval))
      : int("warmup", values.warmup, 0, 86_400),
    timeoutMs: int("timeout-ms", values["timeout-ms"], 100, 120_000),
    concurrency: values.concurrency === undefined
      ? null
      : int("concurrency", values.concurrency, 1, 10_000),
    keep: values.keep,
    databaseUrl: values["database-url"] ?? null,
  };
  if (opts.databaseUrl !== null && !/^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    problems.push("--database-url must be a postgres:// URL");
  }
  if (opts.timeoutMs > opts.interval * 1000) {
    problems.push("--timeout-ms must not be longer than --interval");
  }
  exitIfAny();
  if (opts.seconds < 70) {
    console.error(
      `note: a ${opts.seconds} s window may contain no cron tick (they come each minute)`,
    );
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Stops the children: the service first (the fleet guards it, so the fleet first would also work). */
const stopAll = () => cleanup({ first: "service", graceMs: 5_000, sayKill: true });

async function clockTicksPerSecond(): Promise<number> {
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"], stderr: "null" }).output();
    const n = Number(new TextDecoder().decode(out.stdout).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

interface ProcSample {
  at: number;
  /** user + system CPU seconds (all threads). */
  cpuS: number;
  rssKb: number;
  hwmKb: number;
}

/**
 * Reads /proc/<pid>/stat and /status through `cat`: Deno asks for --allow-all before it reads
 * /proc/<pid>/* itself, while --allow-run is enough for a `cat` process.
 */
async function readProc(pid: number, clk: number): Promise<ProcSample | null> {
  try {
    const at = Date.now();
    const out = await new Deno.Command("cat", {
      args: [`/proc/${pid}/stat`, `/proc/${pid}/status`],
      stdin: "null",
      stderr: "null",
    }).output();
    if (!out.success) return null;
    const text = new TextDecoder().decode(out.stdout);
    const stat = text.slice(0, text.indexOf("\n"));
    // Fields after "(comm) ": state is field 3, utime 14, stime 15 (in clock ticks).
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuS = (Number(f[11]) + Number(f[12])) / clk;
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1]);
    return { at, cpuS, rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
  } catch {
    return null;
  }
}

interface Scrape {
  at: number;
  checksTotal: number;
  lagCount: number;
  lagSumS: number;
  /** Cumulative counts by upper bound in seconds (finite bounds only), ascending. */
  lagBuckets: [number, number][];
}

function parseMetrics(text: string, at: number): Scrape {
  const s: Scrape = { at, checksTotal: 0, lagCount: 0, lagSumS: 0, lagBuckets: [] };
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line === "") continue;
    const m = /^([a-z_]+)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const [, name, labels = "", raw] = m;
    const v = Number(raw);
    if (name === "shc_checks_total") s.checksTotal += v;
    else if (name === "shc_scheduler_lag_seconds_count") s.lagCount = v;
    else if (name === "shc_scheduler_lag_seconds_sum") s.lagSumS = v;
    else if (name === "shc_scheduler_lag_seconds_bucket") {
      const le = /le="([^"]+)"/.exec(labels)?.[1];
      if (le && le !== "+Inf") s.lagBuckets.push([Number(le), v]);
    }
  }
  s.lagBuckets.sort((a, b) => a[0] - b[0]);
  return s;
}

/** Prometheus-style histogram_quantile over the difference of two scrapes, in ms. */
function histogramQuantile(q: number, from: Scrape, to: Scrape): number | string {
  const count = to.lagCount - from.lagCount;
  if (count <= 0) return "n/a";
  const rank = q * count;
  let prevLe = 0;
  let prevCum = 0;
  for (const [le, cumTo] of to.lagBuckets) {
    const cum = cumTo - (from.lagBuckets.find(([b]) => b === le)?.[1] ?? 0);
    if (cum >= rank) {
      const inBucket = cum - prevCum;
      const frac = inBucket > 0 ? (rank - prevCum) / inBucket : 1;
      return (prevLe + (le - prevLe) * frac) * 1000;
    }
    prevLe = le;
    prevCum = cum;
  }
  return `> ${prevLe * 1000}`;
}

const pct = (num: number, den: number) => den > 0 ? `${((100 * num) / den).toFixed(1)}%` : "n/a";

// ---------------------------------------------------------------------------------------------
// The fleet and the monitors

interface Fleet {
  http: number[];
  tcp: number[];
}

type TargetKind = "ok" | "slow" | "error" | "hang" | "tcp";

/**
 * Monitor i's target: per 100 monitors, 80 fast 200s, 8 slow, 4 500s, 3 hanging, 5 tcp. The
 * kinds are interleaved (37 is prime to 100) so a small N gets the same mix.
 */
function targetOf(i: number, fleet: Fleet): { kind: TargetKind; url: string } {
  const r = (i * 37) % 100;
  const http = fleet.http[i % fleet.http.length];
  if (r < 80) return { kind: "ok", url: `http://127.0.0.1:${http}/ok?m=${i}` };
  if (r < 88) return { kind: "slow", url: `http://127.0.0.1:${http}/slow?m=${i}` };
  if (r < 92) return { kind: "error", url: `http://127.0.0.1:${http}/error?m=${i}` };
  if (r < 95) return { kind: "hang", url: `http://127.0.0.1:${http}/hang?m=${i}` };
  return { kind: "tcp", url: `tcp://127.0.0.1:${fleet.tcp[i % fleet.tcp.length]}` };
}

async function createMonitors(
  base: string,
  token: string,
  opts: Options,
  fleet: Fleet,
): Promise<Record<TargetKind, number>> {
  const mix: Record<TargetKind, number> = { ok: 0, slow: 0, error: 0, hang: 0, tcp: 0 };
  let next = 0;
  const worker = async () => {
    while (next < opts.monitors) {
      const i = next++;
      const t = targetOf(i, fleet);
      mix[t.kind]++;
      const res = await fetch(`${base}/api/v1/monitors`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          name: `bench ${i} ${t.kind}`,
          url: t.url,
          interval_s: opts.interval,
          timeout_ms: opts.timeoutMs,
        }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = await res.text();
      if (res.status !== 201) throw new Error(`POST /api/v1/monitors → ${res.status}: ${body}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return mix;
}

// ---------------------------------------------------------------------------------------------
// Analysis of the checks table

interface Analysis {
  monitors: number;
  neverChecked: number;
  checksRun: number;
  burstLags: number[];
  /** Scheduled (non-first) checks whose slot is in the window. */
  windowChecks: number;
  windowExpected: number;
  windowExtra: number;
  windowLags: number[];
  windowOk: number;
  windowErrors: Record<string, number>;
  lateOverHalfInterval: number;
  /** Distinct (monitor, second of minute) of scheduled starts, per second 0-59. */
  spread: number[];
  /** Most scheduled starts in any one wall-clock second of the window. */
  busiestSecond: number;
}

type MonitorRow = { id: number; created_at: number; interval_s: number };
type CheckRow = { monitor_id: number; checked_at: number; ok: unknown; error_kind: string | null };

const MONITORS_SQL = "SELECT id, created_at, interval_s FROM monitors ORDER BY id";
const CHECKS_SQL =
  "SELECT monitor_id, checked_at, ok, error_kind FROM checks ORDER BY monitor_id, checked_at, id";

/** Every monitor and check the service stored, from the SQLite file or the PostgreSQL schema. */
async function storedRows(where: Where): Promise<{ monitors: MonitorRow[]; rows: CheckRow[] }> {
  if (where.kind === "postgres") {
    const sql = postgres(where.url, { max: 1, onnotice: () => {} });
    try {
      const num = (v: unknown) => Number(v);
      const monitors = (await sql.unsafe(MONITORS_SQL)).map((r) => ({
        id: num(r.id),
        created_at: num(r.created_at),
        interval_s: num(r.interval_s),
      }));
      const rows = (await sql.unsafe(CHECKS_SQL)).map((r) => ({
        monitor_id: num(r.monitor_id),
        checked_at: num(r.checked_at),
        ok: r.ok,
        error_kind: r.error_kind as string | null,
      }));
      return { monitors, rows };
    } finally {
      await sql.end();
    }
  }
  const db = new DatabaseSync(where.path);
  try {
    return {
      monitors: db.prepare(MONITORS_SQL).all() as MonitorRow[],
      rows: db.prepare(CHECKS_SQL).all() as CheckRow[],
    };
  } finally {
    db.close();
  }
}

/** Where the service under test stores. */
type Where = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

async function analyse(
  where: Where,
  runStart: number,
  winStart: number,
  winEnd: number,
): Promise<Analysis> {
  const { monitors, rows } = await storedRows(where);
  {
    const byMonitor = new Map<number, typeof rows>();
    for (const r of rows) {
      let list = byMonitor.get(r.monitor_id);
      if (!list) byMonitor.set(r.monitor_id, list = []);
      list.push(r);
    }
    const a: Analysis = {
      monitors: monitors.length,
      neverChecked: 0,
      checksRun: rows.filter((r) => r.checked_at >= runStart && r.checked_at < winEnd).length,
      burstLags: [],
      windowChecks: 0,
      windowExpected: 0,
      windowExtra: 0,
      windowLags: [],
      windowOk: 0,
      windowErrors: {},
      lateOverHalfInterval: 0,
      spread: Array(60).fill(0),
      busiestSecond: 0,
    };
    const perSecond = new Map<number, number>();
    for (const m of monitors) {
      const checks = byMonitor.get(m.id) ?? [];
      if (checks.length === 0) {
        a.neverChecked++;
        continue;
      }
      const period = m.interval_s * 1000;
      const phase = phaseOffset(m.id, period);
      const first = checks[0];
      a.burstLags.push(first.checked_at - m.created_at);
      // The scheduler's next due after a check started at t is the first slot after t + period/2.
      for (let s = nextSlot(m.id, period, first.checked_at + period / 2); s < winEnd; s += period) {
        if (s >= winStart) a.windowExpected++;
      }
      const seenSlots = new Set<number>();
      const seenSeconds = new Set<number>();
      for (const c of checks.slice(1)) {
        const slot = phase + Math.floor((c.checked_at - phase) / period) * period;
        const lag = c.checked_at - slot;
        if (lag > period / 2) a.lateOverHalfInterval++;
        if (slot < winStart || slot >= winEnd) continue;
        if (seenSlots.has(slot)) {
          a.windowExtra++;
          continue;
        }
        seenSlots.add(slot);
        a.windowChecks++;
        a.windowLags.push(lag);
        if (c.ok) a.windowOk++;
        else a.windowErrors[c.error_kind ?? "?"] = (a.windowErrors[c.error_kind ?? "?"] ?? 0) + 1;
        const sec = Math.floor((c.checked_at % 60_000) / 1000);
        if (!seenSeconds.has(sec)) {
          seenSeconds.add(sec);
          a.spread[sec]++;
        }
        const wall = Math.floor(c.checked_at / 1000);
        perSecond.set(wall, (perSecond.get(wall) ?? 0) + 1);
      }
    }
    a.busiestSecond = Math.max(0, ...perSecond.values());
    return a;
  }
}

// ---------------------------------------------------------------------------------------------
// The run

async function run(opts: Options, tmp: string): Promise<void> {
  const clk = await clockTicksPerSecond();
  const dbPath = join(tmp, "health.db");
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const extra: Record<string, string> = opts.concurrency === null
    ? {}
    : { CHECK_CONCURRENCY: String(opts.concurrency) };
  let where: Where = { kind: "sqlite", path: dbPath };
  if (opts.databaseUrl !== null) {
    const schema = `shc_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const admin = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`CREATE SCHEMA "${schema}"`);
    } finally {
      await admin.end();
    }
    if (!opts.keep) {
      dropSchema = async () => {
        const sql = postgres(opts.databaseUrl!, { max: 1, onnotice: () => {} });
        await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => sql.end());
      };
    }
    const url = new URL(opts.databaseUrl);
    url.searchParams.set("search_path", schema);
    where = { kind: "postgres", url: url.href };
    extra.DATABASE_URL = url.href;
    console.error(`storing in PostgreSQL schema ${schema}`);
  }
  // A clean environment, so no alert e-mail is configured and the service logs plainly.
  const env = serviceEnv(port, dbPath, extra);
  const concurrency = opts.concurrency ??
    Number(VARIABLES.find((v) => v.name === "CHECK_CONCURRENCY")!.default);

  // 1. The target fleet.
  const { next: fleetLine, say: fleetSay, hello } = await startFleet(
    "fleet",
    FLEET,
    // request.signal then aborts only when the client goes away (no legacy-behaviour warning).
    ["--unstable-no-legacy-abort"],
    tmp,
    30_000,
    "target fleet",
  );
  const fleet = JSON.parse(hello) as Fleet;

  // 2. A token, made in the new database by the real CLI.
  const token = await makeToken(tmp, env, [
    "--allow-net",
    "--allow-env",
    `--allow-read=${tmp}`,
    `--allow-write=${tmp}`,
  ], "bench");

  // 3. The service under test: the real main.ts with the permissions of `deno task start`.
  const service = await spawnService(tmp, env, [
    "--allow-net",
    "--allow-env",
    `--allow-read=${tmp}`,
    `--allow-write=${tmp}`,
  ]);
  const { pid, logsDone } = service;
  await fleetSay(`guard ${pid}`);
  await waitReady(service, base, tmp);
  const idle = await readProc(pid, clk);
  const scrape = async (): Promise<Scrape> => {
    const at = Date.now();
    const res = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`/metrics → ${res.status}: ${text}`);
    return parseMetrics(text, at);
  };

  // 4. N monitors through the API; each one's first check starts at once.
  console.error(
    `service pid ${pid} on ${base}, fleet http ${fleet.http.join(",")} tcp ${fleet.tcp.join(",")}`,
  );
  console.error(`creating ${opts.monitors} monitors (interval ${opts.interval} s)…`);
  const runStart = Date.now();
  const procAtRunStart = await readProc(pid, clk);
  const mix = await createMonitors(base, token, opts, fleet);
  const created = Date.now();
  const procAtCreated = await readProc(pid, clk);
  const winStart = created + opts.warmup * 1000;
  const winEnd = winStart + opts.seconds * 1000;
  console.error(
    `created in ${created - runStart} ms; ${
      opts.warmup ? `warm-up ${opts.warmup} s, then ` : ""
    }measuring ${opts.seconds} s…`,
  );

  // 5. The window: sample /proc each second.
  await sleep(winStart - Date.now());
  const scrapeStart = await scrape();
  const procStart = await readProc(pid, clk);
  let peakRssKb = procStart?.rssKb ?? 0;
  let lastSample = procStart;
  while (Date.now() < winEnd - 1000) {
    await sleep(Math.min(1000, winEnd - Date.now()));
    if (service.child.done) {
      throw new Error(`the service exited during the run; see ${tmp}/service.*.log`);
    }
    const s = await readProc(pid, clk);
    if (s) {
      peakRssKb = Math.max(peakRssKb, s.rssKb);
      lastSample = s;
    }
  }
  await sleep(winEnd - Date.now());
  const procEnd = await readProc(pid, clk) ?? lastSample;
  if (procEnd) peakRssKb = Math.max(peakRssKb, procEnd.rssKb);
  const scrapeEnd = await scrape();
  const health = await (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) }))
    .json() as { scheduler: { last_tick_at: string | null } };
  await fleetSay("stats");
  const fleetStats = JSON.parse(
    (await withTimeout(fleetLine(), 5_000, "fleet stats")) ?? "{}",
  ) as Record<string, number>;

  // 6. Stop the service (after a grace so checks due just before the end are recorded).
  await sleep(END_GRACE_MS);
  const { status } = await stopChild(service.child, 10_000, { sayKill: true });
  await fleetSay(`unguard ${pid}`);
  await logsDone; // pipeTo closes the files

  // 7. Exact figures from the database.
  const a = await analyse(where, runStart, winStart, winEnd);
  const errLines = (await Deno.readTextFile(join(tmp, "service.err.log"))).split("\n");
  const logErrors = errLines.filter((l) => / ERROR /.test(l));

  // 8. Report.
  const winMin = (winEnd - winStart) / 60_000;
  const runMin = (winEnd - runStart) / 60_000;
  const nominal = (opts.monitors * 60) / opts.interval;
  const cpuWin = procStart && procEnd
    ? (100 * (procEnd.cpuS - procStart.cpuS)) / ((procEnd.at - procStart.at) / 1000)
    : NaN;
  // CPU time of the service per scheduled check in the window (probe, record, everything).
  const cpuMsPerCheck = procStart && procEnd && a.windowChecks > 0
    ? (1000 * (procEnd.cpuS - procStart.cpuS)) / a.windowChecks
    : NaN;
  const cpuRun = procAtRunStart && procEnd
    ? (100 * (procEnd.cpuS - procAtRunStart.cpuS)) / ((procEnd.at - procAtRunStart.at) / 1000)
    : NaN;
  const cpuCreate = procAtRunStart && procAtCreated
    ? (100 * (procAtCreated.cpuS - procAtRunStart.cpuS)) /
      Math.max(0.001, (procAtCreated.at - procAtRunStart.at) / 1000)
    : NaN;
  const spreadAvg = a.spread.reduce((x, y) => x + y, 0) / 60;
  const spreadMax = Math.max(...a.spread);
  const lastTick = health.scheduler.last_tick_at;
  const lastTickMs = lastTick ? Date.parse(lastTick) : null;
  const tickLine = lastTickMs === null || lastTickMs < created
    ? `${lastTick} (start-up only: NO cron tick in the run)`
    : `${lastTick} (${lastTickMs % 60_000} ms after the minute; ${
      lastTickMs >= winStart ? "in the window" : "NONE in the window"
    })`;
  const errorsText = Object.entries(a.windowErrors).map(([k, v]) => `${k} ${v}`).join(", ");
  const windowStarted = scrapeEnd.lagCount - scrapeStart.lagCount;
  const windowRecorded = scrapeEnd.checksTotal - scrapeStart.checksTotal;

  const rows: [string, string][] = [
    [
      "monitors (N)",
      `${opts.monitors} (ok ${mix.ok}, slow ${mix.slow}, 500 ${mix.error}, ` +
      `hang ${mix.hang}, tcp ${mix.tcp}); interval ${opts.interval} s, timeout ${opts.timeoutMs} ms`,
    ],
    ["service", `main.ts pid ${pid}, CHECK_CONCURRENCY ${concurrency}, exit ${status?.code}`],
    ["created via API in", `${created - runStart} ms (first check of each at once)`],
    [
      "window",
      `${((winEnd - winStart) / 1000).toFixed(0)} s from ${new Date(winStart).toISOString()}` +
      (opts.warmup ? ` (after ${opts.warmup} s warm-up)` : " (right after creation)"),
    ],
    ["last cron tick", tickLine],
    [
      "checks/min, whole run",
      `${(a.checksRun / runMin).toFixed(1)} (${a.checksRun} checks in ` +
      `${(runMin * 60).toFixed(0)} s, burst of ${a.burstLags.length} included)`,
    ],
    [
      "scheduled checks in window",
      `${a.windowChecks} run / ${a.windowExpected} due ` +
      `(${pct(a.windowChecks, a.windowExpected)}); extra ${a.windowExtra}`,
    ],
    [
      "checks/min in window",
      `${(a.windowChecks / winMin).toFixed(1)} actual vs ${
        (a.windowExpected / winMin).toFixed(1)
      }` +
      ` due (slot-exact) vs ${nominal.toFixed(1)} nominal (N×60/interval)`,
    ],
    [
      "  /metrics cross-check",
      `started (lag count) +${windowStarted}, recorded (shc_checks_total) +${windowRecorded}`,
    ],
    [
      "  results in window",
      `up ${a.windowOk}, down ${a.windowChecks - a.windowOk}` +
      (errorsText ? ` (${errorsText})` : ""),
    ],
    [
      "lag p50 / p99 / max, window",
      `${fmtMs(percentile(a.windowLags, 0.5))} / ${fmtMs(percentile(a.windowLags, 0.99))} / ` +
      `${fmtMs(a.windowLags.length ? Math.max(...a.windowLags) : null)} (exact, checks table)`,
    ],
    [
      "  from /metrics buckets",
      `${fmtMs(histogramQuantile(0.5, scrapeStart, scrapeEnd))} / ` +
      `${fmtMs(histogramQuantile(0.99, scrapeStart, scrapeEnd))} (linear interpolation, coarse)`,
    ],
    [
      "lag p50 / p99 / max, burst",
      `${fmtMs(percentile(a.burstLags, 0.5))} / ${fmtMs(percentile(a.burstLags, 0.99))} / ` +
      `${
        fmtMs(a.burstLags.length ? Math.max(...a.burstLags) : null)
      } (first checks, due at creation)`,
    ],
    ["CPU, window", `${cpuWin.toFixed(1)}% of one core (user+sys, /proc/${pid}/stat)`],
    ["CPU per check", `${cpuMsPerCheck.toFixed(2)} ms (window CPU / scheduled checks in it)`],
    ["store", where.kind === "postgres" ? "PostgreSQL" : "SQLite"],
    ["CPU, creation burst", `${cpuCreate.toFixed(1)}% of one core over ${created - runStart} ms`],
    ["CPU, whole run", `${cpuRun.toFixed(1)}% of one core (creation, warm-up and window)`],
    [
      "RSS",
      `idle ${idle ? fmtMb(idle.rssKb) : "n/a"}, window peak ${fmtMb(peakRssKb)}, end ` +
      `${procEnd ? fmtMb(procEnd.rssKb) : "n/a"}, VmHWM ${procEnd ? fmtMb(procEnd.hwmKb) : "n/a"}`,
    ],
    [
      "spread by second of minute",
      `max/avg ${(spreadMax / Math.max(spreadAvg, 1e-9)).toFixed(2)} (max ${spreadMax}, avg ` +
      `${spreadAvg.toFixed(2)}, empty seconds ${a.spread.filter((x) => x === 0).length})`,
    ],
    [
      "busiest wall-clock second",
      `${a.busiestSecond} scheduled starts (mean ${(nominal / 60).toFixed(2)}/s at nominal rate)`,
    ],
    [
      "fleet requests (whole run)",
      Object.entries(fleetStats).map(([k, v]) => `${k} ${v}`).join(", "),
    ],
    [
      "problems",
      [
        a.neverChecked ? `${a.neverChecked} monitors never checked` : "",
        a.lateOverHalfInterval ? `${a.lateOverHalfInterval} checks > interval/2 late` : "",
        logErrors.length ? `${logErrors.length} ERROR log lines` : "",
      ].filter(Boolean).join("; ") || "none seen",
    ],
  ];
  console.log(
    `\nScheduler benchmark: N = ${opts.monitors}, Deno ${Deno.version.deno}, ` +
      `${navigator.hardwareConcurrency} CPUs\n`,
  );
  printRows(rows);
  console.log("\nscheduled starts per second of minute (one count per monitor and second):");
  for (let s = 0; s < 60; s += 10) {
    console.log(
      `  :${String(s).padStart(2, "0")}  ${
        a.spread.slice(s, s + 10).map((n) => String(n).padStart(4)).join("")
      }`,
    );
  }
  for (const l of logErrors.slice(0, 5)) console.log(`service ERROR: ${l}`);
  console.log(
    "RESULT " + JSON.stringify({
      n: opts.monitors,
      intervalS: opts.interval,
      windowS: (winEnd - winStart) / 1000,
      checksPerMinWholeRun: +(a.checksRun / runMin).toFixed(1),
      checksPerMinWindow: +(a.windowChecks / winMin).toFixed(1),
      checksPerMinDue: +(a.windowExpected / winMin).toFixed(1),
      checksPerMinNominal: nominal,
      windowRun: a.windowChecks,
      windowDue: a.windowExpected,
      lagP50Ms: percentile(a.windowLags, 0.5),
      lagP99Ms: percentile(a.windowLags, 0.99),
      lagMaxMs: a.windowLags.length ? Math.max(...a.windowLags) : null,
      burstLagP50Ms: percentile(a.burstLags, 0.5),
      burstLagP99Ms: percentile(a.burstLags, 0.99),
      store: where.kind,
      cpuPct: +cpuWin.toFixed(1),
      cpuMsPerCheck: +cpuMsPerCheck.toFixed(3),
      cpuWholeRunPct: +cpuRun.toFixed(1),
      rssPeakMb: +(peakRssKb / 1024).toFixed(1),
      rssEndMb: procEnd ? +(procEnd.rssKb / 1024).toFixed(1) : null,
      vmHwmMb: procEnd ? +(procEnd.hwmKb / 1024).toFixed(1) : null,
      spreadMaxOverAvg: +(spreadMax / Math.max(spreadAvg, 1e-9)).toFixed(2),
    }),
  );
  if (opts.keep) console.log(`kept: ${tmp}`);
}

// ---------------------------------------------------------------------------------------------

const opts = parseOptions();
const tmp = await Deno.makeTempDir({ prefix: "shc-bench-" });
/** Drops the bench's PostgreSQL schema (set once it exists, unless --keep). */
let dropSchema: (() => Promise<void>) | null = null;
await runMain(
  { tmp, keep: opts.keep, sayKept: false, stopAll, what: "bench" },
  () =>
    run(opts, tmp).finally(async () => {
      await dropSchema?.().catch((err) => console.error(`could not drop the bench schema: ${err}`));
    }),
);

/**
 * Stuck-check soak (issue 7: "no check may hang, stall the service or vanish silently").
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-env --allow-read --allow-write --allow-run \
 *   bench/stuck_soak.ts [--per-group 40] [--seconds 180] [--warmup 15] [--sample 5] \
 *   [--groups stall,hang,...] [--keep]
 * ```
 *
 * What it does:
 * 1. Starts `bench/hostile_fleet.ts` in its own process: raw TCP servers on 127.0.0.1 that stall
 *    bodies, never answer, send headers one byte at a time, send 50 MiB or an endless body,
 *    redirect in loops, drip a byte a second, accept TCP and stay silent, or never accept at
 *    all (a full accept queue), plus a healthy control group.
 * 2. Makes an API token with the real `cli/token.ts`, then starts the real `main.ts` in its own
 *    process with the permissions of `deno task start` (cwd is a temp dir holding `data/`), a
 *    free PORT and the default CHECK_CONCURRENCY.
 * 3. Creates `--per-group` monitors per group through `POST /api/v1/monitors`: interval 10 s
 *    (the minimum), timeout 1500 ms, failure threshold 1.
 * 4. Waits `--warmup` s (a new monitor's second check comes 0.5-1.5 intervals after its first),
 *    then for `--seconds` samples every `--sample` s: the service's RSS, `/healthz` latency and
 *    status, and every monitor's `last_check.checked_at` from `GET /api/v1/monitors`.
 * 5. Reads every monitor's checks (`GET /api/v1/monitors/:id/checks`; from the SQLite file after
 *    exit for any the API did not return), greps `/metrics` for "stuck", then sends SIGTERM and
 *    times the exit (SIGKILL after 15 s).
 *
 * Figures only, nothing is asserted. Per group: checks due (window / interval per monitor) and
 * run, the longest silence of any monitor (gaps between its checks, counting from the window's
 * start and to its end, so a check that never returns shows as a long silence), monitors never
 * checked, the statuses and error kinds seen. Then RSS, /healthz latency and the exit time.
 *
 * Bounded everywhere: every request has a timeout, every loop a deadline, and a watchdog kills
 * the children and exits if a phase overruns, so the run ends within warm-up + window + ~60 s
 * of the monitors being created even if the service hangs. If this process is SIGKILLed, the
 * hostile fleet sees its stdin close and sends SIGTERM to the service.
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import {
  type GroupStats,
  HOSTILE_GROUPS,
  type HostileGroup,
  type HostileHello,
} from "./hostile_fleet.ts";
import { argChecks, cleanup, parseCli, ROOT, runMain } from "./_process.ts";
import { children, makeToken, type Service, serviceEnv, signal } from "./_process.ts";
import { spawnService, startFleet, stopChild, type Stopped, waitReady } from "./_process.ts";
import { fmtMb, fmtMs, freePort, percentile, printRows, sleep, withTimeout } from "./_process.ts";

const USAGE = `Usage: deno run --allow-net=127.0.0.1 --allow-env --allow-read --allow-write \\
  --allow-run bench/stuck_soak.ts [--per-group 40] [--seconds 180] [--warmup 15] [--sample 5]
  [--groups a,b,...] [--keep]

  --per-group  monitors per target group (default 40)
  --seconds    length of the measured window (default 180)
  --warmup     seconds between creating the monitors and the window (default 15)
  --sample     seconds between samples of RSS, /healthz and last checks (default 5)
  --groups     comma-separated subset of: ${HOSTILE_GROUPS.join(", ")}
  --keep       keep the temp dir (database and service logs) and print its path`;

const HOSTILE = join(ROOT, "bench", "hostile_fleet.ts");

// The monitors under test: the tightest schedule the API allows, a short timeout, and DOWN on
// the first failure, so a check that vanishes shows within seconds.
const INTERVAL_S = 10;
const TIMEOUT_MS = 1_500;
const FAILURE_THRESHOLD = 1;

/** Budgets (ms) of the bounded phases. */
const SETUP_BUDGET_MS = 120_000; // fleet, token CLI, service start-up, creating the monitors
const REQUEST_TIMEOUT_MS = 5_000; // any one sampling request
const END_GRACE_MS = 3_000; // lets checks started just before the window's end be recorded
const COLLECT_BUDGET_MS = 25_000; // reading every monitor's checks through the API
const EXIT_GRACE_MS = 15_000; // SIGTERM → exit, then SIGKILL
/** After the window: grace + collection + exit + database fallback and report, with slack. */
const AFTER_WINDOW_BUDGET_MS = 60_000;

/** What a correct service should show for each group (printed next to what was seen). */
const EXPECTED: Record<HostileGroup, string> = {
  ok: "up",
  stall: "timeout",
  hang: "timeout",
  slowloris: "timeout",
  huge: "up",
  endless: "up",
  redirect_loop: "network",
  drip: "timeout",
  tcp_hang: "up",
  tcp_blackhole: "timeout",
};

// ---------------------------------------------------------------------------------------------
// Arguments

interface Options {
  perGroup: number;
  seconds: number;
  warmup: number;
  sample: number;
  groups: HostileGroup[];
  keep: boolean;
}

function parseOptions(): Options {
  const values = parseCli(USAGE, {
    "per-group": { type: "string", default: "40" },
    seconds: { type: "string", default: "180" },
    warmup: { type: "string", default: "15" },
    sample: { type: "string", default: "5" },
    groups: { type: "string", default: HOSTILE_GROUPS.join(",") },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  const { problems, int, exitIfAny } = argChecks(USAGE);
  const groups = values.groups.split(",").map((g) => g.trim()).filter(Boolean);
  const unknown = groups.filter((g) => !(HOSTILE_GROUPS as readonly string[]).includes(g));
  if (unknown.length || groups.length === 0) {
    problems.push(`--groups: unknown ${unknown.join(", ") || "(empty)"}`);
  }
  const opts: Options = {
    perGroup: int("per-group", values["per-group"], 1, 1_000),
    seconds: int("seconds", values.seconds, 10, 86_400),
    warmup: int("warmup", values.warmup, 0, 3_600),
    sample: int("sample", values.sample, 1, 60),
    groups: HOSTILE_GROUPS.filter((g) => groups.includes(g)),
    keep: values.keep,
  };
  exitIfAny();
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Stopping the children

/** Stops the children: the service first (the fleet guards it and would otherwise SIGTERM it). */
const stopAll = () => cleanup({ first: "service", graceMs: 5_000, killWaitMs: 5_000 });

/**
 * The last line of defence for "the bench ends by itself": if a phase overruns its deadline,
 * every child is SIGKILLed and the bench exits. Re-armed at each phase.
 */
const watchdog = {
  deadline: Infinity,
  what: "",
  timer: undefined as ReturnType<typeof setInterval> | undefined,
  arm(at: number, what: string) {
    this.deadline = at;
    this.what = what;
    this.timer ??= setInterval(() => {
      if (Date.now() < this.deadline) return;
      console.error(`\nwatchdog: ${this.what} overran its deadline; killing the children`);
      for (const c of children) signal(c, "SIGKILL");
      if (!opts.keep) {
        try {
          Deno.removeSync(tmp, { recursive: true });
        } catch {
          // Best effort: the run is being abandoned.
        }
      }
      Deno.exit(3);
    }, 500);
  },
  disarm() {
    clearInterval(this.timer);
  },
};

// ---------------------------------------------------------------------------------------------
// Small helpers

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const tally = (counts: Map<string, number>) =>
  [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ") || "-";

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Prints rows as a table with right-aligned numbers and left-aligned text. */
function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = (s: string) => /^[\d.,%≥<> -]+( ms| s)?$/.test(s) && s !== "-";
  const fmt = (r: string[]) =>
    r.map((c, i) => (numeric(c) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ")
      .trimEnd();
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(fmt(r));
}

// ---------------------------------------------------------------------------------------------
// RSS of another process

let procViaCat = false;

/**
 * VmRSS (kB) of `pid`, or null when it is gone. Deno 2.9 wants --allow-all before it reads
 * another process's /proc files, even with --allow-read, so without it this falls back to
 * `cat` (--allow-run).
 */
async function readRss(pid: number): Promise<number | null> {
  let text: string;
  try {
    if (procViaCat) throw new Deno.errors.NotCapable("use cat");
    text = await Deno.readTextFile(`/proc/${pid}/status`);
  } catch (err) {
    if (
      !(err instanceof Deno.errors.NotCapable) && !(err instanceof Deno.errors.PermissionDenied)
    ) {
      return null; // the process is gone
    }
    procViaCat = true;
    try {
      const out = await withTimeout(
        new Deno.Command("cat", { args: [`/proc/${pid}/status`], stdin: "null", stderr: "null" })
          .output(),
        REQUEST_TIMEOUT_MS,
        "cat /proc/status",
      );
      if (!out.success) return null;
      text = new TextDecoder().decode(out.stdout);
    } catch {
      return null;
    }
  }
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(text)?.[1]);
  return Number.isFinite(rssKb) ? rssKb : null;
}

// ---------------------------------------------------------------------------------------------
// The service's HTTP API

/** A check as `GET /api/v1/monitors/:id/checks` returns it (the fields used here). */
interface ApiCheck {
  checked_at: string;
  ok: boolean;
  http_status: number | null;
  latency_ms: number;
  error_kind: string | null;
}

interface ApiMonitor {
  id: number;
  status: string;
  last_check: ApiCheck | null;
}

/** A check reduced to what the report needs. */
interface CheckPoint {
  at: number;
  ok: boolean;
  latencyMs: number;
  errorKind: string | null;
}

class Api {
  constructor(readonly base: string, readonly token: string) {}

  /** GET with a hard timeout covering headers and body; throws on a non-2xx status. */
  async get(
    path: string,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<{ status: number; text: string }> {
    const res = await withTimeout(
      fetch(`${this.base}${path}`, {
        headers: { authorization: `Bearer ${this.token}` },
        signal: AbortSignal.timeout(timeoutMs),
      }).then(async (r) => ({ status: r.status, text: await r.text() })),
      timeoutMs + 500,
      `GET ${path}`,
    );
    if (res.status < 200 || res.status > 299) {
      throw new Error(`GET ${path} → ${res.status}: ${res.text.slice(0, 200)}`);
    }
    return res;
  }

  async createMonitor(body: Record<string, unknown>): Promise<number> {
    const res = await withTimeout(
      fetch(`${this.base}/api/v1/monitors`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      }).then(async (r) => ({ status: r.status, text: await r.text() })),
      16_000,
      "POST /api/v1/monitors",
    );
    if (res.status !== 201) throw new Error(`POST /api/v1/monitors → ${res.status}: ${res.text}`);
    return (JSON.parse(res.text) as { id: number }).id;
  }

  async monitors(): Promise<ApiMonitor[]> {
    return (JSON.parse((await this.get("/api/v1/monitors")).text) as { monitors: ApiMonitor[] })
      .monitors;
  }

  async checks(id: number, limit: number): Promise<CheckPoint[]> {
    const { text } = await this.get(`/api/v1/monitors/${id}/checks?limit=${limit}`, 10_000);
    return (JSON.parse(text) as { checks: ApiCheck[] }).checks.map((c) => ({
      at: Date.parse(c.checked_at),
      ok: c.ok,
      latencyMs: c.latency_ms,
      errorKind: c.error_kind,
    }));
  }
}

/** Runs `task` over `items` with `width` workers; stops starting new ones after `deadline`. */
async function pool<T>(
  items: T[],
  width: number,
  deadline: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && Date.now() < deadline) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

// ---------------------------------------------------------------------------------------------
// Starting the fleet, the token and the service

interface Hostile {
  hello: HostileHello;
  say(line: string): Promise<void>;
  stats(): Promise<Record<HostileGroup, GroupStats> | null>;
}

async function startHostile(tmp: string): Promise<Hostile> {
  const { child, next, say, hello } = await startFleet(
    "hostile",
    HOSTILE,
    [],
    tmp,
    60_000,
    "hostile fleet",
  );
  return {
    hello: JSON.parse(hello) as HostileHello,
    say,
    async stats() {
      try {
        if (child.done) return null;
        await say("stats");
        const line = await withTimeout(next(), REQUEST_TIMEOUT_MS, "hostile stats");
        return line
          ? (JSON.parse(line) as { groups: Record<HostileGroup, GroupStats> }).groups
          : null;
      } catch {
        return null;
      }
    },
  };
}

/** The permissions of `deno task start`, resolved against the temp dir as cwd. */
const START_PERMISSIONS = [
  "--no-prompt",
  "--allow-net",
  "--allow-env",
  "--allow-read=.env,data",
  "--allow-write=data",
  "--allow-sys=hostname,networkInterfaces",
];

/** The permissions of `deno task token`. */
const TOKEN_PERMISSIONS = [
  "--no-prompt",
  "--allow-env",
  "--allow-read=.env,data",
  "--allow-write=data",
];

async function startService(tmp: string, env: Record<string, string>, base: string) {
  const service = await spawnService(tmp, env, START_PERMISSIONS);
  await waitReady(service, base, tmp);
  return service satisfies Service;
}

// ---------------------------------------------------------------------------------------------
// The monitors

interface MonitorInfo {
  id: number;
  group: HostileGroup;
  createdAt: number;
}

function targetUrl(group: HostileGroup, port: number, i: number): string {
  if (group === "tcp_hang" || group === "tcp_blackhole") return `tcp://127.0.0.1:${port}`;
  // Half the redirect loops point at themselves, half go /a → /b → /a.
  const path = group === "redirect_loop" ? (i % 2 === 0 ? "self" : "a") : group;
  return `http://127.0.0.1:${port}/${path}?m=${i}`;
}

async function createMonitors(
  api: Api,
  opts: Options,
  ports: Record<HostileGroup, number | null>,
): Promise<MonitorInfo[]> {
  const todo: { group: HostileGroup; port: number; i: number }[] = [];
  for (const group of opts.groups) {
    const port = ports[group];
    if (port === null) continue;
    for (let i = 0; i < opts.perGroup; i++) todo.push({ group, port, i });
  }
  const made: MonitorInfo[] = [];
  await pool(todo, 8, Infinity, async ({ group, port, i }) => {
    const createdAt = Date.now();
    const id = await api.createMonitor({
      name: `soak ${group} ${i}`,
      url: targetUrl(group, port, i),
      interval_s: INTERVAL_S,
      timeout_ms: TIMEOUT_MS,
      failure_threshold: FAILURE_THRESHOLD,
    });
    made.push({ id, group, createdAt });
  });
  return made;
}

// ---------------------------------------------------------------------------------------------
// Sampling during the window

interface Sample {
  at: number;
  rssKb: number | null;
  /** /healthz: time to the full body, or null when it failed or timed out. */
  healthMs: number | null;
  healthStatus: string;
  inFlight: number | null;
  queued: number | null;
  stuck: number | null;
  /** Monitors per group whose last check is older than 3 intervals (or that have none). */
  silent: Map<HostileGroup, number>;
}

async function sampleHealthz(base: string) {
  const t0 = performance.now();
  try {
    const res = await withTimeout(
      fetch(`${base}/healthz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
        .then(async (r) => ({ status: r.status, text: await r.text() })),
      REQUEST_TIMEOUT_MS + 500,
      "/healthz",
    );
    const ms = performance.now() - t0;
    let scheduler: Record<string, number> = {};
    try {
      scheduler = (JSON.parse(res.text) as { scheduler?: Record<string, number> }).scheduler ?? {};
    } catch {
      // Not JSON: the status says enough.
    }
    const num = (v: unknown) => (typeof v === "number" ? v : null);
    return {
      ms,
      status: String(res.status),
      inFlight: num(scheduler.checks_in_flight),
      queued: num(scheduler.checks_queued),
      stuck: num(scheduler.checks_stuck),
    };
  } catch (err) {
    const timedOut = /timed out|TimeoutError|aborted/i.test(String(err));
    return {
      ms: null,
      status: timedOut ? "timeout" : "error",
      inFlight: null,
      queued: null,
      stuck: null,
    };
  }
}

async function sampleSilence(
  api: Api,
  monitors: MonitorInfo[],
): Promise<Map<HostileGroup, number> | null> {
  let list: ApiMonitor[];
  try {
    list = await api.monitors();
  } catch {
    return null;
  }
  const now = Date.now();
  const last = new Map(
    list.map((m) => [m.id, m.last_check ? Date.parse(m.last_check.checked_at) : null]),
  );
  const silent = new Map<HostileGroup, number>();
  for (const m of monitors) {
    const at = last.get(m.id) ?? null;
    if (at === null || now - at > 3 * INTERVAL_S * 1000) {
      silent.set(m.group, (silent.get(m.group) ?? 0) + 1);
    }
  }
  return silent;
}

async function takeSample(api: Api, pid: number, monitors: MonitorInfo[]): Promise<Sample> {
  const at = Date.now();
  const [rss, health, silent] = await Promise.all([
    readRss(pid),
    sampleHealthz(api.base),
    sampleSilence(api, monitors),
  ]);
  return {
    at,
    rssKb: rss,
    healthMs: health.ms,
    healthStatus: health.status,
    inFlight: health.inFlight,
    queued: health.queued,
    stuck: health.stuck,
    silent: silent ?? new Map(),
  };
}

function progressLine(s: Sample, winStart: number): string {
  const silent = [...s.silent].map(([g, n]) => `${g} ${n}`).join(", ") || "none";
  return `  +${String(Math.round((s.at - winStart) / 1000)).padStart(4)} s  rss ${fmtMb(s.rssKb)}` +
    `  healthz ${s.healthStatus} ${fmtMs(s.healthMs)}  in-flight ${s.inFlight ?? "?"}` +
    ` queued ${s.queued ?? "?"} stuck ${s.stuck ?? "?"}  silent>${3 * INTERVAL_S}s: ${silent}`;
}

// ---------------------------------------------------------------------------------------------
// Final figures

/** Checks of every monitor: from the API while the service runs, else from its SQLite file. */
async function collectChecks(
  api: Api,
  monitors: MonitorInfo[],
  limit: number,
): Promise<Map<number, CheckPoint[]>> {
  const out = new Map<number, CheckPoint[]>();
  const deadline = Date.now() + COLLECT_BUDGET_MS;
  await pool(monitors, 8, deadline, async (m) => {
    try {
      out.set(m.id, await api.checks(m.id, limit));
    } catch {
      // Left for the database fallback.
    }
  });
  return out;
}

function checksFromDb(dbPath: string, ids: number[]): Map<number, CheckPoint[]> {
  const out = new Map<number, CheckPoint[]>();
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    const q = db.prepare(
      "SELECT checked_at, ok, latency_ms, error_kind FROM checks WHERE monitor_id = ?",
    );
    for (const id of ids) {
      const rows = q.all(id) as {
        checked_at: number;
        ok: number;
        latency_ms: number;
        error_kind: string | null;
      }[];
      out.set(
        id,
        rows.map((r) => ({
          at: r.checked_at,
          ok: r.ok === 1,
          latencyMs: r.latency_ms,
          errorKind: r.error_kind,
        })),
      );
    }
  } finally {
    db.close();
  }
  return out;
}

interface GroupFigures {
  group: HostileGroup;
  monitors: number;
  due: number;
  run: number;
  maxSilenceMs: number;
  /** Monitors whose longest silence exceeds 2 intervals: at least one check went missing. */
  gappy: number;
  never: number;
  noneInWindow: number;
  maxLatencyMs: number | null;
  seen: Map<string, number>;
  statusNow: Map<string, number>;
}

function groupFigures(
  group: HostileGroup,
  monitors: MonitorInfo[],
  checks: Map<number, CheckPoint[]>,
  statusNow: Map<number, string>,
  winStart: number,
  winEnd: number,
): GroupFigures {
  const mine = monitors.filter((m) => m.group === group);
  const f: GroupFigures = {
    group,
    monitors: mine.length,
    due: (mine.length * (winEnd - winStart)) / (INTERVAL_S * 1000),
    run: 0,
    maxSilenceMs: 0,
    gappy: 0,
    never: 0,
    noneInWindow: 0,
    maxLatencyMs: null,
    seen: new Map(),
    statusNow: new Map(),
  };
  for (const m of mine) {
    bump(f.statusNow, statusNow.get(m.id) ?? "?");
    const all = checks.get(m.id) ?? [];
    if (all.length === 0) f.never++;
    const times: number[] = [];
    for (const c of all) {
      if (c.at < winStart || c.at >= winEnd) continue;
      times.push(c.at);
      f.run++;
      bump(f.seen, c.ok ? "up" : (c.errorKind ?? "down"));
      f.maxLatencyMs = Math.max(f.maxLatencyMs ?? 0, c.latencyMs);
    }
    if (times.length === 0) f.noneInWindow++;
    // Silence from the window's start, between checks, and to the window's end.
    const edges = [winStart, ...times.sort((a, b) => a - b), winEnd];
    let longest = 0;
    for (let i = 1; i < edges.length; i++) longest = Math.max(longest, edges[i] - edges[i - 1]);
    if (longest > 2 * INTERVAL_S * 1000) f.gappy++;
    f.maxSilenceMs = Math.max(f.maxSilenceMs, longest);
  }
  return f;
}

async function stuckMetricLines(api: Api): Promise<string[] | string> {
  try {
    const { text } = await api.get("/metrics", 10_000);
    return text.split("\n").filter((l) => /stuck/i.test(l));
  } catch (err) {
    return `could not read /metrics: ${(err as Error).message}`;
  }
}

interface LogSummary {
  levels: Map<string, number>;
  /** "LEVEL event" of warnings and errors. */
  events: Map<string, number>;
  stuck: string[];
  errors: string[];
}

async function logSummary(tmp: string): Promise<LogSummary> {
  const levels = new Map<string, number>();
  const events = new Map<string, number>();
  const stuck: string[] = [];
  const errors: string[] = [];
  for (const file of ["service.out.log", "service.err.log"]) {
    let text = "";
    try {
      text = await Deno.readTextFile(join(tmp, file));
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      const [, level, event] = /^\S+ (DEBUG|INFO|WARN|ERROR)\s+(\S+)/.exec(line) ?? [];
      if (level) bump(levels, level);
      if (level === "WARN" || level === "ERROR") bump(events, `${level} ${event}`);
      if (/stuck/i.test(line)) stuck.push(line);
      if (level === "ERROR") errors.push(line);
    }
  }
  return { levels, events, stuck, errors };
}

// ---------------------------------------------------------------------------------------------
// The run

async function run(opts: Options, tmp: string): Promise<void> {
  const setupStart = Date.now();
  watchdog.arm(setupStart + SETUP_BUDGET_MS, "set-up");
  await Deno.mkdir(join(tmp, "data"));
  const port = freePort();
  // A clean environment: no e-mail is configured and CHECK_CONCURRENCY is the service's default.
  const env = serviceEnv(port, join(tmp, "data", "health.db"));

  // 1. The hostile targets.
  const hostile = await startHostile(tmp);
  const { ports } = hostile.hello;
  if ("skipped" in hostile.hello.blackhole && opts.groups.includes("tcp_blackhole")) {
    console.error(`tcp_blackhole skipped: ${hostile.hello.blackhole.skipped}`);
  }

  // 2. A token and the service under test.
  const token = await makeToken(tmp, env, TOKEN_PERMISSIONS, "stuck-soak");
  const service = await startService(tmp, env, `http://127.0.0.1:${port}`);
  await hostile.say(`guard ${service.pid}`);
  const api = new Api(`http://127.0.0.1:${port}`, token);
  const idle = await readRss(service.pid);
  console.error(
    `service pid ${service.pid} on ${api.base}; hostile ports ${JSON.stringify(ports)}`,
  );

  // 3. The monitors; each one's first check starts at once.
  const monitors = await createMonitors(api, opts, ports);
  const created = Date.now();
  const winStart = created + opts.warmup * 1000;
  const winEnd = winStart + opts.seconds * 1000;
  watchdog.arm(winEnd + AFTER_WINDOW_BUDGET_MS, "the soak");
  console.error(
    `${monitors.length} monitors created in ${created - setupStart} ms since start; warm-up ` +
      `${opts.warmup} s, then ${opts.seconds} s window, sampling every ${opts.sample} s…`,
  );

  // 4. The window: sample until its end (each sample is bounded by REQUEST_TIMEOUT_MS).
  await sleep(winStart - Date.now());
  const samples: Sample[] = [];
  let rssStart: number | null = null;
  for (let next = winStart; Date.now() < winEnd; next += opts.sample * 1000) {
    await sleep(Math.min(next, winEnd) - Date.now());
    if (Date.now() >= winEnd) break;
    if (service.child.done) {
      console.error("the service exited during the window!");
      break;
    }
    const s = await takeSample(api, service.pid, monitors);
    rssStart ??= s.rssKb;
    samples.push(s);
    console.error(progressLine(s, winStart));
  }
  const rssEnd = await readRss(service.pid);
  const hostileAtEnd = await hostile.stats();

  // 5. Figures from the service, then its exit.
  await sleep(END_GRACE_MS);
  const listEnd = await api.monitors().catch(() => [] as ApiMonitor[]);
  const statusNow = new Map(listEnd.map((m) => [m.id, m.status]));
  const limit = Math.min(10_000, Math.ceil((winEnd - created) / (INTERVAL_S * 1000)) * 2 + 20);
  const checks = await collectChecks(api, monitors, limit);
  const stuckLines = await stuckMetricLines(api);
  const exitedEarly = service.child.done;
  const exit = await stopChild(service.child, EXIT_GRACE_MS, { killWaitMs: 5_000 });
  await hostile.say(`unguard ${service.pid}`);
  await withTimeout(service.logsDone, 5_000, "service logs").catch(() => {});
  const hostileAfterExit = await hostile.stats();
  const missing = monitors.filter((m) => !checks.has(m.id)).map((m) => m.id);
  let fromDb = 0;
  if (missing.length) {
    try {
      for (const [id, list] of checksFromDb(env.DATABASE_PATH, missing)) {
        checks.set(id, list);
        fromDb++;
      }
    } catch (err) {
      console.error(`database fallback failed: ${(err as Error).message}`);
    }
  }
  const logs = await logSummary(tmp);

  // 6. The report.
  report({
    opts,
    monitors,
    checks,
    statusNow,
    winStart,
    winEnd,
    samples,
    idleKb: idle,
    rssStart,
    rssEnd,
    hostileAtEnd,
    hostileAfterExit,
    stuckLines,
    exit,
    exitedEarly,
    fromDb,
    logs,
    blackhole: hostile.hello.blackhole,
    pid: service.pid,
  });
  watchdog.disarm();
}

interface ReportInput {
  opts: Options;
  monitors: MonitorInfo[];
  checks: Map<number, CheckPoint[]>;
  statusNow: Map<number, string>;
  winStart: number;
  winEnd: number;
  samples: Sample[];
  idleKb: number | null;
  rssStart: number | null;
  rssEnd: number | null;
  hostileAtEnd: Record<HostileGroup, GroupStats> | null;
  hostileAfterExit: Record<HostileGroup, GroupStats> | null;
  stuckLines: string[] | string;
  exit: Stopped;
  exitedEarly: boolean;
  fromDb: number;
  logs: LogSummary;
  blackhole: HostileHello["blackhole"];
  pid: number;
}

function report(r: ReportInput): void {
  const windowS = (r.winEnd - r.winStart) / 1000;
  console.log(
    `\nStuck-check soak: ${r.monitors.length} monitors (${r.opts.perGroup} per group), interval ` +
      `${INTERVAL_S} s, timeout ${TIMEOUT_MS} ms, failure threshold ${FAILURE_THRESHOLD}; ` +
      `window ${windowS} s after ${r.opts.warmup} s warm-up; Deno ${Deno.version.deno}, ` +
      `${navigator.hardwareConcurrency} CPUs, service pid ${r.pid}\n`,
  );

  // Per group: was every check run, and how long was any monitor silent?
  const figures = r.opts.groups
    .filter((g) => r.monitors.some((m) => m.group === g))
    .map((g) => groupFigures(g, r.monitors, r.checks, r.statusNow, r.winStart, r.winEnd));
  printTable(
    [
      "group",
      "monitors",
      "due",
      "run",
      "ratio",
      "max silence",
      ">2×interval",
      "never",
      "none in win",
      "max latency",
    ],
    figures.map((f) => [
      f.group,
      String(f.monitors),
      f.due.toFixed(0),
      String(f.run),
      f.due > 0 ? `${((100 * f.run) / f.due).toFixed(1)}%` : "-",
      fmtS(f.maxSilenceMs),
      String(f.gappy),
      String(f.never),
      String(f.noneInWindow),
      fmtMs(f.maxLatencyMs),
    ]),
  );
  console.log(
    `\n(due = monitors × window / interval; max silence counts from the window's start and to ` +
      `its end; ">2×interval" = monitors that missed at least one check)\n`,
  );
  printTable(
    ["group", "expected", "seen in window (up / error_kind)", "status at end"],
    figures.map((f) => [f.group, EXPECTED[f.group], tally(f.seen), tally(f.statusNow)]),
  );
  if ("skipped" in r.blackhole) console.log(`tcp_blackhole: skipped (${r.blackhole.skipped})`);
  else console.log(`tcp_blackhole: accept queue held full by ${r.blackhole.fillers} connections`);
  if (r.fromDb) {
    console.log(`checks of ${r.fromDb} monitors read from the database (API gave none)`);
  }
  console.log(`hostile fleet alive at the end: ${r.hostileAfterExit ? "yes" : "NO"}`);

  // The hostile side: connections still open show probes that never let go of their socket.
  if (r.hostileAtEnd) {
    console.log("\nhostile fleet connections (open at window end → after service exit):");
    printTable(
      ["group", "accepted", "open at end", "peak open", "open after exit", "MiB sent", "expired"],
      figures.map((f) => {
        const s = r.hostileAtEnd![f.group];
        const after = r.hostileAfterExit?.[f.group];
        return [
          f.group,
          String(s.accepted),
          String(s.open),
          String(s.peakOpen),
          after ? String(after.open) : "?",
          (s.bytesOut / 2 ** 20).toFixed(1),
          String(s.expired),
        ];
      }),
    );
  }

  // The service as a whole.
  const rssSamples = r.samples.map((s) => s.rssKb).filter((v): v is number => v !== null);
  const peak = Math.max(r.rssEnd ?? 0, ...rssSamples);
  const answered = r.samples.map((s) => s.healthMs).filter((v): v is number => v !== null);
  const statuses = new Map<string, number>();
  for (const s of r.samples) bump(statuses, s.healthStatus);
  const failed = r.samples.length - answered.length;
  const maxOf = (key: "inFlight" | "queued" | "stuck") =>
    Math.max(0, ...r.samples.map((s) => s[key] ?? 0));
  const lastStuck = r.samples.at(-1)?.stuck;
  console.log("");
  const rows: [string, string][] = [
    [
      "RSS",
      `idle ${fmtMb(r.idleKb)}, window start ${fmtMb(r.rssStart)}, peak ${fmtMb(peak)}, ` +
      `end ${fmtMb(r.rssEnd)}`,
    ],
    [
      "/healthz latency",
      `p50 ${fmtMs(percentile(answered, 0.5))}, p99 ${fmtMs(percentile(answered, 0.99))}, max ` +
      `${fmtMs(answered.length ? Math.max(...answered) : null)}` +
      (failed ? ` (+${failed} unanswered within ${REQUEST_TIMEOUT_MS} ms)` : "") +
      ` over ${r.samples.length} samples`,
    ],
    ["/healthz status", tally(statuses)],
    [
      "/healthz scheduler",
      `max checks_in_flight ${maxOf("inFlight")}, max checks_queued ${maxOf("queued")}, ` +
      `checks_stuck at end ${lastStuck ?? "n/a"}`,
    ],
    [
      "SIGTERM → exit",
      r.exitedEarly
        ? "the service had already exited before SIGTERM"
        : r.exit.killed
        ? `did NOT exit within ${EXIT_GRACE_MS / 1000} s: SIGKILLed after ${fmtS(r.exit.ms)}`
        : `${fmtMs(r.exit.ms)} (exit code ${r.exit.status?.code ?? "?"})`,
    ],
    ["service log lines", tally(r.logs.levels)],
    ["  WARN/ERROR events", tally(r.logs.events)],
  ];
  printRows(rows);

  console.log('\n/metrics lines matching "stuck":');
  if (typeof r.stuckLines === "string") console.log(`  (${r.stuckLines})`);
  else if (r.stuckLines.length === 0) console.log("  (none)");
  else for (const l of r.stuckLines) console.log(`  ${l}`);
  if (r.logs.stuck.length) {
    console.log(`\nservice log lines mentioning "stuck": ${r.logs.stuck.length}; first ones:`);
    for (const l of r.logs.stuck.slice(0, 5)) console.log(`  ${l.slice(0, 240)}`);
  }
  for (const l of r.logs.errors.slice(0, 5)) console.log(`service ERROR: ${l.slice(0, 240)}`);
}

// ---------------------------------------------------------------------------------------------

const opts = parseOptions();
const tmp = await Deno.makeTempDir({ prefix: "shc-soak-" });
await runMain({ tmp, keep: opts.keep, sayKept: true, stopAll, what: "soak" }, () => run(opts, tmp));

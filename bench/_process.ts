/**
 * What the process-based benchmarks (`bench/scheduler.ts`, `bench/stuck_soak.ts`) share: their
 * arguments, child processes (every one registered and stopped on every exit path), the token CLI
 * and service start-up, the run's temp dir and exit, and small helpers. Also the fleet side of the
 * guard protocol spoken by `bench/target_fleet.ts` and `bench/hostile_fleet.ts`.
 *
 * Nothing here runs at import time beyond constants, so the fleets can import it too.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const CONFIG = join(ROOT, "deno.json");
export const MAIN = join(ROOT, "main.ts");
export const TOKEN_CLI = join(ROOT, "cli", "token.ts");
export const DENO = Deno.execPath();

// ---------------------------------------------------------------------------------------------
// Arguments

/** `parseArgs` over `Deno.args`; a parse error exits 2 with `usage`, `--help` prints it and exits. */
export function parseCli<T extends ParseArgsConfig["options"]>(
  usage: string,
  options: T,
): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>["values"] {
  let values;
  try {
    ({ values } = parseArgs({ args: Deno.args, options, strict: true, allowPositionals: false }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    Deno.exit(2);
  }
  if ((values as { help?: boolean }).help) {
    console.log(usage);
    Deno.exit(0);
  }
  return values;
}

/** Collects problems with the arguments; `exitIfAny` prints them with `usage` and exits 2. */
export function argChecks(usage: string) {
  const problems: string[] = [];
  return {
    problems,
    /** `raw` as a whole number from `min` to `max` (a problem is noted otherwise). */
    int(name: string, raw: string, min: number, max: number): number {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n < min || n > max) {
        problems.push(`--${name} must be a whole number from ${min} to ${max}`);
      }
      return n;
    },
    exitIfAny(): void {
      if (problems.length) {
        console.error(`${problems.join("\n")}\n${usage}`);
        Deno.exit(2);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes: every one is registered and stopped on every exit path.

export interface Child {
  name: string;
  proc: Deno.ChildProcess;
  exited: Promise<Deno.CommandStatus>;
  done: boolean;
}

const live = new Set<Child>();
/** The children that have not exited yet. */
export const children: ReadonlySet<Child> = live;

/** Spawns `deno <args>` and registers it until it exits. */
export function spawn(name: string, args: string[], opts: Deno.CommandOptions): Child {
  const proc = new Deno.Command(DENO, { args, ...opts }).spawn();
  const child: Child = { name, proc, exited: proc.status, done: false };
  live.add(child);
  child.exited.finally(() => {
    child.done = true;
    live.delete(child);
  });
  return child;
}

export function signal(child: Child, sig: Deno.Signal): void {
  if (child.done) return;
  try {
    child.proc.kill(sig);
  } catch {
    // It exited meanwhile.
  }
}

export interface StopOptions {
  /** How long to wait for the exit after SIGKILL (status null if it has not come); default: ever. */
  killWaitMs?: number;
  /** Say on stderr when SIGKILL is sent. */
  sayKill?: boolean;
}

export interface Stopped {
  /** From SIGTERM to the exit (or to giving up after SIGKILL). */
  ms: number;
  killed: boolean;
  status: Deno.CommandStatus | null;
}

/** SIGTERM, then SIGKILL after `graceMs`; says how long the exit took and if it was killed. */
export async function stopChild(
  child: Child,
  graceMs: number,
  { killWaitMs = Infinity, sayKill = false }: StopOptions = {},
): Promise<Stopped> {
  const t0 = performance.now();
  signal(child, "SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exitedInTime = await Promise.race([
    child.exited.then(() => true),
    new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), graceMs)),
  ]);
  clearTimeout(timer);
  if (exitedInTime) {
    return { ms: performance.now() - t0, killed: false, status: await child.exited };
  }
  if (sayKill) console.error(`${child.name} did not stop within ${graceMs} ms: SIGKILL`);
  signal(child, "SIGKILL");
  // SIGKILL cannot be ignored, but a finite `killWaitMs` does not wait on it forever either.
  const status = killWaitMs === Infinity
    ? await child.exited
    : await Promise.race([child.exited, sleep(killWaitMs).then(() => null)]);
  return { ms: performance.now() - t0, killed: true, status };
}

let cleaning: Promise<void> | null = null;
/**
 * Stops every child (once, however often it is called): the one named `first` before the rest,
 * each with `stopChild(child, graceMs, opts)`.
 */
export function cleanup(
  { first = "service", graceMs, ...opts }: StopOptions & { first?: string; graceMs: number },
): Promise<void> {
  return cleaning ??= (async () => {
    const rank = (c: Child) => (c.name === first ? 0 : 1);
    for (const child of [...live].sort((x, y) => rank(x) - rank(y))) {
      await stopChild(child, graceMs, opts);
    }
  })();
}

// ---------------------------------------------------------------------------------------------
// The run: a temp dir, the children stopped and the dir removed on every exit path.

export interface BenchMain {
  /** The temp dir, from `Deno.makeTempDir`. */
  tmp: string;
  /** Keep the temp dir. */
  keep: boolean;
  /** Print `kept: <dir>` when the temp dir is kept, whatever the outcome. */
  sayKept: boolean;
  /** Stops the children (each script's `cleanup`). */
  stopAll: () => Promise<void>;
  /** Prefix of the failure message ("bench" → "bench failed: …"). */
  what: string;
}

/** Runs `run`, then stops the children, removes the temp dir and exits (1 if `run` threw). */
export async function runMain(m: BenchMain, run: () => Promise<void>): Promise<never> {
  async function removeTmp(): Promise<void> {
    if (m.keep) {
      if (m.sayKept) console.log(`kept: ${m.tmp}`);
    } else await Deno.remove(m.tmp, { recursive: true }).catch(() => {});
  }
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, async () => {
      console.error(`\n${sig}: stopping children…`);
      await m.stopAll();
      await removeTmp();
      Deno.exit(130);
    });
  }
  let code = 0;
  try {
    await run();
  } catch (err) {
    console.error(`${m.what} failed: ${(err as Error).stack ?? err}`);
    if (!m.keep) console.error("(re-run with --keep to keep the database and service logs)");
    code = 1;
  } finally {
    await m.stopAll();
    await removeTmp();
  }
  Deno.exit(code);
}

// ---------------------------------------------------------------------------------------------
// The fleet, the token and the service

export interface Fleet {
  child: Child;
  /** The next line of its stdout, null once it has ended. */
  next: () => Promise<string | null>;
  /** Writes a line to its stdin. */
  say: (line: string) => Promise<void>;
  /** Its first stdout line: what it listens on. */
  hello: string;
}

/**
 * Starts the fleet `script` (loopback only; --allow-run to SIGTERM the guarded service if the
 * bench dies; then `flags`), cwd `tmp`, and waits `timeoutMs` for its first line.
 */
export async function startFleet(
  name: string,
  script: string,
  flags: string[],
  tmp: string,
  timeoutMs: number,
  what: string,
): Promise<Fleet> {
  const args = [
    "run",
    "--config",
    CONFIG,
    "--allow-net=127.0.0.1",
    "--allow-run",
    ...flags,
    script,
  ];
  const child = spawn(name, args, { stdin: "piped", stdout: "piped", stderr: "inherit", cwd: tmp });
  const writer = child.proc.stdin.getWriter();
  const next = lines(child.proc.stdout);
  const say = (line: string) => writer.write(new TextEncoder().encode(line + "\n"));
  const first = await withTimeout(next(), timeoutMs, `${what} start`);
  if (first === null) throw new Error(`the ${what} exited before listening`);
  return { child, next, say, hello: first };
}

/**
 * The service's environment: the caller's PATH, HOME, DENO_DIR, XDG_CACHE_HOME and TMPDIR (where
 * set), then loopback on `port`, the database at `databasePath`, plain info logs, then `extra`.
 * Nothing else from the caller's env or a .env (cwd is the temp dir) leaks in, so no alert e-mail
 * is configured.
 */
export function serviceEnv(
  port: number,
  databasePath: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  return {
    ...env,
    NO_COLOR: "1",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_PATH: databasePath,
    LOG_LEVEL: "info",
    ...extra,
  };
}

/**
 * An API token made by the real `cli/token.ts` (cwd `tmp`, only `env`), run with `permissions`.
 */
export async function makeToken(
  tmp: string,
  env: Record<string, string>,
  permissions: string[],
  name: string,
): Promise<string> {
  const out = await withTimeout(
    new Deno.Command(DENO, {
      args: ["run", "--config", CONFIG, ...permissions, TOKEN_CLI, "--name", name],
      cwd: tmp,
      clearEnv: true,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output(),
    60_000,
    "cli/token.ts",
  );
  const token = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)?.trim() ?? "";
  if (!out.success || !token) {
    throw new Error(`cli/token.ts failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return token;
}

export interface Service {
  child: Child;
  pid: number;
  /** Settles when stdout and stderr are in `tmp`/service.{out,err}.log (and the files closed). */
  logsDone: Promise<unknown>;
}

/** Spawns the real `main.ts` with `permissions`, cwd `tmp`, only `env`, its output to log files. */
export async function spawnService(
  tmp: string,
  env: Record<string, string>,
  permissions: string[],
): Promise<Service> {
  const child = spawn("service", ["run", "--config", CONFIG, ...permissions, MAIN], {
    cwd: tmp,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const outLog = await Deno.open(join(tmp, "service.out.log"), { write: true, create: true });
  const errLog = await Deno.open(join(tmp, "service.err.log"), { write: true, create: true });
  const logsDone = Promise.allSettled([
    child.proc.stdout.pipeTo(outLog.writable),
    child.proc.stderr.pipeTo(errLog.writable),
  ]);
  return { child, pid: child.proc.pid, logsDone };
}

/** Waits up to 30 s for `base`/healthz to answer; throws if the service exits first. */
export async function waitReady(service: Service, base: string, tmp: string): Promise<void> {
  const readyBy = Date.now() + 30_000;
  for (;;) {
    if (service.child.done) {
      throw new Error(`the service exited at start-up; see ${tmp}/service.*.log`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      break;
    } catch {
      if (Date.now() > readyBy) throw new Error("the service did not answer /healthz within 30 s");
      await sleep(100);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Line reader over a child's stdout; the rest of the stream keeps being drained. */
export function lines(stream: ReadableStream<Uint8Array>): () => Promise<string | null> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  const queue: string[] = [];
  const waiters: ((line: string | null) => void)[] = [];
  let ended = false;
  (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const w = waiters.shift();
          if (w) w(line);
          else if (queue.length < 1000) queue.push(line);
        }
      }
    } catch {
      // The child went away.
    }
    ended = true;
    for (const w of waiters.splice(0)) w(null);
  })();
  return () => {
    if (queue.length) return Promise.resolve(queue.shift()!);
    if (ended) return Promise.resolve(null);
    return new Promise((resolve) => waiters.push(resolve));
  };
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const fmtMs = (v: number | string | null) =>
  v === null ? "n/a" : typeof v === "string" ? `${v} ms` : `${v.toFixed(v < 10 ? 1 : 0)} ms`;
export const fmtMb = (kb: number | null) => kb === null ? "n/a" : `${(kb / 1024).toFixed(1)} MB`;

/** Prints `[label, value]` rows, the labels padded to one width. */
export function printRows(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

// ---------------------------------------------------------------------------------------------
// The fleet side of the guard protocol

/** SIGTERMs every guarded process, saying so on stderr as `who`. */
export function termGuarded(guarded: Set<number>, who: string): void {
  for (const pid of guarded) {
    try {
      Deno.kill(pid, "SIGTERM");
      console.error(`${who}: sent SIGTERM to guarded process ${pid}`);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Reads the parent's commands on stdin until it ends (the parent is gone): `guard <pid>` and
 * `unguard <pid>` edit `guarded`, `stats` calls `onStats`. A partial line longer than
 * `maxPending` characters is dropped.
 */
export async function readCommands(
  guarded: Set<number>,
  onStats: () => void,
  maxPending = Infinity,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of Deno.stdin.readable) {
    pending += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const [cmd, arg] = pending.slice(0, nl).trim().split(/\s+/);
      pending = pending.slice(nl + 1);
      const pid = Number(arg);
      if (cmd === "guard" && Number.isInteger(pid) && pid > 1) guarded.add(pid);
      else if (cmd === "unguard") guarded.delete(pid);
      else if (cmd === "stats") onStats();
    }
    if (pending.length > maxPending) pending = ""; // not our protocol: drop it
  }
}

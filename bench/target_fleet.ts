/**
 * The local target fleet for `bench/scheduler.ts`. It runs as its own process so the service's CPU
 * and memory are measured alone. Loopback only: everything binds 127.0.0.1 on ports the OS picks.
 *
 * Every HTTP port answers:
 * - `/ok`: 200 at once
 * - `/slow`: 200 after `--slow-ms` (default 200)
 * - `/error`: 500 at once
 * - `/hang`: never answers (until the client gives up), so probe timeouts are exercised
 *
 * Every TCP port accepts each connection and closes it at once.
 *
 * Protocol with the parent:
 * - stdout: one JSON line `{"http":[ports],"tcp":[ports]}` once listening, then one JSON line of
 *   request counts each time stdin says `stats`.
 * - stdin lines `guard <pid>` / `unguard <pid>`: when stdin ends (the benchmark exited or was
 *   killed), every guarded process gets SIGTERM before the fleet exits, so nothing is left behind.
 * SIGINT and SIGTERM end the fleet the same way.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-run --unstable-no-legacy-abort bench/target_fleet.ts \
 *   [--http 4] [--tcp 2] [--slow-ms 200]
 * ```
 */
import { parseArgs } from "node:util";
import { readCommands, termGuarded } from "./_process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    http: { type: "string", default: "4" },
    tcp: { type: "string", default: "2" },
    "slow-ms": { type: "string", default: "200" },
  },
  strict: true,
  allowPositionals: false,
});
const httpPorts = Number(values.http);
const tcpPorts = Number(values.tcp);
const slowMs = Number(values["slow-ms"]);
if (![httpPorts, tcpPorts, slowMs].every((n) => Number.isInteger(n) && n >= 0)) {
  console.error("target_fleet: --http, --tcp and --slow-ms must be whole numbers");
  Deno.exit(2);
}

const counts: Record<string, number> = { ok: 0, slow: 0, error: 0, hang: 0, other: 0, tcp: 0 };
const closing = new AbortController();

/** Resolves after `ms`, or early when `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Never answers by itself: ends only when the client aborts or the fleet closes. */
function hang(req: Request): Promise<Response> {
  return new Promise((resolve) => {
    const end = () => {
      req.signal.removeEventListener("abort", end);
      closing.signal.removeEventListener("abort", end);
      resolve(new Response(null, { status: 503 }));
    };
    req.signal.addEventListener("abort", end, { once: true });
    closing.signal.addEventListener("abort", end, { once: true });
  });
}

async function handle(req: Request): Promise<Response> {
  switch (new URL(req.url).pathname) {
    case "/ok":
      counts.ok++;
      return new Response("ok\n");
    case "/slow":
      counts.slow++;
      await delay(slowMs, AbortSignal.any([req.signal, closing.signal]));
      return new Response("slow\n");
    case "/error":
      counts.error++;
      return new Response("error\n", { status: 500 });
    case "/hang":
      counts.hang++;
      return await hang(req);
    default:
      counts.other++;
      return new Response("not found\n", { status: 404 });
  }
}

const servers: Deno.HttpServer<Deno.NetAddr>[] = [];
for (let i = 0; i < httpPorts; i++) {
  servers.push(Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle));
}
const listeners: Deno.TcpListener[] = [];
for (let i = 0; i < tcpPorts; i++) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  listeners.push(listener);
  (async () => {
    try {
      for await (const conn of listener) {
        counts.tcp++;
        conn.close();
      }
    } catch {
      // The listener was closed.
    }
  })();
}

const encoder = new TextEncoder();
function emit(value: unknown): void {
  Deno.stdout.writeSync(encoder.encode(JSON.stringify(value) + "\n"));
}
emit({ http: servers.map((s) => s.addr.port), tcp: listeners.map((l) => l.addr.port) });

const guarded = new Set<number>();
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  termGuarded(guarded, "target_fleet");
  closing.abort();
  for (const l of listeners) l.close();
  const shutdown = Promise.allSettled(servers.map((s) => s.shutdown()));
  await Promise.race([shutdown, new Promise((r) => setTimeout(r, 2000))]);
  Deno.exit(0);
}
for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, stop);

// stdin commands; its end (parent gone) stops the fleet.
try {
  await readCommands(guarded, () => emit(counts));
} finally {
  await stop();
}

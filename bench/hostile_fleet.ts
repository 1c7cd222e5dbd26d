/**
 * Hostile targets for `bench/stuck_soak.ts`, in their own process so the service's CPU and memory
 * are measured alone. Loopback only: every listener binds 127.0.0.1 on a port the OS picks.
 *
 * Every group is a raw `Deno.listen` TCP server, so the bytes on the wire (and their timing) are
 * exactly what the group promises, with no HTTP library smoothing them over:
 *
 * - `ok`: a plain `200 OK` with a 3-byte body, then close (the control group)
 * - `stall`: `200` headers and one body chunk, then nothing, forever
 * - `hang`: accepts, reads the request, never answers
 * - `slowloris`: the status line and an endless run of headers, one byte every 500 ms
 * - `huge`: `200` with a 50 MiB body, sent as fast as the client reads
 * - `endless`: `200` with a chunked body that never ends, streamed as fast as the client reads
 * - `redirect_loop`: `/self` answers 302 to itself, `/a` → `/b` → `/a` is a 2-hop loop
 * - `drip`: `200` with a 1 MiB Content-Length, then one body byte per second
 * - `tcp_hang`: raw TCP, accepts and never writes (a tcp:// probe should see it UP)
 * - `tcp_blackhole`: a listener that never accepts, its accept queue filled by this process,
 *   so further SYNs are dropped and a connect never completes; skipped (port `null`) when the
 *   queue cannot be filled
 *
 * The process must outlive everything the service does: every socket error is caught, memory is
 * bounded per connection (a fixed head buffer and shared send buffers, backpressure via awaited
 * writes), open connections per group are capped, and each connection is closed after
 * `--max-conn-s` whatever its peer does.
 *
 * Protocol with the parent (like `bench/target_fleet.ts`):
 * - stdout: one JSON line `{"ports":{group:port|null},"blackhole":{...}}` once listening, then one
 *   JSON line of per-group connection counts each time stdin says `stats`.
 * - stdin lines `guard <pid>` / `unguard <pid>`: when stdin ends (the benchmark exited or was
 *   killed), every guarded process gets SIGTERM before this process exits.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-run bench/hostile_fleet.ts [--max-conn-s 900]
 * ```
 */
import { parseArgs } from "node:util";
import { readCommands, termGuarded } from "./_process.ts";

/** Every group this process can serve, in report order. */
export const HOSTILE_GROUPS = [
  "ok",
  "stall",
  "hang",
  "slowloris",
  "huge",
  "endless",
  "redirect_loop",
  "drip",
  "tcp_hang",
  "tcp_blackhole",
] as const;
export type HostileGroup = typeof HOSTILE_GROUPS[number];

/** Per-group connection counts, as sent on `stats`. */
export interface GroupStats {
  accepted: number;
  open: number;
  peakOpen: number;
  bytesOut: number;
  /** Closed at once because the group already had MAX_OPEN_PER_GROUP connections. */
  shed: number;
  /** Closed by this process after --max-conn-s. */
  expired: number;
  /** Socket errors (resets, broken pipes): expected when a probe gives up. */
  socketErrors: number;
}

/** The first stdout line. */
export interface HostileHello {
  ports: Record<HostileGroup, number | null>;
  blackhole: { fillers: number } | { skipped: string };
}

const MAX_OPEN_PER_GROUP = 2_000;
const MAX_HEAD_BYTES = 8 * 1024;
const HEAD_TIMEOUT_MS = 10_000;
const HUGE_BYTES = 50 * 1024 * 1024;
const DRIP_CONTENT_LENGTH = 1024 * 1024;
const SLOWLORIS_BYTE_MS = 500;
const DRIP_BYTE_MS = 1_000;
/** A connect to the blackhole not done within this is taken as a dropped SYN. */
const BLACKHOLE_PROBE_MS = 300;
const BLACKHOLE_MAX_FILLERS = 8_000;

const encoder = new TextEncoder();
/** Shared, never-mutated send buffers: memory does not grow with the number of connections. */
const BLOCK = new Uint8Array(64 * 1024).fill(0x61); // "aaaa…"
const CHUNK_FRAME = concat(encoder.encode(`${BLOCK.length.toString(16)}\r\n`), BLOCK, [13, 10]);

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One connection

/** A tracked connection: `closed` resolves once, when the peer or this process ends it. */
class Session {
  readonly closed: Promise<void>;
  isClosed = false;
  #resolve!: () => void;

  constructor(readonly conn: Deno.Conn, readonly stats: GroupStats) {
    this.closed = new Promise((r) => this.#resolve = r);
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by the runtime.
    }
    this.#resolve();
  }

  /** Writes all of `bytes`; false once the connection is gone (never throws). */
  async send(bytes: Uint8Array): Promise<boolean> {
    try {
      for (let at = 0; at < bytes.length && !this.isClosed;) {
        const n = await this.conn.write(at === 0 ? bytes : bytes.subarray(at));
        at += n;
        this.stats.bytesOut += n;
      }
      return !this.isClosed;
    } catch {
      if (!this.isClosed) this.stats.socketErrors++;
      this.close();
      return false;
    }
  }

  /** Waits `ms`, or less if the connection ends meanwhile. */
  pause(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([
      new Promise<void>((r) => timer = setTimeout(r, ms)),
      this.closed,
    ]).finally(() => clearTimeout(timer));
  }

  /**
   * Reads the request head (up to `\r\n\r\n`, at most 8 KiB, within 10 s) and returns its
   * request target, or null when the peer sent none.
   */
  async readHead(): Promise<string | null> {
    const buf = new Uint8Array(MAX_HEAD_BYTES);
    let len = 0;
    const timer = setTimeout(() => this.close(), HEAD_TIMEOUT_MS);
    try {
      while (len < buf.length && !this.isClosed) {
        const n = await this.conn.read(buf.subarray(len));
        if (n === null) break;
        len += n;
        const text = new TextDecoder().decode(buf.subarray(0, len));
        if (text.includes("\r\n\r\n")) return text.split(" ")[1] ?? "/";
      }
    } catch {
      if (!this.isClosed) this.stats.socketErrors++;
    } finally {
      clearTimeout(timer);
    }
    return null;
  }

  /**
   * Reads and discards whatever arrives until the peer closes, then closes: this is how a
   * silent server notices that the probe gave up, so it does not keep the socket forever.
   * The peer of a hanging target sends nothing more, so to it the server stays silent.
   */
  async drainUntilClosed(): Promise<void> {
    const sink = new Uint8Array(1024);
    try {
      while (!this.isClosed && await this.conn.read(sink) !== null) {
        // discard
      }
    } catch {
      if (!this.isClosed) this.stats.socketErrors++;
    }
    this.close();
  }
}

type Handler = (s: Session) => Promise<void>;

const head = (lines: string[]) => encoder.encode(`${lines.join("\r\n")}\r\n\r\n`);

/** The behaviour of each accepting group. After a handler returns, the connection is closed. */
const HANDLERS: Record<Exclude<HostileGroup, "tcp_blackhole">, Handler> = {
  async ok(s) {
    if (await s.readHead() === null) return;
    await s.send(head(["HTTP/1.1 200 OK", "Content-Length: 3", "Connection: close"]));
    await s.send(encoder.encode("ok\n"));
  },

  async stall(s) {
    if (await s.readHead() === null) return;
    const sent = await s.send(concat(
      head(["HTTP/1.1 200 OK", "Content-Type: text/plain", "Transfer-Encoding: chunked"]),
      encoder.encode("10\r\nfirst chunk only\r\n"),
    ));
    if (sent) await s.drainUntilClosed();
  },

  async hang(s) {
    await s.drainUntilClosed();
  },

  async slowloris(s) {
    if (await s.readHead() === null) return;
    void s.drainUntilClosed();
    // The status line, then header after header: the head never ends.
    const status = "HTTP/1.1 200 OK\r\n";
    for (let i = 0, header = status; !s.isClosed; i++) {
      for (const ch of header) {
        if (!await s.send(encoder.encode(ch))) return;
        await s.pause(SLOWLORIS_BYTE_MS);
      }
      header = `X-Slow-${i}: a\r\n`;
    }
  },

  async huge(s) {
    if (await s.readHead() === null) return;
    void s.drainUntilClosed();
    const lines = ["HTTP/1.1 200 OK", `Content-Length: ${HUGE_BYTES}`, "Connection: close"];
    if (!await s.send(head(lines))) return;
    for (let left = HUGE_BYTES; left > 0;) {
      const n = Math.min(left, BLOCK.length);
      if (!await s.send(n === BLOCK.length ? BLOCK : BLOCK.subarray(0, n))) return;
      left -= n;
    }
  },

  async endless(s) {
    if (await s.readHead() === null) return;
    void s.drainUntilClosed();
    if (!await s.send(head(["HTTP/1.1 200 OK", "Transfer-Encoding: chunked"]))) return;
    while (await s.send(CHUNK_FRAME)) {
      // Awaiting each write is the backpressure: a client that stops reading blocks us here.
    }
  },

  async redirect_loop(s) {
    const target = await s.readHead();
    if (target === null) return;
    const url = new URL(target, "http://127.0.0.1");
    // /self → /self; /a → /b → /a (the query, which names the monitor, is kept).
    const next = url.pathname === "/a" ? "/b" : url.pathname === "/b" ? "/a" : url.pathname;
    await s.send(head([
      "HTTP/1.1 302 Found",
      `Location: ${next}${url.search}`,
      "Content-Length: 0",
      "Connection: close",
    ]));
  },

  async drip(s) {
    if (await s.readHead() === null) return;
    void s.drainUntilClosed();
    const lines = ["HTTP/1.1 200 OK", `Content-Length: ${DRIP_CONTENT_LENGTH}`];
    if (!await s.send(head(lines))) return;
    const byte = BLOCK.subarray(0, 1);
    for (let i = 0; i < DRIP_CONTENT_LENGTH && await s.send(byte); i++) {
      await s.pause(DRIP_BYTE_MS);
    }
  },

  async tcp_hang(s) {
    // Never writes; the read only notices the probe closing (it never sends anything).
    await s.drainUntilClosed();
  },
};

// ---------------------------------------------------------------------------------------------
// Listeners

function newStats(): GroupStats {
  return { accepted: 0, open: 0, peakOpen: 0, bytesOut: 0, shed: 0, expired: 0, socketErrors: 0 };
}

const stats = Object.fromEntries(HOSTILE_GROUPS.map((g) => [g, newStats()])) as Record<
  HostileGroup,
  GroupStats
>;
let uncaught = 0;
const sessions = new Set<Session>();
const listeners: Deno.Listener[] = [];
let stopping = false;

async function serveConn(conn: Deno.Conn, group: keyof typeof HANDLERS, maxConnMs: number) {
  const st = stats[group];
  st.accepted++;
  if (st.open >= MAX_OPEN_PER_GROUP) {
    st.shed++;
    try {
      conn.close();
    } catch {
      // gone
    }
    return;
  }
  st.open++;
  st.peakOpen = Math.max(st.peakOpen, st.open);
  const s = new Session(conn, st);
  sessions.add(s);
  const expiry = setTimeout(() => {
    if (!s.isClosed) st.expired++;
    s.close();
  }, maxConnMs);
  try {
    await HANDLERS[group](s);
  } catch {
    st.socketErrors++;
  } finally {
    clearTimeout(expiry);
    s.close();
    sessions.delete(s);
    st.open--;
  }
}

/** Accepts forever; an accept error (EMFILE…) is counted and retried, never fatal. */
async function acceptLoop(
  listener: Deno.Listener,
  group: keyof typeof HANDLERS,
  maxConnMs: number,
) {
  while (!stopping) {
    try {
      const conn = await listener.accept();
      void serveConn(conn, group, maxConnMs);
    } catch {
      if (stopping) return;
      stats[group].socketErrors++;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * A listener that is never accepted from, its accept queue filled with our own connections:
 * the kernel then drops new SYNs (net.ipv4.tcp_abort_on_overflow = 0, the default), so a
 * client's connect neither succeeds nor is refused. The filler count is the queue size + 1.
 */
async function blackhole(): Promise<{ port: number | null; info: HostileHello["blackhole"] }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  const fillers: Deno.Conn[] = [];
  const tryConnect = async (): Promise<Deno.Conn | null> => {
    const signal = AbortSignal.timeout(BLACKHOLE_PROBE_MS);
    try {
      return await Deno.connect({ hostname: "127.0.0.1", port, signal });
    } catch {
      return null;
    }
  };
  while (fillers.length < BLACKHOLE_MAX_FILLERS) {
    const conn = await tryConnect();
    if (conn) {
      fillers.push(conn);
      continue;
    }
    // One dropped SYN: confirm once more, so a momentary hiccup is not taken for a full queue.
    const again = await tryConnect();
    if (again) {
      fillers.push(again);
      continue;
    }
    listeners.push(listener);
    // Kept referenced forever: closing a filler would free a slot in the queue.
    (globalThis as { __fillers?: Deno.Conn[] }).__fillers = fillers;
    return { port, info: { fillers: fillers.length } };
  }
  for (const c of fillers) c.close();
  listener.close();
  return { port: null, info: { skipped: `queue not full after ${fillers.length} connections` } };
}

// ---------------------------------------------------------------------------------------------
// Main: only when run as a process (the types above can be imported by the benchmark).

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { "max-conn-s": { type: "string", default: "900" } },
    strict: true,
    allowPositionals: false,
  });
  const maxConnS = Number(values["max-conn-s"]);
  if (!Number.isInteger(maxConnS) || maxConnS < 1) {
    console.error("hostile_fleet: --max-conn-s must be a whole number ≥ 1");
    Deno.exit(2);
  }

  // Nothing a peer does may end this process.
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    uncaught++;
  });
  globalThis.addEventListener("error", (e) => {
    e.preventDefault();
    uncaught++;
  });

  const ports = {} as Record<HostileGroup, number | null>;
  for (const group of Object.keys(HANDLERS) as (keyof typeof HANDLERS)[]) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    listeners.push(listener);
    ports[group] = listener.addr.port;
    void acceptLoop(listener, group, maxConnS * 1000);
  }
  const hole = await blackhole();
  ports.tcp_blackhole = hole.port;

  const emit = (value: unknown) =>
    Deno.stdout.writeSync(encoder.encode(JSON.stringify(value) + "\n"));
  emit({ ports, blackhole: hole.info } satisfies HostileHello);

  const guarded = new Set<number>();
  const stop = () => {
    if (stopping) return;
    stopping = true;
    termGuarded(guarded, "hostile_fleet");
    for (const s of sessions) s.close();
    for (const l of listeners) {
      try {
        l.close();
      } catch {
        // closed
      }
    }
    Deno.exit(0);
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, stop);

  // stdin commands; its end (parent gone) stops the fleet.
  try {
    await readCommands(guarded, () => emit({ groups: stats, uncaught }), 4096);
  } catch {
    // stdin broke: the parent is gone.
  } finally {
    stop();
  }
}

if (import.meta.main) await main();

/**
 * Real local probe targets for tests: HTTP(S) servers, raw TCP misbehaviour, closed ports and a
 * self-signed certificate. Everything binds 127.0.0.1 on a free port (port 0) and every `close()`
 * releases all it opened, so Deno's test sanitizers pass.
 *
 * Permissions: --allow-net; `selfSignedCert()` also needs --allow-run=openssl, --allow-read and
 * --allow-write (a temp dir).
 *
 * @example
 * ```ts
 * await using t = await startTarget(() => new Response("ok"));
 * await fetch(t.url); // t.requests === 1
 * ```
 */

/** A handler for {@link startTarget}; `closing` aborts when the target starts closing. */
export type TargetHandler = (
  req: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  closing: AbortSignal,
) => Response | Promise<Response>;

/** A running local HTTP(S) server. */
export interface HttpTarget extends AsyncDisposable {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  port: number;
  /** Requests handled so far. */
  readonly requests: number;
  /** Distinct client connections seen so far (by remote port). */
  readonly connections: number;
  /** Aborts handlers waiting on `closing`, then shuts the server down gracefully. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link startTarget}. */
export interface StartTargetOptions {
  /** PEM cert and key: serve HTTPS (see {@link selfSignedCert}). */
  tls?: { cert: string; key: string };
}

/**
 * Starts `Deno.serve` on 127.0.0.1:0. Slow handlers should wait with
 * `delay(ms, closing)` so `close()` never hangs on them.
 */
export function startTarget(
  handler: TargetHandler,
  options: StartTargetOptions = {},
): Promise<HttpTarget> {
  const closing = new AbortController();
  const remotePorts = new Set<number>();
  let requests = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {}, ...options.tls },
    (req, info) => {
      requests++;
      remotePorts.add(info.remoteAddr.port);
      return handler(req, info, closing.signal);
    },
  );
  const port = server.addr.port;
  let closed: Promise<void> | undefined;
  const close = () => {
    closing.abort();
    return closed ??= server.shutdown(); // idempotent: `await using` may close again
  };
  return Promise.resolve({
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}/`,
    port,
    get requests() {
      return requests;
    },
    get connections() {
      return remotePorts.size;
    },
    close,
    [Symbol.asyncDispose]: close,
  });
}

/** A running raw TCP listener. */
export interface TcpTarget extends AsyncDisposable {
  /** `tcp://127.0.0.1:<port>` */
  url: string;
  /** `http://127.0.0.1:<port>/`, for pointing HTTP clients at the raw socket. */
  httpUrl: string;
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Stops accepting, closes every connection still open and waits for the handlers. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a raw TCP listener; `onConn` decides the misbehaviour. Connections it leaves open are
 * closed by `close()`, so "accept and never answer" is simply `startTcpTarget(() => {})`.
 */
export function startTcpTarget(
  onConn: (conn: Deno.Conn, closing: AbortSignal) => void | Promise<void>,
): Promise<TcpTarget> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closing = new AbortController();
  const open = new Set<Deno.Conn>();
  const handlers: Promise<void>[] = [];
  let accepted = 0;
  const loop = (async () => {
    try {
      for await (const conn of listener) {
        accepted++;
        open.add(conn);
        handlers.push((async () => await onConn(conn, closing.signal))().catch(() => {}));
      }
    } catch { /* listener closed */ }
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  let closed: Promise<void> | undefined;
  const close = () =>
    closed ??= (async () => { // idempotent: `await using` may close again
      closing.abort();
      listener.close();
      await loop;
      // Close first: a handler blocked in conn.read() only returns once its conn is closed.
      for (const conn of open) closeQuietly(conn);
      await Promise.all(handlers);
    })();
  return Promise.resolve({
    url: `tcp://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}/`,
    port,
    get accepted() {
      return accepted;
    },
    close,
    [Symbol.asyncDispose]: close,
  });
}

/** Closes a connection that may already be closed. */
export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}

/** A 127.0.0.1 port that was just free and has no listener: connecting is refused. */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * A listener whose accept backlog is full, so a new connect gets no SYN-ACK and hangs until
 * the caller's timeout (Linux drops SYNs when the accept queue is full). Deterministic on
 * loopback; opens about 512 sockets (Deno's backlog) for the life of the target.
 */
export async function startUnresponsiveTcp(): Promise<TcpTarget> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < 5000; i++) {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 200);
    try {
      conns.push(await Deno.connect({ hostname: "127.0.0.1", port, signal: ac.signal }));
    } catch {
      break; // this connect hung: the backlog is full
    } finally {
      clearTimeout(timer);
    }
  }
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      for (const conn of conns) closeQuietly(conn);
      listener.close();
    }
    return Promise.resolve();
  };
  return {
    url: `tcp://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}/`,
    port,
    accepted: 0,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Resolves after `ms`, or early (never rejecting) when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** A PEM certificate and its key. */
export interface PemPair {
  cert: string;
  key: string;
}

const certs = new Map<string, Promise<PemPair>>();

/**
 * A self-signed EC certificate (CN=localhost, SAN localhost + 127.0.0.1) and key, made once per
 * process, kind and validity (`days`) with `openssl` in a temp dir. `"ca"` is openssl's default CA:TRUE certificate,
 * which fetch refuses even when trusted (probes see `tls`); `"leaf"` is an end-entity certificate
 * (CA:FALSE, serverAuth) that verifies once trusted, e.g. through DENO_CERT.
 */
export function selfSignedCert(kind: "ca" | "leaf" = "ca", days = 2): Promise<PemPair> {
  const key = `${kind}-${days}`;
  let pair = certs.get(key);
  if (!pair) certs.set(key, pair = generateCert(kind, days));
  return pair;
}

async function generateCert(kind: "ca" | "leaf", days: number): Promise<PemPair> {
  const dir = await Deno.makeTempDir({ prefix: "shc-cert-" });
  try {
    const leaf = kind === "leaf"
      ? ["-addext", "basicConstraints=critical,CA:FALSE", "-addext", "extendedKeyUsage=serverAuth"]
      : [];
    const { success, stderr } = await new Deno.Command("openssl", {
      args: [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
        ...["-nodes", "-days", String(days), "-subj", "/CN=localhost"],
        ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        ...leaf,
        ...["-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`],
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) throw new Error(`openssl failed: ${new TextDecoder().decode(stderr)}`);
    return {
      cert: await Deno.readTextFile(`${dir}/cert.pem`),
      key: await Deno.readTextFile(`${dir}/key.pem`),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One TCP check: UP when a connection to `tcp://host:port` opens within the timeout. */

import { classifyProbeError, probeDeadline } from "./classify.ts";
import type { ErrorKind, ProbeResult, ProbeTarget } from "./types.ts";

/** Options for {@link probeTcp}. */
export interface TcpProbeOptions {
  /** Aborting it ends the probe as DOWN/network "Probe cancelled". */
  signal?: AbortSignal;
}

function tcpAddress(input: string): { hostname: string; port: number } {
  const url = new URL(input);
  const port = Number(url.port);
  if (url.protocol !== "tcp:" || !url.hostname || !Number.isInteger(port) || port < 1) {
    throw new TypeError(`Invalid TCP target '${input}': expected tcp://host:port`);
  }
  return { hostname: url.hostname.replace(/^\[|\]$/g, ""), port };
}

/** Probes a tcp target and closes the connection at once; never throws. */
export async function probeTcp(
  target: ProbeTarget,
  options: TcpProbeOptions = {},
): Promise<ProbeResult> {
  const started = performance.now();
  const deadline = probeDeadline(
    target.timeoutMs,
    `no connection within ${target.timeoutMs} ms`,
    options.signal,
  );
  const result = (errorKind: ErrorKind | null, errorMessage: string | null): ProbeResult => ({
    ok: errorKind === null,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    httpStatus: null,
    errorKind,
    errorMessage,
  });
  try {
    // The signal cancels the connect op itself, so a connect finishing late leaves no socket.
    const connecting = Deno.connect({ ...tcpAddress(target.url), signal: deadline.signal });
    // Bounded as well: the deadline must win even if the connect op ignored the abort; a
    // connection that still opens afterwards is closed at once.
    const conn = await deadline.bound(connecting).catch((err) => {
      connecting.then((late) => late.close()).catch(() => {});
      throw err;
    });
    conn.close();
    return result(null, null);
  } catch (err) {
    const { kind, message } = classifyProbeError(err, deadline.signal);
    return result(kind, message);
  } finally {
    deadline.dispose();
  }
}

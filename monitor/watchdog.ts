/**
 * The last line of defence against a check that never ends. Probes bound their own awaits by the
 * timeout, but a probe implementation bug, a runtime quirk or a hung DNS resolver must still not
 * freeze a monitor: checks never overlap, so one probe that never returns would silence its
 * monitor for good. After timeout + grace the watchdog gives up on the probe, aborts it and
 * answers with a `timeout` result in its place.
 */
import type { ProbeResult } from "./types.ts";

/** How long past its own timeout a probe may run before the watchdog takes over. */
export const WATCHDOG_GRACE_MS = 5_000;

/** What {@link guardProbe} resolves to. */
export interface GuardedProbe {
  result: ProbeResult;
  /** The watchdog fired: the probe was abandoned and `result` is its stand-in. */
  stuck: boolean;
}

/**
 * Runs `run(signal)` and resolves with its result, or with a timeout result after
 * `timeoutMs + graceMs` whatever `run` does. An abort of `external` (shutdown) rejects at once
 * with an AbortError, so shutdown never waits on a probe either. `signal` is aborted whenever
 * the caller stops waiting, telling the probe to release what it holds.
 */
export function guardProbe(
  run: (signal: AbortSignal) => Promise<ProbeResult>,
  timeoutMs: number,
  opts: { graceMs?: number; external?: AbortSignal } = {},
): Promise<GuardedProbe> {
  const limit = timeoutMs + (opts.graceMs ?? WATCHDOG_GRACE_MS);
  const ac = new AbortController();
  const external = opts.external;
  if (external?.aborted) return Promise.reject(new DOMException("Check cancelled", "AbortError"));
  return new Promise<GuardedProbe>((resolve, reject) => {
    const started = performance.now();
    const finish = () => {
      clearTimeout(timer);
      external?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      finish();
      ac.abort(new DOMException("Check cancelled", "AbortError"));
      reject(new DOMException("Check cancelled", "AbortError"));
    };
    const timer = setTimeout(() => {
      finish();
      ac.abort(new DOMException("Abandoned by the watchdog", "TimeoutError"));
      resolve({
        stuck: true,
        result: {
          ok: false,
          latencyMs: Math.round(performance.now() - started),
          httpStatus: null,
          errorKind: "timeout",
          errorMessage: `Timed out: the check did not finish within ${timeoutMs} ms ` +
            `and was abandoned after ${limit} ms`,
        },
      });
    }, limit);
    external?.addEventListener("abort", onAbort, { once: true });
    let work: Promise<ProbeResult>;
    try {
      work = run(ac.signal);
    } catch (err) {
      work = Promise.reject(err);
    }
    work.then(
      (result) => {
        finish();
        resolve({ result, stuck: false });
      },
      (err) => {
        finish();
        reject(err);
      },
    );
  });
}

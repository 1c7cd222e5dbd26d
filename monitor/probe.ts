/** Entry point for one check: dispatches on the target kind. */

import { type HttpProbeOptions, probeHttp } from "./probe_http.ts";
import { probeTcp } from "./probe_tcp.ts";
import { probeDns } from "./probe_dns.ts";
import type { ProbeResult, ProbeTarget } from "./types.ts";

/** Options for {@link probe}; `maxBodyBytes` only applies to http targets. */
export type ProbeOptions = HttpProbeOptions;

/** Probes a target of any kind; a down target is a result, never an exception. */
export function probe(target: ProbeTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  switch (target.kind) {
    case "tcp":
      return probeTcp(target, options);
    case "dns":
      return probeDns(target, options);
    case "http":
      return probeHttp(target, options);
    case "push":
      // Never scheduled (the push watcher times push monitors); refused rather than guessed.
      return Promise.resolve({
        ok: false,
        latencyMs: 0,
        httpStatus: null,
        errorKind: "network",
        errorMessage: "A push monitor is not probed",
      });
  }
}

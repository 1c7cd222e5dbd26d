/**
 * One DNS check: UP when `dns://name?type=…` resolves within the timeout (through `server`, or
 * the system resolver), and one of the answers equals `expect` when the monitor sets one.
 */

import { classifyProbeError, errorText, probeDeadline } from "./classify.ts";
import {
  type DnsRecordType,
  dnsServerLabel,
  type DnsTarget,
  normalizeDnsValue,
  parseDnsUrl,
} from "./dns_target.ts";
import type { ErrorKind, ProbeResult, ProbeTarget } from "./types.ts";

/** Options for {@link probeDns}. */
export interface DnsProbeOptions {
  /** Aborting it ends the probe as DOWN/network "Probe cancelled". */
  signal?: AbortSignal;
}

/** At most this many answers are listed in a mismatch message. */
const LISTED_ANSWERS = 5;

/** The answers of a lookup as strings: MX as its exchange host, TXT as its joined strings. */
function answerValues(type: DnsRecordType, answers: unknown[]): string[] {
  switch (type) {
    case "MX":
      return (answers as Deno.MxRecord[]).map((r) => r.exchange);
    case "TXT":
      return (answers as string[][]).map((r) => r.join(""));
    default:
      return answers as string[];
  }
}

/** An answer as a message shows it: names without the trailing dot, TXT quoted. */
function shown(type: DnsRecordType, value: string): string {
  return type === "TXT" ? JSON.stringify(value) : normalizeDnsValue(type, value) ?? value;
}

function mismatch(t: DnsTarget, values: string[]): string {
  const listed = values.slice(0, LISTED_ANSWERS).map((v) => shown(t.type, v)).join(", ");
  const more = values.length > LISTED_ANSWERS ? ` and ${values.length - LISTED_ANSWERS} more` : "";
  return `${t.name} ${t.type} resolved to ${listed}${more}, expected ${shown(t.type, t.expect!)}`;
}

/** Probes a dns target; never throws. */
export async function probeDns(
  target: ProbeTarget,
  options: DnsProbeOptions = {},
): Promise<ProbeResult> {
  const started = performance.now();
  const result = (errorKind: ErrorKind | null, errorMessage: string | null): ProbeResult => ({
    ok: errorKind === null,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    httpStatus: null,
    errorKind,
    errorMessage,
  });
  const parsed = parseDnsUrl(target.url);
  if (parsed.error !== undefined) {
    return result("network", `Invalid DNS target '${target.url}': ${parsed.error}`);
  }
  const t = parsed.value;
  const asked = t.server ? `DNS server ${dnsServerLabel(t.server)}` : "the system DNS resolver";
  const deadline = probeDeadline(
    target.timeoutMs,
    `${asked} did not answer within ${target.timeoutMs} ms`,
    options.signal,
  );
  try {
    const answers: unknown[] = await deadline.bound(
      Deno.resolveDns(t.name, t.type, {
        ...(t.server ? { nameServer: t.server } : {}),
        signal: deadline.signal,
      }),
    );
    const values = answerValues(t.type, answers);
    if (values.length === 0) return result("dns", `no ${t.type} records for ${t.name}`);
    if (
      t.expect !== null &&
      !values.some((v) => normalizeDnsValue(t.type, v) === t.expect)
    ) {
      return result("dns", mismatch(t, values));
    }
    return result(null, null);
  } catch (err) {
    if (deadline.signal.aborted) {
      const { kind, message } = classifyProbeError(err, deadline.signal);
      return result(kind, message);
    }
    // NXDOMAIN and an empty answer both arrive as NotFound; the resolver's own timeout (it gives
    // up after about 15 s, also when nothing listens on the server's port) as TimedOut.
    if (err instanceof Deno.errors.NotFound) {
      return result("dns", `no ${t.type} records for ${t.name}`);
    }
    if (err instanceof Deno.errors.TimedOut) {
      return result("timeout", `Timed out: ${asked} did not answer`);
    }
    return result("dns", `DNS lookup failed: ${t.type} ${t.name} via ${asked}: ${errorText(err)}`);
  } finally {
    deadline.dispose();
  }
}

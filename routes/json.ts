/** JSON shapes of the API v1 (snake_case, ISO-8601 times). */
import type { Check, Incident } from "../monitor/types.ts";
import type { MonitorView } from "../monitor/service.ts";
import { HTTPException } from "hono/http-exception";
import { monitorToInput } from "../monitor/monitor_fields.ts";
import { pingUrl } from "../monitor/push_pings.ts";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** A check as the API shows it. */
export function checkJson(c: Check) {
  return {
    id: c.id,
    checked_at: iso(c.checkedAt),
    ok: c.ok,
    http_status: c.httpStatus,
    latency_ms: c.latencyMs,
    error_kind: c.errorKind,
    error_message: c.errorMessage,
  };
}

/**
 * A monitor with its status and last check; the monitor fields come from the field registry.
 * A push monitor also has its ping URL (the API is authenticated) and ping timing.
 */
export function monitorJson(v: MonitorView, baseUrl: string) {
  const m = v.monitor;
  const p = v.push;
  return {
    id: m.id,
    ...monitorToInput(m),
    ...(p
      ? {
        ping_url: pingUrl(baseUrl, p.state.token),
        last_ping_at: iso(p.state.lastPingAt),
        run_started_at: iso(p.state.startedAt),
        last_duration_ms: p.state.lastDurationMs,
        next_ping_expected_at: iso(p.next?.expectedAt ?? null),
        late_after: iso(p.next?.deadline ?? null),
      }
      : {}),
    status: v.status,
    consecutive_failures: v.state.consecutiveFailures,
    status_since: iso(v.state.changedAt),
    slow_checks: v.state.slowChecks,
    last_check: v.lastCheck ? checkJson(v.lastCheck) : null,
    tls_certificate: v.certificate
      ? {
        subject: v.certificate.subject,
        issuer: v.certificate.issuer,
        valid_from: iso(v.certificate.validFrom),
        valid_to: iso(v.certificate.validTo),
        fingerprint_sha256: v.certificate.fingerprint,
        checked_at: iso(v.certificate.checkedAt),
      }
      : null,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
  };
}

/** An incident with its duration so far. */
export function incidentJson(i: Incident, now = Date.now()) {
  return {
    id: i.id,
    monitor_id: i.monitorId,
    type: i.type,
    started_at: iso(i.startedAt),
    confirmed_at: iso(i.confirmedAt),
    ended_at: iso(i.endedAt),
    duration_ms: (i.endedAt ?? now) - i.startedAt,
    ongoing: i.endedAt === null,
    last_failure_at: iso(i.lastFailureAt),
    failure_count: i.failureCount,
    error_kind: i.errorKind,
    http_status: i.httpStatus,
    error_message: i.errorMessage,
  };
}

/** Reads a JSON object body or throws 400. */
export async function jsonObject(req: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new HTTPException(400, { message: "Request body must be valid JSON" });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HTTPException(400, { message: "Request body must be a JSON object" });
  }
  return body as Record<string, unknown>;
}

/** API v1 alert routes: the alert history and a test email. Mounted behind the bearer token. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Runtime } from "../runtime.ts";
import { ALERT_STATUSES, type AlertRecord, type AlertStatus } from "../monitor/alerts/outbox.ts";
import { EmailError } from "../monitor/alerts/service.ts";
import { jsonError } from "./errors.ts";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** An alert row as the API shows it. */
export function alertJson(a: AlertRecord) {
  return {
    id: a.id,
    monitor_id: a.monitorId,
    monitor: a.monitorName,
    incident_id: a.incidentId,
    kind: a.kind,
    reminder: a.kind === "reminder" ? a.seq : null,
    channel: a.channel,
    // "recipient" since before channels existed: the target on the alert's channel.
    recipient: a.target,
    status: a.status,
    grouped_into_incident_id: a.groupedInto,
    subject: a.subject,
    attempts: a.attempts,
    last_error: a.lastError,
    response: a.response,
    created_at: iso(a.createdAt),
    next_attempt_at: a.status === "pending" ? iso(a.nextAttemptAt) : null,
    sent_at: iso(a.sentAt),
  };
}

/** Routes for the /api/v1 app: GET /alerts and POST /test-email. */
export function alertRoutes(rt: Runtime): Hono {
  const app = new Hono();
  app.onError(jsonError);

  app.get("/alerts", async (c) => {
    const limitRaw = c.req.query("limit") ?? "100";
    if (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 1000) {
      throw new HTTPException(400, { message: "limit must be a whole number from 1 to 1000" });
    }
    const status = c.req.query("status");
    if (status !== undefined && !(ALERT_STATUSES as readonly string[]).includes(status)) {
      throw new HTTPException(400, {
        message: `status must be one of ${ALERT_STATUSES.join(", ")}, received "${status}"`,
      });
    }
    const monitorRaw = c.req.query("monitor_id");
    if (monitorRaw !== undefined && !/^\d{1,15}$/.test(monitorRaw)) {
      throw new HTTPException(400, { message: "monitor_id must be a monitor id" });
    }
    const [s, alerts] = await Promise.all([
      rt.alerts.status(),
      rt.alerts.list({
        limit: Number(limitRaw),
        status: status as AlertStatus | undefined,
        monitorId: monitorRaw === undefined ? undefined : Number(monitorRaw),
      }),
    ]);
    return c.json({
      email: {
        enabled: s.enabled,
        status: s.message,
        counts: s.counts,
        last_sent_at: iso(s.lastSentAt),
        last_error: s.lastError,
      },
      alerts: alerts.map(alertJson),
    });
  });

  app.post("/test-email", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new HTTPException(400, { message: "Request body must be valid JSON" });
    }
    const to = (body as { to?: unknown } | null)?.to;
    if (typeof to !== "string") {
      return c.json({ error: "Invalid input", fields: { to: "Required: an email address" } }, 422);
    }
    try {
      const info = await rt.alerts.sendTest(to);
      return c.json({ sent: true, to: to.trim(), response: info.response });
    } catch (err) {
      if (!(err instanceof EmailError)) throw err;
      // 422: nothing to send with (fix the configuration); 502: the SMTP server said no.
      if (!err.failure) return c.json({ error: err.message }, 422);
      return c.json({
        error: err.message,
        code: err.failure.code,
        command: err.failure.command,
        response_code: err.failure.responseCode,
      }, 502);
    }
  });

  return app;
}

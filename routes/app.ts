/** The HTTP application: health, metrics, API v1 and the dashboard. */
import { countStatuses } from "../monitor/overview.ts";
import { Hono } from "hono";
import type { Runtime } from "../runtime.ts";
import { apiRoutes } from "./api.ts";
import { pingRoutes } from "./ping.ts";
import { bearerAuth } from "./bearer.ts";
import { droppedLogLines } from "../monitor/log.ts";
import { requestBodyLimits } from "./body_limit.ts";
import { securityHeaders, type WebOptions, webRoutes } from "./web.tsx";

/** Scheduler ticks older than this mean the cron clock has stopped. */
const TICK_STALE_MS = 150_000;

/** Builds the Hono app for a runtime; `web` options are for tests (clock, client address). */
export function createApp(rt: Runtime, web: WebOptions = {}): Hono {
  const app = new Hono();
  const dashboard = webRoutes(rt, web);
  // JSON errors for /api, /metrics and /healthz; the HTML error page for the dashboard.
  app.onError(dashboard.onError);
  app.notFound(dashboard.notFound);
  app.use("*", securityHeaders());
  app.use("*", requestBodyLimits());

  app.get("/healthz", (c) => {
    const stats = rt.scheduler.stats();
    const fresh = stats.lastTickAt !== null && Date.now() - stats.lastTickAt < TICK_STALE_MS;
    const storage = rt.storage();
    const reasons: string[] = [];
    if (!rt.scheduler.running) reasons.push("the scheduler is not running");
    else if (!fresh) reasons.push("the scheduler clock has not ticked for over 150 s");
    if (!storage.ok) reasons.push(`storage writes fail: ${storage.reason}`);
    const ok = reasons.length === 0;
    return c.json({
      status: ok ? "ok" : "degraded",
      reasons,
      storage: {
        ok: storage.ok,
        cause: storage.cause,
        failing_since: storage.since === null ? null : new Date(storage.since).toISOString(),
        unstored_checks: rt.service.recorder.backlog,
      },
      scheduler: {
        running: rt.scheduler.running,
        last_tick_at: stats.lastTickAt === null ? null : new Date(stats.lastTickAt).toISOString(),
        monitors_scheduled: stats.scheduled,
        checks_in_flight: stats.running,
        checks_queued: stats.queued,
        checks_stuck: rt.metrics.stuckChecks,
      },
      uptime_s: Math.round((Date.now() - rt.startedAt) / 1000),
    }, ok ? 200 : 503);
  });

  app.get("/metrics", bearerAuth(rt.accounts), async (c) => {
    c.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    // One read: the per-monitor lines and the counts by status come from the same views.
    const views = await rt.service.list();
    const counts = countStatuses(views);
    const monitors = views.map((v) => ({
      id: v.monitor.id,
      name: v.monitor.name,
      kind: v.monitor.kind,
      status: v.status,
      certificateExpiresAt: v.certificate?.validTo ?? null,
    }));
    return c.body(rt.metrics.render(rt.scheduler.stats(), counts, {
      storage: rt.storage(),
      unstoredChecks: rt.service.recorder.backlog,
      droppedLogLines: droppedLogLines(),
    }, monitors));
  });

  app.route("/api/v1", apiRoutes(rt));
  // Push monitors' ping URLs: no session, the token is the credential.
  app.route("/", pingRoutes(rt));
  // Registered after the API so its session gate never runs for requests the API answered.
  app.route("/", dashboard.app);
  return app;
}

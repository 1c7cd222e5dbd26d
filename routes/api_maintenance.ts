/**
 * API v1 maintenance windows (CRUD, unknown fields refused, like the monitors API) and the SLA
 * report of a monitor (JSON, or CSV with `?format=csv`). Mounted behind the bearer token.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Runtime } from "../runtime.ts";
import type { MaintenanceInput, MaintenanceView } from "../monitor/maintenance_windows.ts";
import type { MaintenanceSchedule } from "../monitor/types.ts";
import { DEFAULT_MONTHS, MAX_MONTHS, slaCsv, slaFileName, type SlaReport } from "../monitor/sla.ts";
import { jsonError } from "./errors.ts";
import { jsonObject } from "./json.ts";
import { idParam } from "./api.ts";

const iso = (t: number) => new Date(t).toISOString();

/** A schedule as the API shows it (snake_case, times ISO 8601 UTC). */
function scheduleJson(s: MaintenanceSchedule) {
  if (s.kind === "once") {
    return { kind: s.kind, starts_at: iso(s.startsAt), ends_at: iso(s.endsAt) };
  }
  const common = { kind: s.kind, duration_min: s.durationMin, timezone: s.timezone };
  return s.kind === "weekly"
    ? { ...common, weekdays: s.weekdays, time: s.time }
    : { ...common, cron: s.cron };
}

/** A window as the API shows it. */
export function maintenanceJson(v: MaintenanceView) {
  const w = v.window;
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    monitor_ids: w.monitorIds,
    schedule: scheduleJson(w.schedule),
    active: v.active,
    next_occurrence: v.next ? { starts_at: iso(v.next.start), ends_at: iso(v.next.end) } : null,
    created_at: iso(w.createdAt),
    updated_at: iso(w.updatedAt),
  };
}

/** A report as JSON. */
export function slaJson(r: SlaReport) {
  return {
    monitors: r.monitors,
    months: r.months.map((m) => ({
      month: m.month,
      uptime_percent: m.uptimePct,
      downtime_min: m.downtimeMin,
      incidents: m.incidents,
      longest_incident_min: m.longestIncidentMin,
      maintenance_min: m.maintenanceMin,
      checks: m.checks,
      up_checks: m.upChecks,
    })),
  };
}

/** `?months=N` (1-36, default 12) or 400. */
export function monthsParam(c: Context): number {
  const raw = c.req.query("months");
  if (raw === undefined) return DEFAULT_MONTHS;
  if (!/^\d{1,2}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_MONTHS) {
    throw new HTTPException(400, {
      message: `months must be a whole number from 1 to ${MAX_MONTHS}`,
    });
  }
  return Number(raw);
}

/** The CSV download of a report (named after `title`, else its monitor). */
export function csvResponse(c: Context, report: SlaReport, title?: string): Response {
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header(
    "Content-Disposition",
    `attachment; filename="${slaFileName(report, Date.now(), title)}"`,
  );
  c.header("Cache-Control", "no-store");
  return c.body(slaCsv(report));
}

function windowId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HTTPException(404, { message: `No maintenance window with id ${raw}` });
  }
  return Number(raw);
}

/** Routes for the /api/v1 app: /maintenance and /monitors/:id/sla. */
export function maintenanceRoutes(rt: Runtime): Hono {
  const app = new Hono();
  app.onError(jsonError);

  app.get(
    "/maintenance",
    async (c) => c.json({ maintenance: (await rt.maintenance.list()).map(maintenanceJson) }),
  );

  app.post("/maintenance", async (c) => {
    const body = await jsonObject(c.req.raw);
    const v = await rt.maintenance.create(body as MaintenanceInput, { rejectUnknown: true });
    return c.json(maintenanceJson(v), 201);
  });

  app.get(
    "/maintenance/:id",
    async (c) => c.json(maintenanceJson(await rt.maintenance.get(windowId(c.req.param("id"))))),
  );

  app.patch("/maintenance/:id", async (c) => {
    const id = windowId(c.req.param("id"));
    await rt.maintenance.get(id);
    const body = await jsonObject(c.req.raw);
    const v = await rt.maintenance.update(id, body as MaintenanceInput, { rejectUnknown: true });
    return c.json(maintenanceJson(v));
  });

  app.delete("/maintenance/:id", async (c) => {
    await rt.maintenance.remove(windowId(c.req.param("id")));
    return c.body(null, 204);
  });

  app.get("/monitors/:id/sla", async (c) => {
    const format = c.req.query("format") ?? "json";
    if (format !== "json" && format !== "csv") {
      throw new HTTPException(400, { message: 'format must be "json" or "csv"' });
    }
    const report = await rt.sla.forMonitor(idParam(c.req.param("id")), {
      months: monthsParam(c),
    });
    return format === "csv" ? csvResponse(c, report) : c.json(slaJson(report));
  });

  return app;
}

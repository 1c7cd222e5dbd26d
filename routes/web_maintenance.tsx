/**
 * Dashboard routes for maintenance windows, under /maintenance: list, add, edit, delete after a
 * confirmation. Plain forms (POST then 303); htmx swaps the form on 422. The session gate
 * checks the CSRF token of every POST.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ValidationError } from "../monitor/errors.ts";
import type { MaintenanceInput, MaintenanceView } from "../monitor/maintenance_windows.ts";
import { describeMaintenance } from "../monitor/maintenance_schedule.ts";
import type { MaintenanceSchedule } from "../monitor/types.ts";
import {
  MaintenanceDeletePage,
  MaintenanceForm,
  MaintenanceFormPage,
  type MaintenanceFormProps,
  MaintenanceListPage,
} from "../components/MaintenancePages.tsx";
import type { WebDeps, WebEnv } from "./web_deps.ts";
import { isHtmx } from "./web_session.ts";
import { flash, html, pageCtx } from "./web_render.ts";
import { csvResponse, monthsParam } from "./api_maintenance.ts";

const LIST = "/maintenance";

function windowId(c: Context): number {
  const raw = c.req.param("id") ?? "";
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HTTPException(404, { message: `No maintenance window with id ${raw}` });
  }
  return Number(raw);
}

function done(c: Context, location: string): Response {
  if (isHtmx(c)) {
    c.header("HX-Redirect", location);
    return c.body(null, 204);
  }
  return c.redirect(location, 303);
}

const str = (v: unknown): string => {
  const x = Array.isArray(v) ? v.at(-1) : v;
  return typeof x === "string" ? x : "";
};
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string =>
    typeof x === "string"
  );

/** A posted form: values to show back, ticked boxes, and the service's input. */
async function posted(c: Context) {
  const body = await c.req.parseBody({ all: true });
  const values: Record<string, string> = {};
  for (
    const k of [
      "name",
      "description",
      "kind",
      "starts_at",
      "ends_at",
      "time",
      "duration_min",
      "cron",
      "timezone",
    ]
  ) values[k] = str(body[k]).trim();
  const selected = list(body.monitor_ids).map(Number).filter(Number.isInteger);
  const weekdays = list(body.weekdays).map(Number).filter(Number.isInteger);
  const kind = values.kind;
  const schedule: Record<string, unknown> = { kind, timezone: values.timezone };
  if (kind === "once") {
    Object.assign(schedule, { starts_at: values.starts_at, ends_at: values.ends_at });
  }
  if (kind === "weekly") {
    Object.assign(schedule, { weekdays, time: values.time, duration_min: values.duration_min });
  }
  if (kind === "cron") {
    Object.assign(schedule, { cron: values.cron, duration_min: values.duration_min });
  }
  const input: MaintenanceInput = {
    name: values.name,
    description: values.description,
    monitor_ids: list(body.monitor_ids),
    schedule,
  };
  return { values, selected, weekdays, input };
}

/** Service messages keyed by form field (`schedule.time` → `time`). */
function formErrors(err: ValidationError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.fields)) out[k.replace(/^schedule\./, "")] = v;
  return out;
}

/** Form values of a stored schedule (one-off times shown in UTC). */
function scheduleValues(s: MaintenanceSchedule): Record<string, string> {
  const local = (t: number) => new Date(t).toISOString().slice(0, 16);
  if (s.kind === "once") {
    return {
      kind: "once",
      starts_at: local(s.startsAt),
      ends_at: local(s.endsAt),
      timezone: "UTC",
    };
  }
  const common = { kind: s.kind, duration_min: String(s.durationMin), timezone: s.timezone };
  return s.kind === "weekly" ? { ...common, time: s.time } : { ...common, cron: s.cron };
}

/** Routes under /maintenance. */
export function maintenanceWebRoutes(deps: WebDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { rt } = deps;

  const monitors = async () =>
    (await rt.store.monitors.list()).map((m) => ({ id: m.id, name: m.name, parentId: m.parentId }));

  const page = async (
    c: Context<WebEnv>,
    heading: string,
    form: Omit<MaintenanceFormProps, "csrf" | "monitors">,
    status: 200 | 422 = 200,
  ) => {
    const props: MaintenanceFormProps = {
      ...form,
      monitors: await monitors(),
      csrf: c.get("session").csrfToken,
    };
    if (status === 422 && isHtmx(c)) return html(c, <MaintenanceForm {...props} />, 422);
    return html(
      c,
      <MaintenanceFormPage ctx={pageCtx(c, deps)} heading={heading} form={props} />,
      status,
    );
  };

  // The SLA report of a monitor as a CSV download (the monitor page links it).
  app.get("/monitors/:id/sla.csv", async (c) => {
    const raw = c.req.param("id");
    if (!/^\d{1,15}$/.test(raw)) throw new HTTPException(404, { message: `No monitor ${raw}` });
    return csvResponse(c, await rt.sla.forMonitor(Number(raw), { months: monthsParam(c) }));
  });

  app.get("/maintenance", async (c) => {
    const [views, all] = await Promise.all([rt.maintenance.list(), monitors()]);
    const names = new Map(all.map((m) => [m.id, m.name]));
    const items = views.map((view: MaintenanceView) => ({
      view,
      scheduleText: describeMaintenance(view.window.schedule),
      monitorNames: view.window.monitorIds.map((id) => names.get(id) ?? `#${id} (deleted)`),
    }));
    return html(c, <MaintenanceListPage ctx={pageCtx(c, deps)} items={items} />);
  });

  app.get("/maintenance/new", (c) => {
    const pre = c.req.query("monitor");
    return page(c, "Add maintenance window", {
      action: "/maintenance",
      values: { kind: "once", timezone: "UTC", duration_min: "60" },
      selected: pre && /^\d{1,15}$/.test(pre) ? [Number(pre)] : [],
      weekdays: [],
      errors: {},
      submitLabel: "Add window",
    });
  });

  app.post("/maintenance", async (c) => {
    const { values, selected, weekdays, input } = await posted(c);
    try {
      const v = await rt.maintenance.create(input);
      flash(c, deps, { kind: "ok", text: `Added maintenance window ${v.window.name}.` });
      return done(c, LIST);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return page(c, "Add maintenance window", {
        action: "/maintenance",
        values,
        selected,
        weekdays,
        errors: formErrors(err),
        submitLabel: "Add window",
      }, 422);
    }
  });

  app.get("/maintenance/:id/edit", async (c) => {
    const { window: w } = await rt.maintenance.get(windowId(c));
    return page(c, `Edit ${w.name}`, {
      action: `/maintenance/${w.id}/edit`,
      values: { name: w.name, description: w.description, ...scheduleValues(w.schedule) },
      selected: w.monitorIds,
      weekdays: w.schedule.kind === "weekly" ? w.schedule.weekdays : [],
      errors: {},
      submitLabel: "Save changes",
    });
  });

  app.post("/maintenance/:id/edit", async (c) => {
    const { window: w } = await rt.maintenance.get(windowId(c));
    const { values, selected, weekdays, input } = await posted(c);
    try {
      const v = await rt.maintenance.update(w.id, input);
      flash(c, deps, { kind: "ok", text: `Saved ${v.window.name}.` });
      return done(c, LIST);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return page(c, `Edit ${w.name}`, {
        action: `/maintenance/${w.id}/edit`,
        values,
        selected,
        weekdays,
        errors: formErrors(err),
        submitLabel: "Save changes",
      }, 422);
    }
  });

  app.get("/maintenance/:id/delete", async (c) => {
    const { window: w } = await rt.maintenance.get(windowId(c));
    return html(c, <MaintenanceDeletePage ctx={pageCtx(c, deps)} window={w} />);
  });

  app.post("/maintenance/:id/delete", async (c) => {
    const { window: w } = await rt.maintenance.get(windowId(c));
    await rt.maintenance.remove(w.id);
    flash(c, deps, { kind: "ok", text: `Deleted maintenance window ${w.name}.` });
    return done(c, LIST);
  });

  return app;
}

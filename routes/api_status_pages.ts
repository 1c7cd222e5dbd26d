/**
 * API v1 status page routes (behind the bearer token): page CRUD, the logo (raw image bytes),
 * and a page's incidents with their updates.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Runtime } from "../runtime.ts";
import { ValidationError } from "../monitor/errors.ts";
import { INCIDENT_KEYS, LIMITS, PAGE_KEYS, UPDATE_KEYS } from "../monitor/status_input.ts";
import type { StatusIncidentRecord, StatusPageRecord } from "../monitor/store/status_records.ts";
import { jsonError } from "./errors.ts";
import { jsonObject } from "./json.ts";
import { csvResponse, monthsParam, slaJson } from "./api_maintenance.ts";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** A status page as the API shows it. */
export function statusPageJson(p: StatusPageRecord, baseUrl: string) {
  return {
    id: p.id,
    title: p.title,
    slug: p.slug,
    description: p.description,
    custom_domain: p.customDomain,
    public_url: `${baseUrl}/status/${p.slug}`,
    logo_url: p.logoUpdatedAt === null
      ? null
      : `${baseUrl}/status/${p.slug}/logo?v=${p.logoUpdatedAt}`,
    entries: p.entries.map((e) => ({
      monitor_id: e.monitorId,
      display_name: e.displayName,
      show_apps: e.showApps,
    })),
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

/** An incident as the API shows it. */
export function statusIncidentJson(i: StatusIncidentRecord) {
  return {
    id: i.id,
    status_page_id: i.pageId,
    title: i.title,
    status: i.status,
    monitor_ids: i.monitorIds,
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    resolved_at: iso(i.resolvedAt),
    updates: i.updates.map((u) => ({
      id: u.id,
      status: u.status,
      message: u.message,
      created_at: iso(u.createdAt),
      updated_at: iso(u.updatedAt),
    })),
  };
}

function id(raw: string, what: string): number {
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HTTPException(404, { message: `No ${what} with id ${raw}` });
  }
  return Number(raw);
}

/** Refuses keys the endpoint does not know. */
function known(body: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const errors: Record<string, string> = {};
  for (const k of Object.keys(body)) if (!keys.includes(k)) errors[k] = "Unknown field";
  if (Object.keys(errors).length) {
    throw new ValidationError(errors, Object.values(errors).join("; "));
  }
  return body;
}

/** Routes for the /api/v1 app: /status-pages… */
export function statusPageApiRoutes(rt: Runtime): Hono {
  const app = new Hono();
  app.onError(jsonError);
  const sp = rt.statusPages;
  const base = rt.config.baseUrl;
  const page = (p: StatusPageRecord) => statusPageJson(p, base);

  app.get("/status-pages", async (c) => c.json({ status_pages: (await sp.list()).map(page) }));

  app.post("/status-pages", async (c) => {
    const body = known(await jsonObject(c.req.raw), PAGE_KEYS);
    return c.json(page(await sp.create(body)), 201);
  });

  app.get(
    "/status-pages/:id",
    async (c) => c.json(page(await sp.get(id(c.req.param("id"), "status page")))),
  );

  // The page's SLA: every monitor it shows (websites with their apps), month by month.
  app.get("/status-pages/:id/sla", async (c) => {
    const p = await sp.get(id(c.req.param("id"), "status page"));
    const format = c.req.query("format") ?? "json";
    if (format !== "json" && format !== "csv") {
      throw new HTTPException(400, { message: 'format must be "json" or "csv"' });
    }
    const report = await rt.sla.forMonitors(await sp.monitorIds(p.id), { months: monthsParam(c) });
    return format === "csv" ? csvResponse(c, report, p.title) : c.json(slaJson(report));
  });

  app.patch("/status-pages/:id", async (c) => {
    const pid = id(c.req.param("id"), "status page");
    await sp.get(pid);
    const body = known(await jsonObject(c.req.raw), PAGE_KEYS);
    return c.json(page(await sp.update(pid, body)));
  });

  app.delete("/status-pages/:id", async (c) => {
    await sp.remove(id(c.req.param("id"), "status page"));
    return c.body(null, 204);
  });

  // The logo: the image itself as the body (its type is read from its bytes).
  app.put("/status-pages/:id/logo", async (c) => {
    const pid = id(c.req.param("id"), "status page");
    await sp.get(pid);
    const data = new Uint8Array(await c.req.arrayBuffer());
    if (data.byteLength > LIMITS.logo) {
      throw new ValidationError({ logo: "At most 256 KB" }, "Logo too large");
    }
    return c.json(page(await sp.setLogo(pid, data)));
  });

  app.delete("/status-pages/:id/logo", async (c) => {
    return c.json(page(await sp.setLogo(id(c.req.param("id"), "status page"), null)));
  });

  // Incidents.
  app.get("/status-pages/:id/incidents", async (c) => {
    const list = await sp.incidents(id(c.req.param("id"), "status page"));
    return c.json({ incidents: list.map(statusIncidentJson) });
  });

  app.post("/status-pages/:id/incidents", async (c) => {
    const pid = id(c.req.param("id"), "status page");
    await sp.get(pid);
    const body = known(await jsonObject(c.req.raw), INCIDENT_KEYS);
    return c.json(statusIncidentJson(await sp.createIncident(pid, body)), 201);
  });

  const ids = (p: (name: string) => string | undefined) => ({
    page: id(p("id") ?? "", "status page"),
    incident: id(p("iid") ?? "", "incident"),
  });

  app.get("/status-pages/:id/incidents/:iid", async (c) => {
    const x = ids((n) => c.req.param(n));
    return c.json(statusIncidentJson(await sp.incident(x.page, x.incident)));
  });

  app.patch("/status-pages/:id/incidents/:iid", async (c) => {
    const x = ids((n) => c.req.param(n));
    await sp.incident(x.page, x.incident);
    const body = known(await jsonObject(c.req.raw), ["title", "monitor_ids"]);
    return c.json(statusIncidentJson(await sp.updateIncident(x.page, x.incident, body)));
  });

  app.delete("/status-pages/:id/incidents/:iid", async (c) => {
    const x = ids((n) => c.req.param(n));
    await sp.removeIncident(x.page, x.incident);
    return c.body(null, 204);
  });

  app.post("/status-pages/:id/incidents/:iid/updates", async (c) => {
    const x = ids((n) => c.req.param(n));
    await sp.incident(x.page, x.incident);
    const body = known(await jsonObject(c.req.raw), UPDATE_KEYS);
    return c.json(statusIncidentJson(await sp.addUpdate(x.page, x.incident, body)), 201);
  });

  app.patch("/status-pages/:id/incidents/:iid/updates/:uid", async (c) => {
    const x = ids((n) => c.req.param(n));
    const uid = id(c.req.param("uid"), "update");
    await sp.incident(x.page, x.incident);
    const body = known(await jsonObject(c.req.raw), UPDATE_KEYS);
    return c.json(statusIncidentJson(await sp.editUpdate(x.page, x.incident, uid, body)));
  });

  app.delete("/status-pages/:id/incidents/:iid/updates/:uid", async (c) => {
    const x = ids((n) => c.req.param(n));
    const uid = id(c.req.param("uid"), "update");
    return c.json(statusIncidentJson(await sp.removeUpdate(x.page, x.incident, uid)));
  });

  return app;
}

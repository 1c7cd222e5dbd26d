/** JSON API v1: monitors, checks, incidents. Bearer-token authenticated. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Runtime } from "../runtime.ts";
import { checkJson, incidentJson, jsonObject, monitorJson } from "./json.ts";
import { jsonError } from "./errors.ts";
import { bearerAuth } from "./bearer.ts";
import { alertRoutes } from "./api_alerts.ts";
import { channelRoutes } from "./api_channels.ts";
import { maintenanceRoutes } from "./api_maintenance.ts";
import { statusPageApiRoutes } from "./api_status_pages.ts";

/** Parses a positive integer path parameter or throws 404. */
export function idParam(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HTTPException(404, { message: `No monitor with id ${raw}` });
  }
  return Number(raw);
}

/** The /api/v1 sub-app. */
export function apiRoutes(rt: Runtime): Hono {
  const api = new Hono();
  api.onError(jsonError);
  api.use("*", bearerAuth(rt.accounts));
  api.route("/", alertRoutes(rt));
  api.route("/", channelRoutes(rt));
  api.route("/", maintenanceRoutes(rt));
  api.route("/", statusPageApiRoutes(rt));

  const base = rt.config.baseUrl;
  api.get(
    "/monitors",
    async (c) => c.json({ monitors: (await rt.service.list()).map((v) => monitorJson(v, base)) }),
  );

  api.post("/monitors", async (c) => {
    const input = await jsonObject(c.req.raw);
    const monitor = await rt.service.create(input, { rejectUnknown: true });
    return c.json(monitorJson(await rt.service.get(monitor.id), base), 201);
  });

  api.get(
    "/monitors/:id",
    async (c) => c.json(monitorJson(await rt.service.get(idParam(c.req.param("id"))), base)),
  );

  api.patch("/monitors/:id", async (c) => {
    const id = idParam(c.req.param("id"));
    await rt.service.get(id);
    await rt.service.update(id, await jsonObject(c.req.raw), { rejectUnknown: true });
    return c.json(monitorJson(await rt.service.get(id), base));
  });

  api.delete("/monitors/:id", async (c) => {
    await rt.service.remove(idParam(c.req.param("id")));
    return c.body(null, 204);
  });

  api.post("/monitors/:id/check", async (c) => {
    const recorded = await rt.service.checkNow(idParam(c.req.param("id")));
    return c.json({
      ...checkJson(recorded.check),
      // The monitor's view knows whether a maintenance window covers it.
      status: (await rt.service.get(recorded.monitor.id)).status,
    });
  });

  // A new ping URL for a push monitor; the old one answers 404 from now on.
  api.post("/monitors/:id/ping_token", async (c) => {
    const id = idParam(c.req.param("id"));
    const view = await rt.service.get(id);
    if (view.monitor.kind !== "push") {
      throw new HTTPException(409, { message: "Only push monitors have a ping URL" });
    }
    await rt.push.regenerate(id);
    return c.json(monitorJson(await rt.service.get(id), base));
  });

  api.get("/monitors/:id/checks", async (c) => {
    const raw = c.req.query("limit") ?? "50";
    if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 10_000) {
      throw new HTTPException(400, { message: "limit must be a whole number from 1 to 10000" });
    }
    return c.json({
      checks: (await rt.service.checks(idParam(c.req.param("id")), Number(raw))).map(checkJson),
    });
  });

  api.get("/monitors/:id/incidents", async (c) => {
    const now = Date.now();
    const incidents = await rt.service.incidents(idParam(c.req.param("id")));
    return c.json({ incidents: incidents.map((i) => incidentJson(i, now)) });
  });

  api.get("/monitors/:id/uptime", async (c) => {
    const u = await rt.service.uptime(idParam(c.req.param("id")));
    return c.json({ uptime_24h: u.h24, uptime_7d: u.d7, uptime_30d: u.d30, uptime_90d: u.d90 });
  });

  // Hono only calls the top-level app's notFound, so a mounted sub-app needs a catch-all route
  // to keep unknown API paths JSON.
  api.all(
    "*",
    (c) => c.json({ error: `No API route ${c.req.method} ${new URL(c.req.url).pathname}` }, 404),
  );

  return api;
}

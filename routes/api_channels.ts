/**
 * API v1 notification channel routes: the kinds and their settings, channel CRUD (secrets
 * masked in every answer) and "send test". Mounted behind the bearer token.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Runtime } from "../runtime.ts";
import type {
  ChannelInput,
  ChannelKindInfo,
  ChannelView,
} from "../monitor/alerts/channel_service.ts";
import { ChannelTestError } from "../monitor/alerts/channel_service.ts";
import type { ChannelField } from "../monitor/alerts/channels/spec.ts";
import { ValidationError } from "../monitor/errors.ts";
import { jsonError } from "./errors.ts";
import { jsonObject } from "./json.ts";

const iso = (t: number) => new Date(t).toISOString();

/** The top-level keys a channel body may have. */
const CHANNEL_KEYS: ReadonlySet<string> = new Set(["kind", "name", "is_default", "config"]);

/** A channel as the API shows it (secrets masked by the service). */
export function channelJson(v: ChannelView) {
  return {
    id: v.id,
    kind: v.kind,
    kind_label: v.kindLabel,
    name: v.name,
    is_default: v.isDefault,
    config: v.config,
    created_at: iso(v.createdAt),
    updated_at: iso(v.updatedAt),
  };
}

/** One setting of a kind, for API clients building a form. */
function fieldJson(f: ChannelField) {
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    required: f.required,
    secret: f.type === "secret" || f.secret === true,
    hint: f.hint ?? null,
    placeholder: f.placeholder ?? null,
    options: f.options ? [...f.options] : null,
    default: f.default ?? null,
  };
}

/** A kind with its settings. */
export function kindJson(k: ChannelKindInfo) {
  return { kind: k.kind, label: k.label, fields: k.fields.map(fieldJson) };
}

/** Parses a channel id from the path or throws 404. */
function channelId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HTTPException(404, { message: `No notification channel with id ${raw}` });
  }
  return Number(raw);
}

/**
 * Refuses top-level keys the API does not know, like the monitor API (settings the kind does not
 * have are the service's to refuse, as `config.<key>`).
 */
function rejectUnknown(body: Record<string, unknown>): void {
  const errors: Record<string, string> = {};
  for (const key of Object.keys(body)) if (!CHANNEL_KEYS.has(key)) errors[key] = "Unknown field";
  if (Object.keys(errors).length) {
    throw new ValidationError(errors, Object.values(errors).join("; "));
  }
}

/** Routes for the /api/v1 app: /channel-kinds and /channels. */
export function channelRoutes(rt: Runtime): Hono {
  const app = new Hono();
  app.onError(jsonError);

  app.get("/channel-kinds", (c) => c.json({ kinds: rt.channels.kinds().map(kindJson) }));

  app.get(
    "/channels",
    async (c) => c.json({ channels: (await rt.channels.list()).map(channelJson) }),
  );

  app.post("/channels", async (c) => {
    const body = await jsonObject(c.req.raw);
    rejectUnknown(body);
    const created = await rt.channels.create(body as ChannelInput);
    return c.json(channelJson(created), 201);
  });

  app.get(
    "/channels/:id",
    async (c) => c.json(channelJson(await rt.channels.get(channelId(c.req.param("id"))))),
  );

  app.patch("/channels/:id", async (c) => {
    const id = channelId(c.req.param("id"));
    await rt.channels.get(id);
    const body = await jsonObject(c.req.raw);
    rejectUnknown(body);
    return c.json(channelJson(await rt.channels.update(id, body as ChannelInput)));
  });

  app.delete("/channels/:id", async (c) => {
    await rt.channels.remove(channelId(c.req.param("id")));
    return c.body(null, 204);
  });

  app.post("/channels/:id/test", async (c) => {
    const id = channelId(c.req.param("id"));
    try {
      const r = await rt.channels.test(id);
      return c.json({ ok: true, status: r.status, response: r.response });
    } catch (err) {
      // 502: the service (not this server) refused or could not be reached; its exact words.
      if (err instanceof ChannelTestError) return c.json({ error: err.message }, 502);
      throw err;
    }
  });

  return app;
}

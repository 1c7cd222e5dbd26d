/**
 * Dashboard routes for notification channels, under /settings/channels: pick a kind, add, edit
 * (secrets masked, kept when left as shown), delete after a confirmation, and send a test
 * message. Every page works as plain forms; htmx swaps the form on 422 and puts a test's result
 * next to its button.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ValidationError } from "../monitor/errors.ts";
import {
  type ChannelInput,
  type ChannelKindInfo,
  ChannelTestError,
  type ChannelView,
} from "../monitor/alerts/channel_service.ts";
import {
  ChannelDeletePage,
  ChannelForm,
  ChannelFormPage,
  type ChannelFormProps,
  ChannelKindPage,
  configName,
} from "../components/ChannelForm.tsx";
import { ChannelTestResult } from "../components/ChannelsSection.tsx";
import type { Flash } from "../components/types.ts";
import type { WebDeps, WebEnv } from "./web_deps.ts";
import { isHtmx } from "./web_session.ts";
import { flash, html, pageCtx } from "./web_render.ts";

/** Where the channel list is. */
const LIST = "/settings#channels";

/** A channel id from the path, or 404. */
function channelId(c: Context): number {
  const raw = c.req.param("id") ?? "";
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HTTPException(404, { message: `No notification channel with id ${raw}` });
  }
  return Number(raw);
}

/** After a successful POST: 303 for plain forms, a full navigation for htmx. */
function done(c: Context, location: string): Response {
  if (isHtmx(c)) {
    c.header("HX-Redirect", location);
    return c.body(null, 204);
  }
  return c.redirect(location, 303);
}

/** The last value of a posted field (a checkbox comes after its hidden "false"). */
function last(v: unknown): string {
  const x = Array.isArray(v) ? v.at(-1) : v;
  return typeof x === "string" ? x : "";
}

/** A posted channel form: the values as typed (to show back) and the service's input. */
async function postedChannel(
  c: Context,
  kind: ChannelKindInfo,
): Promise<{ values: Record<string, string>; input: ChannelInput }> {
  const body = await c.req.parseBody({ all: true });
  const values: Record<string, string> = {
    name: last(body.name),
    is_default: last(body.is_default) === "true" ? "true" : "false",
  };
  const config: Record<string, string> = {};
  for (const f of kind.fields) {
    const v = last(body[configName(f.name)]);
    values[configName(f.name)] = v;
    config[f.name] = v;
  }
  return {
    values,
    input: { kind: kind.kind, name: values.name, is_default: values.is_default, config },
  };
}

/** Form values of a stored channel: its settings as shown (secrets masked). */
function channelValues(ch: ChannelView, kind: ChannelKindInfo): Record<string, string> {
  const values: Record<string, string> = {
    name: ch.name,
    is_default: ch.isDefault ? "true" : "false",
  };
  for (const f of kind.fields) values[configName(f.name)] = ch.config[f.name] ?? "";
  return values;
}

/** Form values of a new channel of `kind` (select fields start at their default). */
function newValues(kind: ChannelKindInfo): Record<string, string> {
  const values: Record<string, string> = { name: "", is_default: "false" };
  for (const f of kind.fields) {
    values[configName(f.name)] = f.type === "select" ? f.default ?? "" : "";
  }
  return values;
}

/** The outcome of a test send, in words. */
async function testOutcome(deps: WebDeps, ch: ChannelView): Promise<Flash> {
  try {
    const r = await deps.rt.channels.test(ch.id);
    // `response` is the service's answer as the outbox records it ("HTTP 200 ok").
    const answer = r.response.trim() || `HTTP ${r.status}`;
    return { kind: "ok", text: `Test message sent to ${ch.name} (${ch.kindLabel}): ${answer}` };
  } catch (err) {
    if (!(err instanceof ChannelTestError)) throw err;
    return { kind: "error", text: `Test message to ${ch.name} failed: ${err.message}` };
  }
}

/** Routes under /settings/channels. */
export function channelWebRoutes(deps: WebDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { rt } = deps;
  const kindOf = (name: string) => rt.channels.kinds().find((k) => k.kind === name);

  /** The form with messages: the form region for htmx (swapped on 422), else the whole page. */
  const formError = (
    c: Context<WebEnv>,
    form: Omit<ChannelFormProps, "csrf">,
    heading: string,
  ) => {
    const props: ChannelFormProps = { ...form, csrf: c.get("session").csrfToken };
    if (isHtmx(c)) return html(c, <ChannelForm {...props} />, 422);
    return html(c, <ChannelFormPage ctx={pageCtx(c, deps)} heading={heading} form={props} />, 422);
  };

  app.get("/settings/channels", (c) => c.redirect(LIST, 303));

  app.get("/settings/channels/new", (c) => {
    const raw = c.req.query("kind");
    const kind = raw === undefined ? undefined : kindOf(raw);
    if (!kind) {
      const kinds = rt.channels.kinds();
      return html(
        c,
        <ChannelKindPage
          ctx={pageCtx(c, deps)}
          kinds={kinds}
          error={raw === undefined ? undefined : `There is no channel kind “${raw}”: pick one.`}
        />,
        raw === undefined ? 200 : 404,
      );
    }
    return html(
      c,
      <ChannelFormPage
        ctx={pageCtx(c, deps)}
        heading={`Add ${kind.label} channel`}
        intro="Alerts of the monitors that use it go here too. Send a test once it is saved."
        form={{
          action: "/settings/channels",
          kind,
          values: newValues(kind),
          errors: {},
          editing: false,
          csrf: c.get("session").csrfToken,
          submitLabel: "Add channel",
        }}
      />,
    );
  });

  app.post("/settings/channels", async (c) => {
    const body = await c.req.parseBody({ all: true });
    const kind = kindOf(last(body.kind));
    if (!kind) {
      return html(
        c,
        <ChannelKindPage
          ctx={pageCtx(c, deps)}
          kinds={rt.channels.kinds()}
          error="Pick the kind of channel first."
        />,
        422,
      );
    }
    const { values, input } = await postedChannel(c, kind);
    try {
      const ch = await rt.channels.create(input);
      flash(c, deps, {
        kind: "ok",
        text: `Added ${ch.name} (${ch.kindLabel}). Use “Send test” to check it works.`,
      });
      return done(c, LIST);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return formError(c, {
        action: "/settings/channels",
        kind,
        values,
        errors: err.fields,
        editing: false,
        submitLabel: "Add channel",
      }, `Add ${kind.label} channel`);
    }
  });

  /** A stored channel and its kind (404 when either is gone). */
  const stored = async (c: Context) => {
    const ch = await rt.channels.get(channelId(c));
    const kind = kindOf(ch.kind);
    if (!kind) {
      throw new HTTPException(404, {
        message: `${ch.name} is of a kind this version does not know (${ch.kind}).`,
      });
    }
    return { ch, kind };
  };

  app.get("/settings/channels/:id/edit", async (c) => {
    const { ch, kind } = await stored(c);
    return html(
      c,
      <ChannelFormPage
        ctx={pageCtx(c, deps)}
        heading={`Edit ${ch.name}`}
        intro={`${kind.label}. Secrets are shown masked; leave them as they are to keep them.`}
        form={{
          action: `/settings/channels/${ch.id}/edit`,
          kind,
          values: channelValues(ch, kind),
          errors: {},
          editing: true,
          csrf: c.get("session").csrfToken,
          submitLabel: "Save changes",
        }}
      />,
    );
  });

  app.post("/settings/channels/:id/edit", async (c) => {
    const { ch, kind } = await stored(c);
    const { values, input } = await postedChannel(c, kind);
    try {
      const saved = await rt.channels.update(ch.id, input);
      flash(c, deps, { kind: "ok", text: `Saved ${saved.name}.` });
      return done(c, LIST);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return formError(c, {
        action: `/settings/channels/${ch.id}/edit`,
        kind,
        values,
        errors: err.fields,
        editing: true,
        submitLabel: "Save changes",
      }, `Edit ${ch.name}`);
    }
  });

  app.get("/settings/channels/:id/delete", async (c) => {
    const ch = await rt.channels.get(channelId(c));
    const users = (await rt.service.list())
      .filter((v) => v.monitor.channelIds.includes(ch.id))
      .map((v) => v.monitor.name);
    return html(c, <ChannelDeletePage ctx={pageCtx(c, deps)} channel={ch} monitors={users} />);
  });

  app.post("/settings/channels/:id/delete", async (c) => {
    const ch = await rt.channels.get(channelId(c));
    await rt.channels.remove(ch.id);
    flash(c, deps, { kind: "ok", text: `Deleted ${ch.name}.` });
    return done(c, LIST);
  });

  app.post("/settings/channels/:id/test", async (c) => {
    const ch = await rt.channels.get(channelId(c));
    const outcome = await testOutcome(deps, ch);
    // htmx: the result goes next to the button (200 either way, so it is swapped in).
    if (isHtmx(c)) return html(c, <ChannelTestResult flash={outcome} />);
    flash(c, deps, outcome);
    return c.redirect(LIST, 303);
  });

  return app;
}

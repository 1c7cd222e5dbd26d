/** Dashboard routes for monitors: overview, monitor page, live partials, forms and actions. */
import { Hono } from "hono";
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { compress } from "hono/compress";
import { NotFoundError, ValidationError } from "../monitor/errors.ts";
import { type ChartRange, isChartRange } from "../monitor/detail.ts";
import type { RecordedCheck } from "../monitor/recorder.ts";
import {
  OverviewFullUpdate,
  OverviewPage,
  OverviewResultsUpdate,
  OverviewRowsUpdate,
  RESULTS_ID,
} from "../components/OverviewPage.tsx";
import { overviewHref } from "../components/overview_links.ts";
import { parseOverviewQuery, viewOverview, viewUpdate } from "../monitor/overview_view.ts";
import { MonitorBody, MonitorLive, MonitorPage } from "../components/MonitorPage.tsx";
import {
  type ChannelOption,
  MonitorForm,
  MonitorFormPage,
  type MonitorFormProps,
} from "../components/MonitorForm.tsx";
import { DeletePage } from "../components/SimplePages.tsx";
import { FlashRegion } from "../components/Layout.tsx";
import { errorLine, ms, resultText } from "../components/format.ts";
import type { Flash } from "../components/types.ts";
import type { WebDeps, WebEnv } from "./web_deps.ts";
import { isHtmx } from "./web_session.ts";
import { flash, html, pageCtx } from "./web_render.ts";
import { monitorFormValues, monitorValues, newMonitorValues } from "./web_forms.ts";

/** A monitor id from the path, or 404. */
function monitorId(c: Context): number {
  const raw = c.req.param("id") ?? "";
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HTTPException(404, { message: `No monitor with id ${raw}` });
  }
  return Number(raw);
}

/** The chart range from the query, else from the page htmx is on, else none. */
function askedRange(c: Context): ChartRange | undefined {
  const q = c.req.query("range");
  if (isChartRange(q)) return q;
  const current = c.req.header("HX-Current-URL");
  const fromPage = current && URL.canParse(current)
    ? new URL(current).searchParams.get("range") ?? undefined
    : undefined;
  return isChartRange(fromPage) ? fromPage : undefined;
}

/**
 * The one wording of adding a monitor, on the nav link, buttons, headings and page titles: a
 * top-level monitor is a website, one nested beneath a website an internal app.
 */
export function addLabel(internalApp: boolean): string {
  return internalApp ? "Add internal app" : "Add website";
}

/** After a successful POST: 303 for plain forms, a full navigation for htmx. */
function done(c: Context, location: string): Response {
  if (isHtmx(c)) {
    c.header("HX-Redirect", location);
    return c.body(null, 204);
  }
  return c.redirect(location, 303);
}

/** A one-line outcome of a manual check. */
function checkFlash(r: RecordedCheck): Flash {
  const c = r.check;
  const status = r.monitor.active ? r.state.state.toUpperCase() : "PAUSED";
  const kind = r.monitor.kind;
  const what = c.ok
    ? `${resultText(c, kind)} in ${ms(c.latencyMs)}`
    : c.errorKind && c.errorKind !== "unexpected_status"
    ? errorLine(c.errorKind, c.errorMessage)
    : `${resultText(c, kind)}${c.errorMessage ? `: ${c.errorMessage}` : ""}`;
  return { kind: c.ok ? "ok" : "error", text: `Checked ${r.monitor.name}: ${status}, ${what}` };
}

/** Routes under / and /monitors. */
export function monitorRoutes(deps: WebDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { rt } = deps;

  /** Every configured channel, as the monitor form and page list them. */
  const channelOptions = async (): Promise<ChannelOption[]> =>
    (await rt.channels.list()).map((ch) => ({ id: ch.id, name: ch.name, kindLabel: ch.kindLabel }));

  /** The monitor page region after an htmx action, with the flash out of band. */
  const monitorFragment = async (c: Context<WebEnv>, id: number, f: Flash) => {
    const range = askedRange(c) ?? await deps.detail.defaultRange(id);
    const d = await deps.detail.detail(id, range);
    const session = c.get("session");
    const channels = await channelOptions();
    return html(
      c,
      <>
        <MonitorBody
          d={d}
          range={range}
          csrf={session.csrfToken}
          now={deps.now()}
          channels={channels}
        />
        <FlashRegion flash={f} oob />
      </>,
    );
  };

  /** An action's answer: the fragment for htmx, else flash + 303 back to the monitor page. */
  const afterAction = async (c: Context<WebEnv>, id: number, f: Flash) => {
    if (isHtmx(c)) return await monitorFragment(c, id, f);
    flash(c, deps, f);
    return c.redirect(`/monitors/${id}`, 303);
  };

  /** The form with messages: the form region for htmx (swapped on 422), else the whole page. */
  const formError = async (
    c: Context<WebEnv>,
    form: Omit<MonitorFormProps, "csrf" | "parents" | "channels">,
    heading: string,
    editingId?: number,
  ) => {
    const props: MonitorFormProps = {
      ...form,
      csrf: c.get("session").csrfToken,
      parents: (await deps.overview.websites()).filter((w) => w.id !== editingId),
      channels: await channelOptions(),
    };
    if (isHtmx(c)) return html(c, <MonitorForm {...props} />, 422);
    return html(c, <MonitorFormPage ctx={pageCtx(c, deps)} heading={heading} form={props} />, 422);
  };

  // Gzip only the overview's big answers (the whole list: about 3 KB per monitor before
  // compression). Kept off elsewhere, and here whenever the request carries free text that the
  // answer echoes (search, tag): a page echoing request text next to the CSRF token must not be
  // compressed (BREACH). Statuses, sorts and ids are checked words and numbers, never echoed raw.
  const compressor = compress({ threshold: 16 * 1024 });
  const gzip: MiddlewareHandler = (c, next) =>
    c.req.query("q") || c.req.query("tag") ? next() : compressor(c, next);

  /** The overview query of the request's URL. */
  const queryOf = (c: Context) => parseOverviewQuery((name) => c.req.query(name));

  app.get("/", gzip, async (c) => {
    const query = queryOf(c);
    const overview = await deps.overview.overview();
    const view = viewOverview(overview, query);
    c.header("Vary", "HX-Request, HX-Target", { append: true });
    // Search, sort, tiles and folds re-draw the results in place and set the address bar.
    if (isHtmx(c) && c.req.header("HX-Target") === RESULTS_ID) {
      c.header("HX-Push-Url", overviewHref(query));
      return html(c, <OverviewResultsUpdate overview={overview} view={view} now={deps.now()} />);
    }
    return html(
      c,
      <OverviewPage
        ctx={pageCtx(c, deps)}
        overview={overview}
        view={view}
        alertsOff={!deps.rt.config.email.host}
      />,
    );
  });

  // Poll target: 204 when nothing changed, else only the changed rows (or the list) out of band,
  // as the page's view (carried in the poll URL) shows them.
  app.get("/partials/overview", gzip, async (c) => {
    const query = queryOf(c);
    const change = await deps.overview.changes(c.req.query("v") ?? "", query);
    if (change.kind === "none") return c.body(null, 204);
    const now = deps.now();
    if (change.kind === "full") {
      const view = viewOverview(change.overview, query);
      return html(c, <OverviewFullUpdate overview={change.overview} view={view} now={now} />);
    }
    const update = viewUpdate(change.rows, change.groups, query);
    return html(
      c,
      <OverviewRowsUpdate
        version={change.version}
        counts={change.counts}
        rows={update.rows}
        folded={update.folded}
        query={query}
        now={now}
      />,
    );
  });

  app.get("/monitors/new", async (c) => {
    const raw = c.req.query("parent_id");
    const websites = await deps.overview.websites();
    const parent = websites.find((w) => String(w.id) === raw);
    // The channels marked default start checked, as the API gives them to a website naming none;
    // an internal app starts with none of its own, so it uses its website's.
    const values = newMonitorValues(parent?.id);
    values.channel_ids = parent ? "" : (await rt.channels.defaultIds()).join(",");
    return html(
      c,
      <MonitorFormPage
        ctx={pageCtx(c, deps)}
        heading={addLabel(parent !== undefined)}
        intro={parent
          ? `An internal app of ${parent.name}: checked on its own, listed beneath it.`
          : "A website to check. Internal apps can be added beneath it afterwards."}
        form={{
          action: "/monitors",
          values,
          errors: {},
          parents: websites,
          channels: await channelOptions(),
          csrf: c.get("session").csrfToken,
          submitLabel: addLabel(parent !== undefined),
          cancelHref: parent ? `/monitors/${parent.id}` : "/",
        }}
      />,
    );
  });

  app.post("/monitors", async (c) => {
    const values = await monitorFormValues(c);
    try {
      const m = await rt.service.create(values);
      flash(c, deps, { kind: "ok", text: `Added ${m.name}. The first check runs now.` });
      return done(c, `/monitors/${m.id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return await formError(c, {
        action: "/monitors",
        values,
        errors: err.fields,
        submitLabel: addLabel(Boolean(values.parent_id)),
        cancelHref: "/",
      }, addLabel(Boolean(values.parent_id)));
    }
  });

  app.get("/monitors/:id", async (c) => {
    const id = monitorId(c);
    // No range in the URL: the window that shows data (1 h for a new monitor).
    const range = askedRange(c) ?? await deps.detail.defaultRange(id);
    const d = await deps.detail.detail(id, range);
    return html(
      c,
      <MonitorPage ctx={pageCtx(c, deps)} d={d} range={range} channels={await channelOptions()} />,
    );
  });

  // Poll target of the monitor page: 204 when unchanged, else the new live region.
  app.get("/monitors/:id/live", async (c) => {
    const id = monitorId(c);
    let version: string;
    try {
      version = await deps.detail.version(id);
    } catch (err) {
      // Deleted elsewhere: send the viewer to the overview instead of polling a 404 forever.
      if (err instanceof NotFoundError) return done(c, "/");
      throw err;
    }
    if (version === c.req.query("v")) return c.body(null, 204);
    const range = askedRange(c) ?? await deps.detail.defaultRange(id);
    return html(
      c,
      <MonitorLive d={await deps.detail.detail(id, range)} range={range} now={deps.now()} />,
    );
  });

  app.get("/monitors/:id/edit", async (c) => {
    const m = (await rt.service.get(monitorId(c))).monitor;
    const websites = await deps.overview.websites();
    return html(
      c,
      <MonitorFormPage
        ctx={pageCtx(c, deps)}
        heading={`Edit ${m.name}`}
        form={{
          action: `/monitors/${m.id}/edit`,
          values: monitorValues(m),
          errors: {},
          parents: websites.filter((w) => w.id !== m.id),
          channels: await channelOptions(),
          csrf: c.get("session").csrfToken,
          submitLabel: "Save changes",
          cancelHref: `/monitors/${m.id}`,
        }}
      />,
    );
  });

  app.post("/monitors/:id/edit", async (c) => {
    const id = monitorId(c);
    const existing = (await rt.service.get(id)).monitor;
    const values = await monitorFormValues(c);
    try {
      const m = await rt.service.update(id, values);
      flash(c, deps, { kind: "ok", text: `Saved ${m.name}.` });
      return done(c, `/monitors/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return await formError(
        c,
        {
          action: `/monitors/${id}/edit`,
          values,
          errors: err.fields,
          submitLabel: "Save changes",
          cancelHref: `/monitors/${id}`,
        },
        `Edit ${existing.name}`,
        id,
      );
    }
  });

  app.post("/monitors/:id/check", async (c) => {
    const id = monitorId(c);
    const recorded = await rt.service.checkNow(id);
    return await afterAction(c, id, checkFlash(recorded));
  });

  for (const [verb, active] of [["pause", false], ["resume", true]] as const) {
    app.post(`/monitors/:id/${verb}`, async (c) => {
      const id = monitorId(c);
      const m = await rt.service.setActive(id, active);
      const text = active ? `Resumed ${m.name}; checking again.` : `Paused ${m.name}.`;
      return await afterAction(c, id, { kind: "info", text });
    });
  }

  // A new ping URL for a push monitor (CSRF-checked like every dashboard POST).
  app.post("/monitors/:id/ping_token", async (c) => {
    const id = monitorId(c);
    const m = (await rt.service.get(id)).monitor;
    if (m.kind !== "push") {
      return await afterAction(c, id, {
        kind: "error",
        text: "Only push monitors have a ping URL.",
      });
    }
    await rt.push.regenerate(id);
    return await afterAction(c, id, {
      kind: "ok",
      text: `New ping URL for ${m.name}: update the job; the old URL no longer works.`,
    });
  });

  app.get("/monitors/:id/delete", async (c) => {
    const m = (await rt.service.get(monitorId(c))).monitor;
    const apps = await rt.service.children(m.id);
    return html(c, <DeletePage ctx={pageCtx(c, deps)} monitor={m} apps={apps} />);
  });

  app.post("/monitors/:id/delete", async (c) => {
    const id = monitorId(c);
    const m = (await rt.service.get(id)).monitor;
    await rt.service.remove(id);
    flash(c, deps, { kind: "ok", text: `Deleted ${m.name}.` });
    return done(c, "/");
  });

  return app;
}

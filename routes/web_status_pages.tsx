/**
 * Dashboard routes for status pages, under /status-pages: list, add, edit (with a logo upload),
 * delete after a confirmation, and a page's incidents: report one, post updates (one saying
 * "resolved" resolves it), edit or delete an update, delete an incident. Plain forms, each POST
 * answered with a 303 (or the form again with its messages, 422). CSRF: the session gate.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ValidationError } from "../monitor/errors.ts";
import { parseLogo, type StatusPageInput } from "../monitor/status_input.ts";
import type { StatusPageRecord } from "../monitor/store/status_records.ts";
import {
  type MonitorChoice,
  StatusConfirmPage,
  StatusPageAdminPage,
  StatusPageFormPage,
  type StatusPageFormProps,
  StatusPagesListPage,
  UpdateEditPage,
} from "../components/StatusPagesAdmin.tsx";
import type { WebDeps, WebEnv } from "./web_deps.ts";
import { flash, html, pageCtx } from "./web_render.ts";
import { csvResponse, monthsParam } from "./api_maintenance.ts";

/** A numeric id from the path, or 404. */
function idOf(c: Context, name: string, what: string): number {
  const raw = c.req.param(name) ?? "";
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HTTPException(404, { message: `No ${what} with id ${raw}` });
  }
  return Number(raw);
}

/** The last value of a posted field (a checkbox comes after its hidden "false"). */
function last(v: unknown): string {
  const x = Array.isArray(v) ? v.at(-1) : v;
  return typeof x === "string" ? x : "";
}

type Body = Record<string, string | File | (string | File)[]>;

/** Form values of a stored page. */
function pageValues(p: StatusPageRecord): Record<string, string> {
  const v: Record<string, string> = {
    title: p.title,
    slug: p.slug,
    description: p.description,
    custom_domain: p.customDomain ?? "",
  };
  p.entries.forEach((e, i) => {
    v[`m_${e.monitorId}`] = "true";
    v[`name_${e.monitorId}`] = e.displayName;
    v[`pos_${e.monitorId}`] = String(i + 1);
    if (e.showApps) v[`apps_${e.monitorId}`] = "true";
  });
  return v;
}

/** The posted form's values (to show back) and the service input. */
function postedPage(
  body: Body,
  monitors: MonitorChoice[],
): { values: Record<string, string>; input: StatusPageInput } {
  const values: Record<string, string> = {};
  for (const k of ["title", "slug", "description", "custom_domain", "remove_logo"]) {
    values[k] = last(body[k]);
  }
  const chosen: { id: number; pos: number; index: number; name: string; apps: boolean }[] = [];
  monitors.forEach((m, index) => {
    const on = last(body[`m_${m.id}`]) === "true";
    const name = last(body[`name_${m.id}`]);
    const pos = last(body[`pos_${m.id}`]);
    const apps = last(body[`apps_${m.id}`]) === "true";
    if (on) values[`m_${m.id}`] = "true";
    if (name) values[`name_${m.id}`] = name;
    if (pos) values[`pos_${m.id}`] = pos;
    if (apps) values[`apps_${m.id}`] = "true";
    const n = /^\s*\d{1,6}\s*$/.test(pos) ? Number(pos) : Number.MAX_SAFE_INTEGER;
    if (on) chosen.push({ id: m.id, pos: n, index, name, apps });
  });
  chosen.sort((a, b) => a.pos - b.pos || a.index - b.index);
  return {
    values,
    input: {
      title: values.title,
      slug: values.slug,
      description: values.description,
      custom_domain: values.custom_domain,
      entries: chosen.map((e) => ({ monitor_id: e.id, display_name: e.name, show_apps: e.apps })),
    },
  };
}

/** The uploaded logo's bytes, or null when no file was chosen. */
async function uploaded(body: Body): Promise<Uint8Array | null> {
  const f = Array.isArray(body.logo) ? body.logo.at(-1) : body.logo;
  if (!(f instanceof File) || f.size === 0) return null;
  return new Uint8Array(await f.arrayBuffer());
}

/** Routes under /status-pages. */
export function statusPageWebRoutes(deps: WebDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { rt } = deps;
  const sp = rt.statusPages;

  const choices = async (): Promise<MonitorChoice[]> => {
    const list = await rt.store.monitors.list();
    const parents = new Set(list.flatMap((m) => (m.parentId === null ? [] : [m.parentId])));
    return list.map((m) => ({
      id: m.id,
      name: m.name,
      parentId: m.parentId,
      hasApps: parents.has(m.id),
    }));
  };

  const formPage = async (
    c: Context<WebEnv>,
    heading: string,
    form: Omit<StatusPageFormProps, "csrf" | "monitors">,
    status: 200 | 422,
  ) =>
    html(
      c,
      <StatusPageFormPage
        ctx={pageCtx(c, deps)}
        heading={heading}
        form={{ ...form, monitors: await choices(), csrf: c.get("session").csrfToken }}
      />,
      status,
    );

  app.get("/status-pages", async (c) => {
    return html(c, <StatusPagesListPage ctx={pageCtx(c, deps)} pages={await sp.list()} />);
  });

  app.get("/status-pages/new", (c) =>
    formPage(c, "New status page", {
      action: "/status-pages",
      values: {},
      errors: {},
      submitLabel: "Create status page",
      cancelHref: "/status-pages",
      hasLogo: false,
    }, 200));

  /** Saves a posted page (create when `existing` is null); 422 with the form on bad input. */
  const save = async (c: Context<WebEnv>, existing: StatusPageRecord | null) => {
    const body = await c.req.parseBody({ all: true }) as Body;
    const { values, input } = postedPage(body, await choices());
    const action = existing ? `/status-pages/${existing.id}/edit` : "/status-pages";
    const again = (errors: Record<string, string>) =>
      formPage(c, existing ? `Edit ${existing.title}` : "New status page", {
        action,
        values,
        errors,
        submitLabel: existing ? "Save changes" : "Create status page",
        cancelHref: existing ? `/status-pages/${existing.id}` : "/status-pages",
        hasLogo: existing?.logoType != null,
      }, 422);
    try {
      // Checked before anything is saved, so a bad file leaves the page as it was.
      const bytes = await uploaded(body);
      if (bytes) parseLogo(bytes);
      const page = existing ? await sp.update(existing.id, input) : await sp.create(input);
      if (bytes) await sp.setLogo(page.id, bytes);
      else if (values.remove_logo === "true") await sp.setLogo(page.id, null);
      flash(c, deps, { kind: "ok", text: `Saved status page ${page.title}.` });
      return c.redirect(`/status-pages/${page.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return again(err.fields);
    }
  };

  app.post("/status-pages", (c) => save(c, null));

  // The SLA of everything the page shows, as a CSV download (linked from the page's screen).
  app.get("/status-pages/:id/sla.csv", async (c) => {
    const page = await sp.get(idOf(c, "id", "status page"));
    const report = await rt.sla.forMonitors(await sp.monitorIds(page.id), {
      months: monthsParam(c),
    });
    return csvResponse(c, report, page.title);
  });

  app.get("/status-pages/:id", async (c) => {
    const page = await sp.get(idOf(c, "id", "status page"));
    return html(
      c,
      <StatusPageAdminPage
        ctx={pageCtx(c, deps)}
        page={page}
        incidents={await sp.incidents(page.id)}
        baseUrl={rt.config.baseUrl}
      />,
    );
  });

  app.get("/status-pages/:id/edit", async (c) => {
    const page = await sp.get(idOf(c, "id", "status page"));
    return formPage(c, `Edit ${page.title}`, {
      action: `/status-pages/${page.id}/edit`,
      values: pageValues(page),
      errors: {},
      submitLabel: "Save changes",
      cancelHref: `/status-pages/${page.id}`,
      hasLogo: page.logoType !== null,
    }, 200);
  });

  app.post("/status-pages/:id/edit", async (c) => {
    return save(c, await sp.get(idOf(c, "id", "status page")));
  });

  app.get("/status-pages/:id/delete", async (c) => {
    const page = await sp.get(idOf(c, "id", "status page"));
    return html(
      c,
      <StatusConfirmPage
        ctx={pageCtx(c, deps)}
        heading={`Delete “${page.title}”?`}
        text={`This removes the public page /status/${page.slug}, its logo and all its incidents. It cannot be undone. The monitors stay.`}
        action={`/status-pages/${page.id}/delete`}
        cancelHref={`/status-pages/${page.id}`}
      />,
    );
  });

  app.post("/status-pages/:id/delete", async (c) => {
    const page = await sp.get(idOf(c, "id", "status page"));
    await sp.remove(page.id);
    flash(c, deps, { kind: "ok", text: `Deleted status page ${page.title}.` });
    return c.redirect("/status-pages", 303);
  });

  // Incidents --------------------------------------------------------------------------------

  app.post("/status-pages/:id/incidents", async (c) => {
    const page = await sp.get(idOf(c, "id", "status page"));
    const body = await c.req.parseBody({ all: true }) as Body;
    const ids = ([] as unknown[]).concat(body.monitor_ids ?? []).filter((v) =>
      typeof v === "string"
    ) as string[];
    const values = {
      title: last(body.title),
      status: last(body.status),
      message: last(body.message),
    };
    try {
      const i = await sp.createIncident(page.id, { ...values, monitor_ids: ids });
      flash(c, deps, { kind: "ok", text: `Published incident “${i.title}”.` });
      return c.redirect(`/status-pages/${page.id}#incident-${i.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return html(
        c,
        <StatusPageAdminPage
          ctx={pageCtx(c, deps)}
          page={page}
          incidents={await sp.incidents(page.id)}
          baseUrl={rt.config.baseUrl}
          incidentForm={{
            values,
            monitorIds: ids.filter((v) => /^\d+$/.test(v)).map(Number),
            errors: err.fields,
          }}
        />,
        422,
      );
    }
  });

  const incidentOf = async (c: Context) => {
    const pageId = idOf(c, "id", "status page");
    const page = await sp.get(pageId);
    const incident = await sp.incident(pageId, idOf(c, "iid", "incident"));
    return { page, incident };
  };

  app.post("/status-pages/:id/incidents/:iid/updates", async (c) => {
    const { page, incident } = await incidentOf(c);
    const body = await c.req.parseBody();
    try {
      const saved = await sp.addUpdate(page.id, incident.id, {
        status: last(body.status),
        message: last(body.message),
      });
      flash(c, deps, {
        kind: "ok",
        text: saved.resolvedAt === null
          ? `Posted an update to “${saved.title}”.`
          : `Resolved “${saved.title}”.`,
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      flash(c, deps, { kind: "error", text: `Update not posted: ${err.message}.` });
    }
    return c.redirect(`/status-pages/${page.id}#incident-${incident.id}`, 303);
  });

  app.get("/status-pages/:id/incidents/:iid/delete", async (c) => {
    const { page, incident } = await incidentOf(c);
    return html(
      c,
      <StatusConfirmPage
        ctx={pageCtx(c, deps)}
        heading={`Delete incident “${incident.title}”?`}
        text="It and all its updates disappear from the public page and its feeds."
        action={`/status-pages/${page.id}/incidents/${incident.id}/delete`}
        cancelHref={`/status-pages/${page.id}#incident-${incident.id}`}
      />,
    );
  });

  app.post("/status-pages/:id/incidents/:iid/delete", async (c) => {
    const { page, incident } = await incidentOf(c);
    await sp.removeIncident(page.id, incident.id);
    flash(c, deps, { kind: "ok", text: `Deleted incident “${incident.title}”.` });
    return c.redirect(`/status-pages/${page.id}`, 303);
  });

  const updateOf = async (c: Context) => {
    const { page, incident } = await incidentOf(c);
    const updateId = idOf(c, "uid", "update");
    const update = incident.updates.find((u) => u.id === updateId);
    if (!update) throw new HTTPException(404, { message: `No update with id ${updateId}` });
    return { page, incident, update };
  };

  app.get("/status-pages/:id/incidents/:iid/updates/:uid/edit", async (c) => {
    const { page, incident, update } = await updateOf(c);
    return html(
      c,
      <UpdateEditPage
        ctx={pageCtx(c, deps)}
        page={page}
        incident={incident}
        updateId={update.id}
        values={{ status: update.status, message: update.message }}
        errors={{}}
      />,
    );
  });

  app.post("/status-pages/:id/incidents/:iid/updates/:uid/edit", async (c) => {
    const { page, incident, update } = await updateOf(c);
    const body = await c.req.parseBody();
    const values = { status: last(body.status), message: last(body.message) };
    try {
      await sp.editUpdate(page.id, incident.id, update.id, values);
      flash(c, deps, { kind: "ok", text: `Saved the update of “${incident.title}”.` });
      return c.redirect(`/status-pages/${page.id}#incident-${incident.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return html(
        c,
        <UpdateEditPage
          ctx={pageCtx(c, deps)}
          page={page}
          incident={incident}
          updateId={update.id}
          values={values}
          errors={err.fields}
        />,
        422,
      );
    }
  });

  app.get("/status-pages/:id/incidents/:iid/updates/:uid/delete", async (c) => {
    const { page, incident, update } = await updateOf(c);
    return html(
      c,
      <StatusConfirmPage
        ctx={pageCtx(c, deps)}
        heading="Delete this update?"
        text={`The update of “${incident.title}” disappears from the public page and its feeds.`}
        action={`/status-pages/${page.id}/incidents/${incident.id}/updates/${update.id}/delete`}
        cancelHref={`/status-pages/${page.id}#incident-${incident.id}`}
      />,
    );
  });

  app.post("/status-pages/:id/incidents/:iid/updates/:uid/delete", async (c) => {
    const { page, incident, update } = await updateOf(c);
    try {
      await sp.removeUpdate(page.id, incident.id, update.id);
      flash(c, deps, { kind: "ok", text: "Deleted the update." });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      flash(c, deps, { kind: "error", text: Object.values(err.fields).join("; ") });
    }
    return c.redirect(`/status-pages/${page.id}#incident-${incident.id}`, 303);
  });

  return app;
}

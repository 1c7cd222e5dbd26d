/**
 * The dashboard's status page screens: the list, the add/edit form (chosen monitors with public
 * names and order, logo upload, custom domain), a page's admin screen with its incidents and
 * their updates, and the delete confirmations. Every screen works as plain forms.
 */
import type {
  IncidentUpdateStatus,
  StatusIncidentRecord,
  StatusPageRecord,
} from "../monitor/store/status_records.ts";
import type { PageContext } from "./types.ts";
import { Layout } from "./Layout.tsx";
import {
  Checkbox,
  controlAttrs,
  ErrorSummary,
  Field,
  summaryItems,
  TextInput,
} from "./FormFields.tsx";
import { iso, utc } from "./format.ts";

/** What each incident stage is called in forms (the public words live in the model). */
export const UPDATE_STATUS_LABELS = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
} as const satisfies Record<IncidentUpdateStatus, string>;

/** A monitor that can be put on a page. */
export interface MonitorChoice {
  id: number;
  name: string;
  parentId: number | null;
  /** A website with internal apps (they can be listed under it). */
  hasApps: boolean;
}

const publicPath = (p: Pick<StatusPageRecord, "slug">) => `/status/${p.slug}`;

function Crumbs() {
  return (
    <nav class="crumbs" aria-label="Breadcrumb">
      <a href="/status-pages">Status pages</a>
    </nav>
  );
}

/** A failed submit's messages, each linked to its field (`#f-<name>`) when the form has one. */
function Errors(props: { errors: Record<string, string>; labels: Record<string, string> }) {
  return <ErrorSummary items={summaryItems(props.errors, props.labels)} />;
}

/** The fields of each form, in order, as its error summary names them. */
const PAGE_LABELS = {
  title: "Title",
  slug: "Slug",
  description: "Description",
  custom_domain: "Custom domain",
  logo: "Logo",
};
const INCIDENT_LABELS = { title: "Incident title", status: "Status", message: "First update" };
const UPDATE_LABELS = { status: "Status", message: "Message" };

/** The list of status pages. */
export function StatusPagesListPage(props: { ctx: PageContext; pages: StatusPageRecord[] }) {
  return (
    <Layout ctx={props.ctx} title="Status pages" nav="status">
      <div class="page-head">
        <div class="title-block">
          <h1>Status pages</h1>
          <p class="sub">Public pages showing the monitors you choose, under names you choose.</p>
        </div>
        <div class="actions">
          <a class="btn btn-primary" href="/status-pages/new" id="btn-new-status-page">
            New status page
          </a>
        </div>
      </div>
      <section class="card">
        {props.pages.length === 0
          ? <p class="muted">No status pages yet.</p>
          : (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th>Title</th>
                    <th>Public page</th>
                    <th>Custom domain</th>
                    <th>Monitors</th>
                  </tr>
                </thead>
                <tbody>
                  {props.pages.map((p) => (
                    <tr>
                      <td>
                        <a href={`/status-pages/${p.id}`}>{p.title}</a>
                      </td>
                      <td>
                        <a href={publicPath(p)}>{publicPath(p)}</a>
                      </td>
                      <td>{p.customDomain ?? <span class="muted">none</span>}</td>
                      <td>{p.entries.length}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>
    </Layout>
  );
}

/** Props of {@link StatusPageForm}. */
export interface StatusPageFormProps {
  action: string;
  /** Field values as typed: title, slug, description, custom_domain, and per monitor id
   * `m_<id>` ("true"), `name_<id>`, `pos_<id>`, `apps_<id>` ("true"). */
  values: Record<string, string>;
  errors: Record<string, string>;
  monitors: MonitorChoice[];
  csrf: string;
  submitLabel: string;
  cancelHref: string;
  /** The page has a logo now (offers to remove it). */
  hasLogo: boolean;
}

/** The add/edit form; multipart for the logo. */
export function StatusPageForm(props: StatusPageFormProps) {
  const { values: v, errors: e } = props;
  return (
    <form
      class="card form"
      id="status-page-form"
      method="post"
      action={props.action}
      enctype="multipart/form-data"
    >
      <Errors errors={e} labels={PAGE_LABELS} />
      <input type="hidden" name="_csrf" value={props.csrf} />
      <fieldset>
        <legend>Page</legend>
        <div class="grid-2">
          <TextInput name="title" label="Title" values={v} errors={e} required />
          <TextInput
            name="slug"
            label="Slug"
            values={v}
            errors={e}
            required
            hint="The page is at /status/<slug>: lower-case letters, digits, hyphens"
          />
        </div>
        <Field name="description" label="Description" errors={e} hint="Optional; plain text">
          <textarea {...controlAttrs("description", e, true)} rows={2}>
            {v.description ?? ""}
          </textarea>
        </Field>
        <TextInput
          name="custom_domain"
          label="Custom domain"
          values={v}
          errors={e}
          placeholder="status.example.com"
          hint="Optional: requests for / with this Host header get this page (point its DNS here)"
        />
        <Field
          name="logo"
          label="Logo"
          errors={e}
          hint="PNG, JPEG, WebP or SVG, at most 256 KB; shown as an image, served from here"
        >
          <input
            {...controlAttrs("logo", e, true)}
            type="file"
            accept="image/png,image/jpeg,image/webp,image/svg+xml"
          />
        </Field>
        {props.hasLogo && (
          <Checkbox
            name="remove_logo"
            label="Remove the current logo"
            hint="Leave the file empty to keep it"
            values={v}
            errors={e}
          />
        )}
      </fieldset>
      <fieldset>
        <legend>Monitors shown</legend>
        <p class="hint">
          Tick what the page shows. A website stands for itself and its internal apps (its status is
          the worst of them); tick “list apps” to show them by name too. Order: lowest number first.
          Nothing else about a monitor (URL, settings, errors) is ever shown.
        </p>
        {props.monitors.length === 0
          ? <p class="muted">No monitors yet.</p>
          : (
            <div class="table-wrap">
              <table class="table sp-choose">
                <thead>
                  <tr>
                    <th>Show</th>
                    <th>Public name</th>
                    <th>Order</th>
                    <th>List apps</th>
                  </tr>
                </thead>
                <tbody>
                  {props.monitors.map((m) => (
                    <tr class={m.parentId === null ? "" : "sp-choose-app"}>
                      <td>
                        <label class="check-inline">
                          <input
                            type="checkbox"
                            name={`m_${m.id}`}
                            value="true"
                            id={`f-m_${m.id}`}
                            checked={v[`m_${m.id}`] === "true"}
                          />
                          <span>{m.name}</span>
                        </label>
                      </td>
                      <td>
                        <input
                          type="text"
                          name={`name_${m.id}`}
                          id={`f-name_${m.id}`}
                          aria-label={`Public name of ${m.name}`}
                          placeholder={m.name}
                          value={v[`name_${m.id}`] ?? ""}
                        />
                      </td>
                      <td>
                        <input
                          type="text"
                          inputmode="numeric"
                          class="sp-order"
                          name={`pos_${m.id}`}
                          aria-label={`Order of ${m.name}`}
                          value={v[`pos_${m.id}`] ?? ""}
                        />
                      </td>
                      <td>
                        {m.hasApps && (
                          <input
                            type="checkbox"
                            name={`apps_${m.id}`}
                            value="true"
                            aria-label={`List the internal apps of ${m.name}`}
                            checked={v[`apps_${m.id}`] === "true"}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary">{props.submitLabel}</button>
        <a class="btn" href={props.cancelHref}>Cancel</a>
      </div>
    </form>
  );
}

/** The add/edit page. */
export function StatusPageFormPage(
  props: { ctx: PageContext; heading: string; form: StatusPageFormProps },
) {
  return (
    <Layout ctx={props.ctx} title={props.heading} nav="status">
      <Crumbs />
      <div class="page-head">
        <div class="title-block">
          <h1>{props.heading}</h1>
        </div>
      </div>
      <StatusPageForm {...props.form} />
    </Layout>
  );
}

function StatusSelect(
  props: { name: string; id: string; selected?: string; errors: Record<string, string> },
) {
  return (
    <select
      {...controlAttrs(props.name, props.errors)}
      id={props.id}
    >
      {(Object.keys(UPDATE_STATUS_LABELS) as IncidentUpdateStatus[]).map((s) => (
        <option value={s} selected={s === (props.selected ?? "investigating")}>
          {UPDATE_STATUS_LABELS[s]}
        </option>
      ))}
    </select>
  );
}

/** Values and messages of the "new incident" form (shown back on 422). */
export interface IncidentFormState {
  values: Record<string, string>;
  /** Affected monitor ids ticked. */
  monitorIds: number[];
  errors: Record<string, string>;
}

function NewIncidentForm(
  props: { page: StatusPageRecord; csrf: string; state?: IncidentFormState },
) {
  const s = props.state ?? { values: {}, monitorIds: [], errors: {} };
  const e = s.errors;
  return (
    <form
      class="card form"
      id="new-incident"
      method="post"
      action={`/status-pages/${props.page.id}/incidents`}
    >
      <h2>Report an incident</h2>
      <Errors errors={e} labels={INCIDENT_LABELS} />
      <input type="hidden" name="_csrf" value={props.csrf} />
      <TextInput name="title" label="Incident title" values={s.values} errors={e} required />
      <div class="grid-2">
        <Field name="status" label="Status" errors={e}>
          <StatusSelect name="status" id="f-status" selected={s.values.status} errors={e} />
        </Field>
      </div>
      <Field name="message" label="First update" errors={e} hint="Plain text; line breaks kept">
        <textarea {...controlAttrs("message", e, true)} rows={3}>{s.values.message ?? ""}</textarea>
      </Field>
      {props.page.entries.length > 0 && (
        <fieldset>
          <legend>Affects</legend>
          {props.page.entries.map((en) => (
            <label class="check-inline">
              <input
                type="checkbox"
                name="monitor_ids"
                value={String(en.monitorId)}
                checked={s.monitorIds.includes(en.monitorId)}
              />
              <span>{en.displayName}</span>
            </label>
          ))}
        </fieldset>
      )}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" id="btn-create-incident">
          Publish incident
        </button>
      </div>
    </form>
  );
}

function AdminIncident(
  props: { page: StatusPageRecord; incident: StatusIncidentRecord; csrf: string },
) {
  const { page, incident: i } = props;
  const base = `/status-pages/${page.id}/incidents/${i.id}`;
  return (
    <article class="card sp-admin-incident" id={`incident-${i.id}`}>
      <div class="card-head">
        <h3>{i.title}</h3>
        <span class={`upd upd-${i.status}`}>{UPDATE_STATUS_LABELS[i.status]}</span>
      </div>
      <ol class="sp-updates">
        {i.updates.map((u) => (
          <li>
            <p class="sp-update-head">
              <strong class={`upd upd-${u.status}`}>{UPDATE_STATUS_LABELS[u.status]}</strong>{" "}
              <time datetime={iso(u.createdAt)}>{utc(u.createdAt)}</time>{" "}
              <a href={`${base}/updates/${u.id}/edit`}>Edit</a>
              {i.updates.length > 1 && (
                <>
                  {" · "}
                  <a href={`${base}/updates/${u.id}/delete`}>Delete…</a>
                </>
              )}
            </p>
            <p class="sp-message">{u.message}</p>
          </li>
        ))}
      </ol>
      <form class="form" method="post" action={`${base}/updates`}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class="grid-2">
          <div class="field">
            <label for={`f-status-${i.id}`}>New update</label>
            <StatusSelect
              name="status"
              id={`f-status-${i.id}`}
              selected={i.status === "resolved" ? "resolved" : i.status}
              errors={{}}
            />
          </div>
        </div>
        <div class="field">
          <label for={`f-message-${i.id}`}>Message</label>
          <textarea id={`f-message-${i.id}`} name="message" rows={2} required></textarea>
        </div>
        <div class="form-actions">
          <button type="submit" class="btn">Post update</button>
          <a class="btn btn-danger-quiet" href={`${base}/delete`}>Delete incident…</a>
        </div>
      </form>
    </article>
  );
}

/** A page's admin screen: where it is, its settings, and its incidents. */
export function StatusPageAdminPage(
  props: {
    ctx: PageContext;
    page: StatusPageRecord;
    incidents: StatusIncidentRecord[];
    baseUrl: string;
    incidentForm?: IncidentFormState;
  },
) {
  const { page: p, ctx } = props;
  const open = props.incidents.filter((i) => i.resolvedAt === null);
  const past = props.incidents.filter((i) => i.resolvedAt !== null);
  return (
    <Layout ctx={ctx} title={p.title} nav="status">
      <Crumbs />
      <div class="page-head">
        <div class="title-block">
          <h1>{p.title}</h1>
          <p class="sub">
            <a href={publicPath(p)} id="public-link">{`${props.baseUrl}${publicPath(p)}`}</a>
            {p.customDomain && <span>also at {p.customDomain}</span>}
            <span>{p.entries.length} monitor(s)</span>
          </p>
          <p class="sub">
            Feeds: <a href={`${publicPath(p)}/feed.atom`}>Atom</a> ·{" "}
            <a href={`${publicPath(p)}/feed.rss`}>RSS</a> ·{" "}
            <a href={`/status-pages/${p.id}/sla.csv`} download>SLA report (CSV)</a>
          </p>
        </div>
        <div class="actions">
          <a class="btn" href={`/status-pages/${p.id}/edit`}>Edit</a>
          <a class="btn btn-danger-quiet" href={`/status-pages/${p.id}/delete`}>Delete…</a>
        </div>
      </div>
      <section class="card">
        <h2>Shown</h2>
        {p.entries.length === 0
          ? <p class="muted">No monitors chosen yet: edit the page to pick some.</p>
          : (
            <ol>
              {p.entries.map((e) => (
                <li key={e.monitorId}>{e.displayName}{e.showApps ? " (with its apps)" : ""}</li>
              ))}
            </ol>
          )}
      </section>
      <NewIncidentForm page={p} csrf={ctx.csrf} state={props.incidentForm} />
      <h2>Open incidents</h2>
      {open.length === 0
        ? <p class="muted">None.</p>
        : open.map((i) => <AdminIncident key={i.id} page={p} incident={i} csrf={ctx.csrf} />)}
      <h2>Resolved (last 90 days)</h2>
      {past.length === 0
        ? <p class="muted">None.</p>
        : past.map((i) => <AdminIncident key={i.id} page={p} incident={i} csrf={ctx.csrf} />)}
    </Layout>
  );
}

/** Edits one update. */
export function UpdateEditPage(
  props: {
    ctx: PageContext;
    page: StatusPageRecord;
    incident: StatusIncidentRecord;
    updateId: number;
    values: Record<string, string>;
    errors: Record<string, string>;
  },
) {
  const { page, incident, values: v, errors: e } = props;
  const back = `/status-pages/${page.id}#incident-${incident.id}`;
  return (
    <Layout ctx={props.ctx} title={`Edit update: ${incident.title}`} nav="status">
      <Crumbs />
      <form
        class="card form"
        method="post"
        action={`/status-pages/${page.id}/incidents/${incident.id}/updates/${props.updateId}/edit`}
      >
        <h1>Edit update of “{incident.title}”</h1>
        <Errors errors={e} labels={UPDATE_LABELS} />
        <input type="hidden" name="_csrf" value={props.ctx.csrf} />
        <Field name="status" label="Status" errors={e}>
          <StatusSelect name="status" id="f-status" selected={v.status} errors={e} />
        </Field>
        <Field name="message" label="Message" errors={e}>
          <textarea {...controlAttrs("message", e)} rows={4}>{v.message ?? ""}</textarea>
        </Field>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary">Save update</button>
          <a class="btn" href={back}>Cancel</a>
        </div>
      </form>
    </Layout>
  );
}

/** Asks before deleting something of a status page; works without JavaScript. */
export function StatusConfirmPage(
  props: {
    ctx: PageContext;
    heading: string;
    text: string;
    action: string;
    cancelHref: string;
  },
) {
  return (
    <Layout ctx={props.ctx} title={props.heading} nav="status">
      <form class="card form confirm-card" method="post" action={props.action}>
        <h1>{props.heading}</h1>
        <p>{props.text}</p>
        <input type="hidden" name="_csrf" value={props.ctx.csrf} />
        <div class="form-actions">
          <button class="btn btn-danger" type="submit" id="btn-confirm-delete">Delete</button>
          <a class="btn" href={props.cancelHref}>Cancel</a>
        </div>
      </form>
    </Layout>
  );
}

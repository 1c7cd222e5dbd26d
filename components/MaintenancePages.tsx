/**
 * Maintenance window pages: the list (next occurrence, "active now"), the add/edit form (plain
 * fields for every schedule kind, so it works without JavaScript) and the delete confirmation.
 */
import type { MaintenanceView } from "../monitor/maintenance_windows.ts";
import type { PageContext } from "./types.ts";
import { Layout } from "./Layout.tsx";
import { ErrorSummary, Field, summaryItems, TextInput, type Values } from "./FormFields.tsx";
import { utc } from "./format.ts";

/** A window as the list shows it; `scheduleText` is the schedule in words. */
export interface MaintenanceItem {
  view: MaintenanceView;
  scheduleText: string;
  /** Names of the monitors it covers. */
  monitorNames: string[];
}

/** The list page. */
export function MaintenanceListPage(props: { ctx: PageContext; items: MaintenanceItem[] }) {
  return (
    <Layout ctx={props.ctx} title="Maintenance windows" nav="maintenance">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/settings">Settings</a>
      </nav>
      <div class="page-head">
        <div class="title-block">
          <h1>Maintenance windows</h1>
          <p class="sub">
            During a window checks still run and are stored, but no alert goes out, the status shows
            MAINTENANCE and uptime leaves the time out.
          </p>
        </div>
        <div class="actions">
          <a class="btn btn-primary" href="/maintenance/new" id="btn-add-maintenance">
            Add window
          </a>
        </div>
      </div>
      {props.items.length === 0
        ? <p class="muted card">No maintenance windows yet.</p>
        : (
          <div class="card table-wrap">
            <table class="table" id="maintenance-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Schedule</th>
                  <th scope="col">Monitors</th>
                  <th scope="col">Next</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.items.map(({ view, scheduleText, monitorNames }) => (
                  <tr id={`maintenance-${view.window.id}`}>
                    <td>
                      <strong>{view.window.name}</strong>
                      {view.window.description && <div class="muted">{view.window.description}
                      </div>}
                    </td>
                    <td>{scheduleText}</td>
                    <td>{monitorNames.join(", ")}</td>
                    <td>
                      {view.active && view.next
                        ? (
                          <span class="pill pill-maintenance">
                            Active now, until {utc(view.next.end)}
                          </span>
                        )
                        : view.next
                        ? `${utc(view.next.start)} – ${utc(view.next.end)}`
                        : <span class="muted">None left</span>}
                    </td>
                    <td class="row-actions">
                      <a class="btn btn-small" href={`/maintenance/${view.window.id}/edit`}>Edit</a>
                      {" "}
                      <a class="btn btn-small" href={`/maintenance/${view.window.id}/delete`}>
                        Delete
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </Layout>
  );
}

/** What the form needs. */
export interface MaintenanceFormProps {
  action: string;
  values: Values;
  /** Monitor ids ticked. */
  selected: number[];
  /** Weekdays ticked (1 = Monday). */
  weekdays: number[];
  monitors: { id: number; name: string; parentId: number | null }[];
  errors: Record<string, string>;
  csrf: string;
  submitLabel: string;
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const KINDS: [string, string][] = [
  ["once", "One-off: from a start to an end"],
  ["weekly", "Weekly: on weekdays at a local time"],
  ["cron", "Cron expression, in a time zone"],
];

/** The form's fields in order, as the error summary names them (each has a `#f-<name>`). */
const LABELS: Readonly<Record<string, string>> = {
  name: "Name",
  description: "Description",
  monitor_ids: "Monitors",
  kind: "Kind",
  timezone: "Time zone",
  starts_at: "Starts",
  ends_at: "Ends",
  weekdays: "Weekdays",
  time: "Start time",
  cron: "Cron expression",
  duration_min: "Duration",
};

/** The form region (swapped by htmx on 422). */
export function MaintenanceForm(props: MaintenanceFormProps) {
  const { values, errors } = props;
  const kind = values.kind || "once";
  return (
    <form
      id="maintenance-form"
      class="form card"
      method="post"
      action={props.action}
      hx-post={props.action}
      hx-target="this"
      hx-swap="outerHTML"
      novalidate
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      <ErrorSummary items={summaryItems(errors, LABELS)} />
      <fieldset>
        <legend>Window</legend>
        <TextInput
          name="name"
          label="Name"
          values={values}
          errors={errors}
          required
          hint="Shown on the monitor page and in the alert history, e.g. “Database upgrade”"
        />
        <TextInput
          name="description"
          label="Description (optional)"
          values={values}
          errors={errors}
        />
        <div class={errors.monitor_ids ? "field field-invalid" : "field"}>
          <span class="label" id="monitor_ids-label">Monitors</span>
          <div
            class="checks"
            role="group"
            aria-labelledby="monitor_ids-label"
            id="f-monitor_ids"
            tabindex={-1}
          >
            {props.monitors.map((m) => (
              <label class={m.parentId === null ? "check" : "check check-app"}>
                <input
                  type="checkbox"
                  name="monitor_ids"
                  value={String(m.id)}
                  checked={props.selected.includes(m.id)}
                />{" "}
                {m.name}
              </label>
            ))}
          </div>
          <p class="hint">A website covers its internal apps.</p>
          {errors.monitor_ids && <p class="field-error">{errors.monitor_ids}</p>}
        </div>
      </fieldset>
      <fieldset>
        <legend>Schedule</legend>
        <Field name="kind" label="Kind" errors={errors}>
          <select id="f-kind" name="kind">
            {KINDS.map(([k, label]) => (
              <option value={k} selected={k === kind}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <TextInput
          name="timezone"
          label="Time zone"
          values={values}
          errors={errors}
          hint="IANA name, e.g. UTC or Europe/Berlin: times below are read in it (DST-aware)"
        />
        <p class="muted">One-off</p>
        <TextInput
          name="starts_at"
          label="Starts"
          type="datetime-local"
          values={values}
          errors={errors}
        />
        <TextInput
          name="ends_at"
          label="Ends"
          type="datetime-local"
          values={values}
          errors={errors}
        />
        <p class="muted">Weekly</p>
        <div class={errors.weekdays ? "field field-invalid" : "field"}>
          <span class="label" id="weekdays-label">Weekdays</span>
          <div
            class="checks checks-inline"
            role="group"
            aria-labelledby="weekdays-label"
            id="f-weekdays"
            tabindex={-1}
          >
            {DAYS.map((d, i) => (
              <label class="check">
                <input
                  type="checkbox"
                  name="weekdays"
                  value={String(i + 1)}
                  checked={props.weekdays.includes(i + 1)}
                />{" "}
                {d}
              </label>
            ))}
          </div>
          {errors.weekdays && <p class="field-error">{errors.weekdays}</p>}
        </div>
        <TextInput
          name="time"
          label="Start time (HH:MM)"
          type="time"
          values={values}
          errors={errors}
        />
        <p class="muted">Cron</p>
        <TextInput
          name="cron"
          label="Cron expression"
          values={values}
          errors={errors}
          placeholder="0 3 * * 0"
          hint="5 fields: minute hour day month weekday"
        />
        <TextInput
          name="duration_min"
          label="Duration (minutes, weekly and cron)"
          inputmode="numeric"
          values={values}
          errors={errors}
        />
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" id="btn-save-maintenance">
          {props.submitLabel}
        </button>
        <a class="btn" href="/maintenance">Cancel</a>
      </div>
    </form>
  );
}

/** The add/edit page. */
export function MaintenanceFormPage(
  props: { ctx: PageContext; heading: string; form: MaintenanceFormProps },
) {
  return (
    <Layout ctx={props.ctx} title={props.heading} nav="maintenance">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/maintenance">Maintenance windows</a>
      </nav>
      <div class="page-head">
        <div class="title-block">
          <h1>{props.heading}</h1>
        </div>
      </div>
      <MaintenanceForm {...props.form} />
    </Layout>
  );
}

/** "Delete this window?" */
export function MaintenanceDeletePage(
  props: { ctx: PageContext; window: { id: number; name: string } },
) {
  const w = props.window;
  return (
    <Layout ctx={props.ctx} title={`Delete ${w.name}`} nav="maintenance">
      <form class="card form confirm-card" method="post" action={`/maintenance/${w.id}/delete`}>
        <h1>Delete “{w.name}”?</h1>
        <p>
          Alerts go out again at once for the monitors it covers, and SLA reports stop leaving its
          past occurrences out of the maintenance figures. It cannot be undone.
        </p>
        <input type="hidden" name="_csrf" value={props.ctx.csrf} />
        <div class="form-actions">
          <button class="btn btn-danger" type="submit" id="btn-confirm-delete">Delete</button>
          <a class="btn" href="/maintenance">Cancel</a>
        </div>
      </form>
    </Layout>
  );
}

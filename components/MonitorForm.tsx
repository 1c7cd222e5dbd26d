/**
 * The add/edit monitor form (region `#monitor-form`). Field names are the API's. Every value is
 * echoed back as typed, so nothing is lost when validation fails, and each message sits next to
 * its field, tied to it with aria-describedby.
 */
import type { PageContext } from "./types.ts";
import { Layout } from "./Layout.tsx";
import { AreaInput, Checkbox, controlAttrs, Field, NumberInput, TextInput } from "./FormFields.tsx";

/** A website that can be picked as parent. */
export interface ParentOption {
  id: number;
  name: string;
}

/** Props of {@link MonitorForm}. */
export interface MonitorFormProps {
  /** Where the form posts: `/monitors` or `/monitors/:id/edit`. */
  action: string;
  /** Field values as strings (booleans as "true"/"false"). */
  values: Record<string, string>;
  errors: Record<string, string>;
  parents: ParentOption[];
  csrf: string;
  submitLabel: string;
  cancelHref: string;
}

/** The form region. */
export function MonitorForm(props: MonitorFormProps) {
  const { values: v, errors: e } = props;
  const count = Object.keys(e).length;
  return (
    <form
      id="monitor-form"
      class="form card"
      method="post"
      action={props.action}
      hx-post={props.action}
      hx-target="this"
      hx-swap="outerHTML"
      novalidate
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      {count > 0 && (
        <div class="form-errors" role="alert">
          {count === 1 ? "One field needs attention." : `${count} fields need attention.`}
          {e._form && <p>{e._form}</p>}
        </div>
      )}
      <fieldset>
        <legend>What to check</legend>
        <div class="grid-2">
          <TextInput name="name" label="Name" values={v} errors={e} required />
          <TextInput
            name="url"
            label="URL"
            values={v}
            errors={e}
            required
            type="url"
            placeholder="https://example.com/health"
            hint="http:// or https:// URL, or tcp://host:port for a port check"
          />
          <Field name="kind" label="Kind" errors={e} hint="Must match the URL's scheme">
            <select {...controlAttrs("kind", e, true)}>
              <option value="http" selected={v.kind !== "tcp"}>HTTP(S)</option>
              <option value="tcp" selected={v.kind === "tcp"}>TCP port</option>
            </select>
          </Field>
          <TextInput
            name="expected_status"
            label="Expected status"
            values={v}
            errors={e}
            hint="Codes or ranges, e.g. 200 or 200-299,301"
          />
          <Field
            name="parent_id"
            label="Belongs to website"
            errors={e}
            hint="Pick a website to make this an internal app beneath it"
          >
            <select {...controlAttrs("parent_id", e, true)}>
              <option value="" selected={!v.parent_id}>None: this is a website</option>
              {props.parents.map((p) => (
                <option value={String(p.id)} selected={v.parent_id === String(p.id)}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Timing</legend>
        <div class="grid-3">
          <NumberInput
            name="interval_s"
            label="Check every (seconds)"
            values={v}
            errors={e}
            hint="10 to 86400"
          />
          <NumberInput
            name="retry_interval_s"
            label="Retry every (seconds)"
            values={v}
            errors={e}
            hint="While failing below the threshold; empty = same as interval"
            placeholder="same as interval"
          />
          <NumberInput
            name="timeout_ms"
            label="Timeout (ms)"
            values={v}
            errors={e}
            hint="100 to 120000, at most the interval"
          />
          <NumberInput
            name="failure_threshold"
            label="Failures before DOWN"
            values={v}
            errors={e}
            hint="Consecutive failed checks, 1 to 100"
          />
          <NumberInput
            name="max_redirects"
            label="Maximum redirects"
            values={v}
            errors={e}
            hint="0 to 20; 0 = do not follow"
          />
          <NumberInput
            name="reminder_interval_min"
            label="Reminder every (minutes)"
            values={v}
            errors={e}
            hint="Repeat the DOWN alert while down; empty = never"
            placeholder="never"
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>Alerts</legend>
        <div class="grid-2">
          <AreaInput name="alert_emails" label="Alert emails" values={v} errors={e} />
          <AreaInput name="recovery_emails" label="Recovery emails" values={v} errors={e} />
        </div>
      </fieldset>
      <fieldset>
        <legend>Options</legend>
        <Checkbox
          name="active"
          label="Active"
          hint="Unchecked = paused: no checks, no alerts"
          values={v}
          errors={e}
        />
        <Checkbox
          name="ignore_tls_errors"
          label="Ignore TLS certificate errors"
          hint="Accept self-signed or expired certificates"
          values={v}
          errors={e}
        />
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary">{props.submitLabel}</button>
        <a class="btn" href={props.cancelHref}>Cancel</a>
      </div>
    </form>
  );
}

/** The add/edit page around the form. */
export function MonitorFormPage(
  props: { ctx: PageContext; heading: string; intro?: string; form: MonitorFormProps },
) {
  return (
    <Layout
      ctx={props.ctx}
      title={props.heading}
      nav={props.form.action === "/monitors" ? "new" : null}
    >
      <div class="page-head">
        <div class="title-block">
          <h1>{props.heading}</h1>
          {props.intro && <p class="sub">{props.intro}</p>}
        </div>
      </div>
      <MonitorForm {...props.form} />
    </Layout>
  );
}

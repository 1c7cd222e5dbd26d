/**
 * Add/edit a notification channel (region `#channel-form`), the kind picker page before it and
 * the delete confirmation. A kind's settings come from its field list (label, type, hint), so
 * a new kind needs no page of its own. Settings post as `config.<field>`, the names the service
 * reports errors under, so each message sits next to its field. Secrets come back masked on the
 * edit form; sent back as shown (or emptied) they keep the stored value.
 */
import type { ChannelField } from "../monitor/alerts/channels/spec.ts";
import type { ChannelKindInfo } from "../monitor/alerts/channel_service.ts";
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
import { KindPicker } from "./ChannelsSection.tsx";

/** The form name of a setting. */
export const configName = (field: string) => `config.${field}`;

/** Props of {@link ChannelForm}. */
export interface ChannelFormProps {
  /** `/settings/channels` (new) or `/settings/channels/:id/edit`. */
  action: string;
  kind: ChannelKindInfo;
  /** `name`, `is_default` ("true"/"false") and `config.<field>`, as typed (secrets masked on edit). */
  values: Record<string, string>;
  errors: Record<string, string>;
  /** Editing a stored channel: secrets are shown masked and kept when left as they are. */
  editing: boolean;
  csrf: string;
  submitLabel: string;
}

const isSecret = (f: ChannelField) => f.type === "secret" || f.secret === true;

/** One setting's control. */
function SettingControl(
  props: {
    field: ChannelField;
    values: Record<string, string>;
    errors: Record<string, string>;
    editing: boolean;
  },
) {
  const { field: f, values, errors, editing } = props;
  const name = configName(f.name);
  const keep = editing && isSecret(f) && (values[name] ?? "") !== ""
    ? "Shown masked: leave as is to keep the stored value, or type a new one."
    : "";
  const hint = [f.hint, keep].filter(Boolean).join(" ") || undefined;
  const label = f.required ? f.label : `${f.label} (optional)`;
  const placeholder = f.placeholder ?? f.default;
  if (f.type === "lines") {
    return (
      <Field name={name} label={label} hint={hint} errors={errors}>
        <textarea
          {...controlAttrs(name, errors, hint)}
          rows={3}
          placeholder={placeholder}
          spellcheck={false}
        >
          {values[name] ?? ""}
        </textarea>
      </Field>
    );
  }
  if (f.type === "select") {
    const current = values[name] || f.default || "";
    return (
      <Field name={name} label={label} hint={hint} errors={errors}>
        <select {...controlAttrs(name, errors, hint)}>
          {!f.required && !f.default && <option value="" selected={current === ""}>None</option>}
          {(f.options ?? []).map((o) => (
            <option value={o} selected={o === current}>
              {o}
            </option>
          ))}
        </select>
      </Field>
    );
  }
  return (
    <TextInput
      name={name}
      label={label}
      values={values}
      errors={errors}
      hint={hint}
      type={f.type === "url" ? "url" : "text"}
      required={f.required}
      placeholder={placeholder}
    />
  );
}

/** The form region. */
export function ChannelForm(props: ChannelFormProps) {
  const { kind, values, errors } = props;
  // Messages without a field of their own (an unknown kind or setting) come first, unlinked.
  const labels: Record<string, string> = { name: "Name", is_default: "Default for new monitors" };
  for (const f of kind.fields) labels[configName(f.name)] = f.label;
  return (
    <form
      id="channel-form"
      class="form card"
      method="post"
      action={props.action}
      hx-post={props.action}
      hx-target="this"
      hx-swap="outerHTML"
      novalidate
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="kind" value={kind.kind} />
      <ErrorSummary items={summaryItems(errors, labels)} />
      <fieldset>
        <legend>Channel</legend>
        <p class="muted">Kind: {kind.label}</p>
        <TextInput
          name="name"
          label="Name"
          values={values}
          errors={errors}
          required
          hint="How monitor forms and alerts name it, e.g. “#ops on Slack”"
        />
        <Checkbox
          name="is_default"
          label="Default for new monitors"
          hint="Preselected on the form of a new monitor, and used by API-created monitors that name no channels"
          values={values}
          errors={errors}
        />
      </fieldset>
      <fieldset>
        <legend>{kind.label} settings</legend>
        {kind.fields.map((f) => (
          <SettingControl field={f} values={values} errors={errors} editing={props.editing} />
        ))}
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary">{props.submitLabel}</button>
        <a class="btn" href="/settings#channels">Cancel</a>
      </div>
    </form>
  );
}

/** The add/edit page around the form. */
export function ChannelFormPage(
  props: { ctx: PageContext; heading: string; intro?: string; form: ChannelFormProps },
) {
  return (
    <Layout ctx={props.ctx} title={props.heading} nav="settings">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/settings#channels">Settings</a>
      </nav>
      <div class="page-head">
        <div class="title-block">
          <h1>{props.heading}</h1>
          {props.intro && <p class="sub">{props.intro}</p>}
        </div>
      </div>
      <ChannelForm {...props.form} />
    </Layout>
  );
}

/** "Add channel" without a (known) kind yet: pick one. */
export function ChannelKindPage(
  props: { ctx: PageContext; kinds: ChannelKindInfo[]; error?: string },
) {
  return (
    <Layout ctx={props.ctx} title="Add notification channel" nav="settings">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/settings#channels">Settings</a>
      </nav>
      <div class="page-head">
        <div class="title-block">
          <h1>Add notification channel</h1>
          <p class="sub">Choose where alerts should go; its settings come next.</p>
        </div>
      </div>
      <section class="card">
        {props.error && (
          <div class="form-errors" role="alert">
            <p>{props.error}</p>
          </div>
        )}
        <KindPicker kinds={props.kinds} />
        <ul class="app-list">
          {props.kinds.map((k) => (
            <li>
              <a href={`/settings/channels/new?kind=${encodeURIComponent(k.kind)}`}>{k.label}</a>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}

/** Asks before deleting a channel; works without JavaScript. */
export function ChannelDeletePage(
  props: {
    ctx: PageContext;
    channel: { id: number; name: string; kindLabel: string };
    /** Monitors that use it (they stop alerting it). */
    monitors: string[];
  },
) {
  const ch = props.channel;
  return (
    <Layout ctx={props.ctx} title={`Delete ${ch.name}`} nav="settings">
      <form
        class="card form confirm-card"
        method="post"
        action={`/settings/channels/${ch.id}/delete`}
      >
        <h1>Delete “{ch.name}”?</h1>
        <p>
          This removes the {ch.kindLabel} channel <strong>{ch.name}</strong>{" "}
          and its settings. Monitors stop sending alerts to it. It cannot be undone.
        </p>
        {props.monitors.length > 0 && (
          <div class="form-errors">
            <p>{props.monitors.length} monitor(s) use it:</p>
            <p>{props.monitors.join(", ")}</p>
          </div>
        )}
        <input type="hidden" name="_csrf" value={props.ctx.csrf} />
        <div class="form-actions">
          <button class="btn btn-danger" type="submit" id="btn-confirm-delete">Delete</button>
          <a class="btn" href="/settings#channels">Cancel</a>
        </div>
      </form>
    </Layout>
  );
}

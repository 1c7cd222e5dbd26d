/**
 * The add/edit monitor form (region `#monitor-form`). Field names are the API's. Every value is
 * echoed back as typed, so nothing is lost when validation fails, and each message sits next to
 * its field, tied to it with aria-describedby.
 *
 * The fields are those of the monitor field registry (monitor/store/field_registry.ts): each has
 * its label, hint and place below, and the type checker refuses a registry field without them.
 * Components import only types from monitor/, so the labels live here as data.
 */
import type { PageContext } from "./types.ts";
import type { MonitorFieldName } from "../monitor/monitor_fields.ts";
import { Layout } from "./Layout.tsx";
import {
  AreaInput,
  Checkbox,
  controlAttrs,
  ErrorSummary,
  Field,
  NumberInput,
  type SummaryItem,
  summaryItems,
  TextInput,
} from "./FormFields.tsx";

/** A website that can be picked as parent. */
export interface ParentOption {
  id: number;
  name: string;
}

/** A notification channel that can be attached. */
export interface ChannelOption {
  id: number;
  name: string;
  /** For people: "Slack", "PagerDuty", … */
  kindLabel: string;
}

/** Props of {@link MonitorForm}. */
export interface MonitorFormProps {
  /** Where the form posts: `/monitors` or `/monitors/:id/edit`. */
  action: string;
  /** Field values as strings (booleans as "true"/"false"). */
  values: Record<string, string>;
  errors: Record<string, string>;
  parents: ParentOption[];
  /** Every configured channel; checked ones are in `values.channel_ids`. */
  channels: ChannelOption[];
  csrf: string;
  submitLabel: string;
  cancelHref: string;
}

/** How one field is shown: its control, label and hint. */
type FormField =
  | {
    control: "text";
    label: string;
    hint?: string;
    type?: string;
    required?: boolean;
    placeholder?: string;
  }
  | { control: "number"; label: string; hint: string; placeholder?: string }
  | { control: "area"; label: string }
  | { control: "textarea"; label: string; hint: string; rows: number; placeholder?: string }
  | { control: "select"; label: string; hint?: string; options: readonly [string, string][] }
  | { control: "checkbox"; label: string; hint: string }
  | { control: "kind"; label: string; hint: string }
  | { control: "parent"; label: string; hint: string }
  | { control: "channels"; label: string; hint: string };

/** Label, hint and control of every registry field. */
const FORM_FIELDS: Record<MonitorFieldName, FormField> = {
  name: { control: "text", label: "Name", required: true },
  url: {
    control: "text",
    label: "URL",
    type: "url",
    placeholder: "https://example.com/health",
    hint:
      "http:// or https:// URL, tcp://host:port for a port check, or dns://name?type=A for a DNS lookup (options: type A, AAAA, CNAME, MX, TXT or NS; server=ip:port; expect=value). Empty for a push monitor",
  },
  kind: {
    control: "kind",
    label: "Kind",
    hint:
      "Auto takes it from the URL's scheme; a kind picked here must match it. Push (heartbeat): a cron job or backup pings its own URL, so no URL is needed",
  },
  expected_status: {
    control: "text",
    label: "Expected status",
    hint: "Codes or ranges, e.g. 200 or 200-299,301",
  },
  parent_id: {
    control: "parent",
    label: "Belongs to website",
    hint: "Pick a website to make this an internal app beneath it",
  },
  interval_s: { control: "number", label: "Check every (seconds)", hint: "10 to 86400" },
  retry_interval_s: {
    control: "number",
    label: "Retry every (seconds)",
    hint: "While failing below the threshold; empty = same as interval",
    placeholder: "same as interval",
  },
  timeout_ms: {
    control: "number",
    label: "Timeout (ms)",
    hint: "100 to 120000, at most the interval",
  },
  failure_threshold: {
    control: "number",
    label: "Failures before DOWN",
    hint: "Consecutive failed checks, 1 to 100",
  },
  max_redirects: {
    control: "number",
    label: "Maximum redirects",
    hint: "0 to 20; 0 = do not follow",
  },
  reminder_interval_min: {
    control: "number",
    label: "Reminder every (minutes)",
    hint: "Repeat the DOWN alert while down; empty = never",
    placeholder: "never",
  },
  channel_ids: {
    control: "channels",
    label: "Notification channels",
    hint: "Also alerted on DOWN and RECOVERED; an internal app with none uses its website's",
  },
  alert_emails: { control: "area", label: "Alert emails" },
  recovery_emails: { control: "area", label: "Recovery emails" },
  active: {
    control: "checkbox",
    label: "Active",
    hint: "Unchecked = paused: no checks, no alerts",
  },
  public_badges: {
    control: "checkbox",
    label: "Public badges",
    hint: "Serve status, uptime and response-time SVG badges anyone can embed (no URL shown)",
  },
  ignore_tls_errors: {
    control: "checkbox",
    label: "Ignore TLS certificate errors",
    hint: "Accept self-signed or expired certificates",
  },
  http_method: {
    control: "select",
    label: "Method",
    options: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].map((m) => [m, m]),
  },
  user_agent: { control: "text", label: "User-Agent", hint: "Sent with every check" },
  http_headers: {
    control: "textarea",
    label: "Request headers",
    hint: "One per line: Name: value",
    rows: 3,
    placeholder: "Accept: application/json",
  },
  http_body: {
    control: "textarea",
    label: "Request body",
    hint: "Sent as typed; not with GET or HEAD. Set a Content-Type header for it",
    rows: 3,
  },
  auth: {
    control: "select",
    label: "Authentication",
    options: [["none", "None"], ["basic", "Basic (user and password)"], ["bearer", "Bearer token"]],
  },
  auth_user: { control: "text", label: "User", hint: "For basic auth" },
  auth_secret: {
    control: "text",
    type: "password",
    label: "Password or token",
    hint: "Never shown again: leave it as it is or empty to keep the stored one",
  },
  schedule: {
    control: "select",
    label: "Schedule",
    hint: "Push monitors: a ping is expected every period, or at the cron times",
    options: [["period", "Every period"], ["cron", "Cron expression"]],
  },
  period_s: {
    control: "number",
    label: "Period (seconds)",
    hint: "Schedule every period: e.g. 3600 = hourly, 86400 = daily",
  },
  cron: {
    control: "text",
    label: "Cron expression",
    hint: "Schedule cron: 5 fields, minute hour day month weekday, e.g. 0 3 * * *",
    placeholder: "0 3 * * *",
  },
  timezone: {
    control: "text",
    label: "Time zone",
    hint: "IANA name the cron expression is read in, e.g. UTC or Europe/Berlin",
  },
  grace_s: {
    control: "number",
    label: "Grace period (seconds)",
    hint: "How late a ping may be before the monitor counts it as missed (DOWN)",
  },
  assertions: {
    control: "textarea",
    label: "Assertions",
    hint:
      'Checked after the status matched, one per line: body contains Welcome · body !contains Error · body ~ /ok|fine/i · $.status == "ok" · $.items[0].id exists · $.count >= 1 · header content-type contains json · time < 500. A failed one is DOWN (assertion failed)',
    rows: 4,
    placeholder: 'body contains Welcome\n$.status == "ok"',
  },
  degraded_ms: {
    control: "number",
    label: "DEGRADED when slower than (ms)",
    hint: "A successful check slower than this is slow; empty = never DEGRADED",
    placeholder: "off",
  },
  degraded_checks: {
    control: "number",
    label: "Slow checks before DEGRADED",
    hint: "In a row, 1 to 100; alerted once as [DEGRADED], then [RECOVERED]",
  },
  tags: {
    control: "text",
    label: "Tags",
    hint: "Comma-separated labels to filter the overview by, e.g. prod, eu-west, payments",
    placeholder: "prod, eu-west",
  },
  cert_expiry_days: {
    control: "text",
    label: "Warn before TLS certificate expiry (days)",
    hint: "https only; each warning once per certificate, e.g. 30, 14, 7, 1; empty = never",
    placeholder: "never",
  },
};

/** The kinds the form offers besides "Auto". */
const KINDS = ["http", "tcp", "dns", "push"];

/** The form's fieldsets and the fields in each, in order. */
const SECTIONS = [
  {
    legend: "What to check",
    grid: "grid-2",
    fields: ["name", "url", "kind", "expected_status", "parent_id", "tags"],
  },
  {
    legend: "HTTP request",
    httpOnly: true,
    grid: "grid-2",
    fields: [
      "http_method",
      "user_agent",
      "http_headers",
      "http_body",
      "auth",
      "auth_user",
      "auth_secret",
    ],
  },
  { legend: "Assertions", httpOnly: true, grid: null, fields: ["assertions"] },
  {
    legend: "Push schedule (push monitors)",
    pushOnly: true,
    grid: "grid-3",
    fields: ["schedule", "period_s", "cron", "timezone", "grace_s"],
  },
  {
    legend: "Timing",
    grid: "grid-3",
    fields: [
      "interval_s",
      "retry_interval_s",
      "timeout_ms",
      "failure_threshold",
      "max_redirects",
      "reminder_interval_min",
    ],
  },
  {
    legend: "Slow responses and certificates",
    grid: "grid-3",
    fields: ["degraded_ms", "degraded_checks", "cert_expiry_days"],
  },
  { legend: "Alerts", grid: "grid-2", fields: ["alert_emails", "recovery_emails"] },
  { legend: "Chat, push and paging", grid: null, fields: ["channel_ids"] },
  { legend: "Options", grid: null, fields: ["active", "ignore_tls_errors", "public_badges"] },
] as const satisfies readonly {
  legend: string;
  /** Only for http monitors: app.js hides it while the kind is tcp or dns. */
  httpOnly?: boolean;
  /** Only for push monitors: app.js hides it while the kind is another. */
  pushOnly?: boolean;
  grid: string | null;
  fields: readonly MonitorFieldName[];
}[];

/** Compile-time check: every registry field has a place on the form. */
type Unplaced = Exclude<MonitorFieldName, (typeof SECTIONS)[number]["fields"][number]>;
const _everyFieldPlaced: [Unplaced] extends [never] ? true : Unplaced = true;
void _everyFieldPlaced;

/** One field's control. */
function FormControl(
  props: {
    name: MonitorFieldName;
    values: Record<string, string>;
    errors: Record<string, string>;
    parents: ParentOption[];
    channels: ChannelOption[];
  },
) {
  const { name, values: v, errors: e } = props;
  const f = FORM_FIELDS[name];
  switch (f.control) {
    case "text":
      return (
        <TextInput
          name={name}
          label={f.label}
          values={v}
          errors={e}
          required={f.required}
          type={f.type}
          placeholder={f.placeholder}
          hint={f.hint}
        />
      );
    case "number":
      return (
        <NumberInput
          name={name}
          label={f.label}
          values={v}
          errors={e}
          hint={f.hint}
          placeholder={f.placeholder}
        />
      );
    case "area":
      return <AreaInput name={name} label={f.label} values={v} errors={e} />;
    case "textarea":
      return (
        <Field name={name} label={f.label} errors={e} hint={f.hint}>
          <textarea
            {...controlAttrs(name, e, true)}
            rows={f.rows}
            placeholder={f.placeholder}
            spellcheck={false}
          >
            {v[name] ?? ""}
          </textarea>
        </Field>
      );
    case "select":
      return (
        <Field name={name} label={f.label} errors={e} hint={f.hint}>
          <select {...controlAttrs(name, e, Boolean(f.hint))}>
            {f.options.map(([value, text]) => (
              <option value={value} selected={v[name] === value}>{text}</option>
            ))}
          </select>
        </Field>
      );
    case "checkbox":
      return <Checkbox name={name} label={f.label} hint={f.hint} values={v} errors={e} />;
    case "kind":
      return (
        <Field name={name} label={f.label} errors={e} hint={f.hint}>
          {/* "Auto" posts no kind, so the server takes it from the URL (app.js mirrors that). */}
          <select {...controlAttrs(name, e, true)} data-kind-select>
            <option value="" selected={!KINDS.includes(v[name] ?? "")}>Auto: from the URL</option>
            <option value="http" selected={v[name] === "http"}>HTTP(S)</option>
            <option value="tcp" selected={v[name] === "tcp"}>TCP port</option>
            <option value="dns" selected={v[name] === "dns"}>DNS lookup</option>
            <option value="push" selected={v[name] === "push"}>Push (heartbeat)</option>
          </select>
        </Field>
      );
    case "channels": {
      const chosen = new Set((v[name] ?? "").split(/[\s,]+/).filter((x) => x !== ""));
      return (
        <Field name={name} label={f.label} errors={e} hint={f.hint}>
          {/* Posted first, so unchecking every box still says "none" rather than nothing. */}
          <input type="hidden" name={name} value="" />
          {props.channels.length === 0
            ? (
              <p class="muted" id={`f-${name}`}>
                None configured yet: add Slack, PagerDuty, webhooks and more under{" "}
                <a href="/settings#channels">Settings</a>.
              </p>
            )
            : (
              <div class="check-list" role="group" aria-label={f.label}>
                {props.channels.map((ch, i) => (
                  <label class="check">
                    <input
                      type="checkbox"
                      {
                        // The first box carries the id the field's label points at.
                        ...(i === 0 ? controlAttrs(name, e, true) : { name })
                      }
                      value={String(ch.id)}
                      checked={chosen.has(String(ch.id))}
                    />{" "}
                    {ch.name} <span class="muted">· {ch.kindLabel}</span>
                  </label>
                ))}
              </div>
            )}
        </Field>
      );
    }
    case "parent":
      return (
        <Field name={name} label={f.label} errors={e} hint={f.hint}>
          <select {...controlAttrs(name, e, true)}>
            <option value="" selected={!v[name]}>None: this is a website</option>
            {props.parents.map((p) => (
              <option value={String(p.id)} selected={v[name] === String(p.id)}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
      );
  }
}

/**
 * The messages of a failed submit in form order, each a link to its field; `_form` (a message
 * about the whole form) comes first, without a link.
 */
export function errorList(errors: Record<string, string>): SummaryItem[] {
  const ordered = SECTIONS.flatMap((s) => s.fields as readonly string[]);
  const labels: Record<string, string> = {};
  for (const name of ordered) labels[name] = FORM_FIELDS[name as MonitorFieldName].label;
  return summaryItems(errors, labels);
}

/** The form region. */
export function MonitorForm(props: MonitorFormProps) {
  const { values: v, errors: e } = props;
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
      <ErrorSummary items={errorList(e)} />
      {SECTIONS.map((section) => {
        const controls = section.fields.map((name) => (
          <FormControl
            name={name}
            values={v}
            errors={e}
            parents={props.parents}
            channels={props.channels}
          />
        ));
        return (
          <fieldset
            {...("httpOnly" in section ? { "data-http-only": "true" } : {})}
            {...("pushOnly" in section ? { "data-push-only": "true" } : {})}
          >
            <legend>{section.legend}</legend>
            {section.grid ? <div class={section.grid}>{controls}</div> : controls}
          </fieldset>
        );
      })}
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

/** Labelled form controls with hints and inline messages tied to them by aria-describedby. */
import type { Child } from "hono/jsx";

/** Form values by field name. */
export type Values = Record<string, string>;

/** The id, name and ARIA attributes tying a control to its hint and message. */
export function controlAttrs(
  name: string,
  errors: Record<string, string>,
  hint?: string | boolean,
) {
  const err = errors[name];
  const describedBy = [err && `${name}-error`, hint && `${name}-hint`].filter(Boolean).join(" ");
  return {
    id: `f-${name}`,
    name,
    "aria-invalid": err ? "true" : undefined,
    "aria-describedby": describedBy || undefined,
  };
}

/** A label, one control (the children), its hint and its message. */
export function Field(
  props: {
    name: string;
    label: string;
    hint?: string;
    errors: Record<string, string>;
    children: Child;
  },
) {
  const err = props.errors[props.name];
  return (
    <div class={err ? "field field-invalid" : "field"}>
      <label for={`f-${props.name}`}>{props.label}</label>
      {props.children}
      {props.hint && <p class="hint" id={`${props.name}-hint`}>{props.hint}</p>}
      {err && <p class="field-error" id={`${props.name}-error`}>{err}</p>}
    </div>
  );
}

/** A labelled text input that echoes the typed value. */
export function TextInput(
  props: {
    name: string;
    label: string;
    values: Values;
    errors: Record<string, string>;
    hint?: string;
    type?: string;
    required?: boolean;
    inputmode?: "numeric";
    placeholder?: string;
    autocomplete?: string;
  },
) {
  return (
    <Field name={props.name} label={props.label} hint={props.hint} errors={props.errors}>
      <input
        {...controlAttrs(props.name, props.errors, props.hint)}
        type={props.type ?? "text"}
        value={props.values[props.name] ?? ""}
        required={props.required}
        inputmode={props.inputmode}
        placeholder={props.placeholder}
        autocomplete={props.autocomplete ?? "off"}
      />
    </Field>
  );
}

/** A whole-number input (text with a numeric keyboard). */
export function NumberInput(
  props: {
    name: string;
    label: string;
    values: Values;
    errors: Record<string, string>;
    hint: string;
    placeholder?: string;
  },
) {
  // type=text + inputmode: the server's message explains a bad value, not the browser's.
  return <TextInput {...props} inputmode="numeric" />;
}

/** A checkbox that also sends "false" when unchecked. */
export function Checkbox(
  props: {
    name: string;
    label: string;
    hint: string;
    values: Values;
    errors: Record<string, string>;
  },
) {
  const err = props.errors[props.name];
  return (
    <div class={err ? "field check field-invalid" : "field check"}>
      {/* Sent when the box is unchecked (browsers omit unchecked boxes); the box wins when checked. */}
      <input type="hidden" name={props.name} value="false" />
      <input
        type="checkbox"
        id={`f-${props.name}`}
        name={props.name}
        value="true"
        checked={props.values[props.name] === "true"}
        aria-describedby={`${props.name}-hint${err ? ` ${props.name}-error` : ""}`}
      />
      <label for={`f-${props.name}`}>{props.label}</label>
      <p class="hint" id={`${props.name}-hint`}>{props.hint}</p>
      {err && <p class="field-error" id={`${props.name}-error`}>{err}</p>}
    </div>
  );
}

/** A labelled textarea for address lists. */
export function AreaInput(
  props: { name: string; label: string; values: Values; errors: Record<string, string> },
) {
  return (
    <Field
      name={props.name}
      label={props.label}
      errors={props.errors}
      hint="One address per line, or separated by commas"
    >
      <textarea {...controlAttrs(props.name, props.errors, true)} rows={3}>
        {props.values[props.name] ?? ""}
      </textarea>
    </Field>
  );
}

/** One message of a failed submit; `field` (its control is `#f-<field>`) makes it a link. */
export interface SummaryItem {
  field?: string;
  text: string;
}

/**
 * The messages of `errors` in the order of `labels` (field → label), each a link to its field,
 * after those without a field of their own (`_form`, or names the form has no control for).
 */
export function summaryItems(
  errors: Record<string, string>,
  labels: Readonly<Record<string, string>>,
): SummaryItem[] {
  const unlinked = Object.keys(errors).filter((k) => !(k in labels));
  return [
    ...unlinked.map((k) => ({ text: k === "_form" ? errors[k] : `${k}: ${errors[k]}` })),
    ...Object.keys(labels).filter((k) => errors[k]).map((k) => ({
      field: k,
      text: `${labels[k]}: ${errors[k]}`,
    })),
  ];
}

/** One summary message (a component: Hono would print a `key` on an <li> as an attribute). */
function SummaryLine({ item }: { item: SummaryItem }) {
  return <li>{item.field ? <a href={`#f-${item.field}`}>{item.text}</a> : item.text}</li>;
}

/**
 * The error summary at the top of a failed form. It takes the focus (autofocus works on page load
 * without JavaScript and after an htmx swap; app.js scrolls it into view) and links every message
 * to its field.
 */
export function ErrorSummary({ items }: { items: SummaryItem[] }) {
  if (items.length === 0) return null;
  const fields = items.filter((i) => i.field).length;
  return (
    <div
      id="form-errors"
      class="form-errors"
      role="alert"
      tabindex={-1}
      autofocus
      aria-labelledby="form-errors-title"
    >
      <h2 id="form-errors-title">
        {fields === 0
          ? "The form could not be saved."
          : fields === 1
          ? "One field needs attention:"
          : `${fields} fields need attention:`}
      </h2>
      <ul>
        {items.map((i) => <SummaryLine key={i.field ?? i.text} item={i} />)}
      </ul>
    </div>
  );
}

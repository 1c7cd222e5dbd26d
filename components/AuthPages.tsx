/** Sign-in and first-run pages. Plain forms: they reload the whole page to pick up the session. */
import type { PageContext } from "./types.ts";
import { Layout } from "./Layout.tsx";

/** Props of {@link LoginPage}. */
export interface LoginProps {
  ctx: PageContext;
  username?: string;
  /** Where to go after signing in (a local path). */
  next?: string;
  error?: string;
}

/** The sign-in page. */
export function LoginPage({ ctx, username, next, error }: LoginProps) {
  return (
    <Layout ctx={ctx} title="Sign in">
      <div class="auth">
        <form class="card form auth-card" method="post" action="/login">
          <h1>Sign in</h1>
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          {next && <input type="hidden" name="next" value={next} />}
          {error && <p class="form-errors" role="alert">{error}</p>}
          <div class="field">
            <label for="f-username">User name</label>
            <input
              id="f-username"
              name="username"
              value={username ?? ""}
              autocomplete="username"
              autocapitalize="none"
              required
              autofocus={!username}
            />
          </div>
          <div class="field">
            <label for="f-password">Password</label>
            <input
              id="f-password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              autofocus={!!username}
            />
          </div>
          <button class="btn btn-primary btn-block" type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}

/** Props of {@link SetupPage}. */
export interface SetupProps {
  ctx: PageContext;
  values: Record<string, string>;
  errors: Record<string, string>;
}

function SetupField(
  props: {
    name: string;
    label: string;
    type?: string;
    autocomplete: string;
    hint?: string;
    values: Record<string, string>;
    errors: Record<string, string>;
  },
) {
  const err = props.errors[props.name];
  const ids = [props.hint && `${props.name}-hint`, err && `${props.name}-error`].filter(Boolean);
  return (
    <div class={err ? "field field-invalid" : "field"}>
      <label for={`f-${props.name}`}>{props.label}</label>
      <input
        id={`f-${props.name}`}
        name={props.name}
        type={props.type ?? "text"}
        value={props.type === "password" ? "" : props.values[props.name] ?? ""}
        autocomplete={props.autocomplete}
        aria-invalid={err ? "true" : undefined}
        aria-describedby={ids.join(" ") || undefined}
      />
      {props.hint && <p class="hint" id={`${props.name}-hint`}>{props.hint}</p>}
      {err && <p class="field-error" id={`${props.name}-error`}>{err}</p>}
    </div>
  );
}

/** The one-time "create administrator" page shown while no user exists. */
export function SetupPage({ ctx, values, errors }: SetupProps) {
  return (
    <Layout ctx={ctx} title="Create administrator">
      <div class="auth">
        <form class="card form auth-card" method="post" action="/setup" novalidate>
          <h1>Welcome</h1>
          <p class="muted">
            Create the administrator account. This page is shown only until an account exists (the
            same account as <code>deno task createsuperuser</code>).
          </p>
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          {Object.keys(errors).length > 0 && (
            <p class="form-errors" role="alert">Please correct the fields below.</p>
          )}
          <SetupField
            name="username"
            label="User name"
            autocomplete="username"
            hint="Letters, digits and . @ + - _"
            values={values}
            errors={errors}
          />
          <SetupField
            name="email"
            label="Email (optional)"
            type="email"
            autocomplete="email"
            values={values}
            errors={errors}
          />
          <SetupField
            name="password"
            label="Password"
            type="password"
            autocomplete="new-password"
            hint="At least 10 characters, not containing the user name"
            values={values}
            errors={errors}
          />
          <SetupField
            name="password_confirm"
            label="Password (again)"
            type="password"
            autocomplete="new-password"
            values={values}
            errors={errors}
          />
          <button class="btn btn-primary btn-block" type="submit">Create administrator</button>
        </form>
      </div>
    </Layout>
  );
}

/** Sign in, sign out and the one-time administrator setup. */
import { Hono } from "hono";
import type { Context } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { ValidationError } from "../monitor/errors.ts";
import type { User } from "../monitor/auth/accounts.ts";
import type { Refusal } from "../monitor/auth/throttle.ts";
import { LoginPage, SetupPage } from "../components/AuthPages.tsx";
import type { WebDeps, WebEnv } from "./web_deps.ts";
import {
  checkPreLoginCsrf,
  clearSessionCookie,
  csrfFailure,
  PRE_CSRF_COOKIE,
  preLoginCsrf,
  SESSION_COOKIE,
  setSessionCookie,
} from "./web_session.ts";
import { anonymousCtx, html, safeNext } from "./web_render.ts";

const str = (v: unknown) => (typeof v === "string" ? v : "");

/**
 * The sign-in lock message. The account-wide lock says so: the person seeing it is most likely
 * the owner, held back by someone else's guessing, and should know where they can still sign in.
 */
function lockMessage(r: Refusal): string {
  const wait = `try again in ${r.retryAfter} s`;
  return r.rule === "account"
    ? `Too many failed sign-ins to this account from other places, ${wait}. Places you signed in from before are not held back.`
    : `Too many attempts, ${wait}.`;
}

/** Starts a session for a user and sends the browser on. */
async function signIn(
  c: Context,
  deps: WebDeps,
  user: { id: number; username: string },
  to: string,
) {
  const { token } = await deps.sessions.create(user.id, user.username);
  setSessionCookie(c, token, deps.sessions.ttlSeconds);
  deleteCookie(c, PRE_CSRF_COOKIE, { path: "/" });
  return c.redirect(to, 303);
}

/** Routes for /login, /logout and /setup. */
export function authRoutes(deps: WebDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  // Serialises first-run setup so two racing forms cannot both create an administrator.
  let setupLock: Promise<unknown> = Promise.resolve();

  app.get("/login", async (c) => {
    if (!(await deps.hasUsers())) return c.redirect("/setup", 303);
    const token = getCookie(c, SESSION_COOKIE);
    if (token && await deps.sessions.verify(token)) {
      return c.redirect(safeNext(c.req.query("next")), 303);
    }
    const csrf = preLoginCsrf(c);
    c.header("Cache-Control", "no-store");
    return html(c, <LoginPage ctx={anonymousCtx(deps, csrf)} next={c.req.query("next")} />);
  });

  app.post("/login", async (c) => {
    if (!(await deps.hasUsers())) return c.redirect("/setup", 303);
    if (!(await checkPreLoginCsrf(c))) return csrfFailure(c);
    const body = await c.req.parseBody();
    const username = str(body.username).slice(0, 200);
    const password = str(body.password).slice(0, 1024);
    const next = safeNext(body.next);
    const key = { username, address: deps.clientAddress(c) };
    const render = (error: string, status: 401 | 429) => {
      c.header("Cache-Control", "no-store");
      return html(
        c,
        <LoginPage
          ctx={anonymousCtx(deps, preLoginCsrf(c))}
          username={username}
          next={next === "/" ? undefined : next}
          error={error}
        />,
        status,
      );
    };
    const refuse = (r: Refusal) => {
      c.header("Retry-After", String(r.retryAfter));
      return render(lockMessage(r), 429);
    };
    const admission = deps.throttle.begin(key);
    // Refused before the password is even hashed: a locked key costs the server nothing.
    if (!admission.ok) return refuse(admission);
    const { attempt } = admission;
    let user: User | null;
    try {
      user = username && password ? await deps.rt.accounts.authenticate(username, password) : null;
    } catch (err) {
      attempt.abandon(); // a broken check is no guess: just give the place back
      throw err;
    }
    if (!user) {
      const lock = attempt.fail();
      return lock ? refuse(lock) : render("Wrong user name or password.", 401);
    }
    attempt.succeed();
    return signIn(c, deps, user, next);
  });

  app.post("/logout", async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await deps.sessions.end(token);
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });

  app.get("/setup", async (c) => {
    if (await deps.hasUsers()) return c.redirect("/login", 303);
    const csrf = preLoginCsrf(c);
    c.header("Cache-Control", "no-store");
    return html(c, <SetupPage ctx={anonymousCtx(deps, csrf)} values={{}} errors={{}} />);
  });

  app.post("/setup", async (c) => {
    if (await deps.hasUsers()) return c.redirect("/login", 303);
    if (!(await checkPreLoginCsrf(c))) return csrfFailure(c);
    const body = await c.req.parseBody();
    const values = { username: str(body.username), email: str(body.email) };
    const password = str(body.password);
    const run = setupLock.then(async (): Promise<
      { user?: User; errors?: Record<string, string> } | null
    > => {
      if (await deps.hasUsers()) return null;
      const errors: Record<string, string> = {};
      if (password !== str(body.password_confirm)) {
        errors.password_confirm = "The two passwords differ";
      }
      try {
        if (Object.keys(errors).length) throw new ValidationError(errors);
        const user = await deps.rt.accounts.createUser({
          username: values.username,
          password,
          email: values.email || null,
        });
        return { user };
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return { errors: { ...errors, ...err.fields } };
      }
    });
    setupLock = run.catch(() => {});
    const result = await run;
    if (result === null) return c.redirect("/login", 303);
    if (result.errors) {
      c.header("Cache-Control", "no-store");
      return html(
        c,
        <SetupPage
          ctx={anonymousCtx(deps, preLoginCsrf(c))}
          values={values}
          errors={result.errors}
        />,
        422,
      );
    }
    return signIn(c, deps, result.user!, "/");
  });

  return app;
}

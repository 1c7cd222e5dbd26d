/** The settings page: email status, test email, alert outbox, notification channels and API tokens. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { EmailConfig } from "../monitor/config.ts";
import { ValidationError } from "../monitor/errors.ts";
import { EmailError } from "../monitor/alerts/service.ts";
import { tlsMode } from "../monitor/alerts/smtp.ts";
import {
  type EmailSettingsView,
  OUTBOX_PAGE_SIZE,
  SettingsPage,
} from "../components/SettingsPage.tsx";
import type { WebDeps, WebEnv } from "./web_deps.ts";
import { flash, html, pageCtx } from "./web_render.ts";

/** What the page may show of the email config: everything except the password. */
export function emailView(e: EmailConfig): EmailSettingsView {
  return {
    host: e.host,
    port: e.port,
    security: tlsMode(e),
    user: e.user,
    from: e.from,
    adminEmail: e.adminEmail,
  };
}

/** Routes under /settings. */
export function settingsRoutes(deps: WebDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { rt } = deps;

  app.get("/settings", async (c) => {
    const raw = c.req.query("outbox_page") ?? "1";
    const page = /^\d{1,6}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : 1;
    const [status, rows, tokens, channels] = await Promise.all([
      rt.alerts.status(),
      // One row more than a page says whether an older page exists.
      rt.alerts.list({ limit: OUTBOX_PAGE_SIZE + 1, offset: (page - 1) * OUTBOX_PAGE_SIZE }),
      rt.accounts.listTokens(),
      rt.channels.list(),
    ]);
    return html(
      c,
      <SettingsPage
        ctx={pageCtx(c, deps)}
        email={emailView(rt.config.email)}
        outbox={{
          status,
          recent: rows.slice(0, OUTBOX_PAGE_SIZE),
          page,
          hasNext: rows.length > OUTBOX_PAGE_SIZE,
        }}
        tokens={tokens}
        channels={channels}
        kinds={rt.channels.kinds()}
        canSendTest={rt.alerts.enabled}
      />,
    );
  });

  app.post("/settings/test-email", async (c) => {
    const body = await c.req.parseBody();
    const to = typeof body.to === "string" ? body.to : "";
    try {
      const sent = await rt.alerts.sendTest(to);
      flash(c, deps, { kind: "ok", text: `Test email sent to ${to.trim()}: ${sent.response}` });
    } catch (err) {
      if (err instanceof ValidationError) {
        flash(c, deps, { kind: "error", text: Object.values(err.fields).join("; ") });
      } else if (err instanceof EmailError) {
        flash(c, deps, { kind: "error", text: err.message });
      } else throw err;
    }
    return c.redirect("/settings", 303);
  });

  app.post("/settings/tokens", async (c) => {
    const body = await c.req.parseBody();
    try {
      const { token, info } = await rt.accounts.createToken(
        typeof body.name === "string" ? body.name : "",
      );
      // The secret travels only in this one flash: it is not stored anywhere in clear text.
      flash(c, deps, {
        kind: "ok",
        text: `Token "${info.name}" created. Copy it now; it will not be shown again:`,
        secret: token,
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      flash(c, deps, { kind: "error", text: Object.values(err.fields).join("; ") });
    }
    return c.redirect("/settings", 303);
  });

  app.post("/settings/tokens/:id/revoke", async (c) => {
    const raw = c.req.param("id");
    if (!/^\d{1,15}$/.test(raw)) throw new HTTPException(404, { message: "No such token" });
    const ok = await rt.accounts.revokeToken(Number(raw));
    flash(
      c,
      deps,
      ok ? { kind: "ok", text: "Token revoked." } : {
        kind: "error",
        text: "That token no longer exists.",
      },
    );
    return c.redirect("/settings", 303);
  });

  return app;
}

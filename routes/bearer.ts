/** Bearer-token authentication for the API and /metrics. */
import type { MiddlewareHandler } from "hono";
import type { Accounts } from "../monitor/auth/accounts.ts";

/** Rejects requests without a valid `Authorization: Bearer <token>` with a JSON 401. */
export function bearerAuth(accounts: Accounts): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m || !(await accounts.verifyToken(m[1]))) {
      c.header("WWW-Authenticate", 'Bearer realm="server-health-checker"');
      return c.json({ error: "A valid API token is required: Authorization: Bearer <token>" }, 401);
    }
    await next();
  };
}

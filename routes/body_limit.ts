/**
 * Request body limits. Without them a single request could make the service buffer and parse
 * hundreds of megabytes. Chunked bodies are counted as they arrive and cut off at the limit.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";

/** The API takes monitor JSON: a few KiB; 1 MiB leaves room for long recipient lists. */
export const API_BODY_LIMIT = 1024 * 1024;
/** Dashboard forms are smaller still. */
export const FORM_BODY_LIMIT = 256 * 1024;
/** Status page forms carry a logo of up to 256 KB besides their fields. */
export const STATUS_FORM_BODY_LIMIT = 512 * 1024;

const kib = (n: number) => (n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : `${n / 1024} KiB`);

function limit(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new HTTPException(413, {
        message: `Request body too large: the limit is ${kib(maxSize)}; nothing was saved.`,
      });
    },
  });
}

/** One middleware for the whole app: the API limit under /api/, the form limit elsewhere. */
export function requestBodyLimits(): MiddlewareHandler {
  const api = limit(API_BODY_LIMIT);
  const forms = limit(FORM_BODY_LIMIT);
  const statusForms = limit(STATUS_FORM_BODY_LIMIT);
  // Ping URLs read at most their first 10 KB themselves (routes/ping.ts), whatever is sent.
  return (c, next) =>
    c.req.path.startsWith("/ping/")
      ? next()
      : c.req.path.startsWith("/api/")
      ? api(c, next)
      : c.req.path.startsWith("/status-pages")
      ? statusForms(c, next)
      : forms(c, next);
}

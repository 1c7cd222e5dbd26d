/** Turns thrown errors into responses in one place. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { NotFoundError, ValidationError } from "../monitor/errors.ts";
import { StorageError } from "../monitor/store/health.ts";
import { log } from "../monitor/log.ts";

/** The status and JSON body for an error. */
export function errorBody(
  err: unknown,
): { status: 400 | 401 | 403 | 404 | 413 | 422 | 500 | 503; body: Record<string, unknown> } {
  if (err instanceof ValidationError) {
    return { status: 422, body: { error: err.message, fields: err.fields } };
  }
  if (err instanceof NotFoundError) return { status: 404, body: { error: err.message } };
  const storage = StorageError.from(err);
  if (storage) return { status: 503, body: { error: storageMessage(storage) } };
  if (err instanceof HTTPException && [400, 401, 403, 404, 413, 422].includes(err.status)) {
    return { status: err.status as 400, body: { error: err.message } };
  }
  log.error("http.unhandled", { error: err, stack: err instanceof Error ? err.stack : undefined });
  return { status: 500, body: { error: "Internal error; see the server log" } };
}

/** JSON error responder for API routes. */
export function jsonError(err: unknown, c: Context): Response {
  const { status, body } = errorBody(err);
  return c.json(body, status);
}

/** What a user reads when the storage refused a write: the cause and that nothing was saved. */
export function storageMessage(err: StorageError): string {
  const advice = err.kind === "busy"
    ? "Try again in a moment."
    : "Try again once the cause is fixed; see /healthz.";
  return `Nothing was saved: ${err.reason}. ${advice}`;
}

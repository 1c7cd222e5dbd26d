/** A JSON API client for in-process tests: requests through `app.request`, bodies read once. */
import type { Hono } from "hono";

/** A JSON object from the API. */
export type Json = Record<string, unknown>;

/** One answer: the response, its status, its body as text and (when JSON) parsed. */
export interface ApiAnswer {
  res: Response;
  status: number;
  json: Json;
  text: string;
}

/**
 * Returns `call(method, path, body?, auth?)`: `body` objects are sent as JSON, strings as they
 * are; `auth` defaults to the bearer `token` (null sends none). Every body read is also passed
 * to `seen` (to check later that a secret never came back).
 */
export function apiClient(app: Hono, token: string, seen?: (body: string) => void) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    auth: string | null = `Bearer ${token}`,
  ): Promise<ApiAnswer> => {
    const headers: Record<string, string> = {};
    if (auth !== null) headers.authorization = auth;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    seen?.(text);
    const isJson = res.headers.get("content-type")?.includes("application/json");
    return {
      res,
      status: res.status,
      json: (isJson && text ? JSON.parse(text) : null) as Json,
      text,
    };
  };
}

/** Reading the environment: process variables over an optional `.env` file. */
import { parseEnv } from "node:util";

/**
 * The process environment with `.env` (when present) underneath it: a variable set in the
 * real environment always wins over the file.
 */
export function readEnv(envFile = ".env"): Record<string, string> {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseEnv(Deno.readTextFileSync(envFile)) as Record<string, string>;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return { ...fromFile, ...Deno.env.toObject() };
}

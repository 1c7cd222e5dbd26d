/** A small structured logger: one line per event, `level event key=value …`. */

/** Log levels in increasing severity. */
export type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold: Level = "info";

/** Sets the lowest level that is written. */
export function setLogLevel(level: Level): void {
  threshold = level;
}

function format(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /^[\w.:/@-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? "undefined";
}

function write(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const parts = [new Date().toISOString(), level.toUpperCase().padEnd(5), event];
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) parts.push(`${k}=${format(v)}`);
  const line = parts.join(" ");
  try {
    if (level === "error" || level === "warn") console.error(line);
    else console.log(line);
  } catch {
    // stdout/stderr on a full disk, a closed pipe or a vanished terminal: logging is best-effort
    // and must never take the monitor down. The count shows in /metrics.
    droppedLines++;
  }
}

let droppedLines = 0;

/** Log lines that could not be written since start (full disk, closed pipe). */
export function droppedLogLines(): number {
  return droppedLines;
}

/** The logger. Never pass passwords, tokens or URLs with credentials. */
export const log = {
  debug: (event: string, fields?: Record<string, unknown>) => write("debug", event, fields),
  info: (event: string, fields?: Record<string, unknown>) => write("info", event, fields),
  warn: (event: string, fields?: Record<string, unknown>) => write("warn", event, fields),
  error: (event: string, fields?: Record<string, unknown>) => write("error", event, fields),
};

/** Removes `user:password@` from a URL before it is logged or shown. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, "$1***@");
}

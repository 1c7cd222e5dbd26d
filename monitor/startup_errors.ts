/** Start-up failures as one line an operator can act on, instead of a stack trace. */
import type { Config } from "./config.ts";
import { InstanceLockedError } from "./instance_lock.ts";
import { StorageError } from "./store/health.ts";
import { redactUrl } from "./log.ts";
import { StoreLockedError } from "./store/store.ts";

/** The message for an error thrown while opening the database or binding the port. */
export function startupErrorMessage(err: unknown, config: Config): string {
  const db = config.databasePath;
  const where = `${config.host}:${config.port}`;
  if (err instanceof InstanceLockedError) return `Error: ${err.message}`;
  if (err instanceof StoreLockedError) return `Error: ${err.message}.`;
  if (err instanceof Deno.errors.AddrInUse) {
    return `Error: cannot listen on ${where}: the port is already in use (another program, ` +
      `or another instance of this service). Stop it, or set PORT to a free port.`;
  }
  if (err instanceof Deno.errors.AddrNotAvailable) {
    return `Error: cannot listen on ${where}: this machine has no such address. ` +
      `Set HOST to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0.`;
  }
  if (err instanceof Deno.errors.NotCapable) {
    return `Error: DATABASE_PATH=${db} is outside the folder this process may write ` +
      `("data/" with deno task start). Put the database under data/, or run main.ts with ` +
      `--allow-read and --allow-write for its folder.`;
  }
  if (err instanceof Deno.errors.PermissionDenied) {
    if (/bind|listen|port/i.test(String(err))) {
      return `Error: cannot listen on ${where}: permission denied (ports below 1024 need ` +
        `privileges). Set PORT to 1024 or above.`;
    }
    return `Error: cannot open DATABASE_PATH=${db}: the operating system denied access. ` +
      `Check the owner and permissions of the file and its folder.`;
  }
  const storage = StorageError.from(err);
  if (config.databaseUrl !== null) {
    // The URL's password never reaches the terminal or the logs.
    const where = redactUrl(config.databaseUrl);
    const why = storage ? `${storage.reason} (${storage.detail})` : errorText(err);
    return `Error: cannot use DATABASE_URL=${where}: ${why}. Check that the server runs, ` +
      `the database exists and the user and password are right.`;
  }
  if (storage) return `Error: cannot open DATABASE_PATH=${db}: ${storage.reason}.`;
  return `Error: cannot start: ${errorText(err)}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

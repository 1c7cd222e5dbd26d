/**
 * PostgreSQL failures as {@link StorageError}s: which ones are the storage's (server gone, disk
 * full, conflicts worth retrying) rather than the data's (a constraint, a bug).
 *
 * | what | cause |
 * |---|---|
 * | no connection: ECONNREFUSED, ECONNRESET, ETIMEDOUT, DNS…, npm:postgres's CONNECT_TIMEOUT, CONNECTION_CLOSED/DESTROYED/ENDED | unavailable |
 * | SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, starting up), 53300 (too many connections), 3D000 (no such database), class 28 (authentication) | unavailable |
 * | 53100 disk_full | disk_full |
 * | other class 53 (out of memory, limits), class 58 (system I/O) | io |
 * | 25006 read-only transaction (connected to a standby) | readonly |
 * | XX001 / XX002 data or index corrupted | corrupt |
 * | 40001 serialization failure, 40P01 deadlock, 55P03 lock not available, 57014 statement timeout | busy (retried by `transaction()`) |
 *
 * 23505 on users is not a storage failure: users.ts turns it into `StoreConflictError`.
 */
import { type StorageCause, StorageError } from "../health.ts";

const BY_SQLSTATE: Record<string, StorageCause> = {
  "40001": "busy",
  "40P01": "busy",
  "55P03": "busy",
  "57014": "busy",
  "53100": "disk_full",
  "53300": "unavailable",
  "57P01": "unavailable",
  "57P02": "unavailable",
  "57P03": "unavailable",
  "3D000": "unavailable",
  "25006": "readonly",
  "XX001": "corrupt",
  "XX002": "corrupt",
};

const BY_CLASS: Record<string, StorageCause> = {
  "08": "unavailable",
  "28": "unavailable",
  "53": "io",
  "58": "io",
};

/** Socket and client-side codes meaning there is no usable connection. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
]);

/** Whether `err` came from the server (it carries a SQLSTATE). */
export function isPostgresError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && err.name === "PostgresError" &&
    typeof (err as { code?: unknown }).code === "string";
}

/** The SQLSTATE of a server error, or null. */
export function sqlState(err: unknown): string | null {
  return isPostgresError(err) ? err.code : null;
}

/** The cause of a storage failure, or null when `err` is something else (a bug, bad data). */
export function storageCause(err: unknown): StorageCause | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return null;
  if (isPostgresError(err)) return BY_SQLSTATE[code] ?? BY_CLASS[code.slice(0, 2)] ?? null;
  if (CONNECTION_CODES.has(code)) return "unavailable";
  return null;
}

/** The storage error behind `err`, or null when `err` is something else. */
export function toStorageError(err: unknown): StorageError | null {
  if (err instanceof StorageError) return err;
  const cause = storageCause(err);
  if (!cause) return null;
  const e = err as Error & { code: string };
  const detail = e.message.startsWith(e.code) ? e.message : `${e.code}: ${e.message}`;
  const storage = new StorageError(cause, detail);
  storage.cause = err;
  return storage;
}

/** `err` as a storage error when it is one, else unchanged (for rethrowing). */
export function mapError(err: unknown): unknown {
  return toStorageError(err) ?? err;
}

/**
 * Storage failures as the service sees them: which cause (disk full, locked, I/O…), and whether
 * writes work right now, for /healthz and the logs.
 */
import { log } from "../log.ts";

/** Why a storage write failed. */
export type StorageCause = "disk_full" | "busy" | "io" | "readonly" | "corrupt" | "unavailable";

const CAUSE_TEXT: Record<StorageCause, string> = {
  disk_full: "the disk is full",
  busy: "the database is locked by another process",
  io: "a disk I/O error",
  readonly: "the database file is read-only",
  corrupt: "the database file is damaged",
  unavailable: "the database cannot be opened or reached",
};

// node:sqlite reports SQLITE_BUSY as a bare "database is locked" without an errcode, and other
// failures with `errcode` (primary code in the low byte) and `errstr`.
const BY_CODE: Record<number, StorageCause> = {
  5: "busy",
  6: "busy",
  8: "readonly",
  10: "io",
  11: "corrupt",
  13: "disk_full",
  14: "unavailable",
  26: "corrupt",
};
const BY_TEXT: [RegExp, StorageCause][] = [
  [/database is locked|database table is locked|SQLITE_BUSY/i, "busy"],
  [/disk is full|no space left/i, "disk_full"],
  [/disk I\/O error/i, "io"],
  [/readonly database/i, "readonly"],
  [/malformed|not a database/i, "corrupt"],
  [/unable to open database/i, "unavailable"],
];

/** A write that failed because of the storage, not because of the data. */
export class StorageError extends Error {
  constructor(readonly kind: StorageCause, readonly detail: string) {
    super(`Storage unavailable: ${CAUSE_TEXT[kind]} (${detail})`);
    this.name = "StorageError";
  }

  /** What an operator should read, e.g. "the disk is full". */
  get reason(): string {
    return CAUSE_TEXT[this.kind];
  }

  /** The storage error behind `err`, or null when `err` is something else (a bug, bad data). */
  static from(err: unknown): StorageError | null {
    if (err instanceof StorageError) return err;
    if (!(err instanceof Error)) return null;
    const e = err as Error & { errcode?: unknown; code?: unknown };
    // Only SQLite's own errors: a bug or a validation message must never pass for a full disk.
    if (e.code !== "ERR_SQLITE_ERROR" && typeof e.errcode !== "number") return null;
    const code = typeof e.errcode === "number" ? e.errcode & 0xff : null;
    const cause = (code !== null ? BY_CODE[code] : undefined) ??
      BY_TEXT.find(([re]) => re.test(e.message))?.[1];
    return cause ? new StorageError(cause, e.message) : null;
  }
}

/** Whether writes work, as last seen. */
export interface StorageStatus {
  ok: boolean;
  /** The failure that made it not ok. */
  cause: StorageCause | null;
  reason: string | null;
  since: number | null;
  failedWrites: number;
}

/** Tracks write failures of one database handle; logs each change of health once. */
export class StorageHealth {
  #failing: StorageError | null = null;
  #since: number | null = null;
  #failedWrites = 0;

  /** A write committed: storage is healthy again. */
  succeeded(): void {
    if (!this.#failing) return;
    log.info("storage.recovered", {
      cause: this.#failing.kind,
      downForMs: Date.now() - this.#since!,
      failedWrites: this.#failedWrites,
    });
    this.#failing = null;
    this.#since = null;
  }

  /** A write failed for a storage reason (called by the transaction helper on every failure). */
  failed(err: StorageError): void {
    // A lock held briefly by the CLI is normal and retried; only giving up on it counts.
    if (err.kind === "busy") return;
    this.#failedWrites++;
    this.#markFailing(err);
  }

  /**
   * A write was abandoned after every retry (a check is kept for later). Other causes were
   * already counted by {@link failed}; a lock held past every retry counts only now.
   */
  gaveUp(err: StorageError): void {
    if (err.kind !== "busy") return;
    this.#failedWrites++;
    this.#markFailing(err);
  }

  #markFailing(err: StorageError): void {
    if (this.#failing?.kind === err.kind) return;
    this.#failing = err;
    this.#since ??= Date.now();
    log.error("storage.write_failed", { cause: err.kind, reason: err.reason, error: err.detail });
  }

  status(): StorageStatus {
    return {
      ok: this.#failing === null,
      cause: this.#failing?.kind ?? null,
      reason: this.#failing?.reason ?? null,
      since: this.#since,
      failedWrites: this.#failedWrites,
    };
  }
}

const registry = new WeakMap<object, StorageHealth>();

/** The health tracker of a database handle or connection pool (one per handle). */
export function storageHealth(db: object): StorageHealth {
  let h = registry.get(db);
  if (!h) registry.set(db, h = new StorageHealth());
  return h;
}

/**
 * One service per database file. Two instances on the same DATABASE_PATH would both run every
 * check and send every alert twice, so the service holds an exclusive lock on `<path>.lock` for
 * as long as it runs. The kernel drops the lock when the process ends, crash or kill -9 included,
 * so a stale lock file never blocks a restart. The CLI commands do not take it: they are meant
 * to run beside the service.
 */

/** Another running instance holds the lock. */
export class InstanceLockedError extends Error {
  constructor(readonly lockPath: string, readonly holderPid: number | null) {
    const who = holderPid ? ` (pid ${holderPid})` : "";
    super(
      `Another Server Health Checker is already running on this database${who}; ` +
        `its lock is ${lockPath}. Stop it first, or give this instance its own DATABASE_PATH.`,
    );
    this.name = "InstanceLockedError";
  }
}

/** A held lock; `release()` is idempotent. */
export interface InstanceLock {
  path: string;
  release(): void;
}

/** Takes the lock for `databasePath`, or throws {@link InstanceLockedError}. */
export function acquireInstanceLock(databasePath: string): InstanceLock {
  const path = `${databasePath}.lock`;
  const file = Deno.openSync(path, { read: true, write: true, create: true });
  let locked = false;
  try {
    locked = file.tryLockSync(true);
  } catch (err) {
    file.close();
    throw err;
  }
  if (!locked) {
    file.close();
    throw new InstanceLockedError(path, readPid(path));
  }
  // The pid is for the message a second instance prints; the lock itself is what counts.
  file.truncateSync(0);
  file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      try {
        file.unlockSync();
      } finally {
        file.close();
      }
    },
  };
}

function readPid(path: string): number | null {
  try {
    const pid = Number(Deno.readTextFileSync(path).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

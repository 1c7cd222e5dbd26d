/**
 * The PostgreSQL engine behind the {@link Store} interface (npm:postgres). Standalone calls run on
 * the pool, each statement its own commit; `transaction()` runs its function on one connection,
 * SERIALIZABLE (SQLite's writers are serial too), retried on conflicts and lost connections.
 *
 * The URL alone selects database and schema: `postgres://user:pw@host:5432/db?search_path=shc`
 * (see ./db.ts). Opening applies pending migrations (./migrations.ts).
 */
import {
  type Repositories,
  type Store,
  StoreLockedError,
  type TransactionOptions,
} from "../store.ts";
import { StorageError, storageHealth } from "../health.ts";
import { log } from "../../log.ts";
import { connect, type PoolOptions, type Q, type Sql } from "./db.ts";
import { mapError, sqlState, toStorageError } from "./errors.ts";
import { migrate } from "./migrations.ts";
import * as monitors from "./monitors.ts";
import * as states from "./state.ts";
import * as checks from "./checks.ts";
import * as incidents from "./incidents.ts";
import * as certificates from "./certificates.ts";
import * as rollups from "./rollups.ts";
import * as dashboard from "./dashboard.ts";
import * as outbox from "./outbox.ts";
import * as facts from "./alert_facts.ts";
import * as users from "./users.ts";
import * as sessions from "./sessions.ts";
import * as tokens from "./tokens.ts";
import * as channels from "./channels.ts";
import * as pushes from "./pushes.ts";
import * as maintenance from "./maintenance_windows.ts";
import * as status from "./status_pages.ts";

/** How the repositories on one handle behave around each call. */
interface RepoHooks {
  /**
   * Sees the storage failure of each writing call: the pool's count toward health; inside a
   * transaction, the transaction's own failure is the one counted.
   */
  onWriteFailure(err: StorageError): void;
  /**
   * Runs a statement whose failure the caller may catch and survive (a taken user name):
   * PostgreSQL aborts the whole transaction on a failed statement, SQLite only the statement.
   */
  savepoint<T>(fn: (q: Q) => Promise<T>): Promise<T>;
  /** Registers a call in flight (see {@link InFlight}). */
  track<T>(p: Promise<T>): Promise<T>;
}

/** The repositories on `q` (the pool, or a transaction's connection). */
function repositories(q: Q, hooks: RepoHooks): Repositories {
  const { onWriteFailure, savepoint, track } = hooks;
  const read = <T>(fn: () => Promise<T>): Promise<T> =>
    track((async () => {
      try {
        return await fn();
      } catch (err) {
        const mapped = mapError(err);
        // A read that cannot reach the server means writes cannot either: /healthz says so now,
        // not only at the next check's write.
        if (mapped instanceof StorageError && mapped.kind === "unavailable") onWriteFailure(mapped);
        throw mapped;
      }
    })());
  const w = <T>(fn: () => Promise<T>): Promise<T> =>
    track((async () => {
      try {
        return await fn();
      } catch (err) {
        const storage = toStorageError(err);
        if (storage) onWriteFailure(storage);
        throw storage ?? err;
      }
    })());
  return {
    monitors: {
      insert: (f, now) => w(() => monitors.insertMonitor(q, f, now)),
      update: (id, f, now) => w(() => monitors.updateMonitor(q, id, f, now)),
      delete: (id) => w(() => monitors.deleteMonitor(q, id)),
      get: (id) => read(() => monitors.getMonitor(q, id)),
      list: () => read(() => monitors.listMonitors(q)),
      childIds: (id) => read(() => monitors.childIds(q, id)),
    },
    states: {
      get: (id, now) => read(() => states.getState(q, id, now)),
      all: () => read(() => states.allStates(q)),
      save: (s) => w(() => states.saveState(q, s)),
    },
    checks: {
      insert: (id, at, r, m) => w(() => checks.insertCheck(q, id, at, r, m)),
      get: (id) => read(() => checks.getCheck(q, id)),
      recent: (id, limit) => read(() => checks.recentChecks(q, id, limit)),
      prune: (before) => w(() => checks.pruneChecks(q, before)),
      okLatencies: (id, from, to) => read(() => checks.okLatencies(q, id, from, to)),
    },
    incidents: {
      open: (c, at, n, o) => w(() => incidents.openIncident(q, c, at, n, o)),
      extend: (id, c) => w(() => incidents.extendIncident(q, id, c)),
      close: (id, at) => w(() => incidents.closeIncident(q, id, at)),
      get: (id) => read(() => incidents.getIncident(q, id)),
      list: (id, limit, type) => read(() => incidents.listIncidents(q, id, limit, type)),
    },
    certificates: {
      get: (id) => read(() => certificates.getCertificate(q, id)),
      all: () => read(() => certificates.allCertificates(q)),
      save: (c) => w(() => certificates.saveCertificate(q, c)),
    },
    rollups: {
      add: (id, at, ok, ms) => w(() => rollups.addToRollups(q, id, at, ok, ms)),
      finalizePercentiles: (p, since, now) =>
        w(() => rollups.finalizePercentiles(q, p, since, now)),
      series: (id, p, from) => read(() => rollups.rollupSeries(q, id, p, from)),
      uptime: (id, p, from) => read(() => rollups.monitorUptime(q, id, p, from)),
      prune: (before) => w(() => rollups.pruneRollups(q, before)),
    },
    dashboard: {
      recentChecksByMonitor: (n, ids) => read(() => dashboard.recentChecksByMonitor(q, n, ids)),
      recentBeats: (n, ids) => read(() => dashboard.recentBeats(q, n, ids)),
      overviewStamp: () => read(() => dashboard.overviewStamp(q)),
      monitorsCheckedAfter: (since) => read(() => dashboard.monitorsCheckedAfter(q, since)),
      checksSince: (id, from, limit) => read(() => dashboard.checksSince(q, id, from, limit)),
      detailStamp: (id) => read(() => dashboard.detailStamp(q, id)),
      uptimeWindows: (now, ids) => read(() => dashboard.uptimeWindows(q, now, ids)),
      statusCounts: () => read(() => dashboard.statusCounts(q)),
      statusSummary: () => read(() => dashboard.statusSummary(q)),
    },
    outbox: {
      insert: (a) => w(() => outbox.insertAlert(q, a)),
      find: (i, k, c, t) => read(() => outbox.findAlert(q, i, k, c, t)),
      foldChildAlerts: (p, k, c, t, into) => w(() => outbox.foldChildAlerts(q, p, k, c, t, into)),
      due: (now, limit, except) => read(() => outbox.dueAlerts(q, now, limit, except)),
      nextDueByChannel: () => read(() => outbox.nextDueByChannel(q)),
      nextDueAt: () => read(() => outbox.nextDueAt(q)),
      claim: (id, subject) => w(() => outbox.claimAlert(q, id, subject)),
      markSent: (id, now, response) => w(() => outbox.markSent(q, id, now, response)),
      markRetry: (id, next, error) => w(() => outbox.markRetry(q, id, next, error)),
      markFinal: (id, status, error) => w(() => outbox.markFinal(q, id, status, error)),
      requeueInterrupted: (now) => w(() => outbox.requeueInterrupted(q, now)),
      expire: (before, hours) => w(() => outbox.expireAlerts(q, before, hours)),
      list: (query) => read(() => outbox.listAlerts(q, query)),
      counts: () => read(() => outbox.alertCounts(q)),
      activity: () => read(() => outbox.alertActivity(q)),
      prune: (before) => w(() => outbox.pruneAlerts(q, before)),
    },
    alertFacts: {
      appOutagesDuring: (id, from, to) => read(() => facts.appOutagesDuring(q, id, from, to)),
      openReminderIncidents: () => read(() => facts.openReminderIncidents(q)),
      sentDownsAwaitingReminder: (id) => read(() => facts.sentDownsAwaitingReminder(q, id)),
    },
    users: {
      count: () => read(() => users.countUsers(q)),
      insert: (u) => w(() => savepoint((sp) => users.insertUser(sp, u))),
      findByName: (name) => read(() => users.findUserByName(q, name)),
      get: (id) => read(() => users.getUserById(q, id)),
      findCredentials: (name) => read(() => users.findUserCredentials(q, name)),
    },
    sessions: {
      insert: (s) => w(() => sessions.insertSession(q, s)),
      find: (hash, now) => read(() => sessions.findSession(q, hash, now)),
      delete: (hash) => w(() => sessions.deleteSession(q, hash)),
      prune: (now) => w(() => sessions.pruneSessions(q, now)),
    },
    tokens: {
      insert: (t) => w(() => tokens.insertToken(q, t)),
      findByHash: (hash) => read(() => tokens.findTokenByHash(q, hash)),
      touch: (id, now) => w(() => tokens.touchToken(q, id, now)),
      list: () => read(() => tokens.listTokens(q)),
      delete: (id) => w(() => tokens.deleteToken(q, id)),
    },
    channels: {
      list: () => read(() => channels.listChannels(q)),
      get: (id) => read(() => channels.getChannel(q, id)),
      insert: (f, now) => w(() => channels.insertChannel(q, f, now)),
      update: (id, f, now) => w(() => channels.updateChannel(q, id, f, now)),
      delete: (id) => w(() => channels.deleteChannel(q, id)),
    },
    pushes: {
      get: (id) => read(() => pushes.getPush(q, id)),
      byToken: (token) => read(() => pushes.pushByToken(q, token)),
      all: () => read(() => pushes.allPushes(q)),
      save: (s) => w(() => pushes.savePush(q, s)),
    },
    maintenance: {
      list: () => read(() => maintenance.listWindows(q)),
      get: (id) => read(() => maintenance.getWindow(q, id)),
      insert: (f, now) => w(() => maintenance.insertWindow(q, f, now)),
      update: (id, f, now) => w(() => maintenance.updateWindow(q, id, f, now)),
      delete: (id) => w(() => maintenance.deleteWindow(q, id)),
      suppressDown: (id, name, now) => w(() => maintenance.suppressDown(q, id, name, now)),
      suppressedDown: (id) => read(() => maintenance.suppressedDown(q, id)),
      releaseDown: (id, now) => w(() => maintenance.releaseDown(q, id, now)),
    },
    statusPages: {
      list: () => read(() => status.listPages(q)),
      get: (id) => read(() => status.getPage(q, id)),
      bySlug: (slug) => read(() => status.pageBySlug(q, slug)),
      domains: () => read(() => status.pageDomains(q)),
      insert: (f, now) => w(() => status.insertPage(q, f, now)),
      update: (id, f, now) => w(() => status.updatePage(q, id, f, now)),
      delete: (id) => w(() => status.deletePage(q, id)),
      logo: (id) => read(() => status.pageLogo(q, id)),
      setLogo: (id, logo, now) => w(() => status.setPageLogo(q, id, logo, now)),
      dailyCounts: (ids, from) => read(() => status.dailyCounts(q, ids, from)),
      incidents: (id, since, limit) => read(() => status.listIncidents(q, id, since, limit)),
      incident: (id) => read(() => status.getIncident(q, id)),
      insertIncident: (id, f, first, now) => w(() => status.insertIncident(q, id, f, first, now)),
      updateIncident: (id, f, now) => w(() => status.updateIncident(q, id, f, now)),
      deleteIncident: (id) => w(() => status.deleteIncident(q, id)),
      addUpdate: (id, u, at) => w(() => status.addUpdate(q, id, u, at)),
      editUpdate: (id, u, now) => w(() => status.editUpdate(q, id, u, now)),
      deleteUpdate: (id, now) => w(() => status.deleteUpdate(q, id, now)),
    },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** The PostgreSQL store; `sql` (the pool) stays reachable for tools and tests. */
export interface PostgresStore extends Store {
  readonly engine: "postgres";
  readonly sql: Sql;
}

/** Options for {@link openPostgresStore}. */
export interface PostgresOpenOptions extends PoolOptions {
  /**
   * How long opening keeps retrying while the server cannot be reached (it may be starting
   * beside the service), in ms; default 0 (fail at once).
   */
  connectRetryMs?: number;
  /**
   * Hold the database's instance lock while the store is open: a second service on the same
   * database and schema is then refused at open (the CLI does not take it).
   */
  instanceLock?: boolean;
}

/** The advisory lock key's first half (the second is the schema's hash): "SHC1". */
const LOCK_CLASS = 0x53484331;
/** How often the instance lock is verified (and re-taken after its connection was lost). */
const LOCK_CHECK_MS = 30_000;

/**
 * Takes the session-level advisory lock of this database and schema, on a connection of its own
 * kept for the store's lifetime; PostgreSQL releases it when that connection ends, so a crashed
 * instance never blocks the next one. A lost connection loses the lock: it is checked every
 * {@link LOCK_CHECK_MS} and taken again, and an instance that finds it taken by another says so.
 *
 * The connection is a one-connection pool, not `sql.reserve()`: npm:postgres 3.4.9 throws an
 * uncatchable TypeError from a reserved connection whose server side died (porsager/postgres
 * #1154, #1208), which would end the whole service.
 */
async function takeInstanceLock(url: string): Promise<() => Promise<void>> {
  const conn = connect(url, { max: 1, keepOpen: true });
  const tryLock = async () => {
    const [row] = await conn`
      SELECT (SELECT count(*) FROM pg_locks
               WHERE locktype = 'advisory' AND classid = ${LOCK_CLASS}::int4::oid
                 AND objid = hashtext(current_schema())::oid AND objsubid = 2
                 AND pid = pg_backend_pid() AND granted) > 0 AS held,
             current_schema() AS schema`;
    if (row.held) return { locked: true, schema: row.schema as string, holder: null };
    const [got] = await conn`
      SELECT pg_try_advisory_lock(${LOCK_CLASS}::int4, hashtext(current_schema())) AS locked,
             (SELECT pid FROM pg_locks
               WHERE locktype = 'advisory' AND classid = ${LOCK_CLASS}::int4::oid
                 AND objid = hashtext(current_schema())::oid AND granted
                 AND pid <> pg_backend_pid()
               LIMIT 1) AS holder`;
    return { locked: Boolean(got.locked), schema: row.schema as string, holder: got.holder };
  };
  try {
    const first = await tryLock();
    if (!first.locked) {
      throw new StoreLockedError(
        `another instance of Server Health Checker already uses this database (schema ` +
          `"${first.schema}", held by PostgreSQL backend ${first.holder ?? "?"} in ` +
          `pg_stat_activity); stop it first, or point this one at another database or schema`,
      );
    }
  } catch (err) {
    await conn.end({ timeout: 0 }).catch(() => {});
    throw err instanceof StoreLockedError ? err : (toStorageError(err) ?? err);
  }
  let lost = false;
  const timer = setInterval(async () => {
    try {
      const now = await tryLock();
      if (!now.locked && !lost) {
        log.error("store.instance_lock_lost", {
          schema: now.schema,
          holder: now.holder,
          hint: "another instance runs on this database: stop one of them",
        });
      } else if (now.locked && lost) log.info("store.instance_lock_regained", {});
      lost = !now.locked;
    } catch { /* the server is unreachable: checked again next time */ }
  }, LOCK_CHECK_MS);
  Deno.unrefTimer(timer);
  return async () => {
    clearInterval(timer);
    // Ending the session releases the lock.
    await conn.end({ timeout: 1 }).catch(() => {});
  };
}

/**
 * Connects to `url` (its `search_path` query parameter selects the schema, see ./db.ts) and
 * applies pending migrations. A server that cannot be reached is a {@link StorageError}
 * ("unavailable"); a schema newer than this build is refused.
 */
export async function openPostgresStore(
  url: string,
  opts: PostgresOpenOptions = {},
): Promise<PostgresStore> {
  const sql = connect(url, opts);
  const giveUpAt = Date.now() + (opts.connectRetryMs ?? 0);
  for (let wait = 100;; wait = Math.min(wait * 2, 2000)) {
    try {
      await migrate(sql);
      break;
    } catch (err) {
      const storage = toStorageError(err);
      // A wrong password or database name will not fix itself: only a missing server is waited for.
      const state = sqlState(err) ?? "";
      const misconfigured = state.startsWith("28") || state === "3D000";
      if (storage?.kind !== "unavailable" || misconfigured || Date.now() + wait > giveUpAt) {
        await sql.end({ timeout: 0 }).catch(() => {});
        throw storage ?? err;
      }
    }
    await sleep(wait);
  }
  let unlock: (() => Promise<void>) | null = null;
  if (opts.instanceLock) {
    try {
      unlock = await takeInstanceLock(url);
    } catch (err) {
      await sql.end({ timeout: 0 }).catch(() => {});
      throw err;
    }
  }
  return postgresStore(sql, unlock);
}

/** How a retried transaction's pauses grow: short first (conflicts clear fast), at most 1 s. */
const firstWaitMs = 5;
const maxWaitMs = 1000;

/** How long `close()` lets calls still running finish. */
const CLOSE_WAIT_MS = 5_000;

/**
 * Calls in flight, so that `close()` can let them finish and then drop the connections at once.
 * (npm:postgres's own graceful `end()` never resolves for a connection that was lost while a
 * query ran on it, so it would always wait out its whole timeout after a database restart.)
 */
class InFlight {
  #calls = new Set<Promise<unknown>>();

  track<T>(p: Promise<T>): Promise<T> {
    this.#calls.add(p);
    const forget = () => this.#calls.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** Resolves when every call has settled, or after `ms`. */
  async settled(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.#calls]),
      new Promise((r) => timer = setTimeout(r, ms)),
    ]);
    clearTimeout(timer);
  }
}

/** Wraps an open, migrated pool. */
export function postgresStore(
  sql: Sql,
  unlock: (() => Promise<void>) | null = null,
): PostgresStore {
  const health = storageHealth(sql);
  const inFlight = new InFlight();
  const pool = repositories(sql, {
    onWriteFailure: (err) => health.failed(err),
    savepoint: (fn) => fn(sql),
    track: (p) => inFlight.track(p),
  });

  /** One attempt; `committing` tells whether `fn` had finished when it failed. */
  async function attempt<T>(
    fn: (tx: Repositories) => Promise<T>,
    state: { committing: boolean },
  ): Promise<T> {
    state.committing = false;
    const result = await sql.begin("isolation level serializable", async (tx) => {
      const savepoint = <R>(inner: (q: Q) => Promise<R>) =>
        tx.savepoint((sp) => inner(sp)) as Promise<R>;
      const value = await fn(
        repositories(tx, { onWriteFailure: () => {}, savepoint, track: (p) => p }),
      );
      state.committing = true;
      return value;
    });
    return result as T;
  }

  return {
    engine: "postgres",
    sql,
    health,
    ...pool,
    transaction<T>(fn: (tx: Repositories) => Promise<T>, opts: TransactionOptions = {}) {
      return inFlight.track(transaction(fn, opts));
    },
    // Autovacuum hands space back; there is nothing to do after a large delete.
    compact: () => Promise.resolve(),
    async close() {
      await inFlight.settled(CLOSE_WAIT_MS);
      await unlock?.();
      await sql.end({ timeout: 0 });
    },
  };

  async function transaction<T>(
    fn: (tx: Repositories) => Promise<T>,
    opts: TransactionOptions,
  ): Promise<T> {
    const giveUpAt = Date.now() + (opts.retryForMs ?? 30_000);
    const state = { committing: false };
    let counted = false;
    for (let wait = firstWaitMs;; wait = Math.min(wait * 2, maxWaitMs)) {
      let last: StorageError;
      try {
        const result = await attempt(fn, state);
        health.succeeded();
        return result;
      } catch (err) {
        const storage = toStorageError(err);
        if (!storage) throw err;
        // One refused write counts once, however many attempts it took; conflicts ("busy")
        // count only when the caller gives up (`StorageHealth.gaveUp`).
        if (!counted && storage.kind !== "busy") {
          health.failed(storage);
          counted = true;
        }
        // A connection lost while COMMIT was on its way may have committed: running `fn`
        // again could write everything twice, so that one is not retried.
        const retryable = storage.kind === "busy" ||
          (storage.kind === "unavailable" && !state.committing);
        if (!retryable || opts.signal?.aborted || Date.now() + wait > giveUpAt) throw storage;
        last = storage;
      }
      // Jitter keeps two conflicting transactions from retrying in lockstep.
      await sleep(wait * (0.5 + Math.random()), opts.signal);
      if (opts.signal?.aborted) throw last;
    }
  }
}

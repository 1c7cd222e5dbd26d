/**
 * The embedded SQLite engine behind the {@link Store} interface. node:sqlite is synchronous, so
 * each method runs its statement at once and resolves; the async interface costs a microtask.
 */
import type { Repositories, Store, TransactionOptions } from "../store.ts";
import { StorageError, storageHealth } from "../health.ts";
import { begin, checkpoint, commit, type Db, openDb, type OpenOptions, rollback } from "./db.ts";
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

/**
 * Serialises writers on the one connection. A transaction is open across the awaits of its
 * function, and any statement another async task runs on the connection meanwhile would join
 * it (and vanish with its rollback); so transactions and standalone writes take turns.
 */
class WriteTurns {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => {});
    return result;
  }
}

/**
 * The repositories on `db`. `write` wraps each writing call (the turn-taking, or nothing inside
 * a transaction, whose own failure is the one counted).
 */
function repositories(
  db: Db,
  write: <T>(fn: () => T) => Promise<T>,
  countFailures: boolean,
): Repositories {
  const read = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(StorageError.from(err) ?? err);
    }
  };
  const w = <T>(fn: () => T): Promise<T> =>
    write(() => {
      try {
        return fn();
      } catch (err) {
        const storage = StorageError.from(err);
        if (storage && countFailures) storageHealth(db).failed(storage);
        throw storage ?? err;
      }
    });
  return {
    monitors: {
      insert: (f, now) => w(() => monitors.insertMonitor(db, f, now)),
      update: (id, f, now) => w(() => monitors.updateMonitor(db, id, f, now)),
      delete: (id) => w(() => monitors.deleteMonitor(db, id)),
      get: (id) => read(() => monitors.getMonitor(db, id)),
      list: () => read(() => monitors.listMonitors(db)),
      childIds: (id) => read(() => monitors.childIds(db, id)),
    },
    states: {
      get: (id, now) => read(() => states.getState(db, id, now)),
      all: () => read(() => states.allStates(db)),
      save: (s) => w(() => states.saveState(db, s)),
    },
    checks: {
      insert: (id, at, r, m) => w(() => checks.insertCheck(db, id, at, r, m)),
      get: (id) => read(() => checks.getCheck(db, id)),
      recent: (id, limit) => read(() => checks.recentChecks(db, id, limit)),
      // Batches commit one by one and yield between them: not one long turn.
      prune: (before) => checks.pruneChecks(db, before),
      okLatencies: (id, from, to) => read(() => checks.okLatencies(db, id, from, to)),
    },
    incidents: {
      open: (c, at, n, o) => w(() => incidents.openIncident(db, c, at, n, o)),
      extend: (id, c) => w(() => incidents.extendIncident(db, id, c)),
      close: (id, at) => w(() => incidents.closeIncident(db, id, at)),
      get: (id) => read(() => incidents.getIncident(db, id)),
      list: (id, limit, type) => read(() => incidents.listIncidents(db, id, limit, type)),
    },
    certificates: {
      get: (id) => read(() => certificates.getCertificate(db, id)),
      all: () => read(() => certificates.allCertificates(db)),
      save: (c) => w(() => certificates.saveCertificate(db, c)),
    },
    rollups: {
      add: (id, at, ok, ms) => w(() => rollups.addToRollups(db, id, at, ok, ms)),
      // Single-row updates between yields, like prune.
      finalizePercentiles: (p, since, now) => rollups.finalizePercentiles(db, p, since, now),
      series: (id, p, from) => read(() => rollups.rollupSeries(db, id, p, from)),
      uptime: (id, p, from) => read(() => rollups.monitorUptime(db, id, p, from)),
      prune: (before) => w(() => rollups.pruneRollups(db, before)),
    },
    dashboard: {
      recentChecksByMonitor: (n, ids) => read(() => dashboard.recentChecksByMonitor(db, n, ids)),
      recentBeats: (n, ids) => read(() => dashboard.recentBeats(db, n, ids)),
      overviewStamp: () => read(() => dashboard.overviewStamp(db)),
      monitorsCheckedAfter: (since) => read(() => dashboard.monitorsCheckedAfter(db, since)),
      checksSince: (id, from, limit) => read(() => dashboard.checksSince(db, id, from, limit)),
      detailStamp: (id) => read(() => dashboard.detailStamp(db, id)),
      uptimeWindows: (now, ids) => read(() => dashboard.uptimeWindows(db, now, ids)),
      statusCounts: () => read(() => dashboard.statusCounts(db)),
      statusSummary: () => read(() => dashboard.statusSummary(db)),
    },
    outbox: {
      insert: (a) => w(() => outbox.insertAlert(db, a)),
      find: (i, k, c, t) => read(() => outbox.findAlert(db, i, k, c, t)),
      foldChildAlerts: (p, k, c, t, into) => w(() => outbox.foldChildAlerts(db, p, k, c, t, into)),
      due: (now, limit, except) => read(() => outbox.dueAlerts(db, now, limit, except)),
      nextDueByChannel: () => read(() => outbox.nextDueByChannel(db)),
      nextDueAt: () => read(() => outbox.nextDueAt(db)),
      claim: (id, subject) => w(() => outbox.claimAlert(db, id, subject)),
      markSent: (id, now, response) => w(() => outbox.markSent(db, id, now, response)),
      markRetry: (id, next, error) => w(() => outbox.markRetry(db, id, next, error)),
      markFinal: (id, status, error) => w(() => outbox.markFinal(db, id, status, error)),
      requeueInterrupted: (now) => w(() => outbox.requeueInterrupted(db, now)),
      expire: (before, hours) => w(() => outbox.expireAlerts(db, before, hours)),
      list: (q) => read(() => outbox.listAlerts(db, q)),
      counts: () => read(() => outbox.alertCounts(db)),
      activity: () => read(() => outbox.alertActivity(db)),
      prune: (before) => w(() => outbox.pruneAlerts(db, before)),
    },
    alertFacts: {
      appOutagesDuring: (id, from, to) => read(() => facts.appOutagesDuring(db, id, from, to)),
      openReminderIncidents: () => read(() => facts.openReminderIncidents(db)),
      sentDownsAwaitingReminder: (id) => read(() => facts.sentDownsAwaitingReminder(db, id)),
    },
    users: {
      count: () => read(() => users.countUsers(db)),
      insert: (u) => w(() => users.insertUser(db, u)),
      findByName: (name) => read(() => users.findUserByName(db, name)),
      get: (id) => read(() => users.getUserById(db, id)),
      findCredentials: (name) => read(() => users.findUserCredentials(db, name)),
    },
    sessions: {
      insert: (s) => w(() => sessions.insertSession(db, s)),
      find: (hash, now) => read(() => sessions.findSession(db, hash, now)),
      delete: (hash) => w(() => sessions.deleteSession(db, hash)),
      prune: (now) => w(() => sessions.pruneSessions(db, now)),
    },
    tokens: {
      insert: (t) => w(() => tokens.insertToken(db, t)),
      findByHash: (hash) => read(() => tokens.findTokenByHash(db, hash)),
      touch: (id, now) => w(() => tokens.touchToken(db, id, now)),
      list: () => read(() => tokens.listTokens(db)),
      delete: (id) => w(() => tokens.deleteToken(db, id)),
    },
    channels: {
      list: () => read(() => channels.listChannels(db)),
      get: (id) => read(() => channels.getChannel(db, id)),
      insert: (f, now) => w(() => channels.insertChannel(db, f, now)),
      update: (id, f, now) => w(() => channels.updateChannel(db, id, f, now)),
      delete: (id) => w(() => channels.deleteChannel(db, id)),
    },
    pushes: {
      get: (id) => read(() => pushes.getPush(db, id)),
      byToken: (token) => read(() => pushes.pushByToken(db, token)),
      all: () => read(() => pushes.allPushes(db)),
      save: (s) => w(() => pushes.savePush(db, s)),
    },
    maintenance: {
      list: () => read(() => maintenance.listWindows(db)),
      get: (id) => read(() => maintenance.getWindow(db, id)),
      insert: (f, now) => w(() => maintenance.insertWindow(db, f, now)),
      update: (id, f, now) => w(() => maintenance.updateWindow(db, id, f, now)),
      delete: (id) => w(() => maintenance.deleteWindow(db, id)),
      suppressDown: (id, name, now) => w(() => maintenance.suppressDown(db, id, name, now)),
      suppressedDown: (id) => read(() => maintenance.suppressedDown(db, id)),
      releaseDown: (id, now) => w(() => maintenance.releaseDown(db, id, now)),
    },
    statusPages: {
      list: () => read(() => status.listPages(db)),
      get: (id) => read(() => status.getPage(db, id)),
      bySlug: (slug) => read(() => status.pageBySlug(db, slug)),
      domains: () => read(() => status.pageDomains(db)),
      insert: (f, now) => w(() => status.insertPage(db, f, now)),
      update: (id, f, now) => w(() => status.updatePage(db, id, f, now)),
      delete: (id) => w(() => status.deletePage(db, id)),
      logo: (id) => read(() => status.pageLogo(db, id)),
      setLogo: (id, logo, now) => w(() => status.setPageLogo(db, id, logo, now)),
      dailyCounts: (ids, from) => read(() => status.dailyCounts(db, ids, from)),
      incidents: (id, since, limit) => read(() => status.listIncidents(db, id, since, limit)),
      incident: (id) => read(() => status.getIncident(db, id)),
      insertIncident: (id, f, first, now) => w(() => status.insertIncident(db, id, f, first, now)),
      updateIncident: (id, f, now) => w(() => status.updateIncident(db, id, f, now)),
      deleteIncident: (id) => w(() => status.deleteIncident(db, id)),
      addUpdate: (id, u, at) => w(() => status.addUpdate(db, id, u, at)),
      editUpdate: (id, u, now) => w(() => status.editUpdate(db, id, u, now)),
      deleteUpdate: (id, now) => w(() => status.deleteUpdate(db, id, now)),
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The SQLite store; `db` stays reachable for SQLite-only tools and tests. */
export interface SqliteStore extends Store {
  readonly engine: "sqlite";
  readonly db: Db;
}

/** Opens (creating and migrating) the SQLite database at `path` (":memory:" for tests). */
export function openSqliteStore(path: string, opts: OpenOptions = {}): SqliteStore {
  return sqliteStore(openDb(path, opts));
}

/** Wraps an open database handle. */
export function sqliteStore(db: Db): SqliteStore {
  const turns = new WriteTurns();
  const inTransaction = repositories(db, (fn) => Promise.resolve().then(fn), false);
  const health = storageHealth(db);

  /** One attempt: BEGIN IMMEDIATE, `fn`, COMMIT; rolled back on any failure. */
  async function attempt<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    begin(db);
    try {
      const result = await fn(inTransaction);
      commit(db);
      return result;
    } catch (err) {
      throw rollback(db, err);
    }
  }

  return {
    engine: "sqlite",
    db,
    health,
    ...repositories(db, (fn) => turns.run(fn), true),
    async transaction<T>(
      fn: (tx: Repositories) => Promise<T>,
      opts: TransactionOptions = {},
    ): Promise<T> {
      // Another process's lock is waited for with timers, not SQLite's blocking busy handler,
      // so HTTP and the scheduler keep running meanwhile. The turn is not held while waiting.
      const giveUpAt = Date.now() + (opts.retryForMs ?? 30_000);
      for (let wait = 10;; wait = Math.min(wait * 2, 1000)) {
        try {
          return await turns.run(() => attempt(fn));
        } catch (err) {
          const busy = err instanceof StorageError && err.kind === "busy";
          if (!busy || opts.signal?.aborted || Date.now() + wait > giveUpAt) throw err;
        }
        await sleep(wait);
      }
    },
    compact: () => turns.run(() => checkpoint(db)),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

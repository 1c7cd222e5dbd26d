/**
 * The store contract: one suite written against the `Store` interface (monitor/store/store.ts)
 * and run on every engine. SQLite always runs (a temp file); PostgreSQL runs when
 * `TEST_DATABASE_URL` is set, each test in a fresh schema dropped afterwards
 * (tests/_helpers/postgres.ts), and is listed as ignored otherwise.
 *
 * A test that fails on one engine only means that engine is wrong.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import type { Monitor, ProbeResult } from "../../monitor/types.ts";
import { type Repositories, type Store, StoreConflictError } from "../../monitor/store/store.ts";
import { StorageError } from "../../monitor/store/health.ts";
import {
  initialState,
  type MonitorFields,
  type NewAlert,
  statusDigest,
  statusIdHash,
} from "../../monitor/store/records.ts";
import { openSqliteStore, type SqliteStore } from "../../monitor/store/sqlite/store.ts";
import { SERVICE_BUSY_TIMEOUT_MS } from "../../monitor/store/sqlite/db.ts";
import { openPostgresStore, type PostgresStore } from "../../monitor/store/postgres/store.ts";
import { MIGRATIONS as PG_MIGRATIONS } from "../../monitor/store/postgres/migrations.ts";
import { storageCause, toStorageError } from "../../monitor/store/postgres/errors.ts";
import { fakeMonitor, fakeState, sleep, tempDir } from "../_helpers/core.ts";
import { HOW_TO_ENABLE, pgSchema, testDatabaseUrl, urlForSchema } from "../_helpers/postgres.ts";

// ---------------------------------------------------------------------------------------------
// Engines

type EngineName = "sqlite" | "postgres";

/** One test's database. */
interface Env extends AsyncDisposable {
  engine: EngineName;
  /** The PostgreSQL schema the test runs in. */
  schema?: string;
  /** Another store on the same database (closed with the env). */
  open(): Promise<Store>;
  /** A store on the same database whose writes fail because the database is read-only. */
  openReadOnly(): Promise<Store>;
  /** Makes the database claim a schema version newer than any this build knows. */
  setFutureSchemaVersion(store: Store, version: number): Promise<void>;
  /** Takes the write lock from another connection; resolves once held, releases after `ms`. */
  holdWriteLock(ms: number): Promise<void>;
}

interface Engine {
  name: EngineName;
  /** Why the engine's tests are skipped, or null when they run. */
  skip: string | null;
  setup(): Promise<Env>;
}

/** Closes every store an env opened, then removes its database. */
function closer() {
  const stores: Store[] = [];
  const timers: Promise<void>[] = [];
  return {
    track<S extends Store>(s: S): S {
      stores.push(s);
      return s;
    },
    later(p: Promise<void>) {
      timers.push(p);
    },
    async closeAll() {
      await Promise.all(timers);
      for (const s of stores) {
        try {
          await s.close();
        } catch { /* closed by the test already */ }
      }
    },
  };
}

const sqliteEngine: Engine = {
  name: "sqlite",
  skip: null,
  async setup() {
    const dir = await tempDir("shc-contract-");
    const path = `${dir.path}/health.db`;
    const c = closer();
    // The service's short blocking wait: a longer one would freeze the lock holder's timer.
    const open = async () =>
      await Promise.resolve(
        c.track(openSqliteStore(path, { busyTimeoutMs: SERVICE_BUSY_TIMEOUT_MS })),
      );
    return {
      engine: "sqlite",
      open,
      async openReadOnly() {
        const s = (await open()) as SqliteStore;
        s.db.exec("PRAGMA query_only = ON");
        return s;
      },
      setFutureSchemaVersion(store, version) {
        (store as SqliteStore).db.exec(`PRAGMA user_version = ${version}`);
        return Promise.resolve();
      },
      holdWriteLock(ms) {
        const holder = new DatabaseSync(path);
        holder.exec("BEGIN IMMEDIATE");
        c.later(
          sleep(ms).then(() => {
            holder.exec("ROLLBACK");
            holder.close();
          }),
        );
        return Promise.resolve();
      },
      async [Symbol.asyncDispose]() {
        await c.closeAll();
        await dir[Symbol.asyncDispose]();
      },
    };
  },
};

const pgUrl = testDatabaseUrl();

const postgresEngine: Engine = {
  name: "postgres",
  skip: pgUrl ? null : HOW_TO_ENABLE,
  async setup() {
    const schema = await pgSchema(pgUrl!);
    const c = closer();
    const admin = postgres(schema.url, { max: 1, onnotice: () => {} });
    return {
      engine: "postgres",
      schema: schema.schema,
      open: async () => c.track(await openPostgresStore(schema.url)),
      async openReadOnly() {
        // What a hot standby does to every write.
        const url = new URL(schema.url);
        url.searchParams.set("default_transaction_read_only", "on");
        return c.track(await openPostgresStore(url.toString()));
      },
      async setFutureSchemaVersion(store, version) {
        await (store as PostgresStore).sql`INSERT INTO schema_migrations (version, name, applied_at)
          VALUES (${version}, 'from the future', 0)`;
      },
      async holdWriteLock(ms) {
        const conn = await admin.reserve();
        await conn`BEGIN`;
        await conn`LOCK TABLE monitors IN EXCLUSIVE MODE`;
        c.later(
          sleep(ms).then(async () => {
            await conn`ROLLBACK`;
            conn.release();
          }),
        );
      },
      async [Symbol.asyncDispose]() {
        await c.closeAll();
        await admin.end();
        await schema[Symbol.asyncDispose]();
      },
    };
  },
};

const ENGINES = [sqliteEngine, postgresEngine];

/** What a contract test gets: an open, empty store and its env. */
interface Ctx {
  store: Store;
  env: Env;
}

/**
 * Registers `fn` once per engine. With `unopened`, no store is opened before the test (it opens
 * its own through `env.open()`); `only` limits it to one engine (for engine-specific behaviour).
 */
function contract(
  name: string,
  fn: (ctx: Ctx) => Promise<void>,
  opts: { unopened?: boolean; only?: EngineName } = {},
): void {
  for (const engine of ENGINES) {
    if (opts.only && opts.only !== engine.name) continue;
    Deno.test({
      name: `${engine.name}: ${name}${engine.skip ? ` (${engine.name}: ${engine.skip})` : ""}`,
      ignore: engine.skip !== null,
      async fn() {
        await using env = await engine.setup();
        const store = opts.unopened ? (undefined as unknown as Store) : await env.open();
        await fn({ store, env });
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures

/** Monitor fields with the validator's defaults; `name` is required to keep tests readable. */
function fields(name: string, over: Partial<Monitor> = {}): MonitorFields {
  const { id: _i, createdAt: _c, updatedAt: _u, ...f } = fakeMonitor({ name, ...over });
  return f;
}

const up = (latencyMs: number): ProbeResult => ({
  ok: true,
  latencyMs,
  httpStatus: 200,
  errorKind: null,
  errorMessage: null,
});

const down = (message = "connection refused"): ProbeResult => ({
  ok: false,
  latencyMs: 3,
  httpStatus: null,
  errorKind: "connection_refused",
  errorMessage: message,
});

function newAlert(
  monitorId: number,
  incidentId: number,
  over: Partial<NewAlert> = {},
): NewAlert {
  return {
    monitorId,
    incidentId,
    kind: "down",
    seq: 0,
    channel: "email",
    target: "ops@example.test",
    status: "pending",
    groupedInto: null,
    checkId: null,
    failures: 3,
    threshold: 3,
    lastError: null,
    createdAt: 1_000,
    nextAttemptAt: 1_000,
    ...over,
  };
}

/** A monitor with one failed check and an open incident. */
async function withIncident(
  r: Repositories,
  name: string,
  at = 10_000,
  over: Partial<Monitor> = {},
) {
  const m = await r.monitors.insert(fields(name, over), 1);
  const c = await r.checks.insert(m.id, at, down());
  const i = await r.incidents.open(c, at, 1);
  return { m, c, i };
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Monitors

contract("monitors: insert, get and update round-trip every field", async ({ store }) => {
  const f = fields("Shop", {
    url: "https://shop.example.test/health",
    expectedStatus: "200-299,301",
    timeoutMs: 2500,
    intervalS: 30,
    retryIntervalS: 15,
    failureThreshold: 3,
    alertEmails: ["a@example.test", "B@example.test"],
    recoveryEmails: [],
    active: false,
    ignoreTlsErrors: true,
    maxRedirects: 0,
    reminderIntervalMin: 60,
  });
  const m = await store.monitors.insert(f, 1_700_000_000_123);
  assert.ok(Number.isInteger(m.id) && m.id > 0);
  assert.deepEqual(m, {
    id: m.id,
    ...f,
    createdAt: 1_700_000_000_123,
    updatedAt: 1_700_000_000_123,
  });
  assert.equal(typeof m.createdAt, "number");
  assert.deepEqual(await store.monitors.get(m.id), m);
  assert.equal(await store.monitors.get(m.id + 1000), null);

  const changed = {
    ...f,
    name: "Shop 2",
    active: true,
    alertEmails: [],
    reminderIntervalMin: null,
  };
  const u = await store.monitors.update(m.id, changed, 1_700_000_000_999);
  assert.deepEqual(u, {
    id: m.id,
    ...changed,
    createdAt: m.createdAt,
    updatedAt: 1_700_000_000_999,
  });
  assert.deepEqual(await store.monitors.get(m.id), u);
  assert.equal(await store.monitors.update(m.id + 1000, changed, 5), null);
});

contract(
  "monitors: list puts websites by name (ASCII case-insensitive), each followed by its apps",
  async ({ store }) => {
    const ins = (name: string, parentId: number | null = null) =>
      store.monitors.insert(fields(name, { parentId }), 1);
    const beta = await ins("beta");
    const alpha = await ins("Alpha");
    await ins("gamma");
    await ins("_tools"); // '_' sorts between 'Z' and 'a' bytewise
    await ins("Éclair"); // non-ASCII bytes sort after every ASCII letter
    await ins("zed", alpha.id);
    await ins("App", alpha.id);
    await ins("x", beta.id);
    await ins("alpha"); // same name as "Alpha" but another website: by id
    const names = (await store.monitors.list()).map((m) => m.name);
    assert.deepEqual(names, [
      "_tools",
      "Alpha",
      "App",
      "zed",
      "alpha",
      "beta",
      "x",
      "gamma",
      "Éclair",
    ]);
  },
);

contract("monitors: a dns monitor is stored and read back as kind dns", async ({ store }) => {
  const url = "dns://shop.test?type=MX&server=127.0.0.1:5353&expect=mail.shop.test";
  const m = await store.monitors.insert(fields("dns", { kind: "dns", url }), 1);
  const back = await store.monitors.get(m.id);
  assert.deepEqual([back?.kind, back?.url], ["dns", url]);
});

contract(
  "pushes: a push monitor with its schedule; push state saved, found by token, cascades on delete",
  async ({ store }) => {
    const m = await store.monitors.insert(
      fields("backup", {
        kind: "push",
        url: "push://",
        pushSchedule: "cron",
        pushCron: "0 3 * * *",
        pushTimezone: "Europe/Berlin",
        pushPeriodS: 3600,
        pushGraceS: 900,
      }),
      1,
    );
    const back = await store.monitors.get(m.id);
    assert.deepEqual(
      [back?.kind, back?.pushSchedule, back?.pushCron, back?.pushTimezone, back?.pushGraceS],
      ["push", "cron", "0 3 * * *", "Europe/Berlin", 900],
    );
    assert.equal(await store.pushes.get(m.id), null);
    const state = {
      monitorId: m.id,
      token: "tok_AAAAAAAAAAAAAAAAAAAA",
      lastPingAt: null,
      lastPingOk: null,
      startedAt: 5_000,
      lastDurationMs: null,
      lateExpectedAt: null,
    };
    await store.pushes.save(state);
    assert.deepEqual(await store.pushes.get(m.id), state);
    const pinged = {
      ...state,
      lastPingAt: 9_000,
      lastPingOk: false,
      startedAt: null,
      lastDurationMs: 4_000,
      lateExpectedAt: 8_000,
    };
    await store.transaction((tx) => tx.pushes.save(pinged));
    assert.deepEqual(await store.pushes.byToken(state.token), pinged);
    assert.equal(await store.pushes.byToken("tok_BBBBBBBBBBBBBBBBBBBB"), null);
    const other = await store.monitors.insert(fields("other", { kind: "push", url: "push://" }), 1);
    await store.pushes.save({ ...state, monitorId: other.id, token: "tok_CCCCCCCCCCCCCCCCCCCC" });
    assert.deepEqual([...(await store.pushes.all()).keys()], [m.id, other.id]);
    // A token is unique: another monitor cannot take it.
    await assert.rejects(store.pushes.save({ ...state, monitorId: other.id }));
    assert.ok(await store.monitors.delete(m.id));
    assert.equal(await store.pushes.get(m.id), null);
    assert.equal(await store.pushes.byToken(state.token), null);
  },
);

contract("monitors: childIds lists a website's apps, ascending", async ({ store }) => {
  const w = await store.monitors.insert(fields("w"), 1);
  const other = await store.monitors.insert(fields("other"), 1);
  const a = await store.monitors.insert(fields("b-app", { parentId: w.id }), 1);
  const b = await store.monitors.insert(fields("a-app", { parentId: w.id }), 1);
  await store.monitors.insert(fields("o-app", { parentId: other.id }), 1);
  assert.deepEqual(await store.monitors.childIds(w.id), [a.id, b.id]);
  assert.deepEqual(await store.monitors.childIds(a.id), []);
});

contract(
  "monitors: delete removes the website, its apps and all their history",
  async ({ store }) => {
    const { m: w, c, i } = await withIncident(store, "w");
    const { m: app, i: appIncident } = await withIncident(store, "app", 10_000, {});
    await store.monitors.update(app.id, fields("app", { parentId: w.id }), 2);
    const keep = await withIncident(store, "keep");
    for (const id of [w.id, app.id, keep.m.id]) {
      await store.states.save(fakeState(id, { state: "down", lastCheckId: c.id }));
      await store.rollups.add(id, 10_000, true, 5);
    }
    assert.equal(await store.outbox.insert(newAlert(w.id, i.id)), true);
    assert.equal(await store.outbox.insert(newAlert(app.id, appIncident.id)), true);
    assert.equal(await store.outbox.insert(newAlert(keep.m.id, keep.i.id)), true);

    assert.equal(await store.monitors.delete(w.id), true);
    assert.equal(await store.monitors.delete(w.id), false);
    assert.equal(await store.monitors.get(w.id), null);
    assert.equal(await store.monitors.get(app.id), null, "the internal app went with it");
    assert.equal(await store.checks.get(c.id), null);
    assert.equal(await store.incidents.get(i.id), null);
    assert.equal(await store.incidents.get(appIncident.id), null);
    assert.deepEqual([...(await store.states.all()).keys()], [keep.m.id]);
    assert.deepEqual(await store.rollups.series(w.id, "hour", 0), []);
    assert.deepEqual(await store.rollups.series(app.id, "day", 0), []);
    assert.deepEqual((await store.outbox.list()).map((a) => a.monitorId), [keep.m.id]);
    assert.deepEqual((await store.monitors.list()).map((m) => m.id), [keep.m.id]);
    assert.deepEqual(await store.dashboard.statusCounts(), {
      up: 0,
      degraded: 0,
      down: 1,
      pending: 0,
      paused: 0,
    });
  },
);

contract(
  "ids are never reused after a delete (monitors, incidents, alerts, tokens)",
  async ({ store }) => {
    const a = await store.monitors.insert(fields("a"), 1);
    const b = await store.monitors.insert(fields("b"), 1);
    assert.ok(b.id > a.id);
    await store.monitors.delete(b.id);
    const c = await store.monitors.insert(fields("c"), 1);
    assert.ok(c.id > b.id, `monitor id ${b.id} came back`);

    const check = await store.checks.insert(c.id, 5, down());
    const i1 = await store.incidents.open(check, 5, 1);
    await store.outbox.insert(newAlert(c.id, i1.id));
    const [alert1] = await store.outbox.list();
    await store.monitors.delete(c.id);
    const d = await store.monitors.insert(fields("d"), 1);
    const i2 = await store.incidents.open(await store.checks.insert(d.id, 6, down()), 6, 1);
    assert.ok(i2.id > i1.id, `incident id ${i1.id} came back`);
    await store.outbox.insert(newAlert(d.id, i2.id));
    const [alert2] = await store.outbox.list();
    assert.ok(alert2.id > alert1.id, `alert id ${alert1.id} came back`);

    const t1 = await store.tokens.insert({ name: "t", tokenHash: "h1", prefix: "p", createdAt: 1 });
    await store.tokens.delete(t1.id);
    const t2 = await store.tokens.insert({ name: "t", tokenHash: "h2", prefix: "p", createdAt: 2 });
    assert.ok(t2.id > t1.id, `token id ${t1.id} came back`);
  },
);

// ---------------------------------------------------------------------------------------------
// States

contract(
  "states: get falls back to pending at `now`; save inserts and replaces; all",
  async ({ store }) => {
    const m1 = await store.monitors.insert(fields("m1"), 1);
    const m2 = await store.monitors.insert(fields("m2"), 1);
    assert.deepEqual(await store.states.get(m1.id, 777), initialState(m1.id, 777));
    const before = Date.now();
    const fallback = await store.states.get(m1.id);
    assert.ok(fallback.changedAt >= before && fallback.changedAt <= Date.now());

    const s1 = {
      monitorId: m1.id,
      state: "down" as const,
      consecutiveFailures: 4,
      openIncidentId: 12,
      lastCheckId: 34,
      lastCheckedAt: 1_700_000_000_001,
      failingSince: 1_700_000_000_000,
      changedAt: 1_700_000_000_002,
      slowChecks: 2,
      degradedIncidentId: null,
    };
    await store.states.save(s1);
    assert.deepEqual(await store.states.get(m1.id, 5), s1);
    const s1b = {
      ...s1,
      state: "up" as const,
      consecutiveFailures: 0,
      openIncidentId: null,
      failingSince: null,
    };
    await store.states.save(s1b);
    assert.deepEqual(await store.states.get(m1.id), s1b);
    const s2 = fakeState(m2.id, { state: "up", lastCheckId: 1, lastCheckedAt: 9 });
    await store.states.save(s2);
    const all = await store.states.all();
    assert.deepEqual([...all.entries()], [[m1.id, s1b], [m2.id, s2]]);
  },
);

// ---------------------------------------------------------------------------------------------
// Checks

contract(
  "checks: insert, get, recent (newest first, ties by id), okLatencies",
  async ({ store }) => {
    const m = await store.monitors.insert(fields("m"), 1);
    const other = await store.monitors.insert(fields("other"), 1);
    const c1 = await store.checks.insert(m.id, 1_000, up(12.5));
    assert.deepEqual(c1, {
      id: c1.id,
      monitorId: m.id,
      checkedAt: 1_000,
      ok: true,
      latencyMs: 12.5,
      httpStatus: 200,
      errorKind: null,
      errorMessage: null,
      maintenance: false,
    });
    const c2 = await store.checks.insert(m.id, 2_000, down("boom"));
    assert.deepEqual(c2, {
      id: c2.id,
      monitorId: m.id,
      checkedAt: 2_000,
      ok: false,
      latencyMs: 3,
      httpStatus: null,
      errorKind: "connection_refused",
      errorMessage: "boom",
      maintenance: false,
    });
    const c3 = await store.checks.insert(m.id, 2_000, up(7));
    const c4 = await store.checks.insert(m.id, 3_000, up(30));
    await store.checks.insert(other.id, 2_500, up(1));
    assert.deepEqual(await store.checks.get(c2.id), c2);
    assert.equal(await store.checks.get(c4.id + 100), null);
    assert.deepEqual((await store.checks.recent(m.id, 10)).map((c) => c.id), [
      c4.id,
      c3.id,
      c2.id,
      c1.id,
    ]);
    assert.deepEqual((await store.checks.recent(m.id, 2)).map((c) => c.id), [c4.id, c3.id]);
    assert.deepEqual(await store.checks.recent(m.id + 100, 5), []);
    assert.deepEqual(
      await store.checks.okLatencies(m.id, 1_000, 3_000),
      [7, 12.5],
      "[from, to), ok only",
    );
    assert.deepEqual(await store.checks.okLatencies(m.id, 0, 10_000), [7, 12.5, 30]);
  },
);

contract(
  "checks: prune deletes everything older than `before`, across batches",
  async ({ store }) => {
    const m = await store.monitors.insert(fields("m"), 1);
    const old = 5_003; // more than one batch of 5,000
    await store.transaction(async (tx) => {
      await Promise.all(
        Array.from({ length: old }, (_, i) => tx.checks.insert(m.id, 1_000 + i, up(1))),
      );
    });
    const keep1 = await store.checks.insert(m.id, 1_000_000, up(2));
    const keep2 = await store.checks.insert(m.id, 1_000_001, up(3));
    assert.equal(await store.checks.prune(1_000_000), old);
    assert.deepEqual((await store.checks.recent(m.id, 100)).map((c) => c.id), [keep2.id, keep1.id]);
    assert.equal(await store.checks.prune(1_000_000), 0);
  },
);

// ---------------------------------------------------------------------------------------------
// Incidents

contract("incidents: open, extend, close, get, list newest first", async ({ store }) => {
  const m = await store.monitors.insert(fields("m"), 1);
  const nul = await store.checks.insert(m.id, 5_000, {
    ok: false,
    latencyMs: 1,
    httpStatus: null,
    errorKind: null,
    errorMessage: null,
  });
  const i1 = await store.incidents.open(nul, 4_000, 2);
  assert.deepEqual(i1, {
    id: i1.id,
    monitorId: m.id,
    type: "down",
    startedAt: 4_000,
    confirmedAt: 5_000,
    endedAt: null,
    lastFailureAt: 5_000,
    failureCount: 2,
    errorKind: "network",
    httpStatus: null,
    errorMessage: "",
  });
  const c2 = await store.checks.insert(m.id, 6_000, {
    ...down("503"),
    httpStatus: 503,
    errorKind: "unexpected_status",
  });
  const e = await store.incidents.extend(i1.id, c2);
  assert.deepEqual(e, { ...i1, lastFailureAt: 6_000, failureCount: 3 });
  const closed = await store.incidents.close(i1.id, 7_000);
  assert.deepEqual(closed, { ...e, endedAt: 7_000 });
  assert.deepEqual(await store.incidents.get(i1.id), closed);
  assert.equal(await store.incidents.get(i1.id + 100), null);

  const c3 = await store.checks.insert(m.id, 9_000, {
    ...down("503"),
    httpStatus: 503,
    errorKind: "unexpected_status",
  });
  const i2 = await store.incidents.open(c3, 8_000, 1);
  assert.equal(i2.httpStatus, 503);
  assert.equal(i2.errorKind, "unexpected_status");
  const i3 = await store.incidents.open(c3, 8_000, 1); // same start: newer id first
  assert.deepEqual((await store.incidents.list(m.id)).map((i) => i.id), [i3.id, i2.id, i1.id]);
  assert.deepEqual((await store.incidents.list(m.id, 2)).map((i) => i.id), [i3.id, i2.id]);
  await assert.rejects(store.incidents.close(i3.id + 100, 1));
});

// ---------------------------------------------------------------------------------------------
// Rollups

contract(
  "rollups: add aggregates ok and failed checks per hour and day bucket",
  async ({ store }) => {
    const m = await store.monitors.insert(fields("m"), 1);
    const t0 = Date.UTC(2025, 0, 10, 14, 0, 0);
    await store.rollups.add(m.id, t0 + 1_000, true, 10);
    await store.rollups.add(m.id, t0 + 2_000, false, 999); // a failure's latency is not counted
    await store.rollups.add(m.id, t0 + 3_000, true, 30.5);
    await store.rollups.add(m.id, t0 + HOUR, false, 5); // next hour, same day: failures only
    const hours = await store.rollups.series(m.id, "hour", t0 + 10 * 60_000);
    assert.deepEqual(hours, [
      {
        monitorId: m.id,
        period: "hour",
        bucketStart: t0,
        count: 3,
        upCount: 2,
        latencyMin: 10,
        latencyAvg: 20.25,
        latencyMax: 30.5,
        latencyP95: null,
      },
      {
        monitorId: m.id,
        period: "hour",
        bucketStart: t0 + HOUR,
        count: 1,
        upCount: 0,
        latencyMin: null,
        latencyAvg: null,
        latencyMax: null,
        latencyP95: null,
      },
    ]);
    assert.deepEqual((await store.rollups.series(m.id, "hour", t0 + HOUR)).length, 1);
    const days = await store.rollups.series(m.id, "day", t0);
    assert.deepEqual(days, [{
      monitorId: m.id,
      period: "day",
      bucketStart: Date.UTC(2025, 0, 10),
      count: 4,
      upCount: 2,
      latencyMin: 10,
      latencyAvg: 20.25,
      latencyMax: 30.5,
      latencyP95: null,
    }]);
    // A failure first, then a success: the latency figures come from the success alone.
    await store.rollups.add(m.id, t0 + HOUR + 1, true, 4);
    const [, second] = await store.rollups.series(m.id, "hour", t0);
    assert.deepEqual([
      second.count,
      second.upCount,
      second.latencyMin,
      second.latencyMax,
      second.latencyAvg,
    ], [2, 1, 4, 4, 4]);
  },
);

contract(
  "incidents: DEGRADED and certificate ones carry their type and cause; list filters by type",
  async ({ store }) => {
    const m = await store.monitors.insert(fields("m"), 1);
    const slow = await store.checks.insert(m.id, 1_000, up(900));
    const degraded = await store.incidents.open(slow, 1_000, 3, {
      type: "degraded",
      errorKind: "slow",
      errorMessage: "Slower than 500 ms for 3 checks in a row (last 900 ms)",
    });
    assert.deepEqual(
      [degraded.type, degraded.errorKind, degraded.httpStatus, degraded.failureCount],
      ["degraded", "slow", 200, 3],
    );
    const failed = await store.checks.insert(m.id, 2_000, down("503"));
    const outage = await store.incidents.open(failed, 2_000, 1);
    assert.equal(outage.type, "down");
    const cert = await store.incidents.open(slow, 3_000, 1, {
      type: "certificate",
      errorKind: "certificate_expiry",
      errorMessage: "expires in 5 days",
    });
    assert.deepEqual((await store.incidents.list(m.id)).map((i) => i.type), [
      "certificate",
      "down",
      "degraded",
    ]);
    assert.deepEqual((await store.incidents.list(m.id, 10, "down")).map((i) => i.id), [outage.id]);
    assert.deepEqual((await store.incidents.list(m.id, 10, "degraded")).map((i) => i.id), [
      degraded.id,
    ]);
    assert.equal((await store.incidents.get(cert.id))?.errorMessage, "expires in 5 days");
  },
);

contract("certificates: save replaces, get and all read back every field", async ({ store }) => {
  const a = await store.monitors.insert(fields("a"), 1);
  const b = await store.monitors.insert(fields("b"), 1);
  assert.equal(await store.certificates.get(a.id), null);
  const cert = {
    monitorId: a.id,
    fingerprint: "AA:BB",
    subject: "shop.example",
    issuer: "Example CA",
    validFrom: 1_700_000_000_000,
    validTo: 1_800_000_000_000,
    checkedAt: 1_750_000_000_000,
    incidentId: null,
    warnedDays: null,
  };
  await store.certificates.save(cert);
  assert.deepEqual(await store.certificates.get(a.id), cert);
  const incident = await store.incidents.open(
    await store.checks.insert(a.id, 5, up(1)),
    5,
    1,
    { type: "certificate", errorKind: "certificate_expiry", errorMessage: "soon" },
  );
  const warned = { ...cert, fingerprint: "CC:DD", incidentId: incident.id, warnedDays: 7 };
  await store.certificates.save(warned);
  await store.certificates.save({ ...cert, monitorId: b.id });
  assert.deepEqual(await store.certificates.get(a.id), warned);
  assert.deepEqual([...(await store.certificates.all()).keys()].sort(), [a.id, b.id].sort());
  await store.monitors.delete(b.id);
  assert.equal(await store.certificates.get(b.id), null, "deleted with its monitor");
});

contract("states: slow checks and the DEGRADED incident round-trip", async ({ store }) => {
  const m = await store.monitors.insert(fields("m"), 1);
  const check = await store.checks.insert(m.id, 1_000, up(900));
  const i = await store.incidents.open(check, 1_000, 3, {
    type: "degraded",
    errorKind: "slow",
    errorMessage: "slow",
  });
  const s = { ...fakeState(m.id, { state: "up" }), slowChecks: 4, degradedIncidentId: i.id };
  await store.states.save(s);
  assert.deepEqual(await store.states.get(m.id), s);
  assert.equal((await store.dashboard.statusCounts()).degraded, 1);
});

contract("rollups: uptime sums counts since `from`; prune drops old buckets", async ({ store }) => {
  const m = await store.monitors.insert(fields("m"), 1);
  const t0 = Date.UTC(2025, 0, 10);
  assert.deepEqual(await store.rollups.uptime(m.id, "hour", 0), { count: 0, upCount: 0 });
  await store.rollups.add(m.id, t0 + 5, true, 1);
  await store.rollups.add(m.id, t0 + HOUR, false, 1);
  await store.rollups.add(m.id, t0 + DAY, true, 1);
  assert.deepEqual(await store.rollups.uptime(m.id, "hour", 0), { count: 3, upCount: 2 });
  assert.deepEqual(await store.rollups.uptime(m.id, "hour", t0 + 30 * 60_000), {
    count: 3,
    upCount: 2,
  });
  assert.deepEqual(await store.rollups.uptime(m.id, "hour", t0 + HOUR + 1), {
    count: 2,
    upCount: 1,
  });
  assert.deepEqual(await store.rollups.uptime(m.id, "day", t0 + DAY), { count: 1, upCount: 1 });
  // Buckets starting before t0 + DAY: two hours and one day.
  assert.equal(await store.rollups.prune(t0 + DAY), 3);
  assert.deepEqual((await store.rollups.series(m.id, "hour", 0)).map((r) => r.bucketStart), [
    t0 + DAY,
  ]);
  assert.equal(await store.rollups.prune(t0 + DAY), 0);
});

contract(
  "rollups: finalizePercentiles sets the nearest-rank p95 of closed buckets once",
  async ({ store }) => {
    const m = await store.monitors.insert(fields("m"), 1);
    const failing = await store.monitors.insert(fields("failing"), 1);
    const t0 = Date.UTC(2025, 0, 10, 14);
    // 20 successes 1..20 ms (shuffled) and a slow failure: p95 = the 19th value.
    const lat = [13, 2, 20, 7, 1, 19, 4, 15, 8, 11, 3, 18, 6, 14, 9, 12, 5, 17, 10, 16];
    for (const [i, ms] of lat.entries()) {
      await store.checks.insert(m.id, t0 + i * 1000, up(ms));
      await store.rollups.add(m.id, t0 + i * 1000, true, ms);
    }
    await store.checks.insert(m.id, t0 + 50_000, down());
    await store.rollups.add(m.id, t0 + 50_000, false, 3);
    await store.rollups.add(failing.id, t0, false, 3); // no success: nothing to compute
    // The current hour is still open: not finalized.
    await store.checks.insert(m.id, t0 + HOUR + 1, up(99));
    await store.rollups.add(m.id, t0 + HOUR + 1, true, 99);

    const now = t0 + HOUR + 10 * 60_000;
    assert.equal(await store.rollups.finalizePercentiles("hour", now - HOUR, now), 1);
    const [closed, open] = await store.rollups.series(m.id, "hour", t0);
    assert.equal(closed.latencyP95, 19);
    assert.equal(open.latencyP95, null);
    assert.equal(await store.rollups.finalizePercentiles("hour", now - HOUR, now), 0, "only once");
    // A window that does not reach back to the bucket's end leaves it alone.
    const m2 = await store.monitors.insert(fields("m2"), 1);
    await store.checks.insert(m2.id, t0, up(5));
    await store.rollups.add(m2.id, t0, true, 5);
    assert.equal(
      await store.rollups.finalizePercentiles("hour", t0 + 2 * HOUR + 1, now + 2 * HOUR),
      0,
    );
    assert.equal(await store.rollups.finalizePercentiles("hour", t0, now), 1);
    assert.equal((await store.rollups.series(m2.id, "hour", t0))[0].latencyP95, 5);
    // Day buckets close at midnight.
    const nextDay = Date.UTC(2025, 0, 11, 0, 5);
    assert.equal(await store.rollups.finalizePercentiles("day", nextDay - DAY, nextDay), 2);
    assert.equal((await store.rollups.series(m.id, "day", t0))[0].latencyP95, 20);
  },
);

// ---------------------------------------------------------------------------------------------
// Dashboard

/** Three monitors: m1 with 40 checks, m2 with 5, m3 with none; times interleave. */
async function dashboardFixture(store: Store) {
  const ids: number[] = [];
  for (const i of [1, 2, 3]) ids.push((await store.monitors.insert(fields(`m${i}`), 1000 * i)).id);
  await store.transaction(async (tx) => {
    for (let t = 0; t < 40; t++) {
      await tx.checks.insert(ids[0], 10_000 + t * 1000, { ...up(t), ok: t % 7 !== 0 });
      if (t < 5) await tx.checks.insert(ids[1], 10_500 + t * 1000, up(100 + t));
    }
  });
  return ids;
}

contract(
  "dashboard: recentChecksByMonitor gives each monitor's newest n, oldest first",
  async ({ store }) => {
    const ids = await dashboardFixture(store);
    const all = await store.dashboard.recentChecksByMonitor(30);
    assert.deepEqual([...all.keys()], [ids[0], ids[1]]);
    assert.deepEqual(
      all.get(ids[0])!.map((c) => c.latencyMs),
      [...Array(30).keys()].map((i) => i + 10),
    );
    assert.deepEqual(all.get(ids[1])!.map((c) => c.latencyMs), [100, 101, 102, 103, 104]);
    assert.equal(all.get(ids[0])![0].ok, true);
    assert.equal(all.get(ids[0])![4].ok, false, "t = 14 failed");
    const some = await store.dashboard.recentChecksByMonitor(3, [ids[1], ids[2]]);
    assert.deepEqual([...some.keys()], [ids[1]]);
    assert.deepEqual(some.get(ids[1])!.map((c) => c.latencyMs), [102, 103, 104]);
    assert.equal((await store.dashboard.recentChecksByMonitor(3, [])).size, 0);
  },
);

contract(
  "dashboard: recentBeats gives each monitor's newest n as letters, oldest first, slow by its threshold",
  async ({ store }) => {
    const ids = await dashboardFixture(store);
    await store.monitors.update(ids[1], fields("m2", { degradedMs: 102 }), 5000);
    const all = await store.dashboard.recentBeats(30);
    assert.deepEqual([...all.keys()].sort((a, b) => a - b), [ids[0], ids[1]], "m3 has no checks");
    // t = 10..39, failed where t % 7 == 0 (14, 21, 28, 35).
    const expected = [...Array(30).keys()].map((i) => ((i + 10) % 7 === 0 ? "d" : "u")).join("");
    assert.equal(all.get(ids[0]), expected);
    assert.equal(all.get(ids[1]), "uuuss", "103 and 104 ms are above 102 ms");
    const some = await store.dashboard.recentBeats(3, [ids[1], ids[2]]);
    assert.deepEqual([...some.entries()], [[ids[1], "uss"]]);
    assert.equal((await store.dashboard.recentBeats(3, [])).size, 0);
  },
);

contract("dashboard: overviewStamp, monitorsCheckedAfter, checksSince", async ({ store }) => {
  const empty = await store.dashboard.overviewStamp();
  assert.deepEqual(empty, { maxCheckId: 0, monitorCount: 0, maxUpdatedAt: 0 });
  const ids = await dashboardFixture(store);
  const s = await store.dashboard.overviewStamp();
  const newest = (await store.checks.recent(ids[0], 1))[0].id;
  assert.deepEqual(s, { maxCheckId: newest, monitorCount: 3, maxUpdatedAt: 3000 });
  await store.monitors.update(ids[0], fields("m1 renamed"), 5000);
  assert.equal((await store.dashboard.overviewStamp()).maxUpdatedAt, 5000);
  const c = await store.checks.insert(ids[2], 99_000, up(1));
  assert.equal((await store.dashboard.overviewStamp()).maxCheckId, c.id);

  await store.states.save(fakeState(ids[0], { lastCheckId: 40 }));
  await store.states.save(fakeState(ids[1], { lastCheckId: 45 }));
  await store.states.save(fakeState(ids[2], { lastCheckId: 50 }));
  assert.deepEqual(await store.dashboard.monitorsCheckedAfter(41), [ids[1], ids[2]]);
  assert.deepEqual(await store.dashboard.monitorsCheckedAfter(50), []);

  assert.deepEqual(
    (await store.dashboard.checksSince(ids[1], 12_000, 10)).map((c) => c.checkedAt),
    [12_500, 13_500, 14_500],
  );
  assert.deepEqual(
    (await store.dashboard.checksSince(ids[0], 0, 3)).map((c) => c.checkedAt),
    [47_000, 48_000, 49_000],
    "the newest `limit`, oldest first",
  );
});

contract(
  "dashboard: detailStamp changes with a new check of the monitor or its apps, and edits",
  async ({ store }) => {
    const w = await store.monitors.insert(fields("w"), 100);
    const app = await store.monitors.insert(fields("app", { parentId: w.id }), 200);
    const unrelated = await store.monitors.insert(fields("u"), 300);
    const s0 = await store.dashboard.detailStamp(w.id);
    assert.equal(s0, "0-200-2");
    const c1 = await store.checks.insert(w.id, 1_000, up(1));
    await store.states.save(fakeState(w.id, { lastCheckId: c1.id, lastCheckedAt: 1_000 }));
    const s1 = await store.dashboard.detailStamp(w.id);
    assert.equal(s1, `${c1.id}-200-2`);
    const c2 = await store.checks.insert(app.id, 2_000, up(1));
    await store.states.save(fakeState(app.id, { lastCheckId: c2.id, lastCheckedAt: 2_000 }));
    const s2 = await store.dashboard.detailStamp(w.id);
    assert.equal(s2, `${c2.id}-200-2`);
    const c3 = await store.checks.insert(unrelated.id, 3_000, up(1));
    await store.states.save(fakeState(unrelated.id, { lastCheckId: c3.id }));
    assert.equal(await store.dashboard.detailStamp(w.id), s2, "another monitor's check");
    await store.monitors.update(app.id, fields("app", { parentId: w.id }), 400);
    assert.equal(await store.dashboard.detailStamp(w.id), `${c2.id}-400-2`);
    assert.equal(await store.dashboard.detailStamp(999_999), "0-0-0");
  },
);

contract(
  "dashboard: uptimeWindows over 24 h of hours and 7 / 30 days of days",
  async ({ store }) => {
    const [a, b, none] = [
      await store.monitors.insert(fields("a"), 1),
      await store.monitors.insert(fields("b"), 1),
      await store.monitors.insert(fields("none"), 1),
    ];
    const now = Date.UTC(2025, 0, 31, 12, 34, 56);
    const hour0 = Date.UTC(2025, 0, 30, 13); // the first hour bucket of the 24 h window
    const day0 = Date.UTC(2025, 0, 2); // the first day bucket of the 30 d window
    await store.rollups.add(a.id, hour0, true, 1); // hour: in; day (Jan 30): in 7 d
    await store.rollups.add(a.id, hour0 - 1, false, 1); // hour: out; day (Jan 30): in 7 d
    await store.rollups.add(a.id, day0, false, 1); // in 30 d only
    await store.rollups.add(a.id, day0 - 1, true, 1); // in none
    await store.rollups.add(b.id, day0 + 2 * DAY, true, 1); // b: 30 d only
    const all = await store.dashboard.uptimeWindows(now);
    assert.deepEqual([...all.keys()], [a.id, b.id, none.id]);
    assert.deepEqual(all.get(a.id), { h24: 100, d7: 50, d30: (100 * 1) / 3 });
    assert.deepEqual(all.get(b.id), { h24: null, d7: null, d30: 100 });
    assert.deepEqual(all.get(none.id), { h24: null, d7: null, d30: null });
    const some = await store.dashboard.uptimeWindows(now, [b.id]);
    assert.deepEqual([...some.entries()], [[b.id, { h24: null, d7: null, d30: 100 }]]);
  },
);

contract("dashboard: statusCounts (inactive = paused, no state = pending)", async ({ store }) => {
  assert.deepEqual(await store.dashboard.statusCounts(), {
    up: 0,
    degraded: 0,
    down: 0,
    pending: 0,
    paused: 0,
  });
  const ids = [];
  for (const n of ["a", "b", "c", "d", "e"]) {
    ids.push((await store.monitors.insert(fields(n), 1)).id);
  }
  await store.states.save(fakeState(ids[0], { state: "down" }));
  await store.states.save(fakeState(ids[1], { state: "up" }));
  await store.states.save(fakeState(ids[2], { state: "up" }));
  await store.monitors.update(ids[2], fields("c", { active: false }), 2); // paused wins over up
  assert.deepEqual(await store.dashboard.statusCounts(), {
    up: 1,
    degraded: 0,
    down: 1,
    pending: 2,
    paused: 1,
  });
});

contract(
  "dashboard: statusSummary counts like statusCounts and its digest follows each status",
  async ({ store }) => {
    const empty = await store.dashboard.statusSummary();
    assert.deepEqual(empty.counts, await store.dashboard.statusCounts());
    const ids = [];
    for (const n of ["a", "b", "c"]) ids.push((await store.monitors.insert(fields(n), 1)).id);
    await store.states.save(fakeState(ids[0], { state: "up" }));
    await store.states.save(fakeState(ids[1], { state: "up" }));
    const first = await store.dashboard.statusSummary();
    assert.deepEqual(first.counts, { up: 2, degraded: 0, down: 0, pending: 1, paused: 0 });
    // The same digest the overview computes from its rows (monitor/store/records.ts).
    assert.equal(
      first.digest,
      statusDigest({
        up: statusIdHash(ids[0]) + statusIdHash(ids[1]),
        pending: statusIdHash(ids[2]),
      }),
    );
    // One up, another down, then back: counts alone could not tell the swap apart.
    await store.states.save(fakeState(ids[0], { state: "down" }));
    await store.states.save(fakeState(ids[2], { state: "up" }));
    const swapped = await store.dashboard.statusSummary();
    assert.notEqual(swapped.digest, first.digest);
    await store.states.save(fakeState(ids[2], { state: "up", degradedIncidentId: 77 }));
    const degraded = await store.dashboard.statusSummary();
    assert.equal(degraded.counts.degraded, 1);
    assert.notEqual(degraded.digest, swapped.digest);
    await store.states.save(fakeState(ids[2], { state: "up", degradedIncidentId: null }));
    assert.equal((await store.dashboard.statusSummary()).digest, swapped.digest, "a pure function");
  },
);

contract("monitors: tags round-trip as a list", async ({ store }) => {
  const m = await store.monitors.insert(fields("Shop", { tags: ["eu-west", "prod"] }), 1);
  assert.deepEqual((await store.monitors.get(m.id))!.tags, ["eu-west", "prod"]);
  await store.monitors.update(m.id, fields("Shop", { tags: [] }), 2);
  assert.deepEqual((await store.monitors.get(m.id))!.tags, []);
  assert.deepEqual((await store.monitors.list()).map((x) => x.tags), [[]]);
});

// ---------------------------------------------------------------------------------------------
// Outbox

contract(
  "outbox: insert is idempotent on (incident, kind, seq, channel, target), target case-insensitively",
  async ({ store }) => {
    const { m, i, c } = await withIncident(store, "m");
    const a = newAlert(m.id, i.id, { checkId: c.id, target: "Ops@Example.test", lastError: "x" });
    assert.equal(await store.outbox.insert(a), true);
    assert.equal(await store.outbox.insert({ ...a, status: "skipped", failures: 9 }), false);
    assert.equal(await store.outbox.insert({ ...a, target: "ops@example.TEST" }), false);
    assert.equal(await store.outbox.insert({ ...a, channel: "webhook" }), true);
    assert.equal(await store.outbox.insert({ ...a, kind: "recovered" }), true);
    assert.equal(await store.outbox.insert({ ...a, kind: "reminder", seq: 1 }), true);
    assert.equal(await store.outbox.insert({ ...a, kind: "reminder", seq: 1 }), false);
    assert.equal(await store.outbox.insert({ ...a, target: "other@example.test" }), true);
    const rows = await store.outbox.list();
    assert.equal(rows.length, 5);
    const first = rows.find((r) =>
      r.channel === "email" && r.kind === "down" && r.target === "Ops@Example.test"
    )!;
    assert.deepEqual(first, {
      id: first.id,
      monitorId: m.id,
      monitorName: "m",
      incidentId: i.id,
      kind: "down",
      seq: 0,
      channel: "email",
      target: "Ops@Example.test",
      status: "pending",
      groupedInto: null,
      checkId: c.id,
      failures: 3,
      threshold: 3,
      subject: null,
      attempts: 0,
      lastError: "x",
      response: null,
      createdAt: 1_000,
      nextAttemptAt: 1_000,
      sentAt: null,
    });
  },
);

contract(
  "outbox: find matches seq 0 of (incident, kind, channel, target), target case-insensitively",
  async ({ store }) => {
    const { m, i } = await withIncident(store, "m");
    await store.outbox.insert(newAlert(m.id, i.id, { target: "A@x.test" }));
    await store.outbox.insert(
      newAlert(m.id, i.id, { kind: "reminder", seq: 1, target: "A@x.test" }),
    );
    const found = await store.outbox.find(i.id, "down", "email", "a@X.TEST");
    assert.equal(found?.target, "A@x.test");
    assert.equal(found?.kind, "down");
    assert.equal(
      await store.outbox.find(i.id, "reminder", "email", "a@x.test"),
      null,
      "seq 0 only",
    );
    assert.equal(await store.outbox.find(i.id, "down", "webhook", "a@x.test"), null);
    assert.equal(await store.outbox.find(i.id, "recovered", "email", "a@x.test"), null);
    assert.equal(await store.outbox.find(i.id + 1, "down", "email", "a@x.test"), null);
  },
);

contract(
  "outbox: foldChildAlerts groups an app's pending DOWN (outage open) and RECOVERED (overlapping) rows",
  async ({ store }) => {
    const w = await withIncident(store, "w", 10_000);
    const app = await store.monitors.insert(fields("app", { parentId: w.m.id }), 1);
    const stranger = await store.monitors.insert(fields("stranger"), 1);
    const open = await store.incidents.open(
      await store.checks.insert(app.id, 9_000, down()),
      9_000,
      1,
    );
    const flap = await store.incidents.open(
      await store.checks.insert(app.id, 5_000, down()),
      5_000,
      1,
    );
    await store.incidents.close(flap.id, 6_000); // ended before the website's outage began
    const strangerIncident = await store.incidents.open(
      await store.checks.insert(stranger.id, 9_000, down()),
      9_000,
      1,
    );
    await store.outbox.insert(newAlert(app.id, open.id, { target: "OPS@example.test" }));
    await store.outbox.insert(newAlert(app.id, open.id, { target: "other@example.test" }));
    await store.outbox.insert(newAlert(app.id, open.id, { channel: "webhook" }));
    await store.outbox.insert(newAlert(app.id, flap.id));
    await store.outbox.insert(newAlert(app.id, flap.id, { kind: "recovered" }));
    await store.outbox.insert(newAlert(stranger.id, strangerIncident.id));
    assert.equal(
      await store.outbox.foldChildAlerts(w.m.id, "down", "email", "ops@example.test", w.i.id),
      1,
    );
    const byIncident = async (id: number) =>
      (await store.outbox.list()).filter((r) => r.incidentId === id);
    const folded = (await byIncident(open.id)).find((r) => r.target === "OPS@example.test")!;
    assert.equal(folded.status, "grouped");
    assert.equal(folded.groupedInto, w.i.id);
    assert.deepEqual(
      (await byIncident(open.id)).filter((r) => r.status === "pending").map((r) => r.target).sort(),
      ["ops@example.test", "other@example.test"],
    );
    assert.deepEqual(
      (await byIncident(flap.id)).map((r) => r.status),
      ["pending", "pending"],
      "flap kept",
    );
    assert.equal((await byIncident(strangerIncident.id))[0].status, "pending");
    assert.equal(
      await store.outbox.foldChildAlerts(w.m.id, "down", "email", "ops@example.test", w.i.id),
      0,
    );
    // RECOVERED: the flap ended before the website's outage started: not listed, not folded.
    assert.equal(
      await store.outbox.foldChildAlerts(w.m.id, "recovered", "email", "ops@example.test", w.i.id),
      0,
    );
    await store.incidents.close(open.id, 12_000);
    await store.outbox.insert(newAlert(app.id, open.id, { kind: "recovered" }));
    assert.equal(
      await store.outbox.foldChildAlerts(w.m.id, "recovered", "email", "ops@example.test", w.i.id),
      1,
    );
    assert.equal(
      await store.outbox.foldChildAlerts(w.m.id, "down", "email", "other@example.test", w.i.id),
      0,
      "the app recovered meanwhile",
    );
    assert.equal(
      await store.outbox.foldChildAlerts(
        w.m.id,
        "recovered",
        "email",
        "ops@example.test",
        w.i.id + 999,
      ),
      0,
      "unknown website incident",
    );
  },
);

contract(
  "outbox: due, nextDueByChannel and nextDueAt read pending rows only",
  async ({ store }) => {
    const { m, i } = await withIncident(store, "m");
    assert.equal(await store.outbox.nextDueAt(), null);
    assert.deepEqual([...(await store.outbox.nextDueByChannel()).entries()], []);
    await store.outbox.insert(newAlert(m.id, i.id, { target: "late@x", nextAttemptAt: 3_000 }));
    await store.outbox.insert(newAlert(m.id, i.id, { target: "b@x", nextAttemptAt: 2_000 }));
    await store.outbox.insert(newAlert(m.id, i.id, { target: "a@x", nextAttemptAt: 2_000 }));
    await store.outbox.insert(
      newAlert(m.id, i.id, { channel: "webhook", target: "h", nextAttemptAt: 1_500 }),
    );
    await store.outbox.insert(
      newAlert(m.id, i.id, { target: "skip@x", status: "skipped", nextAttemptAt: 1 }),
    );
    await store.outbox.insert(newAlert(m.id, i.id, { target: "future@x", nextAttemptAt: 9_000 }));
    const due = await store.outbox.due(3_000, 10);
    assert.deepEqual(
      due.map((r) => r.target),
      ["h", "b@x", "a@x", "late@x"],
      "oldest due first, then id",
    );
    assert.deepEqual((await store.outbox.due(3_000, 2)).map((r) => r.target), ["h", "b@x"]);
    assert.deepEqual((await store.outbox.due(3_000, 10, ["webhook"])).map((r) => r.target), [
      "b@x",
      "a@x",
      "late@x",
    ]);
    assert.deepEqual(
      (await store.outbox.due(3_000, 10, ["email", "webhook"])).map((r) => r.target),
      [],
    );
    assert.deepEqual((await store.outbox.due(1_999, 10)).map((r) => r.target), ["h"]);
    assert.deepEqual([...(await store.outbox.nextDueByChannel()).entries()], [["email", 2_000], [
      "webhook",
      1_500,
    ]]);
    assert.equal(await store.outbox.nextDueAt(), 1_500);
  },
);

contract("outbox: claim once, then markSent / markRetry / markFinal", async ({ store }) => {
  const { m, i } = await withIncident(store, "m");
  for (const t of ["a@x", "b@x", "c@x"]) {
    await store.outbox.insert(newAlert(m.id, i.id, { target: t }));
  }
  const [a, b, c] = await store.outbox.due(5_000, 10);
  assert.equal(await store.outbox.claim(a.id, "DOWN: m"), true);
  assert.equal(await store.outbox.claim(a.id, "again"), false, "the second claim loses");
  let rowA = (await store.outbox.list()).find((r) => r.id === a.id)!;
  assert.deepEqual([rowA.status, rowA.attempts, rowA.subject], ["sending", 1, "DOWN: m"]);
  assert.deepEqual((await store.outbox.due(5_000, 10)).map((r) => r.id), [b.id, c.id]);
  await store.outbox.markSent(a.id, 6_000, "250 OK queued");
  rowA = (await store.outbox.list()).find((r) => r.id === a.id)!;
  assert.deepEqual([rowA.status, rowA.sentAt, rowA.response, rowA.lastError], [
    "sent",
    6_000,
    "250 OK queued",
    null,
  ]);

  assert.equal(await store.outbox.claim(b.id, "DOWN: m"), true);
  await store.outbox.markRetry(b.id, 60_000, "421 try later");
  const rowB = (await store.outbox.list()).find((r) => r.id === b.id)!;
  assert.deepEqual([rowB.status, rowB.nextAttemptAt, rowB.lastError, rowB.attempts], [
    "pending",
    60_000,
    "421 try later",
    1,
  ]);
  assert.equal(await store.outbox.claim(b.id, "DOWN: m"), true, "pending again");

  await store.outbox.markFinal(c.id, "skipped", "email disabled");
  const rowC = (await store.outbox.list()).find((r) => r.id === c.id)!;
  assert.deepEqual([rowC.status, rowC.lastError], ["skipped", "email disabled"]);
  assert.equal(await store.outbox.claim(c.id, "x"), false);
  await store.outbox.markFinal(c.id, "failed", "gave up");
  assert.equal((await store.outbox.list()).find((r) => r.id === c.id)!.status, "failed");
});

contract("outbox: requeueInterrupted and expire", async ({ store }) => {
  const { m, i } = await withIncident(store, "m");
  for (const t of ["a@x", "b@x", "c@x", "d@x"]) {
    await store.outbox.insert(
      newAlert(m.id, i.id, { target: t, createdAt: t === "d@x" ? 9_000 : 1_000 }),
    );
  }
  const [a, b, c, d] = await store.outbox.due(10_000, 10);
  await store.outbox.claim(a.id, "s");
  await store.outbox.claim(b.id, "s");
  await store.outbox.markSent(b.id, 2_000, "250");
  assert.equal(await store.outbox.requeueInterrupted(7_000), 1);
  const rowA = (await store.outbox.list()).find((r) => r.id === a.id)!;
  assert.deepEqual([rowA.status, rowA.nextAttemptAt, rowA.lastError, rowA.attempts], [
    "pending",
    7_000,
    "Interrupted during sending (restart); sending again",
    1,
  ]);
  assert.equal(await store.outbox.requeueInterrupted(7_000), 0);

  await store.outbox.markRetry(c.id, 8_000, "421 busy");
  // a (pending, 1 attempt, an error) and c (pending, an error) are old; d is new; b was sent.
  assert.equal(await store.outbox.expire(5_000, 1), 2);
  const rows = new Map((await store.outbox.list()).map((r) => [r.id, r]));
  assert.equal(rows.get(a.id)!.status, "failed");
  // SQLite prints a REAL parameter as "1.0"; the sender writes `${hours} h` ("1 h").
  assert.match(
    rows.get(a.id)!.lastError!,
    /^Gave up after 1 attempt\(s\) in 1(\.0)? h: Interrupted during sending \(restart\); sending again$/,
  );
  assert.match(rows.get(c.id)!.lastError!, /^Gave up after 0 attempt\(s\) in 1(\.0)? h: 421 busy$/);
  assert.equal(rows.get(d.id)!.status, "pending");
  assert.equal(rows.get(b.id)!.status, "sent");
  await store.outbox.insert(newAlert(m.id, i.id, { target: "e@x", createdAt: 100 }));
  assert.equal(await store.outbox.expire(5_000, 48), 1);
  assert.match(
    (await store.outbox.list()).find((r) => r.target === "e@x")!.lastError!,
    /^Gave up after 0 attempt\(s\) in 48(\.0)? h$/,
    "no error yet: no colon",
  );
});

contract("outbox: list filters and order, counts, activity, prune", async ({ store }) => {
  const one = await withIncident(store, "one");
  const two = await withIncident(store, "two");
  await store.outbox.insert(newAlert(one.m.id, one.i.id, { target: "a", createdAt: 1_000 }));
  await store.outbox.insert(newAlert(one.m.id, one.i.id, { target: "b", createdAt: 3_000 }));
  await store.outbox.insert(newAlert(two.m.id, two.i.id, { target: "c", createdAt: 2_000 }));
  await store.outbox.insert(
    newAlert(two.m.id, two.i.id, {
      target: "d",
      createdAt: 2_000,
      status: "skipped",
      lastError: "off",
    }),
  );
  assert.deepEqual(await store.outbox.counts(), {
    pending: 3,
    sending: 0,
    sent: 0,
    failed: 0,
    skipped: 1,
    grouped: 0,
  });
  assert.deepEqual(await store.outbox.activity(), { lastSentAt: null, lastError: null });
  const all = await store.outbox.list();
  assert.deepEqual(all.map((r) => r.target), ["b", "d", "c", "a"], "newest first, then id");
  assert.deepEqual(all.map((r) => r.monitorName), ["one", "two", "two", "one"]);
  assert.deepEqual((await store.outbox.list({ limit: 2 })).map((r) => r.target), ["b", "d"]);
  assert.deepEqual((await store.outbox.list({ status: "pending" })).map((r) => r.target), [
    "b",
    "c",
    "a",
  ]);
  assert.deepEqual((await store.outbox.list({ monitorId: two.m.id })).map((r) => r.target), [
    "d",
    "c",
  ]);
  assert.deepEqual(
    (await store.outbox.list({ monitorId: two.m.id, status: "skipped" })).map((r) => r.target),
    ["d"],
  );
  assert.deepEqual(await store.outbox.list({ status: "sent" }), []);

  const [a, b, c] = await store.outbox.due(10_000, 10);
  await store.outbox.claim(a.id, "s");
  await store.outbox.markSent(a.id, 5_000, "250");
  await store.outbox.claim(c.id, "s");
  await store.outbox.markSent(c.id, 4_000, "250");
  await store.outbox.markRetry(b.id, 20_000, "first error");
  const x = await store.outbox.list({ status: "pending" });
  assert.deepEqual(x.map((r) => r.target), ["b"]);
  assert.deepEqual(await store.outbox.activity(), { lastSentAt: 5_000, lastError: "first error" });
  await store.outbox.markFinal(b.id, "failed", "final error");
  assert.deepEqual(await store.outbox.activity(), { lastSentAt: 5_000, lastError: "final error" });
  assert.deepEqual(await store.outbox.counts(), {
    pending: 0,
    sending: 0,
    sent: 2,
    failed: 1,
    skipped: 1,
    grouped: 0,
  });

  await store.outbox.insert(newAlert(one.m.id, one.i.id, { target: "old-pending", createdAt: 1 }));
  // Finished rows created before 2,500: a (sent, 1,000), c and d (2,000); pending ones stay.
  assert.equal(await store.outbox.prune(2_500), 3);
  assert.deepEqual((await store.outbox.list()).map((r) => r.target), ["b", "old-pending"]);
});

// ---------------------------------------------------------------------------------------------
// Alert facts

contract(
  "alertFacts: appOutagesDuring lists the apps' incidents overlapping the window",
  async ({ store }) => {
    const w = await store.monitors.insert(fields("w"), 1);
    const app1 = await store.monitors.insert(
      fields("app1", { parentId: w.id, url: "http://10.0.0.1:81/secret?k=v" }),
      1,
    );
    const app2 = await store.monitors.insert(fields("app2", { parentId: w.id }), 1);
    const other = await store.monitors.insert(fields("other"), 1);
    const inc = async (id: number, start: number, end: number | null) => {
      const c = await store.checks.insert(id, start, {
        ...down("503"),
        httpStatus: 503,
        errorKind: "unexpected_status",
      });
      const i = await store.incidents.open(c, start, 1);
      if (end !== null) await store.incidents.close(i.id, end);
      return i;
    };
    await inc(app1.id, 1_000, 1_999); // ended before the window
    const b = await inc(app2.id, 1_500, 2_000); // ends at the window's start: overlaps
    const c = await inc(app1.id, 3_000, null); // open
    const d = await inc(app1.id, 2_500, 2_800);
    await inc(app1.id, 5_001, null); // starts after the window
    await inc(other.id, 3_000, null); // not an app of w
    const rows = await store.alertFacts.appOutagesDuring(w.id, 2_000, 5_000);
    assert.deepEqual(rows.map((r) => [r.monitorId, r.startedAt, r.endedAt]), [
      [app2.id, b.startedAt, 2_000],
      [app1.id, d.startedAt, 2_800],
      [app1.id, c.startedAt, null],
    ]);
    assert.deepEqual(rows[2], {
      monitorId: app1.id,
      name: "app1",
      url: "http://10.0.0.1:81/secret?k=v",
      startedAt: 3_000,
      endedAt: null,
      errorKind: "unexpected_status",
      httpStatus: 503,
      errorMessage: "503",
    });
  },
);

contract("alertFacts: openReminderIncidents and sentDownsAwaitingReminder", async ({ store }) => {
  const r1 = await withIncident(store, "r1", 1_000, { reminderIntervalMin: 30 });
  const r2 = await withIncident(store, "r2", 1_000, { reminderIntervalMin: 5 });
  const paused = await withIncident(store, "paused", 1_000, {
    reminderIntervalMin: 30,
    active: false,
  });
  const never = await withIncident(store, "never", 1_000, { reminderIntervalMin: null });
  for (const x of [r1, r2, paused, never]) {
    await store.states.save(fakeState(x.m.id, { state: "down", openIncidentId: x.i.id }));
  }
  const r3 = await withIncident(store, "r3", 1_000, { reminderIntervalMin: 10 });
  await store.states.save(fakeState(r3.m.id, { state: "up", openIncidentId: null }));
  assert.deepEqual(await store.alertFacts.openReminderIncidents(), [
    { incidentId: r1.i.id, everyMin: 30 },
    { incidentId: r2.i.id, everyMin: 5 },
  ]);

  const { m, i } = r1;
  for (const t of ["a@x", "B@x", "c@x", "d@x"]) {
    await store.outbox.insert(newAlert(m.id, i.id, { target: t }));
  }
  await store.outbox.insert(newAlert(m.id, i.id, { channel: "webhook", target: "hook" }));
  await store.outbox.insert(newAlert(m.id, i.id, { kind: "recovered", target: "a@x" }));
  for (const row of await store.outbox.due(10_000, 10)) {
    if (row.target === "d@x") continue; // never sent
    await store.outbox.claim(row.id, "s");
    await store.outbox.markSent(row.id, 2_000, "250");
  }
  // b@x has a reminder pending (matched case-insensitively); c@x's reminder was sent.
  await store.outbox.insert(newAlert(m.id, i.id, { kind: "reminder", seq: 1, target: "b@X" }));
  await store.outbox.insert(
    newAlert(m.id, i.id, { kind: "reminder", seq: 1, target: "c@x", nextAttemptAt: 3_000 }),
  );
  const [rem] = (await store.outbox.due(10_000, 10)).filter((r) => r.target === "c@x");
  await store.outbox.claim(rem.id, "s");
  await store.outbox.markSent(rem.id, 3_000, "250");
  const awaiting = await store.alertFacts.sentDownsAwaitingReminder(i.id);
  assert.deepEqual(awaiting.map((r) => [r.channel, r.target, r.kind, r.status]), [
    ["email", "a@x", "down", "sent"],
    ["email", "c@x", "down", "sent"],
    ["webhook", "hook", "down", "sent"],
  ]);
  assert.deepEqual(await store.alertFacts.sentDownsAwaitingReminder(r2.i.id), []);
});

// ---------------------------------------------------------------------------------------------
// Accounts

contract(
  "users: count, insert, find by name (case-insensitively), get, credentials",
  async ({ store }) => {
    assert.equal(await store.users.count(), 0);
    const u = await store.users.insert({
      username: "Ada",
      email: null,
      passwordHash: "h1",
      createdAt: 5,
    });
    assert.deepEqual(u, { id: u.id, username: "Ada", email: null, isAdmin: true, createdAt: 5 });
    const v = await store.users.insert({
      username: "bob",
      email: "bob@x.test",
      passwordHash: "h2",
      createdAt: 6,
    });
    assert.equal(v.email, "bob@x.test");
    assert.equal(await store.users.count(), 2);
    assert.deepEqual(await store.users.findByName("Ada"), u);
    assert.deepEqual(await store.users.findByName("aDA"), u, "names compare case-insensitively");
    assert.equal(await store.users.findByName("ad"), null);
    assert.deepEqual(await store.users.get(u.id), u);
    assert.equal(await store.users.get(v.id + 100), null);
    assert.deepEqual(await store.users.findCredentials("ada"), { user: u, passwordHash: "h1" });
    assert.equal(await store.users.findCredentials("nobody"), null);
    assert.ok(!("passwordHash" in u), "a User never carries the hash");
  },
);

contract(
  "users: a taken name in another case is a StoreConflictError, also inside a transaction",
  async ({ store }) => {
    await store.users.insert({ username: "ada", email: null, passwordHash: "h", createdAt: 1 });
    await assert.rejects(
      store.users.insert({ username: "ADA", email: null, passwordHash: "x", createdAt: 2 }),
      (err) => err instanceof StoreConflictError && err.constraint === "users.username",
    );
    // Non-ASCII letters are not folded (SQLite's NOCASE): distinct names.
    await store.users.insert({ username: "élan", email: null, passwordHash: "h", createdAt: 1 });
    await store.users.insert({ username: "Élan", email: null, passwordHash: "h", createdAt: 1 });
    // A conflict caught inside a transaction leaves the transaction usable.
    const id = await store.transaction(async (tx) => {
      await assert.rejects(
        tx.users.insert({ username: "Ada", email: null, passwordHash: "x", createdAt: 3 }),
        StoreConflictError,
      );
      return (await tx.users.insert({
        username: "carol",
        email: null,
        passwordHash: "c",
        createdAt: 4,
      })).id;
    });
    assert.equal((await store.users.get(id))?.username, "carol");
    assert.equal(await store.users.count(), 4);
  },
);

contract("sessions: insert, find (valid vs expired), delete, prune", async ({ store }) => {
  const u = await store.users.insert({
    username: "ada",
    email: null,
    passwordHash: "h",
    createdAt: 1,
  });
  const s = {
    tokenHash: "th1",
    userId: u.id,
    csrfToken: "csrf1",
    createdAt: 100,
    expiresAt: 1_000,
  };
  const id = await store.sessions.insert(s);
  assert.ok(Number.isInteger(id) && id > 0);
  const id2 = await store.sessions.insert({ ...s, tokenHash: "th2", expiresAt: 2_000 });
  assert.deepEqual(await store.sessions.find("th1", 999), {
    id,
    userId: u.id,
    username: "ada",
    csrfToken: "csrf1",
    createdAt: 100,
    expiresAt: 1_000,
  });
  assert.equal(await store.sessions.find("th1", 1_000), null, "expired at expiresAt");
  assert.equal(await store.sessions.find("nope", 0), null);
  await store.sessions.insert({ ...s, tokenHash: "th3", expiresAt: 500 });
  assert.equal(await store.sessions.prune(1_000), 2, "th1 (at) and th3 (before)");
  assert.equal((await store.sessions.find("th2", 1_500))?.id, id2);
  assert.equal(await store.sessions.delete("th2"), true);
  assert.equal(await store.sessions.delete("th2"), false);
  assert.equal(await store.sessions.find("th2", 1_500), null);
  assert.equal(await store.sessions.prune(10_000), 0);
});

contract("tokens: insert, findByHash, touch, list newest first, delete", async ({ store }) => {
  const a = await store.tokens.insert({
    name: "a",
    tokenHash: "ha",
    prefix: "shc_a",
    createdAt: 1,
  });
  const b = await store.tokens.insert({
    name: "b",
    tokenHash: "hb",
    prefix: "shc_b",
    createdAt: 2,
  });
  const c = await store.tokens.insert({
    name: "c",
    tokenHash: "hc",
    prefix: "shc_c",
    createdAt: 2,
  });
  assert.deepEqual(a, { id: a.id, name: "a", prefix: "shc_a", createdAt: 1, lastUsedAt: null });
  assert.deepEqual(await store.tokens.findByHash("ha"), a);
  assert.equal(await store.tokens.findByHash("HA"), null, "hashes compare exactly");
  await store.tokens.touch(a.id, 99);
  assert.equal((await store.tokens.findByHash("ha"))?.lastUsedAt, 99);
  assert.deepEqual((await store.tokens.list()).map((t) => t.id), [c.id, b.id, a.id]);
  assert.equal(await store.tokens.delete(a.id), true);
  assert.equal(await store.tokens.delete(a.id), false);
  assert.deepEqual((await store.tokens.list()).map((t) => t.name), ["c", "b"]);
});

// ---------------------------------------------------------------------------------------------
// Transactions

contract("transaction: commits every write together and returns fn's value", async ({ store }) => {
  const result = await store.transaction(async (tx) => {
    const m = await tx.monitors.insert(fields("m"), 1);
    const c = await tx.checks.insert(m.id, 1_000, up(5));
    await tx.states.save(fakeState(m.id, { state: "up", lastCheckId: c.id }));
    await tx.rollups.add(m.id, 1_000, true, 5);
    assert.deepEqual(
      (await tx.checks.recent(m.id, 5)).map((x) => x.id),
      [c.id],
      "reads its own writes",
    );
    return { m, c };
  });
  assert.deepEqual(await store.monitors.get(result.m.id), result.m);
  assert.deepEqual(await store.checks.get(result.c.id), result.c);
  assert.equal((await store.states.get(result.m.id)).lastCheckId, result.c.id);
  assert.equal((await store.rollups.uptime(result.m.id, "hour", 0)).count, 1);
});

contract(
  "transaction: an error thrown inside rolls back every write and is rethrown as is",
  async ({ store }) => {
    const keep = await store.monitors.insert(fields("keep"), 1);
    const boom = new Error("boom");
    const ids: Record<string, number> = {};
    await assert.rejects(
      store.transaction(async (tx) => {
        const m = await tx.monitors.insert(fields("gone"), 1);
        ids.m = m.id;
        const c = await tx.checks.insert(keep.id, 1_000, down());
        ids.c = c.id;
        await tx.states.save(fakeState(keep.id, { state: "down" }));
        await tx.monitors.update(keep.id, fields("renamed"), 2);
        const i = await tx.incidents.open(c, 1_000, 1);
        ids.i = i.id;
        await tx.outbox.insert(newAlert(keep.id, i.id));
        await tx.users.insert({ username: "u", email: null, passwordHash: "h", createdAt: 1 });
        throw boom;
      }),
      (err) => err === boom,
    );
    assert.equal(await store.monitors.get(ids.m), null);
    assert.equal(await store.checks.get(ids.c), null);
    assert.equal(await store.incidents.get(ids.i), null);
    assert.equal((await store.monitors.get(keep.id))?.name, "keep");
    assert.deepEqual(await store.states.all(), new Map());
    assert.deepEqual(await store.outbox.list(), []);
    assert.equal(await store.users.count(), 0);
    assert.deepEqual((await store.monitors.list()).map((m) => m.name), ["keep"]);
  },
);

contract(
  "transaction: concurrent read-modify-write transactions never lose an update",
  async ({ store }) => {
    const m = await store.monitors.insert(fields("m"), 1);
    await store.states.save(fakeState(m.id, { consecutiveFailures: 0 }));
    let attempts = 0;
    let read = 0;
    const increment = () =>
      store.transaction(async (tx) => {
        attempts++;
        const s = await tx.states.get(m.id);
        read++;
        // Let the other one read too (PostgreSQL runs both at once; SQLite one after the other).
        const until = Date.now() + 200;
        while (read < 2 && Date.now() < until) await sleep(5);
        await tx.states.save({ ...s, consecutiveFailures: s.consecutiveFailures + 1 });
      });
    await Promise.all([increment(), increment()]);
    assert.equal((await store.states.get(m.id)).consecutiveFailures, 2);
    assert.ok(attempts >= 2);
  },
);

contract(
  "transaction: a write made elsewhere while it is open is neither part of it nor lost with it",
  async ({ store }) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => release = r);
    let inside!: () => void;
    const opened = new Promise<void>((r) => inside = r);
    const rolledBack = store.transaction(async (tx) => {
      await tx.monitors.insert(fields("inside"), 1);
      inside();
      await gate; // the transaction stays open across event-loop turns
      throw new Error("roll back");
    });
    await opened;
    const outside = store.monitors.insert(fields("outside"), 2);
    release();
    await assert.rejects(rolledBack, /roll back/);
    await outside;
    assert.deepEqual((await store.monitors.list()).map((m) => m.name), ["outside"]);
  },
);

contract("transaction: waits out another connection's write lock", async ({ store, env }) => {
  await env.holdWriteLock(300);
  const started = Date.now();
  const m = await store.transaction((tx) => tx.monitors.insert(fields("m"), 1));
  assert.ok(Date.now() - started >= 250, `took only ${Date.now() - started} ms`);
  assert.equal((await store.monitors.get(m.id))?.name, "m");
});

contract(
  "storage failures: a read-only database refuses writes as StorageError and health says so",
  async ({ store, env }) => {
    const m = await store.monitors.insert(fields("m"), 1);
    const ro = await env.openReadOnly();
    assert.deepEqual(ro.health.status().ok, true);
    await assert.rejects(
      ro.monitors.insert(fields("x"), 1),
      (err) => err instanceof StorageError && err.kind === "readonly",
    );
    const s = ro.health.status();
    assert.deepEqual([s.ok, s.cause, s.failedWrites], [false, "readonly", 1]);
    const started = Date.now();
    await assert.rejects(
      ro.transaction((tx) => tx.checks.insert(m.id, 1, up(1))),
      (err) => err instanceof StorageError && err.kind === "readonly",
    );
    assert.ok(Date.now() - started < 5_000, "not retried for the default 30 s");
    // The refused transaction counts once more, also when BEGIN itself is refused (SQLite).
    assert.equal(ro.health.status().failedWrites, 2);
    assert.equal(ro.health.status().ok, false);
    assert.deepEqual((await ro.monitors.list()).map((x) => x.id), [m.id], "reads still work");
    // The healthy store's commits are its own.
    await store.transaction((tx) => tx.checks.insert(m.id, 1, up(1)));
    assert.equal(store.health.status().ok, true);
  },
);

// ---------------------------------------------------------------------------------------------
// Migrations

contract(
  "migrations: reopening an up-to-date database changes nothing and keeps the data",
  async ({ store, env }) => {
    const m = await store.monitors.insert(fields("m"), 1);
    await store.close();
    const again = await env.open();
    assert.deepEqual(await again.monitors.get(m.id), m);
    const third = await env.open();
    assert.deepEqual((await third.monitors.list()).map((x) => x.id), [m.id]);
    const n = await third.monitors.insert(fields("n"), 2);
    assert.ok(n.id > m.id);
  },
);

contract(
  "migrations: stores opened at the same moment on a new database both work",
  async ({ env }) => {
    const [a, b, c] = await Promise.all([env.open(), env.open(), env.open()]);
    const m = await a.monitors.insert(fields("m"), 1);
    assert.deepEqual(await b.monitors.get(m.id), m);
    assert.deepEqual(await c.monitors.get(m.id), m);
  },
  { unopened: true },
);

contract("migrations: a schema newer than this build is refused", async ({ store, env }) => {
  await env.setFutureSchemaVersion(store, 99);
  await assert.rejects(
    env.open(),
    /^Error: Cannot open database: its schema version 99 is newer than this build knows \(\d+\); upgrade Server Health Checker$/,
  );
});

// ---------------------------------------------------------------------------------------------
// PostgreSQL only: the parts of the contract only a server can break

contract(
  "postgres: times come back as numbers; the URL's search_path selects the schema",
  async ({ store, env }) => {
    const pg = store as PostgresStore;
    const [r] = await pg.sql`SELECT current_schema() AS s`;
    assert.equal(r.s, env.schema);
    const m = await store.monitors.insert(fields("m"), 1_700_000_000_123);
    const c = await store.checks.insert(m.id, 1_700_000_000_456, up(1.25));
    for (const v of [m.id, m.createdAt, c.id, c.checkedAt, c.latencyMs]) {
      assert.equal(
        typeof v,
        "number",
      );
    }
    assert.equal((await store.dashboard.overviewStamp()).monitorCount, 1);
    const [v] = await pg
      .sql`SELECT array_agg(version ORDER BY version) AS v FROM schema_migrations`;
    assert.deepEqual(v.v, PG_MIGRATIONS.map((x) => x.version));
  },
  { only: "postgres" },
);

contract(
  "postgres: a serialization failure is retried until retryForMs, then thrown as busy",
  async ({ store }) => {
    const m = await store.monitors.insert(fields("m"), 1);
    await store.states.save(fakeState(m.id));
    const pg = store as PostgresStore;
    let attempts = 0;
    // Each attempt reads the row, which another connection then changes before the write.
    const contend = (retryForMs: number, signal?: AbortSignal) =>
      store.transaction(async (tx) => {
        attempts++;
        const s = await tx.states.get(m.id);
        await pg
          .sql`UPDATE monitor_state SET changed_at = changed_at + 1 WHERE monitor_id = ${m.id}`;
        await tx.states.save({ ...s, consecutiveFailures: s.consecutiveFailures + 1 });
      }, { retryForMs, signal });
    await assert.rejects(
      contend(200),
      (err) => err instanceof StorageError && err.kind === "busy" && /40001/.test(err.message),
    );
    assert.ok(attempts > 2, `${attempts} attempts`);
    assert.equal(store.health.status().ok, true, "conflicts are not storage failures");
    attempts = 0;
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      contend(30_000, ac.signal),
      (err) => err instanceof StorageError && err.kind === "busy",
    );
    assert.equal(attempts, 1, "an aborted signal stops retrying");
    assert.equal((await store.states.get(m.id)).consecutiveFailures, 0);
  },
  { only: "postgres" },
);

contract(
  "postgres: a connection lost inside a transaction is retried on a new one",
  async ({ store }) => {
    const pg = store as PostgresStore;
    const admin = postgres(pgUrl!, { max: 1, onnotice: () => {} });
    try {
      let attempts = 0;
      const m = await store.transaction(async (tx) => {
        attempts++;
        const m = await tx.monitors.insert(fields(`m${attempts}`), 1);
        if (attempts === 1) {
          const [{ pid }] = await pg.sql`SELECT pid FROM pg_stat_activity
          WHERE state LIKE 'idle in transaction%' AND datname = current_database()
            AND application_name = 'server-health-checker'`;
          await admin`SELECT pg_terminate_backend(${pid})`;
        }
        await tx.checks.insert(m.id, 1, up(1));
        return m;
      });
      assert.equal(attempts, 2);
      assert.deepEqual((await store.monitors.list()).map((x) => x.name), ["m2"]);
      assert.equal((await store.checks.recent(m.id, 5)).length, 1);
      assert.equal(store.health.status().ok, true, "committed in the end");
    } finally {
      await admin.end();
    }
  },
  { only: "postgres" },
);

contract("postgres: an unreachable server is StorageError unavailable at open", async () => {
  const url = new URL(pgUrl!);
  url.port = "1"; // nothing listens there
  await assert.rejects(
    openPostgresStore(url.toString(), { connectTimeoutS: 2 }),
    (err) => err instanceof StorageError && err.kind === "unavailable",
  );
  const missing = urlForSchema(pgUrl!, "no_such_schema_here");
  await assert.rejects(openPostgresStore(missing), /no schema of its search_path/);
}, { only: "postgres" });

// ---------------------------------------------------------------------------------------------
// The PostgreSQL error mapping (no server needed)

Deno.test("postgres errors: SQLSTATEs and socket errors map to storage causes", () => {
  const pgError = (code: string) =>
    Object.assign(new Error(`server says ${code}`), { name: "PostgresError", code });
  const cases: [unknown, string | null][] = [
    [pgError("53100"), "disk_full"],
    [pgError("53200"), "io"],
    [pgError("53300"), "unavailable"],
    [pgError("58030"), "io"],
    [pgError("57P01"), "unavailable"],
    [pgError("57P03"), "unavailable"],
    [pgError("08006"), "unavailable"],
    [pgError("28P01"), "unavailable"],
    [pgError("3D000"), "unavailable"],
    [pgError("40001"), "busy"],
    [pgError("40P01"), "busy"],
    [pgError("55P03"), "busy"],
    [pgError("25006"), "readonly"],
    [pgError("XX001"), "corrupt"],
    [pgError("23505"), null],
    [pgError("23503"), null],
    [pgError("42P01"), null],
    [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
      "unavailable",
    ],
    [Object.assign(new Error("write CONNECT_TIMEOUT"), { code: "CONNECT_TIMEOUT" }), "unavailable"],
    [
      Object.assign(new Error("write CONNECTION_CLOSED"), { code: "CONNECTION_CLOSED" }),
      "unavailable",
    ],
    [Object.assign(new Error("disk full"), { code: "SOMETHING_ELSE" }), null],
    [new Error("a bug"), null],
    ["not an error", null],
  ];
  for (const [err, cause] of cases) assert.equal(storageCause(err), cause, String(err));
  const mapped = toStorageError(pgError("53100"));
  assert.ok(mapped instanceof StorageError);
  assert.equal(mapped.kind, "disk_full");
  assert.equal(mapped.detail, "53100: server says 53100");
  assert.equal(StorageError.from(mapped), mapped, "services' StorageError.from() sees it");
});

// ---------------------------------------------------------------------------------------------
// Channels

const slackFields = (name: string, isDefault = false) => ({
  kind: "slack",
  name,
  config: { url: "https://hooks.slack.test/services/T0/B0/secret" },
  isDefault,
});

contract("channels: insert, get, list by name, update and delete", async ({ store }) => {
  const b = await store.channels.insert(slackFields("b ops"), 10);
  const a = await store.channels.insert(slackFields("a pager", true), 11);
  assert.deepEqual(await store.channels.get(b.id), {
    id: b.id,
    kind: "slack",
    name: "b ops",
    config: { url: "https://hooks.slack.test/services/T0/B0/secret" },
    isDefault: false,
    createdAt: 10,
    updatedAt: 10,
  });
  assert.deepEqual((await store.channels.list()).map((c) => [c.name, c.isDefault]), [
    ["a pager", true],
    ["b ops", false],
  ]);
  const changed = await store.channels.update(
    b.id,
    { ...slackFields("b ops"), config: { url: "https://x.test/h" }, isDefault: true },
    20,
  );
  assert.deepEqual([changed?.config, changed?.isDefault, changed?.createdAt, changed?.updatedAt], [
    { url: "https://x.test/h" },
    true,
    10,
    20,
  ]);
  assert.equal(await store.channels.update(999, slackFields("x"), 1), null);
  assert.equal(await store.channels.delete(a.id), true);
  assert.equal(await store.channels.delete(a.id), false);
  assert.equal(await store.channels.get(a.id), null);
  const c = await store.channels.insert(slackFields("c"), 30);
  assert.ok(c.id > a.id, "a deleted channel's id is not reused");
});

contract(
  "channels: deleting one takes it off every monitor without counting as an edit",
  async ({ store }) => {
    const one = await store.channels.insert(slackFields("one"), 1);
    const two = await store.channels.insert(slackFields("two"), 1);
    const m = await store.monitors.insert(fields("m", { channelIds: [one.id, two.id] }), 5);
    const other = await store.monitors.insert(fields("o", { channelIds: [two.id] }), 5);
    assert.deepEqual((await store.monitors.get(m.id))?.channelIds, [one.id, two.id]);
    await store.channels.delete(one.id);
    const after = await store.monitors.get(m.id);
    assert.deepEqual(after?.channelIds, [two.id]);
    assert.equal(after?.updatedAt, 5);
    assert.deepEqual((await store.monitors.get(other.id))?.channelIds, [two.id]);
    await store.channels.delete(two.id);
    assert.deepEqual((await store.monitors.get(m.id))?.channelIds, []);
  },
);

// ---------------------------------------------------------------------------------------------
// Maintenance windows

contract("maintenance: insert, get, list by name, update and delete windows", async ({ store }) => {
  const m = await store.monitors.insert(fields("m"), 1);
  const weekly = {
    name: "Zebra",
    description: 'Patch Tuesday, "all" hosts',
    monitorIds: [m.id],
    schedule: {
      kind: "weekly" as const,
      weekdays: [2],
      time: "02:00",
      durationMin: 90,
      timezone: "Europe/Berlin",
    },
  };
  const a = await store.maintenance.insert(weekly, 1_000);
  const b = await store.maintenance.insert({
    name: "Alpha",
    description: "",
    monitorIds: [m.id, 99],
    schedule: { kind: "once", startsAt: 5_000, endsAt: 9_000 },
  }, 2_000);
  assert.deepEqual(a, { id: a.id, ...weekly, createdAt: 1_000, updatedAt: 1_000 });
  assert.deepEqual(await store.maintenance.get(a.id), a);
  assert.deepEqual((await store.maintenance.list()).map((w) => w.name), ["Alpha", "Zebra"]);
  const cron = { kind: "cron" as const, cron: "0 3 * * 0", durationMin: 30, timezone: "UTC" };
  const changed = await store.maintenance.update(b.id, {
    name: "Alpha 2",
    description: "x",
    monitorIds: [m.id],
    schedule: cron,
  }, 3_000);
  assert.equal(changed?.name, "Alpha 2");
  assert.deepEqual(changed?.schedule, cron);
  assert.equal(changed?.createdAt, 2_000);
  assert.equal(changed?.updatedAt, 3_000);
  assert.equal(await store.maintenance.update(12345, weekly, 1), null);
  assert.equal(await store.maintenance.delete(a.id), true);
  assert.equal(await store.maintenance.delete(a.id), false);
  assert.equal(await store.maintenance.get(a.id), null);
});

contract(
  "maintenance: a held-back DOWN is recorded once and released exactly once",
  async ({ store }) => {
    const { m, i } = await withIncident(store, "m");
    assert.equal(await store.maintenance.suppressedDown(i.id), null);
    await store.maintenance.suppressDown(i.id, "DB upgrade", 10_000);
    await store.maintenance.suppressDown(i.id, "Other", 11_000); // the first record wins
    assert.deepEqual(await store.maintenance.suppressedDown(i.id), {
      incidentId: i.id,
      windowName: "DB upgrade",
      suppressedAt: 10_000,
      releasedAt: null,
    });
    assert.equal(await store.maintenance.releaseDown(i.id, 20_000), true);
    assert.equal(await store.maintenance.releaseDown(i.id, 21_000), false);
    assert.equal((await store.maintenance.suppressedDown(i.id))?.releasedAt, 20_000);
    assert.equal(await store.maintenance.releaseDown(i.id + 1, 1), false, "never held back");
    await store.monitors.delete(m.id); // history goes with the monitor
    assert.equal(await store.maintenance.suppressedDown(i.id), null);
  },
);

contract(
  "checks: the maintenance flag is stored; okLatencies skips checks in maintenance",
  async ({ store }) => {
    const m = await store.monitors.insert(fields("m"), 1);
    const plain = await store.checks.insert(m.id, 1_000, up(10));
    const maint = await store.checks.insert(m.id, 2_000, up(500), true);
    assert.equal(plain.maintenance, false);
    assert.equal(maint.maintenance, true);
    assert.equal((await store.checks.get(maint.id))?.maintenance, true);
    assert.deepEqual(await store.checks.okLatencies(m.id, 0, 10_000), [10]);
  },
);

contract(
  "outbox: a DOWN sent after a maintenance window (seq 1) is found before the skipped one, and reminders follow it",
  async ({ store }) => {
    const { m, i } = await withIncident(store, "m");
    await store.outbox.insert(
      newAlert(m.id, i.id, { status: "skipped", lastError: "maintenance: w" }),
    );
    assert.equal((await store.outbox.find(i.id, "down", "email", "ops@example.test"))?.seq, 0);
    await store.outbox.insert(newAlert(m.id, i.id, { seq: 1 }));
    const found = await store.outbox.find(i.id, "down", "email", "ops@example.test");
    assert.equal(found?.seq, 1);
    await store.outbox.claim(found!.id, "s");
    await store.outbox.markSent(found!.id, 5_000, "250 ok");
    const awaiting = await store.alertFacts.sentDownsAwaitingReminder(i.id);
    assert.deepEqual(awaiting.map((r) => r.seq), [1]);
  },
);

contract(
  'migrations: the "maintenance windows" migration exists on this engine',
  async ({ store }) => {
    const names = store.engine === "postgres"
      ? (await (store as PostgresStore).sql`SELECT name FROM schema_migrations`).map((r) => r.name)
      : (await import("../../monitor/store/sqlite/migrations.ts")).MIGRATIONS.map((x) => x.name);
    assert.ok(names.includes("maintenance windows"), names.join(", "));
  },
);

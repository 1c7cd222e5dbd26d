/**
 * Storage that refuses writes (issue 7): a full disk and another process's write lock. The
 * service must say so on /healthz, answer requests with a clear error, keep every check it could
 * not store and write it once the storage works again, and never freeze while waiting.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { createRuntime } from "../../runtime.ts";
import { createApp } from "../../routes/app.ts";
import { setLogLevel } from "../../monitor/log.ts";
import { StorageError } from "../../monitor/store/health.ts";
import type { ProbeResult } from "../../monitor/types.ts";
import { sleep, SQLITE_ONLY, sqliteDb, tempDir, testConfig } from "../_helpers/core.ts";

setLogLevel("error");
type Json = Record<string, unknown>;

/** A down result with a long message, so each stored check needs a fresh database page. */
const BULKY: ProbeResult = {
  ok: false,
  latencyMs: 5,
  httpStatus: 500,
  errorKind: "unexpected_status",
  errorMessage: "x".repeat(6000),
};

async function setup() {
  const dir = await tempDir();
  const config = testConfig(dir.path);
  const rt = await createRuntime(config, { cron: false, probe: () => Promise.resolve(BULKY) });
  const app = createApp(rt);
  const { token } = await rt.accounts.createToken("tests");
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() as Json };
  };
  const storedChecks = () => {
    const reader = new DatabaseSync(config.databasePath);
    try {
      return (reader.prepare("SELECT count(*) AS n FROM checks").get() as { n: number }).n;
    } finally {
      reader.close();
    }
  };
  return {
    rt,
    call,
    storedChecks,
    path: config.databasePath,
    async [Symbol.asyncDispose]() {
      await rt.stop();
      await dir[Symbol.asyncDispose]();
    },
  };
}

// The next two tests break the SQLite file itself (page limit, another process's lock), so they
// run on SQLite only; the store contract suite covers the PostgreSQL engine's errors.
Deno.test({
  name:
    "disk full: /healthz degrades with the cause, writes answer 503, checks are kept and written on recovery",
  ignore: SQLITE_ONLY,
  async fn() {
    await using s = await setup();
    const db = sqliteDb(s.rt);
    const created = await s.call("POST", "/api/v1/monitors", {
      name: "Shop",
      url: "http://shop.test/",
    });
    assert.equal(created.status, 201);
    const id = created.json.id as number;
    assert.equal((await s.call("POST", `/api/v1/monitors/${id}/check`)).status, 200);
    const other = await s.rt.service.create({ name: "Gone", url: "http://gone.test/" });

    // The database may not grow by a single page any more (SQLite's own "disk is full"), and
    // the free pages left inside the file by migrations are used up by a filler table.
    db.exec("CREATE TABLE filler (b BLOB)");
    const pages = (db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
    db.exec(`PRAGMA max_page_count = ${pages}`);
    assert.throws(() => {
      for (let i = 0; i < 100_000; i++) {
        db.prepare("INSERT INTO filler VALUES (zeroblob(3000))").run();
      }
    }, /full/);

    const failed: number[] = [];
    for (let i = 0; i < 4; i++) {
      failed.push((await s.call("POST", `/api/v1/monitors/${id}/check`)).status);
    }
    assert.deepEqual(failed, [503, 503, 503, 503]);
    const refused = await s.call("POST", `/api/v1/monitors/${id}/check`);
    assert.match(refused.json.error as string, /^Nothing was saved: the disk is full\./);

    const health = await s.call("GET", "/healthz");
    assert.equal(health.status, 503);
    assert.equal(health.json.status, "degraded");
    // (The scheduler is not started in this fixture, which /healthz also reports.)
    assert.ok((health.json.reasons as string[]).includes("storage writes fail: the disk is full"));
    const storage = health.json.storage as Json;
    assert.equal(storage.cause, "disk_full");
    assert.equal(storage.unstored_checks, 5, "every refused check is kept in memory");

    // Long recipient lists: the row needs new pages, which the full disk cannot give.
    const emails = Array.from({ length: 50 }, (_, i) => `on-call-${i}@${"x".repeat(40)}.test`);
    const create = await s.call("POST", "/api/v1/monitors", {
      name: "Blog",
      url: "http://blog.test/",
      alert_emails: emails,
      recovery_emails: emails,
    });
    assert.equal(create.status, 503);
    assert.match(create.json.error as string, /disk is full/);
    // Each refused write counted once: five checks and the create.
    assert.equal(s.rt.storage().failedWrites, 6);

    // A monitor deleted meanwhile takes its kept results with it.
    assert.equal((await s.call("POST", `/api/v1/monitors/${other.id}/check`)).status, 503);
    assert.equal(s.rt.service.recorder.backlog, 6);
    await s.rt.service.remove(other.id);
    assert.equal(s.rt.service.recorder.backlog, 5);

    // Space returns: the next check writes the five kept ones first, in order, then itself.
    db.exec("PRAGMA max_page_count = 1073741823");
    assert.equal((await s.call("POST", `/api/v1/monitors/${id}/check`)).status, 200);
    assert.equal(s.storedChecks(), 1 + 5 + 1);
    const after = await s.call("GET", "/healthz");
    assert.deepEqual(after.json.storage, {
      ok: true,
      cause: null,
      failing_since: null,
      unstored_checks: 0,
    });
    const checks = (await s.call("GET", `/api/v1/monitors/${id}/checks?limit=10`)).json
      .checks as Json[];
    const times = checks.map((c) => Date.parse(c.checked_at as string));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), "kept checks are stored in order");
  },
});

Deno.test({
  name: "another process's write lock neither freezes the service nor loses a check",
  ignore: SQLITE_ONLY,
  async fn() {
    await using s = await setup();
    const created = await s.call("POST", "/api/v1/monitors", {
      name: "Shop",
      url: "http://shop.test/",
    });
    const id = created.json.id as number;

    // The token's last use is stale, so the next API call tries to note it (a write).
    sqliteDb(s.rt).exec("UPDATE api_tokens SET last_used_at = 0");
    const foreign = new DatabaseSync(s.path);
    foreign.exec("BEGIN IMMEDIATE");
    foreign.exec("UPDATE monitors SET name = name"); // holds the write lock until COMMIT
    try {
      // Measure how late a 20 ms timer fires while a check waits for the lock.
      let worstLateMs = 0;
      const stopTicking = new AbortController();
      const ticking = (async () => {
        while (!stopTicking.signal.aborted) {
          const t0 = performance.now();
          await sleep(20);
          worstLateMs = Math.max(worstLateMs, performance.now() - t0 - 20);
        }
      })();
      const check = s.call("POST", `/api/v1/monitors/${id}/check`);
      const t0 = performance.now();
      const health = await s.call("GET", "/healthz");
      const healthMs = performance.now() - t0;
      await sleep(1500);
      stopTicking.abort();
      await ticking;
      assert.equal((health.json.storage as Json).ok, true, "a briefly held lock is not an outage");
      assert.ok(healthMs < 1000, `/healthz took ${Math.round(healthMs)} ms under a foreign lock`);
      assert.ok(worstLateMs < 500, `the event loop stalled for ${Math.round(worstLateMs)} ms`);
      assert.equal(s.storedChecks(), 0);
      const read = await s.call("GET", `/api/v1/monitors/${id}`);
      assert.equal(read.status, 200, "reads with a token work while another process writes");
      foreign.exec("COMMIT");
      const done = await check;
      assert.equal(done.status, 200, JSON.stringify(done.json));
    } finally {
      if (foreign.isTransaction) foreign.exec("ROLLBACK");
      foreign.close();
    }
    assert.equal(s.storedChecks(), 1, "the check made during the lock was stored after it");
  },
});

Deno.test("StorageError.from classifies SQLite's own errors only", () => {
  const sqlite = (message: string, errcode?: number) =>
    Object.assign(new Error(message), { code: "ERR_SQLITE_ERROR", errcode });
  assert.equal(StorageError.from(sqlite("database or disk is full", 13))?.kind, "disk_full");
  assert.equal(StorageError.from(sqlite("database is locked"))?.kind, "busy");
  assert.equal(StorageError.from(sqlite("disk I/O error", 10 | (3 << 8)))?.kind, "io");
  assert.equal(StorageError.from(sqlite("UNIQUE constraint failed: x", 19)), null);
  // Text alone is not enough: an application error that happens to say "locked" is no outage.
  assert.equal(StorageError.from(new Error("database is locked")), null);
  assert.equal(StorageError.from("disk is full"), null);
});

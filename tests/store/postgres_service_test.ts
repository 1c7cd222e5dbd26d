/**
 * The service on PostgreSQL as an operator starts it: DATABASE_URL only. One instance per
 * database and schema; a URL that cannot work is one clear line, with the password hidden.
 */
import assert from "node:assert/strict";
import { createRuntime } from "../../runtime.ts";
import { loadConfig } from "../../monitor/config.ts";
import { StoreLockedError } from "../../monitor/store/store.ts";
import { startupErrorMessage } from "../../monitor/startup_errors.ts";
import { StorageError } from "../../monitor/store/health.ts";
import type { ProbeResult } from "../../monitor/types.ts";
import { tempDir } from "../_helpers/core.ts";
import { closedPort, closeQuietly } from "../_helpers/targets.ts";
import { HOW_TO_ENABLE, pgSchema, testDatabaseUrl } from "../_helpers/postgres.ts";

const base = testDatabaseUrl();
const ignore = base === null;
const suffix = ignore ? ` (postgres: ${HOW_TO_ENABLE})` : "";

function pgConfig(dir: string, url: string) {
  return loadConfig({ DATABASE_PATH: `${dir}/unused.db`, DATABASE_URL: url, LOG_LEVEL: "error" });
}

Deno.test({
  name: `a second service on the same PostgreSQL schema is refused until the first stops${suffix}`,
  ignore,
  async fn() {
    await using dir = await tempDir();
    await using schema = await pgSchema();
    await using other = await pgSchema();
    const config = pgConfig(dir.path, schema.url);
    const first = await createRuntime(config, { cron: false });
    try {
      const err = await createRuntime(config, { cron: false }).then(
        (rt) => rt.stop().then(() => null),
        (e: unknown) => e,
      );
      assert.ok(err instanceof StoreLockedError, `expected a refusal, got ${err}`);
      assert.match(startupErrorMessage(err, config), /another instance .*\(schema "shc_test_\w+"/);
      // Another schema on the same server is another monitor: it starts.
      const beside = await createRuntime(pgConfig(dir.path, other.url), { cron: false });
      await beside.stop();
    } finally {
      await first.stop();
    }
    // Released on stop: the next one starts and sees the first one's data.
    const next = await createRuntime(config, { cron: false });
    try {
      assert.equal(await next.accounts.userCount(), 0);
    } finally {
      await next.stop();
    }
  },
});

Deno.test({
  name: `a wrong password, database or schema is one line without the password${suffix}`,
  ignore,
  async fn() {
    await using dir = await tempDir();
    const url = new URL(base ?? "postgres://x@127.0.0.1/x");
    const cases: [URL, RegExp][] = [];
    const badPassword = new URL(url);
    badPassword.password = "not-the-password";
    cases.push([badPassword, /password authentication failed/]);
    const badDb = new URL(url);
    badDb.pathname = "/no_such_database";
    cases.push([badDb, /database "no_such_database" does not exist/]);
    const badSchema = new URL(url);
    badSchema.searchParams.set("search_path", "no_such_schema");
    cases.push([badSchema, /no_such_schema/]);
    for (const [bad, reason] of cases) {
      const config = pgConfig(dir.path, bad.href);
      const t0 = performance.now();
      const err = await createRuntime(config, { cron: false }).then(
        (rt) => rt.stop().then(() => null),
        (e: unknown) => e,
      );
      assert.ok(err, `${bad.pathname}${bad.search} opened`);
      const line = startupErrorMessage(err, config);
      assert.match(line, /^Error: cannot use DATABASE_URL=postgres:\/\/\*\*\*@/);
      assert.match(line, reason);
      assert.doesNotMatch(line, /not-the-password/);
      if (url.password) assert.ok(!line.includes(url.password), line);
      assert.ok(!line.includes("\n"), line);
      // A configuration mistake does not fix itself: no waiting as for a server still starting.
      assert.ok(performance.now() - t0 < 5000, `took ${Math.round(performance.now() - t0)} ms`);
    }
  },
});

/** A TCP relay to the database server that a test can cut and restore on the same port. */
function relay(target: URL) {
  const port = closedPort();
  let listener: Deno.Listener | null = null;
  const open = new Set<Deno.Conn>();
  const pipes = new Set<Promise<unknown>>();
  const serve = async (l: Deno.Listener) => {
    for await (const client of l) {
      const server = await Deno.connect({
        hostname: target.hostname,
        port: Number(target.port || 5432),
      }).catch(() => null);
      if (!server) {
        closeQuietly(client);
        continue;
      }
      open.add(client);
      open.add(server);
      const pipe = (a: Deno.Conn, b: Deno.Conn) =>
        a.readable.pipeTo(b.writable).catch(() => {}).finally(() => {
          closeQuietly(a);
          closeQuietly(b);
          open.delete(a);
          open.delete(b);
        });
      const both = Promise.all([pipe(client, server), pipe(server, client)]);
      pipes.add(both);
      both.finally(() => pipes.delete(both));
    }
  };
  let serving: Promise<void> = Promise.resolve();
  const up = () => {
    listener = Deno.listen({ hostname: "127.0.0.1", port });
    serving = serve(listener).catch(() => {});
  };
  const down = async () => {
    listener?.close();
    listener = null;
    await serving;
    for (const c of open) closeQuietly(c);
    await Promise.allSettled([...pipes]);
  };
  up();
  return { port, up, down, [Symbol.asyncDispose]: down };
}

Deno.test({
  name: `a PostgreSQL outage loses no check and /healthz says so until the server is back${suffix}`,
  ignore,
  async fn() {
    await using dir = await tempDir();
    await using schema = await pgSchema();
    await using link = relay(new URL(base!));
    const url = new URL(schema.url);
    url.port = String(link.port);
    url.hostname = "127.0.0.1";
    const results: ProbeResult[] = [
      { ok: true, latencyMs: 5, httpStatus: 200, errorKind: null, errorMessage: null },
    ];
    const probe = () => Promise.resolve(results[0]);
    const rt = await createRuntime(pgConfig(dir.path, url.href), { cron: false, probe });
    try {
      const m = await rt.service.create({ name: "Shop", url: "http://shop.test/" });
      await rt.service.checkNow(m.id);

      await link.down();
      // As the scheduler runs it: with the monitor it holds in memory.
      const lost = await rt.service.runCheck(m).then(() => null, (e: unknown) => e);
      assert.ok(lost instanceof StorageError, `expected a storage error, got ${lost}`);
      assert.equal(lost.kind, "unavailable");
      assert.equal(rt.service.recorder.backlog, 1, "the check is kept for later");
      assert.equal(rt.storage().ok, false);
      assert.equal(rt.storage().cause, "unavailable");

      link.up();
      await rt.service.checkNow(m.id);
      assert.equal(rt.service.recorder.backlog, 0);
      assert.equal(rt.storage().ok, true);
      const stored = await rt.service.checks(m.id, 10);
      assert.equal(stored.length, 3, "the check made during the outage was stored after it");
      const times = stored.map((c) => c.checkedAt);
      assert.deepEqual(times, [...times].sort((a, b) => b - a), "in order");
    } finally {
      await rt.stop();
    }
  },
});

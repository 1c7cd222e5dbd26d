/**
 * The store contract of status pages (monitor/store/store.ts `StatusPageRepo`), run on SQLite
 * always and on PostgreSQL when `TEST_DATABASE_URL` is set (a fresh schema per test): pages and
 * their ordered entries, unique slug and domain, logos, incidents and their updates, the day
 * counts behind the uptime bars, and the migration that adds them (found by name).
 */
import assert from "node:assert/strict";
import type { Monitor } from "../../monitor/types.ts";
import { type Store, StoreConflictError } from "../../monitor/store/store.ts";
import type { MonitorFields } from "../../monitor/store/records.ts";
import type { StatusPageFields } from "../../monitor/store/status_records.ts";
import { openSqliteStore } from "../../monitor/store/sqlite/store.ts";
import { openPostgresStore } from "../../monitor/store/postgres/store.ts";
import { MIGRATIONS as SQLITE_MIGRATIONS } from "../../monitor/store/sqlite/migrations.ts";
import { MIGRATIONS as PG_MIGRATIONS } from "../../monitor/store/postgres/migrations.ts";
import { fakeMonitor, tempDir } from "../_helpers/core.ts";
import { HOW_TO_ENABLE, pgSchema, testDatabaseUrl } from "../_helpers/postgres.ts";

const pgUrl = testDatabaseUrl();

/** Registers `fn` once per engine, each with a fresh, empty store. */
function contract(name: string, fn: (store: Store) => Promise<void>): void {
  Deno.test(`sqlite: ${name}`, async () => {
    await using dir = await tempDir("shc-status-contract-");
    const store = openSqliteStore(`${dir.path}/health.db`);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  });
  Deno.test({
    name: `postgres: ${name}${pgUrl ? "" : ` (postgres: ${HOW_TO_ENABLE})`}`,
    ignore: !pgUrl,
    async fn() {
      await using schema = await pgSchema(pgUrl!);
      const store = await openPostgresStore(schema.url);
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    },
  });
}

function fields(name: string, over: Partial<Monitor> = {}): MonitorFields {
  const { id: _i, createdAt: _c, updatedAt: _u, ...f } = fakeMonitor({ name, ...over });
  return f;
}

function pageFields(over: Partial<StatusPageFields> = {}): StatusPageFields {
  return { slug: "acme", title: "Acme", description: "", customDomain: null, entries: [], ...over };
}

Deno.test("the status pages migration exists once on each engine, under its name", () => {
  for (const list of [SQLITE_MIGRATIONS, PG_MIGRATIONS]) {
    const found = list.filter((m) => m.name === "status pages");
    assert.equal(found.length, 1);
    assert.match(found[0].sql, /CREATE TABLE status_pages/);
    assert.match(found[0].sql, /ADD COLUMN public_badges/);
  }
});

contract("monitors: public_badges defaults to false and round-trips", async (store) => {
  const m = await store.monitors.insert(fields("a"), 1);
  assert.equal(m.publicBadges, false);
  const u = await store.monitors.update(m.id, { ...fields("a"), publicBadges: true }, 2);
  assert.equal(u!.publicBadges, true);
  assert.equal((await store.monitors.get(m.id))!.publicBadges, true);
});

contract(
  "status pages: insert, get, bySlug, list, update entries in order, delete",
  async (store) => {
    const a = await store.monitors.insert(fields("a"), 1);
    const b = await store.monitors.insert(fields("b"), 1);
    const page = await store.statusPages.insert(
      pageFields({
        description: "line one\nline two",
        customDomain: "status.acme.test",
        entries: [
          { monitorId: b.id, displayName: "Bee", showApps: true },
          { monitorId: a.id, displayName: "Ay", showApps: false },
        ],
      }),
      10,
    );
    assert.deepEqual(page, {
      id: page.id,
      slug: "acme",
      title: "Acme",
      description: "line one\nline two",
      customDomain: "status.acme.test",
      logoType: null,
      logoUpdatedAt: null,
      createdAt: 10,
      updatedAt: 10,
      entries: [
        { monitorId: b.id, displayName: "Bee", showApps: true },
        { monitorId: a.id, displayName: "Ay", showApps: false },
      ],
    });
    assert.deepEqual(await store.statusPages.get(page.id), page);
    assert.deepEqual(await store.statusPages.bySlug("acme"), page);
    assert.equal(await store.statusPages.bySlug("nope"), null);
    assert.deepEqual(await store.statusPages.domains(), new Map([["status.acme.test", "acme"]]));

    const other = await store.statusPages.insert(pageFields({ slug: "b", title: "Beta" }), 11);
    assert.deepEqual((await store.statusPages.list()).map((p) => p.slug), ["acme", "b"]);

    const changed = await store.statusPages.update(
      page.id,
      pageFields({
        slug: "acme-2",
        title: "Acme 2",
        entries: [{ monitorId: a.id, displayName: "A", showApps: false }],
      }),
      20,
    );
    assert.equal(changed!.slug, "acme-2");
    assert.equal(changed!.customDomain, null);
    assert.equal(changed!.createdAt, 10);
    assert.equal(changed!.updatedAt, 20);
    assert.deepEqual(changed!.entries, [{ monitorId: a.id, displayName: "A", showApps: false }]);
    assert.equal(await store.statusPages.update(9999, pageFields({ slug: "x" }), 1), null);

    // Deleting a monitor takes it off every page.
    await store.monitors.delete(a.id);
    assert.deepEqual((await store.statusPages.get(page.id))!.entries, []);

    assert.equal(await store.statusPages.delete(other.id), true);
    assert.equal(await store.statusPages.delete(other.id), false);
    assert.equal(await store.statusPages.get(other.id), null);
  },
);

contract(
  "status pages: a taken slug or domain is a StoreConflictError and writes nothing",
  async (store) => {
    const m = await store.monitors.insert(fields("a"), 1);
    await store.statusPages.insert(pageFields({ customDomain: "s.acme.test" }), 1);
    await assert.rejects(
      store.statusPages.insert(
        pageFields({ entries: [{ monitorId: m.id, displayName: "a", showApps: false }] }),
        2,
      ),
      (err) => err instanceof StoreConflictError && err.constraint === "status_pages.slug",
    );
    await assert.rejects(
      store.statusPages.insert(pageFields({ slug: "other", customDomain: "s.acme.test" }), 2),
      (err) => err instanceof StoreConflictError && err.constraint === "status_pages.custom_domain",
    );
    const second = await store.statusPages.insert(pageFields({ slug: "two" }), 3);
    await assert.rejects(
      store.statusPages.update(second.id, pageFields({ slug: "acme" }), 4),
      StoreConflictError,
    );
    assert.deepEqual((await store.statusPages.list()).map((p) => p.slug), ["acme", "two"]);
    // Inside a transaction the conflict can be caught and the transaction goes on.
    const kept = await store.transaction(async (tx) => {
      await tx.statusPages.insert(pageFields({ slug: "two" }), 5).catch(() => null);
      return await tx.statusPages.insert(pageFields({ slug: "three" }), 5);
    });
    assert.equal(kept.slug, "three");
  },
);

contract("status pages: logo set, read back byte for byte, removed", async (store) => {
  const page = await store.statusPages.insert(pageFields(), 1);
  assert.equal(await store.statusPages.logo(page.id), null);
  const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
  assert.equal(await store.statusPages.setLogo(page.id, { type: "image/png", data }, 5), true);
  const logo = await store.statusPages.logo(page.id);
  assert.equal(logo!.type, "image/png");
  assert.deepEqual([...logo!.data], [...data]);
  assert.equal(logo!.updatedAt, 5);
  const p = await store.statusPages.get(page.id);
  assert.equal(p!.logoType, "image/png");
  assert.equal(p!.logoUpdatedAt, 5);
  assert.equal(await store.statusPages.setLogo(page.id, null, 6), true);
  assert.equal(await store.statusPages.logo(page.id), null);
  assert.equal((await store.statusPages.get(page.id))!.logoType, null);
  assert.equal(await store.statusPages.setLogo(9999, null, 6), false);
});

contract(
  "status incidents: open with a first update, add, edit, delete updates, resolve",
  async (store) => {
    const m = await store.monitors.insert(fields("a"), 1);
    const page = await store.statusPages.insert(
      pageFields({ entries: [{ monitorId: m.id, displayName: "A", showApps: false }] }),
      1,
    );
    const i = await store.statusPages.insertIncident(
      page.id,
      { title: "Slow", monitorIds: [m.id] },
      { status: "investigating", message: "Looking <into> it" },
      100,
    );
    assert.equal(i.pageId, page.id);
    assert.equal(i.status, "investigating");
    assert.equal(i.resolvedAt, null);
    assert.deepEqual(i.monitorIds, [m.id]);
    assert.deepEqual(i.updates.map((u) => [u.status, u.message, u.createdAt]), [
      ["investigating", "Looking <into> it", 100],
    ]);

    const two = await store.statusPages.addUpdate(
      i.id,
      { status: "identified", message: "Disk full" },
      200,
    );
    assert.equal(two!.status, "identified");
    const resolved = await store.statusPages.addUpdate(
      i.id,
      { status: "resolved", message: "Fixed" },
      300,
    );
    assert.equal(resolved!.status, "resolved");
    assert.equal(resolved!.resolvedAt, 300);
    assert.deepEqual(resolved!.updates.map((u) => u.status), [
      "resolved",
      "identified",
      "investigating",
    ]);

    // Rewriting the newest update keeps its time; it then decides the status.
    const newest = resolved!.updates[0];
    const edited = await store.statusPages.editUpdate(
      newest.id,
      { status: "monitoring", message: "Watching" },
      400,
    );
    assert.equal(edited!.status, "monitoring");
    assert.equal(edited!.resolvedAt, null);
    assert.equal(edited!.updates[0].createdAt, 300);
    assert.equal(edited!.updates[0].updatedAt, 400);
    assert.equal(edited!.updates[0].message, "Watching");

    const afterDelete = await store.statusPages.deleteUpdate(newest.id, 500);
    assert.equal(afterDelete!.status, "identified");
    assert.equal(afterDelete!.updates.length, 2);
    assert.equal(await store.statusPages.deleteUpdate(newest.id, 500), null);
    assert.equal(
      await store.statusPages.addUpdate(9999, { status: "resolved", message: "x" }, 1),
      null,
    );

    const renamed = await store.statusPages.updateIncident(i.id, {
      title: "Slower",
      monitorIds: [],
    }, 600);
    assert.equal(renamed!.title, "Slower");
    assert.deepEqual(renamed!.monitorIds, []);
    assert.deepEqual(await store.statusPages.incident(i.id), renamed);
    assert.equal(
      await store.statusPages.updateIncident(9999, { title: "x", monitorIds: [] }, 1),
      null,
    );

    assert.equal(await store.statusPages.deleteIncident(i.id), true);
    assert.equal(await store.statusPages.incident(i.id), null);
    assert.equal(await store.statusPages.deleteIncident(i.id), false);
  },
);

contract(
  "status incidents: list open ones and those resolved since, newest first",
  async (store) => {
    const page = await store.statusPages.insert(pageFields(), 1);
    const other = await store.statusPages.insert(pageFields({ slug: "other" }), 1);
    const open = await store.statusPages.insertIncident(
      page.id,
      { title: "open", monitorIds: [] },
      { status: "investigating", message: "m" },
      100,
    );
    const old = await store.statusPages.insertIncident(
      page.id,
      { title: "old", monitorIds: [] },
      { status: "resolved", message: "m" },
      50,
    );
    const recent = await store.statusPages.insertIncident(
      page.id,
      { title: "recent", monitorIds: [] },
      { status: "investigating", message: "m" },
      150,
    );
    await store.statusPages.addUpdate(recent.id, { status: "resolved", message: "done" }, 200);
    await store.statusPages.insertIncident(
      other.id,
      { title: "elsewhere", monitorIds: [] },
      { status: "investigating", message: "m" },
      120,
    );
    const list = await store.statusPages.incidents(page.id, 100);
    assert.deepEqual(list.map((i) => i.title), ["recent", "open"]);
    assert.equal(list[0].updates.length, 2);
    assert.deepEqual((await store.statusPages.incidents(page.id, 0)).map((i) => i.id), [
      recent.id,
      open.id,
      old.id,
    ]);
    assert.deepEqual((await store.statusPages.incidents(page.id, 0, 1)).map((i) => i.id), [
      recent.id,
    ]);
    // Deleting the page deletes its incidents.
    await store.statusPages.delete(page.id);
    assert.equal(await store.statusPages.incident(open.id), null);
  },
);

contract(
  "status pages: dailyCounts reads day rollups of the given monitors from a day on",
  async (store) => {
    const DAY = 86_400_000;
    const a = await store.monitors.insert(fields("a"), 1);
    const b = await store.monitors.insert(fields("b"), 1);
    const c = await store.monitors.insert(fields("c"), 1);
    const t0 = 100 * DAY;
    await store.rollups.add(a.id, t0 + 1000, true, 10);
    await store.rollups.add(a.id, t0 + 2000, false, 0);
    await store.rollups.add(a.id, t0 + DAY + 5, true, 10);
    await store.rollups.add(b.id, t0 - DAY, true, 10);
    await store.rollups.add(c.id, t0 + 5, true, 10);
    assert.deepEqual(await store.statusPages.dailyCounts([a.id, b.id], t0 + 50_000), [
      { monitorId: a.id, dayStart: t0, count: 2, upCount: 1 },
      { monitorId: a.id, dayStart: t0 + DAY, count: 1, upCount: 1 },
    ]);
    assert.deepEqual(await store.statusPages.dailyCounts([], 0), []);
  },
);

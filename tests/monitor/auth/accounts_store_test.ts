import assert from "node:assert/strict";
import { openDb } from "../../../monitor/store/sqlite/db.ts";
import {
  countUsers,
  findUserByName,
  findUserCredentials,
  getUserById,
  insertUser,
} from "../../../monitor/store/sqlite/users.ts";
import {
  deleteToken,
  findTokenByHash,
  insertToken,
  listTokens,
  touchToken,
} from "../../../monitor/store/sqlite/tokens.ts";
import { Accounts } from "../../../monitor/auth/accounts.ts";
import { sqliteStore } from "../../../monitor/store/sqlite/store.ts";
import { StoreConflictError } from "../../../monitor/store/store.ts";

Deno.test("store/users: insert, count, find by name and id, credentials", () => {
  const db = openDb(":memory:");
  assert.equal(countUsers(db), 0);
  const u = insertUser(db, { username: "ada", email: null, passwordHash: "h1", createdAt: 5 });
  assert.deepEqual(u, { id: u.id, username: "ada", email: null, isAdmin: true, createdAt: 5 });
  assert.equal(countUsers(db), 1);
  assert.deepEqual(findUserByName(db, "ada"), u);
  assert.deepEqual(getUserById(db, u.id), u);
  assert.equal(findUserByName(db, "bob"), null);
  assert.equal(getUserById(db, u.id + 1), null);
  assert.deepEqual(findUserCredentials(db, "ada"), { user: u, passwordHash: "h1" });
  assert.equal(findUserCredentials(db, "bob"), null);
  assert.ok(!("passwordHash" in u), "a User never carries the hash");
  // A taken name, in any letter case, is a conflict the services can tell from a failure.
  for (const username of ["ada", "ADA"]) {
    assert.throws(
      () => insertUser(db, { username, email: null, passwordHash: "x", createdAt: 6 }),
      (err) => err instanceof StoreConflictError && err.constraint === "users.username",
    );
  }
  assert.equal(countUsers(db), 1);
  db.close();
});

Deno.test("store/tokens: insert, find, touch, list newest first, delete", () => {
  const db = openDb(":memory:");
  const a = insertToken(db, { name: "a", tokenHash: "ha", prefix: "shc_a", createdAt: 1 });
  const b = insertToken(db, { name: "b", tokenHash: "hb", prefix: "shc_b", createdAt: 2 });
  assert.deepEqual(a, { id: a.id, name: "a", prefix: "shc_a", createdAt: 1, lastUsedAt: null });
  assert.deepEqual(findTokenByHash(db, "ha"), a);
  assert.equal(findTokenByHash(db, "nope"), null);
  touchToken(db, a.id, 99);
  assert.equal(findTokenByHash(db, "ha")?.lastUsedAt, 99);
  assert.deepEqual(listTokens(db).map((t) => t.id), [b.id, a.id]);
  assert.equal(deleteToken(db, a.id), true);
  assert.equal(deleteToken(db, a.id), false);
  assert.deepEqual(listTokens(db).map((t) => t.id), [b.id]);
  db.close();
});

Deno.test("Accounts.verifyToken still succeeds when recording last use fails on storage", async () => {
  const db = openDb(":memory:");
  const accounts = new Accounts(sqliteStore(db));
  const { token, info } = await accounts.createToken("ci");
  db.exec("PRAGMA query_only = ON"); // writes now fail with SQLITE_READONLY
  const seen = await accounts.verifyToken(token);
  assert.equal(seen?.id, info.id);
  assert.equal(seen?.lastUsedAt, null);
  assert.equal((await accounts.listTokens())[0].lastUsedAt, null, "the write really failed");
  db.exec("PRAGMA query_only = OFF");
  assert.ok((await accounts.verifyToken(token))?.id === info.id);
  assert.ok((await accounts.listTokens())[0].lastUsedAt !== null, "recorded once writable again");
  assert.equal(await accounts.verifyToken("shc_wrong"), null);
  db.close();
});

/** First-run setup, sign-in, sessions, sign-out and the login throttle. */
import assert from "node:assert/strict";
import { ADMIN, Client, webFixture } from "../_helpers/web.ts";
import { sha256Hex } from "../../monitor/auth/tokens.ts";
import { LoginThrottle } from "../../monitor/auth/throttle.ts";
import { sqliteDb, TEST_ENGINE } from "../_helpers/core.ts";

Deno.test("first run: every page leads to a one-time administrator form that signs you in", async () => {
  await using f = await webFixture({ withUser: false });
  const c = f.anonymous();
  for (const path of ["/", "/login", "/settings", "/monitors/new"]) {
    const { res } = await c.get(path);
    assert.equal(res.status, 303, path);
    assert.equal(res.headers.get("location"), "/setup", path);
  }
  const htmx = await c.get("/partials/overview?v=0-0-0", { htmx: true });
  assert.equal(htmx.res.status, 401);
  assert.equal(htmx.res.headers.get("HX-Redirect"), "/setup");

  const page = await c.get("/setup");
  assert.equal(page.res.status, 200);
  assert.match(page.text, /Create the administrator account/);
  assert.match(page.text, /name="username"/);

  // Mismatched passwords and a weak password: 422 with messages next to the fields.
  const bad = await c.post("/setup", {
    username: "boss",
    email: "boss@example.com",
    password: "correct horse battery",
    password_confirm: "something else entirely",
  });
  assert.equal(bad.res.status, 422);
  assert.match(bad.text, /id="password_confirm-error">The two passwords differ/);
  assert.match(bad.text, /value="boss@example.com"/, "typed values are kept");
  assert.equal(await f.rt.accounts.userCount(), 0);

  const ok = await c.post("/setup", {
    username: "boss",
    email: "",
    password: "correct horse battery",
    password_confirm: "correct horse battery",
  });
  assert.equal(ok.res.status, 303);
  assert.equal(ok.res.headers.get("location"), "/");
  assert.equal(await f.rt.accounts.userCount(), 1);
  assert.equal((await c.get("/")).res.status, 200, "signed in straight away");

  // The setup page is gone for good, for everyone.
  const later = f.anonymous();
  assert.equal((await later.get("/setup")).res.headers.get("location"), "/login");
  const again = await later.post("/setup", {
    username: "intruder",
    password: "another password 1",
    password_confirm: "another password 1",
  });
  assert.equal(again.res.status, 303);
  assert.equal(await f.rt.accounts.userCount(), 1);
});

Deno.test("setup and login refuse posts without the pre-login CSRF cookie and token", async () => {
  await using f = await webFixture({ withUser: false });
  const c = f.anonymous();
  const forged = await c.post("/setup", {
    username: "x",
    password: "correct horse battery",
    password_confirm: "correct horse battery",
  });
  assert.equal(forged.res.status, 403);
  assert.equal(await f.rt.accounts.userCount(), 0);
  await f.rt.accounts.createUser(ADMIN);
  const login = await c.post("/login", ADMIN);
  assert.equal(login.res.status, 403);
});

Deno.test("login sets an HttpOnly SameSite=Lax session cookie whose token is stored only as a hash", async () => {
  await using f = await webFixture();
  const c = f.anonymous();
  await c.get("/login");
  const { res } = await c.post("/login", ADMIN);
  assert.equal(res.status, 303);
  const cookie = res.headers.getSetCookie().find((s) => s.startsWith("shc_session="))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.match(cookie, /Path=\//);
  assert.match(cookie, /Max-Age=604800/, "SESSION_TTL_HOURS defaults to 168 h");
  assert.doesNotMatch(cookie, /Secure/, "plain HTTP: no Secure flag");
  const token = c.cookies.get("shc_session")!;
  const sessions = f.rt.store.sessions;
  const stored = await sessions.find(await sha256Hex(token), Date.now());
  assert.equal(stored?.username, ADMIN.username, "found by the token's hash");
  assert.equal(await sessions.find(token, Date.now()), null, "never by the token itself");
  if (TEST_ENGINE === "sqlite") {
    const rows = sqliteDb(f.rt).prepare("SELECT token_hash FROM sessions").all() as {
      token_hash: string;
    }[];
    assert.deepEqual(rows.map((r) => r.token_hash), [await sha256Hex(token)]);
  }

  // Behind a TLS-terminating proxy the cookie is Secure.
  const s = f.anonymous();
  await s.get("/login");
  const secure = await s.post("/login", ADMIN, { headers: { "X-Forwarded-Proto": "https" } });
  assert.match(
    secure.res.headers.getSetCookie().find((x) => x.startsWith("shc_session="))!,
    /Secure/,
  );
});

Deno.test("logout deletes the session; the old cookie no longer works", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const token = c.cookies.get("shc_session")!;
  assert.equal((await c.post("/logout", {}, { noCsrf: true })).res.status, 403);
  const out = await c.post("/logout");
  assert.equal(out.res.status, 303);
  assert.equal(out.res.headers.get("location"), "/login");
  assert.equal(await f.rt.store.sessions.find(await sha256Hex(token), Date.now()), null);
  const replay = new Client(f.app);
  replay.cookies.set("shc_session", token);
  assert.equal((await replay.get("/")).res.headers.get("location"), "/login");
});

Deno.test("a session expires after SESSION_TTL_HOURS", async () => {
  let now = Date.now();
  await using f = await webFixture({ env: { SESSION_TTL_HOURS: "2" }, web: { now: () => now } });
  const c = await f.login();
  assert.equal((await c.get("/")).res.status, 200);
  now += 2 * 3_600_000 + 1000;
  assert.equal((await c.get("/")).res.headers.get("location"), "/login");
});

Deno.test("a wrong password re-renders the form; next is kept but only for local paths", async () => {
  await using f = await webFixture();
  const c = f.anonymous();
  const page = await c.get("/monitors/new");
  assert.equal(page.res.headers.get("location"), "/login?next=%2Fmonitors%2Fnew");
  await c.get("/login?next=/monitors/new");
  const wrong = await c.post("/login", { ...ADMIN, password: "nope", next: "/monitors/new" });
  assert.equal(wrong.res.status, 401);
  assert.match(wrong.text, /Wrong user name or password/);
  assert.match(wrong.text, /name="next" value="\/monitors\/new"/);
  const ok = await c.post("/login", { ...ADMIN, next: "/monitors/new" });
  assert.equal(ok.res.headers.get("location"), "/monitors/new");

  const evil = f.anonymous();
  await evil.get("/login");
  const res = await evil.post("/login", { ...ADMIN, next: "//evil.example/x" });
  assert.equal(res.res.headers.get("location"), "/");
});

Deno.test("repeated failures from one address lock it out of the account with a growing delay, even for the right password", async () => {
  let now = 1_000_000;
  const throttle = new LoginThrottle({ now: () => now });
  const address = { value: "203.0.113.9" };
  await using f = await webFixture({
    web: { throttle, now: () => now, clientAddress: () => address.value },
  });
  const c = f.anonymous();
  await c.get("/login");
  for (let i = 0; i < 3; i++) {
    assert.equal((await c.post("/login", { ...ADMIN, password: `guess ${i}` })).res.status, 401);
  }
  const fourth = await c.post("/login", { ...ADMIN, password: "guess 3" });
  assert.equal(fourth.res.status, 429);
  assert.match(fourth.text, /Too many attempts, try again in 1 s\./);
  assert.equal(fourth.res.headers.get("Retry-After"), "1");
  // Locked: even the right password is refused, without being checked.
  const locked = await c.post("/login", ADMIN);
  assert.equal(locked.res.status, 429);
  now += 1000;
  const fifth = await c.post("/login", { ...ADMIN, password: "guess 4" });
  assert.match(fifth.text, /try again in 2 s/, "the delay doubles");
  // The lock is this address's only: the owner elsewhere signs in meanwhile.
  address.value = "198.51.100.7";
  assert.equal((await f.anonymous().login(ADMIN.username, ADMIN.password)).status, 303);
  address.value = "203.0.113.9";
  now += 2000;
  assert.equal((await c.post("/login", ADMIN)).res.status, 303);
});

Deno.test("repeated failures from one address lock that address across account names", async () => {
  const now = 1_000_000;
  const throttle = new LoginThrottle({ now: () => now });
  const address = { value: "203.0.113.9" };
  await using f = await webFixture({
    web: { throttle, now: () => now, clientAddress: () => address.value },
  });
  const c = f.anonymous();
  await c.get("/login");
  for (let i = 0; i < 10; i++) {
    const r = await c.post("/login", { username: `user${i}`, password: "whatever" });
    assert.equal(r.res.status, 401, `attempt ${i}`);
  }
  const blocked = await c.post("/login", { username: "user10", password: "whatever" });
  assert.equal(blocked.res.status, 429);
  assert.match(blocked.text, /Too many attempts, try again in \d+ s/);
  // Another address is unaffected.
  address.value = "198.51.100.7";
  assert.equal((await c.post("/login", ADMIN)).res.status, 303);
});

Deno.test("guessing from 100 addresses cannot lock the administrator out", async () => {
  let now = 1_000_000;
  const throttle = new LoginThrottle({ now: () => now });
  const address = { value: "10.9.9.9" };
  await using f = await webFixture({
    web: { throttle, now: () => now, clientAddress: () => address.value },
  });
  // The owner signed in from 10.9.9.9 before the attack.
  await f.anonymous().login(ADMIN.username, ADMIN.password);

  const attacker = f.anonymous();
  await attacker.get("/login");
  const authenticate = f.rt.accounts.authenticate.bind(f.rt.accounts);
  let checked = 0;
  f.rt.accounts.authenticate = (u, p) => (checked++, authenticate(u, p));
  const statuses: number[] = [];
  for (let i = 1; i <= 100; i++) {
    address.value = `10.0.0.${i}`;
    statuses.push((await attacker.post("/login", { ...ADMIN, password: `guess ${i}` })).res.status);
  }
  // 20 free failures for the account; the 21st starts a lock, and while it lasts guesses are
  // refused without a password check.
  assert.equal(statuses.filter((s) => s === 401).length, 20, `${statuses}`);
  assert.equal(statuses.filter((s) => s === 429).length, 80);
  assert.equal(checked, 21, "passwords checked");

  // Where the owner signed in before: straight in, no wait.
  address.value = "10.9.9.9";
  const owner = f.anonymous();
  await owner.get("/login");
  assert.equal((await owner.post("/login", ADMIN)).res.status, 303);

  // From a new address: a short, explained wait (at most a minute), then in.
  address.value = "10.8.8.8";
  const travelling = f.anonymous();
  await travelling.get("/login");
  const held = await travelling.post("/login", ADMIN);
  assert.equal(held.res.status, 429);
  assert.match(
    held.text,
    /Too many failed sign-ins to this account from other places, try again in \d+ s\. Places you signed in from before are not held back\./,
  );
  const wait = Number(held.res.headers.get("Retry-After"));
  assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
  now += wait * 1000;
  assert.equal((await travelling.post("/login", ADMIN)).res.status, 303);
});

Deno.test("a login whose password check throws gives its throttle place back", async () => {
  const now = 1_000_000;
  const throttle = new LoginThrottle({ now: () => now });
  await using f = await webFixture({ web: { throttle, now: () => now } });
  const c = f.anonymous();
  await c.get("/login");
  const authenticate = f.rt.accounts.authenticate;
  f.rt.accounts.authenticate = () => Promise.reject(new Error("database is locked"));
  for (let i = 0; i < 5; i++) {
    const { res } = await c.post("/login", ADMIN);
    assert.ok(res.status >= 500, `attempt ${i}: ${res.status}`);
  }
  f.rt.accounts.authenticate = authenticate;
  assert.equal(throttle.retryAfter({ username: "admin", address: "unknown" }), 0);
  assert.equal((await c.post("/login", ADMIN)).res.status, 303);
});

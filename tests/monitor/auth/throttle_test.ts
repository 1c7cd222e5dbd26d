import assert from "node:assert/strict";
import { type Admission, type Attempt, LoginThrottle } from "../../../monitor/auth/throttle.ts";

const key = (username: string, address = "10.0.0.1") => ({ username, address });

/** The attempt of an admission that must have been let through. */
function admitted(a: Admission): Attempt {
  assert.ok(a.ok, `expected admission, got ${JSON.stringify(a)}`);
  return a.attempt;
}

Deno.test("LoginThrottle: one address guessing one account: free failures, then a doubling lockout capped at 15 min", () => {
  let now = 0;
  const t = new LoginThrottle({ now: () => now });
  for (let i = 0; i < 3; i++) assert.equal(t.fail(key("admin")), 0, `free failure ${i + 1}`);
  assert.equal(t.fail(key("admin")), 1);
  now += 1000;
  assert.equal(t.fail(key("Admin")), 2, "user names are case-insensitive");
  now += 2000;
  assert.equal(t.fail(key("admin")), 4);
  // Guessing as fast as allowed: every admitted guess doubles the wait.
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    now += t.retryAfter(key("admin")) * 1000;
    const a = t.begin(key("admin"));
    waits.push(admitted(a).fail()!.retryAfter);
  }
  assert.deepEqual(waits, [8, 16, 32, 64, 128, 256]);
  for (let i = 0; i < 30; i++) {
    now += 15 * 60_000;
    t.fail(key("admin"));
  }
  assert.equal(t.retryAfter(key("admin")), 900, "capped at 15 min");
  const refused = t.begin(key("admin"));
  assert.deepEqual(refused, { ok: false, retryAfter: 900, rule: "pair" });
});

Deno.test("LoginThrottle: a lockout from one address never locks the account elsewhere", () => {
  let now = 0;
  const t = new LoginThrottle({ now: () => now });
  for (let i = 0; i < 10; i++) t.fail(key("admin", "203.0.113.9"));
  assert.ok(t.retryAfter(key("admin", "203.0.113.9")) > 0, "the guessing address is locked");
  assert.equal(t.retryAfter(key("admin", "198.51.100.7")), 0, "the owner elsewhere is not");
  // Even a long single-address campaign only slows new addresses by the account cap (60 s)...
  for (let i = 0; i < 40; i++) {
    now += 15 * 60_000;
    t.fail(key("admin", "203.0.113.9"));
  }
  assert.equal(t.retryAfter(key("admin", "203.0.113.9")), 900);
  const elsewhere = t.begin(key("admin", "198.51.100.7"));
  assert.equal(elsewhere.ok, false);
  assert.ok(!elsewhere.ok && elsewhere.rule === "account" && elsewhere.retryAfter <= 60);
  // ...and not at all where the owner signed in before.
  t.succeed(key("admin", "192.0.2.1"));
  assert.equal(t.retryAfter(key("admin", "192.0.2.1")), 0);
});

Deno.test("LoginThrottle: 100 failures from 100 addresses do not lock the owner out", () => {
  let now = 0;
  const t = new LoginThrottle({ now: () => now });
  t.succeed(key("admin", "10.9.9.9")); // the owner's usual place
  for (let i = 1; i <= 100; i++) t.fail(key("admin", `10.0.0.${i}`));

  // From where they signed in before: straight in.
  assert.equal(t.retryAfter(key("admin", "10.9.9.9")), 0);
  admitted(t.begin(key("admin", "10.9.9.9"))).succeed();
  // From a new address: at most the account cap of 60 s, then admitted.
  const fresh = t.begin(key("admin", "10.8.8.8"));
  assert.ok(!fresh.ok, "a new address is held back while the account is under attack");
  assert.equal(fresh.rule, "account");
  assert.ok(fresh.retryAfter <= 60, `waited ${fresh.retryAfter} s`);
  now += fresh.retryAfter * 1000;
  admitted(t.begin(key("admin", "10.8.8.8"))).succeed();
  // Each attacking address has failed only once for the account: no pair lock for it.
  t.succeed(key("admin", "10.0.0.1")); // pretend 10.0.0.1 found the password
  assert.equal(t.retryAfter(key("admin", "10.0.0.1")), 0);
  // Other accounts are unaffected.
  assert.equal(t.retryAfter(key("someone", "10.8.8.7")), 0);
});

Deno.test("LoginThrottle: guessing one account from 1000 addresses is held to about one guess a minute", () => {
  let now = 0;
  const t = new LoginThrottle({ now: () => now });
  t.succeed(key("admin", "192.0.2.1"));
  const perMinute: number[] = [];
  let attempts = 0;
  // Ten minutes of an attacker sending one request every 10 ms, cycling through 1000 addresses.
  for (let minute = 0; minute < 10; minute++) {
    let guesses = 0;
    for (let ms = 0; ms < 60_000; ms += 10, now += 10) {
      const a = t.begin(key("admin", `198.51.${(attempts % 1000) >> 8}.${attempts % 256}`));
      attempts++;
      if (a.ok) {
        guesses++;
        a.attempt.fail();
      }
    }
    perMinute.push(guesses);
  }
  assert.equal(attempts, 60_000);
  assert.ok(perMinute[0] <= 20 + 6, `first minute: ${perMinute[0]} (20 free, then 1, 2, 4 … s)`);
  for (const n of perMinute.slice(2)) assert.ok(n <= 1, `later minutes: ${perMinute}`);
  assert.ok(perMinute.reduce((a, b) => a + b) <= 40, `${perMinute}`);
  // Meanwhile the owner's known address was never held back.
  assert.equal(t.retryAfter(key("admin", "192.0.2.1")), 0);
});

Deno.test("LoginThrottle: attempts still being checked count, so concurrent requests cannot slip through", () => {
  let now = 0;
  const t = new LoginThrottle({ now: () => now });
  // One address, one account: only the 3 free failures may be in flight at once.
  const same = Array.from({ length: 10 }, () => t.begin(key("admin")));
  assert.equal(same.filter((a) => a.ok).length, 3);
  const busy = same.find((a) => !a.ok)!;
  assert.deepEqual(busy, { ok: false, retryAfter: 1, rule: "pair" });
  for (const a of same) if (a.ok) a.attempt.fail();
  assert.equal(t.retryAfter(key("admin")), 0, "3 failures: still free");

  // Many addresses at once: the account's 20 free failures bound the burst.
  const burst = Array.from({ length: 100 }, (_, i) => t.begin(key("root", `10.1.0.${i}`)));
  const through = burst.filter((a) => a.ok);
  assert.equal(through.length, 20);
  for (const a of through) a.attempt.fail();
  // Past the free failures the account admits one attempt at a time.
  const one = admitted(t.begin(key("root", "10.2.0.1")));
  const second = t.begin(key("root", "10.2.0.2"));
  assert.deepEqual(second, { ok: false, retryAfter: 1, rule: "account" });
  assert.deepEqual(one.fail(), { retryAfter: 1, rule: "account" });
  assert.equal(one.fail(), null, "an outcome counts once");
  now += 1000;

  // An abandoned check (the database was busy) gives its place back without counting.
  const lost = admitted(t.begin(key("root", "10.2.0.3")));
  lost.abandon();
  lost.fail();
  assert.equal(t.retryAfter(key("root", "10.2.0.4")), 0);
});

Deno.test("LoginThrottle: success clears the pair and remembers the address; other counters stay", () => {
  const now = 0;
  const t = new LoginThrottle({ now: () => now });
  for (let i = 0; i < 5; i++) t.fail(key("admin"));
  assert.ok(t.retryAfter(key("admin")) > 0);
  t.succeed(key("admin"));
  assert.equal(t.retryAfter(key("admin")), 0, "the pair is cleared");
  assert.equal(t.retryAfter(key("admin", "10.9.9.9")), 0);
  for (let i = 0; i < 5; i++) t.fail(key(`u${i}`));
  // 10 failures from 10.0.0.1 so far: the 11th locks the address for every other name...
  assert.ok(t.fail(key("someone")) > 0);
  assert.ok(t.retryAfter(key("anyone-else")) > 0);
  assert.equal(t.retryAfter(key("anyone-else", "10.0.0.2")), 0);
  // ...but not for the account that signed in from there.
  assert.equal(t.retryAfter(key("admin")), 0);
  // Its own guessing is still limited by the pair rule.
  for (let i = 0; i < 4; i++) t.fail(key("admin"));
  assert.ok(t.retryAfter(key("admin")) > 0);
});

Deno.test("LoginThrottle: failures are forgotten after a quiet hour, known addresses after 30 days, and memory is bounded", () => {
  let now = 0;
  const t = new LoginThrottle({ now: () => now, maxEntries: 60, maxKnown: 5 });
  for (let i = 0; i < 3; i++) t.fail(key("admin"));
  now += 61 * 60_000;
  assert.equal(t.fail(key("admin")), 0, "counted afresh");
  t.succeed(key("admin", "192.0.2.1"));
  for (let i = 0; i < 1000; i++) t.fail(key(`spray${i}`, `192.0.2.${i % 250}`));
  assert.ok(t.size <= 60, `${t.size} counters`);
  assert.equal(t.knownSize, 1, "failures cannot evict a known address");
  for (let i = 0; i < 10; i++) t.succeed(key(`user${i}`, "192.0.2.7"));
  assert.equal(t.knownSize, 5);

  const k = new LoginThrottle({ now: () => now });
  k.succeed(key("admin", "192.0.2.1"));
  for (let i = 0; i < 30; i++) k.fail(key("admin", `10.0.0.${i}`));
  assert.equal(k.retryAfter(key("admin", "192.0.2.1")), 0, "known");
  now += 31 * 24 * 3_600_000;
  for (let i = 0; i < 30; i++) k.fail(key("admin", `10.0.1.${i}`));
  assert.ok(k.retryAfter(key("admin", "192.0.2.1")) > 0, "no longer known a month later");
});

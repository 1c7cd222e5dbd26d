import assert from "node:assert/strict";
import { LoginThrottle } from "../../monitor/throttle.ts";

const key = (username: string, address = "10.0.0.1") => ({ username, address });

Deno.test("LoginThrottle: free failures, then a doubling lockout capped at the maximum", () => {
  let now = 0;
  const t = new LoginThrottle({ now: () => now });
  for (let i = 0; i < 3; i++) assert.equal(t.fail(key("admin")), 0, `free failure ${i + 1}`);
  assert.equal(t.fail(key("admin")), 1);
  now += 1000;
  assert.equal(t.fail(key("Admin")), 2, "user names are case-insensitive");
  now += 2000;
  assert.equal(t.fail(key("admin")), 4);
  for (let i = 0; i < 30; i++) {
    now += 15 * 60_000;
    t.fail(key("admin"));
  }
  assert.equal(t.retryAfter(key("admin")), 900, "capped at 15 min");
});

Deno.test("LoginThrottle: success clears the account but not the address", () => {
  let now = 0;
  const t = new LoginThrottle({ now: () => now });
  for (let i = 0; i < 5; i++) t.fail(key("admin"));
  now += 60_000;
  t.succeed(key("admin"));
  assert.equal(t.retryAfter(key("admin", "10.9.9.9")), 0);
  for (let i = 0; i < 5; i++) t.fail(key(`u${i}`));
  // 10 failures from 10.0.0.1 so far: the 11th locks the address for every name.
  assert.ok(t.fail(key("someone")) > 0);
  assert.ok(t.retryAfter(key("anyone-else")) > 0);
  assert.equal(t.retryAfter(key("anyone-else", "10.0.0.2")), 0);
});

Deno.test("LoginThrottle: failures are forgotten after a quiet hour and memory is bounded", () => {
  let now = 0;
  const t = new LoginThrottle({ now: () => now, maxEntries: 50 });
  for (let i = 0; i < 3; i++) t.fail(key("admin"));
  now += 61 * 60_000;
  assert.equal(t.fail(key("admin")), 0, "counted afresh");
  for (let i = 0; i < 100; i++) t.fail(key(`spray${i}`, `192.0.2.${i}`));
  assert.ok(t.size <= 50);
});

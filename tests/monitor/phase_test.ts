import assert from "node:assert/strict";
import { nextSlot, phaseOffset } from "../../monitor/phase.ts";

const MINUTE = 60_000;

Deno.test("phaseOffset() spreads 1,000 monitors at 60 s over every second of the minute", () => {
  const perSecond = new Array(60).fill(0);
  for (let id = 1; id <= 1000; id++) {
    const offset = phaseOffset(id, MINUTE);
    assert.ok(offset >= 0 && offset < MINUTE, `id ${id}: offset ${offset}`);
    assert.ok(Number.isInteger(offset));
    perSecond[Math.floor(offset / 1000)]++;
  }
  // A perfect spread is 16.7 per second; no second may hold more than 2.5 % of all checks.
  assert.ok(Math.max(...perSecond) <= 25, `busiest second: ${Math.max(...perSecond)}`);
  assert.ok(Math.min(...perSecond) >= 1, "a second of the minute holds no check");
});

Deno.test("phaseOffset() also spreads ids that do not start at 1", () => {
  const perSecond = new Array(60).fill(0);
  for (let id = 70_001; id <= 71_000; id++) perSecond[Math.floor(phaseOffset(id, MINUTE) / 1000)]++;
  assert.ok(Math.max(...perSecond) <= 25, `busiest second: ${Math.max(...perSecond)}`);
});

Deno.test("phaseOffset() is stable and stays inside the period for any period", () => {
  for (const period of [10_000, 60_000, 300_000, 86_400_000]) {
    for (const id of [1, 2, 3, 999, 123_456, 2 ** 31 - 1]) {
      const a = phaseOffset(id, period);
      assert.equal(phaseOffset(id, period), a);
      assert.ok(a >= 0 && a < period, `id ${id} period ${period}: ${a}`);
    }
  }
});

Deno.test("nextSlot() is the first slot strictly after t, on the monitor's phase", () => {
  const t0 = Date.UTC(2025, 0, 1, 12, 0, 0);
  for (const period of [10_000, 60_000, 3_600_000]) {
    for (let id = 1; id <= 200; id++) {
      const phase = phaseOffset(id, period);
      for (const t of [t0, t0 + 1, t0 + 7_777, t0 + period - 1, t0 + 12_345_678]) {
        const slot = nextSlot(id, period, t);
        assert.ok(slot > t, `slot ${slot} is not after ${t}`);
        assert.ok(slot - t <= period, `slot ${slot} is more than a period after ${t}`);
        assert.equal(((slot - phase) % period + period) % period, 0, "off phase");
      }
    }
  }
});

Deno.test("nextSlot() at a slot returns the following slot, then keeps the same second", () => {
  const id = 42;
  const first = nextSlot(id, MINUTE, Date.UTC(2025, 0, 1));
  assert.equal(nextSlot(id, MINUTE, first), first + MINUTE);
  assert.equal(nextSlot(id, MINUTE, first - 1), first);
  let t = first;
  for (let i = 0; i < 10; i++) {
    const next = nextSlot(id, MINUTE, t);
    assert.equal(next - t, MINUTE);
    assert.equal(next % MINUTE, first % MINUTE);
    t = next;
  }
});

import assert from "node:assert/strict";
import { nextDue, Scheduler } from "../../monitor/scheduler.ts";
import { nextSlot } from "../../monitor/phase.ts";
import { setLogLevel } from "../../monitor/log.ts";
import type { Monitor, MonitorState } from "../../monitor/types.ts";
import { fakeMonitor, fakeState, sleep, waitFor } from "../_helpers/core.ts";

// A throwing check is logged at error level by design; keep the test output readable.
setLogLevel("error");

type Check = (monitor: Monitor, signal: AbortSignal) => Promise<MonitorState>;

/** Fake scheduler dependencies that record every check: when it started and what overlapped. */
class Harness {
  rows = new Map<number, { monitor: Monitor; state: MonitorState }>();
  behaviours = new Map<number, Check>();
  starts = new Map<number, number[]>();
  seen = new Map<number, Monitor[]>();
  signals: AbortSignal[] = [];
  inflight = new Map<number, number>();
  total = 0;
  maxTotal = 0;
  maxPerMonitor = 0;

  add(monitor: Monitor, state = fakeState(monitor.id), check?: Check): Monitor {
    this.rows.set(monitor.id, { monitor, state });
    if (check) this.behaviours.set(monitor.id, check);
    return monitor;
  }

  count(id: number): number {
    return this.starts.get(id)?.length ?? 0;
  }

  scheduler(concurrency = 10): Scheduler {
    return new Scheduler({
      concurrency,
      loadActive: () => Promise.resolve([...this.rows.values()].filter((r) => r.monitor.active)),
      loadOne: (id) => {
        const r = this.rows.get(id);
        return Promise.resolve(r?.monitor.active ? r : null);
      },
      runCheck: async (monitor, signal) => {
        const id = monitor.id;
        this.starts.set(id, [...(this.starts.get(id) ?? []), performance.now()]);
        this.seen.set(id, [...(this.seen.get(id) ?? []), monitor]);
        this.signals.push(signal);
        this.inflight.set(id, (this.inflight.get(id) ?? 0) + 1);
        this.total++;
        this.maxPerMonitor = Math.max(this.maxPerMonitor, this.inflight.get(id)!);
        this.maxTotal = Math.max(this.maxTotal, this.total);
        try {
          const check = this.behaviours.get(id);
          return check
            ? await check(monitor, signal)
            : fakeState(id, { state: "up", lastCheckedAt: Date.now() });
        } finally {
          this.inflight.set(id, this.inflight.get(id)! - 1);
          this.total--;
        }
      },
    });
  }
}

/** A check that takes `ms` and ends up. */
const slow = (ms: number): Check => async (m) => {
  await sleep(ms);
  return fakeState(m.id, { state: "up", lastCheckedAt: Date.now() });
};

/** A check that hangs until the scheduler aborts it. */
const hang: Check = (m, signal) =>
  new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(fakeState(m.id)), { once: true })
  );

/** Runs `fn` with a started scheduler and always stops it. */
async function withScheduler(
  h: Harness,
  concurrency: number,
  fn: (s: Scheduler) => Promise<void>,
): Promise<void> {
  const s = h.scheduler(concurrency);
  s.start();
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

/** A monitor id whose next 60 s phase slot is at least `ms` away, so nothing fires by phase. */
function idWithSlotAtLeast(ms: number): number {
  for (let id = 10_000;; id++) if (nextSlot(id, 60_000, Date.now()) - Date.now() > ms) return id;
}

Deno.test("Scheduler checks a never-checked monitor at once and then waits for its interval", async () => {
  const h = new Harness();
  const m = h.add(fakeMonitor({ intervalS: 60 }));
  const started = performance.now();
  await withScheduler(h, 10, async () => {
    await waitFor(() => h.count(m.id) === 1, { timeoutMs: 1000, message: "first check" });
    assert.ok(h.starts.get(m.id)![0] - started < 200, "first check was not immediate");
    await sleep(100);
    assert.equal(h.count(m.id), 1);
  });
});

Deno.test("Scheduler never overlaps two checks of one monitor, even past its interval", async () => {
  const h = new Harness();
  // The check takes 3 intervals; edits arrive while it runs.
  const m = h.add(fakeMonitor({ intervalS: 0.02 }), undefined, slow(60));
  await withScheduler(h, 10, async (s) => {
    for (let i = 0; i < 6; i++) {
      await sleep(40);
      await s.refresh(m.id);
    }
    await waitFor(() => h.count(m.id) >= 4, { timeoutMs: 2000, message: "4 checks" });
  });
  assert.equal(h.maxPerMonitor, 1);
  const starts = h.starts.get(m.id)!;
  for (let i = 1; i < starts.length; i++) {
    assert.ok(starts[i] - starts[i - 1] >= 50, `check ${i + 1} started before ${i} ended`);
  }
});

Deno.test("Scheduler keeps checking monitor B while monitor A's check hangs", async () => {
  const h = new Harness();
  const a = h.add(fakeMonitor({ intervalS: 0.02 }), undefined, hang);
  const b = h.add(fakeMonitor({ intervalS: 0.03 }));
  await withScheduler(h, 4, async () => {
    await waitFor(() => h.count(b.id) >= 5, { timeoutMs: 2000, message: "B checked 5 times" });
    assert.equal(h.count(a.id), 1, "A was checked again while its check still hung");
  });
  assert.equal(h.maxPerMonitor, 1);
});

Deno.test("Scheduler never runs more checks at once than its concurrency", async () => {
  const h = new Harness();
  const ms = Array.from({ length: 12 }, () => h.add(fakeMonitor(), undefined, slow(40)));
  let queuedSeen = 0;
  await withScheduler(h, 3, async (s) => {
    await waitFor(() => {
      queuedSeen = Math.max(queuedSeen, s.stats().queued);
      assert.ok(s.stats().running <= 3);
      return ms.every((m) => h.count(m.id) === 1);
    }, { timeoutMs: 3000, message: "every monitor checked once" });
  });
  assert.equal(h.maxTotal, 3);
  assert.ok(queuedSeen > 0, "nothing ever waited for a slot");
});

Deno.test("Scheduler.refresh() checks an edited monitor at once with its new settings", async () => {
  const h = new Harness();
  const id = idWithSlotAtLeast(5_000);
  const m = fakeMonitor({ id, intervalS: 60 });
  // Checked just now: the next check is half a minute or more away.
  h.add(m, fakeState(id, { state: "up", lastCheckedAt: Date.now() }));
  await withScheduler(h, 10, async (s) => {
    await sleep(80);
    assert.equal(h.count(id), 0, "checked before it was due");
    const edited = { ...m, url: "http://127.0.0.1:9/edited", updatedAt: m.updatedAt + 1 };
    h.rows.set(id, { monitor: edited, state: h.rows.get(id)!.state });
    await s.refresh(id);
    await waitFor(() => h.count(id) === 1, { timeoutMs: 500, message: "check after edit" });
    assert.equal(h.seen.get(id)![0].url, "http://127.0.0.1:9/edited");
  });
});

Deno.test("Scheduler.refresh() checks a newly created monitor at once", async () => {
  const h = new Harness();
  await withScheduler(h, 10, async (s) => {
    const m = h.add(fakeMonitor());
    await s.refresh(m.id);
    await waitFor(() => h.count(m.id) === 1, { timeoutMs: 500, message: "first check" });
    assert.equal(s.stats().scheduled, 1);
  });
});

Deno.test("Scheduler stops checking a monitor once it is paused or deleted", async () => {
  const h = new Harness();
  const paused = h.add(fakeMonitor({ intervalS: 0.02 }));
  const deleted = h.add(fakeMonitor({ intervalS: 0.02 }));
  await withScheduler(h, 10, async (s) => {
    await waitFor(() => h.count(paused.id) >= 2 && h.count(deleted.id) >= 2, {
      timeoutMs: 1000,
      message: "two checks each",
    });
    h.rows.set(paused.id, {
      monitor: { ...paused, active: false, updatedAt: 1 },
      state: h.rows.get(paused.id)!.state,
    });
    h.rows.delete(deleted.id);
    await s.refresh(paused.id);
    await s.refresh(deleted.id);
    const counts = [h.count(paused.id), h.count(deleted.id)];
    await sleep(150);
    assert.deepEqual([h.count(paused.id), h.count(deleted.id)], counts);
    assert.equal(s.stats().scheduled, 0);
  });
});

Deno.test("Scheduler.tick() drops monitors deleted behind its back and adds new ones", async () => {
  const h = new Harness();
  const gone = h.add(fakeMonitor({ intervalS: 0.02 }));
  await withScheduler(h, 10, async (s) => {
    await waitFor(() => h.count(gone.id) >= 1, { timeoutMs: 1000 });
    h.rows.delete(gone.id);
    const added = h.add(fakeMonitor());
    await s.tick();
    const count = h.count(gone.id);
    await waitFor(() => h.count(added.id) === 1, { timeoutMs: 500, message: "new monitor" });
    await sleep(100);
    assert.equal(h.count(gone.id), count);
    assert.equal(s.stats().scheduled, 1);
  });
});

Deno.test("Scheduler.stop() aborts probes in flight and waits for them to finish", async () => {
  const h = new Harness();
  let finished = 0;
  const ms = [1, 2, 3].map(() =>
    h.add(fakeMonitor(), undefined, async (m, signal) => {
      const state = await hang(m, signal);
      await sleep(20); // clean-up after the abort still completes before stop() resolves
      finished++;
      return state;
    })
  );
  const s = h.scheduler(10);
  s.start();
  try {
    await waitFor(() => h.total === 3, { timeoutMs: 1000, message: "3 checks in flight" });
  } finally {
    await s.stop();
  }
  assert.equal(finished, 3);
  assert.ok(h.signals.every((sig) => sig.aborted));
  assert.equal(s.running, false);
  await sleep(50);
  assert.deepEqual(ms.map((m) => h.count(m.id)), [1, 1, 1], "checked again after stop()");
});

Deno.test("Scheduler re-checks after the retry interval while pending, then returns to the interval", async () => {
  const h = new Harness();
  let n = 0;
  const m = h.add(
    fakeMonitor({ id: idWithSlotAtLeast(5_000), intervalS: 60, retryIntervalS: 0.05 }),
    undefined,
    (mon) => {
      n++;
      // Two failures below the threshold (pending), then a success.
      return Promise.resolve(fakeState(mon.id, {
        state: n <= 2 ? "pending" : "up",
        consecutiveFailures: n <= 2 ? n : 0,
        lastCheckedAt: Date.now(),
      }));
    },
  );
  await withScheduler(h, 10, async () => {
    await waitFor(() => h.count(m.id) === 3, { timeoutMs: 1000, message: "3 checks" });
    const [t1, t2, t3] = h.starts.get(m.id)!;
    assert.ok(t2 - t1 >= 45 && t2 - t1 < 500, `retry gap ${t2 - t1}`);
    assert.ok(t3 - t2 >= 45 && t3 - t2 < 500, `retry gap ${t3 - t2}`);
    await sleep(200);
    assert.equal(h.count(m.id), 3, "an UP monitor was re-checked at the retry interval");
  });
});

Deno.test("Scheduler keeps going when a check throws", async () => {
  const h = new Harness();
  const bad = h.add(fakeMonitor({ intervalS: 0.02 }), undefined, () => {
    return Promise.reject(new Error("monitor was deleted during its check"));
  });
  const good = h.add(fakeMonitor({ intervalS: 0.02 }));
  await withScheduler(h, 10, async () => {
    await waitFor(() => h.count(bad.id) >= 3 && h.count(good.id) >= 3, {
      timeoutMs: 2000,
      message: "both monitors checked 3 times",
    });
  });
});

Deno.test("Scheduler does not fire every overdue monitor at once after a restart", async () => {
  const h = new Harness();
  const id = idWithSlotAtLeast(5_000);
  // Last checked an hour ago: overdue, so it waits for its phase slot in the coming minute.
  h.add(
    fakeMonitor({ id, intervalS: 60 }),
    fakeState(id, { state: "up", lastCheckedAt: Date.now() - 3_600_000 }),
  );
  await withScheduler(h, 10, async (s) => {
    await sleep(100);
    assert.equal(h.count(id), 0);
    assert.equal(s.stats().scheduled, 1);
  });
});

Deno.test("Scheduler counts started checks and their lag for /metrics", async () => {
  const h = new Harness();
  const ms = [1, 2, 3, 4].map(() => h.add(fakeMonitor()));
  await withScheduler(h, 10, async (s) => {
    await waitFor(() => ms.every((m) => h.count(m.id) === 1), { timeoutMs: 1000 });
    const stats = s.stats();
    assert.equal(stats.checksStarted, 4);
    assert.equal(stats.recentLagsMs.length, 4);
    assert.ok(stats.lastTickAt !== null);
    assert.ok(stats.lagBuckets.get(10_000)! === 4, "every lag under 10 s");
  });
});

Deno.test("nextDue() uses the retry interval only while pending with failures", () => {
  const t = Date.UTC(2025, 0, 1, 12, 0, 0);
  const m = fakeMonitor({ id: 7, intervalS: 60, retryIntervalS: 15 });
  const cases: [Partial<MonitorState>, number][] = [
    [{ state: "pending", consecutiveFailures: 1 }, t + 15_000],
    [{ state: "pending", consecutiveFailures: 4 }, t + 15_000],
    // Never checked yet (pending with no failures): the normal interval.
    [{ state: "pending", consecutiveFailures: 0 }, nextSlot(7, 60_000, t + 30_000)],
    [{ state: "up", consecutiveFailures: 0 }, nextSlot(7, 60_000, t + 30_000)],
    // Already DOWN: back to the normal interval, not the retry interval.
    [{ state: "down", consecutiveFailures: 9 }, nextSlot(7, 60_000, t + 30_000)],
  ];
  for (const [state, due] of cases) {
    assert.equal(nextDue(m, fakeState(7, state), t), due, JSON.stringify(state));
  }
});

Deno.test("nextDue() keeps a monitor on its phase between half and one and a half intervals", () => {
  for (const intervalS of [10, 60, 300]) {
    for (let id = 1; id <= 100; id++) {
      const m = fakeMonitor({ id, intervalS });
      const t = Date.UTC(2025, 0, 1) + id * 1234;
      const due = nextDue(m, fakeState(id, { state: "up" }), t);
      const gap = due - t;
      assert.ok(gap > intervalS * 500 && gap <= intervalS * 1500, `id ${id}: gap ${gap}`);
      // The next one after that is exactly one interval later.
      assert.equal(nextDue(m, fakeState(id, { state: "up" }), due) - due, intervalS * 1000);
    }
  }
});

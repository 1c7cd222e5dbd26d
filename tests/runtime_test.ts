import assert from "node:assert/strict";
import { createRuntime } from "../runtime.ts";
import { openStore } from "../monitor/store/open.ts";
import { setLogLevel } from "../monitor/log.ts";
import { startTarget, startTcpTarget } from "./_helpers/targets.ts";
import { tempDir, testConfig, waitFor } from "./_helpers/core.ts";

setLogLevel("error");

Deno.test("Runtime.stop() does not record a check it cancelled as a failure", async () => {
  await using dir = await tempDir();
  await using t = await startTcpTarget(() => {}); // accepts and never answers
  const config = testConfig(dir.path);
  const rt = await createRuntime(config, { cron: false });
  let id: number;
  try {
    rt.start();
    id = (await rt.service.create({ name: "slow", url: t.httpUrl, timeout_ms: 5000 })).id;
    await waitFor(() => t.accepted === 1, { timeoutMs: 2000, message: "probe connected" });
  } finally {
    await rt.stop();
  }
  // Read back what the stopped runtime left in its store.
  const store = await openStore(config);
  try {
    assert.ok(await store.monitors.get(id), "the monitor itself was stored");
    assert.equal(
      (await store.checks.recent(id, 100)).length,
      0,
      "the cancelled probe was recorded",
    );
    assert.equal((await store.incidents.list(id)).length, 0, "shutdown opened an incident");
    assert.equal((await store.states.all()).has(id), false);
  } finally {
    await store.close();
  }
});

Deno.test("Runtime runs the first check of a new monitor at once and counts statuses", async () => {
  await using dir = await tempDir();
  await using t = await startTarget(() => new Response("ok"));
  const rt = await createRuntime(testConfig(dir.path), { cron: false });
  try {
    rt.start();
    const up = (await rt.service.create({ name: "up", url: t.url })).id;
    await rt.service.create({ name: "paused", url: t.url, active: false });
    await waitFor(async () => (await rt.service.get(up)).status === "up", { timeoutMs: 3000 });
    assert.deepEqual(await rt.statusCounts(), {
      up: 1,
      degraded: 0,
      down: 0,
      pending: 0,
      maintenance: 0,
      paused: 1,
    });
    assert.equal(t.requests, 1, "the paused monitor was probed");
  } finally {
    await rt.stop();
  }
});

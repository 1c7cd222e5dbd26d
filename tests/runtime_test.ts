import assert from "node:assert/strict";
import { createRuntime } from "../runtime.ts";
import { openDb } from "../monitor/store/sqlite/db.ts";
import { setLogLevel } from "../monitor/log.ts";
import { startTarget, startTcpTarget } from "./_helpers/targets.ts";
import { tempDir, testConfig, waitFor } from "./_helpers/core.ts";

setLogLevel("error");

Deno.test("Runtime.stop() does not record a check it cancelled as a failure", async () => {
  await using dir = await tempDir();
  await using t = await startTcpTarget(() => {}); // accepts and never answers
  const config = testConfig(dir.path);
  const rt = createRuntime(config, { cron: false });
  let id: number;
  try {
    rt.start();
    id = rt.service.create({ name: "slow", url: t.httpUrl, timeout_ms: 5000 }).id;
    await waitFor(() => t.accepted === 1, { timeoutMs: 2000, message: "probe connected" });
  } finally {
    await rt.stop();
  }
  const db = openDb(config.databasePath);
  try {
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    assert.equal(n("SELECT count(*) AS n FROM checks"), 0, "the cancelled probe was recorded");
    assert.equal(n("SELECT count(*) AS n FROM incidents"), 0, "shutdown opened an incident");
    assert.equal(n(`SELECT count(*) AS n FROM monitor_state WHERE monitor_id = ${id}`), 0);
  } finally {
    db.close();
  }
});

Deno.test("Runtime runs the first check of a new monitor at once and counts statuses", async () => {
  await using dir = await tempDir();
  await using t = await startTarget(() => new Response("ok"));
  const rt = createRuntime(testConfig(dir.path), { cron: false });
  try {
    rt.start();
    const up = rt.service.create({ name: "up", url: t.url }).id;
    rt.service.create({ name: "paused", url: t.url, active: false });
    await waitFor(() => rt.service.get(up).status === "up", { timeoutMs: 3000 });
    assert.deepEqual(rt.statusCounts(), { up: 1, down: 0, pending: 0, paused: 1 });
    assert.equal(t.requests, 1, "the paused monitor was probed");
  } finally {
    await rt.stop();
  }
});

/**
 * End-to-end: the real service as a subprocess on a real database file, stopped with SIGTERM and
 * started again. A restart must neither forget an outage nor report it a second time.
 */
import assert from "node:assert/strict";
import { startTarget } from "./_helpers/targets.ts";
import { REPO_ROOT, storeEnv, tempDir, waitFor } from "./_helpers/core.ts";
import { client, createToken, type Json, startServer } from "./_helpers/server.ts";

const countLines = (text: string, event: string) =>
  text.split("\n").filter((l) => l.includes(` ${event} `)).length;

Deno.test({
  name: "the service keeps an outage across SIGTERM and restart, then closes the same incident",
  async fn() {
    await using dir = await tempDir();
    let status = 503;
    await using target = await startTarget(() => new Response("status", { status }));
    const env = storeEnv(dir.path);
    const token = await createToken(env);

    // First run: the new monitor is checked at once and goes DOWN.
    let monitorId: number;
    let incident: Json;
    let statusSince: unknown;
    {
      await using server = await startServer(env);
      const api = client(server, token);
      const m = await api("POST", "/monitors", { name: "Shop", url: target.url, interval_s: 10 });
      monitorId = m.id as number;
      await waitFor(
        async () => (await api("GET", `/monitors/${monitorId}`)).status === "down",
        { timeoutMs: 10_000, intervalMs: 50, message: "monitor DOWN", describe: server.output },
      );
      const view = await api("GET", `/monitors/${monitorId}`);
      statusSince = view.status_since;
      assert.equal((view.last_check as Json).http_status, 503);
      const incidents = (await api("GET", `/monitors/${monitorId}/incidents`)).incidents as Json[];
      assert.equal(incidents.length, 1);
      assert.equal(incidents[0].ongoing, true);
      assert.equal(incidents[0].http_status, 503);
      incident = incidents[0];

      assert.equal(await server.stop(), 0, `graceful exit on SIGTERM:\n${server.output()}`);
      assert.equal(countLines(server.output(), "monitor.down"), 1, server.output());
      assert.match(server.output(), /server\.stopping signal=SIGTERM/);
    }

    // Second run on the same database, target still failing: state and incident are restored
    // and further failures extend the same incident without a second DOWN.
    {
      await using server = await startServer(env);
      const api = client(server, token);
      const view = await api("GET", `/monitors/${monitorId}`);
      assert.equal(view.status, "down", "the restart forgot the outage");
      assert.equal(view.status_since, statusSince);
      assert.ok((view.consecutive_failures as number) >= 1);
      const failuresBefore = view.consecutive_failures as number;

      for (let i = 0; i < 2; i++) {
        const check = await api("POST", `/monitors/${monitorId}/check`);
        assert.equal(check.ok, false);
        assert.equal(check.status, "down");
      }
      const after = await api("GET", `/monitors/${monitorId}`);
      assert.ok((after.consecutive_failures as number) >= failuresBefore + 2);
      assert.equal(after.status_since, statusSince);
      let incidents = (await api("GET", `/monitors/${monitorId}/incidents`)).incidents as Json[];
      assert.equal(incidents.length, 1, "a second incident was opened after the restart");
      assert.equal(incidents[0].id, incident.id);
      assert.equal(incidents[0].started_at, incident.started_at);
      assert.ok((incidents[0].failure_count as number) >= (incident.failure_count as number) + 2);
      assert.equal(countLines(server.output(), "monitor.down"), 0, server.output());

      // Recovery closes the very incident opened before the restart.
      status = 200;
      const check = await api("POST", `/monitors/${monitorId}/check`);
      assert.equal(check.ok, true);
      assert.equal(check.status, "up");
      incidents = (await api("GET", `/monitors/${monitorId}/incidents`)).incidents as Json[];
      assert.equal(incidents.length, 1);
      assert.equal(incidents[0].id, incident.id);
      assert.equal(incidents[0].ongoing, false);
      assert.equal(incidents[0].ended_at, check.checked_at);
      assert.equal((await api("GET", `/monitors/${monitorId}`)).status, "up");
      const checks = (await api("GET", `/monitors/${monitorId}/checks?limit=100`)).checks as Json[];
      assert.ok(checks.length >= 4, "history from before the restart is kept");
      assert.equal(checks[0].id, check.id);

      const metrics = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await metrics.text();
      assert.match(text, /^shc_monitors\{status="up"\} 1$/m);

      assert.equal(await server.stop(), 0);
      assert.equal(countLines(server.output(), "monitor.down"), 0, server.output());
      assert.equal(countLines(server.output(), "monitor.recovered"), 1, server.output());
    }
  },
});

Deno.test("the service refuses to start on a bad environment value and names the variable", async () => {
  await using dir = await tempDir();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write", "main.ts"],
    cwd: REPO_ROOT,
    env: { DATABASE_PATH: `${dir.path}/health.db`, PORT: "eighty", CHECK_CONCURRENCY: "0" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, stderr);
  assert.match(stderr, /PORT must be a whole number from 1 to 65535, received "eighty"/);
  assert.match(stderr, /CHECK_CONCURRENCY must be/);
  assert.equal(new TextDecoder().decode(out.stdout), "");
});

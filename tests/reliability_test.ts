/**
 * The real service under conditions that used to take it down or hang it (issue 7): a second
 * instance on the same database, start-up errors, a full disk under stdout, and SIGTERM while
 * probes and requests hang on a stalled target.
 */
import assert from "node:assert/strict";
import { closedPort, startTarget } from "./_helpers/targets.ts";
import { REPO_ROOT, storeEnv, tempDir, testConfig, waitFor } from "./_helpers/core.ts";
import { openStore } from "../monitor/store/open.ts";
import { client, createToken, startServer } from "./_helpers/server.ts";

/** The start task's permissions, as `deno task start` runs main.ts. */
const START_PERMISSIONS = [
  "--allow-net",
  "--allow-env",
  "--allow-read=.env,data",
  "--allow-write=data",
  "--allow-sys=hostname,networkInterfaces",
];

/** Runs main.ts to its exit (it is expected to refuse to start). */
async function runToExit(env: Record<string, string>, opts: { cwd?: string; perms?: string[] }) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      ...(opts.perms ?? START_PERMISSIONS),
      `${REPO_ROOT.pathname}main.ts`,
    ],
    cwd: opts.cwd ?? REPO_ROOT,
    env: { HOST: "127.0.0.1", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** One line of text, without a stack trace or Deno's "Uncaught". */
function assertOneClearLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(stderr, /Uncaught|\bat .*\.ts:\d+/);
}

Deno.test("a second instance on the same database refuses to start; a crash releases the lock", async () => {
  await using dir = await tempDir();
  const env = { DATABASE_PATH: `${dir.path}/health.db` };
  const first = await startServer(env);
  try {
    const second = await runToExit({ ...env, PORT: String(closedPort()) }, {
      perms: [
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-write",
      ],
    });
    assert.equal(second.code, 1);
    assertOneClearLine(
      second.stderr,
      new RegExp(`already running on this database \\(pid ${first.pid}\\).*own DATABASE_PATH`),
    );
  } finally {
    // kill -9: no chance to clean up, yet the kernel drops the lock with the process.
    Deno.kill(first.pid, "SIGKILL");
    await first[Symbol.asyncDispose]();
  }
  await using again = await startServer(env);
  assert.equal((await fetch(`${again.url}/healthz`).then((r) => r.json())).status, "ok");
  assert.equal(await again.stop(), 0);
});

Deno.test("start-up errors are one line that says what to do", async (t) => {
  await t.step("port already in use", async () => {
    await using dir = await tempDir();
    const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const port = (busy.addr as Deno.NetAddr).port;
      const r = await runToExit({ PORT: String(port) }, { cwd: dir.path });
      assert.equal(r.code, 1);
      assertOneClearLine(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}.*already in use.*PORT`));
    } finally {
      busy.close();
    }
  });

  await t.step("DATABASE_PATH outside the folder the start task may write", async () => {
    await using dir = await tempDir();
    const r = await runToExit(
      { PORT: String(closedPort()), DATABASE_PATH: `${dir.path}/elsewhere/health.db` },
      { cwd: dir.path },
    );
    assert.equal(r.code, 1);
    assertOneClearLine(r.stderr, /DATABASE_PATH=.*elsewhere\/health\.db is outside .*data\//);
  });
});

Deno.test("logging to a full disk never takes the service down", async () => {
  await using dir = await tempDir();
  await using target = await startTarget(() => new Response("ok"));
  const env = { ...storeEnv(dir.path), LOG_LEVEL: "debug" };
  const token = await createToken(storeEnv(dir.path));
  await using server = await startServer(env, { stdoutToDevFull: true });
  const api = client(server, token);
  const m = await api("POST", "/monitors", { name: "Shop", url: target.url, interval_s: 10 });
  for (let i = 0; i < 5; i++) {
    const check = await api("POST", `/monitors/${m.id}/check`);
    assert.equal(check.ok, true);
  }
  const metrics = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  }).then((r) => r.text());
  const dropped = Number(/^shc_log_lines_dropped_total (\d+)$/m.exec(metrics)?.[1]);
  assert.ok(dropped > 0, "every info line failed to write, and was counted");
  assert.equal(await server.stop(), 0, server.output());
});

Deno.test("SIGTERM exits promptly while probes and requests hang on a stalled target", async () => {
  await using dir = await tempDir();
  let started = 0;
  await using target = await startTarget((_req, _info, closing) => {
    started++;
    // Headers at once, then a body that never ends (until the target closes).
    return new Response(
      new ReadableStream({
        start(ctl) {
          ctl.enqueue(new TextEncoder().encode("first chunk"));
          closing.addEventListener("abort", () => {
            try {
              ctl.close();
            } catch { /* already cancelled by the client */ }
          }, { once: true });
        },
      }),
    );
  });
  const env = storeEnv(dir.path);
  const token = await createToken(env);
  await using server = await startServer(env);
  const api = client(server, token);
  const body = { url: target.url, interval_s: 120, timeout_ms: 60_000 };
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push((await api("POST", "/monitors", { ...body, name: `S${i}` })).id as number);
  }
  // A "check now" request that waits on the hanging probe.
  const hanging = fetch(`${server.url}/api/v1/monitors/${ids[0]}/check`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  }).then((r) => r.body?.cancel(), () => {});
  await waitFor(() => started >= 5, { timeoutMs: 10_000, message: "probes in flight" });

  const t0 = performance.now();
  const code = await server.stop();
  const tookMs = performance.now() - t0;
  assert.equal(code, 0, server.output());
  assert.ok(tookMs < 10_000, `SIGTERM took ${Math.round(tookMs)} ms`);
  assert.match(server.output(), /server\.stopped/);
  await hanging;
  // Cancelled probes say nothing about the target: no check was recorded for them.
  const store = await openStore(testConfig(dir.path));
  try {
    assert.equal((await store.monitors.list()).length, ids.length, "the monitors were stored");
    for (const id of ids) assert.deepEqual(await store.checks.recent(id, 100), [], `monitor ${id}`);
  } finally {
    await store.close();
  }
});

/**
 * The service runs with the start task's narrow permissions from any working directory (so
 * nothing is read from the source tree at run time, as in a compiled binary), and
 * `deno task compile` gets as far as this machine allows.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const tasks = JSON.parse(Deno.readTextFileSync(root + "deno.json")).tasks as Record<string, string>;

/** The flags of a `deno run|compile … main.ts` task, without the program and the entry point. */
function taskFlags(task: string): string[] {
  const words = task.split(/\s+/);
  assert.equal(words.at(-1), "main.ts");
  return words.slice(2, -1).filter((w, i, all) => w !== "--output" && all[i - 1] !== "--output");
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitFor(url: string, deadlineMs: number): Promise<Response> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

Deno.test("the start task grants no blanket permissions", () => {
  for (const name of ["start", "compile"]) {
    assert.doesNotMatch(tasks[name], /\s(-A|--allow-all)(\s|$)/, `${name} must not use -A`);
    assert.doesNotMatch(tasks[name], /--allow-(read|write)(\s|$)/, `${name} must scope read/write`);
  }
});

Deno.test("the service starts from an empty folder with the start task's permissions and creates its database", async () => {
  const cwd = await Deno.makeTempDir();
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...taskFlags(tasks.start), root + "main.ts"],
    cwd,
    env: { PORT: String(port), HOST: "127.0.0.1", NO_COLOR: "1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const health = await waitFor(`http://127.0.0.1:${port}/healthz`, 15_000);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, "ok");
    const home = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" });
    await home.body?.cancel();
    assert.ok(home.status < 500, `GET / answered ${home.status}`);
    const stat = await Deno.stat(`${cwd}/data/health.db`);
    assert.ok(stat.isFile);
  } finally {
    child.kill("SIGTERM");
    const out = await child.output();
    const log = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    assert.doesNotMatch(log, /NotCapable|PermissionDenied|Requires .* access/, log);
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test({
  name:
    "deno task compile builds the module graph with embedded assets (up to the base-binary download)",
  // Compiling resolves and bundles every module; it takes a while.
  sanitizeResources: false,
  fn: async () => {
    const out = await Deno.makeTempDir();
    try {
      const result = await new Deno.Command(Deno.execPath(), {
        args: ["compile", ...taskFlags(tasks.compile), "--output", `${out}/shc`, root + "main.ts"],
        cwd: root,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(result.stderr) +
        new TextDecoder().decode(result.stdout);
      if (result.success) {
        assert.ok((await Deno.stat(`${out}/shc`)).size > 0);
        return;
      }
      // This machine cannot fetch the denort base binary; that must be the only failure.
      assert.match(text, /denort|Setting up base binary/, text);
      assert.doesNotMatch(
        text,
        /Module not found|TS\d{4}|Relative import path|Unable to load/,
        text,
      );
      assert.match(text, /Compile .*main\.ts/, text);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

import assert from "node:assert/strict";
import { openStore } from "../monitor/store/open.ts";
import type { Store } from "../monitor/store/store.ts";
import { createRuntime } from "../runtime.ts";
import { createApp } from "../routes/app.ts";
import { REPO_ROOT, storeEnv, tempDir, testConfig } from "./_helpers/core.ts";

/** Runs a CLI task from the repository root, as `deno task` would, on the store for `dir`. */
async function cli(
  script: "createsuperuser" | "token",
  args: string[],
  dir: string,
  env: Record<string, string> = {},
) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      `cli/${script}.ts`,
      ...args,
    ],
    cwd: REPO_ROOT,
    env: { ...storeEnv(dir), NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs `fn` on the store the CLI wrote for `dir`, then closes it. */
async function withStore<T>(dir: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(testConfig(dir));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** How many users the store for `dir` holds, and the user called `username` (if any). */
function storedUsers(dir: string, username = "admin") {
  return withStore(dir, async (store) => {
    const user = await store.users.findByName(username);
    return {
      count: await store.users.count(),
      user: user && { username: user.username, email: user.email },
    };
  });
}

const GOOD = "correct horse battery";

Deno.test("createsuperuser creates an administrator from flags", async () => {
  await using dir = await tempDir();
  const r = await cli(
    "createsuperuser",
    ["--username", "admin", "--password", GOOD, "--email", "admin@example.com"],
    dir.path,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Superuser "admin" created\./);
  assert.deepEqual(await storedUsers(dir.path), {
    count: 1,
    user: { username: "admin", email: "admin@example.com" },
  });
  // The password works and is not stored in clear.
  const rt = await createRuntime(testConfig(dir.path), { cron: false });
  try {
    assert.equal((await rt.accounts.authenticate("admin", GOOD))?.username, "admin");
    assert.equal(await rt.accounts.authenticate("admin", "wrong password!"), null);
    const hash = (await rt.store.users.findCredentials("admin"))!.passwordHash;
    assert.match(hash, /^\$argon2id\$/);
  } finally {
    await rt.stop();
  }
});

Deno.test("createsuperuser refuses a taken user name with a message and exit code 1", async () => {
  await using dir = await tempDir();
  assert.equal(
    (await cli("createsuperuser", ["--username", "admin", "--password", GOOD], dir.path)).code,
    0,
  );
  for (const name of ["admin", "ADMIN"]) {
    const r = await cli("createsuperuser", ["--username", name, "--password", GOOD], dir.path);
    assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /Error: User name "\w+" is already taken/);
  }
  assert.equal((await storedUsers(dir.path)).count, 1);
});

Deno.test("createsuperuser refuses weak or empty passwords and bad input without creating anyone", async () => {
  await using dir = await tempDir();
  const cases: [string[], RegExp][] = [
    [["--username", "admin", "--password", ""], /at least 10 characters/],
    [["--username", "admin", "--password", "short"], /at least 10 characters/],
    [["--username", "admin", "--password", "aaaaaaaaaaaa"], /too repetitive/],
    [["--username", "admin", "--password", "my-admin-password"], /must not contain the user name/],
    [["--username", "admin", "--password", GOOD, "--email", "nope"], /not a valid email/],
    [["--username", "bad name", "--password", GOOD], /User name must be/],
  ];
  await Promise.all(cases.map(async ([args, message]) => {
    const r = await cli("createsuperuser", args, dir.path);
    assert.notEqual(r.code, 0, args.join(" "));
    assert.match(r.stderr, message, `${args.join(" ")}: ${r.stderr}`);
  }));
  assert.deepEqual(await storedUsers(dir.path), { count: 0, user: null });
});

Deno.test("createsuperuser rejects unknown flags with the usage text and exit code 2", async () => {
  await using dir = await tempDir();
  const r = await cli("createsuperuser", ["--user", "admin"], dir.path);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Usage: deno task createsuperuser/);
});

Deno.test("token prints a shc_ token as the last line that then authenticates against the API", async () => {
  await using dir = await tempDir();
  const r = await cli("token", ["--name", "ci"], dir.path);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  const token = lines.at(-1)!;
  assert.match(token, /^shc_[A-Za-z0-9_-]{40,}$/);
  assert.match(r.stderr, /API token "ci" created/);

  const rt = await createRuntime(testConfig(dir.path), { cron: false });
  try {
    const app = createApp(rt);
    const ok = await app.request("/api/v1/monitors", {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { monitors: [] });
    const bad = await app.request("/api/v1/monitors", {
      headers: { authorization: `Bearer ${token}x` },
    });
    assert.equal(bad.status, 401);
    await bad.body?.cancel();
    assert.deepEqual((await rt.accounts.listTokens()).map((t) => t.name), ["ci"]);
  } finally {
    await rt.stop();
  }
});

Deno.test("token without --name or with a blank name fails with a message", async () => {
  await using dir = await tempDir();
  const missing = await cli("token", [], dir.path);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--name is required/);
  const blank = await cli("token", ["--name", "  "], dir.path);
  assert.equal(blank.code, 1);
  assert.match(blank.stderr, /Token name must be 1-100 characters/);
  assert.equal(missing.stdout + blank.stdout, "", "a token was printed");
});

Deno.test("the CLI stops on a bad environment value naming the variable", async () => {
  await using dir = await tempDir();
  const r = await cli("token", ["--name", "x"], dir.path, {
    RETENTION_DAYS: "forever",
    LOG_LEVEL: "chatty",
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /RETENTION_DAYS must be a whole number/);
  assert.match(r.stderr, /LOG_LEVEL must be/);
  assert.equal(r.stdout, "");
});

Deno.test("several CLI processes starting together on a fresh database all succeed", async () => {
  await using dir = await tempDir();
  // Each one switches the new file to WAL and migrates it; none may fail with "locked".
  const runs = await Promise.all(
    Array.from({ length: 6 }, (_, i) => cli("token", ["--name", `t${i}`], dir.path)),
  );
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const tokens = await withStore(dir.path, (store) => store.tokens.list());
  assert.equal(tokens.length, 6);
});

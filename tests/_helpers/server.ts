/**
 * The real service as a subprocess: start `main.ts` on a free port, wait for /healthz, stop it
 * with a signal (bounded), create API tokens with the real CLI and talk to the JSON API.
 */
import assert from "node:assert/strict";
import { closedPort } from "./targets.ts";
import { REPO_ROOT, waitFor } from "./core.ts";

/** A JSON object from the API. */
export type Json = Record<string, unknown>;

/** A running `main.ts` with its combined output. */
export interface Server extends AsyncDisposable {
  url: string;
  pid: number;
  output(): string;
  /** Sends SIGTERM and waits (bounded) for the exit; returns the exit code. */
  stop(): Promise<number>;
}

/** How to run `main.ts`. */
export interface ServerOptions {
  /** Deno permission flags; default: read, write, net and env everywhere. */
  permissions?: string[];
  /** Working directory; default: the repository root. */
  cwd?: string | URL;
  /** Send the service's stdout to /dev/full (every log write fails with ENOSPC). */
  stdoutToDevFull?: boolean;
}

const DEFAULT_PERMISSIONS = ["--allow-net", "--allow-env", "--allow-read", "--allow-write"];

/** Starts `main.ts` on a free port and waits until /healthz answers. */
export async function startServer(
  env: Record<string, string>,
  opts: ServerOptions = {},
): Promise<Server> {
  const port = closedPort();
  const main = new URL("main.ts", REPO_ROOT).pathname;
  const denoArgs = ["run", "--no-prompt", ...(opts.permissions ?? DEFAULT_PERMISSIONS), main];
  // /dev/full through a shell: Deno.Command can only pipe, inherit or discard stdout.
  const [cmd, args] = opts.stdoutToDevFull
    ? ["sh", ["-c", 'exec "$0" "$@" >/dev/full', Deno.execPath(), ...denoArgs]]
    : [Deno.execPath(), denoArgs];
  const child = new Deno.Command(cmd, {
    args,
    cwd: opts.cwd ?? REPO_ROOT,
    env: { HOST: "127.0.0.1", PORT: String(port), NO_COLOR: "1", LOG_LEVEL: "info", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
  };
  const collected = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let exited: number | null = null;
  const status = child.status.then((s) => (exited = s.code));

  const stop = async (signal: Deno.Signal = "SIGTERM"): Promise<number> => {
    if (exited === null) {
      child.kill(signal);
      const timer = setTimeout(() => {
        if (exited === null) child.kill("SIGKILL");
      }, 10_000);
      await status;
      clearTimeout(timer);
    }
    await collected;
    return exited!;
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => {
      if (exited !== null) throw new Error(`main.ts exited with ${exited}:\n${output}`);
      try {
        const res = await fetch(`${url}/healthz`);
        await res.body?.cancel();
        return res.status === 200;
      } catch {
        return false;
      }
    }, { timeoutMs: 20_000, intervalMs: 50, message: "main.ts to serve /healthz" });
  } catch (err) {
    await stop("SIGKILL");
    throw err;
  }
  return {
    url,
    pid: child.pid,
    output: () => output,
    stop: () => stop("SIGTERM"),
    [Symbol.asyncDispose]: async () => {
      await stop("SIGKILL");
    },
  };
}

/**
 * Creates an API token with the real CLI and returns it. `where` is the environment the server
 * gets (from `storeEnv(dir)`, so the token lands in the same store on either engine), or a bare
 * SQLite file path.
 */
export async function createToken(where: string | Record<string, string>): Promise<string> {
  const storage = typeof where === "string" ? { DATABASE_PATH: where } : where;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "cli/token.ts",
      "--name",
      "e2e",
    ],
    cwd: REPO_ROOT,
    env: { ...storage, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return stdout.trimEnd().split("\n").at(-1)!;
}

/** A JSON API client for a server. */
export function client(server: Server, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as Json;
  };
}

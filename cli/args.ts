/** Shared helpers for the command-line tasks. */
import { parseArgs } from "node:util";
import { type Config, ConfigError, loadConfig } from "../monitor/config.ts";
import { readEnv } from "../monitor/env.ts";
import { openStore } from "../monitor/store/open.ts";
import type { Store } from "../monitor/store/store.ts";
import { startupErrorMessage } from "../monitor/startup_errors.ts";

/** Parses `--flag value` options or exits 2 with the usage text. */
export function parseFlags<T extends Record<string, { type: "string" | "boolean" }>>(
  options: T,
  usage: string,
): Record<keyof T, string | boolean | undefined> {
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options,
      strict: true,
      allowPositionals: false,
    });
    const parsed = values as Record<string, string | boolean | undefined>;
    if (parsed.help) {
      console.log(usage);
      Deno.exit(0);
    }
    return parsed as Record<keyof T, string | boolean | undefined>;
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    Deno.exit(2);
  }
}

/** Opens the configured store, or exits 2 on a bad configuration and 1 when it cannot open. */
export async function openConfiguredStore(): Promise<{ config: Config; store: Store }> {
  let config: Config;
  try {
    config = loadConfig(readEnv());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      Deno.exit(2);
    }
    throw err;
  }
  try {
    return { config, store: await openStore(config) };
  } catch (err) {
    console.error(startupErrorMessage(err, config));
    Deno.exit(1);
  }
}

/** Reads a line from the terminal without echoing it (falls back to a plain line when piped). */
export async function promptHidden(question: string): Promise<string> {
  if (!Deno.stdin.isTerminal()) return prompt(question) ?? "";
  await Deno.stdout.write(new TextEncoder().encode(question + " "));
  Deno.stdin.setRaw(true);
  const chars: string[] = [];
  const buf = new Uint8Array(1);
  try {
    for (;;) {
      const n = await Deno.stdin.read(buf);
      if (n === null) break;
      const ch = String.fromCharCode(buf[0]);
      if (ch === "\r" || ch === "\n") break;
      if (buf[0] === 3) Deno.exit(130); // Ctrl-C
      if (buf[0] === 127 || buf[0] === 8) chars.pop();
      else chars.push(ch);
    }
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stdout.write(new TextEncoder().encode("\n"));
  }
  return chars.join("");
}

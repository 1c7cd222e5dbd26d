import assert from "node:assert/strict";
import { parseEnv } from "node:util";
import { loadConfig, VARIABLES } from "../monitor/config.ts";

const root = new URL("../", import.meta.url);

Deno.test(".env.example documents every variable with its default", () => {
  const example = parseEnv(Deno.readTextFileSync(new URL(".env.example", root))) as Record<
    string,
    string
  >;
  for (const v of VARIABLES) {
    assert.ok(v.name in example, `${v.name} is missing from .env.example`);
    assert.equal(example[v.name], v.default, `${v.name} default differs from .env.example`);
  }
  assert.deepEqual(Object.keys(example).sort(), VARIABLES.map((v) => v.name).sort());
});

Deno.test(".env.example, used as it is, is a valid configuration", () => {
  const example = parseEnv(Deno.readTextFileSync(new URL(".env.example", root))) as Record<
    string,
    string
  >;
  const config = loadConfig(example);
  assert.equal(config.port, 8000);
  assert.equal(config.email.host, null);
});

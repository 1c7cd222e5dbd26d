/**
 * Dependencies point one way: routes → monitor services → storage. This reads every import of
 * the source tree and fails on one that points the wrong way.
 */
import assert from "node:assert/strict";
import { REPO_ROOT } from "./_helpers/core.ts";

const root = REPO_ROOT.pathname;

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(`${root}${dir}`)) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory) yield* sourceFiles(rel);
    else if (/\.tsx?$/.test(e.name)) yield rel;
  }
}

/** Relative imports of a file as repository paths, with whether they import only types. */
async function importsOf(file: string): Promise<{ path: string; typeOnly: boolean }[]> {
  const text = await Deno.readTextFile(`${root}${file}`);
  const out: { path: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"/gms)) {
    const url = new URL(m[2], `file://${root}${file}`);
    out.push({ path: url.pathname.slice(root.length), typeOnly: Boolean(m[1]) });
  }
  return out;
}

/** [from folder, forbidden target folder, what to say] */
const RULES: [RegExp, RegExp, string][] = [
  [
    /^monitor\//,
    /^(routes\/|components\/|cli\/|runtime\.ts$|main\.ts$)/,
    "monitor/ must not depend on HTTP, pages, the CLI or the wiring",
  ],
  [
    /^monitor\/store\//,
    /^monitor\/(?!store\/|log\.ts|types\.ts|errors\.ts)/,
    "storage must not depend on the services above it",
  ],
  [
    /^(monitor\/(?!store\/)|routes\/|components\/|cli\/)/,
    /^monitor\/store\/(sqlite|postgres)\//,
    "only the Store interface is seen above storage; monitor/store/open.ts picks the engine",
  ],
  [/^monitor\/store\/sqlite\//, /^monitor\/store\/postgres\//, "engines are independent"],
  [/^monitor\/store\/postgres\//, /^monitor\/store\/sqlite\//, "engines are independent"],
  [
    /^components\//,
    /^(routes|cli)\//,
    "components render; they must not depend on routes or the CLI",
  ],
  [/^routes\//, /^cli\//, "routes must not depend on the CLI"],
];

Deno.test("imports point one way: routes → monitor → Store interface → engines; components import only types from monitor", async () => {
  const violations: string[] = [];
  let checked = 0;
  for (const dir of ["monitor", "routes", "components", "cli"]) {
    for await (const file of sourceFiles(dir)) {
      for (const imp of await importsOf(file)) {
        checked++;
        for (const [from, to, why] of RULES) {
          if (from.test(file) && to.test(imp.path)) {
            violations.push(`${file} → ${imp.path}: ${why}`);
          }
        }
        // Routes are handed the runtime; they never build one.
        if (/^routes\//.test(file) && imp.path === "runtime.ts" && !imp.typeOnly) {
          violations.push(`${file} → runtime.ts: routes may import only the Runtime type`);
        }
        // Pages take data, not services: only pure helpers and types may come from monitor/.
        if (/^components\//.test(file) && /^monitor\//.test(imp.path) && !imp.typeOnly) {
          violations.push(`${file} → ${imp.path}: components may import only types from monitor/`);
        }
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} imports found: the scanner is broken`);
  assert.deepEqual(violations, []);
});

Deno.test("the import scanner sees a forbidden import (so the rule above can fail)", async () => {
  const dir = await Deno.makeTempDir({ dir: `${root}monitor`, prefix: "_arch_probe_" });
  try {
    const rel = `${dir.slice(root.length)}/bad.ts`;
    await Deno.writeTextFile(`${root}${rel}`, 'import { createApp } from "../../routes/app.ts";\n');
    const imports = await importsOf(rel);
    assert.deepEqual(imports, [{ path: "routes/app.ts", typeOnly: false }]);
    assert.ok(RULES.some(([from, to]) => from.test(rel) && to.test(imports[0].path)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

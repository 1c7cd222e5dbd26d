/**
 * The guard for npm:postgres's uncatchable write after a dropped socket recognises exactly that
 * error: anything else thrown outside a caller still ends the process.
 */
import assert from "node:assert/strict";
import { isLostSocketWrite } from "../../monitor/store/postgres/db.ts";

Deno.test("only npm:postgres's write to a dropped socket is recognised", () => {
  const lost = new TypeError("Cannot read properties of null (reading 'write')");
  lost.stack = `${lost.message}\n    at Immediate.nextWrite (file:///app/node_modules/.deno/` +
    "postgres@3.4.9/node_modules/postgres/src/connection.js:255:22)";
  assert.equal(isLostSocketWrite(lost), true);

  const ours = new TypeError("Cannot read properties of null (reading 'write')");
  ours.stack = `${ours.message}\n    at file:///app/monitor/recorder.ts:10:3`;
  assert.equal(isLostSocketWrite(ours), false, "the same message from our own code");
  const other = new TypeError("Cannot read properties of null (reading 'end')");
  other.stack = lost.stack.replace("'write'", "'end'");
  assert.equal(isLostSocketWrite(other), false);
  assert.equal(isLostSocketWrite(new Error("reading 'write' postgres/src/connection.js")), false);
  assert.equal(isLostSocketWrite(null), false);
});

import assert from "node:assert/strict";
import {
  normalizeExpectedStatus,
  parseExpectedStatus,
  statusMatches,
} from "../../monitor/expected_status.ts";

Deno.test("parseExpectedStatus() turns codes, lists and ranges into inclusive ranges", () => {
  const cases: [string, { from: number; to: number }[]][] = [
    ["200", [{ from: 200, to: 200 }]],
    [" 204 ", [{ from: 204, to: 204 }]],
    ["200-299", [{ from: 200, to: 299 }]],
    ["200 - 299", [{ from: 200, to: 299 }]],
    ["200-299,301", [{ from: 200, to: 299 }, { from: 301, to: 301 }]],
    ["200, 301, 302", [{ from: 200, to: 200 }, { from: 301, to: 301 }, {
      from: 302,
      to: 302,
    }]],
    ["100", [{ from: 100, to: 100 }]],
    ["599", [{ from: 599, to: 599 }]],
    ["100-599", [{ from: 100, to: 599 }]],
    ["404-404", [{ from: 404, to: 404 }]],
  ];
  for (const [spec, ranges] of cases) {
    assert.deepEqual(parseExpectedStatus(spec), ranges, spec);
  }
});

Deno.test("parseExpectedStatus() refuses bad specs with a RangeError naming the part", () => {
  const cases: [string, RegExp][] = [
    ["", /empty/],
    [" ", /empty/],
    [",", /empty/],
    ["abc", /"abc" is not a code/],
    ["20", /"20" is not a code/],
    ["2000", /"2000" is not a code/],
    ["200-", /"200-" is not a code/],
    ["-200", /"-200" is not a code/],
    ["200,,301", /"" is not a code/],
    ["200-299-300", /not a code/],
    ["2xx", /"2xx" is not a code/],
    ["099", /99 is outside 100-599/],
    ["600", /600 is outside 100-599/],
    ["999", /999 is outside 100-599/],
    ["200-600", /600 is outside 100-599/],
    ["299-200", /"299-200" ends before it starts/],
    ["200.5", /not a code/],
  ];
  for (const [spec, message] of cases) {
    assert.throws(() => parseExpectedStatus(spec), (err: unknown) => {
      assert.ok(err instanceof RangeError, spec);
      assert.match(err.message, message, spec);
      return true;
    });
  }
});

Deno.test("normalizeExpectedStatus() gives the canonical text", () => {
  const cases: [string, string][] = [
    ["200", "200"],
    [" 200 - 299 , 301 ", "200-299,301"],
    ["301-301", "301"],
    ["200,204", "200,204"],
  ];
  for (const [spec, canonical] of cases) assert.equal(normalizeExpectedStatus(spec), canonical);
  assert.throws(() => normalizeExpectedStatus("nope"), RangeError);
});

Deno.test("statusMatches() accepts exactly the codes inside the spec", () => {
  const cases: [string, number, boolean][] = [
    ["200", 200, true],
    ["200", 201, false],
    ["200", 500, false],
    ["200-299,301", 199, false],
    ["200-299,301", 200, true],
    ["200-299,301", 250, true],
    ["200-299,301", 299, true],
    ["200-299,301", 300, false],
    ["200-299,301", 301, true],
    ["200-299,301", 302, false],
    ["401,403", 403, true],
    ["401,403", 402, false],
    // An unparsable spec matches nothing instead of throwing mid-probe.
    ["garbage", 200, false],
    ["", 200, false],
  ];
  for (const [spec, status, expected] of cases) {
    assert.equal(statusMatches(spec, status), expected, `${spec} ~ ${status}`);
  }
});

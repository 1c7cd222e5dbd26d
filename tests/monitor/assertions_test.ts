/** The assertions stage: parsing (objects and lines), formatting round trips, evaluation. */
import assert from "node:assert/strict";
import {
  type AssertedResponse,
  type Assertion,
  evaluate,
  formatAssertion,
  formatAssertions,
  MAX_PATTERN_LENGTH,
  parseAssertionLine,
  parseAssertions,
  parseJsonPath,
  selectJsonPath,
} from "../../monitor/assertions.ts";

function response(over: Partial<AssertedResponse> = {}): AssertedResponse {
  return {
    status: 200,
    headers: new Headers({ "content-type": "application/json; charset=utf-8", "x-version": "2" }),
    body: JSON.stringify({
      status: "degraded",
      count: 3,
      ok: false,
      none: null,
      items: [{ id: 7, "odd key": "x" }],
    }),
    latencyMs: 120,
    bodyTruncated: false,
    ...over,
  };
}

const html = (body: string, over: Partial<AssertedResponse> = {}) =>
  response({ body, headers: new Headers({ "content-type": "text/html" }), ...over });

Deno.test("line syntax parses to the documented objects and formats back to the same line", () => {
  const table: [string, Assertion, string?][] = [
    [
      "body contains Welcome",
      { type: "body_contains", value: "Welcome" },
      'body contains "Welcome"',
    ],
    ['body contains "  padded "', { type: "body_contains", value: "  padded " }],
    ['body !contains "Error"', { type: "body_not_contains", value: "Error" }],
    ["body ~ /ok|fine/i", { type: "body_regex", pattern: "ok|fine", flags: "i" }],
    ["body ~ /a\\/b/", { type: "body_regex", pattern: "a\\/b" }],
    ['$.status == "ok"', { type: "json_path", path: "$.status", op: "==", value: "ok" }],
    [
      "$.status == ok",
      { type: "json_path", path: "$.status", op: "==", value: "ok" },
      '$.status == "ok"',
    ],
    ["$.items[0].id exists", { type: "json_path", path: "$.items[0].id", op: "exists" }],
    ["$['odd key'] != null", { type: "json_path", path: "$['odd key']", op: "!=", value: null }],
    ["$.count >= 3", { type: "json_path", path: "$.count", op: ">=", value: 3 }],
    ['$.v == "5"', { type: "json_path", path: "$.v", op: "==", value: "5" }],
    ["$.ok == false", { type: "json_path", path: "$.ok", op: "==", value: false }],
    [
      "header Content-Type contains json",
      { type: "header", name: "content-type", op: "contains", value: "json" },
      'header content-type contains "json"',
    ],
    ['header x-version == "2"', { type: "header", name: "x-version", op: "==", value: "2" }],
    ["time < 500", { type: "response_time_ms", max: 500 }],
    ["time<500ms", { type: "response_time_ms", max: 500 }, "time < 500"],
  ];
  for (const [line, expected, canonical] of table) {
    const parsed = parseAssertionLine(line);
    assert.deepEqual(parsed, { value: expected }, line);
    assert.equal(formatAssertion(expected), canonical ?? line, line);
    assert.deepEqual(parseAssertionLine(formatAssertion(expected)), { value: expected }, line);
  }
});

Deno.test("bad lines and objects are refused with a reason", () => {
  const table: [unknown, RegExp][] = [
    ["body has Welcome", /Not an assertion/],
    ["body ~ /(unclosed/", /Not a valid regular expression/],
    [`body ~ /${"a".repeat(MAX_PATTERN_LENGTH + 1)}/`, /longer than 200/],
    ["body ~ /x/g", /flags may only be/],
    ["$.a.", /Expected a key/],
    ["$.a ~= 1", /expected exists/],
    ["$.a <", /value is missing/],
    ['$.a < "x"', /compares numbers/],
    ["status == 1", /Not an assertion/],
    ["header bad name == x", /Not an assertion|header name/],
    ["time < 0", /from 1 to 120000/],
    [{ type: "body_contains" }, /value must be text/],
    [{ type: "body_contains", value: "" }, /must not be empty/],
    [{ type: "body_contains", value: "a\nb" }, /control characters/],
    [{ type: "body_contains", value: "x", extra: 1 }, /Unknown key extra/],
    [{ type: "json_path", path: "status", op: "exists" }, /starts with \$/],
    [{ type: "json_path", path: "$.a", op: "exists", value: 1 }, /exists takes no value/],
    [{ type: "json_path", path: "$.a", op: "==", value: { a: 1 } }, /string, number/],
    [{ type: "header", name: "x", op: "~", value: "1" }, /op must be/],
    [{ type: "response_time_ms", max: 1.5 }, /whole number/],
    [{ type: "status" }, /type must be/],
    [42, /Must be an object/],
  ];
  for (const [input, message] of table) {
    const r = parseAssertions([input]);
    assert.ok(r && r.error !== undefined, JSON.stringify(input));
    assert.match(r.error, message, JSON.stringify(input));
  }
  assert.match(
    (parseAssertions(["time < 5", "nonsense"]) as { error: string }).error,
    /^Assertion 2: /,
  );
  assert.match((parseAssertions("x") as { error: string }).error, /Not an assertion/);
  assert.match((parseAssertions(Array(21).fill("time < 5")) as { error: string }).error, /20/);
  assert.match((parseAssertions(5) as { error: string }).error, /list/);
});

Deno.test("parseAssertions takes a list of objects or lines, or one text of lines", () => {
  assert.equal(parseAssertions(undefined), null);
  assert.deepEqual(parseAssertions([]), { value: [] });
  const expected: Assertion[] = [
    { type: "body_contains", value: "Welcome" },
    { type: "response_time_ms", max: 500 },
  ];
  assert.deepEqual(parseAssertions("body contains Welcome\r\n\n  time < 500  \n"), {
    value: expected,
  });
  assert.deepEqual(
    parseAssertions(["body contains Welcome", { type: "response_time_ms", max: 500 }]),
    {
      value: expected,
    },
  );
  assert.equal(formatAssertions(expected), 'body contains "Welcome"\ntime < 500');
  assert.deepEqual(parseAssertions(formatAssertions(expected)), { value: expected });
});

Deno.test("JSON paths: $, .key, ['key'], [\"key\"] and [n]", () => {
  const doc = { a: { "b c": [10, { d: true }] }, 'x"y': 1 };
  const table: [string, { found: boolean; value?: unknown }][] = [
    ["$", { found: true, value: doc }],
    ["$.a['b c'][0]", { found: true, value: 10 }],
    ['$.a["b c"][1].d', { found: true, value: true }],
    ['$["x\\"y"]', { found: true, value: 1 }],
    ["$.a['b c'][2]", { found: false }],
    ["$.a.missing", { found: false }],
    ["$.a['b c'].length", { found: false }],
    ["$[0]", { found: false }],
  ];
  for (const [path, expected] of table) {
    const steps = parseJsonPath(path);
    assert.ok(Array.isArray(steps), path);
    assert.deepEqual(selectJsonPath(doc, steps), expected, path);
  }
  assert.ok("error" in (parseJsonPath("$.a b") as object));
  assert.ok("error" in (parseJsonPath("$[x]") as object));
});

Deno.test("evaluate: passing assertions give null; the first failure names the assertion and what was seen", () => {
  const json = response();
  const table: [string, AssertedResponse, string | null][] = [
    ["body contains degraded", json, null],
    [
      "body contains Welcome",
      html("<h1>Hi</h1>"),
      'body contains "Welcome": not found in the body (11 bytes)',
    ],
    [
      "body contains Welcome",
      html("x".repeat(1024), { bodyTruncated: true }),
      'body contains "Welcome": not found in the first 1 KiB',
    ],
    ["body !contains Error", html("all fine"), null],
    ["body !contains Error", html("an Error here"), 'body !contains "Error": found at character 4'],
    ["body ~ /ok|fine/i", html("All FINE"), null],
    ["body ~ /^ok$/", html("nope"), "body ~ /^ok$/: no match in the body (4 bytes)"],
    ['$.status == "ok"', json, '$.status == "ok": got "degraded"'],
    ['$.status != "ok"', json, null],
    ["$.count >= 3", json, null],
    ["$.count > 3", json, "$.count > 3: got 3"],
    ["$.count < 3", json, "$.count < 3: got 3"],
    ["$.count <= 3", json, null],
    ["$.status > 1", json, '$.status > 1: got "degraded" (not a number)'],
    ["$.ok == false", json, null],
    ["$.none == null", json, null],
    ["$.items[0].id exists", json, null],
    ["$.items[1].id exists", json, "$.items[1].id exists: not found"],
    ['$.status == "ok"', html("<html>"), '$.status == "ok": the body is not JSON'],
    [
      "$.a exists",
      html('{"a":', { bodyTruncated: true }),
      "$.a exists: the body is not JSON (it was cut at the read limit)",
    ],
    ["header content-type contains JSON", json, null],
    [
      "header content-type contains json",
      html(""),
      'header content-type contains "json": got "text/html"',
    ],
    ['header x-version == "2"', json, null],
    ['header x-version == "3"', json, 'header x-version == "3": got "2"'],
    ["header x-missing contains a", json, 'header x-missing contains "a": no such header'],
    ["time < 500", json, null],
    ["time < 100", json, "time < 100: took 120 ms"],
    ["time < 120", json, "time < 120: took 120 ms"],
  ];
  for (const [line, res, expected] of table) {
    const parsed = parseAssertionLine(line);
    assert.equal(parsed.error, undefined, `${line}: ${parsed.error}`);
    const got = evaluate([parsed.value!], res);
    assert.equal(got?.message ?? null, expected, line);
    if (got) assert.deepEqual(got.assertion, parsed.value);
  }
});

Deno.test("evaluate stops at the first failure, in order, and allows an empty list", () => {
  const list = (parseAssertions(["time < 1000", "body contains nope", "time < 1"]) as {
    value: Assertion[];
  }).value;
  assert.equal(evaluate(list, html("yes"))?.assertion, list[1]);
  assert.equal(evaluate([], html("")), null);
});

Deno.test("a regular expression only runs on the first 64 Ki characters of the body", () => {
  const [a] = (parseAssertions(["body ~ /needle/"]) as { value: Assertion[] }).value;
  const far = html("x".repeat(70 * 1024) + "needle");
  assert.equal(
    evaluate([a], far)?.message,
    "body ~ /needle/: no match in the first 64 KiB characters",
  );
  // A plain keyword searches everything that was read.
  const [k] = (parseAssertions(["body contains needle"]) as { value: Assertion[] }).value;
  assert.equal(evaluate([k], far), null);
});

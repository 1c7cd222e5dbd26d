/**
 * The monitor field registry is the single source of the monitor fields: validation, storage,
 * the API JSON, the form and the fixtures all follow it.
 */
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { openDb } from "../../monitor/store/sqlite/db.ts";
import {
  getMonitor,
  insertMonitor,
  MONITOR_COLUMNS,
  monitorToRow,
} from "../../monitor/store/sqlite/monitors.ts";
import { rowToMonitor } from "../../monitor/store/rows.ts";
import {
  DEFAULTS,
  LIMITS,
  MONITOR_FIELD_SPECS,
  MONITOR_FIELDS,
  monitorFormValues,
  monitorToInput,
  newMonitorFormValues,
  postedFormValues,
  unknownFieldErrors,
} from "../../monitor/monitor_fields.ts";
import { type MonitorInput, validateMonitor } from "../../monitor/validate.ts";
import type { Monitor } from "../../monitor/types.ts";
import type { MonitorFields } from "../../monitor/store/sqlite/monitors.ts";
import { MonitorForm } from "../../components/MonitorForm.tsx";
import { monitorJson } from "../../routes/json.ts";
import { fakeMonitor } from "../_helpers/core.ts";

const WEBSITE_ID = 1;
const ctx = {
  getParent: (id: number) => (id === WEBSITE_ID ? { id, parentId: null } : null),
  channelIds: new Set([3, 8]),
};

/** A monitor whose every field differs from its default (checked below). */
function sample(): Monitor {
  return fakeMonitor({
    id: 2,
    parentId: WEBSITE_ID,
    name: "Shop API",
    kind: "tcp",
    url: "tcp://db.internal:5432",
    expectedStatus: "200-299,301",
    timeoutMs: 2500,
    intervalS: 30,
    retryIntervalS: 15,
    failureThreshold: 3,
    alertEmails: ["ops@example.com", "dev@example.com"],
    recoveryEmails: ["ops@example.com"],
    channelIds: [8, 3],
    active: false,
    ignoreTlsErrors: true,
    maxRedirects: 0,
    reminderIntervalMin: 30,
    createdAt: 5,
    updatedAt: 6,
  });
}

/** A push monitor whose schedule fields differ from their defaults (other kinds refuse them). */
function samplePush(): Monitor {
  return fakeMonitor({
    id: 4,
    name: "Nightly backup",
    kind: "push",
    url: "push://",
    pushSchedule: "cron",
    pushPeriodS: 7200,
    pushCron: "0 3 * * 1-5",
    pushTimezone: "Europe/Berlin",
    pushGraceS: 900,
    createdAt: 5,
    updatedAt: 6,
  });
}

/**
 * An http monitor whose HTTP request options and assertions differ from their defaults (a tcp
 * monitor such as `sample()` refuses them). Together the two samples cover every field.
 */
function sampleHttp(): Monitor {
  return fakeMonitor({
    id: 3,
    name: "Shop web",
    kind: "http",
    url: "https://shop.example.com/health",
    httpMethod: "POST",
    httpHeaders: "Accept: application/json\nX-Env: prod",
    httpBody: '{"ping": 1}\n',
    auth: "basic",
    authUser: "probe",
    authSecret: "s3cret-pass",
    userAgent: "ShopProbe/2",
    assertions: [
      { type: "body_contains", value: "Welcome" },
      { type: "body_not_contains", value: "Error" },
      { type: "body_regex", pattern: "ok|fine", flags: "i" },
      { type: "json_path", path: "$.items[0].id", op: "exists" },
      { type: "json_path", path: "$.status", op: "==", value: "ok" },
      { type: "header", name: "content-type", op: "contains", value: "json" },
      { type: "response_time_ms", max: 500 },
    ],
    degradedMs: 800,
    degradedChecks: 5,
    certExpiryDays: [21, 3],
    publicBadges: true,
    tags: ["eu-west", "prod"],
    createdAt: 5,
    updatedAt: 6,
  });
}

function writable(m: Monitor): MonitorFields {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = m;
  return rest;
}

function fieldsOf(input: MonitorInput, existing?: Monitor): MonitorFields {
  const r = validateMonitor(input, { ...ctx, existing });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.fields!;
}

Deno.test("the registry names every Monitor field once, with distinct API names and columns", () => {
  const props = MONITOR_FIELD_SPECS.map((f) => f.prop);
  assert.deepEqual(props.toSorted(), Object.keys(writable(sample())).toSorted());
  for (const key of ["api", "prop", "column"] as const) {
    const values = MONITOR_FIELD_SPECS.map((f) => f[key]);
    assert.equal(new Set(values).size, values.length, `duplicate ${key}`);
  }
  assert.deepEqual(MONITOR_FIELDS, MONITOR_FIELD_SPECS.map((f) => f.api));
  // Derived tables agree with the entries.
  for (const f of MONITOR_FIELD_SPECS) {
    if (f.kind.type === "int") {
      assert.deepEqual((LIMITS as Record<string, unknown>)[f.api], [f.kind.min, f.kind.max]);
    }
    if ("default" in f) assert.deepEqual((DEFAULTS as Record<string, unknown>)[f.api], f.default);
  }
});

Deno.test("every field round-trips: monitor → API input → validate → store row → monitor", () => {
  for (const f of MONITOR_FIELD_SPECS) {
    if ("default" in f) {
      assert.ok(
        [sample(), sampleHttp(), samplePush()].some((m) =>
          !isDeepStrictEqual(m[f.prop], f.default)
        ),
        `${f.api} is at its default in both samples`,
      );
    }
  }
  for (const m of [sample(), sampleHttp(), samplePush()]) roundTrip(m);
});

function roundTrip(m: Monitor) {
  // Through the API: JSON out, JSON in (as a PATCH merge would; the secret comes back masked).
  const input = JSON.parse(JSON.stringify(monitorToInput(m)));
  assert.deepEqual(Object.keys(input), MONITOR_FIELDS);
  assert.deepEqual(unknownFieldErrors(input), {});
  const fields = fieldsOf(input, m);
  assert.deepEqual(fields, writable(m));

  // Through the store's mapping, and through a real database.
  const row = monitorToRow(fields);
  assert.deepEqual(Object.keys(row), [...MONITOR_COLUMNS]);
  assert.deepEqual(rowToMonitor({ ...row, id: m.id, created_at: 5, updated_at: 6 }), m);

  const db = openDb(":memory:");
  try {
    insertMonitor(db, { ...writable(fakeMonitor({ name: "Shop" })) }, 1);
    const stored = insertMonitor(db, fields, 7);
    assert.deepEqual(writable(getMonitor(db, stored.id)!), writable(m));
  } finally {
    db.close();
  }
}

Deno.test("every field round-trips through the form: monitor → form strings → post → validate", () => {
  for (const m of [sample(), sampleHttp(), samplePush()]) {
    const values = monitorFormValues(m);
    assert.deepEqual(Object.keys(values), MONITOR_FIELDS);
    assert.deepEqual(fieldsOf(postedFormValues(values), m), writable(m));
  }
});

Deno.test("a new monitor's form values are the registry defaults and validate to them", () => {
  const values = newMonitorFormValues();
  assert.deepEqual(Object.keys(values), MONITOR_FIELDS);
  const fields = fieldsOf({ ...values, name: "New", url: "https://example.com/" });
  for (const f of MONITOR_FIELD_SPECS) {
    if ("default" in f) assert.deepEqual(fields[f.prop], f.default, f.api);
  }
});

Deno.test("checkboxes are exactly the bool fields: absent or unknown words post as false", () => {
  const posted = postedFormValues({ name: "x", active: "on" });
  for (const f of MONITOR_FIELD_SPECS) {
    const expected = f.kind.type === "bool" ? (f.api === "active" ? "true" : "false") : "";
    assert.equal(posted[f.api], f.api === "name" ? "x" : expected, f.api);
  }
});

Deno.test("the store writes exactly the registry's columns, and the table has no others", () => {
  assert.deepEqual([...MONITOR_COLUMNS], MONITOR_FIELD_SPECS.map((f) => f.column));
  const db = openDb(":memory:");
  try {
    const columns = (db.prepare("PRAGMA table_info(monitors)").all() as { name: string }[])
      .map((c) => c.name)
      .filter((c) => !["id", "created_at", "updated_at"].includes(c));
    assert.deepEqual(columns.toSorted(), [...MONITOR_COLUMNS].toSorted());
  } finally {
    db.close();
  }
});

Deno.test("the API JSON shows every registry field, secrets masked", () => {
  const m = sampleHttp();
  const json = monitorJson(
    {
      monitor: m,
      status: "paused",
      state: { consecutiveFailures: 0, changedAt: 0 },
      lastCheck: null,
      push: null,
    } as unknown as Parameters<typeof monitorJson>[0],
    "http://localhost:8000",
  );
  for (const f of MONITOR_FIELD_SPECS) {
    const expected = f.kind.type === "secret" ? "••••ss" : m[f.prop];
    assert.deepEqual((json as Record<string, unknown>)[f.api], expected, f.api);
  }
  assert.ok(!JSON.stringify(json).includes("s3cret"));
});

Deno.test("the form renders one labelled control for every registry field", async () => {
  const html = await (
    <MonitorForm
      action="/monitors"
      values={newMonitorFormValues()}
      errors={{}}
      parents={[]}
      channels={[{ id: 4, name: "Ops", kindLabel: "Slack" }]}
      csrf="t"
      submitLabel="Add"
      cancelHref="/"
    />
  ).toString();
  for (const f of MONITOR_FIELDS) {
    assert.equal(html.split(`id="f-${f}"`).length - 1, 1, `control of ${f}`);
    assert.equal(html.split(`for="f-${f}"`).length - 1, 1, `label of ${f}`);
    assert.match(html, new RegExp(`name="${f}"`), f);
  }
  const names = new Set([...html.matchAll(/name="([^"]+)"/g)].map((x) => x[1]));
  names.delete("_csrf");
  assert.deepEqual([...names].toSorted(), [...MONITOR_FIELDS].toSorted());
});

Deno.test("errors come unknown fields first, then in form order", () => {
  const r = validateMonitor(
    { bogus: 1, reminder_interval_min: 1, url: "", name: "", interval_s: "x", active: "maybe" },
    { ...ctx, rejectUnknown: true },
  );
  assert.deepEqual(Object.keys(r.errors!), [
    "bogus",
    "name",
    "url",
    "interval_s",
    "active",
    "reminder_interval_min",
  ]);
});

Deno.test("the form's Kind select offers DNS and shows a dns monitor's kind", async () => {
  const render = async (kind: string) =>
    await (
      <MonitorForm
        action="/monitors"
        values={{ ...newMonitorFormValues(), kind, url: "dns://shop.test?type=A" }}
        errors={{}}
        parents={[]}
        channels={[]}
        csrf="t"
        submitLabel="Add"
        cancelHref="/"
      />
    ).toString();
  const selected = (html: string) =>
    [...html.matchAll(/<option value="(http|tcp|dns)"( selected)?/g)]
      .filter((m) => m[2]).map((m) => m[1]);
  const dns = await render("dns");
  assert.match(dns, /<option value="dns"[^>]*>DNS lookup<\/option>/);
  assert.deepEqual(selected(dns), ["dns"]);
  assert.deepEqual(selected(await render("http")), ["http"]);
  assert.match(dns, /dns:\/\/name\?type=A for a DNS lookup/);
});

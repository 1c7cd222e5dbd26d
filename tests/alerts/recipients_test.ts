import assert from "node:assert/strict";
import {
  alertRecipients,
  alertTargets,
  dedupeAddresses,
  hasTarget,
} from "../../monitor/alerts/recipients.ts";

const site = {
  alertEmails: ["ops@shop.io", "Dev@shop.io"],
  recoveryEmails: ["ops@shop.io"],
  channelIds: [] as number[],
};
const none = { alertEmails: [], recoveryEmails: [], channelIds: [] as number[] };

Deno.test("alertRecipients(): alert list for DOWN, recovery list for RECOVERED, admin last", () => {
  const cases: [string, Parameters<typeof alertRecipients>, string[]][] = [
    ["website down", [site, null, "down", "admin@shop.io"], [
      "ops@shop.io",
      "Dev@shop.io",
      "admin@shop.io",
    ]],
    ["website recovered", [site, null, "recovered", "admin@shop.io"], [
      "ops@shop.io",
      "admin@shop.io",
    ]],
    ["reminder uses the alert list", [site, null, "reminder", null], [
      "ops@shop.io",
      "Dev@shop.io",
    ]],
    ["admin already listed (other case)", [site, null, "down", "OPS@SHOP.IO"], [
      "ops@shop.io",
      "Dev@shop.io",
    ]],
    ["app without lists inherits the website's", [none, site, "down", null], [
      "ops@shop.io",
      "Dev@shop.io",
    ]],
    ["app inherits per kind", [
      { alertEmails: ["app@x.io"], recoveryEmails: [] },
      site,
      "recovered",
      null,
    ], [
      "ops@shop.io",
    ]],
    ["app with its own list does not inherit", [
      { alertEmails: ["app@x.io"], recoveryEmails: [] },
      site,
      "down",
      null,
    ], ["app@x.io"]],
    ["website without lists: admin only", [none, null, "down", "admin@shop.io"], [
      "admin@shop.io",
    ]],
    ["nobody at all", [none, null, "recovered", null], []],
  ];
  for (const [name, args, want] of cases) assert.deepEqual(alertRecipients(...args), want, name);
});

Deno.test("dedupeAddresses() keeps the first spelling and drops blanks", () => {
  assert.deepEqual(dedupeAddresses([" A@x.io", "a@X.IO", "", "b@x.io", "B@x.io "]), [
    "A@x.io",
    "b@x.io",
  ]);
});

Deno.test("alertTargets(): the recipients as (email, address) pairs; hasTarget() ignores case", () => {
  const targets = alertTargets(none, site, "down", "admin@shop.io");
  assert.deepEqual(targets, [
    { channel: "email", target: "ops@shop.io" },
    { channel: "email", target: "Dev@shop.io" },
    { channel: "email", target: "admin@shop.io" },
  ]);
  assert.equal(hasTarget(targets, "email", "DEV@shop.IO"), true);
  assert.equal(hasTarget(targets, "test", "dev@shop.io"), false, "another channel");
  assert.equal(hasTarget(targets, "email", "nobody@shop.io"), false);
});

Deno.test("alertTargets(): channels after emails as (kind, id); an app without channels uses its website's", () => {
  const kinds = new Map([[3, "slack"], [7, "pagerduty"], [9, "webhook"]]);
  const website = { ...site, channelIds: [7, 3] };
  assert.deepEqual(alertTargets(website, null, "down", null, kinds), [
    { channel: "email", target: "ops@shop.io" },
    { channel: "email", target: "Dev@shop.io" },
    { channel: "pagerduty", target: "7" },
    { channel: "slack", target: "3" },
  ]);
  assert.deepEqual(
    alertTargets(none, website, "recovered", null, kinds).filter((t) => t.channel !== "email"),
    [{ channel: "pagerduty", target: "7" }, { channel: "slack", target: "3" }],
    "inherited, for RECOVERED too",
  );
  const app = { ...none, channelIds: [9] };
  assert.deepEqual(alertTargets(app, website, "down", null, kinds), [
    { channel: "email", target: "ops@shop.io" },
    { channel: "email", target: "Dev@shop.io" },
    { channel: "webhook", target: "9" },
  ], "an app's own channels replace the website's");
  assert.deepEqual(
    alertTargets({ ...none, channelIds: [3, 404] }, null, "down", null, kinds),
    [{ channel: "slack", target: "3" }],
    "a channel no longer configured is skipped",
  );
});

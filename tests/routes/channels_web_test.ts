/**
 * Notification channels on the dashboard: the settings section, the kind picker and forms (typed
 * values kept, messages next to their fields), masked secrets that survive an edit, delete after
 * a confirmation, "Send test" with and without htmx against loopback receivers, CSRF, and the
 * channel checkboxes of the monitor form.
 */
import assert from "node:assert/strict";
import { type Client, webFixture } from "../_helpers/web.ts";

/** The secret part of the Slack URLs below: no page may contain it. */
const TOKEN = "XoxbWebSecret0123456789abcdefgh";

const slackUrl = (port = 9) => `http://127.0.0.1:${port}/services/T0001/B0001/${TOKEN}`;

/** The value attribute of the input named `name` (attribute order does not matter). */
function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*\\sname="${name.replace(/\./g, "\\.")}"[^>]*>`).exec(html)
    ?.[0];
  return tag ? /\svalue="([^"]*)"/.exec(tag)?.[1] : undefined;
}

/** The checkbox tag of channel `id` on a monitor form. */
function channelBox(html: string, id: number): string | undefined {
  // Attribute order is the renderer's business.
  return new RegExp(
    `<input (?=[^>]*type="checkbox")(?=[^>]*name="channel_ids")[^>]*value="${id}"[^>]*>`,
  ).exec(html)?.[0];
}

/** A loopback receiver answering every request with `status` and `body`. */
function receiver(status: number, body: string) {
  const requests: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      requests.push(await req.text());
      return new Response(body, { status, headers: { "content-type": "text/plain" } });
    },
  );
  return {
    requests,
    url: slackUrl(server.addr.port),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** Wraps a client so every response body is kept, to check that no page shows a secret. */
function recording(c: Client) {
  const bodies: string[] = [];
  return {
    bodies,
    async get(path: string, o?: Parameters<Client["get"]>[1]) {
      const r = await c.get(path, o);
      bodies.push(r.text);
      return r;
    },
    async post(path: string, form?: Record<string, string>, o?: Parameters<Client["post"]>[2]) {
      const r = await c.post(path, form, o);
      bodies.push(r.text);
      return r;
    },
    assertNeverShown(secret: string) {
      assert.ok(bodies.length > 0);
      assert.deepEqual(bodies.filter((b) => b.includes(secret)).length, 0, `"${secret}" shown`);
    },
  };
}

/** Posts a form with repeated names (checkboxes) the way a browser does. */
async function postPairs(c: Client, path: string, pairs: [string, string][]) {
  const body = new URLSearchParams(pairs);
  body.set("_csrf", c.csrf);
  const res = await c.app.request(path, {
    method: "POST",
    headers: {
      Cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body,
  });
  return { res, text: await res.text() };
}

const SLACK_FORM = {
  kind: "slack",
  name: "#ops",
  is_default: "true",
  "config.url": slackUrl(),
};

Deno.test("the settings page has a channels section; adding one starts with a kind picker", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const page = await c.get("/settings");
  assert.equal(page.res.status, 200);
  assert.match(page.text, /<section class="card" id="channels"/);
  assert.match(page.text, /Notification channels/);
  assert.match(page.text, /No channels yet\./);
  // The picker is a GET form: it works without JavaScript.
  assert.match(
    page.text,
    /<form class="form inline-form" method="get" action="\/settings\/channels\/new">/,
  );
  assert.match(page.text, /<option value="pagerduty"\s*>PagerDuty/);

  const picker = await c.get("/settings/channels/new");
  assert.equal(picker.res.status, 200);
  assert.match(picker.text, /<h1>Add notification channel<\/h1>/);
  assert.match(picker.text, /href="\/settings\/channels\/new\?kind=slack"/);

  const unknown = await c.get("/settings/channels/new?kind=pigeon");
  assert.equal(unknown.res.status, 404);
  assert.match(unknown.text, /There is no channel kind “pigeon”/);

  const form = await c.get("/settings/channels/new?kind=slack");
  assert.equal(form.res.status, 200);
  assert.match(form.text, /<form id="channel-form"[^>]*action="\/settings\/channels"/);
  assert.match(form.text, /<input type="hidden" name="kind" value="slack"/);
  assert.match(form.text, /<label for="f-config\.url">Webhook URL<\/label>/);
  assert.equal(inputValue(form.text, "config.url"), "");
  assert.match(form.text, /name="is_default"/);

  // Every kind has a form with its own settings.
  for (const k of f.rt.channels.kinds()) {
    const r = await c.get(`/settings/channels/new?kind=${k.kind}`);
    assert.equal(r.res.status, 200, k.kind);
    for (const field of k.fields) {
      assert.match(r.text, new RegExp(`name="config\\.${field.name}"`), `${k.kind}.${field.name}`);
    }
  }
});

Deno.test("adding a channel: listed with its kind, the default marker and its URL masked", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const r = recording(c);
  const created = await r.post("/settings/channels", SLACK_FORM);
  assert.equal(created.res.status, 303, created.text);
  assert.equal(created.res.headers.get("location"), "/settings#channels");
  const [stored] = await f.rt.store.channels.list();
  assert.equal(stored.kind, "slack");
  assert.equal(stored.name, "#ops");
  assert.equal(stored.isDefault, true);
  assert.equal(stored.config.url, slackUrl());

  const page = await r.get("/settings");
  assert.match(page.text, /Added #ops \(Slack/, "flash after the 303");
  assert.match(page.text, new RegExp(`<tr id="channel-${stored.id}">`));
  assert.match(page.text, /#ops <span class="mini mini-up"[^>]*>default<\/span>/);
  assert.match(page.text, /<td>Slack \(incoming webhook\)<\/td>/);
  assert.match(page.text, /<code>http:\/\/127\.0\.0\.1:9\/•••<\/code>/);
  assert.match(page.text, new RegExp(`href="/settings/channels/${stored.id}/edit"`));
  assert.match(page.text, new RegExp(`action="/settings/channels/${stored.id}/test"`));

  // A second one, not default, through htmx: 204 + HX-Redirect.
  const hx = await r.post("/settings/channels", {
    ...SLACK_FORM,
    name: "#dev",
    is_default: "false",
  }, { htmx: true });
  assert.equal(hx.res.status, 204);
  assert.equal(hx.res.headers.get("HX-Redirect"), "/settings#channels");
  const dev = (await f.rt.store.channels.list()).find((ch) => ch.name === "#dev")!;
  assert.equal(dev.isDefault, false);
  const again = await r.get("/settings");
  assert.doesNotMatch(again.text, /#dev <span class="mini/);
  r.assertNeverShown(TOKEN);
});

Deno.test("bad input: 422, messages next to the fields (config.<field>), everything typed kept", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const bad = { kind: "slack", name: "", is_default: "true", "config.url": "not-a-url" };
  const { res, text } = await c.post("/settings/channels", bad);
  assert.equal(res.status, 422);
  assert.match(text, /<!DOCTYPE html>/, "plain posts get the whole page");
  assert.match(text, /2 fields need attention/);
  assert.match(text, /id="name-error">Required</);
  assert.match(text, /id="config\.url-error">Enter a full URL/);
  assert.match(text, /aria-invalid="true" aria-describedby="config\.url-error config\.url-hint"/);
  assert.equal(inputValue(text, "config.url"), "not-a-url");
  assert.match(text, /id="f-is_default" name="is_default" value="true" checked/);
  assert.equal((await f.rt.store.channels.list()).length, 0);

  const hx = await c.post("/settings/channels", { ...bad, name: "typed name" }, { htmx: true });
  assert.equal(hx.res.status, 422);
  assert.match(hx.text, /^<form id="channel-form"/);
  assert.doesNotMatch(hx.text, /<html/);
  assert.equal(inputValue(hx.text, "name"), "typed name");
  assert.doesNotMatch(hx.text, /id="name-error"/);

  // A header line the webhook cannot send is reported on its own field.
  const hook = await c.post("/settings/channels", {
    kind: "webhook",
    name: "hook",
    "config.url": "https://example.com/hook",
    "config.headers": "no colon",
  });
  assert.equal(hook.res.status, 422);
  assert.match(hook.text, /id="config\.headers-error">Line 1/);
  assert.match(hook.text, />no colon<\/textarea>/);

  // No kind at all: back to the picker.
  const none = await c.post("/settings/channels", { name: "x" });
  assert.equal(none.res.status, 422);
  assert.match(none.text, /Pick the kind of channel first/);
});

Deno.test("editing shows secrets masked with a hint; leaving them as shown keeps them", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const r = recording(c);
  await r.post("/settings/channels", SLACK_FORM);
  const [ch] = await f.rt.store.channels.list();

  const edit = await r.get(`/settings/channels/${ch.id}/edit`);
  assert.equal(edit.res.status, 200);
  assert.equal(inputValue(edit.text, "name"), "#ops");
  assert.equal(inputValue(edit.text, "config.url"), "http://127.0.0.1:9/•••");
  assert.match(edit.text, /leave as is to keep/);
  assert.match(edit.text, /id="f-is_default" name="is_default" value="true" checked/);

  // Save with the masked value as shown: renamed, same secret.
  const saved = await r.post(`/settings/channels/${ch.id}/edit`, {
    kind: "slack",
    name: "#ops-renamed",
    is_default: "false",
    "config.url": "http://127.0.0.1:9/•••",
  });
  assert.equal(saved.res.status, 303, saved.text);
  let stored = (await f.rt.store.channels.get(ch.id))!;
  assert.equal(stored.name, "#ops-renamed");
  assert.equal(stored.isDefault, false);
  assert.equal(stored.config.url, slackUrl(), "the masked URL kept the stored one");
  assert.match((await r.get("/settings")).text, /Saved #ops-renamed\./);

  // Emptied: kept as well.
  await r.post(`/settings/channels/${ch.id}/edit`, {
    kind: "slack",
    name: "#ops-renamed",
    "config.url": "",
  });
  assert.equal((await f.rt.store.channels.get(ch.id))!.config.url, slackUrl());

  // A failed edit shows the masked value back, not the secret.
  const invalid = await r.post(`/settings/channels/${ch.id}/edit`, {
    kind: "slack",
    name: "",
    "config.url": "http://127.0.0.1:9/•••",
  });
  assert.equal(invalid.res.status, 422);
  assert.match(invalid.text, /id="name-error">Required</);
  assert.equal(inputValue(invalid.text, "config.url"), "http://127.0.0.1:9/•••");

  // A new URL replaces it.
  const newUrl = "http://127.0.0.1:10/services/T2/B2/AnotherSecretValue98765";
  await r.post(`/settings/channels/${ch.id}/edit`, {
    kind: "slack",
    name: "#ops-renamed",
    "config.url": newUrl,
  });
  stored = (await f.rt.store.channels.get(ch.id))!;
  assert.equal(stored.config.url, newUrl);
  await r.get("/settings");
  await r.get(`/settings/channels/${ch.id}/edit`);
  r.assertNeverShown(TOKEN);
  r.assertNeverShown("AnotherSecretValue98765");

  assert.equal((await c.get("/settings/channels/999/edit")).res.status, 404);
  assert.equal((await c.get("/settings/channels/abc/edit")).res.status, 404);
});

Deno.test("delete asks first (a plain form), then deletes and takes the channel off monitors", async () => {
  await using f = await webFixture();
  const c = await f.login();
  await c.post("/settings/channels", SLACK_FORM);
  const [ch] = await f.rt.store.channels.list();
  const m = await f.rt.service.create({
    name: "Shop",
    url: "https://shop.example/",
    channel_ids: [ch.id],
  });
  const confirm = await c.get(`/settings/channels/${ch.id}/delete`);
  assert.equal(confirm.res.status, 200);
  assert.match(confirm.text, /Delete “#ops”\?/);
  assert.match(confirm.text, /1 monitor\(s\) use it:/);
  assert.match(confirm.text, /Shop/);
  assert.match(
    confirm.text,
    new RegExp(
      `<form class="card form confirm-card" method="post" action="/settings/channels/${ch.id}/delete">`,
    ),
  );
  assert.ok(await f.rt.store.channels.get(ch.id), "the GET deleted nothing");

  const del = await c.post(`/settings/channels/${ch.id}/delete`);
  assert.equal(del.res.status, 303);
  assert.equal(del.res.headers.get("location"), "/settings#channels");
  assert.equal(await f.rt.store.channels.get(ch.id), null);
  assert.deepEqual((await f.rt.service.get(m.id)).monitor.channelIds, []);
  assert.match((await c.get("/settings")).text, /Deleted #ops\./);
  assert.equal((await c.post(`/settings/channels/${ch.id}/delete`)).res.status, 404);
});

Deno.test("send test: the answer as a flash (plain) or next to the button (htmx); refusals quoted", async () => {
  await using f = await webFixture();
  await using good = receiver(200, "ok");
  await using bad = receiver(404, "no_service");
  const c = await f.login();
  const r = recording(c);
  await r.post("/settings/channels", { ...SLACK_FORM, name: "works", "config.url": good.url });
  await r.post("/settings/channels", { ...SLACK_FORM, name: "gone", "config.url": bad.url });
  const works = (await f.rt.store.channels.list()).find((ch) => ch.name === "works")!;
  const gone = (await f.rt.store.channels.list()).find((ch) => ch.name === "gone")!;

  const plain = await r.post(`/settings/channels/${works.id}/test`);
  assert.equal(plain.res.status, 303);
  assert.equal(plain.res.headers.get("location"), "/settings#channels");
  assert.equal(good.requests.length, 1);
  const after = await r.get("/settings");
  assert.match(
    after.text,
    /class="flash flash-ok"><p>Test message sent to works \(Slack[^<]*HTTP 200 ok/,
  );

  const hx = await r.post(`/settings/channels/${works.id}/test`, {}, { htmx: true });
  assert.equal(hx.res.status, 200);
  assert.match(hx.text, /^<div class="flash flash-ok"><p>Test message sent to works/);
  assert.doesNotMatch(hx.text, /<html/);
  assert.equal(good.requests.length, 2);

  const refused = await r.post(`/settings/channels/${gone.id}/test`);
  assert.equal(refused.res.status, 303);
  const shown = await r.get("/settings");
  assert.match(
    shown.text,
    /class="flash flash-error"><p>Test message to gone failed: HTTP 404[^<]*no_service/,
  );

  const hxRefused = await r.post(`/settings/channels/${gone.id}/test`, {}, { htmx: true });
  assert.equal(hxRefused.res.status, 200, "200 so htmx swaps the message in");
  assert.match(hxRefused.text, /flash-error/);
  assert.match(hxRefused.text, /HTTP 404[^<]*no_service/);
  assert.equal(bad.requests.length, 2);

  // The button targets the channel's own result region.
  assert.match(
    shown.text,
    new RegExp(`hx-post="/settings/channels/${gone.id}/test" hx-target="#channel-test-${gone.id}"`),
  );
  assert.match(shown.text, new RegExp(`<div id="channel-test-${gone.id}" role="status"`));
  assert.equal((await c.post("/settings/channels/999/test")).res.status, 404);
  r.assertNeverShown(TOKEN);
});

Deno.test("every channel POST needs the CSRF token", async () => {
  await using f = await webFixture();
  const c = await f.login();
  const forged = await c.post("/settings/channels", SLACK_FORM, { noCsrf: true });
  assert.equal(forged.res.status, 403);
  const wrong = await c.post("/settings/channels", SLACK_FORM, { csrf: "x".repeat(43) });
  assert.equal(wrong.res.status, 403);
  assert.equal((await f.rt.store.channels.list()).length, 0);

  await c.post("/settings/channels", SLACK_FORM);
  const [ch] = await f.rt.store.channels.list();
  for (const path of ["edit", "delete", "test"]) {
    const r = await c.post(`/settings/channels/${ch.id}/${path}`, {
      ...SLACK_FORM,
      name: "forged",
    }, { noCsrf: true });
    assert.equal(r.res.status, 403, path);
  }
  const still = await f.rt.store.channels.get(ch.id);
  assert.equal(still?.name, "#ops", "nothing changed or was deleted");
});

Deno.test("monitor form: channel checkboxes with defaults pre-checked; unchecking all stores []", async () => {
  await using f = await webFixture();
  const c = await f.login();
  await c.post("/settings/channels", SLACK_FORM);
  await c.post("/settings/channels", { ...SLACK_FORM, name: "#dev", is_default: "false" });
  const ops = (await f.rt.store.channels.list()).find((ch) => ch.name === "#ops")!;
  const dev = (await f.rt.store.channels.list()).find((ch) => ch.name === "#dev")!;

  const form = await c.get("/monitors/new");
  assert.equal(form.res.status, 200);
  assert.match(channelBox(form.text, ops.id) ?? "", /\schecked/, "the default one is checked");
  assert.ok(channelBox(form.text, dev.id), "the other one is offered");
  assert.doesNotMatch(channelBox(form.text, dev.id)!, /\schecked/);
  assert.match(form.text, /#dev <span class="muted">· Slack/);

  // What a browser sends with both boxes unchecked: only the hidden empty value.
  const site = { name: "Shop", url: "https://shop.example/health", kind: "http" };
  const none = await postPairs(c, "/monitors", [
    ...Object.entries(site),
    ["channel_ids", ""],
  ]);
  assert.equal(none.res.status, 303, none.text);
  const shop = (await f.rt.service.list()).find((v) => v.monitor.name === "Shop")!.monitor;
  assert.deepEqual(shop.channelIds, []);

  // Both checked: the hidden value and each box.
  const both = await postPairs(c, "/monitors", [
    ...Object.entries({ ...site, name: "Blog" }),
    ["channel_ids", ""],
    ["channel_ids", String(ops.id)],
    ["channel_ids", String(dev.id)],
  ]);
  assert.equal(both.res.status, 303, both.text);
  const blog = (await f.rt.service.list()).find((v) => v.monitor.name === "Blog")!.monitor;
  assert.deepEqual(blog.channelIds, [ops.id, dev.id]);

  // The edit form shows the monitor's own choice, not the defaults.
  const edit = await c.get(`/monitors/${shop.id}/edit`);
  assert.doesNotMatch(channelBox(edit.text, ops.id)!, /\schecked/);
  assert.doesNotMatch(channelBox(edit.text, dev.id)!, /\schecked/);
  const editBlog = await c.get(`/monitors/${blog.id}/edit`);
  assert.match(channelBox(editBlog.text, dev.id)!, /\schecked/);

  // Unchecking all on an edit stores [] too.
  const cleared = await postPairs(c, `/monitors/${blog.id}/edit`, [
    ...Object.entries({ ...site, name: "Blog" }),
    ["channel_ids", ""],
  ]);
  assert.equal(cleared.res.status, 303, cleared.text);
  assert.deepEqual((await f.rt.service.get(blog.id)).monitor.channelIds, []);

  // A refused form keeps the boxes as they were ticked.
  const refused = await postPairs(c, "/monitors", [
    ...Object.entries({ ...site, name: "" }),
    ["channel_ids", ""],
    ["channel_ids", String(dev.id)],
  ]);
  assert.equal(refused.res.status, 422);
  assert.match(channelBox(refused.text, dev.id)!, /\schecked/);
  assert.doesNotMatch(channelBox(refused.text, ops.id)!, /\schecked/);
});

Deno.test("the monitor page names its channels; an app with none inherits the website's", async () => {
  await using f = await webFixture();
  const c = await f.login();
  await c.post("/settings/channels", SLACK_FORM);
  const [ops] = await f.rt.store.channels.list();
  const site = await f.rt.service.create({
    name: "Shop",
    url: "https://shop.example/",
    channel_ids: [ops.id],
  });
  const app = await f.rt.service.create({
    name: "Checkout",
    url: "https://shop.example/checkout",
    parent_id: site.id,
    channel_ids: [],
  });
  const bare = await f.rt.service.create({
    name: "Blog",
    url: "https://blog.example/",
    channel_ids: [],
  });

  const sitePage = await c.get(`/monitors/${site.id}`);
  assert.match(
    sitePage.text,
    /id="monitor-channels">Notification channels: <span title="Slack[^"]*">#ops<\/span>/,
  );
  const appPage = await c.get(`/monitors/${app.id}`);
  assert.match(appPage.text, /inherits the website(&#39;|')s/);
  assert.match(
    appPage.text,
    new RegExp(`href="/monitors/${site.id}">Shop</a>\\): <span[^>]*>#ops<`),
  );
  const barePage = await c.get(`/monitors/${bare.id}`);
  assert.match(barePage.text, /id="monitor-channels">Notification channels: none/);

  // The htmx action fragment keeps the line.
  const checked = await c.post(`/monitors/${site.id}/pause`, {}, { htmx: true });
  assert.match(checked.text, /id="monitor-channels">Notification channels: <span[^>]*>#ops</);
});

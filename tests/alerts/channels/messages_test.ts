/**
 * What every kind's request says, as a table over the ten kinds: DOWN, RECOVERED with its
 * duration, reminders, internal apps folded into a website, the raw status code, redacted
 * credentials, HTML escaping of hostile names, and the test variant.
 */
import assert from "node:assert/strict";
import {
  CHANNEL_KINDS,
  TEST_MONITOR_NAME,
  testFacts,
} from "../../../monitor/alerts/channels/index.ts";
import type { ChannelKind, HttpRequest } from "../../../monitor/alerts/channels/spec.ts";
import type { AlertFacts } from "../../../monitor/alerts/message.ts";
import { isTestFacts, renderAlert } from "../../../monitor/alerts/channels/common.ts";
import { decodeHeaderWord, parseTelegramHtml, RECEIVER_SECRETS } from "../../_helpers/receivers.ts";
import {
  appFixture,
  factsFixture,
  factsVariants,
  incidentFixture,
  T0,
} from "../../_helpers/alert_facts.ts";

/** A config for each kind (the values only need to pass validation). */
const CONFIGS: Record<string, Record<string, string>> = {
  webhook: { url: "https://hooks.example.com/shc", secret: "0123456789abcdef0123" },
  slack: { url: "https://hooks.slack.com/services/T000/B000/sLaCkWeBhOoKsEcReT0123456" },
  discord: { url: "https://discord.com/api/webhooks/1/dIsCoRdToKeN_abcdefghijklmnop" },
  telegram: { bot_token: "123456789:AAEshcTeStToKeN_secret-0123456789abc", chat_id: "-100123" },
  teams: {
    url:
      "https://example.powerplatform.com/workflows/1/triggers/manual/paths/invoke?sig=tEaMsWoRkFlOwSiG_0123456789abcdefghij",
  },
  ntfy: { topic: "shc-alerts", token: "tk_ntfysecrettoken0123456789abcd" },
  gotify: { server: "https://gotify.example.com", token: "AgOtIfYaPpToKeN.x" },
  pushover: {
    user_key: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG",
    app_token: "azGDORePK8gMaC0QOYAMyEEuzJnyUi",
  },
  pagerduty: { routing_key: "R0uT1nGkEy0123456789abcdefABCDEF" },
  matrix: {
    homeserver: "https://matrix.example.org",
    access_token: "syt_c2hjYm90_mAtRiXaCcEsStOkEn_0abc12",
    room_id: "!RoomIdAbc123:example.org",
  },
};

const kinds = [...CHANNEL_KINDS.values()];

async function build(kind: ChannelKind, f: AlertFacts, key = "alert-42"): Promise<HttpRequest> {
  return await kind.request(f, CONFIGS[kind.kind], { idempotencyKey: key });
}

/** Drops HTML tags and decodes the entities the kinds use. */
function htmlText(html: string): string {
  return html.replace(/<br>/g, "\n").replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Slack mrkdwn to what a reader sees (entities decoded). */
const slackText = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** Everything a person reading the message sees, per kind. */
function visible(kind: string, req: HttpRequest): string {
  const j = () => JSON.parse(req.body);
  switch (kind) {
    case "webhook":
      return `${j().title}\n${j().text}`;
    case "slack": {
      const b = j();
      const blocks = b.attachments[0].blocks as {
        text?: { text: string };
        elements?: { text: string }[];
      }[];
      return slackText(
        [b.text, ...blocks.map((x) => x.text?.text ?? x.elements!.map((e) => e.text).join(" "))]
          .join("\n"),
      );
    }
    case "discord": {
      const e = j().embeds[0];
      const unescape = (s: string) => s.replace(/\\(.)/g, "$1");
      return unescape([
        e.title,
        e.description,
        ...e.fields.map((f: { name: string; value: string }) => `${f.name}: ${f.value}`),
      ].join("\n")) + `\n${e.url}`;
    }
    case "telegram": {
      const parsed = parseTelegramHtml(j().text);
      if ("error" in parsed) throw new Error(parsed.error);
      // The link's target is part of what the reader can open.
      const href = j().text.match(/<a href="([^"]+)"/)?.[1] ?? "";
      return `${parsed.text}\n${href}`;
    }
    case "teams": {
      const card = j().attachments[0].content;
      const parts: string[] = [];
      for (const el of card.body) {
        if (el.type === "TextBlock") parts.push(el.text);
        if (el.type === "FactSet") {
          for (const f of el.facts) parts.push(`${f.title}: ${f.value}`);
        }
      }
      parts.push(...card.actions.map((a: { url: string }) => a.url));
      return parts.join("\n").replace(/\\(.)/g, "$1");
    }
    case "ntfy":
      return `${decodeHeaderWord(req.headers.Title)}\n${req.body}\n${req.headers.Click}`;
    case "gotify":
      return `${j().title}\n${j().message}`;
    case "pushover": {
      const f = new URLSearchParams(req.body);
      return `${f.get("title")}\n${f.get("message")}\n${f.get("url")}`;
    }
    case "pagerduty": {
      const e = j();
      return [
        e.payload?.summary ?? "",
        JSON.stringify(e.payload?.custom_details ?? {}),
        ...(e.links ?? []).map((l: { href: string }) => l.href),
      ].join("\n");
    }
    case "matrix":
      return `${j().body}\n${htmlText(j().formatted_body)}`;
  }
  throw new Error(`no reader for ${kind}`);
}

Deno.test("every kind: DOWN says the monitor, DOWN, the cause in words, the raw status and the dashboard", async () => {
  for (const kind of kinds) {
    const text = visible(kind.kind, await build(kind, factsVariants().down));
    for (
      const want of [
        "Main Ecommerce Server",
        "DOWN",
        "The server answered HTTP 502 Bad Gateway; expected 200.",
        "502",
        "https://status.example.com/monitors/3",
      ]
    ) {
      assert.ok(text.includes(want), `${kind.kind}: missing ${JSON.stringify(want)} in\n${text}`);
    }
  }
});

Deno.test("every kind: RECOVERED says so with the outage's duration (PagerDuty resolves instead)", async () => {
  for (const kind of kinds) {
    const req = await build(kind, factsVariants().recovered);
    if (kind.kind === "pagerduty") {
      assert.equal(JSON.parse(req.body).event_action, "resolve");
      continue;
    }
    const text = visible(kind.kind, req);
    for (const want of ["Main Ecommerce Server", "RECOVERED", "4m 12s", "HTTP 502"]) {
      assert.ok(text.includes(want), `${kind.kind}: missing ${JSON.stringify(want)} in\n${text}`);
    }
    assert.ok(!/\bis DOWN\b/.test(text), `${kind.kind}: a recovery must not say "is DOWN"`);
  }
});

Deno.test("every kind: a reminder says still down, its number and how long so far", async () => {
  for (const kind of kinds) {
    const text = visible(kind.kind, await build(kind, factsVariants().reminder));
    for (const want of ["Main Ecommerce Server", "still", "1h 3m", "502"]) {
      assert.ok(text.includes(want), `${kind.kind}: missing ${JSON.stringify(want)} in\n${text}`);
    }
    if (kind.kind !== "pagerduty") {
      assert.ok(text.includes("reminder 2"), `${kind.kind}: reminder number in\n${text}`);
    }
  }
});

Deno.test("every kind: internal apps are folded into the website's alert, their URLs redacted", async () => {
  for (const kind of kinds) {
    const text = visible(kind.kind, await build(kind, factsVariants().grouped));
    for (
      const want of [
        "Checkout API",
        "Search",
        "HTTP 500",
        "HTTP 503",
        "***@shop.example.com/checkout",
      ]
    ) {
      assert.ok(text.includes(want), `${kind.kind}: missing ${JSON.stringify(want)} in\n${text}`);
    }
    assert.ok(text.includes("internal app"), `${kind.kind}: says internal apps in\n${text}`);
    assert.ok(!text.includes("s3cr3tpw"), `${kind.kind}: an app's password leaked`);
  }
});

Deno.test("every kind: an internal app's own alert names its website", async () => {
  const f = factsFixture({
    monitor: { ...factsFixture().monitor, name: "Checkout API", parentName: "Main Website" },
  });
  for (const kind of kinds) {
    const text = visible(kind.kind, await build(kind, f));
    assert.ok(text.includes("Checkout API"), kind.kind);
    assert.ok(text.includes("Main Website"), `${kind.kind}: website named in\n${text}`);
  }
});

Deno.test("every kind: credentials in monitor URLs and error messages never reach the message", async () => {
  const f = factsFixture({
    incident: incidentFixture({
      errorKind: "tls",
      httpStatus: null,
      errorMessage:
        "TLS error: invalid peer certificate for https://admin:hunter2@shop.example.com/",
    }),
  });
  for (const kind of kinds) {
    for (const facts of [f, factsVariants().grouped]) {
      const req = await build(kind, facts);
      const all = `${req.body}\n${JSON.stringify(req.headers)}`;
      assert.ok(!all.includes("hunter2"), `${kind.kind}: monitor password leaked`);
      assert.ok(!all.includes("s3cr3tpw"), `${kind.kind}: app password leaked`);
    }
    const text = visible(kind.kind, await build(kind, f));
    assert.ok(text.includes("shop.example.com"), `${kind.kind}: the URL's host is still shown`);
  }
});

Deno.test("every kind: the channel's own secrets are in the request only where the service wants them", async () => {
  for (const kind of kinds) {
    const req = await build(kind, factsVariants().down);
    // The body a person reads never carries a token (PagerDuty's routing key and Pushover's
    // keys belong to the body by API design; the others are in the URL or a header).
    const inBody = kind.kind === "pagerduty" || kind.kind === "pushover";
    for (const secret of RECEIVER_SECRETS[kind.kind]) {
      if (inBody) continue;
      assert.ok(!req.body.includes(secret), `${kind.kind}: a secret is in the body`);
    }
    assert.ok(!visible(kind.kind, req).includes("R0uT1nGkEy"), `${kind.kind}: routing key shown`);
  }
});

Deno.test("telegram and matrix: a hostile monitor name is escaped, and shown literally", async () => {
  const hostile = 'Shop <b>&" </i><script>';
  const f = factsFixture({
    monitor: { ...factsFixture().monitor, name: hostile, parentName: "<Web & Co>" },
    affected: [appFixture({ name: "<img src=x>" })],
  });
  const tg = await build(CHANNEL_KINDS.get("telegram")!, f);
  const parsed = parseTelegramHtml(JSON.parse(tg.body).text);
  assert.ok("text" in parsed, `Telegram would refuse: ${JSON.stringify(parsed)}`);
  assert.ok(parsed.text.includes(hostile), parsed.text);
  assert.ok(parsed.text.includes("<Web & Co>"));
  assert.ok(parsed.text.includes("<img src=x>"));
  assert.equal(JSON.parse(tg.body).parse_mode, "HTML");

  const mx = JSON.parse((await build(CHANNEL_KINDS.get("matrix")!, f)).body);
  assert.ok(!mx.formatted_body.includes("<script>"), mx.formatted_body);
  assert.ok(!mx.formatted_body.includes("<img"), mx.formatted_body);
  assert.ok(mx.formatted_body.includes("Shop &lt;b&gt;&amp;&quot; &lt;/i&gt;&lt;script&gt;"));
  assert.ok(htmlText(mx.formatted_body).includes(hostile));
  assert.ok(mx.body.includes(hostile), "the plain body is plain");

  const sl = JSON.parse((await build(CHANNEL_KINDS.get("slack")!, f)).body);
  const slackAll = JSON.stringify(sl.attachments[0].blocks);
  assert.ok(!slackAll.includes("<script>") && slackAll.includes("&lt;script&gt;"));

  const dc = JSON.parse((await build(CHANNEL_KINDS.get("discord")!, f)).body);
  assert.deepEqual(dc.allowed_mentions, { parse: [] }, "a name cannot ping @everyone");
});

Deno.test("colours and priorities: red/high for DOWN, green/normal for RECOVERED", async () => {
  const { down, recovered, reminder } = factsVariants();
  const k = (n: string) => CHANNEL_KINDS.get(n)!;
  const body = async (n: string, f: AlertFacts) => JSON.parse((await build(k(n), f)).body);

  assert.equal((await body("slack", down)).attachments[0].color, "#cf222e");
  assert.equal((await body("slack", recovered)).attachments[0].color, "#1a7f37");
  assert.equal((await body("discord", down)).embeds[0].color, 0xcf222e);
  assert.equal((await body("discord", recovered)).embeds[0].color, 0x1a7f37);
  const card = (await body("teams", down)).attachments[0];
  assert.equal(card.contentType, "application/vnd.microsoft.card.adaptive");
  assert.equal(card.content.body[0].color, "Attention");
  assert.equal((await body("teams", recovered)).attachments[0].content.body[0].color, "Good");

  const ntfyDown = await build(k("ntfy"), down);
  assert.equal(ntfyDown.headers.Priority, "high");
  assert.match(ntfyDown.headers.Tags, /rotating_light/);
  assert.equal((await build(k("ntfy"), reminder)).headers.Priority, "high");
  assert.equal((await build(k("ntfy"), recovered)).headers.Priority, "default");
  assert.equal((await build(k("ntfy"), recovered)).headers.Tags, "white_check_mark");

  const po = async (f: AlertFacts) => new URLSearchParams((await build(k("pushover"), f)).body);
  assert.equal((await po(down)).get("priority"), "1");
  assert.equal((await po(reminder)).get("priority"), "1");
  assert.equal((await po(recovered)).get("priority"), "0");

  assert.equal((await body("gotify", down)).priority, 8);
  assert.equal((await body("gotify", recovered)).priority, 5);
  assert.equal((await body("pagerduty", down)).payload.severity, "critical");
});

Deno.test("ntfy: a non-ASCII title is RFC 2047 encoded and decodes back exactly", async () => {
  const req = await build(CHANNEL_KINDS.get("ntfy")!, factsVariants().down);
  // The subject has an em dash: raw it would not be a valid header value.
  assert.match(req.headers.Title, /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
  assert.equal(decodeHeaderWord(req.headers.Title), "[DOWN] Main Ecommerce Server — HTTP 502");
  assert.doesNotThrow(() => new Headers(req.headers));
  assert.equal(req.headers.Authorization, "Bearer tk_ntfysecrettoken0123456789abcd");
});

Deno.test("every kind: the test message is marked as a test and says nothing is down", async () => {
  const f = testFacts(T0, "https://status.example.com/");
  assert.ok(isTestFacts(f));
  assert.equal(f.kind, "down");
  assert.equal(f.monitor.name, TEST_MONITOR_NAME);
  assert.ok(!isTestFacts(factsFixture()), "a real alert is not a test");
  for (const kind of kinds) {
    const req = await build(kind, f);
    const text = visible(kind.kind, req);
    assert.ok(text.includes("[TEST]"), `${kind.kind}: marked TEST in\n${text}`);
    assert.ok(text.includes(TEST_MONITOR_NAME) || kind.kind === "pagerduty", kind.kind);
    assert.ok(/nothing is down/i.test(text), `${kind.kind}: says nothing is down in\n${text}`);
  }
  assert.equal(JSON.parse((await build(CHANNEL_KINDS.get("webhook")!, f)).body).event, "test");
  const pd = JSON.parse((await build(CHANNEL_KINDS.get("pagerduty")!, f)).body);
  assert.equal(pd.payload.severity, "info", "a test does not page anyone at critical");
  assert.equal(pd.dedup_key, `shc-test-${T0}`);
});

Deno.test("every kind: a huge alert (200 apps, a long error) stays within the service's limits", async () => {
  const apps = Array.from(
    { length: 200 },
    (_, i) => appFixture({ id: 100 + i, name: `App ${i} ${"x".repeat(80)}` }),
  );
  const f = factsFixture({
    affected: apps,
    incident: incidentFixture({ errorMessage: "E".repeat(5000) }),
  });
  for (const kind of kinds) {
    const req = await build(kind, f);
    const b = req.body;
    switch (kind.kind) {
      case "telegram": {
        const parsed = parseTelegramHtml(JSON.parse(b).text);
        assert.ok("text" in parsed && parsed.text.length <= 4096, "telegram length");
        break;
      }
      case "discord": {
        const e = JSON.parse(b).embeds[0];
        const total = e.title.length + e.description.length +
          e.fields.reduce(
            (n: number, x: { name: string; value: string }) => n + x.name.length + x.value.length,
            0,
          );
        assert.ok(total <= 6000, `discord total ${total}`);
        assert.ok(e.fields.every((x: { value: string }) => x.value.length <= 1024));
        break;
      }
      case "pushover":
        assert.ok(Array.from(new URLSearchParams(b).get("message")!).length <= 1024);
        break;
      case "ntfy":
        assert.ok(new TextEncoder().encode(b).length <= 4096);
        break;
      case "slack":
        for (const blk of JSON.parse(b).attachments[0].blocks) {
          assert.ok((blk.text?.text?.length ?? 0) <= 3000);
        }
        break;
      case "pagerduty":
        assert.ok(JSON.parse(b).payload.summary.length <= 1024);
        break;
    }
    const text = visible(kind.kind, req);
    if (kind.kind !== "pagerduty" && kind.kind !== "webhook") {
      assert.ok(/more/.test(text), `${kind.kind}: says there are more apps`);
    }
  }
});

Deno.test("renderAlert(): a DOWN delivered after the recovery says it is over", () => {
  const f = factsFixture({
    incident: incidentFixture({ endedAt: T0 + 120_000 }),
    now: T0 + 200_000,
  });
  const r = renderAlert(f);
  assert.deepEqual(r.rows.find(([k]) => k === "Update"), [
    "Update",
    `recovered at ${new Date(T0 + 120_000).toISOString()} after 2m 0s`,
  ]);
});

/**
 * Seeds a demo database, serves the dashboard on loopback and writes PNGs of the overview and a
 * monitor page, in light and dark, to `screenshots/`.
 *
 *   deno run -A bench/screenshots.ts [out-dir]
 */
import type { Page } from "playwright-core";
import { loadConfig } from "../monitor/config.ts";
import { setLogLevel } from "../monitor/log.ts";
import type { Runtime } from "../runtime.ts";
import type { ProbeResult } from "../monitor/types.ts";
import { rng, seedRollups, sqliteOf } from "./_seed.ts";
import { launchChromium, serveDashboard } from "../tests/_helpers/browser.ts";

const OUT = Deno.args[0] ?? "screenshots";
const USER = { username: "demo", password: "wall-screen-2025" };

interface Demo {
  name: string;
  url: string;
  latency: number;
  fail: number;
  parent?: string;
  /** Last N checks fail (an open incident). */
  downTail?: number;
  /** Failed checks around this many checks ago (a closed incident). */
  blipAt?: number;
  paused?: boolean;
  pending?: boolean;
}

const DEMOS: Demo[] = [
  { name: "Acme Storefront", url: "https://shop.acme.example/health", latency: 180, fail: 0.002 },
  {
    name: "Checkout API",
    url: "https://api.acme.example/checkout/health",
    latency: 95,
    fail: 0.001,
    parent: "Acme Storefront",
  },
  {
    name: "Search service",
    url: "http://10.0.4.12:8080/health",
    latency: 60,
    fail: 0.004,
    parent: "Acme Storefront",
    downTail: 4,
  },
  {
    name: "Redis cache",
    url: "tcp://10.0.4.20:6379",
    latency: 2,
    fail: 0,
    parent: "Acme Storefront",
  },
  { name: "Company blog", url: "https://blog.acme.example/", latency: 240, fail: 0.001 },
  { name: "Customer portal", url: "https://portal.acme.example/status", latency: 130, fail: 0.003 },
  {
    name: "Auth service",
    url: "https://auth.acme.example/healthz",
    latency: 45,
    fail: 0.001,
    parent: "Customer portal",
    blipAt: 14,
  },
  {
    name: "Billing worker",
    url: "http://billing.internal:9000/ping",
    latency: 30,
    fail: 0,
    parent: "Customer portal",
    paused: true,
  },
  {
    name: "Developer docs",
    url: "https://docs.acme.example/",
    latency: 320,
    fail: 0.01,
    blipAt: 22,
  },
  { name: "Status page", url: "https://status.acme.example/", latency: 0, fail: 0, pending: true },
];

const up = (latencyMs: number, httpStatus: number | null): ProbeResult => ({
  ok: true,
  latencyMs,
  httpStatus,
  errorKind: null,
  errorMessage: null,
});
const refused: ProbeResult = {
  ok: false,
  latencyMs: 1,
  httpStatus: null,
  errorKind: "connection_refused",
  errorMessage: "tcp connect error: Connection refused (os error 111)",
};
const http503: ProbeResult = {
  ok: false,
  latencyMs: 41,
  httpStatus: 503,
  errorKind: "unexpected_status",
  errorMessage: "Expected status 200, received 503",
};

/** Creates the demo monitors with 30 days of rollups and 40 recorded recent checks each. */
async function seed(rt: Runtime): Promise<Map<string, number>> {
  const now = Date.now();
  const ids = new Map<string, number>();
  const random = rng(42);
  // Notification channels first, so websites get the default one as a new monitor would.
  await rt.channels.create({
    kind: "slack",
    name: "#ops-alerts",
    is_default: true,
    config: { url: "https://hooks.slack.com/services/T0DEMO/B0DEMO/demoSecretToken123" },
  });
  await rt.channels.create({
    kind: "pagerduty",
    name: "On-call (PagerDuty)",
    config: { routing_key: "R0DEMOROUTINGKEY0123456789abcdef" },
  });
  for (const d of DEMOS) {
    const m = await rt.service.create({
      name: d.name,
      url: d.url,
      parent_id: d.parent ? ids.get(d.parent) : undefined,
      interval_s: 60,
    });
    ids.set(d.name, m.id);
    if (d.pending) continue;
    const profile = { latencyMs: d.latency, failRate: d.fail };
    seedRollups(sqliteOf(rt), m.id, {
      now: now - 40 * 60_000,
      days: 30,
      intervalS: 60,
      profile,
      random,
    });
    for (let i = 39; i >= 0; i--) {
      const at = now - i * 60_000 - Math.floor(random() * 2000);
      let result = up(d.latency * (0.7 + random() * 0.7), d.url.startsWith("tcp:") ? null : 200);
      if (d.downTail && i < d.downTail) result = i % 2 ? refused : http503;
      if (d.blipAt !== undefined && i <= d.blipAt && i > d.blipAt - 3) result = http503;
      if (!d.downTail && d.blipAt === undefined && random() < d.fail * 5) result = http503;
      await rt.service.recorder.record((await rt.service.get(m.id)).monitor, result, at);
    }
    if (d.paused) await rt.service.setActive(m.id, false);
  }
  // Tags, a maintenance window in progress, a public status page with an incident and updates.
  for (const [name, tags] of [["Acme Storefront", "prod eu"], ["Customer portal", "prod"]]) {
    await rt.service.update(ids.get(name)!, { tags });
  }
  await rt.service.update(ids.get("Company blog")!, { tags: "marketing" });
  await rt.maintenance.create({
    name: "Blog platform upgrade",
    description: "CMS 5.2",
    monitor_ids: [ids.get("Company blog")!],
    schedule: {
      kind: "once",
      starts_at: new Date(now - 15 * 60_000).toISOString(),
      ends_at: new Date(now + 45 * 60_000).toISOString(),
    },
  });
  await rt.maintenance.create({
    name: "Nightly database vacuum",
    monitor_ids: [ids.get("Customer portal")!],
    schedule: {
      kind: "weekly",
      weekdays: [1, 2, 3, 4, 5],
      time: "03:00",
      duration_min: 30,
      timezone: "Europe/Berlin",
    },
  });
  const page = await rt.statusPages.create({
    title: "Acme status",
    slug: "acme",
    description: "Live status of Acme's public services.",
    entries: [
      { monitor_id: ids.get("Acme Storefront")!, display_name: "Online shop", show_apps: true },
      { monitor_id: ids.get("Customer portal")!, display_name: "Customer portal" },
      { monitor_id: ids.get("Developer docs")!, display_name: "Documentation" },
    ],
  });
  const incident = await rt.statusPages.createIncident(page.id, {
    title: "Search results are missing",
    monitor_ids: [ids.get("Acme Storefront")!],
    status: "investigating",
    message: "Product search returns no results for some customers. We are looking into it.",
  });
  await rt.statusPages.addUpdate(page.id, incident.id, {
    status: "identified",
    message: "A search node lost its index after a failed deploy; it is being rebuilt.",
  });
  await rt.accounts.createUser(USER);
  return ids;
}

async function login(page: Page, base: string) {
  await page.goto(`${base}/login`);
  await page.fill("#f-username", USER.username);
  await page.fill("#f-password", USER.password);
  await Promise.all([page.waitForURL(`${base}/`), page.click("button[type=submit]")]);
}

setLogLevel("error");
const dir = await Deno.makeTempDir({ prefix: "shc-shots-" });
await Deno.mkdir(OUT, { recursive: true });
const config = loadConfig({ DATABASE_PATH: `${dir}/demo.db`, LOG_LEVEL: "error" });
{
  await using served = await serveDashboard(config);
  const ids = await seed(served.rt);
  await using chrome = await launchChromium();
  const shots: [string, string, { width: number; height: number }][] = [
    ["overview", "/", { width: 1440, height: 900 }],
    ["monitor", `/monitors/${ids.get("Acme Storefront")}`, { width: 1440, height: 900 }],
    ["monitor-down", `/monitors/${ids.get("Search service")}?range=1h`, {
      width: 1440,
      height: 900,
    }],
    ["overview-phone", "/", { width: 390, height: 844 }],
    ["add-form", `/monitors/new?parent_id=${ids.get("Acme Storefront")}`, {
      width: 1280,
      height: 900,
    }],
    ["settings", "/settings", { width: 1280, height: 900 }],
    ["channel-form", "/settings/channels/new?kind=webhook", { width: 1280, height: 900 }],
    ["add-website", "/monitors/new", { width: 1280, height: 900 }],
    ["maintenance", "/maintenance", { width: 1280, height: 900 }],
    ["status-page", "/status/acme", { width: 1280, height: 900 }],
    ["status-page-phone", "/status/acme", { width: 390, height: 844 }],
    ["overview-search", "/?q=search", { width: 1440, height: 900 }],
  ];
  for (const scheme of ["light", "dark"] as const) {
    const context = await chrome.browser.newContext({ colorScheme: scheme, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await login(page, served.url);
    for (const [name, path, viewport] of shots) {
      await page.setViewportSize(viewport);
      await page.goto(served.url + path);
      const file = `${OUT}/${name}-${scheme}.png`;
      await page.screenshot({ path: file, fullPage: true });
      console.log(`wrote ${file}`);
    }
    await context.close();
  }
}
await Deno.remove(dir, { recursive: true });

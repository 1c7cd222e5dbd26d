/**
 * Server time to render the dashboard with 2,000 monitors and 90 days of history
 * (400 websites × 4 internal apps; hourly + daily rollups; 30 recent checks each).
 *
 *   deno task bench:render [monitors=2000] [runs=30] [days=90] [keep-dir]
 *
 * With a `keep-dir`, the seeded database is kept there and reused by the next run with the same
 * folder (seeding 2,000 monitors with 90 days takes minutes).
 */
import { loadConfig } from "../monitor/config.ts";
import { setLogLevel } from "../monitor/log.ts";
import { createRuntime } from "../runtime.ts";
import { Sessions } from "../monitor/auth/sessions.ts";
import { createApp } from "../routes/app.ts";
import { OverviewReader } from "../monitor/overview.ts";
import { rng, seedChecks, seedRollups, sqliteOf } from "./_seed.ts";

const MONITORS = Number(Deno.args[0] ?? 2000);
const RUNS = Number(Deno.args[1] ?? 30);
const DAYS = Number(Deno.args[2] ?? 90);
const APPS_PER_SITE = 4;

setLogLevel("error");
const KEEP = Deno.args[3];
const dir = KEEP ?? await Deno.makeTempDir({ prefix: "shc-render-" });
if (KEEP) await Deno.mkdir(KEEP, { recursive: true });
const reuse = KEEP !== undefined &&
  await Deno.stat(`${KEEP}/bench.db`).then(() => true, () => false);
const rt = await createRuntime(
  loadConfig({ DATABASE_PATH: `${dir}/bench.db`, LOG_LEVEL: "error" }),
  { cron: false },
);
const app = createApp(rt);
const db = sqliteOf(rt);

// --- seed -------------------------------------------------------------------------------------
const t0 = performance.now();
const now = Date.now();
const random = rng(7);
const ids: number[] = reuse ? (await rt.store.monitors.list()).map((m) => m.id) : [];
let parent: number | null = null;
for (let i = 0; i < (reuse ? 0 : MONITORS); i++) {
  const site = i % (APPS_PER_SITE + 1) === 0;
  const m = await rt.service.create({
    name: site ? `Website ${i}` : `App ${i}`,
    url: `https://host${i}.example/health`,
    parent_id: site ? undefined : parent ?? undefined,
    interval_s: 60,
  });
  if (site) parent = m.id;
  ids.push(m.id);
}
for (const id of reuse ? [] : ids) {
  const profile = { latencyMs: 50 + random() * 300, failRate: random() < 0.1 ? 0.02 : 0.001 };
  seedRollups(db, id, { now, days: DAYS, intervalS: 60, profile, random });
  seedChecks(db, id, {
    now,
    n: 30,
    intervalS: 60,
    profile,
    random,
    downTail: random() < 0.02 ? 3 : 0,
  });
}
const rows = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
console.log(
  `seeded ${MONITORS} monitors, ${rows("SELECT count(*) AS n FROM rollups")} rollups, ${
    rows("SELECT count(*) AS n FROM checks")
  } checks in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

// --- measure ----------------------------------------------------------------------------------
const user = reuse
  ? (await rt.store.users.findByName("bench"))!
  : await rt.accounts.createUser({ username: "bench", password: "render-timing-2025" });
const { token } = await new Sessions(rt.store, { ttlHours: 1 }).create(user.id, user.username);
const headers = { Cookie: `shc_session=${token}` };

async function measure(
  label: string,
  path: string | (() => string),
  extra = {},
  before?: () => Promise<void>,
) {
  const times: number[] = [];
  let bytes = 0, status = 0;
  for (let i = 0; i < RUNS + 3; i++) {
    await before?.();
    const url = typeof path === "string" ? path : path();
    const start = performance.now();
    const res = await app.request(url, { headers: { ...headers, ...extra } });
    const body = await res.arrayBuffer();
    const ms = performance.now() - start;
    if (i >= 3) times.push(ms); // the first runs warm up the JIT and statement cache
    bytes = body.byteLength;
    status = res.status;
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  console.log(
    `${label.padEnd(44)} ${String(status).padEnd(4)} p50 ${q(0.5).toFixed(1).padStart(6)} ms  p95 ${
      q(0.95).toFixed(1).padStart(6)
    } ms  min ${times[0].toFixed(1).padStart(6)} ms  ${(bytes / 1024).toFixed(0).padStart(5)} KiB`,
  );
}

const overviewHtml = await (await app.request("/", { headers })).text();
console.log(
  `full overview: ${overviewHtml.length.toLocaleString("en")} bytes, ${
    Math.round(overviewHtml.length / MONITORS)
  } per monitor`,
);
const version = /\/partials\/overview\?v=([\d-]+)/.exec(overviewHtml)![1];
const hx = { "HX-Request": "true" };
const region = { "HX-Request": "true", "HX-Target": "overview-results" };
const reader = new OverviewReader(rt.service);

// The read model alone (queries and grouping, no HTML), for comparison with the page: cold (a
// new reader each time, every row read) and warm (rows kept since the last read).
for (
  const [label, next] of [
    ["overview read model, cold (no HTML)", () => new OverviewReader(rt.service)],
    ["overview read model, warm (no HTML)", () => reader],
  ] as const
) {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const r = next();
    const start = performance.now();
    await r.overview();
    if (i >= 3) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(49)} p50 ${
      times[Math.floor(times.length / 2)].toFixed(1).padStart(6)
    } ms  p95 ${times[Math.floor(times.length * 0.95)].toFixed(1).padStart(6)} ms`,
  );
}
await measure("GET / (full overview page)", "/");
await measure("GET /?q=app+1 (search, htmx region)", "/?q=app+1", region);
await measure("GET /?status=down (Down tile, htmx region)", "/?status=down", region);
await measure("GET /?collapse=all (websites folded)", "/?collapse=all");
await measure("GET / (gzip, as browsers ask)", "/", { "Accept-Encoding": "gzip" });
await measure("GET /partials/overview (nothing changed)", `/partials/overview?v=${version}`, hx);

// Five monitors get a new check between polls: the partial carries five rows.
// The version is taken before the new checks, as a page polling since then would hold it.
let round = 0;
let current = await reader.version();
await measure(
  "GET /partials/overview (5 rows changed)",
  () => {
    const v = current;
    round++;
    for (let k = 0; k < 5; k++) {
      seedChecks(db, ids[(round * 5 + k) % ids.length], {
        now: now + round * 1000,
        n: 1,
        intervalS: 60,
        profile: { latencyMs: 100, failRate: 0 },
        random,
      });
    }
    return `/partials/overview?v=${v}`;
  },
  hx,
  async () => {
    current = await reader.version();
  },
);
await measure("GET /partials/overview (whole list)", "/partials/overview?v=stale", hx);
await measure("GET /monitors/:id (24 h chart)", `/monitors/${ids[0]}`);
await measure("GET /monitors/:id?range=30d", `/monitors/${ids[0]}?range=30d`);
await measure("GET /monitors/:id?range=1h (raw checks)", `/monitors/${ids[0]}?range=1h`);

await rt.stop();
if (!KEEP) await Deno.remove(dir, { recursive: true });

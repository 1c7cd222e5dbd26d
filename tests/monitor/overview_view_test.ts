/** The overview's view: URL parsing, filters, problems-first order, folding and poll updates. */
import assert from "node:assert/strict";
import { fakeMonitor } from "../_helpers/core.ts";
import type { Monitor, MonitorStatus } from "../../monitor/types.ts";
import type { OverviewGroup, OverviewRow } from "../../monitor/overview.ts";
import {
  DEFAULT_QUERY,
  followsStatus,
  type OverviewQuery,
  parseOverviewQuery,
  viewOverview,
  viewUpdate,
} from "../../monitor/overview_view.ts";
import { initialState } from "../../monitor/store/records.ts";
import { overviewHref, pollHref, toggleCollapsed } from "../../components/overview_links.ts";

function row(
  over: Partial<Monitor>,
  status: MonitorStatus,
  extra: { latency?: number; h24?: number | null } = {},
): OverviewRow {
  const monitor = fakeMonitor(over);
  const check = extra.latency === undefined ? null : {
    id: monitor.id,
    monitorId: monitor.id,
    checkedAt: 1,
    ok: status !== "down",
    latencyMs: extra.latency,
    httpStatus: 200,
    errorKind: null,
    errorMessage: null,
  };
  return {
    monitor,
    state: initialState(monitor.id, 0),
    status,
    lastCheck: check,
    uptime: { h24: extra.h24 ?? null, d7: null, d30: null },
    beats: check ? (check.ok ? "u" : "d") : "",
    certificate: null,
    maintenance: null,
  };
}

const q = (over: Partial<OverviewQuery> = {}): OverviewQuery => ({ ...DEFAULT_QUERY, ...over });
const params = (s: string) => {
  const p = new URLSearchParams(s);
  return (n: string) => p.get(n) ?? undefined;
};

/** Shop (up) with Cart (down) and Search (up); Blog (up); Api (degraded, tag prod). */
function fleet(): OverviewGroup[] {
  return [
    {
      website: row({ id: 1, name: "Shop", url: "https://shop.example/", tags: ["prod"] }, "up", {
        latency: 100,
        h24: 99,
      }),
      apps: [
        row({ id: 2, name: "Cart", url: "https://cart.internal/", parentId: 1 }, "down", {
          latency: 0,
          h24: 80,
        }),
        row({ id: 3, name: "Search", url: "https://search.internal/", parentId: 1 }, "up", {
          latency: 900,
          h24: 100,
        }),
      ],
    },
    {
      website: row({ id: 4, name: "Blog", url: "https://blog.example/" }, "up", {
        latency: 50,
        h24: 100,
      }),
      apps: [],
    },
    {
      website: row(
        { id: 5, name: "Api", url: "https://api.example/", tags: ["prod"] },
        "degraded",
        {
          latency: 2000,
          h24: 100,
        },
      ),
      apps: [],
    },
  ];
}

const names = (groups: { website: OverviewRow; apps: OverviewRow[] }[]) =>
  groups.map((g) => [g.website.monitor.name, ...g.apps.map((a) => a.monitor.name)].join(">"));

Deno.test("parseOverviewQuery() reads the URL and falls back to defaults on anything odd", () => {
  assert.deepEqual(parseOverviewQuery(params("")), DEFAULT_QUERY);
  assert.deepEqual(
    parseOverviewQuery(params("q=%20Shop%00&status=down&tag=Prod&sort=uptime&collapse=3,1,x,3")),
    { q: "Shop", status: "down", tag: "prod", sort: "uptime", collapse: [1, 3], open: [] },
  );
  assert.deepEqual(
    parseOverviewQuery(params("status=broken&sort=random&collapse=all&open=4,2")),
    { ...DEFAULT_QUERY, collapse: "all", open: [2, 4] },
  );
  assert.equal(parseOverviewQuery(params(`q=${"x".repeat(500)}`)).q.length, 200);
});

Deno.test("overview links keep the view in the URL, defaults left out", () => {
  assert.equal(overviewHref(DEFAULT_QUERY), "/");
  const view = q({ q: "a b&c", status: "down", tag: "prod", sort: "name", collapse: [3] });
  assert.equal(overviewHref(view), "/?q=a+b%26c&status=down&tag=prod&sort=name&collapse=3");
  assert.deepEqual(parseOverviewQuery(params(overviewHref(view).slice(2))), view);
  assert.equal(pollHref("1-2-3-4", q({ sort: "name" })), "/partials/overview?v=1-2-3-4&sort=name");
  assert.deepEqual(toggleCollapsed(q({ collapse: [3] }), 3).collapse, []);
  assert.deepEqual(toggleCollapsed(q({ collapse: [3] }), 1).collapse, [1, 3]);
  assert.deepEqual(toggleCollapsed(q({ collapse: "all" }), 1), q({ collapse: "all", open: [1] }));
});

Deno.test("viewOverview() puts problems first: the group of a down app leads", () => {
  const v = viewOverview({ groups: fleet() }, DEFAULT_QUERY);
  assert.deepEqual(names(v.groups), ["Shop>Cart>Search", "Api", "Blog"]);
  assert.equal(v.total, 5);
  assert.equal(v.matching, 5);
  assert.deepEqual(v.tags, ["prod"]);
});

Deno.test("viewOverview() sorts by name, slowest response and lowest uptime", () => {
  const by = (sort: OverviewQuery["sort"]) =>
    names(viewOverview({ groups: fleet() }, q({ sort })).groups);
  assert.deepEqual(by("name"), ["Api", "Blog", "Shop>Cart>Search"]);
  // Api 2000 ms leads; Shop's group is placed by Search (900 ms); Cart (down) has no response.
  assert.deepEqual(by("response"), ["Api", "Shop>Search>Cart", "Blog"]);
  assert.deepEqual(by("uptime"), ["Shop>Cart>Search", "Api", "Blog"]);
});

Deno.test("viewOverview() filters by search, status and tag, keeping a matching app's website", () => {
  const v = viewOverview({ groups: fleet() }, q({ q: "CART" }));
  assert.deepEqual(names(v.groups), ["Shop>Cart"]);
  assert.equal(v.groups[0].websiteMatches, false, "Shop is there for Cart");
  assert.equal(v.matching, 1);
  // By URL, too.
  assert.deepEqual(names(viewOverview({ groups: fleet() }, q({ q: "blog.example" })).groups), [
    "Blog",
  ]);
  // The Down tile.
  assert.deepEqual(names(viewOverview({ groups: fleet() }, q({ status: "down" })).groups), [
    "Shop>Cart",
  ]);
  // A tag on a website does not pull in its untagged apps.
  const tagged = viewOverview({ groups: fleet() }, q({ tag: "prod" }));
  assert.deepEqual(names(tagged.groups), ["Api", "Shop"]);
  assert.equal(tagged.groups[1].matchingApps, 0);
  assert.deepEqual(viewOverview({ groups: fleet() }, q({ q: "nothing" })).groups, []);
});

Deno.test("viewOverview() folds websites: no app rows, their counts instead", () => {
  const v = viewOverview({ groups: fleet() }, q({ collapse: [1] }));
  const shop = v.groups[0];
  assert.equal(shop.collapsed, true);
  assert.deepEqual(shop.apps, []);
  assert.equal(shop.appTotal, 2);
  assert.deepEqual(shop.appCounts, {
    up: 1,
    degraded: 0,
    down: 1,
    pending: 0,
    maintenance: 0,
    paused: 0,
  });
  // Folded, the down app still puts its website first.
  assert.equal(shop.website.monitor.name, "Shop");
  const all = viewOverview({ groups: fleet() }, q({ collapse: "all", open: [1] }));
  assert.equal(all.groups[0].collapsed, false);
});

Deno.test("viewUpdate() sends only the changed rows the page shows, and re-counts folded websites", () => {
  const groups = fleet();
  const [shop, cart, search] = [groups[0].website, ...groups[0].apps];
  // No filter, nothing folded: every changed row is on the page.
  assert.deepEqual(viewUpdate([cart], null, DEFAULT_QUERY).rows, [{ row: cart, context: false }]);
  // Searching "cart": Shop is on the page as context, Search is not.
  const found = viewUpdate([shop, search], [groups[0]], q({ q: "cart" }));
  assert.deepEqual(found.rows, [{ row: shop, context: true }]);
  // Shop folded: its apps' rows are not on the page; the fold is re-drawn instead.
  const folded = viewUpdate([cart], [groups[0]], q({ collapse: [1] }));
  assert.deepEqual(folded.rows, []);
  assert.deepEqual(folded.folded.map((g) => g.website.monitor.id), [1]);
});

Deno.test("followsStatus(): problems first and the status filter re-draw on a status change", () => {
  assert.equal(followsStatus(DEFAULT_QUERY), true);
  assert.equal(followsStatus(q({ sort: "name", status: "down" })), true);
  assert.equal(followsStatus(q({ sort: "response" })), false);
});

/** probeDns against a loopback DNS server: every record type, expect, NXDOMAIN and silence. */
import assert from "node:assert/strict";
import { probeDns } from "../../monitor/probe_dns.ts";
import { probe } from "../../monitor/probe.ts";
import type { ProbeTarget } from "../../monitor/types.ts";
import { type DnsFixture, type DnsRecord, startDnsServer } from "../_helpers/dns.ts";

const ZONE: Record<string, DnsRecord[]> = {
  "shop.test": [
    { type: "A", value: "10.0.0.7" },
    { type: "A", value: "10.0.0.8" },
    { type: "AAAA", value: "2001:db8::7" },
    { type: "MX", preference: 10, exchange: "Mail.Shop.test." },
    { type: "TXT", strings: ["v=spf1 ", "-all"] },
    { type: "NS", value: "ns1.shop.test" },
  ],
  "www.shop.test": [{ type: "CNAME", value: "shop.test" }],
  "empty.test": [],
};

function target(url: string, timeoutMs = 2000): ProbeTarget {
  return {
    kind: "dns",
    url,
    timeoutMs,
    expectedStatus: "200",
    ignoreTlsErrors: false,
    maxRedirects: 0,
  };
}

const dns = (s: DnsFixture, q: string) =>
  `dns://${q}${q.includes("?") ? "&" : "?"}server=${s.server}`;

Deno.test("probeDns: each record type resolves, with and without expect", async () => {
  await using s = startDnsServer(ZONE);
  const up = [
    "shop.test",
    "shop.test?type=A&expect=10.0.0.8",
    "shop.test?type=AAAA",
    "shop.test?type=AAAA&expect=2001:DB8:0::7",
    "shop.test?type=MX",
    "shop.test?type=MX&expect=mail.shop.test",
    "shop.test?type=TXT",
    "shop.test?type=TXT&expect=v%3Dspf1%20-all",
    "shop.test?type=NS&expect=NS1.shop.test.",
    "www.shop.test?type=CNAME",
    "www.shop.test?type=CNAME&expect=shop.test",
  ];
  for (const q of up) {
    const r = await probe(target(dns(s, q)));
    assert.deepEqual({ ...r, latencyMs: 0 }, {
      ok: true,
      latencyMs: 0,
      httpStatus: null,
      errorKind: null,
      errorMessage: null,
    }, q);
    assert.ok(r.latencyMs > 0 && r.latencyMs < 2000, `${q}: latency ${r.latencyMs}`);
  }
  assert.deepEqual(s.queries.slice(0, 3), ["A shop.test", "A shop.test", "AAAA shop.test"]);
});

Deno.test("probeDns: an answer other than the expected one is dns, naming what it got", async () => {
  await using s = startDnsServer(ZONE);
  const cases: [string, string][] = [
    ["shop.test?expect=10.0.0.9", "shop.test A resolved to 10.0.0.7, 10.0.0.8, expected 10.0.0.9"],
    [
      "shop.test?type=AAAA&expect=2001:db8::9",
      "shop.test AAAA resolved to 2001:db8::7, expected 2001:db8::9",
    ],
    [
      "shop.test?type=MX&expect=mx.other.test",
      "shop.test MX resolved to mail.shop.test, expected mx.other.test",
    ],
    [
      "shop.test?type=TXT&expect=v%3Dspf1",
      'shop.test TXT resolved to "v=spf1 -all", expected "v=spf1"',
    ],
    [
      "www.shop.test?type=CNAME&expect=cdn.test",
      "www.shop.test CNAME resolved to shop.test, expected cdn.test",
    ],
  ];
  for (const [q, message] of cases) {
    const r = await probeDns(target(dns(s, q)));
    assert.deepEqual([r.ok, r.errorKind, r.errorMessage], [false, "dns", message], q);
  }
});

Deno.test("probeDns: NXDOMAIN and a type without records are dns", async () => {
  await using s = startDnsServer(ZONE);
  const cases: [string, string][] = [
    ["nope.test", "no A records for nope.test"],
    ["empty.test?type=TXT", "no TXT records for empty.test"],
    ["www.shop.test?type=AAAA", "no AAAA records for www.shop.test"],
  ];
  for (const [q, message] of cases) {
    const r = await probeDns(target(dns(s, q)));
    assert.deepEqual([r.ok, r.errorKind, r.errorMessage, r.httpStatus], [
      false,
      "dns",
      message,
      null,
    ], q);
  }
});

Deno.test("probeDns: a silent server is a timeout within the monitor's deadline", async () => {
  await using s = startDnsServer(ZONE);
  s.silent = "all";
  const t0 = performance.now();
  const r = await probeDns(target(dns(s, "shop.test"), 300));
  const took = performance.now() - t0;
  assert.equal(r.errorKind, "timeout");
  assert.equal(r.errorMessage, `Timed out: DNS server ${s.server} did not answer within 300 ms`);
  assert.ok(took >= 295 && took < 1000, `took ${took} ms`);
  assert.ok(r.latencyMs >= 295 && r.latencyMs < 1000, `latency ${r.latencyMs}`);
  assert.ok(s.queries.length >= 1, "the server was asked");
});

Deno.test("probeDns: an external abort is a cancelled probe, not a timeout", async () => {
  await using s = startDnsServer(ZONE);
  s.silent = new Set(["shop.test"]);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const r = await probeDns(target(dns(s, "shop.test"), 5000), { signal: ac.signal });
  assert.deepEqual([r.errorKind, r.errorMessage], ["network", "Probe cancelled"]);
  assert.ok(r.latencyMs < 1000, `latency ${r.latencyMs}`);
});

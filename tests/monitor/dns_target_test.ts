/** dns:// targets: parsing, the canonical URL, and how validation treats dns monitors. */
import assert from "node:assert/strict";
import { parseTarget } from "../../monitor/monitor_fields.ts";
import { parseDnsUrl } from "../../monitor/dns_target.ts";
import { validateMonitor } from "../../monitor/validate.ts";

const ctx = { getParent: () => null };

Deno.test("parseTarget: dns URLs are kind dns and stored in their canonical form", () => {
  const cases: [string, string][] = [
    ["dns://example.com", "dns://example.com?type=A"],
    ["DNS://Example.COM.", "dns://example.com?type=A"],
    ["dns://example.com/", "dns://example.com?type=A"],
    ["dns://api.example.test?type=aaaa", "dns://api.example.test?type=AAAA"],
    ["dns://_dmarc.example.com?type=TXT", "dns://_dmarc.example.com?type=TXT"],
    [
      "dns://shop.test?server=127.0.0.1:5353&type=A&expect=10.0.0.7",
      "dns://shop.test?type=A&server=127.0.0.1:5353&expect=10.0.0.7",
    ],
    ["dns://shop.test?server=192.0.2.53", "dns://shop.test?type=A&server=192.0.2.53:53"],
    [
      "dns://shop.test?type=AAAA&server=[2001:DB8:0::53]:5353&expect=2001:DB8:0:0::7",
      "dns://shop.test?type=AAAA&server=[2001:db8::53]:5353&expect=2001%3Adb8%3A%3A7",
    ],
    [
      "dns://www.shop.test?type=CNAME&expect=Shop.Test.",
      "dns://www.shop.test?type=CNAME&expect=shop.test",
    ],
    [
      "dns://shop.test?type=MX&expect=MAIL.shop.test",
      "dns://shop.test?type=MX&expect=mail.shop.test",
    ],
    [
      "dns://shop.test?type=TXT&expect=v%3Dspf1%20-all",
      "dns://shop.test?type=TXT&expect=v%3Dspf1%20-all",
    ],
    // "+" is a plus sign (TXT records use it), not a space.
    ["dns://shop.test?type=TXT&expect=a+b", "dns://shop.test?type=TXT&expect=a%2Bb"],
  ];
  for (const [input, url] of cases) {
    assert.deepEqual(parseTarget(input, 2048), { value: { url, kind: "dns" } }, input);
    // The canonical form reads back to itself.
    assert.deepEqual(parseTarget(url, 2048), { value: { url, kind: "dns" } }, url);
  }
  assert.deepEqual(parseDnsUrl("dns://shop.test?type=TXT&expect=a+b"), {
    value: {
      name: "shop.test",
      type: "TXT",
      server: null,
      expect: "a+b",
    },
  });
});

Deno.test("parseTarget: bad dns URLs say what is wrong", () => {
  const cases: [string, RegExp][] = [
    ["dns://", /needs a name to look up/],
    ["dns:example.com", /use dns:\/\/name\?type=A/],
    ["dns://?type=A", /needs a name to look up/],
    ["dns://example.com?type=SRV", /Unsupported DNS record type "SRV": use A, AAAA, CNAME, MX/],
    ["dns://example.com?type=", /Unsupported DNS record type ""/],
    ["dns://example.com:53", /\?server=ip:port, not as a port on the name/],
    ["dns://example.com/path", /has no path/],
    ["dns://user@example.com", /no user name or password/],
    ["dns://exa!mple.com", /Not a valid DNS name: exa!mple\.com/],
    ["dns://-bad.example", /Not a valid DNS name/],
    [`dns://${"a".repeat(64)}.example`, /Not a valid DNS name/],
    ["dns://example.com#x", /no #fragment/],
    ["dns://example.com?server=ns.example.com", /must be an IP address/],
    ["dns://example.com?server=300.1.1.1", /must be an IP address/],
    ["dns://example.com?server=127.0.0.1:0", /port must be from 1 to 65535/],
    ["dns://example.com?server=127.0.0.1:70000", /port must be from 1 to 65535/],
    ["dns://example.com?server=127.0.0.1:", /must be an IP address/],
    ["dns://example.com?server=::1", /IPv6 DNS server in brackets/],
    ["dns://example.com?server=[nope]:53", /must be an IP address/],
    ["dns://example.com?type=A&type=AAAA", /type is given twice/],
    ["dns://example.com?ttl=5", /Unknown DNS option "ttl": use type, server and expect/],
    ["dns://example.com?expect=", /expect= is empty/],
    ["dns://example.com?expect=example.org", /expect= must be an IPv4 address .* for type=A/],
    ["dns://example.com?type=AAAA&expect=10.0.0.1", /must be an IPv6 address/],
    ["dns://example.com?type=MX&expect=a%20b", /must be the mail exchange host name/],
    ["dns://example.com?type=TXT&expect=a%0Ab", /control characters/],
    ["dns://example.com?expect=%zz", /broken %-escapes/],
  ];
  for (const [input, re] of cases) {
    const r = parseTarget(input, 2048);
    assert.ok(r.error !== undefined, `${input} was accepted`);
    assert.match(r.error, re, input);
  }
  assert.match(
    parseTarget("ftp://example.com", 2048).error!,
    /use http:\/\/, https:\/\/, tcp:\/\/host:port or dns:\/\/name\?type=A/,
  );
});

Deno.test("validateMonitor: a dns monitor infers its kind and refuses HTTP request options", () => {
  const ok = validateMonitor({ name: "DNS", url: "dns://shop.test?type=MX" }, ctx);
  assert.equal(ok.errors, undefined);
  assert.equal(ok.fields!.kind, "dns");
  assert.equal(ok.fields!.url, "dns://shop.test?type=MX");
  // Like tcp: expected_status and the other HTTP-only plain options are kept but unused.
  assert.equal(
    validateMonitor(
      { name: "DNS", url: "dns://shop.test", kind: "dns", expected_status: "204" },
      ctx,
    )
      .errors,
    undefined,
  );

  const bad = validateMonitor({
    name: "DNS",
    url: "dns://shop.test",
    http_method: "POST",
    user_agent: "x",
    assertions: ["time < 100"],
  }, ctx);
  const why = "Only for http monitors: a dns check sends a DNS query, not an HTTP request";
  assert.deepEqual(bad.errors, { http_method: why, user_agent: why, assertions: why });

  assert.deepEqual(
    validateMonitor({ name: "DNS", url: "dns://shop.test", kind: "http" }, ctx).errors,
    {
      kind: "An http monitor needs an http:// or https:// URL",
    },
  );
  assert.deepEqual(
    validateMonitor({ name: "Web", url: "https://shop.test", kind: "dns" }, ctx).errors,
    {
      kind: "A dns monitor needs a dns://name?type=A URL",
    },
  );
  assert.deepEqual(validateMonitor({ name: "DNS", url: "dns://shop.test?type=PTR" }, ctx).errors, {
    url: 'Unsupported DNS record type "PTR": use A, AAAA, CNAME, MX, TXT, NS',
  });
  assert.deepEqual(validateMonitor({ name: "DNS", url: "dns://" }, ctx).errors, {
    url: "A dns:// URL needs a name to look up: dns://example.com",
  });
});

/** SVG badges: well-formed SVG, escaping, widths that grow with the text, colours by value. */
import assert from "node:assert/strict";
import { DOMParser } from "@xmldom/xmldom";
import {
  cleanBadgeText,
  renderBadge,
  responseBadge,
  statusBadge,
  textWidth,
  uptimeBadge,
  uptimeText,
} from "../../monitor/badge.ts";

function parse(svg: string) {
  return new DOMParser({
    onError: (level, msg) => {
      if (level !== "warning") throw new Error(`XML ${level}: ${msg}`);
    },
  }).parseFromString(svg, "image/svg+xml");
}

Deno.test("renderBadge() escapes the label and value and stays well-formed XML", () => {
  const svg = renderBadge({ label: `<b>"Tom" & 'Jerry'</b>`, value: "up", color: "#4c1" });
  assert.ok(!svg.includes("<b>"));
  assert.match(svg, /&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;\/b&gt;/);
  const doc = parse(svg);
  const texts = [...Array.from(doc.getElementsByTagName("text"))].map((t) => t.textContent);
  assert.deepEqual(texts, [
    `<b>"Tom" & 'Jerry'</b>`,
    `<b>"Tom" & 'Jerry'</b>`,
    "up",
    "up",
  ]);
  assert.equal(doc.documentElement!.getAttribute("aria-label"), `<b>"Tom" & 'Jerry'</b>: up`);
});

Deno.test("renderBadge(): the width is the two boxes, each its text plus padding", () => {
  const short = parse(renderBadge({ label: "a", value: "up", color: "#4c1" }));
  const long = parse(renderBadge({ label: "a much longer label", value: "up", color: "#4c1" }));
  const w = (d: ReturnType<typeof parse>) => Number(d.documentElement!.getAttribute("width"));
  assert.ok(w(long) > w(short) + 80, `${w(long)} vs ${w(short)}`);
  const rects = Array.from(long.getElementsByTagName("rect"));
  const label = Number(rects[1].getAttribute("width"));
  const value = Number(rects[2].getAttribute("width"));
  assert.equal(label + value, w(long));
  assert.equal(label, Math.round(textWidth("a much longer label") + 12));
});

Deno.test("textWidth(): narrow letters narrower than wide ones; unknown characters counted", () => {
  assert.ok(textWidth("iiii") < textWidth("mmmm"));
  assert.ok(textWidth("日本") >= 20);
  assert.equal(textWidth(""), 0);
});

Deno.test("renderBadge() refuses a colour that is not a hex colour", () => {
  const svg = renderBadge({ label: "x", value: "y", color: 'red" onload="alert(1)' });
  assert.ok(!svg.includes("onload"));
  assert.match(svg, /fill="#9f9f9f"/);
});

Deno.test("cleanBadgeText() drops control characters and caps the length", () => {
  assert.equal(cleanBadgeText(" a\u0000b\u001bc "), "abc");
  assert.equal([...cleanBadgeText("x".repeat(500))].length, 100);
});

Deno.test("badge colours: status by level, uptime and response time by value", () => {
  assert.deepEqual(statusBadge("up"), { value: "up", color: "#4c1" });
  assert.deepEqual(statusBadge("down"), { value: "down", color: "#e05d44" });
  assert.equal(statusBadge("degraded").color, "#dfb317");
  assert.equal(statusBadge("paused").color, "#9f9f9f");
  assert.deepEqual(uptimeBadge(null), { value: "no data", color: "#9f9f9f" });
  assert.deepEqual(uptimeBadge(100), { value: "100%", color: "#4c1" });
  assert.equal(uptimeBadge(99.5).color, "#97ca00");
  assert.equal(uptimeBadge(96).color, "#dfb317");
  assert.equal(uptimeBadge(50).color, "#e05d44");
  assert.equal(uptimeText(99.999), "99.99%", "never rounded up to 100%");
  assert.deepEqual(responseBadge(87.4), { value: "87 ms", color: "#4c1" });
  assert.deepEqual(responseBadge(1240), { value: "1.24 s", color: "#fe7d37" });
  assert.deepEqual(responseBadge(null), { value: "no data", color: "#9f9f9f" });
});

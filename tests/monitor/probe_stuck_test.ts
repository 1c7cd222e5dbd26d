/**
 * The probe mix that used to hang forever (issue 7): bodies that stall after the headers, probed
 * together with a redirect loop and a 50 MiB body on the same host, round after round. Every probe
 * must come back as a timeout within its deadline, never later and never not at all.
 */
import assert from "node:assert/strict";
import { probeHttp } from "../../monitor/probe_http.ts";
import { probeTcp } from "../../monitor/probe_tcp.ts";
import type { ProbeResult, ProbeTarget } from "../../monitor/types.ts";
import { closeQuietly, startTarget, startTcpTarget } from "../_helpers/targets.ts";

const TIMEOUT_MS = 1000;
/** Timer and scheduling slack on a loaded 2-core machine; far below "never returns". */
const SLACK_MS = 1000;
const ROUNDS = 8;

function target(url: string, over: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    kind: "http",
    url,
    timeoutMs: TIMEOUT_MS,
    expectedStatus: "200",
    ignoreTlsErrors: false,
    maxRedirects: 10,
    ...over,
  };
}

const encoder = new TextEncoder();

/** Raw socket: headers promising a long body, one chunk, then silence until closed. */
function stallAfterHeaders(conn: Deno.Conn, closing: AbortSignal): Promise<void> {
  return (async () => {
    const buf = new Uint8Array(4096);
    await conn.read(buf).catch(() => null);
    await conn.write(encoder.encode(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\nfirst chunk",
    )).catch(() => {});
    await new Promise<void>((r) => closing.addEventListener("abort", () => r(), { once: true }));
    closeQuietly(conn);
  })();
}

/** Headers, then the body one byte at a time, too slowly to ever finish. */
function dripBody(conn: Deno.Conn, closing: AbortSignal): Promise<void> {
  return (async () => {
    await conn.read(new Uint8Array(4096)).catch(() => null);
    await conn.write(encoder.encode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
      .catch(() => {});
    while (!closing.aborted) {
      const ok = await conn.write(encoder.encode("1\r\nx\r\n")).then(() => true, () => false);
      if (!ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    closeQuietly(conn);
  })();
}

/** Status line and headers a byte at a time (slowloris): never a complete head. */
function slowHeaders(conn: Deno.Conn, closing: AbortSignal): Promise<void> {
  return (async () => {
    await conn.read(new Uint8Array(4096)).catch(() => null);
    const head = encoder.encode("HTTP/1.1 200 OK\r\nX-Slow: " + "a".repeat(10_000));
    for (let i = 0; i < head.length && !closing.aborted; i++) {
      const ok = await conn.write(head.subarray(i, i + 1)).then(() => true, () => false);
      if (!ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    closeQuietly(conn);
  })();
}

/** `probeHttp` under test; swapped only to prove the test fails against a broken probe. */
const probe = probeHttp;

/** A hung probe becomes a failed assertion after this, instead of a hung test run. */
const GIVE_UP_MS = TIMEOUT_MS + 5_000;

async function timed(p: Promise<ProbeResult>): Promise<ProbeResult & { tookMs: number }> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<null>((r) => timer = setTimeout(() => r(null), GIVE_UP_MS));
  const r = await Promise.race([p, hung]);
  clearTimeout(timer);
  assert.ok(r, `a probe did not return within ${GIVE_UP_MS} ms (timeout ${TIMEOUT_MS} ms)`);
  return { ...r, tookMs: performance.now() - started };
}

Deno.test("probes of stalled, dripping and slowloris targets always end at their deadline", async () => {
  await using stall = await startTcpTarget(stallAfterHeaders);
  await using drip = await startTcpTarget(dripBody);
  await using slow = await startTcpTarget(slowHeaders);
  const big = new Uint8Array(1024 * 1024);
  await using web = await startTarget((req, _info, closing) => {
    const path = new URL(req.url).pathname;
    if (path === "/loop") return Response.redirect(new URL("/loop", req.url), 302);
    if (path.startsWith("/stall")) {
      // One chunk, then the stream never yields again (until the target closes).
      return new Response(
        new ReadableStream({
          start(ctl) {
            ctl.enqueue(encoder.encode("first chunk"));
            closing.addEventListener("abort", () => {
              try {
                ctl.close();
              } catch { /* the probe already cancelled it */ }
            }, { once: true });
          },
        }),
      );
    }
    // 50 MiB streamed as fast as the client reads.
    let sent = 0;
    return new Response(
      new ReadableStream({
        pull(ctl) {
          if (closing.aborted || sent >= 50) return ctl.close();
          sent++;
          ctl.enqueue(big);
        },
      }),
    );
  });
  await using tcpHang = await startTcpTarget(() => {});

  for (let round = 1; round <= ROUNDS; round++) {
    const results = await Promise.all([
      // The reported mix: many stalled bodies served by one HTTP server, next to its redirect
      // loop and its 50 MiB body. Without bounded reads some of these never returned.
      ...Array.from({ length: 40 }, (_, i) => timed(probe(target(`${web.url}stall${i}`)))),
      ...Array.from({ length: 6 }, () => timed(probe(target(stall.httpUrl)))),
      timed(probe(target(drip.httpUrl))),
      timed(probe(target(slow.httpUrl))),
      timed(probe(target(`${web.url}loop`))),
      timed(probe(target(`${web.url}big`))),
      timed(probeTcp(target(tcpHang.url, { kind: "tcp" }))),
    ]);
    const stalled = results.slice(0, 46);
    const [dripping, slowloris, loop, huge, tcp] = results.slice(46);
    for (const r of [...stalled, dripping, slowloris]) {
      assert.equal(r.errorKind, "timeout", `round ${round}: ${JSON.stringify(r)}`);
      assert.ok(r.tookMs < TIMEOUT_MS + SLACK_MS, `round ${round}: took ${r.tookMs} ms`);
    }
    assert.equal(loop.errorKind, "network", `round ${round}: ${loop.errorMessage}`);
    assert.match(loop.errorMessage ?? "", /Too many redirects/);
    assert.equal(huge.ok, true, `round ${round}: the bounded read of 50 MiB is up`);
    assert.equal(tcp.ok, true);
    for (const r of results) assert.ok(r.tookMs < TIMEOUT_MS + SLACK_MS);
  }
});

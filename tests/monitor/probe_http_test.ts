import assert from "node:assert/strict";
import net from "node:net";
import { probeHttp } from "../../monitor/probe_http.ts";
import type { ProbeTarget } from "../../monitor/types.ts";
import {
  closedPort,
  delay,
  selfSignedCert,
  startTarget,
  startTcpTarget,
} from "../_helpers/targets.ts";

function target(url: string, over: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    kind: "http",
    url,
    timeoutMs: 2000,
    expectedStatus: "200",
    ignoreTlsErrors: false,
    maxRedirects: 5,
    ...over,
  };
}

Deno.test("probeHttp: 200 is up with latency and the probe's headers", async () => {
  let seen: Headers | undefined;
  await using t = await startTarget((req) => {
    seen = req.headers;
    return new Response("ok");
  });
  const r = await probeHttp(target(t.url));
  assert.deepEqual({ ...r, latencyMs: 0 }, {
    ok: true,
    latencyMs: 0,
    httpStatus: 200,
    errorKind: null,
    errorMessage: null,
  });
  assert.ok(r.latencyMs >= 0 && r.latencyMs < 1000);
  assert.equal(r.latencyMs, Math.round(r.latencyMs * 10) / 10);
  assert.equal(seen?.get("user-agent"), "ServerHealthChecker/1.0");
  assert.equal(seen?.get("accept"), "*/*");
});

Deno.test("probeHttp: a status inside an expected list/range is up", async () => {
  await using t = await startTarget((req) =>
    new Response(null, { status: Number(new URL(req.url).searchParams.get("s")) })
  );
  for (const s of [200, 204, 299, 301]) {
    const r = await probeHttp(target(`${t.url}?s=${s}`, { expectedStatus: "200-299,301" }));
    assert.equal(r.ok, true, `status ${s}`);
    assert.equal(r.httpStatus, s);
  }
  const r = await probeHttp(target(`${t.url}?s=302`, { expectedStatus: "200-299,301" }));
  assert.equal(r.errorKind, "unexpected_status"); // no Location, so not followed
});

for (
  const [status, text] of [[500, "Internal Server Error"], [502, "Bad Gateway"], [
    401,
    "Unauthorized",
  ], [404, "Not Found"]] as const
) {
  Deno.test(`probeHttp: ${status} is down with unexpected_status and the raw code`, async () => {
    await using t = await startTarget(() => new Response("no", { status }));
    const r = await probeHttp(target(t.url));
    assert.equal(r.ok, false);
    assert.equal(r.errorKind, "unexpected_status");
    assert.equal(r.httpStatus, status);
    assert.equal(r.errorMessage, `HTTP ${status} ${text}, expected 200`);
  });
}

Deno.test("probeHttp: a server that accepts TCP and never answers times out on time", async () => {
  await using t = await startTcpTarget(() => {});
  const r = await probeHttp(target(t.httpUrl, { timeoutMs: 300 }));
  assert.equal(r.errorKind, "timeout");
  assert.equal(r.errorMessage, "Timed out: no full response within 300 ms");
  assert.equal(r.httpStatus, null);
  assert.ok(r.latencyMs >= 295 && r.latencyMs < 800, `latency ${r.latencyMs}`);
});

Deno.test("probeHttp: a slow answer inside the timeout is up with latency >= the delay", async () => {
  await using t = await startTarget(async (_req, _info, closing) => {
    await delay(250, closing);
    return new Response("late");
  });
  const r = await probeHttp(target(t.url, { timeoutMs: 2000 }));
  assert.equal(r.ok, true);
  assert.ok(r.latencyMs >= 245, `latency ${r.latencyMs}`);
});

Deno.test("probeHttp: a body that stalls after the headers times out", async () => {
  await using t = await startTarget((_req, _info, closing) => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("partial"));
        closing.addEventListener("abort", () => c.close()); // only ends when the test closes
      },
    });
    return new Response(body);
  });
  const r = await probeHttp(target(t.url, { timeoutMs: 300 }));
  assert.equal(r.errorKind, "timeout");
  assert.equal(r.httpStatus, 200); // the headers did arrive
  assert.ok(r.latencyMs >= 295 && r.latencyMs < 800, `latency ${r.latencyMs}`);
});

Deno.test("probeHttp: a closed port is connection_refused", async () => {
  const r = await probeHttp(target(`http://127.0.0.1:${closedPort()}/`));
  assert.equal(r.errorKind, "connection_refused");
  assert.match(r.errorMessage!, /^Connection refused: .*Connection refused \(os error 111\)/);
});

Deno.test("probeHttp: an unresolvable name is dns", async () => {
  const r = await probeHttp(target("http://nonexistent.invalid/"));
  assert.equal(r.errorKind, "dns");
  assert.match(r.errorMessage!, /dns error/);
});

Deno.test("probeHttp: a self-signed certificate is tls, and up with ignoreTlsErrors", async () => {
  await using t = await startTarget(() => new Response("secure"), { tls: await selfSignedCert() });
  const strict = await probeHttp(target(t.url));
  assert.equal(strict.errorKind, "tls");
  assert.match(strict.errorMessage!, /invalid peer certificate/);

  const lax = await probeHttp(target(t.url, { ignoreTlsErrors: true }));
  assert.deepEqual({ ...lax, latencyMs: 0 }, {
    ok: true,
    latencyMs: 0,
    httpStatus: 200,
    errorKind: null,
    errorMessage: null,
  });
  const wrong = await probeHttp(
    target(`${t.url}x`, { ignoreTlsErrors: true, expectedStatus: "201" }),
  );
  assert.equal(wrong.errorMessage, "HTTP 200 OK, expected 201");
});

Deno.test("probeHttp: ignoreTlsErrors still times out on a silent HTTPS port", async () => {
  await using t = await startTcpTarget(() => {});
  const r = await probeHttp(target(`https://127.0.0.1:${t.port}/`, {
    ignoreTlsErrors: true,
    timeoutMs: 300,
  }));
  assert.equal(r.errorKind, "timeout");
  assert.ok(r.latencyMs < 800, `latency ${r.latencyMs}`);
});

Deno.test("probeHttp: ignoreTlsErrors reports refused like fetch does", async () => {
  const r = await probeHttp(
    target(`https://127.0.0.1:${closedPort()}/`, { ignoreTlsErrors: true }),
  );
  assert.equal(r.errorKind, "connection_refused");
});

Deno.test("probeHttp: ignoreTlsErrors follows redirects, bounds the body and times out a stall", async () => {
  const total = 20 * 1024 * 1024;
  let sent = 0;
  await using t = await startTarget((req, _info, closing) => {
    const path = new URL(req.url).pathname;
    if (path === "/hop") return new Response(null, { status: 307, headers: { location: "/big" } });
    if (path === "/big") {
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(c) {
            if (sent >= total) return c.close();
            sent += 65536;
            c.enqueue(new Uint8Array(65536));
          },
        }),
      );
    }
    return new Response(
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new Uint8Array(10));
          closing.addEventListener("abort", () => c.close());
        },
      }),
    );
  }, { tls: await selfSignedCert() });
  const big = await probeHttp(target(`${t.url}hop`, { ignoreTlsErrors: true }));
  assert.equal(big.ok, true);
  assert.equal(t.requests, 2);
  await delay(50);
  assert.ok(sent < total, `server streamed all ${sent} bytes`);

  const stall = await probeHttp(target(`${t.url}stall`, { ignoreTlsErrors: true, timeoutMs: 300 }));
  assert.equal(stall.errorKind, "timeout");
  assert.equal(stall.httpStatus, 200);
  assert.ok(stall.latencyMs >= 295 && stall.latencyMs < 800, `latency ${stall.latencyMs}`);
});

/** /r3 -> /r2 -> /r1 -> /ok: three hops, the first two relative, the last absolute. */
function redirectChain() {
  return startTarget((req) => {
    const { pathname, origin } = new URL(req.url);
    if (pathname === "/ok") return new Response("done");
    const n = Number(pathname.slice(2));
    const next = n === 1 ? `${origin}/ok` : `/r${n - 1}`;
    return new Response(null, { status: 302, headers: { location: next } });
  });
}

Deno.test("probeHttp: a 3-hop redirect chain is up when maxRedirects >= 3", async () => {
  await using t = await redirectChain();
  const r = await probeHttp(target(`${t.url}r3`, { maxRedirects: 3 }));
  assert.equal(r.ok, true);
  assert.equal(r.httpStatus, 200);
  assert.equal(t.requests, 4);
});

Deno.test("probeHttp: more hops than maxRedirects is network 'Too many redirects'", async () => {
  await using t = await redirectChain();
  const r = await probeHttp(target(`${t.url}r3`, { maxRedirects: 2 }));
  assert.equal(r.errorKind, "network");
  assert.equal(r.errorMessage, "Too many redirects (more than 2)");
  assert.equal(r.httpStatus, 302);
  assert.equal(t.requests, 3);
});

Deno.test("probeHttp: with maxRedirects 0 the 3xx itself is compared", async () => {
  await using t = await redirectChain();
  const up = await probeHttp(target(`${t.url}r3`, { maxRedirects: 0, expectedStatus: "302" }));
  assert.equal(up.ok, true);
  assert.equal(up.httpStatus, 302);
  const down = await probeHttp(target(`${t.url}r3`, { maxRedirects: 0 }));
  assert.equal(down.errorKind, "unexpected_status");
  assert.equal(down.errorMessage, "HTTP 302 Found, expected 200");
  assert.equal(t.requests, 2);
});

Deno.test("probeHttp: a redirect to a non-http scheme is network", async () => {
  await using t = await startTarget(() =>
    new Response(null, { status: 301, headers: { location: "ftp://127.0.0.1/x" } })
  );
  const r = await probeHttp(target(t.url));
  assert.equal(r.errorKind, "network");
  assert.match(r.errorMessage!, /Unsupported URL scheme 'ftp:'/);
});

Deno.test("probeHttp: a 20 MiB body is up quickly and read only up to maxBodyBytes", async () => {
  const total = 20 * 1024 * 1024;
  const chunk = new Uint8Array(64 * 1024);
  let sent = 0;
  await using t = await startTarget(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent >= total) return c.close();
          sent += chunk.byteLength;
          c.enqueue(chunk);
        },
      }),
    )
  );
  const r = await probeHttp(target(t.url));
  assert.equal(r.ok, true);
  assert.ok(r.latencyMs < 1000, `latency ${r.latencyMs}`);
  await delay(50); // let the server notice the cancel
  assert.ok(sent < total, `server streamed all ${sent} bytes`);
});

// Observed: closing the socket right after accept gives fetch "connection closed before message
// completed"; a TCP RST gives "Connection reset by peer (os error 104)"; a body cut short gives
// "error reading a body from connection". All three are classified connection_reset.
Deno.test("probeHttp: a server closing the socket right after accept is connection_reset", async () => {
  await using t = await startTcpTarget((conn) => conn.close());
  const r = await probeHttp(target(t.httpUrl));
  assert.equal(r.errorKind, "connection_reset");
  assert.match(r.errorMessage!, /connection closed before message completed/);
});

Deno.test("probeHttp: a TCP RST from the server is connection_reset", async () => {
  const server = net.createServer((s) => s.once("data", () => s.resetAndDestroy()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as net.AddressInfo;
    const r = await probeHttp(target(`http://127.0.0.1:${port}/`));
    assert.equal(r.errorKind, "connection_reset");
    assert.match(r.errorMessage!, /Connection reset by peer/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

Deno.test("probeHttp: a response cut short mid-body is connection_reset", async () => {
  await using t = await startTcpTarget(async (conn) => {
    await conn.read(new Uint8Array(4096));
    await conn.write(new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"));
    conn.close();
  });
  const r = await probeHttp(target(t.httpUrl));
  assert.equal(r.errorKind, "connection_reset");
  assert.equal(r.httpStatus, 200);
  assert.match(r.errorMessage!, /error reading a body/);
});

Deno.test("probeHttp: each probe opens a fresh connection", async () => {
  await using t = await startTarget(() => new Response("ok"));
  for (let i = 0; i < 3; i++) assert.equal((await probeHttp(target(t.url))).ok, true);
  assert.equal(t.requests, 3);
  assert.equal(t.connections, 3);
});

Deno.test("probeHttp: an external abort is network 'Probe cancelled'", async () => {
  await using t = await startTcpTarget(() => {});
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const r = await probeHttp(target(t.httpUrl, { timeoutMs: 5000 }), { signal: ac.signal });
  assert.deepEqual([r.errorKind, r.errorMessage], ["network", "Probe cancelled"]);
  assert.ok(r.latencyMs < 1000);
});

Deno.test("probeHttp: an invalid URL is down, not thrown", async () => {
  const r = await probeHttp(target("http//bad url"));
  assert.equal(r.errorKind, "network");
  assert.match(r.errorMessage!, /Invalid URL/);
});

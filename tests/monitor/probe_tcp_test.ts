import assert from "node:assert/strict";
import { probeTcp } from "../../monitor/probe_tcp.ts";
import { probe } from "../../monitor/probe.ts";
import type { ProbeTarget } from "../../monitor/types.ts";
import {
  closedPort,
  startTarget,
  startTcpTarget,
  startUnresponsiveTcp,
} from "../_helpers/targets.ts";

function target(url: string, over: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    kind: "tcp",
    url,
    timeoutMs: 2000,
    expectedStatus: "200",
    ignoreTlsErrors: false,
    maxRedirects: 0,
    ...over,
  };
}

Deno.test("probeTcp: an open listener is up and the connection is closed at once", async () => {
  const { promise: sawEof, resolve } = Promise.withResolvers<boolean>();
  await using t = await startTcpTarget(async (conn) => {
    // read() returning null means the probe closed its end.
    resolve((await conn.read(new Uint8Array(16))) === null);
  });
  const r = await probeTcp(target(t.url));
  assert.deepEqual({ ...r, latencyMs: 0 }, {
    ok: true,
    latencyMs: 0,
    httpStatus: null,
    errorKind: null,
    errorMessage: null,
  });
  assert.equal(await sawEof, true);
  assert.equal(t.accepted, 1);
});

Deno.test("probeTcp: a closed port is connection_refused", async () => {
  const r = await probeTcp(target(`tcp://127.0.0.1:${closedPort()}`));
  assert.equal(r.errorKind, "connection_refused");
  assert.match(r.errorMessage!, /Connection refused \(os error 111\)/);
  assert.equal(r.httpStatus, null);
});

Deno.test("probeTcp: an unresolvable host is dns", async () => {
  const r = await probeTcp(target("tcp://nonexistent.invalid:80"));
  assert.equal(r.errorKind, "dns");
  assert.match(r.errorMessage!, /failed to lookup/);
});

Deno.test("probeTcp: a listener with a full backlog times out on time", async () => {
  await using t = await startUnresponsiveTcp();
  const r = await probeTcp(target(t.url, { timeoutMs: 200 }));
  assert.equal(r.errorKind, "timeout");
  assert.equal(r.errorMessage, "Timed out: no connection within 200 ms");
  assert.ok(r.latencyMs >= 195 && r.latencyMs < 700, `latency ${r.latencyMs}`);
});

Deno.test("probeTcp: an external abort is network 'Probe cancelled'", async () => {
  const ac = new AbortController();
  ac.abort();
  const r = await probeTcp(target("tcp://127.0.0.1:1"), { signal: ac.signal });
  assert.deepEqual([r.errorKind, r.errorMessage], ["network", "Probe cancelled"]);
});

Deno.test("probeTcp: a URL without a port is network, not thrown", async () => {
  const r = await probeTcp(target("tcp://127.0.0.1"));
  assert.equal(r.errorKind, "network");
  assert.match(r.errorMessage!, /expected tcp:\/\/host:port/);
});

Deno.test("probe: dispatches on target.kind", async () => {
  await using http = await startTarget(() => new Response("ok"));
  await using tcp = await startTcpTarget(() => {});
  const viaHttp = await probe(target(http.url, { kind: "http" }));
  const viaTcp = await probe(target(tcp.url));
  assert.deepEqual([viaHttp.ok, viaHttp.httpStatus], [true, 200]);
  assert.deepEqual([viaTcp.ok, viaTcp.httpStatus], [true, null]);
});

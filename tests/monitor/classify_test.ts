import assert from "node:assert/strict";
import { classifyError, classifyProbeError, probeDeadline } from "../../monitor/classify.ts";
import type { ErrorKind } from "../../monitor/types.ts";

/** A fetch-style error: TypeError("fetch failed") with the detail in `cause`. */
function fetchFailed(cause: string): TypeError {
  return new TypeError("fetch failed", { cause: new Error(cause) });
}

/** A node-style error with a `code`. */
function nodeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

const URL_PREFIX =
  "error sending request for url (http://127.0.0.1:18099/): client error (Connect)";

// Texts observed on this machine (see platform-facts.md sections 2-3 and the probe tests).
const CASES: [string, unknown, ErrorKind, string][] = [
  [
    "fetch TimeoutError DOMException",
    new DOMException("The operation was aborted due to timeout", "TimeoutError"),
    "timeout",
    "aborted due to timeout",
  ],
  [
    "node ETIMEDOUT",
    nodeError("connect ETIMEDOUT 10.0.0.1:80", "ETIMEDOUT"),
    "timeout",
    "10.0.0.1",
  ],
  [
    "fetch connection refused",
    fetchFailed(`${URL_PREFIX}: tcp connect error: Connection refused (os error 111)`),
    "connection_refused",
    "Connection refused (os error 111)",
  ],
  [
    "Deno.connect refused",
    nodeError("Connection refused (os error 111)", "ECONNREFUSED"),
    "connection_refused",
    "os error 111",
  ],
  [
    "node ECONNREFUSED",
    nodeError("connect ECONNREFUSED 127.0.0.1:2599", "ECONNREFUSED"),
    "connection_refused",
    "127.0.0.1:2599",
  ],
  [
    "fetch dns error",
    fetchFailed(
      `${URL_PREFIX}: dns error: failed to lookup address information: Name or service not known`,
    ),
    "dns",
    "Name or service not known",
  ],
  [
    "Deno.connect lookup failure",
    new Error("failed to lookup address information: Name or service not known"),
    "dns",
    "failed to lookup",
  ],
  [
    "node ENOTFOUND",
    nodeError("getaddrinfo ENOTFOUND nonexistent.invalid", "ENOTFOUND"),
    "dns",
    "nonexistent.invalid",
  ],
  [
    "fetch self-signed certificate",
    fetchFailed(`${URL_PREFIX}: invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))`),
    "tls",
    "CaUsedAsEndEntity",
  ],
  [
    "fetch unknown issuer",
    fetchFailed(`${URL_PREFIX}: invalid peer certificate: UnknownIssuer`),
    "tls",
    "UnknownIssuer",
  ],
  [
    "node self-signed certificate",
    nodeError("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT"),
    "tls",
    "self-signed certificate",
  ],
  ["generic handshake failure", new Error("TLS handshake failed: eof"), "tls", "handshake"],
  [
    "fetch connection closed before message completed",
    fetchFailed(
      "error sending request for url (http://127.0.0.1:1/): client error (SendRequest): " +
        "connection closed before message completed",
    ),
    "connection_reset",
    "connection closed before message completed",
  ],
  [
    "fetch TCP RST",
    fetchFailed("Connection reset by peer (os error 104)"),
    "connection_reset",
    "os error 104",
  ],
  [
    "fetch body cut short",
    new TypeError("error reading a body from connection"),
    "connection_reset",
    "error reading a body",
  ],
  ["broken pipe", new Error("Broken pipe (os error 32)"), "connection_reset", "Broken pipe"],
  [
    "node socket hang up",
    nodeError("socket hang up", "ECONNRESET"),
    "connection_reset",
    "socket hang up",
  ],
  [
    "node reset during TLS handshake (code beats the word TLS)",
    nodeError(
      "Client network socket disconnected before secure TLS connection was established",
      "ECONNRESET",
    ),
    "connection_reset",
    "secure TLS connection",
  ],
  [
    "garbage response",
    fetchFailed("client error (SendRequest): invalid HTTP version parsed"),
    "network",
    "invalid HTTP version parsed",
  ],
  ["invalid URL", new TypeError("Invalid URL: 'http//bad url'"), "network", "http//bad url"],
  ["a thrown string", "boom", "network", "boom"],
  ["null", null, "network", "Unknown error"],
  [
    "a host name inside the URL does not decide the kind",
    fetchFailed(
      "error sending request for url (http://tls-reset.example/): client error: protocol error",
    ),
    "network",
    "protocol error",
  ],
];

for (const [name, err, kind, rawPart] of CASES) {
  Deno.test(`classifyError: ${name} is ${kind} and keeps the raw text`, () => {
    const got = classifyError(err);
    assert.equal(got.kind, kind);
    assert.ok(got.message.includes(rawPart), `"${got.message}" lacks "${rawPart}"`);
  });
}

Deno.test("classifyError: message joins the error and its cause", () => {
  const got = classifyError(fetchFailed(`${URL_PREFIX}: tcp connect error: Connection refused`));
  assert.equal(
    got.message,
    `Connection refused: fetch failed: ${URL_PREFIX}: tcp connect error: Connection refused`,
  );
});

Deno.test("classifyProbeError: a fired deadline reports timeout whatever the transport threw", async () => {
  const deadline = probeDeadline(1, "no full response within 1 ms");
  await new Promise((resolve) => deadline.signal.addEventListener("abort", resolve));
  deadline.dispose();
  const got = classifyProbeError(new TypeError("fetch failed"), deadline.signal);
  assert.deepEqual(got, { kind: "timeout", message: "Timed out: no full response within 1 ms" });
});

Deno.test("classifyProbeError: an external abort is network 'Probe cancelled'", () => {
  const external = new AbortController();
  const deadline = probeDeadline(10_000, "never", external.signal);
  external.abort();
  deadline.dispose();
  const got = classifyProbeError(new DOMException("aborted", "AbortError"), deadline.signal);
  assert.deepEqual(got, { kind: "network", message: "Probe cancelled" });
});

Deno.test("classifyProbeError: without an abort it classifies the error itself", () => {
  const deadline = probeDeadline(10_000, "never");
  deadline.dispose();
  const got = classifyProbeError(fetchFailed("dns error: failed to lookup"), deadline.signal);
  assert.equal(got.kind, "dns");
});

/**
 * DNS monitor targets: `dns://name?type=A&server=ip:port&expect=value`. Pure parsing and
 * formatting, shared by validation (which stores the normalised URL) and the probe.
 *
 * - `type`: A (default), AAAA, CNAME, MX, TXT or NS (any case);
 * - `server`: optional name server, `ip` or `ip:port` (IPv6 in brackets: `[::1]:53`); without
 *   it the system resolver is asked;
 * - `expect`: optional value one of the answers must equal (an address for A/AAAA, a host name
 *   for CNAME/NS/MX — MX compares the exchange host — and the joined strings for TXT).
 */

/** The record types a DNS monitor can ask for. */
export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS"] as const;
export type DnsRecordType = typeof DNS_RECORD_TYPES[number];

/** A name server address. */
export interface DnsServer {
  ipAddr: string;
  port: number;
}

/** A parsed DNS target. */
export interface DnsTarget {
  /** Lower case, without a trailing dot. */
  name: string;
  type: DnsRecordType;
  server: DnsServer | null;
  /** Normalised (see {@link normalizeDnsValue}); null = any answer will do. */
  expect: string | null;
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** The longest `expect` value accepted. */
const MAX_EXPECT = 255;

/** Lower case without the trailing dot, or null when `s` is not a valid DNS name. */
export function normalizeDnsName(s: string): string | null {
  const name = s.toLowerCase().replace(/\.$/, "");
  if (name === "" || name.length > 253) return null;
  const labels = name.split(".");
  return labels.every((l) => l.length <= 63 && LABEL.test(l)) ? name : null;
}

/** The canonical (compressed, lower-case) form of an IPv6 address, or null. */
export function normalizeIpv6(s: string): string | null {
  if (!s.includes(":") || /[\[\]/?#@%]/.test(s)) return null;
  try {
    return new URL(`http://[${s}]/`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
}

/**
 * An answer or an expected value as compared: addresses in canonical form, names in lower case
 * without a trailing dot, TXT as it is. Null when the value cannot be one of `type`.
 */
export function normalizeDnsValue(type: DnsRecordType, value: string): string | null {
  switch (type) {
    case "A":
      return IPV4.test(value) ? value : null;
    case "AAAA":
      return normalizeIpv6(value);
    case "TXT":
      return value;
    default:
      return normalizeDnsName(value);
  }
}

/** What an expected value of each type must look like, for messages. */
const EXPECT_SHAPE: Record<DnsRecordType, string> = {
  A: "an IPv4 address such as 192.0.2.10",
  AAAA: "an IPv6 address such as 2001:db8::10",
  CNAME: "a host name",
  MX: "the mail exchange host name",
  NS: "a name server host name",
  TXT: "text",
};

/** `ip:port` (`[ipv6]:port`) as written in a URL and in messages. */
export function dnsServerLabel(s: DnsServer): string {
  return `${s.ipAddr.includes(":") ? `[${s.ipAddr}]` : s.ipAddr}:${s.port}`;
}

function parseServer(v: string): { value: DnsServer; error?: undefined } | { error: string } {
  const bad = {
    error: "The DNS server must be an IP address, optionally with a port: 192.0.2.53, " +
      "192.0.2.53:5353 or [2001:db8::53]:53",
  };
  let host = v;
  let port = "";
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(v);
  if (bracketed) {
    const ip = normalizeIpv6(bracketed[1]);
    if (ip === null) return bad;
    host = ip;
    port = bracketed[2] ?? "";
  } else if ((v.match(/:/g) ?? []).length > 1) {
    return { error: "Write an IPv6 DNS server in brackets: [2001:db8::53] or [2001:db8::53]:53" };
  } else {
    [host, port = ""] = v.split(":");
    if (!IPV4.test(host)) return bad;
  }
  if (bracketed?.[2] === "" || (!bracketed && v.endsWith(":"))) return bad;
  if (port !== "" && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return { error: "The DNS server's port must be from 1 to 65535" };
  }
  return { value: { ipAddr: host, port: port === "" ? 53 : Number(port) } };
}

/** Parses a `dns://` URL (the scheme in any case). */
export function parseDnsUrl(url: string): { value: DnsTarget; error?: undefined } | {
  error: string;
} {
  const m = /^dns:\/\/([^?#]*)(?:\?([^#]*))?$/i.exec(url);
  if (!m) {
    return url.includes("#")
      ? { error: "A dns:// URL has no #fragment" }
      : { error: "Not a valid DNS target: use dns://name?type=A" };
  }
  const authority = m[1].replace(/\/$/, "");
  if (authority === "") return { error: "A dns:// URL needs a name to look up: dns://example.com" };
  if (authority.includes("/")) return { error: "A dns:// URL has no path: dns://name?type=A" };
  if (authority.includes("@")) return { error: "A dns:// URL has no user name or password" };
  if (authority.includes(":")) {
    return { error: "Give the DNS server as ?server=ip:port, not as a port on the name" };
  }
  const name = normalizeDnsName(authority);
  if (name === null) {
    return {
      error: `Not a valid DNS name: ${authority} (letters, digits, - and _ in labels of at most ` +
        "63 characters; internationalised names in their xn-- form)",
    };
  }
  const params = new Map<string, string>();
  for (const pair of (m[2] ?? "").split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    let key: string, value: string;
    try {
      key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
      value = eq < 0 ? "" : decodeURIComponent(pair.slice(eq + 1));
    } catch {
      return { error: "The query has broken %-escapes" };
    }
    if (!["type", "server", "expect"].includes(key)) {
      return {
        error: `Unknown DNS option ${JSON.stringify(key)}: use type, server and expect`,
      };
    }
    if (params.has(key)) return { error: `The DNS option ${key} is given twice` };
    params.set(key, value);
  }
  const typeText = (params.get("type") ?? "A").toUpperCase();
  if (!(DNS_RECORD_TYPES as readonly string[]).includes(typeText)) {
    return {
      error: `Unsupported DNS record type ${JSON.stringify(params.get("type"))}: use ${
        DNS_RECORD_TYPES.join(", ")
      }`,
    };
  }
  const type = typeText as DnsRecordType;
  let server: DnsServer | null = null;
  if (params.has("server")) {
    const s = parseServer(params.get("server")!.trim());
    if (s.error !== undefined) return { error: s.error };
    server = s.value;
  }
  let expect: string | null = null;
  if (params.has("expect")) {
    const raw = params.get("expect")!;
    if (raw.trim() === "") return { error: "expect= is empty: leave it out to accept any answer" };
    if (/[\p{Cc}\u2028\u2029]/u.test(raw)) {
      return { error: "expect= must not contain control characters" };
    }
    if (raw.length > MAX_EXPECT) return { error: `expect= is at most ${MAX_EXPECT} characters` };
    expect = normalizeDnsValue(type, type === "TXT" ? raw : raw.trim());
    if (expect === null) {
      return { error: `expect= must be ${EXPECT_SHAPE[type]} for type=${type}` };
    }
  }
  return { value: { name, type, server, expect } };
}

/** The canonical URL of a target: what is stored, and what {@link parseDnsUrl} reads back. */
export function formatDnsUrl(t: DnsTarget): string {
  let url = `dns://${t.name}?type=${t.type}`;
  if (t.server) url += `&server=${dnsServerLabel(t.server)}`;
  if (t.expect !== null) url += `&expect=${encodeURIComponent(t.expect)}`;
  return url;
}

/**
 * A loopback DNS server for tests: UDP on 127.0.0.1 (a random port), answering from a fixed zone
 * and NXDOMAIN for every other name. Names in `silent` (or every name while `silent` is "all")
 * get no answer at all, so a probe has to time out. Speaks just enough of RFC 1035: one
 * question, answers with a compression pointer to it, no EDNS.
 */

/** One record of the zone. */
export type DnsRecord =
  | { type: "A"; value: string }
  | { type: "AAAA"; value: string }
  | { type: "CNAME" | "NS"; value: string }
  | { type: "MX"; preference: number; exchange: string }
  | { type: "TXT"; strings: string[] };

const TYPE_CODES = { A: 1, NS: 2, CNAME: 5, MX: 15, TXT: 16, AAAA: 28 } as const;

export interface DnsFixture extends AsyncDisposable {
  port: number;
  /** `127.0.0.1:<port>`, for `?server=`. */
  server: string;
  /** Queries received, as `TYPE name`. */
  queries: string[];
  /** Names that get no answer; "all" silences the server. */
  silent: Set<string> | "all";
  close(): Promise<void>;
}

function encodeName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.replace(/\.$/, "").split(".")) {
    if (label === "") continue;
    const bytes = new TextEncoder().encode(label);
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return out;
}

function ipv6Bytes(s: string): number[] {
  const [head, tail = ""] = s.split("::");
  const h = head === "" ? [] : head.split(":");
  const t = s.includes("::") ? (tail === "" ? [] : tail.split(":")) : [];
  const groups = s.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function rdata(r: DnsRecord): number[] {
  switch (r.type) {
    case "A":
      return r.value.split(".").map(Number);
    case "AAAA":
      return ipv6Bytes(r.value);
    case "CNAME":
    case "NS":
      return encodeName(r.value);
    case "MX":
      return [r.preference >> 8, r.preference & 0xff, ...encodeName(r.exchange)];
    case "TXT":
      return r.strings.flatMap((s) => {
        const b = new TextEncoder().encode(s);
        return [b.length, ...b];
      });
  }
}

const u16 = (n: number) => [n >> 8, n & 0xff];

/** Parses the question of a query: name (lower case), type code, and where the question ends. */
function question(msg: Uint8Array): { name: string; qtype: number; end: number } | null {
  let i = 12;
  const labels: string[] = [];
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i];
    labels.push(new TextDecoder().decode(msg.subarray(i + 1, i + 1 + len)));
    i += 1 + len;
  }
  if (i + 5 > msg.length) return null;
  return {
    name: labels.join(".").toLowerCase(),
    qtype: (msg[i + 1] << 8) | msg[i + 2],
    end: i + 5,
  };
}

/** Starts the server; `zone` maps lower-case names to their records. */
export function startDnsServer(zone: Record<string, DnsRecord[]>): DnsFixture {
  const sock = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const port = (sock.addr as Deno.NetAddr).port;
  const fixture: DnsFixture = {
    port,
    server: `127.0.0.1:${port}`,
    queries: [],
    silent: new Set(),
    close: async () => {
      try {
        sock.close();
      } catch { /* already closed */ }
      await loop;
    },
    [Symbol.asyncDispose]: () => fixture.close(),
  };
  const loop = (async () => {
    try {
      for await (const [msg, from] of sock) {
        const q = question(msg);
        if (!q) continue;
        const typeName = Object.entries(TYPE_CODES).find(([, c]) => c === q.qtype)?.[0] ?? "?";
        fixture.queries.push(`${typeName} ${q.name}`);
        if (fixture.silent === "all" || fixture.silent.has(q.name)) continue;
        const records = zone[q.name];
        const answers = (records ?? []).filter((r) => TYPE_CODES[r.type] === q.qtype);
        // QR, opcode 0, AA, RD copied; RA; rcode 3 (NXDOMAIN) for names not in the zone.
        const flags = 0x8400 | (msg[2] & 0x01) << 8 | 0x80 | (records ? 0 : 3);
        const out = [
          msg[0],
          msg[1],
          ...u16(flags),
          ...u16(1),
          ...u16(answers.length),
          ...u16(0),
          ...u16(0),
          ...msg.subarray(12, q.end),
        ];
        for (const r of answers) {
          const data = rdata(r);
          out.push(0xc0, 12, ...u16(TYPE_CODES[r.type]), ...u16(1), 0, 0, 0, 60);
          out.push(...u16(data.length), ...data);
        }
        await sock.send(new Uint8Array(out), from);
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.BadResource || err instanceof Deno.errors.Interrupted)) {
        throw err;
      }
    }
  })();
  return fixture;
}

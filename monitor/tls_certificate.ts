/**
 * Reads the leaf certificate an https server presents, on a connection of its own: fetch does
 * not expose it. Nothing is verified here (the probe's request does that); this only reports
 * what the server sent, so an expired or self-signed certificate is still described.
 */
import tls from "node:tls";
import type { CertificateInfo } from "./types.ts";

/** A certificate's subject or issuer in one line: its CN, else its O, else every part. */
function distinguishedName(dn: Record<string, string | string[]> | undefined): string {
  if (!dn) return "";
  const first = (v: string | string[] | undefined) => Array.isArray(v) ? v[0] : v;
  return first(dn.CN) ?? first(dn.O) ??
    Object.entries(dn).map(([k, v]) => `${k}=${first(v)}`).join(", ");
}

/**
 * The certificate of `url`'s server (https only), or null when it cannot be read before
 * `signal` aborts or the connection fails. Never throws.
 */
export function readCertificate(url: URL, signal: AbortSignal): Promise<CertificateInfo | null> {
  if (url.protocol !== "https:" || signal.aborted) return Promise.resolve(null);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const isIp = /^[\d.]+$/.test(host) || host.includes(":");
  return new Promise((resolve) => {
    let socket: tls.TLSSocket | null = null;
    const done = (info: CertificateInfo | null) => {
      signal.removeEventListener("abort", onAbort);
      socket?.destroy();
      resolve(info);
    };
    const onAbort = () => done(null);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      socket = tls.connect({
        host,
        port: Number(url.port || 443),
        servername: isIp ? undefined : host,
        rejectUnauthorized: false,
        // Nothing is verified, so no CA list is needed (the system store needs --allow-sys).
        ca: [],
      });
    } catch {
      done(null);
      return;
    }
    socket.once("error", () => done(null));
    socket.once("secureConnect", () => {
      try {
        const c = socket!.getPeerCertificate(false);
        const validTo = Date.parse(c.valid_to);
        const validFrom = Date.parse(c.valid_from);
        if (!c.fingerprint256 || !Number.isFinite(validTo)) return done(null);
        done({
          fingerprint: c.fingerprint256,
          subject: distinguishedName(c.subject as unknown as Record<string, string>) || host,
          issuer: distinguishedName(c.issuer as unknown as Record<string, string>) || "unknown",
          validFrom: Number.isFinite(validFrom) ? validFrom : 0,
          validTo,
        });
      } catch {
        done(null);
      }
    });
  });
}

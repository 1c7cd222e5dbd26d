/** The tls_certificates table: the certificate each https monitor presented last. */
import type { Q } from "./db.ts";
import type { StoredCertificate } from "../records.ts";
import { toCertificate } from "../rows.ts";

/** A monitor's certificate, or null before its first https check. */
export async function getCertificate(q: Q, monitorId: number): Promise<StoredCertificate | null> {
  const [r] = await q`SELECT * FROM tls_certificates WHERE monitor_id = ${monitorId}`;
  return r ? toCertificate(r) : null;
}

/** Every stored certificate, by monitor id. */
export async function allCertificates(q: Q): Promise<Map<number, StoredCertificate>> {
  const rows = await q`SELECT * FROM tls_certificates`;
  return new Map(rows.map((r) => [r.monitor_id as number, toCertificate(r)]));
}

/** Inserts or replaces a monitor's certificate. */
export async function saveCertificate(q: Q, c: StoredCertificate): Promise<void> {
  await q`INSERT INTO tls_certificates (monitor_id, fingerprint, subject, issuer, valid_from,
      valid_to, checked_at, incident_id, warned_days)
    VALUES (${c.monitorId}, ${c.fingerprint}, ${c.subject}, ${c.issuer}, ${c.validFrom},
      ${c.validTo}, ${c.checkedAt}, ${c.incidentId ?? null}, ${c.warnedDays ?? null})
    ON CONFLICT (monitor_id) DO UPDATE SET fingerprint = excluded.fingerprint,
      subject = excluded.subject, issuer = excluded.issuer, valid_from = excluded.valid_from,
      valid_to = excluded.valid_to, checked_at = excluded.checked_at,
      incident_id = excluded.incident_id, warned_days = excluded.warned_days`;
}

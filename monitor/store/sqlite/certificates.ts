/** The tls_certificates table: the certificate each https monitor presented last. */
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import type { StoredCertificate } from "../records.ts";
import { toCertificate } from "../rows.ts";

type Row = Record<string, unknown>;

/** A monitor's certificate, or null before its first https check. */
export function getCertificate(db: Db, monitorId: number): StoredCertificate | null {
  const r = stmt(db, "SELECT * FROM tls_certificates WHERE monitor_id = ?").get(monitorId) as
    | Row
    | undefined;
  return r ? toCertificate(r) : null;
}

/** Every stored certificate, by monitor id. */
export function allCertificates(db: Db): Map<number, StoredCertificate> {
  const rows = stmt(db, "SELECT * FROM tls_certificates").all() as Row[];
  return new Map(rows.map((r) => [r.monitor_id as number, toCertificate(r)]));
}

/** Inserts or replaces a monitor's certificate. */
export function saveCertificate(db: Db, c: StoredCertificate): void {
  stmt(
    db,
    `INSERT INTO tls_certificates (monitor_id, fingerprint, subject, issuer, valid_from, valid_to,
       checked_at, incident_id, warned_days)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (monitor_id) DO UPDATE SET fingerprint = excluded.fingerprint,
       subject = excluded.subject, issuer = excluded.issuer, valid_from = excluded.valid_from,
       valid_to = excluded.valid_to, checked_at = excluded.checked_at,
       incident_id = excluded.incident_id, warned_days = excluded.warned_days`,
  ).run(
    c.monitorId,
    c.fingerprint,
    c.subject,
    c.issuer,
    c.validFrom,
    c.validTo,
    c.checkedAt,
    c.incidentId,
    c.warnedDays,
  );
}

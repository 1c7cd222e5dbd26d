/**
 * TLS certificate expiry warnings, decided without I/O: (stored certificate, certificate seen,
 * thresholds, time) → what to store and which warning to send. Each threshold warns at most once
 * per certificate; a certificate first seen already inside several thresholds warns once, for
 * the tightest, instead of sending them all at the same moment.
 */
import type { CertificateInfo } from "./types.ts";
import type { StoredCertificate } from "./store/records.ts";

const DAY_MS = 86_400_000;

/** The decision for one certificate read. */
export interface CertificateStep {
  /** What to store (the incident id of a new warning is filled in by the recorder). */
  next: StoredCertificate;
  /** The certificate incident of a replaced certificate, to close (renewed: no alert). */
  close: number | null;
  /** The days threshold to warn about now, or null. */
  warnDays: number | null;
}

/** Whole days left before `validTo` (rounded down; negative once expired). */
export function daysLeft(validTo: number, now: number): number {
  return Math.floor((validTo - now) / DAY_MS);
}

/** Decides what a check that read `seen` does; pure. */
export function certificateStep(
  monitorId: number,
  stored: StoredCertificate | null,
  seen: CertificateInfo,
  thresholds: readonly number[],
  now: number,
): CertificateStep {
  const same = stored !== null && stored.fingerprint === seen.fingerprint;
  const base = same ? stored : { incidentId: null, warnedDays: null };
  const close = !same && stored?.incidentId != null ? stored.incidentId : null;
  const left = (seen.validTo - now) / DAY_MS;
  const crossed = thresholds.filter((d) => left <= d);
  const tightest = crossed.length ? Math.min(...crossed) : null;
  const warnDays = tightest !== null && (base.warnedDays === null || tightest < base.warnedDays)
    ? tightest
    : null;
  return {
    next: {
      monitorId,
      ...seen,
      checkedAt: now,
      incidentId: base.incidentId,
      warnedDays: warnDays ?? base.warnedDays,
    },
    close,
    warnDays,
  };
}

/** What a certificate incident says. */
export function expiryMessage(cert: CertificateInfo, now: number): string {
  const when = new Date(cert.validTo).toISOString().replace("T", " ").slice(0, 16) + " UTC";
  return `TLS certificate for ${cert.subject} ${expiresIn(cert.validTo, now)} (${when}), ` +
    `issued by ${cert.issuer}`;
}

/** "expires in 5 days", "expires in 3 hours", "expired 2 days ago". */
export function expiresIn(validTo: number, now: number): string {
  const ms = validTo - now;
  const abs = Math.abs(ms);
  // Rounded: a certificate issued for 5 days reads "in 5 days" a minute later, not "in 4 days".
  const unit = abs >= DAY_MS
    ? plural(Math.round(abs / DAY_MS), "day")
    : abs >= 3_600_000
    ? plural(Math.floor(abs / 3_600_000), "hour")
    : plural(Math.max(1, Math.floor(abs / 60_000)), "minute");
  return ms >= 0 ? `expires in ${unit}` : `expired ${unit} ago`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Certificate expiry warnings: each threshold once per certificate, the tightest first. */
import assert from "node:assert/strict";
import { certificateStep, daysLeft, expiresIn, expiryMessage } from "../../monitor/cert_expiry.ts";
import type { CertificateInfo } from "../../monitor/types.ts";
import type { StoredCertificate } from "../../monitor/store/records.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const DAYS = [30, 14, 7, 1];

const cert = (validTo: number, fingerprint = "AA:BB"): CertificateInfo => ({
  fingerprint,
  subject: "shop.example",
  issuer: "Example CA",
  validFrom: NOW - 60 * DAY,
  validTo,
});

/** Feeds reads at the given times (days from NOW); returns the warning of each. */
function warnings(reads: [number, CertificateInfo][], thresholds = DAYS) {
  let stored: StoredCertificate | null = null;
  return reads.map(([at, seen]) => {
    const step = certificateStep(1, stored, seen, thresholds, NOW + at * DAY);
    stored = { ...step.next, incidentId: step.warnDays !== null ? 77 : step.next.incidentId };
    return step.warnDays;
  });
}

Deno.test("a certificate expiring in 5 days warns once, for 7 days, not for 30 and 14 too", () => {
  const c = cert(NOW + 5 * DAY);
  assert.deepEqual(warnings([[0, c], [0.01, c], [1, c], [1.5, c]]), [7, null, null, null]);
});

Deno.test("each threshold is warned once as the expiry comes closer", () => {
  const c = cert(NOW + 40 * DAY);
  const at = [0, 10, 10.5, 26, 27, 33, 34, 39.5, 39.6];
  assert.deepEqual(warnings(at.map((d) => [d, c])), [null, 30, null, 14, null, 7, null, 1, null]);
});

Deno.test("a renewed certificate starts over and closes the old one's incident", () => {
  const old = cert(NOW + 3 * DAY, "OLD");
  const renewed = cert(NOW + 90 * DAY, "NEW");
  let stored: StoredCertificate | null = null;
  const first = certificateStep(1, stored, old, DAYS, NOW);
  assert.equal(first.warnDays, 7);
  stored = { ...first.next, incidentId: 5 };
  const second = certificateStep(1, stored, renewed, DAYS, NOW + DAY);
  assert.deepEqual([second.warnDays, second.close, second.next.incidentId], [null, 5, null]);
  assert.equal(second.next.warnedDays, null);
  assert.equal(second.next.fingerprint, "NEW");
});

Deno.test("no thresholds: never warns, but the certificate is still recorded", () => {
  const step = certificateStep(1, null, cert(NOW + DAY / 2), [], NOW);
  assert.equal(step.warnDays, null);
  assert.equal(step.next.validTo, NOW + DAY / 2);
  assert.equal(step.next.checkedAt, NOW);
});

Deno.test("expiry wording", () => {
  assert.equal(expiresIn(NOW + 5 * DAY + 3_600_000, NOW), "expires in 5 days");
  assert.equal(expiresIn(NOW + 5 * DAY - 60_000, NOW), "expires in 5 days");
  assert.equal(expiresIn(NOW + DAY, NOW), "expires in 1 day");
  assert.equal(expiresIn(NOW + 3 * 3_600_000, NOW), "expires in 3 hours");
  assert.equal(expiresIn(NOW - 2 * DAY, NOW), "expired 2 days ago");
  assert.equal(daysLeft(NOW + 5.5 * DAY, NOW), 5);
  assert.equal(
    expiryMessage(cert(NOW + 5 * DAY), NOW),
    "TLS certificate for shop.example expires in 5 days (2026-12-07 12:00 UTC), issued by Example CA",
  );
});

/**
 * AlertFacts fixtures shared by the alert tests: one DOWN of "Main Ecommerce Server" (monitor
 * 3, incident 7, HTTP 502) at a fixed clock, and its RECOVERED, reminder and grouped variants.
 */
import type { AffectedApp, AlertFacts } from "../../monitor/alerts/message.ts";
import type { Incident } from "../../monitor/types.ts";

/** A fixed clock for fixtures: 2025-01-15T12:00:00Z. */
export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

/** An incident of monitor 3 (HTTP 502), overridable. */
export function incidentFixture(over: Partial<Incident> = {}): Incident {
  return {
    id: 7,
    monitorId: 3,
    type: "down",
    startedAt: T0,
    confirmedAt: T0 + 30_000,
    endedAt: null,
    lastFailureAt: T0 + 30_000,
    failureCount: 2,
    errorKind: "unexpected_status",
    httpStatus: 502,
    errorMessage: "HTTP 502 Bad Gateway, expected 200",
    ...over,
  };
}

/**
 * DOWN facts of "Main Ecommerce Server" (monitor 3, incident 7). Its URL still carries
 * `admin:hunter2@` (the store's loader redacts it; the channels must too).
 */
export function factsFixture(over: Partial<AlertFacts> = {}): AlertFacts {
  return {
    kind: "down",
    seq: 0,
    monitor: {
      id: 3,
      name: "Main Ecommerce Server",
      url: "https://admin:hunter2@shop.example.com/health",
      expectedStatus: "200",
      timeoutMs: 10_000,
      failureThreshold: 2,
      parentName: null,
    },
    incident: incidentFixture(),
    check: {
      checkedAt: T0 + 30_000,
      latencyMs: 123.4,
      httpStatus: 502,
      errorKind: "unexpected_status",
      errorMessage: "HTTP 502 Bad Gateway, expected 200",
    },
    failures: 2,
    threshold: 2,
    affected: [],
    dashboardUrl: "https://status.example.com/monitors/3",
    now: T0 + 31_000,
    ...over,
  };
}

/** An internal app outage for `affected`. */
export function appFixture(over: Partial<AffectedApp> = {}): AffectedApp {
  return {
    id: 11,
    name: "Checkout API",
    url: "https://ops:s3cr3tpw@shop.example.com/checkout/health",
    startedAt: T0 + 5_000,
    endedAt: null,
    errorKind: "unexpected_status",
    httpStatus: 500,
    errorMessage: "HTTP 500 Internal Server Error, expected 200",
    ...over,
  };
}

/** The same alert in its four shapes: DOWN, RECOVERED after 4m 12s, reminder 2, and grouped. */
export function factsVariants(): Record<"down" | "recovered" | "reminder" | "grouped", AlertFacts> {
  return {
    down: factsFixture(),
    recovered: factsFixture({
      kind: "recovered",
      incident: incidentFixture({ endedAt: T0 + 252_000, lastFailureAt: T0 + 240_000 }),
      now: T0 + 253_000,
    }),
    reminder: factsFixture({ kind: "reminder", seq: 2, now: T0 + 3_780_000 }),
    grouped: factsFixture({
      affected: [appFixture(), appFixture({ id: 12, name: "Search", httpStatus: 503 })],
    }),
  };
}

/**
 * The alerts table (the outbox). The SQL lives in monitor/store/sqlite/outbox.ts; this module re-exports
 * it so the alert services and their importers keep one place to import the outbox from.
 */
export {
  alertActivity,
  alertCounts,
  claimAlert,
  dueAlerts,
  expireAlerts,
  findAlert,
  foldChildAlerts,
  insertAlert,
  listAlerts,
  markFinal,
  markRetry,
  markSent,
  nextDueAt,
  nextDueByChannel,
  pruneAlerts,
  requeueInterrupted,
} from "../store/sqlite/outbox.ts";
export {
  ALERT_STATUSES,
  type AlertQuery,
  type AlertRecord,
  type AlertRow,
  type AlertStatus,
  type NewAlert,
} from "../store/records.ts";

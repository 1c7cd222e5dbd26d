/**
 * The alerts table (the outbox). The SQL lives in monitor/store/outbox.ts; this module re-exports
 * it so the alert services and their importers keep one place to import the outbox from.
 */
export {
  ALERT_STATUSES,
  alertActivity,
  alertCounts,
  type AlertQuery,
  type AlertRecord,
  type AlertRow,
  type AlertStatus,
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
  type NewAlert,
  nextDueAt,
  nextDueByChannel,
  pruneAlerts,
  requeueInterrupted,
} from "../store/outbox.ts";

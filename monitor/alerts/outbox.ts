/**
 * The outbox records, re-exported so the alert modules import them from one place; the rows
 * are read and written through the store's `outbox` repository.
 */
export {
  ALERT_STATUSES,
  type AlertQuery,
  type AlertRecord,
  type AlertRow,
  type AlertStatus,
  type NewAlert,
} from "../store/records.ts";

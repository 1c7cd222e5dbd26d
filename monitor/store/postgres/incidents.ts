/** The incidents table: one row per DOWN period. */
import type { Check, Incident, IncidentType } from "../../types.ts";
import type { Q, Row } from "./db.ts";
import { toIncident } from "../rows.ts";
import type { IncidentOptions } from "../records.ts";

/** The updated row; a missing incident is a bug of the caller. */
function updated(r: Row | undefined, id: number): Incident {
  if (!r) throw new Error(`No incident ${id}`);
  return toIncident(r);
}

/** Opens an incident for the check that reached the failure threshold. */
export async function openIncident(
  q: Q,
  check: Check,
  startedAt: number,
  failureCount: number,
  options?: IncidentOptions,
): Promise<Incident> {
  const [r] = await q`INSERT INTO incidents (monitor_id, type, started_at, confirmed_at, ended_at,
      last_failure_at, failure_count, error_kind, http_status, error_message)
    VALUES (${check.monitorId}, ${options?.type ?? "down"}, ${startedAt}, ${check.checkedAt}, NULL,
      ${check.checkedAt}, ${failureCount}, ${options?.errorKind ?? check.errorKind ?? "network"},
      ${check.httpStatus ?? null}, ${options?.errorMessage ?? check.errorMessage ?? ""})
    RETURNING *`;
  return toIncident(r);
}

/** Records one more failed check in an open incident. */
export async function extendIncident(q: Q, id: number, check: Check): Promise<Incident> {
  const [r] = await q`UPDATE incidents SET last_failure_at = ${check.checkedAt},
      failure_count = failure_count + 1
    WHERE id = ${id} RETURNING *`;
  return updated(r, id);
}

/** Closes an incident at the time of the recovering check. */
export async function closeIncident(q: Q, id: number, endedAt: number): Promise<Incident> {
  const [r] = await q`UPDATE incidents SET ended_at = ${endedAt} WHERE id = ${id} RETURNING *`;
  return updated(r, id);
}

/** One incident by id. */
export async function getIncident(q: Q, id: number): Promise<Incident | null> {
  const [r] = await q`SELECT * FROM incidents WHERE id = ${id}`;
  return r ? toIncident(r) : null;
}

/** A monitor's incidents (of `type`, or all), newest first. */
export async function listIncidents(
  q: Q,
  monitorId: number,
  limit = 100,
  type?: IncidentType,
): Promise<Incident[]> {
  const rows = await q`SELECT * FROM incidents WHERE monitor_id = ${monitorId}
      AND (${type ?? null}::text IS NULL OR type = ${type ?? null}::text)
    ORDER BY started_at DESC, id DESC LIMIT ${limit}`;
  return rows.map(toIncident);
}

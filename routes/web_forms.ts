/** Monitor form values: request body → API input, and stored monitor → form strings. */
import type { Context } from "hono";
import type { Monitor } from "../monitor/types.ts";
import {
  monitorFormValues as formValuesOf,
  newMonitorFormValues,
  postedFormValues,
} from "../monitor/monitor_fields.ts";

/**
 * The monitor fields of a form post, each as the string typed, with checkboxes normalised to
 * "true"/"false" (see `postedFormValues()`).
 */
export async function monitorFormValues(c: Context): Promise<Record<string, string>> {
  return postedFormValues(await c.req.parseBody({ all: true }));
}

/** Form values for a new monitor (with the parent preselected when given). */
export function newMonitorValues(parentId?: number): Record<string, string> {
  const values = newMonitorFormValues();
  // "Auto": the kind follows the URL's scheme (tcp://, dns://, http(s)://).
  values.kind = "";
  if (parentId !== undefined) values.parent_id = String(parentId);
  return values;
}

/** Form values of a stored monitor. */
export function monitorValues(m: Monitor): Record<string, string> {
  return formValuesOf(m);
}

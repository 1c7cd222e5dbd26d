/**
 * PagerDuty Events API v2: POST https://events.pagerduty.com/v2/enqueue. DOWN and reminders are
 * `trigger` events, RECOVERED is `resolve`, all with the same `dedup_key`
 * (`shc-<monitorId>-<incidentId>`), so one outage is one PagerDuty incident that closes itself
 * (a reminder only adds to its log). Severity is critical; a test is an `info` trigger with its
 * own key. PagerDuty answers 202 `{"status":"success","dedup_key":"…"}`; 400 is an invalid
 * event (`{"status":"invalid event","message":"…","errors":["…"]}`), 429 means slow down.
 */
import type { AlertFacts } from "../message.ts";
import {
  classifyAnswer,
  cut,
  field,
  isTestFacts,
  jsonOf,
  renderAlert,
  setting,
  USER_AGENT,
  validateFields,
} from "./common.ts";
import type { ChannelField, ChannelKind } from "./spec.ts";

/** The public Events API v2 endpoint (EU accounts: https://events.eu.pagerduty.com/v2/enqueue). */
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

const FIELDS: readonly ChannelField[] = [
  {
    name: "routing_key",
    label: "Integration key",
    type: "secret",
    required: true,
    hint: "Service → Integrations → Add integration → Events API V2 → Integration Key.",
  },
  {
    name: "events_url",
    label: "Events API URL",
    type: "url",
    required: false,
    default: PAGERDUTY_EVENTS_URL,
    hint: "EU service region: https://events.eu.pagerduty.com/v2/enqueue.",
  },
];

/** The dedup key shared by every event of one incident (a test gets its own, by time). */
export function pagerdutyDedupKey(f: AlertFacts): string {
  return isTestFacts(f) ? `shc-test-${f.now}` : `shc-${f.monitor.id}-${f.incident.id}`;
}

/** The Events API v2 event of an alert. */
export function pagerdutyEvent(f: AlertFacts, routingKey: string): Record<string, unknown> {
  const r = renderAlert(f);
  const dedupKey = pagerdutyDedupKey(f);
  const links = [{ href: f.dashboardUrl, text: "Open the dashboard" }];
  if (r.event === "recovered") {
    return { routing_key: routingKey, event_action: "resolve", dedup_key: dedupKey };
  }
  const i = f.incident;
  const details: Record<string, unknown> = {
    state: r.state,
    cause: r.cause,
    http_status: i.httpStatus,
    error_kind: i.errorKind,
    error: r.error,
    url: r.url,
    failing_since: new Date(i.startedAt).toISOString(),
    failed_checks: i.failureCount,
  };
  if (r.parentName) details.website = r.parentName;
  if (r.duration) details.down_for = r.duration;
  if (r.event === "reminder") details.reminder = f.seq;
  if (r.appsTitle) details.affected_internal_apps = r.apps.slice(0, 50);
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: dedupKey,
    payload: {
      summary: cut(r.title, 1024),
      source: cut(r.name, 255),
      severity: r.event === "test"
        ? "info"
        : r.event === "degraded" || r.event === "warning"
        ? "warning"
        : "critical",
      timestamp: new Date(i.confirmedAt).toISOString(),
      component: cut(r.url, 255),
      ...(r.parentName ? { group: cut(r.parentName, 255) } : {}),
      class: i.errorKind,
      custom_details: details,
    },
    client: "Server Health Checker",
    client_url: f.dashboardUrl,
    links,
  };
}

/** PagerDuty (Events API v2). */
export const pagerduty: ChannelKind = {
  kind: "pagerduty",
  label: "PagerDuty (Events API v2)",
  fields: FIELDS,
  validate: (config) =>
    validateFields(FIELDS, config, (c, errors) => {
      const key = (c.routing_key ?? "").trim();
      if (key && !/^[A-Za-z0-9]{32}$/.test(key)) {
        errors.routing_key = "An integration key is 32 letters and digits.";
      }
    }),
  request(f, config) {
    return {
      url: setting(FIELDS, config, "events_url"),
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": USER_AGENT },
      body: JSON.stringify(pagerdutyEvent(f, setting(FIELDS, config, "routing_key"))),
    };
  },
  classify: (a) =>
    classifyAnswer(a, {
      words: (body) => {
        const j = jsonOf(body);
        const msg = field(j, "message");
        if (typeof msg !== "string") return null;
        const errors = field(j, "errors");
        return Array.isArray(errors) && errors.length
          ? `${msg}: ${errors.map(String).join("; ")}`
          : msg;
      },
    }),
};

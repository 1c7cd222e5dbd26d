/** Tables on the monitor page: incidents, recent checks and internal apps. */
import type { Check, Incident, IncidentType } from "../monitor/types.ts";
import type { MonitorView } from "../monitor/service.ts";
import { ago, duration, ERROR_LABELS, errorDetail, errorLine, iso, ms, utc } from "./format.ts";
import { StatusPill, TargetLink } from "./Status.tsx";

const INCIDENT_TYPES: Record<Exclude<IncidentType, "down">, string> = {
  degraded: "Degraded",
  certificate: "TLS",
};

/** Incident history with causes and durations. */
export function IncidentTable(props: { incidents: Incident[]; now: number }) {
  if (props.incidents.length === 0) {
    return (
      <p class="muted">
        No incidents recorded. Outages, slow periods and expiring certificates appear here.
      </p>
    );
  }
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Cause</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {props.incidents.map((i) => (
            <tr class={i.endedAt === null ? "ongoing" : undefined}>
              <td>
                <time datetime={iso(i.startedAt)} title={utc(i.startedAt)}>
                  {utc(i.startedAt)}
                </time>
              </td>
              <td>
                {i.endedAt === null
                  ? (
                    <strong class="error-text">
                      Ongoing · {duration(props.now - i.startedAt)}
                    </strong>
                  )
                  : duration(i.endedAt - i.startedAt)}
              </td>
              <td>
                {i.type !== "down" && (
                  <span class="incident-type">{`${INCIDENT_TYPES[i.type]}: `}</span>
                )}
                {ERROR_LABELS[i.errorKind]}
                {i.type === "down" && i.httpStatus !== null && ` (HTTP ${i.httpStatus})`}
              </td>
              <td class="wrap-text">
                {/* The cause column names the kind: here only what the message adds. */}
                {errorDetail(i.errorKind, i.errorMessage) ?? ""}
                {i.type !== "certificate" && (
                  <span class="muted">
                    {errorDetail(i.errorKind, i.errorMessage) !== null && " · "}
                    {i.failureCount} {i.type === "degraded" ? "slow" : "failed"} check
                    {i.failureCount === 1 ? "" : "s"}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Recent checks with raw status codes and error messages. */
export function CheckTable(props: { checks: Check[]; now: number }) {
  if (props.checks.length === 0) return <p class="muted">No checks yet.</p>;
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Result</th>
            <th scope="col">Status code</th>
            <th scope="col">Response</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {props.checks.map((c) => (
            <tr>
              <td>
                <time datetime={iso(c.checkedAt)} data-rel title={utc(c.checkedAt)}>
                  {ago(c.checkedAt, props.now)}
                </time>
              </td>
              <td>
                <span class={c.ok ? "mini mini-up" : "mini mini-down"}>{c.ok ? "Up" : "Down"}</span>
              </td>
              <td>{c.httpStatus ?? "–"}</td>
              <td>{ms(c.latencyMs)}</td>
              <td class="wrap-text">
                {c.errorKind ? errorLine(c.errorKind, c.errorMessage) : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A website's internal apps with their status. */
export function AppList(props: { apps: MonitorView[]; now: number }) {
  if (props.apps.length === 0) {
    return <p class="muted">No internal apps yet.</p>;
  }
  return (
    <ul class="app-list">
      {props.apps.map((a) => (
        <li>
          <StatusPill status={a.status} />
          <a href={`/monitors/${a.monitor.id}`} class="row-name">{a.monitor.name}</a>
          <TargetLink monitor={a.monitor} class="row-url" />
          <span class="muted">
            {a.lastCheck ? ago(a.lastCheck.checkedAt, props.now) : "never checked"}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** One monitor on the overview: a region with a stable id (`m-<id>`) that polls can swap alone. */
import type { OverviewRow } from "../monitor/overview.ts";
import { HEARTBEAT_SLOTS } from "./constants.ts";
import {
  ago,
  ERROR_LABELS,
  ERROR_SHORT_LABELS,
  isoSeconds,
  ms,
  pct,
  resultText,
} from "./format.ts";
import { CertificateNote, Heartbeat, StatusPill, TargetLink } from "./Status.tsx";

/** The DOM id of a monitor's overview row. */
export const rowId = (id: number) => `m-${id}`;

/** Props of {@link MonitorRow}. */
export interface MonitorRowProps {
  row: OverviewRow;
  now: number;
  /** Marks the element for an out-of-band swap (in poll responses). */
  oob?: boolean;
  /** Shown only as the website of matching apps (it does not match the filters itself). */
  context?: boolean;
}

/** The last check's outcome: the raw status code, or the error with its message as a tooltip. */
function Result({ row }: { row: OverviewRow }) {
  const c = row.lastCheck;
  if (!c) return <span class="muted">–</span>;
  if (c.ok) return <>{resultText(c, row.monitor.kind)}</>;
  const label = c.errorKind ? ERROR_LABELS[c.errorKind] : "Failed";
  const short = c.errorKind ? ERROR_SHORT_LABELS[c.errorKind] : "Failed";
  const code = c.httpStatus !== null ? `HTTP ${c.httpStatus}` : short;
  return (
    <span class="error-text" title={c.errorMessage ?? label}>
      {code}
    </span>
  );
}

/** A monitor row. */
export function MonitorRow({ row, now, oob, context }: MonitorRowProps) {
  const m = row.monitor;
  const c = row.lastCheck;
  const app = m.parentId !== null;
  return (
    <div
      id={rowId(m.id)}
      class={`row row-${row.status}${app ? " row-app" : ""}${context ? " row-context" : ""}`}
      {...(oob ? { "hx-swap-oob": "true" } : {})}
    >
      <div class="row-id">
        <StatusPill status={row.status} />
        <div>
          <a class="row-name" href={`/monitors/${m.id}`}>{m.name}</a>
          <TargetLink monitor={m} class="row-url" />
          <CertificateNote monitor={m} certificate={row.certificate} now={now} />
        </div>
      </div>
      <Heartbeat beats={row.beats} slots={HEARTBEAT_SLOTS} />
      {/* dt/dd pairs without wrappers (app.css places them): 2,000 rows, every byte twice. */}
      <dl>
        <dt>Last check</dt>
        <dd>
          {c
            ? <time datetime={isoSeconds(c.checkedAt)} data-rel="">{ago(c.checkedAt, now)}</time>
            : <span class="muted">never</span>}
        </dd>
        <dt>Response</dt>
        <dd>{c && c.ok ? ms(c.latencyMs) : "–"}</dd>
        <dt>Result</dt>
        <dd>
          <Result row={row} />
        </dd>
        <dt>24 h</dt>
        <dd>{pct(row.uptime.h24)}</dd>
        <dt>7 d</dt>
        <dd>{pct(row.uptime.d7)}</dd>
        <dt>30 d</dt>
        <dd>{pct(row.uptime.d30)}</dd>
      </dl>
    </div>
  );
}

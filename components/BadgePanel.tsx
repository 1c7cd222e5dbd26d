/** The monitor page's "Public badges" card: each badge, its URL and a Markdown snippet. */
import type { MonitorDetail } from "../monitor/detail.ts";

const BADGES: [label: string, file: string][] = [
  ["Status", "status.svg"],
  ["Uptime (24 h)", "uptime.svg"],
  ["Uptime (7 days)", "uptime.svg?period=7d"],
  ["Uptime (30 days)", "uptime.svg?period=30d"],
  ["Response time (24 h average)", "response.svg"],
];

/** Shown when the monitor serves public badges; nothing otherwise. */
export function BadgePanel(props: { d: MonitorDetail }) {
  const base = props.d.badgeBase;
  if (!base) return null;
  const id = props.d.view.monitor.id;
  return (
    <section class="card badge-panel" id="badges" aria-labelledby="badges-title">
      <h2 id="badges-title">Public badges</h2>
      <p class="hint">
        Anyone with these URLs can see this monitor's name and the figure shown (never its URL). Add
        {" "}
        <code>?label=Text</code> to change the label. Turn them off in the monitor's settings.
      </p>
      <ul class="badge-list">
        {BADGES.map(([label, file]) => {
          const url = `${base}/${file}`;
          return (
            <li>
              <img src={`/badge/${id}/${file}`} alt={`${label} badge`} height="20" />
              <span class="badge-label">{label}</span>
              <code class="badge-url">{url}</code>
              <code class="badge-md">{`![${label}](${url})`}</code>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

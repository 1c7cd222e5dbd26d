/**
 * A push monitor's panel on its page: the ping URL (the secret, shown to the signed-in operator
 * only), last ping, next expected ping, last run duration, copyable curl examples and the
 * "regenerate" action (a CSRF-protected POST).
 */
import type { MonitorDetail } from "../monitor/detail.ts";
import { ago, duration, iso, utc } from "./format.ts";

/** Seconds in words for the schedule line ("86400 s" reads worse than "1 d"). */
function seconds(s: number): string {
  if (s % 86_400 === 0 && s >= 86_400) return `${s / 86_400} d`;
  if (s % 3600 === 0 && s >= 3600) return `${s / 3600} h`;
  if (s % 60 === 0 && s >= 60) return `${s / 60} min`;
  return `${s} s`;
}

/** The curl lines a job runs: a plain ping, and start + command + exit code. */
export function curlExamples(url: string): string[] {
  return [
    `curl -fsS -m 10 --retry 5 -o /dev/null ${url}`,
    `curl -fsS -m 10 --retry 5 -o /dev/null ${url}/start; /usr/local/bin/backup.sh; curl -fsS -m 10 --retry 5 -o /dev/null ${url}/$?`,
    `/usr/local/bin/backup.sh 2>&1 | tail -c 10000 | curl -fsS -m 10 --retry 5 --data-binary @- ${url}/fail`,
  ];
}

/** The panel; nothing for monitors of other kinds. */
export function PushPanel(props: { d: MonitorDetail; csrf: string; now: number }) {
  const { d, now } = props;
  const push = d.view.push;
  const url = d.pingUrl;
  if (!push || url === null) return null;
  const m = d.view.monitor;
  const s = push.state;
  const when = (t: number | null, none: string) =>
    t === null ? none : (
      <>
        <time datetime={iso(t)} title={utc(t)}>{utc(t)}</time> ({ago(t, now)})
      </>
    );
  const schedule = m.pushSchedule === "period"
    ? `every ${seconds(m.pushPeriodS)}`
    : `cron ${m.pushCron} (${m.pushTimezone})`;
  const [plain, wrapped, output] = curlExamples(url);
  return (
    <section class="card push-panel" aria-labelledby="push-title">
      <h2 id="push-title">Ping URL</h2>
      <p>
        <code id="ping-url" class="copyable">{url}</code>
      </p>
      <p class="muted">
        Anyone with this URL can report for this job: keep it secret. Expected {schedule}, with{" "}
        {seconds(m.pushGraceS)} grace.
      </p>
      <dl class="facts">
        <dt>Last ping</dt>
        <dd id="push-last-ping">
          {when(s.lastPingAt, "never")}
          {s.lastPingAt !== null && (s.lastPingOk ? " · success" : " · failure")}
        </dd>
        <dt>Next ping expected</dt>
        <dd id="push-next">
          {push.next === null
            ? (m.active ? "never (the cron expression never matches)" : "paused")
            : (
              <>
                by {when(push.next.expectedAt, "")}; late after{" "}
                <time datetime={iso(push.next.deadline)}>{utc(push.next.deadline)}</time>
              </>
            )}
        </dd>
        <dt>Last run duration</dt>
        <dd id="push-duration">
          {s.lastDurationMs === null ? "unknown (ping /start first)" : duration(s.lastDurationMs)}
        </dd>
        {s.startedAt !== null && (
          <>
            <dt>Running</dt>
            <dd id="push-running">since {when(s.startedAt, "")}</dd>
          </>
        )}
      </dl>
      <h3>Examples</h3>
      <p class="muted">Success ping at the end of the job (crontab line or script):</p>
      <pre class="copyable"><code>{plain}</code></pre>
      <p class="muted">
        Measure the run and report the exit code (0 = success, 1-255 = failure):
      </p>
      <pre class="copyable"><code>{wrapped}</code></pre>
      <p class="muted">
        Report a failure with the job's output (the first 10 KB of a POST body are kept):
      </p>
      <pre class="copyable"><code>{output}</code></pre>
      <form method="post" action={`/monitors/${m.id}/ping_token`} class="inline-form">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <button id="btn-regenerate" type="submit" class="btn">Regenerate ping URL</button>
        <span class="muted">The old URL stops working at once.</span>
      </form>
    </section>
  );
}

/**
 * Settings: email configuration (never the password), a test email, the alert outbox,
 * notification channels (secrets masked) and API tokens.
 */
import type { ApiToken } from "../monitor/auth/accounts.ts";
import type { AlertServiceStatus } from "../monitor/alerts/service.ts";
import type { AlertRecord } from "../monitor/alerts/outbox.ts";
import type { ChannelKindInfo, ChannelView } from "../monitor/alerts/channel_service.ts";
import type { PageContext } from "./types.ts";
import { Layout } from "./Layout.tsx";
import { ago, iso, utc } from "./format.ts";
import { ChannelsSection } from "./ChannelsSection.tsx";

/** Email settings as shown; built from the config without the password. */
export interface EmailSettingsView {
  host: string | null;
  port: number;
  security: "implicit TLS" | "STARTTLS" | "no TLS";
  user: string | null;
  from: string;
  adminEmail: string | null;
}

/** The alert outbox: the alerting service's status and its newest rows. */
export interface OutboxView {
  status: AlertServiceStatus;
  /** The rows of this page, newest first. */
  recent: AlertRecord[];
  /** The page shown, from 1. */
  page: number;
  /** Whether an older page exists. */
  hasNext: boolean;
}

/** Outbox rows per page. */
export const OUTBOX_PAGE_SIZE = 20;

/** The link to an outbox page: the settings page with the page in the query. */
export const outboxPageHref = (page: number) =>
  page <= 1 ? "/settings#outbox" : `/settings?outbox_page=${page}#outbox`;

/** Previous/next links; htmx swaps only the outbox card (and keeps the URL), else a page load. */
function OutboxPager({ page, hasNext }: { page: number; hasNext: boolean }) {
  if (page <= 1 && !hasNext) return null;
  const link = (to: number, text: string, rel: string) => (
    <a
      class="btn btn-small"
      rel={rel}
      href={outboxPageHref(to)}
      hx-get={outboxPageHref(to).replace(/#.*/, "")}
      hx-select="#outbox"
      hx-target="#outbox"
      hx-swap="outerHTML"
      hx-push-url="true"
    >
      {text}
    </a>
  );
  return (
    <nav class="pager" aria-label="Outbox pages">
      {page > 1 ? link(page - 1, "← Newer", "prev") : <span />}
      <span class="muted">Page {page}</span>
      {hasNext ? link(page + 1, "Older →", "next") : <span />}
    </nav>
  );
}

/** Props of {@link SettingsPage}. */
export interface SettingsProps {
  ctx: PageContext;
  email: EmailSettingsView;
  outbox: OutboxView;
  tokens: ApiToken[];
  /** Configured notification channels, secrets masked. */
  channels: ChannelView[];
  /** The channel kinds "Add channel" offers. */
  kinds: ChannelKindInfo[];
  /** Whether a test email can be sent (an SMTP host is configured). */
  canSendTest: boolean;
}

function Row(props: { k: string; v: string | null; empty?: string }) {
  return (
    <div>
      <dt>{props.k}</dt>
      <dd>{props.v ?? <span class="muted">{props.empty ?? "not set"}</span>}</dd>
    </div>
  );
}

/** Why the test email button is disabled (the only reason: no SMTP host configured). */
export const TEST_EMAIL_OFF = "Email is off: EMAIL_HOST is not set";

function EmailCard(
  { email, canSendTest, csrf }: { email: EmailSettingsView; canSendTest: boolean; csrf: string },
) {
  return (
    <section class="card" aria-labelledby="email-title">
      <div class="card-head">
        <h2 id="email-title">Email</h2>
        {email.host
          ? <span class="mini mini-up">Configured</span>
          : <span class="mini mini-down">Not configured</span>}
      </div>
      {!email.host && (
        <p class="muted">
          Alerts are not sent: set <code>EMAIL_HOST</code> (and the other <code>EMAIL_*</code>{" "}
          variables) in the environment or <code>.env</code>, then restart.
        </p>
      )}
      <dl class="kv">
        <Row k="SMTP host" v={email.host} />
        <Row k="Port" v={String(email.port)} />
        <Row k="Security" v={email.security} />
        <Row k="User" v={email.user} empty="none (no authentication)" />
        <Row k="From" v={email.from} />
        <Row k="Admin email" v={email.adminEmail} empty="none" />
      </dl>
      <form class="form inline-form" method="post" action="/settings/test-email">
        <input type="hidden" name="_csrf" value={csrf} />
        <div class="field">
          <label for="f-to">Send a test email to</label>
          <input
            id="f-to"
            name="to"
            type="email"
            value={email.adminEmail ?? ""}
            autocomplete="email"
          />
        </div>
        <button
          class="btn"
          type="submit"
          disabled={!canSendTest}
          aria-describedby={canSendTest ? undefined : "test-email-why"}
          title={canSendTest ? undefined : TEST_EMAIL_OFF}
        >
          Send test email
        </button>
        {!canSendTest && <p class="hint" id="test-email-why">{TEST_EMAIL_OFF}</p>}
      </form>
    </section>
  );
}

/** Long text cut to two lines in the table; the whole text is its tooltip. */
function Clipped({ text }: { text: string }) {
  return <span class="clip" title={text}>{text}</span>;
}

function OutboxCard(
  { outbox, channels, now }: { outbox: OutboxView; channels: ChannelView[]; now: number },
) {
  const { status, recent, page, hasNext } = outbox;
  // Channel rows name their channel by id: show the channel's name instead.
  const channelNames = new Map(channels.map((c) => [String(c.id), c.name]));
  const sending = status.enabled || channels.length > 0;
  return (
    <section id="outbox" class="card" aria-labelledby="outbox-title">
      <div class="card-head">
        <h2 id="outbox-title">Alert outbox</h2>
        {sending
          ? <span class="mini mini-up">Sending</span>
          : <span class="mini mini-down">Nothing to send to</span>}
      </div>
      <p class="muted">
        Email {status.message}
        {channels.length > 0 &&
          `; ${channels.length} notification channel${channels.length === 1 ? "" : "s"}`}.
      </p>
      <dl class="stat-grid stat-grid-small">
        {Object.entries(status.counts).map(([k, n]) => (
          <div class="stat">
            <dt>{k}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
      <dl class="kv">
        <div>
          <dt>Last sent</dt>
          <dd>
            {status.lastSentAt === null
              ? <span class="muted">never</span>
              : (
                <time datetime={iso(status.lastSentAt)} title={utc(status.lastSentAt)}>
                  {ago(status.lastSentAt, now)}
                </time>
              )}
          </dd>
        </div>
        <div>
          <dt>Last error</dt>
          <dd class={status.lastError ? "error-text" : undefined}>
            {status.lastError ?? <span class="muted">none</span>}
          </dd>
        </div>
      </dl>
      {recent.length === 0
        ? <p class="muted">{page > 1 ? "No alerts on this page." : "No alerts yet."}</p>
        : (
          <div class="table-wrap">
            <table class="table outbox-table">
              <colgroup>
                <col class="col-when" />
                <col />
                <col class="col-kind" />
                <col />
                <col class="col-status" />
                <col />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Queued</th>
                  <th scope="col">Monitor</th>
                  <th scope="col">Alert</th>
                  <th scope="col">To</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {recent.map((a) => (
                  <tr>
                    <td>
                      <time datetime={iso(a.createdAt)} title={utc(a.createdAt)}>
                        {ago(a.createdAt, now)}
                      </time>
                    </td>
                    <td>
                      <a href={`/monitors/${a.monitorId}`}>{a.monitorName}</a>
                    </td>
                    <td>{a.kind}{a.seq > 0 ? ` #${a.seq}` : ""}</td>
                    <td>
                      <Clipped
                        text={a.channel === "email"
                          ? a.target
                          : `${a.channel}: ${channelNames.get(a.target) ?? `channel ${a.target}`}`}
                      />
                    </td>
                    <td>
                      {a.status}
                      {a.attempts > 0 && <span class="muted">{` (${a.attempts} tries)`}</span>}
                    </td>
                    <td>{a.lastError && <Clipped text={a.lastError} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <OutboxPager page={page} hasNext={hasNext} />
    </section>
  );
}

function TokensCard({ tokens, csrf, now }: { tokens: ApiToken[]; csrf: string; now: number }) {
  return (
    <section class="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p class="muted">
        For the JSON API and <code>/metrics</code>: send{" "}
        <code>Authorization: Bearer &lt;token&gt;</code>. A new token is shown once.
      </p>
      <form class="form inline-form" method="post" action="/settings/tokens">
        <input type="hidden" name="_csrf" value={csrf} />
        <div class="field">
          <label for="f-token-name">Token name</label>
          <input
            id="f-token-name"
            name="name"
            maxlength={100}
            placeholder="e.g. grafana"
            autocomplete="off"
          />
        </div>
        <button class="btn" type="submit">Create token</button>
      </form>
      {tokens.length === 0 ? <p class="muted">No tokens yet.</p> : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>
                    <time datetime={iso(t.createdAt)} title={utc(t.createdAt)}>
                      {ago(t.createdAt, now)}
                    </time>
                  </td>
                  <td>
                    {t.lastUsedAt === null
                      ? <span class="muted">never</span>
                      : ago(t.lastUsedAt, now)}
                  </td>
                  <td>
                    <form method="post" action={`/settings/tokens/${t.id}/revoke`} class="inline">
                      <input type="hidden" name="_csrf" value={csrf} />
                      <button
                        class="btn btn-small btn-danger-quiet"
                        type="submit"
                        aria-label={`Revoke token ${t.name}`}
                      >
                        Revoke
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The settings page. */
export function SettingsPage(props: SettingsProps) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Settings" nav="settings">
      <div class="page-head">
        <h1>Settings</h1>
        <p class="sub">Signed in as {ctx.username}</p>
      </div>
      <div class="settings-grid">
        <EmailCard email={props.email} canSendTest={props.canSendTest} csrf={ctx.csrf} />
        <OutboxCard outbox={props.outbox} channels={props.channels} now={ctx.now} />
        <ChannelsSection channels={props.channels} kinds={props.kinds} csrf={ctx.csrf} />
      </div>
      <TokensCard tokens={props.tokens} csrf={ctx.csrf} now={ctx.now} />
    </Layout>
  );
}

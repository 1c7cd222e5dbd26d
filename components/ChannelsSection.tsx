/**
 * The settings page's "Notification channels" card (`#channels`): every channel with its kind,
 * whether new monitors get it, its settings with secrets masked, and its actions (edit, send
 * test, delete), plus the kind picker that starts "Add channel". Works as plain forms and links;
 * with htmx, "Send test" answers into the channel's own result region.
 */
import type { ChannelKindInfo, ChannelView } from "../monitor/alerts/channel_service.ts";
import type { Flash } from "./types.ts";

/** The id of a channel's test result region. */
export const testRegionId = (id: number) => `channel-test-${id}`;

/** The outcome of "Send test", shown in the channel's row (htmx) or as the page's flash. */
export function ChannelTestResult({ flash }: { flash: Flash | null }) {
  if (!flash) return null;
  return (
    <div class={`flash flash-${flash.kind}`}>
      <p>{flash.text}</p>
    </div>
  );
}

/** The kind picker: a GET form, so choosing a kind works without JavaScript. */
export function KindPicker(
  props: { kinds: ChannelKindInfo[]; selected?: string; label?: string },
) {
  return (
    <form class="form inline-form" method="get" action="/settings/channels/new">
      <div class="field">
        <label for="f-new-channel-kind">{props.label ?? "Kind of channel"}</label>
        <select id="f-new-channel-kind" name="kind">
          {props.kinds.map((k) => (
            <option value={k.kind} selected={k.kind === props.selected}>{k.label}</option>
          ))}
        </select>
      </div>
      <button class="btn" type="submit">Add channel</button>
    </form>
  );
}

/** A channel's settings as shown: the kind's labels with the (masked) values. */
function Settings({ channel, kind }: { channel: ChannelView; kind?: ChannelKindInfo }) {
  const rows = (kind?.fields ?? [])
    .filter((f) => (channel.config[f.name] ?? "") !== "")
    .map((f) => [f.label, channel.config[f.name]] as const);
  if (rows.length === 0) return <span class="muted">none</span>;
  return (
    <dl class="kv">
      {rows.map(([label, value]) => (
        <div>
          <dt>{label}</dt>
          <dd>
            <code>{value.split(/\r\n|\n|\r/).filter((l) => l.trim() !== "").join("; ")}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** One channel's "Send test" button. */
function TestButton({ channel, csrf }: { channel: ChannelView; csrf: string }) {
  const action = `/settings/channels/${channel.id}/test`;
  return (
    <form
      method="post"
      action={action}
      hx-post={action}
      hx-target={`#${testRegionId(channel.id)}`}
      hx-swap="innerHTML"
      class="inline"
    >
      <input type="hidden" name="_csrf" value={csrf} />
      <button
        class="btn btn-small"
        type="submit"
        id={`btn-test-channel-${channel.id}`}
        aria-label={`Send a test message to ${channel.name}`}
      >
        Send test
      </button>
    </form>
  );
}

/** The "Notification channels" card. */
export function ChannelsSection(
  props: { channels: ChannelView[]; kinds: ChannelKindInfo[]; csrf: string },
) {
  const kindOf = (k: string) => props.kinds.find((x) => x.kind === k);
  return (
    <section class="card" id="channels" aria-labelledby="channels-title">
      <h2 id="channels-title">Notification channels</h2>
      <p class="muted">
        Besides email, alerts can go to chat, push and paging services. Each monitor picks its
        channels on its form; channels marked <strong>default</strong>{" "}
        are preselected for new monitors. Secrets are shown masked.
      </p>
      <KindPicker kinds={props.kinds} />
      {props.channels.length === 0
        ? <p class="muted">No channels yet.</p>
        : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Settings</th>
                  <th scope="col">Test</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.channels.map((ch) => (
                  <tr id={`channel-${ch.id}`}>
                    <td>
                      {ch.name}
                      {ch.isDefault && (
                        <>
                          {" "}
                          <span class="mini mini-up" title="Preselected for new monitors">
                            default
                          </span>
                        </>
                      )}
                    </td>
                    <td>{ch.kindLabel}</td>
                    <td class="wrap-text">
                      <Settings channel={ch} kind={kindOf(ch.kind)} />
                    </td>
                    <td class="wrap-text">
                      <TestButton channel={ch} csrf={props.csrf} />
                      <div id={testRegionId(ch.id)} role="status" aria-live="polite"></div>
                    </td>
                    <td>
                      <div class="actions">
                        <a
                          class="btn btn-small"
                          href={`/settings/channels/${ch.id}/edit`}
                          aria-label={`Edit channel ${ch.name}`}
                        >
                          Edit
                        </a>
                        <a
                          class="btn btn-small btn-danger-quiet"
                          href={`/settings/channels/${ch.id}/delete`}
                          aria-label={`Delete channel ${ch.name}`}
                        >
                          Delete…
                        </a>
                      </div>
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

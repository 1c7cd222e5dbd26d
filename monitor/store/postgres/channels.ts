/** The channels table: configured notification channels. */
import type { Q } from "./db.ts";
import type { ChannelFields, ChannelRecord } from "../records.ts";
import { toChannel } from "../rows.ts";

/** Every channel, by name. */
export async function listChannels(q: Q): Promise<ChannelRecord[]> {
  const rows = await q`SELECT * FROM channels ORDER BY name COLLATE "C", id`;
  return rows.map(toChannel);
}

/** One channel, or null. */
export async function getChannel(q: Q, id: number): Promise<ChannelRecord | null> {
  const [r] = await q`SELECT * FROM channels WHERE id = ${id}`;
  return r ? toChannel(r) : null;
}

/** Stores a new channel. */
export async function insertChannel(
  q: Q,
  f: ChannelFields,
  now: number,
): Promise<ChannelRecord> {
  const [r] = await q`INSERT INTO channels (kind, name, config, is_default, created_at, updated_at)
    VALUES (${f.kind}, ${f.name}, ${JSON.stringify(f.config)}, ${f.isDefault}, ${now}, ${now})
    RETURNING *`;
  return toChannel(r);
}

/** Replaces a channel's fields; null when there is no such channel. */
export async function updateChannel(
  q: Q,
  id: number,
  f: ChannelFields,
  now: number,
): Promise<ChannelRecord | null> {
  const [r] = await q`UPDATE channels SET kind = ${f.kind}, name = ${f.name},
      config = ${JSON.stringify(f.config)}, is_default = ${f.isDefault}, updated_at = ${now}
    WHERE id = ${id} RETURNING *`;
  return r ? toChannel(r) : null;
}

/**
 * Deletes a channel and takes it off every monitor's list (without counting as an edit of the
 * monitor); true when it existed.
 */
export async function deleteChannel(q: Q, id: number): Promise<boolean> {
  const gone = (await q`DELETE FROM channels WHERE id = ${id}`).count > 0;
  if (gone) {
    await q`UPDATE monitors SET channel_ids = (
        SELECT coalesce(json_agg(e.value ORDER BY e.ord), '[]'::json)::text
        FROM json_array_elements(monitors.channel_ids::json) WITH ORDINALITY AS e(value, ord)
        WHERE e.value::text <> ${String(id)})
      WHERE EXISTS (SELECT 1 FROM json_array_elements_text(monitors.channel_ids::json) AS v(id)
        WHERE v.id = ${String(id)})`;
  }
  return gone;
}

/** The channels table: configured notification channels. */
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import type { ChannelFields, ChannelRecord } from "../records.ts";
import { toChannel } from "../rows.ts";

type Row = Record<string, unknown>;

/** Every channel, by name. */
export function listChannels(db: Db): ChannelRecord[] {
  return (stmt(db, "SELECT * FROM channels ORDER BY name, id").all() as Row[]).map(toChannel);
}

/** One channel, or null. */
export function getChannel(db: Db, id: number): ChannelRecord | null {
  const r = stmt(db, "SELECT * FROM channels WHERE id = ?").get(id) as Row | undefined;
  return r ? toChannel(r) : null;
}

/** Stores a new channel. */
export function insertChannel(db: Db, f: ChannelFields, now: number): ChannelRecord {
  return toChannel(
    stmt(
      db,
      `INSERT INTO channels (kind, name, config, is_default, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(f.kind, f.name, JSON.stringify(f.config), f.isDefault ? 1 : 0, now, now) as Row,
  );
}

/** Replaces a channel's fields; null when there is no such channel. */
export function updateChannel(
  db: Db,
  id: number,
  f: ChannelFields,
  now: number,
): ChannelRecord | null {
  const r = stmt(
    db,
    `UPDATE channels SET kind = ?, name = ?, config = ?, is_default = ?, updated_at = ?
     WHERE id = ? RETURNING *`,
  ).get(f.kind, f.name, JSON.stringify(f.config), f.isDefault ? 1 : 0, now, id) as
    | Row
    | undefined;
  return r ? toChannel(r) : null;
}

/**
 * Deletes a channel and takes it off every monitor's list (without counting as an edit of the
 * monitor); true when it existed.
 */
export function deleteChannel(db: Db, id: number): boolean {
  const gone = Number(stmt(db, "DELETE FROM channels WHERE id = ?").run(id).changes) > 0;
  if (gone) {
    stmt(
      db,
      `UPDATE monitors SET channel_ids = (
         SELECT coalesce(json_group_array(value), '[]') FROM json_each(monitors.channel_ids)
         WHERE value <> :id)
       WHERE EXISTS (SELECT 1 FROM json_each(monitors.channel_ids) WHERE value = :id)`,
    ).run({ id });
  }
  return gone;
}

/**
 * Notification channels as the dashboard and the API manage them: create, edit, delete, list
 * with secrets masked, and "send test". Delivery itself goes through the outbox
 * (./channels/http.ts); this module owns validation and what is shown back.
 */
import type { Store } from "../store/store.ts";
import type { ChannelFields, ChannelRecord } from "../store/records.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { parseBool, parseText } from "../monitor_fields.ts";
import { log } from "../log.ts";
import type { ChannelField, ChannelKind } from "./channels/spec.ts";
import { CHANNEL_KINDS, validateChannelConfig } from "./channels/index.ts";
import { maskConfig, restoreMasked, testFacts } from "./channels/common.ts";
import { sendTest } from "./channels/http.ts";

/** A channel as pages and the API show it: secrets masked. */
export interface ChannelView {
  id: number;
  kind: string;
  kindLabel: string;
  name: string;
  isDefault: boolean;
  config: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/** What a kind asks for, for forms and API clients. */
export interface ChannelKindInfo {
  kind: string;
  label: string;
  fields: readonly ChannelField[];
}

/** Input of create/update, as the API and forms send it. */
export interface ChannelInput {
  kind?: unknown;
  name?: unknown;
  is_default?: unknown;
  config?: unknown;
}

/** What a successful test send answered. */
export interface ChannelTestResult {
  status: number;
  response: string;
}

/** A test message was refused or could not be sent; `message` is the remote end's answer. */
export class ChannelTestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChannelTestError";
  }
}

const NAME_MAX = 100;

/** Manages configured channels. */
export class ChannelService {
  #store: Store;
  #now: () => number;
  #baseUrl: string;
  #fetch: typeof fetch | undefined;

  constructor(
    store: Store,
    opts: { baseUrl: string; now?: () => number; fetch?: typeof fetch },
  ) {
    this.#store = store;
    this.#now = opts.now ?? Date.now;
    this.#baseUrl = opts.baseUrl;
    this.#fetch = opts.fetch;
  }

  /** Every kind, in the order forms offer them. */
  kinds(): ChannelKindInfo[] {
    return [...CHANNEL_KINDS.values()].map((k) => ({
      kind: k.kind,
      label: k.label,
      fields: k.fields,
    }));
  }

  /** Every channel, by name. */
  async list(): Promise<ChannelView[]> {
    return (await this.#store.channels.list()).map(view);
  }

  /** One channel, or NotFoundError. */
  async get(id: number): Promise<ChannelView> {
    return view(await this.#record(id));
  }

  /** The ids new monitors get when they name no channels. */
  async defaultIds(): Promise<number[]> {
    return (await this.#store.channels.list()).filter((c) => c.isDefault).map((c) => c.id);
  }

  /** Creates a channel; ValidationError with `name`, `kind` or `config.<field>` messages. */
  async create(input: ChannelInput): Promise<ChannelView> {
    const fields = parseChannel(input, null);
    const created = await this.#store.channels.insert(fields, this.#now());
    log.info("channel.created", { channel: created.id, kind: created.kind, name: created.name });
    return view(created);
  }

  /**
   * Changes a channel. Absent fields keep their values; a secret sent back as shown (masked) or
   * left empty keeps the stored one, so renaming needs no token re-entered. The kind is fixed.
   */
  async update(id: number, input: ChannelInput): Promise<ChannelView> {
    const existing = await this.#record(id);
    const fields = parseChannel(input, existing);
    const updated = await this.#store.channels.update(id, fields, this.#now());
    if (!updated) throw new NotFoundError(`No notification channel with id ${id}`);
    return view(updated);
  }

  /** Deletes a channel (monitors stop using it); NotFoundError when missing. */
  async remove(id: number): Promise<void> {
    if (!(await this.#store.channels.delete(id))) {
      throw new NotFoundError(`No notification channel with id ${id}`);
    }
    log.info("channel.deleted", { channel: id });
  }

  /**
   * Sends a test alert through the channel now, bypassing the outbox. Throws ChannelTestError
   * with the service's exact answer (status and body, or the network error) when it fails.
   */
  async test(id: number): Promise<ChannelTestResult> {
    const record = await this.#record(id);
    const kind = kindOf(record.kind);
    try {
      const facts = testFacts(this.#now(), `${this.#baseUrl}/`);
      const r = await sendTest(kind, record.config, { facts, fetch: this.#fetch });
      return { status: r.status, response: r.response };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.warn("channel.test_failed", { channel: id, kind: record.kind, error: message });
      throw new ChannelTestError(message);
    }
  }

  async #record(id: number): Promise<ChannelRecord> {
    const record = await this.#store.channels.get(id);
    if (!record) throw new NotFoundError(`No notification channel with id ${id}`);
    return record;
  }
}

function kindOf(name: string): ChannelKind {
  const kind = CHANNEL_KINDS.get(name);
  if (!kind) throw new Error(`Unknown channel kind ${name}`);
  return kind;
}

/** A stored channel as shown: its secrets masked. */
function view(r: ChannelRecord): ChannelView {
  const kind = CHANNEL_KINDS.get(r.kind);
  return {
    id: r.id,
    kind: r.kind,
    kindLabel: kind?.label ?? r.kind,
    name: r.name,
    isDefault: r.isDefault,
    // A kind this build no longer knows shows nothing of its settings rather than its secrets.
    config: kind ? maskConfig(kind, r.config) : {},
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** Validates input into storable fields (merged over `existing` for an update). */
function parseChannel(input: ChannelInput, existing: ChannelRecord | null): ChannelFields {
  const errors: Record<string, string> = {};
  let kindName = existing?.kind ?? "";
  if (input.kind !== undefined || !existing) {
    const given = typeof input.kind === "string" ? input.kind.trim() : "";
    if (!CHANNEL_KINDS.has(given)) {
      errors.kind = given === ""
        ? "Required"
        : `Unknown kind "${given}": use one of ${[...CHANNEL_KINDS.keys()].join(", ")}`;
    } else if (existing && given !== existing.kind) {
      errors.kind = "The kind of a channel cannot change: add a new channel instead";
    } else kindName = given;
  }
  let name = existing?.name ?? "";
  if (input.name !== undefined || !existing) {
    const parsed = parseText(input.name, NAME_MAX, true);
    if (parsed?.error !== undefined) errors.name = parsed.error;
    else if (parsed) name = parsed.value;
  }
  let isDefault = existing?.isDefault ?? false;
  if (input.is_default !== undefined) {
    const parsed = parseBool(input.is_default);
    if (parsed?.error !== undefined) errors.is_default = parsed.error;
    else if (parsed) isDefault = parsed.value;
  }
  let config: Record<string, string> = existing?.config ?? {};
  if (input.config !== undefined || !existing) {
    const raw = input.config ?? {};
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      errors.config = "Must be an object of settings";
    } else if (!errors.kind) {
      const kind = kindOf(kindName);
      const incoming: Record<string, string> = { ...(existing?.config ?? {}) };
      for (const [key, value] of Object.entries(raw)) {
        if (typeof value !== "string") {
          errors[`config.${key}`] = "Must be text";
          continue;
        }
        incoming[key] = value.trim();
      }
      config = existing ? restoreMasked(kind, existing.config, incoming) : incoming;
      // An emptied secret keeps the stored one: the form shows secrets masked, never in full.
      if (existing) {
        for (const f of kind.fields) {
          const secret = f.type === "secret" || f.secret === true;
          if (secret && config[f.name] === "" && existing.config[f.name]) {
            config[f.name] = existing.config[f.name];
          }
        }
      }
      for (const [key, message] of Object.entries(validateChannelConfig(kindName, config) ?? {})) {
        errors[key.startsWith("config.") ? key : `config.${key}`] = message;
      }
    }
  }
  if (Object.keys(errors).length) {
    throw new ValidationError(errors, Object.values(errors).join("; "));
  }
  return { kind: kindName, name, isDefault, config };
}

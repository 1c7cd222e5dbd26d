/**
 * Delivery channels: how an outbox row reaches its target. The outbox, grouping, reminders,
 * retries and exactly-once bookkeeping know only `(channel, target)` pairs; everything specific
 * to a way of delivering (SMTP, a webhook, …) sits behind {@link AlertChannel}. Email
 * (./email.ts) is the first implementation.
 */
import type { AlertFacts, AlertMessage } from "./message.ts";

/** What every channel's rendered message has: the subject stored on the outbox row. */
export interface OutgoingMessage {
  subject: string;
}

/** The `channel` value of email rows (the default of the column). */
export const EMAIL_CHANNEL = "email";

/** What the receiving end answered when it accepted a message (stored in `response`). */
export interface DeliveryReceipt {
  response: string;
}

/**
 * What a failed send means for the retry policy:
 * - `permanent`: retrying cannot help (the target was refused for good): mark the row failed.
 * - `retry`: this one target failed transiently: retry this row later, go on with the others.
 * - `server`: the whole channel is failing (SMTP server down, bad credentials): retry this row
 *   later and deliver nothing more on this channel until its own backoff has passed.
 */
export type ErrorClass = "permanent" | "retry" | "server";

/** A failure described for people (`message`, stored in `last_error`) and for the retry policy. */
export interface ClassifiedError {
  class: ErrorClass;
  /** Never contains a secret (passwords, tokens). */
  message: string;
  /** The receiving end asked to wait this long before the next attempt (HTTP Retry-After). */
  retryAfterMs?: number;
}

/** Per-send context from the sender. */
export interface SendOptions {
  /**
   * Stable per outbox row: a resend after a crash carries the same key, so the receiving end
   * can recognise the duplicate (email puts it in the Message-ID).
   */
  idempotencyKey: string;
  /** Aborted when the sender stops; a channel may finish a transaction already under way. */
  signal: AbortSignal;
}

/** One way of delivering alerts; `M` is what it renders (email: subject, text and HTML). */
export interface AlertChannel<M extends OutgoingMessage = AlertMessage> {
  /** The value of the outbox's `channel` column, e.g. "email". */
  readonly kind: string;
  /**
   * Whether each target is delivered on its own (one endpoint per target, as each configured
   * webhook is), so that targets are served side by side and a slow one delays only its own
   * rows. Absent: the targets share one server (email's SMTP server), served one at a time.
   */
  readonly perTarget?: boolean;
  /** Null when `target` is deliverable on this channel, else why not (for people). */
  validateTarget(target: string): string | null;
  /** Renders what is sent for an alert (email: subject, plain text and HTML). */
  buildMessage(facts: AlertFacts): M;
  /** Delivers `message` to `target`; resolves once the receiving end has accepted it. */
  send(message: M, target: string, opts: SendOptions): Promise<DeliveryReceipt>;
  /** What an error thrown by `send` means for retries. */
  classifyError(err: unknown): ClassifiedError;
}

// deno-lint-ignore no-explicit-any -- each channel sends only the message it built itself
export type AnyChannel = AlertChannel<any>;

/** The channels the sender may deliver through, by kind. */
export type ChannelRegistry = ReadonlyMap<string, AnyChannel>;

/** A registry of `channels`; throws on two channels of the same kind. */
export function channelRegistry(...channels: AnyChannel[]): Map<string, AnyChannel> {
  const out = new Map<string, AnyChannel>();
  for (const c of channels) {
    if (out.has(c.kind)) throw new TypeError(`Two alert channels of kind "${c.kind}"`);
    out.set(c.kind, c);
  }
  return out;
}

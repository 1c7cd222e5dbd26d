/**
 * What a notification channel kind is (webhook, Slack, PagerDuty, …): its settings, how an alert
 * becomes one HTTP request to the service, and what the service's answer means. Kinds are pure
 * data and functions (no I/O), so each one's message format and error reading is table-tested;
 * ./http.ts turns a kind into an {@link AlertChannel} that sends through the outbox.
 */
import type { AlertFacts } from "../message.ts";
import type { ClassifiedError } from "../channel.ts";

/** One setting of a channel kind, as the settings form and the API show it. */
export interface ChannelField {
  /** The key in `ChannelRecord.config` and in the API's `config` object. */
  name: string;
  label: string;
  /**
   * `url`: an http(s) URL; `secret`: never shown back in full (tokens, keys); `text`: one line;
   * `lines`: several lines (custom headers as `Name: value`); `select`: one of `options`.
   * A `url` field holding credentials (a webhook URL with a token in it) sets `secret` too.
   */
  type: "url" | "text" | "secret" | "lines" | "select";
  required: boolean;
  /** Shown back masked (like `secret`) even though its type is url/text. */
  secret?: boolean;
  hint?: string;
  placeholder?: string;
  options?: readonly string[];
  default?: string;
}

/** One HTTP request to the service. */
export interface HttpRequest {
  url: string;
  method: "POST" | "PUT";
  headers: Record<string, string>;
  body: string;
}

/** What the service answered. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body, cut to a few KiB. */
  body: string;
}

/** A notification channel kind. */
export interface ChannelKind {
  /** The outbox `channel` value and the API's `kind`, e.g. "slack". */
  readonly kind: string;
  /** For people: "Slack (incoming webhook)". */
  readonly label: string;
  readonly fields: readonly ChannelField[];
  /** Field errors of a (trimmed) config by field name, or null when it is usable. */
  validate(config: Record<string, string>): Record<string, string> | null;
  /**
   * The request that delivers `facts`. `idempotencyKey` is stable per outbox row (a resend after
   * a crash carries the same one). May be async (HMAC signatures use crypto.subtle).
   */
  request(
    facts: AlertFacts,
    config: Record<string, string>,
    opts: { idempotencyKey: string },
  ): HttpRequest | Promise<HttpRequest>;
  /**
   * Null when the service accepted the message; else what the failure means: 429, 5xx and 408
   * are `retry` (with `retryAfterMs` from Retry-After when given), other 4xx `permanent`, with
   * the service's own words in `message`. Never contains a secret.
   */
  classify(answer: HttpAnswer): ClassifiedError | null;
}

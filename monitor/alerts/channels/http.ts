/**
 * Turns a {@link ChannelKind} into an {@link AlertChannel}: the outbox row's target is a channel
 * id, whose settings are loaded at send time (an edit applies to alerts still queued; a deleted
 * channel fails its rows for good). One HTTP request per alert, bounded by a timeout and the
 * sender's signal, the answer read up to {@link MAX_ANSWER_BYTES} and judged by the kind.
 *
 * Errors never carry a secret: the channel's secrets (tokens, webhook URLs and their paths) are
 * removed from every message, and a failed fetch is described by host, never by URL (Deno's
 * fetch errors quote the full URL, and a Telegram URL holds the bot token).
 */
import { readCapped } from "../../read_capped.ts";
import type { AlertChannel, ClassifiedError, OutgoingMessage } from "../channel.ts";
import type { AlertFacts } from "../message.ts";
import type { ChannelRecord } from "../../store/records.ts";
import { classifyError as classifyFetchError, errorText, probeDeadline } from "../../classify.ts";
import {
  alertSubject,
  cut,
  excerpt,
  oneLine,
  redactUrls,
  removeSecrets,
  secretsOf,
  testFacts,
} from "./common.ts";
import { CHANNEL_KINDS, trimConfig } from "./index.ts";
import type { ChannelKind, HttpAnswer } from "./spec.ts";
import { formatDuration } from "../message.ts";

/** What an HTTP channel renders: the outbox subject, and the facts each kind formats itself. */
export interface ChannelMessage extends OutgoingMessage {
  subject: string;
  facts: AlertFacts;
}

/** Default time for one request, answer included. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** How much of an answer is read (the rest is discarded unread). */
export const MAX_ANSWER_BYTES = 4096;

/** A failed send, with what it means for retries (what `classifyError` returns). */
export class ChannelSendError extends Error {
  readonly classified: ClassifiedError;
  constructor(classified: ClassifiedError) {
    super(classified.message);
    this.name = "ChannelSendError";
    this.classified = classified;
  }
}

const permanent = (message: string) => new ChannelSendError({ class: "permanent", message });

/** Options of {@link httpChannel} and {@link sendTest}. */
export interface HttpChannelOptions {
  /** Time for one request including reading the answer (default 10 s). */
  timeoutMs?: number;
  /** The fetch to use (tests). */
  fetch?: typeof fetch;
}

/** What one delivered request answered. */
export interface Delivered {
  status: number;
  /** `HTTP 200 <excerpt of the answer>`. */
  response: string;
}

/** `HTTP 404: …` → `HTTP 404 from host: …`. */
function withHost(message: string, host: string): string {
  return /^HTTP \d{3}/.test(message)
    ? message.replace(/^HTTP (\d{3})/, `HTTP $1 from ${host}`)
    : `${host}: ${message}`;
}

/** Every URL in `text` replaced by its host (fetch errors quote the URL, secrets and all). */
function urlsToHosts(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s)]+/gi, (u) => {
    try {
      return new URL(u).host;
    } catch {
      return "(URL)";
    }
  });
}

/**
 * Sends `facts` through `kind` with `config` (trimmed, validated by the caller). Resolves with
 * the answer when the service accepted it, else throws a {@link ChannelSendError}.
 */
export async function deliver(
  kind: ChannelKind,
  config: Record<string, string>,
  facts: AlertFacts,
  o: HttpChannelOptions & { idempotencyKey: string; signal?: AbortSignal },
): Promise<Delivered> {
  const secrets = secretsOf(kind, config);
  const clean = (s: string) => removeSecrets(redactUrls(s), secrets);
  let req;
  try {
    req = await kind.request(facts, config, { idempotencyKey: o.idempotencyKey });
  } catch (err) {
    throw permanent(clean(`Could not build the ${kind.kind} request: ${errorText(err)}`));
  }
  let host: string;
  let headers: Headers;
  try {
    host = new URL(req.url).host;
  } catch {
    throw permanent(`The ${kind.kind} channel's URL is not valid`);
  }
  try {
    headers = new Headers(req.headers);
  } catch {
    throw permanent(`A header of the ${kind.kind} request is not valid (non-Latin-1 characters)`);
  }
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = probeDeadline(
    timeoutMs,
    `no answer from ${host} within ${
      timeoutMs % 1000 ? `${timeoutMs} ms` : formatDuration(timeoutMs)
    }`,
    o.signal,
  );
  const doFetch = o.fetch ?? fetch;
  try {
    const res = await deadline.bound(doFetch(req.url, {
      method: req.method,
      headers,
      body: req.body,
      signal: deadline.signal,
      // A 301/302 would turn the POST into a GET that "succeeds": report redirects instead.
      redirect: "manual",
    }));
    const body = await deadline.bound(readCapped(res.body, MAX_ANSWER_BYTES));
    const answer: HttpAnswer = { status: res.status, headers: res.headers, body };
    const verdict = kind.classify(answer);
    if (verdict) {
      throw new ChannelSendError({ ...verdict, message: clean(withHost(verdict.message, host)) });
    }
    const words = excerpt(body, 200);
    return { status: res.status, response: clean(`HTTP ${res.status}${words ? ` ${words}` : ""}`) };
  } catch (err) {
    if (err instanceof ChannelSendError) throw err;
    if (deadline.signal.aborted) {
      const reason = deadline.signal.reason as DOMException;
      throw new ChannelSendError({
        class: "retry",
        message: reason?.name === "TimeoutError"
          ? clean(reason.message.replace(/^Timed out: n/, "N"))
          : `Sending to ${host} was cancelled (the sender is stopping)`,
      });
    }
    const { message } = classifyFetchError(err);
    throw new ChannelSendError({
      class: "retry",
      message: clean(cut(oneLine(`Could not reach ${host}: ${urlsToHosts(message)}`), 500)),
    });
  } finally {
    deadline.dispose();
  }
}

/** What an error thrown by an HTTP channel's `send` means (anything unexpected is retried). */
export function classifyChannelError(err: unknown): ClassifiedError {
  if (err instanceof ChannelSendError) return err.classified;
  return { class: "retry", message: cut(oneLine(redactUrls(errorText(err))), 300) };
}

/** Why `target` is not a channel id, or null. */
export function checkChannelTarget(target: string): string | null {
  return /^[1-9]\d{0,14}$/.test(target) ? null : `Not a channel id: "${cut(oneLine(target), 40)}"`;
}

/**
 * The {@link AlertChannel} of `kind`: outbox rows `(kind.kind, String(channel id))`, settings
 * from `load(id)` at each send.
 */
export function httpChannel(
  kind: ChannelKind,
  load: (id: number) => Promise<ChannelRecord | null>,
  opts: HttpChannelOptions = {},
): AlertChannel<ChannelMessage> {
  return {
    kind: kind.kind,
    // Each configured channel is its own endpoint: one that hangs holds up only its own rows.
    perTarget: true,
    validateTarget: checkChannelTarget,
    buildMessage: (facts) => ({ subject: alertSubject(facts), facts }),
    async send(message, target, { idempotencyKey, signal }) {
      const bad = checkChannelTarget(target);
      if (bad) throw permanent(bad);
      const record = await load(Number(target));
      if (!record) throw permanent(`channel ${target} was deleted`);
      if (record.kind !== kind.kind) {
        throw permanent(`channel ${target} is a ${record.kind} channel, not ${kind.kind}`);
      }
      const config = trimConfig(record.config);
      const invalid = kind.validate(config);
      if (invalid) {
        const why = Object.entries(invalid).map(([k, v]) => `${k}: ${v}`).join(" ");
        throw permanent(`channel ${target} has invalid settings (${why})`);
      }
      const done = await deliver(kind, config, message.facts, { ...opts, idempotencyKey, signal });
      return { response: done.response };
    },
    classifyError: classifyChannelError,
  };
}

/** Options of {@link sendTest}: the test facts, or what to build them from. */
export interface SendTestOptions extends HttpChannelOptions {
  /** The alert to send; default {@link testFacts}(`now`, `dashboardUrl`). */
  facts?: AlertFacts;
  /** Where the test message's dashboard link points (when `facts` is not given). */
  dashboardUrl?: string;
  now?: number;
  signal?: AbortSignal;
}

/**
 * Sends the test alert ({@link testFacts}) with unsaved or saved settings, for the "Send test"
 * button. Resolves when the service accepted it; else throws an Error whose message is what
 * went wrong, as exactly as it can be said without secrets: `Invalid settings: …`, the remote
 * status and answer (`HTTP 404 from hooks.slack.com: no_service`) or the network error.
 */
export async function sendTest(
  kind: string | ChannelKind,
  config: Record<string, string>,
  opts: SendTestOptions = {},
): Promise<{ ok: true; status: number; response: string }> {
  const k = typeof kind === "string" ? CHANNEL_KINDS.get(kind) : kind;
  if (!k) throw new Error(`Unknown channel kind: ${cut(oneLine(String(kind)), 40)}`);
  const trimmed = trimConfig(config);
  const invalid = k.validate(trimmed);
  if (invalid) {
    throw new Error(
      `Invalid settings: ${Object.entries(invalid).map(([f, m]) => `${f}: ${m}`).join(" ")}`,
    );
  }
  const facts = opts.facts ?? testFacts(opts.now ?? Date.now(), opts.dashboardUrl ?? "");
  const done = await deliver(k, trimmed, facts, {
    ...opts,
    idempotencyKey: `test-${crypto.randomUUID()}`,
  });
  return { ok: true, status: done.status, response: done.response };
}

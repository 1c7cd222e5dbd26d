/**
 * The SMTP transport (nodemailer) built from EmailConfig, and what its errors mean for retries.
 *
 * TLS follows the Django settings the variables come from: EMAIL_USE_SSL = implicit TLS,
 * EMAIL_USE_TLS = STARTTLS required, neither = plain SMTP (no opportunistic STARTTLS, so a
 * server advertising STARTTLS with a bad certificate cannot break a plain setup). Certificates
 * are always verified.
 */
import nodemailer from "nodemailer";
import type { SMTPTransportOptions } from "nodemailer";
import type { EmailConfig } from "../config.ts";
import { escapeHtml } from "./message.ts";

/** Timeouts and trust; the defaults keep one dead server from holding the sender for long. */
export interface SmtpOptions {
  /** TCP connect. Default 10 s. */
  connectionTimeoutMs?: number;
  /** Connected → "220" greeting. Default 10 s. */
  greetingTimeoutMs?: number;
  /** Idle socket during the session. Default 30 s. */
  socketTimeoutMs?: number;
  /** Extra PEM certificates to trust (tests trust their fixture's self-signed certificate). */
  ca?: string[];
}

/** One email to one recipient. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A stable Message-ID, so a resend after a crash can be recognised as the same message. */
  messageId?: string;
}

/** What the server answered when it accepted a message. */
export interface SentInfo {
  response: string;
  messageId: string;
}

/** Sends mail; `close()` releases the transport. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<SentInfo>;
  close(): void;
}

/** An SMTP failure described for people and for the retry policy. */
export interface SmtpFailure {
  /** `<server's words> (<code>, <command>)`, never containing the password. */
  message: string;
  code: string | null;
  command: string | null;
  responseCode: number | null;
  /** Retrying cannot help: the server refused this recipient or message for good (5xx). */
  permanent: boolean;
  /** The server itself is unreachable or refusing us; other messages would fail the same way. */
  serverLevel: boolean;
}

/**
 * The EHLO name. nodemailer would call os.hostname(), which makes Deno prompt on a terminal
 * (blocking the whole process) unless --allow-sys=hostname was given; ask without prompting.
 */
function ehloName(): string {
  try {
    const state = Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state;
    if (state === "granted") {
      const h = Deno.hostname();
      if (/^[a-z0-9.-]+\.[a-z0-9-]+$/i.test(h)) return h;
    }
  } catch { /* not a Deno we know: fall back */ }
  return "localhost";
}

/** nodemailer options for `email`. */
export function transportOptions(email: EmailConfig, opts: SmtpOptions = {}): SMTPTransportOptions {
  return {
    host: email.host ?? undefined,
    port: email.port,
    secure: email.useSsl,
    requireTLS: email.useTls,
    ignoreTLS: !email.useTls && !email.useSsl,
    auth: email.user ? { user: email.user, pass: email.password ?? "" } : undefined,
    name: ehloName(),
    connectionTimeout: opts.connectionTimeoutMs ?? 10_000,
    greetingTimeout: opts.greetingTimeoutMs ?? 10_000,
    socketTimeout: opts.socketTimeoutMs ?? 30_000,
    dnsTimeout: opts.connectionTimeoutMs ?? 10_000,
    tls: opts.ca ? { ca: opts.ca } : undefined,
    logger: false,
    debug: false,
  };
}

/** A Mailer for `email` (which must have a host). One connection per message, none kept open. */
export function createMailer(email: EmailConfig, opts: SmtpOptions = {}): Mailer {
  if (!email.host) throw new TypeError("Cannot create a mailer: EMAIL_HOST is not set");
  const transport = nodemailer.createTransport(transportOptions(email, opts));
  const from = { name: email.fromName ?? "Server Health Checker", address: email.from };
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: {
          // RFC 3834: tells vacation responders and ticket systems not to answer.
          "Auto-Submitted": "auto-generated",
          "X-Auto-Response-Suppress": "All",
        },
      });
      return { response: String(info.response ?? ""), messageId: String(info.messageId ?? "") };
    },
    close: () => transport.close(),
  };
}

const MESSAGE_LEVEL = new Set(["EENVELOPE", "EMESSAGE"]);

/** Describes a nodemailer error; each of `secrets` is replaced by `***` wherever it appears. */
export function describeSmtpError(err: unknown, secrets: (string | null)[] = []): SmtpFailure {
  const e = (typeof err === "object" && err !== null ? err : {}) as Record<string, unknown>;
  const code = typeof e.code === "string" ? e.code : null;
  const command = typeof e.command === "string" ? e.command : null;
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : null;
  let text = err instanceof Error ? err.message : String(err);
  for (const s of secrets) if (s) text = text.replaceAll(s, "***");
  const where = [code, command].filter((x) => x !== null).join(", ");
  // A refused sender (MAIL FROM) is the server's verdict on our configuration, not on one
  // recipient: retry it like a server failure instead of failing every alert at once.
  const senderRefused = command !== null && /^MAIL\b/i.test(command);
  const messageLevel = code !== null && MESSAGE_LEVEL.has(code) && !senderRefused;
  return {
    message: where ? `${text} (${where})` : text,
    code,
    command,
    responseCode,
    permanent: messageLevel && responseCode !== null && responseCode >= 500,
    serverLevel: !messageLevel,
  };
}

/** How the connection to the SMTP server is secured, in words (settings, logs, test email). */
export function tlsMode(email: EmailConfig): "implicit TLS" | "STARTTLS" | "no TLS" {
  return email.useSsl ? "implicit TLS" : email.useTls ? "STARTTLS" : "no TLS";
}

/** Sends the `sendtestemail` message to `to` through `mailer`. */
export function sendTestEmail(mailer: Mailer, email: EmailConfig, to: string): Promise<SentInfo> {
  const now = new Date().toISOString();
  const mode = tlsMode(email);
  const text = [
    "This is a test email from Server Health Checker.",
    "",
    `Sent at:     ${now}`,
    `SMTP server: ${email.host}:${email.port} (${mode})`,
    `From:        ${email.from}`,
    "",
    "If you can read this, DOWN and RECOVERED alerts can reach this address.",
    "",
  ].join("\n");
  return mailer.send({
    to,
    subject: "Server Health Checker test email",
    text,
    html: `<pre style="font-family:monospace">${escapeHtml(text)}</pre>`,
  });
}

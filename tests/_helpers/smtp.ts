/**
 * A real in-process SMTP server for tests (smtp-server): STARTTLS on a self-signed certificate,
 * AUTH PLAIN/LOGIN after TLS, messages collected and decoded, stoppable and restartable on the
 * same port, with switchable failure modes. Binds 127.0.0.1 only.
 *
 * Permissions: --allow-net, and --allow-run=openssl --allow-read --allow-write for the
 * certificate (made once per process in a temp dir).
 *
 * @example
 * ```ts
 * await using smtp = await startSmtpServer();
 * const config = smtp.emailConfig(); // point the app at it; trust smtp.smtpOptions.ca
 * const [mail] = await smtp.waitForMessages(1);
 * ```
 */
import { SMTPServer } from "smtp-server";
import type { EmailConfig } from "../../monitor/config.ts";
import type { SmtpOptions } from "../../monitor/alerts/smtp.ts";
import { type PemPair, selfSignedCert } from "./targets.ts";

/** One message the server accepted, decoded. */
export interface ReceivedMail {
  /** Envelope sender and recipients (what SMTP said, not the headers). */
  from: string;
  to: string[];
  /** The AUTH user, or null without AUTH. */
  user: string | null;
  /** Whether the session had switched to TLS. */
  secure: boolean;
  /** Lower-cased header names → decoded values. */
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
  raw: string;
  receivedAt: number;
}

/** Switchable failures; change them at any time. */
export interface SmtpFailureModes {
  /** Answer every AUTH with 535. */
  rejectAuth: boolean;
  /** Answer RCPT TO with 550 for these addresses (lower case). */
  rejectRecipients: Set<string>;
  /** Answer the end of DATA with 451 (temporary failure). */
  tempFailData: boolean;
}

/** Options for {@link startSmtpServer}. */
export interface SmtpServerOptions {
  user?: string;
  pass?: string;
  /** Offer STARTTLS (and require it before AUTH). Default true. */
  tls?: boolean;
  /** Require AUTH. Default true. */
  auth?: boolean;
}

/** A running fixture. */
export interface SmtpFixture extends AsyncDisposable {
  host: string;
  port: number;
  /** The certificate the server presents (PEM), for the client to trust. */
  cert: string;
  user: string;
  pass: string;
  readonly messages: ReceivedMail[];
  readonly running: boolean;
  failures: SmtpFailureModes;
  /** An EmailConfig pointing at this server (STARTTLS + AUTH unless configured otherwise). */
  emailConfig(over?: Partial<EmailConfig>): EmailConfig;
  /** Client options that trust the certificate and use short timeouts. */
  smtpOptions: SmtpOptions;
  /** Stops listening and drops sessions; the port stays reserved for {@link restart}. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  /** Stops for good. Idempotent. */
  close(): Promise<void>;
  /** Waits until at least `n` messages arrived (polling, bounded); returns them all. */
  waitForMessages(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
}

/**
 * The SMTP fixture's certificate: an end-entity one, since Deno's TLS refuses a CA certificate
 * used as a server certificate (so not the probe targets' default).
 */
export function smtpCert(): Promise<PemPair> {
  return selfSignedCert("leaf");
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** Starts the fixture on 127.0.0.1 and a free port. */
export async function startSmtpServer(opts: SmtpServerOptions = {}): Promise<SmtpFixture> {
  const { cert, key } = await smtpCert();
  const user = opts.user ?? "alerts@example.test";
  const pass = opts.pass ?? "correct horse battery staple";
  const useTls = opts.tls ?? true;
  const useAuth = opts.auth ?? true;
  const messages: ReceivedMail[] = [];
  const failures: SmtpFailureModes = {
    rejectAuth: false,
    rejectRecipients: new Set(),
    tempFailData: false,
  };

  const make = () => {
    const server = new SMTPServer({
      secure: false,
      ...(useTls ? { key, cert } : { hideSTARTTLS: true }),
      // Without a name smtp-server calls os.hostname() (a sys permission).
      name: "smtp.test",
      logger: false,
      closeTimeout: 200,
      authMethods: ["PLAIN", "LOGIN"],
      authOptional: !useAuth,
      allowInsecureAuth: !useTls,
      disabledCommands: useAuth ? [] : ["AUTH"],
      onAuth(auth, _session, cb) {
        if (failures.rejectAuth || auth.username !== user || auth.password !== pass) {
          return cb(smtpError("Invalid username or password", 535));
        }
        cb(null, { user: auth.username });
      },
      onRcptTo(address, _session, cb) {
        if (failures.rejectRecipients.has(address.address.toLowerCase())) {
          return cb(smtpError(`<${address.address}>: Recipient address rejected`, 550));
        }
        cb();
      },
      onData(stream, session, cb) {
        const chunks: Uint8Array[] = [];
        stream.on("data", (c: Uint8Array) => chunks.push(c));
        stream.on("end", () => {
          if (failures.tempFailData) return cb(smtpError("Try again later", 451));
          const raw = new TextDecoder().decode(concat(chunks));
          messages.push({
            ...parseMail(raw),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === "string" ? session.user : null,
            secure: session.secure,
            raw,
            receivedAt: Date.now(),
          });
          cb(null, "OK: message queued");
        });
      },
    });
    // Without this a client aborting a TLS handshake crashes the whole process (platform-facts §8).
    server.on("error", () => {});
    return server;
  };

  let server: SMTPServer | null = null;
  let port = 0;
  const listen = async () => {
    const s = make();
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        s.server.off("error", reject);
        resolve();
      });
    });
    port = (s.server.address() as { port: number }).port;
    server = s;
  };
  const stop = async () => {
    const s = server;
    if (!s) return;
    server = null;
    // Both: the callback (closeTimeout passed or all sessions ended) and the listener closing.
    const closed = new Promise<void>((r) => s.server.once("close", () => r()));
    await new Promise<void>((r) => s.close(() => r()));
    await closed;
  };
  await listen();

  const fixture: SmtpFixture = {
    host: "127.0.0.1",
    port,
    cert,
    user,
    pass,
    messages,
    get running() {
      return server !== null;
    },
    failures,
    emailConfig: (over = {}) => ({
      host: "127.0.0.1",
      port,
      user: useAuth ? user : null,
      password: useAuth ? pass : null,
      useTls,
      useSsl: false,
      from: "health@example.test",
      fromName: null,
      adminEmail: null,
      ...over,
    }),
    smtpOptions: {
      ca: [cert],
      connectionTimeoutMs: 2_000,
      greetingTimeoutMs: 2_000,
      socketTimeoutMs: 5_000,
    },
    stop,
    restart: async () => {
      if (!server) await listen();
    },
    close: stop,
    async waitForMessages(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline) {
          throw new Error(
            `Expected ${n} message(s) within ${timeoutMs} ms, got ${messages.length}: ${
              JSON.stringify(messages.map((m) => [m.to, m.subject]))
            }`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages;
    },
    [Symbol.asyncDispose]: stop,
  };
  return fixture;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

// --- A small MIME reader: enough for what nodemailer writes (multipart/alternative, QP/base64).

const utf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const b64 = (s: string) => Uint8Array.from(atob(s.replace(/\s+/g, "")), (c) => c.charCodeAt(0));

function qp(s: string, underscoreIsSpace = false): Uint8Array {
  const src = (underscoreIsSpace ? s.replace(/_/g, " ") : s).replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const hex = src[i] === "=" ? src.slice(i + 1, i + 3) : "";
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(src[i]));
  }
  return new Uint8Array(bytes);
}

/** Decodes RFC 2047 encoded words (joining adjacent ones). */
export function decodeWords(v: string): string {
  return v
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, "$1")
    .replace(
      /=\?[^?]+\?([BbQq])\?([^?]*)\?=/g,
      (_, enc: string, data: string) =>
        utf8(enc.toUpperCase() === "B" ? b64(data) : qp(data, true)),
    );
}

function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) {
      headers.set(line.slice(0, i).trim().toLowerCase(), decodeWords(line.slice(i + 1).trim()));
    }
  }
  return headers;
}

function splitPart(s: string): [Map<string, string>, string] {
  const m = /\r?\n\r?\n/.exec(s);
  return m
    ? [parseHeaders(s.slice(0, m.index)), s.slice(m.index + m[0].length)]
    : [parseHeaders(s), ""];
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const cte = (headers.get("content-transfer-encoding") ?? "").toLowerCase();
  if (cte === "quoted-printable") return utf8(qp(body));
  if (cte === "base64") return utf8(b64(body));
  return body;
}

/** Text and HTML bodies of a message (first of each). */
function parseMail(
  raw: string,
): { headers: Map<string, string>; subject: string; text: string; html: string } {
  const [headers, body] = splitPart(raw);
  const out = { text: "", html: "" };
  const walk = (h: Map<string, string>, b: string) => {
    const type = (h.get("content-type") ?? "text/plain").toLowerCase();
    const boundary = /boundary="?([^";]+)"?/i.exec(h.get("content-type") ?? "")?.[1];
    if (type.startsWith("multipart/") && boundary) {
      for (const part of b.split(`--${boundary}`).slice(1)) {
        if (part.startsWith("--")) break;
        const [ph, pb] = splitPart(part.replace(/^\r?\n/, ""));
        walk(ph, pb);
      }
    } else if (type.startsWith("text/html") && !out.html) out.html = decodeBody(h, b);
    else if (type.startsWith("text/plain") && !out.text) out.text = decodeBody(h, b);
  };
  walk(headers, body);
  return { headers, subject: headers.get("subject") ?? "", ...out };
}

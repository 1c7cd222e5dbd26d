/** Configuration: environment variables → one validated, typed `Config`. */

/** SMTP settings; `host` null means alerts are not sent. */
export interface EmailConfig {
  host: string | null;
  port: number;
  user: string | null;
  password: string | null;
  /** STARTTLS after connecting (EMAIL_USE_TLS). */
  useTls: boolean;
  /** Implicit TLS from the first byte (EMAIL_USE_SSL). */
  useSsl: boolean;
  /** The sender's bare address (DEFAULT_FROM_EMAIL, without a display name). */
  from: string;
  /** The display name from `DEFAULT_FROM_EMAIL="Name <address>"`, if given. */
  fromName: string | null;
  /** Receives every DOWN and RECOVERED alert; null = nobody extra. */
  adminEmail: string | null;
}

/** The resolved configuration. */
export interface Config {
  host: string;
  port: number;
  databasePath: string;
  /** A PostgreSQL URL (postgres://…): the store then runs there and DATABASE_PATH is unused. */
  databaseUrl: string | null;
  checkConcurrency: number;
  retentionDays: number;
  /** Public base URL used in links inside emails, without a trailing slash. */
  baseUrl: string;
  email: EmailConfig;
  /** Alerts not delivered after this many hours are given up (and shown as failed). */
  alertMaxAgeHours: number;
  sessionTtlHours: number;
  logLevel: "debug" | "info" | "warn" | "error";
}

/** One documented variable: its default and how it is parsed. */
interface Variable {
  name: string;
  default: string;
  describe: string;
}

/** Every variable with its default, in the order of `.env.example`. */
export const VARIABLES: Variable[] = [
  { name: "HOST", default: "127.0.0.1", describe: "Address the dashboard and API listen on" },
  { name: "PORT", default: "8000", describe: "TCP port, 1-65535" },
  {
    name: "DATABASE_PATH",
    default: "data/health.db",
    describe: "SQLite file, created on first start",
  },
  {
    name: "DATABASE_URL",
    default: "",
    describe: "postgres://user:password@host:5432/db to store in PostgreSQL instead of SQLite",
  },
  {
    name: "CHECK_CONCURRENCY",
    default: "100",
    describe: "Probes allowed in flight at once, 1-10000",
  },
  {
    name: "RETENTION_DAYS",
    default: "30",
    describe: "Days raw checks are kept, 1-3650 (rollups: 1 year)",
  },
  {
    name: "BASE_URL",
    default: "",
    describe: "Public URL for links in emails; default http://HOST:PORT",
  },
  { name: "EMAIL_HOST", default: "", describe: "SMTP server; empty = alerts are not sent" },
  { name: "EMAIL_PORT", default: "587", describe: "SMTP port" },
  { name: "EMAIL_HOST_USER", default: "", describe: "SMTP user name (empty = no AUTH)" },
  { name: "EMAIL_HOST_PASSWORD", default: "", describe: "SMTP password" },
  { name: "EMAIL_USE_TLS", default: "false", describe: "STARTTLS after connecting (true/false)" },
  {
    name: "EMAIL_USE_SSL",
    default: "false",
    describe: "Implicit TLS, usually port 465 (true/false)",
  },
  {
    name: "DEFAULT_FROM_EMAIL",
    default: "server-health-checker@localhost",
    describe: "Sender address",
  },
  { name: "ADMIN_EMAIL", default: "", describe: "Receives every DOWN and RECOVERED alert" },
  {
    name: "ALERT_MAX_AGE_HOURS",
    default: "24",
    describe: "Give up delivering an alert after this long",
  },
  { name: "SESSION_TTL_HOURS", default: "168", describe: "Dashboard login lifetime in hours" },
  { name: "LOG_LEVEL", default: "info", describe: "debug, info, warn or error" },
];

/** Thrown when the environment holds bad values; lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

const EMAIL_RE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;

/** Whether `s` looks like a deliverable address (local@domain, no spaces or separators). */
export function isEmailAddress(s: string): boolean {
  return EMAIL_RE.test(s) && s.length <= 254;
}

/** Parses `env` (defaults applied) into a `Config`, or throws `ConfigError` naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const raw = (name: string): string => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? VARIABLES.find((x) => x.name === name)!.default : v;
  };
  const int = (name: string, min: number, max: number): number => {
    const v = raw(name);
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, received "${v}"`);
      return min;
    }
    return n;
  };
  const flag = (name: string): boolean => {
    const v = raw(name).toLowerCase();
    if (["true", "1", "yes", "on"].includes(v)) return true;
    if (["false", "0", "no", "off"].includes(v)) return false;
    problems.push(`${name} must be true or false, received "${raw(name)}"`);
    return false;
  };
  // "Ops Team <ops@example.com>" is accepted as Django's settings allow it; the address is
  // what SMTP, Message-IDs and de-duplication use, the name only the From header.
  const email = (
    name: string,
    optional: boolean,
  ): { address: string; name: string | null } | null => {
    const v = raw(name);
    if (v === "" && optional) return null;
    const m = /^\s*"?([^<>"]*?)"?\s*<([^<>]+)>\s*$/.exec(v);
    const address = (m?.[2] ?? v).trim();
    if (!isEmailAddress(address)) {
      problems.push(`${name} must be an email address (or Name <address>), received "${v}"`);
    }
    return { address, name: m?.[1].trim() || null };
  };
  const sender = email("DEFAULT_FROM_EMAIL", false)!;

  const host = raw("HOST");
  const port = int("PORT", 1, 65535);
  const databasePath = raw("DATABASE_PATH");
  const databaseUrl = raw("DATABASE_URL") || null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\/[^\s]+$/i.test(databaseUrl)) {
    // Never echo the value: it usually carries a password.
    problems.push(
      "DATABASE_URL must be a PostgreSQL URL like postgres://user:password@host:5432/dbname",
    );
  }
  let baseUrl = raw("BASE_URL").replace(/\/+$/, "");
  if (baseUrl === "") {
    baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  } else if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
    problems.push(`BASE_URL must be an http:// or https:// URL, received "${baseUrl}"`);
  }
  const useTls = flag("EMAIL_USE_TLS");
  const useSsl = flag("EMAIL_USE_SSL");
  if (useTls && useSsl) {
    problems.push(
      "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true: pick STARTTLS or implicit TLS",
    );
  }
  const logLevel = raw("LOG_LEVEL").toLowerCase();
  if (!["debug", "info", "warn", "error"].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be debug, info, warn or error, received "${raw("LOG_LEVEL")}"`);
  }
  const config: Config = {
    host,
    port,
    databasePath,
    databaseUrl,
    checkConcurrency: int("CHECK_CONCURRENCY", 1, 10_000),
    retentionDays: int("RETENTION_DAYS", 1, 3650),
    baseUrl,
    email: {
      host: raw("EMAIL_HOST") || null,
      port: int("EMAIL_PORT", 1, 65535),
      user: raw("EMAIL_HOST_USER") || null,
      password: raw("EMAIL_HOST_PASSWORD") || null,
      useTls,
      useSsl,
      from: sender.address,
      fromName: sender.name,
      adminEmail: email("ADMIN_EMAIL", true)?.address ?? null,
    },
    alertMaxAgeHours: int("ALERT_MAX_AGE_HOURS", 1, 24 * 365),
    sessionTtlHours: int("SESSION_TTL_HOURS", 1, 24 * 365),
    logLevel: logLevel as Config["logLevel"],
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

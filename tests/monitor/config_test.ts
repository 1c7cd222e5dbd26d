import assert from "node:assert/strict";
import { ConfigError, isEmailAddress, loadConfig, VARIABLES } from "../../monitor/config.ts";

Deno.test("loadConfig() fills every default from an empty environment", () => {
  assert.deepEqual(loadConfig({}), {
    host: "127.0.0.1",
    port: 8000,
    databasePath: "data/health.db",
    databaseUrl: null,
    checkConcurrency: 100,
    retentionDays: 30,
    baseUrl: "http://127.0.0.1:8000",
    email: {
      host: null,
      port: 587,
      user: null,
      password: null,
      useTls: false,
      useSsl: false,
      from: "server-health-checker@localhost",
      fromName: null,
      adminEmail: null,
    },
    alertMaxAgeHours: 24,
    sessionTtlHours: 168,
    logLevel: "info",
  });
});

Deno.test("loadConfig() treats empty and blank values as unset", () => {
  assert.deepEqual(loadConfig({ PORT: "", CHECK_CONCURRENCY: "  " }), loadConfig({}));
});

Deno.test("loadConfig() reads good values", () => {
  const cases: [Record<string, string>, (c: ReturnType<typeof loadConfig>) => unknown, unknown][] =
    [
      [{ PORT: "1" }, (c) => c.port, 1],
      [{ PORT: "65535" }, (c) => c.port, 65535],
      [{ HOST: "0.0.0.0", PORT: "9000" }, (c) => c.baseUrl, "http://0.0.0.0:9000"],
      [{ HOST: "::1", PORT: "9000" }, (c) => c.baseUrl, "http://[::1]:9000"],
      [{ BASE_URL: "https://status.example.com/" }, (c) => c.baseUrl, "https://status.example.com"],
      [{ DATABASE_PATH: "/tmp/x.db" }, (c) => c.databasePath, "/tmp/x.db"],
      [
        { DATABASE_URL: "postgres://u:pw@db:5432/shc" },
        (c) => c.databaseUrl,
        "postgres://u:pw@db:5432/shc",
      ],
      [{ DATABASE_URL: "postgresql://db/shc" }, (c) => c.databaseUrl, "postgresql://db/shc"],
      [{ CHECK_CONCURRENCY: "10000" }, (c) => c.checkConcurrency, 10000],
      [{ RETENTION_DAYS: "1" }, (c) => c.retentionDays, 1],
      [{ EMAIL_USE_TLS: "TRUE" }, (c) => c.email.useTls, true],
      [{ EMAIL_USE_SSL: "yes" }, (c) => c.email.useSsl, true],
      [{ EMAIL_USE_TLS: "off" }, (c) => c.email.useTls, false],
      [{ EMAIL_HOST: "smtp.example.com" }, (c) => c.email.host, "smtp.example.com"],
      [{ ADMIN_EMAIL: "ops@example.com" }, (c) => c.email.adminEmail, "ops@example.com"],
      [{ LOG_LEVEL: "DEBUG" }, (c) => c.logLevel, "debug"],
    ];
  for (const [env, pick, expected] of cases) {
    assert.deepEqual(pick(loadConfig(env)), expected, JSON.stringify(env));
  }
});

/** Calls loadConfig expecting a ConfigError and returns its problems. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`);
}

Deno.test("loadConfig() names the variable and the value in each problem", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: "abc" }, /^PORT must be a whole number from 1 to 65535, received "abc"$/],
    [{ PORT: "0" }, /^PORT .*received "0"/],
    [{ PORT: "65536" }, /^PORT /],
    [{ PORT: "80.5" }, /^PORT /],
    [{ PORT: "-1" }, /^PORT /],
    [{ CHECK_CONCURRENCY: "0" }, /^CHECK_CONCURRENCY /],
    [{ RETENTION_DAYS: "3651" }, /^RETENTION_DAYS /],
    [{ EMAIL_PORT: "smtp" }, /^EMAIL_PORT /],
    [{ ALERT_MAX_AGE_HOURS: "0" }, /^ALERT_MAX_AGE_HOURS /],
    [{ SESSION_TTL_HOURS: "x" }, /^SESSION_TTL_HOURS /],
    [{ EMAIL_USE_TLS: "maybe" }, /^EMAIL_USE_TLS must be true or false, received "maybe"$/],
    [{ EMAIL_USE_SSL: "2" }, /^EMAIL_USE_SSL /],
    [{ EMAIL_USE_TLS: "true", EMAIL_USE_SSL: "true" }, /EMAIL_USE_TLS and EMAIL_USE_SSL/],
    [{ DEFAULT_FROM_EMAIL: "not an address" }, /^DEFAULT_FROM_EMAIL must be an email address/],
    [{ ADMIN_EMAIL: "ops" }, /^ADMIN_EMAIL /],
    [{ BASE_URL: "status.example.com" }, /^BASE_URL must be an http/],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL .*received "loud"/],
    [{ DATABASE_URL: "mysql://u:s3cret@db/shc" }, /^DATABASE_URL must be a PostgreSQL URL/],
  ];
  for (const [env, message] of cases) {
    const problems = problemsOf(env);
    assert.equal(problems.length, 1, `${JSON.stringify(env)} → ${problems.join(" | ")}`);
    assert.match(problems[0], message);
  }
});

Deno.test("loadConfig() never repeats a bad DATABASE_URL, which usually carries a password", () => {
  const problems = problemsOf({ DATABASE_URL: "mysql://u:s3cret@db/shc" });
  assert.equal(problems.length, 1);
  assert.doesNotMatch(problems[0], /s3cret/);
});

Deno.test("ConfigError lists every bad variable by name, not just the first", () => {
  const env = {
    PORT: "http",
    CHECK_CONCURRENCY: "many",
    RETENTION_DAYS: "0",
    EMAIL_USE_TLS: "perhaps",
    LOG_LEVEL: "verbose",
  };
  let error: ConfigError | undefined;
  try {
    loadConfig(env);
  } catch (err) {
    error = err as ConfigError;
  }
  assert.ok(error instanceof ConfigError);
  assert.equal(error.problems.length, 5);
  for (const name of Object.keys(env)) {
    assert.ok(error.problems.some((p) => p.startsWith(name + " ")), `${name} is not named`);
    assert.ok(error.message.includes(name), `${name} is missing from the message`);
  }
  assert.match(error.message, /^Invalid configuration:\n {2}- /);
});

Deno.test("every documented variable's default is itself valid", () => {
  const env = Object.fromEntries(VARIABLES.map((v) => [v.name, v.default]));
  assert.deepEqual(loadConfig(env), loadConfig({}));
});

Deno.test("isEmailAddress() accepts plain addresses only", () => {
  const cases: [string, boolean][] = [
    ["ops@example.com", true],
    ["first.last+tag@sub.example.org", true],
    ["ops", false],
    ["ops@", false],
    ["@example.com", false],
    ["two words@example.com", false],
    ["a@b@c", false],
    ["Ops <ops@example.com>", false],
    ["a,b@example.com", false],
    [`${"x".repeat(250)}@e.com`, false],
  ];
  for (const [s, ok] of cases) assert.equal(isEmailAddress(s), ok, s);
});

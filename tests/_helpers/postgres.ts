/**
 * A private PostgreSQL schema per test, on the server named by `TEST_DATABASE_URL`
 * (e.g. postgres://user:pw@127.0.0.1:5432/db).
 *
 * The store is pointed at the schema through its URL only, as the service will be through
 * `DATABASE_URL`: `?search_path=<schema>`. npm:postgres sends query parameters it does not know
 * as startup parameters of every connection, so each pooled connection starts in that schema
 * and the store's unqualified table names resolve there (monitor/store/postgres/db.ts).
 */
import postgres from "postgres";

/** The server tests may use, or null when `TEST_DATABASE_URL` is not set. */
export function testDatabaseUrl(): string | null {
  return Deno.env.get("TEST_DATABASE_URL") || null;
}

/** What to set to run the PostgreSQL tests. */
export const HOW_TO_ENABLE = "set TEST_DATABASE_URL=postgres://user:pw@127.0.0.1:5432/db to run";

/** A fresh schema, dropped with everything in it on dispose. */
export interface PgSchema extends AsyncDisposable {
  /** The schema's name. */
  schema: string;
  /** `base` with `search_path` set to the schema: what to open a store with. */
  url: string;
}

/** The URL `base` with its schema set to `schema`. */
export function urlForSchema(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set("search_path", schema);
  return url.toString();
}

/** Creates a uniquely named schema on `base` (default: `TEST_DATABASE_URL`). */
export async function pgSchema(base = testDatabaseUrl()): Promise<PgSchema> {
  if (!base) throw new Error(`No PostgreSQL for this test: ${HOW_TO_ENABLE}`);
  const schema = `shc_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`CREATE SCHEMA "${schema}"`);
  } catch (err) {
    await admin.end();
    throw err;
  }
  return {
    schema,
    url: urlForSchema(base, schema),
    async [Symbol.asyncDispose]() {
      try {
        await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}

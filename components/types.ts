/** Props shared by every page. */

/** Fingerprinted URLs of the static assets. */
export interface AssetUrls {
  css: string;
  js: string;
  htmx: string;
}

/** A one-time message shown at the top of the next page. */
export interface Flash {
  kind: "ok" | "error" | "info";
  text: string;
  /** A secret shown once (a new API token), rendered in a copyable box. */
  secret?: string;
}

/** What every page needs besides its own data. */
export interface PageContext {
  assets: AssetUrls;
  /** Signed-in user name; absent on the login and setup pages. */
  username?: string;
  /** The session's CSRF token (or the pre-login one on login and setup). */
  csrf: string;
  flash?: Flash | null;
  /** The render time, so components never read the clock. */
  now: number;
}

/** Which top navigation entry is current. */
export type NavItem = "overview" | "new" | "maintenance" | "status" | "settings" | null;

/** What the dashboard routes share: services, the session store, throttle and flash messages. */
import type { Context } from "hono";
import type { Runtime } from "../runtime.ts";
import type { Session } from "../monitor/auth/sessions.ts";
import { Sessions } from "../monitor/auth/sessions.ts";
import { LoginThrottle } from "../monitor/auth/throttle.ts";
import { OverviewReader } from "../monitor/overview.ts";
import { DetailReader } from "../monitor/detail.ts";
import type { Flash } from "../components/types.ts";

/** Hono environment of the dashboard routes. */
export interface WebEnv {
  Variables: {
    /** The signed-in session; set by the session middleware on protected routes. */
    session: Session;
  };
}

/** Options for tests and deployments. */
export interface WebOptions {
  /** Client address for the login throttle; default: the TCP peer from Deno.serve. */
  clientAddress?: (c: Context) => string;
  throttle?: LoginThrottle;
  now?: () => number;
}

/** One-time messages per session, kept in memory between a POST and the page after its 303. */
export class FlashStore {
  #items = new Map<number, Flash>();

  /** Stores the message for the next page of `sessionId`. */
  set(sessionId: number, flash: Flash): void {
    this.#items.delete(sessionId);
    this.#items.set(sessionId, flash);
    // Bounded: an abandoned message must not live forever.
    if (this.#items.size > 1000) this.#items.delete(this.#items.keys().next().value!);
  }

  /** Returns and forgets the message for `sessionId`. */
  take(sessionId: number): Flash | null {
    const f = this.#items.get(sessionId) ?? null;
    this.#items.delete(sessionId);
    return f;
  }
}

/** The dashboard's dependencies, built once per app. */
export interface WebDeps {
  rt: Runtime;
  sessions: Sessions;
  throttle: LoginThrottle;
  flash: FlashStore;
  overview: OverviewReader;
  detail: DetailReader;
  now: () => number;
  clientAddress: (c: Context) => string;
  /** Whether an account exists (first-run setup until then). */
  hasUsers(): Promise<boolean>;
}

/** The TCP peer address Deno.serve passes as the handler's second argument. */
function peerAddress(c: Context): string {
  const env = c.env as { remoteAddr?: { hostname?: string } } | undefined;
  return env?.remoteAddr?.hostname ?? "unknown";
}

/** Builds the dependencies from a runtime. */
export function makeWebDeps(rt: Runtime, opts: WebOptions = {}): WebDeps {
  const now = opts.now ?? Date.now;
  let usersExist = false;
  return {
    rt,
    sessions: new Sessions(rt.store, { ttlHours: rt.config.sessionTtlHours, now }),
    throttle: opts.throttle ?? new LoginThrottle({ now }),
    flash: new FlashStore(),
    overview: new OverviewReader(rt.service, { now }),
    detail: new DetailReader(rt.service, { now, baseUrl: rt.config.baseUrl }),
    now,
    clientAddress: opts.clientAddress ?? peerAddress,
    async hasUsers() {
      // Accounts are never deleted, so once true this stays true and the query is skipped.
      usersExist ||= (await rt.accounts.userCount()) > 0;
      return usersExist;
    },
  };
}

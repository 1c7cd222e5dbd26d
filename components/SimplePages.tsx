/** Small pages: the one error page (404/500/403…) and the delete confirmation. */
import type { Monitor } from "../monitor/types.ts";
import type { PageContext } from "./types.ts";
import { Layout } from "./Layout.tsx";
import { displayUrl } from "./format.ts";

const TITLES: Record<number, string> = {
  400: "Bad request",
  403: "Not allowed",
  404: "Not found",
  413: "Too large",
  500: "Something went wrong",
  503: "Storage unavailable",
};

/** The error page for every HTML error status. */
export function ErrorPage(props: { ctx: PageContext; status: number; message: string }) {
  const title = TITLES[props.status] ?? "Error";
  return (
    <Layout ctx={props.ctx} title={title}>
      <div class="card error-card">
        <p class="error-code">{props.status}</p>
        <h1>{title}</h1>
        <p>{props.message}</p>
        <p>
          <a class="btn" href="/">Back to the overview</a>
        </p>
      </div>
    </Layout>
  );
}

/** Asks before deleting; works without JavaScript. */
export function DeletePage(props: { ctx: PageContext; monitor: Monitor; apps: Monitor[] }) {
  const m = props.monitor;
  return (
    <Layout ctx={props.ctx} title={`Delete ${m.name}`}>
      <form class="card form confirm-card" method="post" action={`/monitors/${m.id}/delete`}>
        <h1>Delete “{m.name}”?</h1>
        <p>
          This removes <strong>{m.name}</strong>{" "}
          ({displayUrl(m.url)}) with all its checks, incidents and uptime history. It cannot be
          undone.
        </p>
        {props.apps.length > 0 && (
          <div class="form-errors">
            <p>Its {props.apps.length} internal app(s) are deleted too:</p>
            <p>{props.apps.map((a) => a.name).join(", ")}</p>
          </div>
        )}
        <input type="hidden" name="_csrf" value={props.ctx.csrf} />
        <div class="form-actions">
          <button class="btn btn-danger" type="submit" id="btn-confirm-delete">Delete</button>
          <a class="btn" href={`/monitors/${m.id}`}>Cancel</a>
        </div>
      </form>
    </Layout>
  );
}

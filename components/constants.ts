/** Display constants shared by components and routes. */

/** Bars in the overview heartbeat strip (matches the read model's HEARTBEATS). */
export const HEARTBEAT_SLOTS = 30;

/** The custom event static/app.js fires on <body> every poll period while the tab is visible. */
export const POLL_EVENT = "shc:poll";

/** `hx-trigger` for polled regions: our visibility-aware ticker instead of htmx's `every`. */
export const POLL_TRIGGER = `${POLL_EVENT} from:body`;

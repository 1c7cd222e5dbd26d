/**
 * Records of the public status pages: pages with their chosen monitors (entries), an uploaded
 * logo, and the operator-written incidents with their updates. Shared by both engines.
 */

/** The stages of an operator-written incident, in the order they usually come. */
export const INCIDENT_UPDATE_STATUSES = [
  "investigating",
  "identified",
  "monitoring",
  "resolved",
] as const;

/** One stage of an operator-written incident. */
export type IncidentUpdateStatus = (typeof INCIDENT_UPDATE_STATUSES)[number];

/** A monitor shown on a status page, under a public name. */
export interface StatusPageEntry {
  monitorId: number;
  /** What the public page calls it (never the monitor's URL). */
  displayName: string;
  /** For a website: list its internal apps under it (their status counts either way). */
  showApps: boolean;
}

/** The writable fields of a status page (entries are written with it, in order). */
export interface StatusPageFields {
  /** `[a-z0-9-]`, unique: the page is at `/status/<slug>`. */
  slug: string;
  title: string;
  description: string;
  /** A host name whose requests for `/` get this page; unique; null = none. */
  customDomain: string | null;
  /** The chosen monitors, in display order. */
  entries: StatusPageEntry[];
}

/** A stored status page. */
export interface StatusPageRecord extends StatusPageFields {
  id: number;
  /** The logo's Content-Type, null without a logo. */
  logoType: string | null;
  /** When the logo was last set (its URL's version), null without a logo. */
  logoUpdatedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** An uploaded logo, as stored. */
export interface StatusLogo {
  type: string;
  data: Uint8Array;
  updatedAt: number;
}

/** One operator-written update of an incident. */
export interface StatusIncidentUpdate {
  id: number;
  incidentId: number;
  status: IncidentUpdateStatus;
  /** Plain text (line breaks kept); escaped wherever it is shown. */
  message: string;
  createdAt: number;
  updatedAt: number;
}

/** What an update is written with. */
export interface StatusUpdateFields {
  status: IncidentUpdateStatus;
  message: string;
}

/** The writable fields of an incident. */
export interface StatusIncidentFields {
  title: string;
  /** Monitors of the page's entries it affects (may be empty: the whole service). */
  monitorIds: number[];
}

/** An operator-written incident of one status page. */
export interface StatusIncidentRecord extends StatusIncidentFields {
  id: number;
  pageId: number;
  /** The newest update's status. */
  status: IncidentUpdateStatus;
  createdAt: number;
  updatedAt: number;
  /** The time of the newest update when that one says resolved; null while open. */
  resolvedAt: number | null;
  /** Newest first. */
  updates: StatusIncidentUpdate[];
}

/** Checks of one monitor on one UTC day (from the day rollups). */
export interface DayCounts {
  monitorId: number;
  /** Epoch ms of the UTC midnight starting the day. */
  dayStart: number;
  count: number;
  upCount: number;
}

/** The incident's status and resolution time implied by its updates (newest first). */
export function incidentState(
  updates: readonly Pick<StatusIncidentUpdate, "status" | "createdAt">[],
): { status: IncidentUpdateStatus; resolvedAt: number | null } {
  const newest = updates[0];
  if (!newest) return { status: "investigating", resolvedAt: null };
  return {
    status: newest.status,
    resolvedAt: newest.status === "resolved" ? newest.createdAt : null,
  };
}

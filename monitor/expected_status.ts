/** Parsing and matching of expected HTTP status specs such as `"200-299,301"`. */

/** An inclusive range of status codes. */
export interface StatusRange {
  from: number;
  to: number;
}

/**
 * Parses an expected-status spec into ranges, or throws a `RangeError` naming the bad part.
 *
 * @example
 * ```ts
 * import { parseExpectedStatus } from "./expected_status.ts";
 * parseExpectedStatus("200-299, 301"); // [{from:200,to:299},{from:301,to:301}]
 * ```
 */
export function parseExpectedStatus(spec: string): StatusRange[] {
  const parts = spec.split(",").map((p) => p.trim());
  if (parts.length === 0 || parts.every((p) => p === "")) {
    throw new RangeError(
      "Expected status is empty: give a code such as 200 or a list like 200-299,301",
    );
  }
  return parts.map((part) => {
    const m = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
    if (!m) {
      throw new RangeError(`Expected status "${part}" is not a code (200) or a range (200-299)`);
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (const code of [from, to]) {
      if (code < 100 || code > 599) {
        throw new RangeError(`Expected status ${code} is outside 100-599`);
      }
    }
    if (to < from) throw new RangeError(`Expected status range "${part}" ends before it starts`);
    return { from, to };
  });
}

/** Normalises a spec to its canonical text (`"200-299,301"`), or throws like `parseExpectedStatus`. */
export function normalizeExpectedStatus(spec: string): string {
  return parseExpectedStatus(spec)
    .map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`))
    .join(",");
}

/** Whether `status` matches the spec. An unparsable spec matches nothing. */
export function statusMatches(spec: string, status: number): boolean {
  let ranges: StatusRange[];
  try {
    ranges = parseExpectedStatus(spec);
  } catch {
    return false;
  }
  return ranges.some((r) => status >= r.from && status <= r.to);
}

/** Spreading checks over their interval so monitors with equal intervals do not fire together. */

/** A stable offset in [0, periodMs) for monitor `id` (Knuth multiplicative hash). */
export function phaseOffset(id: number, periodMs: number): number {
  const h = Math.imul(id, 2654435761) >>> 0;
  return Math.floor((h / 2 ** 32) * periodMs);
}

/**
 * The first of the monitor's slots strictly after `t`: slots are `phase + k·period`.
 *
 * @example
 * ```ts
 * import { nextSlot } from "./phase.ts";
 * nextSlot(7, 60_000, Date.now()); // somewhere in the next minute, the same second every minute
 * ```
 */
export function nextSlot(id: number, periodMs: number, t: number): number {
  const phase = phaseOffset(id, periodMs);
  const k = Math.floor((t - phase) / periodMs) + 1;
  return phase + k * periodMs;
}

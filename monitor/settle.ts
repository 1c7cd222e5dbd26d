/** Waiting with a limit: shutdown steps must end whatever the thing they wait for does. */

/** Resolves when `work` settles (either way) or after `ms`, whichever comes first. */
export function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((r) => timer = setTimeout(r, ms));
  return Promise.race([work.then(() => {}, () => {}), late]).finally(() => clearTimeout(timer));
}

/** The errors the monitor services throw for callers to catch. */

/** Bad input: `fields` maps each offending field to a message. */
export class ValidationError extends Error {
  constructor(readonly fields: Record<string, string>, message = "Invalid input") {
    super(message);
    this.name = "ValidationError";
  }
}

/** A referenced thing does not exist. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/**
 * A monitor was edited, paused or resumed while its probe ran: the result describes settings
 * that no longer apply, so it is dropped rather than recorded (and alerted on).
 */
export class StaleCheckError extends Error {
  constructor(monitorId: number) {
    super(`Monitor ${monitorId} changed during its check; the result was dropped`);
    this.name = "StaleCheckError";
  }
}

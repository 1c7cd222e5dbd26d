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

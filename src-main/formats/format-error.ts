// The one error type format parsers throw: a message a user can act on, and where in the input it went wrong.

export class FormatError extends Error {
  constructor(
    message: string,
    /** Byte offset (or line number, as the message says) where the problem was found. */
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'FormatError';
  }
}

/**
 * A request the program refuses, with the HTTP status to answer: thrown inside a handler, turned
 * into `{ "error": message }` with that status by the server's one catch.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

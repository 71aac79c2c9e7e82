/** An error whose message is safe to show to the caller. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const unauthorized = (message: string) => new HttpError(401, message, { "www-authenticate": 'Bearer realm="release-ledger"' });
export const forbidden = (message: string) => new HttpError(403, message);
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string) => new HttpError(409, message);
export const badRequest = (message: string) => new HttpError(400, message);

/** PostgreSQL (or the network to it) is not answering: the caller should retry later. */
export class DependencyUnavailableError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, message, { "retry-after": "5" });
    this.name = "DependencyUnavailableError";
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

// Typed domain errors with a stable code. Services throw these; the REST adapter and the GraphQL
// error mapper each turn them into their transport's shape in exactly one place.

export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  VALIDATION_ERROR: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalidRequest = (message: string, detail?: ErrorDetail[]) =>
  new AppError('INVALID_REQUEST', message, detail);
export const validationError = (message: string, detail?: ErrorDetail[]) =>
  new AppError('VALIDATION_ERROR', message, detail);
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found.`);
export const unauthorized = () =>
  new AppError('UNAUTHORIZED', 'Missing, unknown or revoked API key (header X-API-KEY).');
export const payloadTooLarge = (limitBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `The upload exceeds the limit of ${limitBytes} bytes.`);

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many requests for this API key; retry after ${retryAfterSeconds} s.`);
  }
}

const DATABASE_DOWN = /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database|terminating connection|database system is (starting up|shutting down|in recovery)|Connection is closed|server closed the connection/i;
const DATABASE_DOWN_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024', '57P01', '57P02', '57P03', '08006', '08001', '08004']);

/** True for errors that mean "the database cannot be reached right now", anywhere in the cause chain. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && DATABASE_DOWN_CODES.has(code)) return true;
    if (typeof message === 'string' && DATABASE_DOWN.test(message)) return true;
  }
  return false;
}

export const serviceUnavailable = () =>
  new AppError('SERVICE_UNAVAILABLE', 'The service cannot reach its database right now; retry in a few seconds.');

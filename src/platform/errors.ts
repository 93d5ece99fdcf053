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

import { AppError, ERROR_STATUS, isDatabaseUnavailable, RateLimitedError, serviceUnavailable, type ErrorCode, type ErrorDetail } from '../platform/errors.ts';

export interface ErrorBody {
  error: ErrorCode;
  message: string;
  detail?: ErrorDetail[];
  request_id: string;
}

const DATABASE_RETRY_AFTER_SECONDS = 5;

/** A thrown value as a domain error: database outages become SERVICE_UNAVAILABLE, the rest stays. */
export function asAppError(err: unknown): unknown {
  return !(err instanceof AppError) && isDatabaseUnavailable(err) ? serviceUnavailable() : err;
}

/**
 * graphql-upload-minimal throws HttpErrors with a status (400 for a missing file part, 413 over the
 * size limit): the client's mistakes stay 4xx as domain errors. Anything else is returned as it is.
 */
export function fromClientHttpError(err: unknown): unknown {
  const status = (err as { status?: unknown } | null | undefined)?.status;
  if (err instanceof AppError || typeof status !== 'number' || status < 400 || status >= 500) return err;
  return new AppError(status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_REQUEST', (err as Error).message);
}

/** Retry-After for errors that have one (always present on 429, as API.md says). */
export function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof RateLimitedError) return err.retryAfterSeconds;
  if (err instanceof AppError && err.code === 'SERVICE_UNAVAILABLE') return DATABASE_RETRY_AFTER_SECONDS;
  return undefined;
}

/** The one place where a thrown value becomes an HTTP status and the documented error body. */
export function toHttpError(thrown: unknown, requestId: string): { status: number; body: ErrorBody; headers: Record<string, string> } {
  const err = asAppError(thrown);
  const retryAfter = retryAfterOf(err);
  const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  if (err instanceof AppError) {
    const body: ErrorBody = { error: err.code, message: err.message, request_id: requestId };
    if (err.detail) body.detail = err.detail;
    return { status: ERROR_STATUS[err.code], body, headers };
  }
  return {
    status: 500,
    body: {
      error: 'INTERNAL_ERROR',
      message: `Something went wrong on our side. Quote request id ${requestId} when reporting it.`,
      request_id: requestId,
    },
    headers,
  };
}

import { AppError, ERROR_STATUS, type ErrorCode, type ErrorDetail } from '../platform/errors.ts';

export interface ErrorBody {
  error: ErrorCode;
  message: string;
  detail?: ErrorDetail[];
  request_id: string;
}

/** The one place where a thrown value becomes an HTTP status and the documented error body. */
export function toHttpError(err: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    const body: ErrorBody = { error: err.code, message: err.message, request_id: requestId };
    if (err.detail) body.detail = err.detail;
    return { status: ERROR_STATUS[err.code], body };
  }
  return {
    status: 500,
    body: {
      error: 'INTERNAL_ERROR',
      message: `Something went wrong on our side. Quote request id ${requestId} when reporting it.`,
      request_id: requestId,
    },
  };
}

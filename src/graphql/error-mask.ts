import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { asAppError, fromClientHttpError, retryAfterOf } from '../http/error-body.ts';
import { AppError, ERROR_STATUS } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';

/** The one place where a thrown value becomes a GraphQL error: AppError codes become extensions.code. */
export function createErrorMasker(log: Logger) {
  return function maskError(error: unknown): Error {
    // By name, not instanceof: graphql ships CJS and ESM builds, and errors made by the executor may
    // come from the other copy.
    const graphqlError = error instanceof Error && error.name === 'GraphQLError' ? (error as GraphQLError) : undefined;
    // A variable of the wrong type arrives as a GraphQLError wrapping a GraphQLError; a GET with
    // variables that are not JSON as a bare SyntaxError. Both are the client's mistakes.
    const inner = graphqlError?.originalError;
    if (inner instanceof Error && inner.name === 'GraphQLError') return maskError(inner);
    if (!graphqlError && error instanceof SyntaxError) {
      return new GraphQLError(`Malformed request: ${error.message}`, { extensions: { code: 'INVALID_REQUEST', http: { status: 400 } } });
    }
    // An upload whose file part is missing rejects in the resolver with graphql-upload-minimal's 400.
    const original = asAppError(fromClientHttpError(graphqlError?.originalError ?? error));
    if (original instanceof AppError) {
      const retryAfter = retryAfterOf(original);
      // yoga answers with this status and these headers: as over REST, a request refused for its key
      // (missing, unknown, revoked) is 401 and one over the rate limit 429 with Retry-After.
      const http =
        retryAfter !== undefined
          ? { status: ERROR_STATUS[original.code], headers: { 'Retry-After': String(retryAfter) } }
          : original.code === 'UNAUTHORIZED'
            ? { status: ERROR_STATUS.UNAUTHORIZED }
            : undefined;
      return new GraphQLError(original.message, {
        nodes: graphqlError?.nodes,
        path: graphqlError?.path,
        extensions: {
          code: original.code,
          ...(original.detail ? { detail: original.detail } : {}),
          ...(http ? { http } : {}),
        },
      });
    }
    if (graphqlError && !graphqlError.originalError) {
      // Parse, validation and variable errors: the client's own mistake, with a clear message already.
      return new GraphQLError(graphqlError.message, {
        nodes: graphqlError.nodes,
        source: graphqlError.source,
        positions: graphqlError.positions,
        path: graphqlError.path,
        extensions: { ...graphqlError.extensions, code: 'INVALID_REQUEST' },
      });
    }
    const errorId = randomUUID();
    log.error({ err: original, errorId }, 'GraphQL resolver failed');
    return new GraphQLError(`Something went wrong on our side. Quote error id ${errorId} when reporting it.`, {
      nodes: graphqlError?.nodes,
      path: graphqlError?.path,
      extensions: { code: 'INTERNAL_ERROR' },
    });
  };
}

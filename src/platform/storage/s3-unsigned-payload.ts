import type { S3Client, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-s3';
import type { FinalizeRequestMiddleware } from '@smithy/types';

const SHA256_HEADER = 'x-amz-content-sha256';
// Small bodies (CompleteMultipartUpload's XML, DeleteObjects) keep their hash: it costs nothing.
const UNSIGNED_MIN_BYTES = 64 * 1024;

interface RequestLike {
  protocol?: string;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * Marks a large body sent over TLS as `UNSIGNED-PAYLOAD`, so SigV4 signs the request without
 * hashing the body; over plain HTTP the signer still hashes it.
 *
 * Why: the signer hashes a buffer body with a synchronous sha256 on the event loop, about 1.1 s per
 * GiB of parts (a `--cpu-prof` of S3 uploads: the largest single cost, stalling every other request
 * meanwhile). Over TLS the hash protects nothing TLS does not already protect, which is why AWS's
 * own Go and Java SDKs send S3 bodies unsigned over HTTPS. Over plain HTTP the signed hash is all that
 * stops a body changed on the way, so it stays.
 */
export function markUnsignedPayload(request: RequestLike): void {
  const { body, headers } = request;
  if (request.protocol !== 'https:') return;
  if (!(body instanceof Uint8Array) || body.byteLength < UNSIGNED_MIN_BYTES) return;
  if (Object.keys(headers).some((name) => name.toLowerCase() === SHA256_HEADER)) return;
  headers[SHA256_HEADER] = 'UNSIGNED-PAYLOAD';
}

/** Applies markUnsignedPayload to every request the client sends, right before it is signed. */
export function sendLargeBodiesUnsignedOverTls(client: S3Client): void {
  const middleware: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
    const { request } = args as { request?: unknown };
    if (request && typeof request === 'object' && 'headers' in request) markUnsignedPayload(request as RequestLike);
    return next(args);
  };
  client.middlewareStack.addRelativeTo(middleware, {
    relation: 'before',
    toMiddleware: 'httpSigningMiddleware',
    name: 'unsignedPayloadOverTls',
  });
}

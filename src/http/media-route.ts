import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../platform/context.ts';
import { notFound } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { servingOf } from '../files/file-serving.ts';
import { DOWNLOAD_URL_TTL_SECONDS } from '../files/files-service.ts';
import { scavengePaced } from '../platform/scavenge-pacer.ts';
import { ObjectNotFoundError } from '../platform/storage/index.ts';
import { parseRange } from './byte-range.ts';
import { ifNoneMatchHits } from './conditional-get.ts';
import { sendError } from './respond.ts';

const MEDIA_PATH = /^\/media\/([^/]+)\/([^/]+)\/([^/]+)$/;

/**
 * storage_url and short-lived download links: no API key, the signed token is the capability.
 * Local bytes are streamed with Range support; S3 objects are a redirect to a presigned URL (but for HEAD).
 */
export async function handleMedia(deps: Deps, req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) {
  try {
    const match = MEDIA_PATH.exec(url.pathname);
    const [, fileId = '', token = '', name = ''] = match ?? [];
    if (!match || !isUuid(fileId) || !deps.signer.verify(fileId, token)) throw notFound('File');
    const file = await deps.db.file.findUnique({ where: { id: fileId } });
    if (!file || file.isDeleted || file.status !== 'STORED' || !file.storageKey) throw notFound('File');
    if (safeDecode(name) !== file.filename) throw notFound('File');

    // A presigned URL is signed for GET only (S3 answers a HEAD on it 403): HEAD is answered here.
    const serving = servingOf(file);
    const presigned = req.method === 'HEAD' ? undefined : await deps.storage.presignGet(file.storageKey, {
      expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS,
      serving,
    });
    if (presigned) {
      res.writeHead(302, { location: presigned, 'cache-control': 'no-store' }).end();
      return;
    }
    const stat = await deps.storage.stat(file.storageKey);
    if (!stat) throw notFound('File');
    const etag = `"${stat.etag ?? `${file.id}-${stat.size}`}"`;
    const headers: Record<string, string | number> = {
      'accept-ranges': 'bytes',
      'content-type': serving.contentType,
      // Users' bytes are served from the API's own origin: never let a browser run them as a page.
      'content-disposition': `${serving.inline ? 'inline' : 'attachment'}; filename="${file.filename}"`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      etag,
      // Revalidated on each use (a 304 by ETag costs one lookup): a deleted file must not live on in
      // a browser's cache, nor a short-lived link outlive its expiry there.
      'cache-control': 'private, no-cache',
    };
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers).end();
      return;
    }
    const range = req.headers['if-range'] && req.headers['if-range'] !== etag
      ? ({ kind: 'full' } as const)
      : parseRange(req.headers.range, stat.size);
    if (range.kind === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${stat.size}` }).end();
      return;
    }
    const [status, start, end] = range.kind === 'partial' ? [206, range.start, range.end] : [200, 0, stat.size - 1];
    if (range.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${stat.size}`;
    headers['content-length'] = stat.size === 0 ? 0 : end - start + 1;
    if (req.method === 'HEAD' || stat.size === 0) {
      res.writeHead(status, headers).end();
      return;
    }
    // Open the bytes before answering, so that a file deleted a moment ago is a clean 404.
    const body = await deps.storage.getStream(file.storageKey, range.kind === 'partial' ? { start, end } : undefined);
    res.writeHead(status, headers);
    await pipeline(body, scavengePaced(), res).catch(() => undefined); // a client that hangs up early is not an error
  } catch (err) {
    sendError(res, err instanceof ObjectNotFoundError ? notFound('File') : err, requestId, deps.log);
  }
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

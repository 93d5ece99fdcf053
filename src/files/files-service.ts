import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { File } from '../generated/prisma/client.ts';
import type { ServiceContext } from '../platform/context.ts';
import { notFound, payloadTooLarge } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { checkUrl } from '../platform/outbound/index.ts';
import { ObjectTooLargeError } from '../platform/storage/index.ts';
import { fileStoragePrefix, filenameFromUrl, sanitizeFilename, storageKey } from './file-names.ts';
import { servingOf } from './file-serving.ts';
import { ingestJob, probeJob } from './file-jobs.ts';
import { publishFileStatus } from './file-status.ts';

export const DOWNLOAD_URL_TTL_SECONDS = 300;

export async function storeFileFromUrl(ctx: ServiceContext, input: { fileUrl: string }): Promise<{ fileId: string }> {
  const url = await checkUrl(input.fileUrl, ctx.allow);
  const fileId = randomUUID();
  await ctx.db.$transaction(async (tx) => {
    await tx.file.create({
      data: {
        id: fileId,
        accountId: ctx.accountId,
        storeType: 'STORED_FILE',
        originalFileUrl: url.href,
        filename: filenameFromUrl(url),
      },
    });
    await ctx.queue.send(ingestJob, { fileId }, tx);
  });
  return { fileId };
}

/** Streams the upload into storage first, so an oversized or broken upload leaves no record and no bytes. */
export async function uploadFile(
  ctx: ServiceContext,
  input: { filename: string | undefined; contentType?: string; stream: Readable },
): Promise<{ fileId: string }> {
  const fileId = randomUUID();
  const filename = sanitizeFilename(input.filename);
  const key = storageKey(ctx.accountId, fileId, filename);
  let size: number;
  try {
    ({ size } = await ctx.storage.put(key, input.stream, {
      contentType: input.contentType,
      maxBytes: ctx.config.maxFileBytes,
    }));
  } catch (err) {
    if (err instanceof ObjectTooLargeError) throw payloadTooLarge(ctx.config.maxFileBytes);
    throw err;
  }
  try {
    await ctx.db.$transaction(async (tx) => {
      await tx.file.create({
        data: {
          id: fileId,
          accountId: ctx.accountId,
          storeType: 'UPLOAD',
          filename,
          storageKey: key,
          sizeBytes: BigInt(size),
          mimeType: input.contentType ?? null,
        },
      });
      await ctx.queue.send(probeJob, { fileId }, tx);
    });
  } catch (err) {
    await ctx.storage.delete(key).catch(() => undefined);
    throw err;
  }
  return { fileId };
}

export async function getFile(ctx: ServiceContext, fileId: string): Promise<File> {
  if (!isUuid(fileId)) throw notFound('File');
  // Postgres matches a UUID in any case; the cache, events and storage keys know only lower case.
  const id = fileId.toLowerCase();
  const file = await ctx.fileCache.get(ctx.accountId, id, () =>
    ctx.db.file.findFirst({ where: { id, accountId: ctx.accountId } }),
  );
  if (!file) throw notFound('File');
  return file;
}

export async function listFiles(ctx: ServiceContext, input: { limit: number; offset: number }) {
  const where = { accountId: ctx.accountId, isDeleted: false };
  const [files, total] = await Promise.all([
    ctx.db.file.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: input.limit, skip: input.offset }),
    ctx.db.file.count({ where }),
  ]);
  return { files, total, limit: input.limit, offset: input.offset };
}

/**
 * Marks the record deleted (kept, so a second delete is NOT_FOUND), then removes the bytes. The claim
 * comes first: an import or probe finishing meanwhile then finds the file deleted and keeps nothing
 * (an import removes what it stored); bytes a failing storage leaves behind are the sweep's, as
 * objects no live file owns. A file still PROCESSING ends FAILED (DELETED), so pollers stop.
 */
export async function deleteFile(ctx: ServiceContext, fileId: string): Promise<{ deleted: true; fileId: string }> {
  const file = await getFile(ctx, fileId);
  if (file.isDeleted) throw notFound('File');
  const live = { id: file.id, accountId: ctx.accountId, isDeleted: false };
  const deletedAt = new Date();
  // The status is decided by the update itself: a file whose probe stored it since the read stays STORED.
  let claimed = await ctx.db.file.updateMany({
    where: { ...live, status: 'PROCESSING' },
    data: { isDeleted: true, deletedAt, status: 'FAILED', errorStatus: 'DELETED', errorMessage: 'Deleted before it was stored.' },
  });
  if (claimed.count === 0) claimed = await ctx.db.file.updateMany({ where: live, data: { isDeleted: true, deletedAt } });
  if (claimed.count === 0) throw notFound('File');
  await publishFileStatus(ctx, file.id);
  // The file is deleted from here on, whatever storage says: a failure answered as one would send the
  // client to retry a DELETE that is then 404. Bytes left behind are the sweep's (no live row owns them).
  await ctx.storage.deletePrefix(fileStoragePrefix(ctx.accountId, file.id)).catch((err: unknown) => {
    ctx.log.warn({ err, fileId: file.id }, 'the bytes of a deleted file could not be removed now; the sweep will');
  });
  return { deleted: true, fileId: file.id };
}

/** Undoes an upload that the request as a whole turned out to refuse: no record, no bytes. */
export async function discardUpload(ctx: ServiceContext, fileId: string): Promise<void> {
  await ctx.db.file.deleteMany({ where: { id: fileId, accountId: ctx.accountId } });
  await ctx.storage.deletePrefix(fileStoragePrefix(ctx.accountId, fileId));
}

/** A short-lived signed URL of the bytes: presigned on S3, a signed media URL on local disk. */
export async function downloadUrl(ctx: ServiceContext, fileId: string, filename: string): Promise<string> {
  const file = await getFile(ctx, fileId);
  if (file.isDeleted || file.status !== 'STORED' || !file.storageKey || file.filename !== filename) {
    throw notFound('File');
  }
  const presigned = await ctx.storage.presignGet(file.storageKey, {
    expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS,
    serving: servingOf(file),
  });
  return presigned ?? ctx.signer.shortLivedUrl(file.id, file.filename, DOWNLOAD_URL_TTL_SECONDS);
}

export function storageUrlOf(ctx: Pick<ServiceContext, 'signer'>, file: File): string | null {
  return file.status === 'STORED' && !file.isDeleted ? ctx.signer.storageUrl(file.id, file.filename) : null;
}

export function sizeMbytes(sizeBytes: bigint | null): number | null {
  return sizeBytes === null ? null : Math.round((Number(sizeBytes) / 1_048_576) * 1000) / 1000;
}

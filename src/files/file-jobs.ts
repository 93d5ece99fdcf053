import type { Job } from 'pg-boss';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { mediaFieldsFromProbe, probeMedia, type MediaFields } from '../platform/media/index.ts';
import { download, OutboundError } from '../platform/outbound/index.ts';
import { defineJob, isLastAttempt, type JobWorker } from '../platform/queue.ts';
import { ObjectTooLargeError } from '../platform/storage/index.ts';
import { storageKey } from './file-names.ts';
import { abortWhenFileEnds, failFile, updateProcessingFile } from './file-status.ts';

const filePayload = z.object({ fileId: z.uuid() });
type FilePayload = z.infer<typeof filePayload>;

// Jobs whose retries ran out, or whose worker died and never came back, land here.
export const fileDeadLetterJob = defineJob({
  name: 'file.dead',
  payload: filePayload,
  options: { retryLimit: 5, retryDelay: 5, expireInSeconds: 60 },
});

export const ingestJob = defineJob({
  name: 'file.ingest',
  payload: filePayload,
  options: {
    retryLimit: 3,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 60,
    expireInSeconds: 3600,
    heartbeatSeconds: 10,
    deadLetter: fileDeadLetterJob.name,
  },
});

export const probeJob = defineJob({
  name: 'file.probe',
  payload: filePayload,
  options: {
    retryLimit: 2,
    retryDelay: 2,
    retryBackoff: true,
    expireInSeconds: 600,
    heartbeatSeconds: 10,
    deadLetter: fileDeadLetterJob.name,
  },
});

export const fileJobDefinitions = [fileDeadLetterJob, ingestJob, probeJob];

async function ingest(deps: Deps, { fileId }: FilePayload, job: Job<unknown>): Promise<void> {
  const ended = abortWhenFileEnds(deps, fileId);
  try {
    await importFile(deps, fileId, job, ended.signal);
  } finally {
    await ended.stop();
  }
}

async function importFile(deps: Deps, fileId: string, job: Job<unknown>, ended: AbortSignal): Promise<void> {
  const file = await deps.db.file.findUnique({ where: { id: fileId } });
  if (!file || file.status !== 'PROCESSING' || file.isDeleted || !file.originalFileUrl) return;
  let key: string | undefined;
  try {
    const response = await download(file.originalFileUrl, {
      allow: deps.allow,
      maxBytes: deps.config.maxFileBytes,
      connectTimeoutMs: 10_000,
      firstByteTimeoutMs: 30_000,
      totalTimeoutMs: deps.config.importTimeoutMs,
      signal: AbortSignal.any([job.signal, deps.shutdown, ended]),
    });
    const filename = file.filename === 'file' ? response.filename : file.filename;
    key = storageKey(file.accountId, file.id, filename);
    const { size } = await deps.storage.put(key, response.body, {
      contentType: response.contentType,
      maxBytes: deps.config.maxFileBytes,
    });
    const stillWanted = await updateProcessingFile(deps, fileId, {
      filename,
      storageKey: key,
      sizeBytes: BigInt(size),
      mimeType: response.contentType ?? null,
    });
    if (!stillWanted) {
      await deps.storage.delete(key);
      return;
    }
    await deps.queue.send(probeJob, { fileId });
  } catch (err) {
    if (ended.aborted) return; // deleted (or failed) meanwhile: nothing is left to do
    if (deps.shutdown.aborted || job.signal.aborted) throw err; // released: the queue runs it again
    const failure = describeIngestFailure(err);
    if (failure.retryable && !isLastAttempt(job, ingestJob)) throw err;
    deps.log.warn({ err, fileId }, 'import failed');
    await failFile(deps, fileId, failure.status, failure.message);
  }
}

function describeIngestFailure(err: unknown): { status: string; message: string; retryable: boolean } {
  if (err instanceof OutboundError) {
    const status = err.status === 'FORBIDDEN_ADDRESS' || err.status === 'BAD_URL' || err.status === 'TOO_MANY_REDIRECTS'
      ? 'UNREACHABLE_INPUT_FILE'
      : err.status;
    return { status, message: err.message, retryable: err.retryable };
  }
  if (err instanceof ObjectTooLargeError) {
    return { status: 'FILE_TOO_LARGE', message: `The file is larger than ${err.limitBytes} bytes.`, retryable: false };
  }
  return { status: 'STORAGE_ERROR', message: 'The file could not be written to storage.', retryable: true };
}

async function probe(deps: Deps, { fileId }: FilePayload, job: Job<unknown>): Promise<void> {
  const file = await deps.db.file.findUnique({ where: { id: fileId } });
  if (!file || file.status !== 'PROCESSING' || file.isDeleted || !file.storageKey) return;
  let stored: Awaited<ReturnType<Deps['storage']['stat']>>;
  let input: string;
  try {
    stored = await deps.storage.stat(file.storageKey);
    input = deps.storage.localPath(file.storageKey) ?? (await deps.storage.presignGet(file.storageKey, { expiresInSeconds: 900 }))!;
  } catch (err) {
    if (!isLastAttempt(job, probeJob)) throw err;
    deps.log.warn({ err, fileId }, 'storage unreachable while probing');
    await failFile(deps, fileId, 'STORAGE_ERROR', 'The stored bytes of this file could not be read.');
    return;
  }
  if (!stored) {
    await failFile(deps, fileId, 'STORAGE_ERROR', 'The stored bytes of this file are missing.');
    return;
  }
  let fields: MediaFields;
  try {
    fields = await probeMedia(input, {
      ffprobePath: deps.media.ffprobe,
      fallbackFfprobePath: deps.media.ffprobeFallback,
      filename: file.filename,
      contentType: file.mimeType ?? undefined,
      timeoutMs: 120_000,
    });
  } catch (err) {
    // Only storage or download errors fail a file: when ffprobe itself keeps failing, the bytes are
    // still stored, just without media fields.
    if (!isLastAttempt(job, probeJob)) throw err;
    deps.log.warn({ err, fileId }, 'probe failed; storing without media fields');
    fields = mediaFieldsFromProbe(null, file.filename, file.mimeType ?? undefined);
  }
  await updateProcessingFile(deps, fileId, { ...fields, sizeBytes: BigInt(stored.size), status: 'STORED' });
}

export function fileJobWorkers(deps: Deps): JobWorker<FilePayload>[] {
  const concurrency = deps.config.workerConcurrency;
  return [
    { definition: ingestJob, concurrency, handle: (data, job) => ingest(deps, data, job) },
    { definition: probeJob, concurrency, handle: (data, job) => probe(deps, data, job) },
    {
      definition: fileDeadLetterJob,
      handle: async ({ fileId }) => {
        await failFile(deps, fileId, 'WORKER_LOST', 'Processing stopped and did not finish after every retry.');
      },
    },
  ];
}

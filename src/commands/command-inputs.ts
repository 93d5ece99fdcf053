import { constants, createWriteStream } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import { checkUrl, download } from '../platform/outbound/index.ts';
import { scavengePaced } from '../platform/scavenge-pacer.ts';
import { ObjectNotFoundError } from '../platform/storage/index.ts';
import { CommandFailure } from './command-failure.ts';

/** Where an input's bytes come from: a stored file (read straight from storage) or a public URL. */
export type InputSource = StoredSource | { kind: 'url'; url: string };
type StoredSource = { kind: 'stored'; fileId: string; storageKey: string; filename: string; duration: number | null };

type Caller = Pick<Deps, 'db' | 'signer' | 'allow'> & { accountId: string };

/**
 * Resolves an input value: a file id of the caller's STORED files, this service's own storage_url
 * (a capability, whoever's file it names), or an http(s) URL that passes the address rules.
 * Returns a sentence for the client when the value cannot be used.
 */
export async function resolveInput(ctx: Caller, value: string): Promise<InputSource | { problem: string }> {
  const own = ctx.signer.parseOwnUrl(value);
  if (isUuid(value) || own) {
    const fileId = own ? own.fileId : value;
    if (own && !ctx.signer.verify(own.fileId, own.token)) return { problem: 'is not a valid storage_url of this service' };
    const where = own ? { id: fileId } : { id: fileId, accountId: ctx.accountId };
    const file = await ctx.db.file.findFirst({ where });
    if (!file || file.isDeleted || file.status !== 'STORED' || !file.storageKey) {
      return { problem: `does not name a STORED file${own ? '' : ' of this account'}` };
    }
    return { kind: 'stored', fileId: file.id, storageKey: file.storageKey, filename: file.filename, duration: file.duration };
  }
  try {
    return { kind: 'url', url: (await checkUrl(value, ctx.allow)).href };
  } catch (err) {
    if (err instanceof AppError) return { problem: err.message };
    throw err;
  }
}

/** The local name of an input in the working directory: its key plus the source's extension. */
export function localInputName(key: string, source: InputSource): string {
  const name = source.kind === 'stored' ? source.filename : new URL(source.url).pathname;
  const ext = path.extname(name).toLowerCase();
  return /^\.[a-z0-9]{1,10}$/.test(ext) ? `${key}${ext}` : key;
}

/** Copies an input into the working directory (storage read, or the SSRF-safe client). */
export async function fetchInput(
  deps: Pick<Deps, 'storage' | 'allow' | 'config'>,
  source: InputSource,
  target: string,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  if (source.kind === 'stored') return fetchStored(deps, source, target, signal);
  const { body } = await download(source.url, {
    allow: deps.allow,
    maxBytes: deps.config.maxFileBytes,
    connectTimeoutMs: 10_000,
    firstByteTimeoutMs: 30_000,
    totalTimeoutMs: deps.config.importTimeoutMs,
    signal,
  });
  await pipeline(body, scavengePaced(), createWriteStream(target, { flags: 'wx' }), { signal });
}

async function fetchStored(deps: Pick<Deps, 'storage'>, source: StoredSource, target: string, signal?: AbortSignal): Promise<void> {
  const onDisk = deps.storage.localPath(source.storageKey);
  if (onDisk) {
    // A kernel copy (a reflink where the filesystem has them); never a link, which FFmpeg could write through.
    await copyFile(onDisk, target, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE).catch(async (err: unknown) => {
      throw (await deps.storage.stat(source.storageKey).catch(() => undefined)) === null ? deletedMeanwhile(source) : err;
    });
    // The copy cannot be interrupted: a shutdown or cancel that came meanwhile stops the command here,
    // not after the format checks of every input.
    signal?.throwIfAborted();
    return;
  }
  const body = await deps.storage.getStream(source.storageKey).catch((err: unknown) => {
    throw err instanceof ObjectNotFoundError ? deletedMeanwhile(source) : err;
  });
  await pipeline(body, scavengePaced(), createWriteStream(target, { flags: 'wx' }), { signal });
}

/** The file was STORED when the command resolved its inputs, and deleted before its bytes were read. */
function deletedMeanwhile(source: StoredSource): CommandFailure {
  return new CommandFailure('UNREACHABLE_INPUT_FILE', `The input file ${source.fileId} was deleted before the command could read it.`);
}

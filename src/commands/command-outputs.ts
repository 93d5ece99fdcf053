import { randomUUID } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import type { Command } from '../generated/prisma/client.ts';
import { fileStoragePrefix, storageKey } from '../files/file-names.ts';
import { publishFileStatus } from '../files/file-status.ts';
import type { Deps } from '../platform/context.ts';
import { probeMedia, type MediaFields } from '../platform/media/index.ts';
import { ObjectTooLargeError } from '../platform/storage/index.ts';
import { CommandFailure } from './command-failure.ts';

/**
 * Stores each declared output as a File (OUTPUT, linked to the command and its alias) and probes it,
 * so the command is SUCCESS only once its outputs are STORED with their media fields.
 */
export async function storeOutputs(deps: Deps, command: Command, outputs: Record<string, string>, workDir: string) {
  const found = await Promise.all(
    Object.entries(outputs).map(async ([alias, filename]) => {
      const local = path.join(workDir, filename);
      const info = await lstat(local).catch(() => null); // a symlink is not an output
      if (!info?.isFile()) throw new CommandFailure('OUTPUT_MISSING', `${alias} (${filename}) was not written by FFmpeg.`);
      return { alias, filename, local };
    }),
  );
  // Probed first, as on local disk storing is a rename that takes the file out of the work dir; a
  // probe is mostly ffprobe starting up, so several at once (one per core) while earlier ones are stored.
  const limit = pLimit(os.availableParallelism());
  let failed = false;
  // After a failure, probes not started yet end at once instead of delaying the FAILED status.
  const probes = found.map(({ local, filename }) =>
    limit(async () => (failed ? null : probeMedia(local, { ffprobePath: deps.media.ffprobe, fallbackFfprobePath: deps.media.ffprobeFallback, filename }))),
  );
  // A later probe may fail while an earlier output is stored: awaited in its turn, not unhandled now.
  for (const probe of probes) probe.catch(() => undefined);
  try {
    for (const [index, output] of found.entries()) await storeOutput(deps, command, output, (await probes[index])!);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // No ffprobe may still be reading the work dir once the caller removes it.
    await Promise.allSettled(probes);
  }
}

async function storeOutput(deps: Deps, command: Command, output: { alias: string; filename: string; local: string }, fields: MediaFields) {
  const { alias, filename, local } = output;
  const id = randomUUID();
  const key = storageKey(command.accountId, id, filename);
  let size: number;
  try {
    ({ size } = await deps.storage.putFile(key, local, { maxBytes: deps.config.maxFileBytes }));
  } catch (err) {
    if (err instanceof ObjectTooLargeError) {
      throw new CommandFailure('OUTPUT_TOO_LARGE', `${alias} (${filename}) is larger than ${err.limitBytes} bytes.`);
    }
    throw err;
  }
  const deletedAt = await deps.db.$transaction(async (tx) => {
    // FOR SHARE: a DELETE of the command's files either sees this row or has flagged the command first.
    const [flag] = await tx.$queryRaw<{ deleted_at: Date | null }[]>`
      SELECT outputs_deleted_at AS deleted_at FROM commands WHERE id = ${command.id}::uuid FOR SHARE`;
    const deletedAt = flag?.deleted_at ?? null;
    await tx.file.create({
      data: {
        id,
        accountId: command.accountId,
        storeType: 'OUTPUT',
        status: 'STORED',
        filename,
        storageKey: key,
        sizeBytes: BigInt(size),
        commandId: command.id,
        outputAlias: alias,
        ...(deletedAt ? { isDeleted: true, deletedAt: new Date() } : {}),
        ...fields,
      },
    });
    return deletedAt;
  });
  if (deletedAt) await deps.storage.delete(key);
}

/** Deletes output files (records and bytes) an earlier attempt of this command left behind. */
export async function removeOutputs(deps: Deps, commandId: string): Promise<void> {
  const stale = await deps.db.file.findMany({ where: { commandId } });
  if (!stale.length) return;
  await Promise.all(stale.map((f) => deps.storage.deletePrefix(fileStoragePrefix(f.accountId, f.id))));
  await deps.db.file.deleteMany({ where: { id: { in: stale.map((f) => f.id) } } });
  await Promise.all(stale.map((f) => publishFileStatus(deps, f.id)));
}

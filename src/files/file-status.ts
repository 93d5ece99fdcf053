import type { Prisma } from '../generated/prisma/client.ts';
import type { Deps } from '../platform/context.ts';

export const TERMINAL_FILE_STATUSES = new Set(['STORED', 'FAILED']);

export async function publishFileStatus(deps: Pick<Deps, 'events' | 'log'>, fileId: string, status = 'CHANGED') {
  await deps.events.publish({ topic: 'file', id: fileId, status }).catch((err: unknown) => {
    deps.log.warn({ err, fileId }, 'could not announce a file status change');
  });
}

/** Updates a file that is still PROCESSING (and not deleted) and announces the change; false otherwise. */
export async function updateProcessingFile(
  deps: Pick<Deps, 'db' | 'events' | 'log'>,
  fileId: string,
  data: Prisma.FileUpdateManyMutationInput,
): Promise<boolean> {
  const result = await deps.db.file.updateMany({ where: { id: fileId, status: 'PROCESSING', isDeleted: false }, data });
  if (result.count > 0 && typeof data.status === 'string') await publishFileStatus(deps, fileId, data.status);
  return result.count > 0;
}

export async function failFile(
  deps: Pick<Deps, 'db' | 'events' | 'log'>,
  fileId: string,
  errorStatus: string,
  errorMessage: string,
): Promise<boolean> {
  return updateProcessingFile(deps, fileId, {
    status: 'FAILED',
    errorStatus,
    errorMessage: errorMessage.slice(0, 1000),
  });
}

/**
 * A signal that aborts once the file stops PROCESSING elsewhere (deleted, or failed by the sweep), so
 * that an import of a deleted file stops downloading at once instead of running to its end. Listens
 * from the call: call it before reading the file, and no change in between is missed.
 */
export function abortWhenFileEnds(deps: Pick<Deps, 'db' | 'events'>, fileId: string): { signal: AbortSignal; stop(): Promise<void> } {
  const controller = new AbortController();
  const events = deps.events.subscribe('file', fileId);
  void (async () => {
    for await (const _event of events) {
      const file = await deps.db.file.findUnique({ where: { id: fileId }, select: { status: true, isDeleted: true } }).catch(() => undefined);
      if (file === undefined) continue; // unreadable now: the next event (or the job's own end) decides
      if (!file || file.isDeleted || file.status !== 'PROCESSING') {
        controller.abort(new Error('The file ended while it was being imported.'));
        return;
      }
    }
  })();
  return { signal: controller.signal, stop: async () => void (await events.return()) };
}

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

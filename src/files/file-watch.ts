import type { File } from '../generated/prisma/client.ts';
import type { ServiceContext } from '../platform/context.ts';
import { endingWith, eventsOrTicks, type EventSubscription } from '../platform/events.ts';
import { TERMINAL_FILE_STATUSES } from './file-status.ts';
import { getFile } from './files-service.ts';

const RECHECK_MS = 5_000;

/** Yields the file now and at every status change until it is terminal (or deleted). */
export async function watchFileStatus(ctx: ServiceContext, fileId: string): Promise<AsyncGenerator<File>> {
  const { id } = await getFile(ctx, fileId); // NOT_FOUND before subscribing to anything
  // Subscribe before re-reading so that no change between the read and the subscription is lost.
  const events = ctx.events.subscribe('file', id);
  return endingWith(events, follow(ctx, fileId, events));
}

async function* follow(ctx: ServiceContext, fileId: string, events: EventSubscription): AsyncGenerator<File> {
  try {
    let file = await getFile(ctx, fileId);
    yield file;
    let last = `${file.status}:${file.isDeleted}`;
    if (isFinal(file)) return;
    for await (const _event of eventsOrTicks(events, RECHECK_MS)) {
      file = await getFile(ctx, fileId);
      const now = `${file.status}:${file.isDeleted}`;
      if (now === last) continue;
      last = now;
      yield file;
      if (isFinal(file)) return;
    }
  } finally {
    await events.return();
  }
}

function isFinal(file: File): boolean {
  return file.isDeleted || TERMINAL_FILE_STATUSES.has(file.status);
}

import type { File } from '../generated/prisma/client.ts';
import type { EventBus } from '../platform/events.ts';
import { TERMINAL_FILE_STATUSES } from './file-status.ts';

export interface FileCache {
  /** The file by id for this account: from memory when it is known and final, otherwise from load(). */
  get(accountId: string, fileId: string, load: () => Promise<File | null>): Promise<File | null>;
}

/**
 * Files in a final status (STORED, FAILED) change only by deletion, and every change of a file is
 * announced as a file event, by this process at once and by others through NOTIFY. So polling a
 * finished file (the hottest read a client makes) needs no query while the listener is connected.
 * Rows of files still PROCESSING are never kept: their changes are not all announced.
 */
export function createFileCache(events: EventBus, opts: { maxEntries?: number; maxAgeMs?: number } = {}): FileCache {
  const { maxEntries = 20_000, maxAgeMs = 5_000 } = opts;
  // Entries also expire: a NOTIFY that was lost (its publisher only logs the failure) is then
  // outlived within maxAgeMs, the same bound API-key revocation has.
  const rows = new Map<string, { file: File; expires: number }>();
  // Bumped on every change: a row read before a change is not kept, even if its event came first.
  let generation = 0;
  events.watchTopic('file', (event) => {
    generation++;
    if (event) rows.delete(event.id);
    else rows.clear();
  });

  return {
    async get(accountId, fileId, load) {
      const cached = rows.get(fileId);
      if (cached && cached.file.accountId === accountId && cached.expires > Date.now() && events.listening) return cached.file;
      const readAt = generation;
      const file = await load();
      if (file && TERMINAL_FILE_STATUSES.has(file.status) && events.listening && generation === readAt) {
        rows.delete(fileId); // re-inserted at the end: the oldest entries go first when full
        if (rows.size >= maxEntries) rows.delete(rows.keys().next().value!);
        rows.set(fileId, { file, expires: Date.now() + maxAgeMs });
      }
      return file;
    },
  };
}

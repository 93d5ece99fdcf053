import { sanitizeFilename } from '../platform/filenames.ts';
import { UUID_PATTERN } from '../platform/ids.ts';

export { sanitizeFilename };

/** The last path segment of a URL, decoded and sanitised; `file` when there is none. */
export function filenameFromUrl(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
  let decoded = last;
  try {
    decoded = decodeURIComponent(last);
  } catch {
    // keep the raw segment: a malformed escape is still a usable name once sanitised
  }
  return sanitizeFilename(decoded);
}

export function storageKey(accountId: string, fileId: string, filename: string): string {
  return `${fileStoragePrefix(accountId, fileId)}${filename}`;
}

/** Every object of one file lies under this prefix (the file's name may have changed since it was stored). */
export function fileStoragePrefix(accountId: string, fileId: string): string {
  return `${accountId}/${fileId}/`;
}

const STORAGE_KEY = new RegExp(`^${UUID_PATTERN}/${UUID_PATTERN}/[^/]+$`);

/** Whether an object key has the shape storageKey gives: <account id>/<file id>/<filename>. */
export function isFileStorageKey(key: string): boolean {
  return STORAGE_KEY.test(key);
}

import path from 'node:path';

const MAX_NAME_LENGTH = 180;

/** Reduces a user-supplied name to [A-Za-z0-9._-] so it is safe as a storage key segment and a URL part. */
export function sanitizeFilename(name: string | null | undefined, fallback = 'file'): string {
  const base = path.posix.basename((name ?? '').replaceAll('\\', '/'));
  let clean = base
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .replace(/_+/g, '_');
  if (clean.length > MAX_NAME_LENGTH) {
    const ext = path.posix.extname(clean).slice(0, 16);
    clean = clean.slice(0, MAX_NAME_LENGTH - ext.length) + ext;
  }
  return clean === '' || clean === '.' || clean === '..' ? fallback : clean;
}

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
  return `${accountId}/${fileId}/${filename}`;
}

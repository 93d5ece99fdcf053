import path from 'node:path';

const MAX_NAME_LENGTH = 180;

/** Reduces a user-supplied name to [A-Za-z0-9._-] so it is safe as a storage key segment and a URL part. */
export function sanitizeFilename(name: string | null | undefined, fallback = 'file'): string {
  const base = path.posix.basename((name ?? '').replaceAll('\\', '/'));
  let clean = base
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // é → e once NFKD has split off the accent
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '') // no hidden files
    .replace(/_+/g, '_');
  if (clean.length > MAX_NAME_LENGTH) {
    const ext = path.posix.extname(clean).slice(0, 16);
    clean = clean.slice(0, MAX_NAME_LENGTH - ext.length) + ext;
  }
  return clean === '' || clean === '.' || clean === '..' ? fallback : clean;
}

/**
 * Whether `If-None-Match` names the current representation (RFC 9110 §13.1.2): `*`, or a list of
 * entity tags compared weakly (`W/"x"` matches `"x"`). A caching client may send any of these forms.
 */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return false;
  if (value.trim() === '*') return true;
  const opaque = (tag: string) => tag.replace(/^W\//, '');
  return (value.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => opaque(tag) === opaque(etag));
}

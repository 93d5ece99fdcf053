// Postgres cannot store NUL in text or jsonb, nor an unpaired UTF-16 surrogate in jsonb; JSON and
// GraphQL can carry both. They are refused at the edge, as the client's mistake they are.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (value or object key) that cannot be stored, or undefined. */
export function findUnstorableText(value: unknown): (string | number)[] | undefined {
  return findInJson(value, (text) => UNSTORABLE.test(text));
}

/**
 * The path of the first object key for which isBadKey holds, or of the first string value for which
 * isBadText does; nesting past 64 levels is not searched (such a body is refused for its depth).
 */
export function findInJson(
  value: unknown,
  isBadKey: (key: string) => boolean,
  isBadText: (text: string) => boolean = isBadKey,
  path: (string | number)[] = [],
  depth = 0,
): (string | number)[] | undefined {
  if (typeof value === 'string') return isBadText(value) ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findInJson(item, isBadKey, isBadText, [...path, i], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (isBadKey(key)) return [...path, key];
    const found = findInJson(item, isBadKey, isBadText, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

export const UNSTORABLE_TEXT_MESSAGE = 'Text may not contain NUL characters or unpaired UTF-16 surrogates.';

export const PROTO_KEY_MESSAGE = '"__proto__" cannot be a key.';

/**
 * The path of the first "__proto__" key. Copied into a plain object (zod copies maps so), that key
 * sets the prototype instead: it would vanish before any check (an extra preset input, an output
 * alias) could see it.
 */
export function findProtoKey(value: unknown): (string | number)[] | undefined {
  return findInJson(value, (key) => key === '__proto__', () => false);
}

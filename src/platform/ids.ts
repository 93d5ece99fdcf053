/** A UUID as the service writes them (lowercase hex, any version), for building patterns. */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else names no object, so callers answer NOT_FOUND without a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

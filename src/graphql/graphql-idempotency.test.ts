import { describe, expect, it } from 'vitest';
import { useIdempotentAnswer, type PendingIdempotency } from './graphql-idempotency.ts';

async function kept(status: number, body: unknown, contentType = 'application/graphql-response+json; charset=utf-8') {
  const settled: [number, unknown][] = [];
  const pending: PendingIdempotency = { settle: async (s, b) => void settled.push([s, b]), end: async () => undefined };
  const response = new Response(JSON.stringify(body), { status, headers: { 'content-type': contentType } });
  await (useIdempotentAnswer().onResponse as any)({ response, serverContext: { idempotency: pending } });
  return settled;
}

describe('which GraphQL answers an Idempotency-Key keeps', () => {
  it('keeps an answer without errors, and one where a root field has data whatever its status', async () => {
    expect(await kept(200, { data: { storeFile: { fileId: 'a' } } })).toEqual([[200, { data: { storeFile: { fileId: 'a' } } }]]);
    // One mutation done, the other hit the database going away: yoga answers 503 for the whole.
    const partial = { data: { a: { fileId: 'a' }, b: null }, errors: [{ message: 'unavailable', extensions: { code: 'SERVICE_UNAVAILABLE' } }] };
    expect(await kept(503, partial)).toEqual([[503, partial]]);
  });

  it('forgets an answer where nothing was done, and streams', async () => {
    expect(await kept(200, { data: null, errors: [{ message: 'no' }] })).toEqual([]);
    expect(await kept(422, { data: { a: null }, errors: [{ message: 'no' }] })).toEqual([]);
    expect(await kept(200, { data: { a: 1 } }, 'text/event-stream')).toEqual([]);
  });
});

import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { graphql } from './gql/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { execute, subscribeSse, subscribeWs } from './support/graphql-client.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { makeMedia } from './support/media.ts';

const StoreFile = graphql(`
  mutation StoreFile($fileUrl: String!) {
    storeFile(fileUrl: $fileUrl) { fileId status rendiStoreType originalFileUrl storageUrl }
  }
`);
const GetFile = graphql(`
  query GetFile($fileId: ID!) {
    file(fileId: $fileId) { fileId status fileType codec width height duration storageUrl isDeleted sizeMbytes }
  }
`);
const ListFiles = graphql(`
  query ListFiles($limit: Int, $offset: Int) {
    files(limit: $limit, offset: $offset) { total limit offset files { fileId } }
  }
`);
const DeleteFile = graphql(`
  mutation DeleteFile($fileId: ID!) { deleteFile(fileId: $fileId) { deleted fileId } }
`);
const FileStatus = graphql(`
  subscription FileStatus($fileId: ID!) { fileStatus(fileId: $fileId) { fileId status fileType } }
`);
const UPLOAD = `mutation Upload($file: Upload!) { uploadFile(file: $file) { fileId status rendiStoreType filename } }`;

let t: TestApp;
let media: Awaited<ReturnType<typeof makeMedia>>;
let origin: FixtureServer;

beforeAll(async () => {
  [t, media, origin] = await Promise.all([startTestApp(), makeMedia(), startFixtureServer()]);
  // The origin holds its answer back for a moment, so a subscriber sees PROCESSING before STORED.
  const bytes = await readFile(media.mp4);
  origin.route('/slow.mp4', async (_req, res) => {
    await new Promise((r) => setTimeout(r, 600));
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes.length }).end(bytes);
  });
});
afterAll(async () => {
  await Promise.all([t?.stop(), origin?.close()]);
});

async function uploadViaMultipartSpec(path: string, name: string) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([await readFile(path)]), name);
  const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'x-api-key': t.apiKey }, body: form });
  return { status: response.status, body: (await response.json()) as any };
}

describe('GraphQL files', () => {
  it('uploadFile (multipart request spec) stores and probes the file', async () => {
    const { status, body } = await uploadViaMultipartSpec(media.png, 'still.png');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.uploadFile).toMatchObject({ status: 'PROCESSING', rendiStoreType: 'UPLOAD', filename: 'still.png' });
    const fileId = body.data.uploadFile.fileId as string;
    await t.waitForFile(fileId);
    const { data } = await execute(t.url, GetFile, { fileId }, t.apiKey);
    expect(data?.file).toMatchObject({ fileId, status: 'STORED', fileType: 'image', codec: 'png', width: 64, height: 48 });
  });

  it('uploadFile takes a file over 25 MB (the service caps bodies by MAX_FILE_BYTES, not yoga\'s default)', async () => {
    const wav = join(media.dir, 'long.wav');
    // 140 s of 48 kHz stereo PCM: about 27 MB, past yoga's built-in 25 MB body limit.
    await promisify(execFile)('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=48000', '-t', '140', '-ac', '2', '-c:a', 'pcm_s16le', wav]);
    expect((await stat(wav)).size).toBeGreaterThan(25_000_000);
    const { status, body } = await uploadViaMultipartSpec(wav, 'long.wav');
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    const fileId = body.data.uploadFile.fileId as string;
    await t.waitForFile(fileId);
    const { data } = await execute(t.url, GetFile, { fileId }, t.apiKey);
    expect(data?.file).toMatchObject({ fileId, status: 'STORED', fileType: 'audio', codec: 'pcm_s16le' });
  });

  it('one upload mapped to two variables is INVALID_REQUEST before anything runs', async () => {
    const form = new FormData();
    const query = 'mutation Twice($a: Upload!, $b: Upload!) { a: uploadFile(file: $a) { fileId } b: uploadFile(file: $b) { fileId } }';
    form.append('operations', JSON.stringify({ query, variables: { a: null, b: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.a', 'variables.b'] }));
    form.append('0', new Blob([await readFile(media.png)]), 'twice.png');
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'x-api-key': t.apiKey }, body: form });
    const body = (await response.json()) as any;
    expect(response.status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'INVALID_REQUEST' } });
    expect(body.errors[0].message).toMatch(/more than one variable/);
    expect(await t.app.deps.db.file.count({ where: { filename: 'twice.png' } })).toBe(0);
  });

  it('a request refused for its key is HTTP 401, as over REST; the schema is readable without a key', async () => {
    const post = async (query: string, key?: string) => {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(key ? { 'x-api-key': key } : {}) },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    for (const key of [undefined, `ffsk_${'0'.repeat(64)}`, 'not-a-key']) {
      const refused = await post('{ files { total } }', key);
      expect(refused.status).toBe(401);
      expect(refused.body.errors[0].extensions).toEqual({ code: 'UNAUTHORIZED' });
    }
    const schema = await post('{ __schema { queryType { name } } }');
    expect(schema).toEqual({ status: 200, body: { data: { __schema: { queryType: { name: 'Query' } } } } });
    expect((await post('{ files { total } }', t.apiKey)).status).toBe(200);
  });

  it('storeFile, files, deleteFile, and errors carry the REST codes', async () => {
    const stored = await execute(t.url, StoreFile, { fileUrl: `${origin.url}/slow.mp4` }, t.apiKey);
    expect(stored.data?.storeFile).toMatchObject({ status: 'PROCESSING', rendiStoreType: 'STORED_FILE', storageUrl: null });
    const fileId = stored.data!.storeFile.fileId;
    const listed = await execute(t.url, ListFiles, { limit: 100 }, t.apiKey);
    expect(listed.data?.files.files.map((f) => f.fileId)).toContain(fileId);

    const forbidden = await execute(t.url, StoreFile, { fileUrl: 'http://10.1.2.3/a.mp4' }, t.apiKey);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('VALIDATION_ERROR');
    const noKey = await execute(t.url, GetFile, { fileId }, null);
    expect(noKey.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED');
    const otherAccount = await execute(t.url, GetFile, { fileId }, t.otherApiKey);
    expect(otherAccount.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badLimit = await execute(t.url, ListFiles, { limit: 1000 }, t.apiKey);
    expect(badLimit.errors?.[0]?.extensions?.code).toBe('INVALID_REQUEST');

    await t.waitForFile(fileId);
    const deleted = await execute(t.url, DeleteFile, { fileId }, t.apiKey);
    expect(deleted.data?.deleteFile).toEqual({ deleted: true, fileId });
    const again = await execute(t.url, DeleteFile, { fileId }, t.apiKey);
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const after = await execute(t.url, GetFile, { fileId }, t.apiKey);
    expect(after.data?.file).toMatchObject({ isDeleted: true, storageUrl: null });
  });

  it('over WebSocket, the request guards hold as over HTTP, and a wrong key fails only its operation', async () => {
    const ws = (query: string, variables: Record<string, unknown>, key = t.apiKey) => subscribeWs(t.url, parse(query) as never, variables as never, key);
    const createPreset = 'mutation($i: CreatePresetInput!) { createPreset(input: $i) { presetId } }';
    const preset = (name: string) => ({ i: { name, inputFileKeys: ['in_a'], outputFileDefinitions: { out_x: 'x.mp4' }, ffmpegCommand: '-i {{in_a}} -c copy {{out_x}}' } });
    await expect(ws(createPreset, preset('a\u0000b'))).rejects.toThrow(/INVALID_REQUEST/);
    await expect(ws(createPreset, preset('a\ud800b'))).rejects.toThrow(/INVALID_REQUEST/);
    // In a literal rather than a variable: refused by the validate step both transports share.
    const literal = 'mutation { createPreset(input: { name: "a\\u0000b", inputFileKeys: ["in_a"], outputFileDefinitions: { out_x: "x.mp4" }, ffmpegCommand: "-i {{in_a}} -c copy {{out_x}}" }) { presetId } }';
    await expect(ws(literal, {})).rejects.toThrow(/INVALID_REQUEST/);
    await expect(ws(`{ files(limit: ${'['.repeat(100)}${']'.repeat(100)}) { total } }`, {})).rejects.toThrow(/nests deeper than 64/);
    // A syntax error and an unknown field carry their code, as over HTTP (sent as text: the client
    // helper above parses its document first).
    const client = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { 'X-API-KEY': t.apiKey }, retryAttempts: 0 });
    try {
      for (const query of ['{ files { total ', '{ nope }']) {
        const errors = await new Promise<any[]>((resolve) => {
          client.subscribe({ query }, { next: (value) => resolve(value.errors as any[]), error: (err) => resolve(err as any[]), complete: () => resolve([]) });
        });
        expect(errors[0]?.extensions?.code, `${query}: ${JSON.stringify(errors)}`).toBe('INVALID_REQUEST');
      }
    } finally {
      await client.dispose();
    }
    // Refused for the key: over a socket, as over HTTP, the error carries its code and nothing of HTTP's.
    for (const key of [`ffsk_${'0'.repeat(64)}`, '']) {
      const refused = await ws('{ files { total } }', {}, key).then(
        (events) => events[0]?.errors,
        (err: Error) => JSON.parse(err.message),
      );
      expect(refused?.map((e: any) => e.extensions)).toEqual([{ code: 'UNAUTHORIZED' }]);
    }
    const presets = await t.app.deps.db.preset.count();
    expect(presets).toBe(0);
  });

  it('over WebSocket, a message over 1 MiB (the cap of a POST body) closes the socket with 1009', async () => {
    const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { 'X-API-KEY': t.apiKey } }));
    // Any client can send one: it goes to the service's log at debug, not to stderr with a stack.
    const printed = vi.spyOn(console, 'error');
    try {
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `{ files { total } } #${'x'.repeat(1024 * 1024)}` } }));
      expect(await closed).toBe(1009);
      await new Promise((r) => setTimeout(r, 100));
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });

  it('a WebSocket upgrade on another path than /graphql is refused with 400', async () => {
    const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/v1/files`, 'graphql-transport-ws');
    const status = await new Promise<number>((resolve) => socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).once('error', () => resolve(-1)));
    expect(status).toBe(400);
  });

  for (const [transport, subscribe] of [['SSE', subscribeSse], ['WebSocket', subscribeWs]] as const) {
    it(`fileStatus over ${transport} sees PROCESSING then STORED, then completes`, async () => {
      const stored = await execute(t.url, StoreFile, { fileUrl: `${origin.url}/slow.mp4` }, t.apiKey);
      const fileId = stored.data!.storeFile.fileId;
      const events = await subscribe(t.url, FileStatus, { fileId }, t.apiKey);
      expect(events.map((e) => e.data?.fileStatus.status)).toEqual(['PROCESSING', 'STORED']);
      expect(events.at(-1)?.data?.fileStatus).toMatchObject({ fileId, fileType: 'video' });
    });
  }

  describe('a subscriber that goes away while nothing changes ends its subscription at once', () => {
    // The import is held by the origin, so the file stays PROCESSING and the watcher has nothing to yield.
    const held: import('node:http').ServerResponse[] = [];
    const heldFiles: string[] = [];
    beforeAll(() => origin.route('/held.mp4', (_req, res) => void held.push(res)));
    // A held import keeps its worker slot: each test lets its own go (a 404 is not retried), and waits
    // until it has ended, so the next test's import gets a slot and the counts start from the same point.
    afterEach(async () => {
      held.splice(0).forEach((res) => res.writeHead(404).end());
      for (const fileId of heldFiles.splice(0)) expect((await t.waitForFile(fileId)).status).toBe('FAILED');
    });

    // Returns once the import job is at the origin: the job holds a subscription to the file's events
    // of its own (abortWhenFileEnds), so the count is read after it, or the job's would be taken for the watcher's.
    const processingFile = async () => {
      const heldBefore = held.length;
      const stored = await execute(t.url, StoreFile, { fileUrl: `${origin.url}/held.mp4` }, t.apiKey);
      heldFiles.push(stored.data!.storeFile.fileId);
      while (held.length === heldBefore) await new Promise((r) => setTimeout(r, 20));
      return stored.data!.storeFile.fileId;
    };
    const subscriptionsTo = (fileId: string) => t.app.deps.events.subscriptionsTo('file', fileId);
    const subscriptionsBack = async (fileId: string, to: number) => {
      const deadline = Date.now() + 3_000; // well under the watcher's 5 s re-read
      while (subscriptionsTo(fileId) > to && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return subscriptionsTo(fileId);
    };

    it('over SSE, when the client disconnects', async () => {
      const fileId = await processingFile();
      const before = subscriptionsTo(fileId);
      const abort = new AbortController();
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': t.apiKey },
        body: JSON.stringify({ query: 'subscription($fileId: ID!) { fileStatus(fileId: $fileId) { status } }', variables: { fileId } }),
        signal: abort.signal,
      });
      const reader = response.body!.getReader();
      let text = '';
      while (!text.includes('PROCESSING')) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before PROCESSING: ${text}`);
        text += new TextDecoder().decode(value);
      }
      expect(subscriptionsTo(fileId)).toBe(before + 1);
      abort.abort();
      expect(await subscriptionsBack(fileId, before)).toBe(before);
    });

    it('over WebSocket, when the client unsubscribes or closes the socket', async () => {
      const fileId = await processingFile();
      const before = subscriptionsTo(fileId);
      const client = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { 'X-API-KEY': t.apiKey }, retryAttempts: 0 });
      const query = 'subscription($fileId: ID!) { fileStatus(fileId: $fileId) { status } }';
      const firstEvent = () =>
        new Promise<() => void>((resolve, reject) => {
          const unsubscribe = client.subscribe({ query, variables: { fileId } }, { next: () => resolve(unsubscribe), error: reject, complete: () => undefined });
        });
      const unsubscribe = await firstEvent();
      await firstEvent();
      expect(subscriptionsTo(fileId)).toBe(before + 2);
      unsubscribe();
      expect(await subscriptionsBack(fileId, before + 1)).toBe(before + 1);
      await client.dispose();
      expect(await subscriptionsBack(fileId, before)).toBe(before);
    });
  });

  it('fileStatus of another account is NOT_FOUND', async () => {
    const stored = await execute(t.url, StoreFile, { fileUrl: `${origin.url}/slow.mp4` }, t.apiKey);
    const events = await subscribeSse(t.url, FileStatus, { fileId: stored.data!.storeFile.fileId }, t.otherApiKey);
    expect(events[0]?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('shutdown with a WebSocket client connected', () => {
  it('stop() ends soon after the grace period, and the client is told the server is going away (1001)', async () => {
    const app = await startTestApp({ env: { SHUTDOWN_GRACE_SECONDS: '1' } });
    const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const acked = new Promise<void>((resolve) => ws.on('message', (data) => JSON.parse(String(data)).type === 'connection_ack' && resolve()));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { 'X-API-KEY': app.apiKey } }));
    await acked;
    // graphql-ws clients answer pings and never leave on their own: the server must close them.
    const started = Date.now();
    const stopped = app.stop().then(() => Date.now() - started);
    // A second stop meanwhile (a second signal, say) waits for the first: it must not close the
    // database and the queue under the drain still running.
    const again = app.app.stop().then(() => Date.now() - started);
    const outcome = await Promise.race([stopped, new Promise<string>((resolve) => setTimeout(() => resolve('still stopping after 15 s'), 15_000))]);
    if (typeof outcome === 'string') ws.terminate();
    await stopped;
    expect(outcome).toBeLessThan(8_000);
    expect(await closed).toBe(1001);
    expect(await again).toBeGreaterThanOrEqual(900); // the HTTP drain: the 1 s grace
  }, 60_000);
});

import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';

// A corpus of malformed and hostile requests across every route, each sent over a real socket (fetch,
// or a raw TCP socket for what fetch refuses to send: invalid bytes, wrong Content-Length, bad
// percent-encoding and dot segments in paths, control characters in headers, huge headers). Each must
// get its documented 4xx (API.md's error table), never a 500, the documented error body, and must leave
// the database as it was: row counts of every table (and the newest updated_at of the mutable ones),
// checked around each case and around the whole corpus. At the end /metrics must count no 5xx answer,
// which also catches a 500 on a connection the client could not read.
//
// Cases marked `judgement` accept any of a few 4xx (say, a method the route does not have); cases
// marked `bug` found a product bug and assert the correct answer, so they fail until it is fixed. The
// afterAll summary lists both with what the API answered (MALFORMED_VERBOSE=1 lists every case).

const MAX_FILE_BYTES = 1024 * 1024; // this app's upload limit, so an over-limit upload is cheap
const JSON_LIMIT = 1024 * 1024; // MAX_JSON_BODY_BYTES
const UNKNOWN = '00000000-0000-4000-8000-000000000000'; // a well-formed v4 UUID that names nothing
const INTERNAL = 'http://10.0.0.1/x.mp4'; // refused by the outbound rules (only 127.0.0.1/32 is allowed)

let t: TestApp;
let host: string;
let port: number;
// Objects the corpus aims at (made before the snapshot).
let fileId: string; // a STORED file of this account
let fileName: string;
let storageUrl: string;
let otherFileId: string; // a STORED file of the other account
let otherFileName: string;
let deletedFileId: string; // a deleted file of this account
let presetId: string; // a preset of this account
let otherPresetId: string; // a preset of the other account
let commandId: string; // an ended command of this account
let otherCommandId: string; // an ended command of the other account

// ---------------------------------------------------------------------------------------------------
// Transport

interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

interface Req {
  method?: string;
  path: string;
  key?: string | null; // default: this account's key; null: none
  headers?: Record<string, string>;
  body?: string | Buffer | FormData;
}

async function send(r: Req): Promise<Reply> {
  const headers = new Headers(r.headers);
  const key = r.key === undefined ? t.apiKey : r.key;
  if (key) headers.set('x-api-key', key);
  const response = await fetch(`${t.url}${r.path}`, {
    method: r.method ?? 'GET',
    headers,
    body: r.body as BodyInit | undefined,
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, headers: Object.fromEntries(response.headers), text };
}

/** One HTTP/1.1 request as raw bytes: header values are written as latin1, nothing is normalised. */
function rawRequest(
  method: string,
  target: string,
  opts: { key?: string | null; headers?: [string, string][]; body?: Buffer | string; contentLength?: string | null } = {},
): Buffer {
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body, 'utf8') : opts.body;
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}:${port}`, 'Connection: close'];
  const key = opts.key === undefined ? t.apiKey : opts.key;
  if (key) lines.push(`X-API-KEY: ${key}`);
  for (const [name, value] of opts.headers ?? []) lines.push(`${name}: ${value}`);
  if (opts.contentLength !== null) {
    const length = opts.contentLength ?? (body ? String(body.length) : undefined);
    if (length !== undefined) lines.push(`Content-Length: ${length}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body ?? Buffer.alloc(0)]);
}

/** Chunked transfer encoding, for a body without Content-Length. */
function chunked(body: Buffer, chunkSize = 64 * 1024): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += chunkSize) {
    const chunk = body.subarray(i, i + chunkSize);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/**
 * Writes bytes on a fresh connection and reads the first response. `halfClose` ends our side after
 * writing (for a body shorter than its Content-Length). Resolves null when the server closes the
 * connection without answering.
 */
function sendRaw(bytes: Buffer, opts: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<Reply | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const reply = parseResponse(Buffer.concat(chunks));
      if (reply || !err) resolve(reply);
      else reject(err);
    };
    const timer = setTimeout(() => finish(new Error('no answer within the time limit')), opts.timeoutMs ?? 15_000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const reply = parseResponse(Buffer.concat(chunks));
      if (reply?.complete) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    // The server may answer and close before reading everything we send (a refused upload): what
    // it answered is what counts.
    socket.on('error', (err) => finish(err));
    socket.write(bytes, () => {
      if (opts.halfClose) socket.end();
    });
  });
}

function parseResponse(buffer: Buffer): (Reply & { complete: boolean }) | null {
  const end = buffer.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const [statusLine, ...headerLines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  if (!status) return null;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = buffer.subarray(end + 4);
  let complete = false;
  if (headers['transfer-encoding']?.includes('chunked')) {
    const out: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = body.indexOf('\r\n', at);
      if (lineEnd === -1) break;
      const size = parseInt(body.subarray(at, lineEnd).toString(), 16);
      if (size === 0) {
        complete = true;
        break;
      }
      if (lineEnd + 2 + size > body.length) break;
      out.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(out);
  } else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    complete = body.length >= length;
    body = body.subarray(0, length);
  }
  return { status, headers, text: body.toString('utf8'), complete };
}

// ---------------------------------------------------------------------------------------------------
// The database, before and after

type Snapshot = Record<string, number | string | null>;

async function snapshot(): Promise<Snapshot> {
  const rows = await t.app.deps.db.$queryRawUnsafe<Snapshot[]>(`
    SELECT
      (SELECT count(*)::int FROM accounts) AS accounts,
      (SELECT count(*)::int FROM api_keys) AS api_keys,
      (SELECT count(*)::int FROM api_keys WHERE revoked_at IS NOT NULL) AS api_keys_revoked,
      (SELECT count(*)::int FROM files) AS files,
      (SELECT count(*)::int FROM files WHERE is_deleted) AS files_deleted,
      (SELECT max(updated_at)::text FROM files) AS files_updated,
      (SELECT count(*)::int FROM commands) AS commands,
      (SELECT max(updated_at)::text FROM commands) AS commands_updated,
      (SELECT count(*)::int FROM presets) AS presets,
      (SELECT max(updated_at)::text FROM presets) AS presets_updated,
      (SELECT count(*)::int FROM webhook_configs) AS webhook_configs,
      (SELECT max(updated_at)::text FROM webhook_configs) AS webhook_configs_updated,
      (SELECT count(*)::int FROM webhook_deliveries) AS webhook_deliveries,
      (SELECT count(*)::int FROM idempotency_records) AS idempotency_records,
      (SELECT count(*)::int FROM idempotency_records WHERE status IS NOT NULL) AS idempotency_completed
  `);
  return rows[0]!;
}

// ---------------------------------------------------------------------------------------------------
// Cases

type Kind = 'rest' | 'graphql' | 'node' | 'bare';

interface Case {
  route: string;
  name: string;
  run: () => Promise<Reply | null>;
  /** The documented status, or the statuses a judgement call may answer (all 4xx). */
  status: number | number[];
  /** REST: body.error; GraphQL: errors[].extensions.code. */
  code?: string | string[];
  /**
   * rest: `{error, message, request_id}`; graphql: `{errors: [{message, extensions: {code}}]}`;
   * node: refused by Node's HTTP parser before the app sees it (no JSON body);
   * bare: an answer that has no body by definition (HEAD, 416).
   */
  kind?: Kind;
  /** Says why the status is a judgement call; the report lists what the API answered. */
  judgement?: string;
  /** The server may close without an answer (the request never finished arriving). */
  mayNotAnswer?: boolean;
  /** A judgement call where a success is also acceptable (GraphQL: data instead of errors). */
  acceptData?: boolean;
  /** GraphQL multipart transport errors may come in the REST error shape (server.ts answers them). */
  restShapeOk?: boolean;
  /** REST: an entry of `detail` must be at this loc (the refusal is for the intended reason). */
  loc?: (string | number)[];
  /** A product bug this case found: the case asserts the correct behaviour and fails until it is fixed. */
  bug?: string;
}

const CASES: Case[] = [];
const add = (route: string, cases: Omit<Case, 'route'>[]) => {
  for (const c of cases) CASES.push({ route, ...c });
};

const jsonBody = (value: unknown) => JSON.stringify(value);
const j = (method: string, path: () => string, body: string | Buffer, extra: Omit<Req, 'method' | 'path' | 'body'> = {}) => () =>
  send({ method, path: path(), body, ...extra, headers: { 'content-type': 'application/json', ...extra.headers } });
const get = (path: () => string, extra: Omit<Req, 'path'> = {}) => () => send({ path: path(), ...extra });
const raw = (bytes: () => Buffer, opts?: { halfClose?: boolean }) => () => sendRaw(bytes(), opts);
const p = (value: string) => () => value;

const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const padded = (bytes: number, fields: Record<string, unknown>) => jsonBody({ ...fields, pad: 'x'.repeat(bytes) });

function form(fields: [string, string | Blob, string?][]): FormData {
  const f = new FormData();
  for (const [name, value, filename] of fields) {
    if (typeof value === 'string') f.append(name, value);
    else f.append(name, value, filename);
  }
  return f;
}
const multipart = (boundary: string, parts: string[], close = true) =>
  `${parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('')}${close ? `--${boundary}--\r\n` : ''}`;

const METHOD_NOT_ALLOWED = 'no 405 in the error table: a method the route does not have';
// A NUL (U+0000) in a JSON string is valid JSON, but Postgres cannot store it in text or jsonb
// (22021 / 22P05): the service must refuse it as a client error (422, or 400 from a schema check)
// instead of failing the insert with a 500.
const NUL_BUG = 'U+0000 in a stored string reaches Postgres, which refuses it: 500 INTERNAL_ERROR instead of a 4xx';
const NUL_4XX = { status: [400, 422], code: ['INVALID_REQUEST', 'VALIDATION_ERROR'], bug: NUL_BUG };
// The same for a URL on an allowed host whose path holds a NUL: the check passes (WHATWG URL parsing
// percent-encodes it) but the raw string is stored. Normalising to url.href, as PUT /webhook-config
// does, would also be a fix; the case would then have to change (a 200 creates a command).
const NUL_URL_4XX = { ...NUL_4XX, bug: 'a URL that passes the check is stored as sent, with its raw U+0000: 500 INTERNAL_ERROR' };
// A lone surrogate ("\ud800") is valid JSON syntax; text columns get U+FFFD, but jsonb refuses the
// escape (22P05): 500. Expected: a client error (or replacing it, as text columns do; then the case changes).
const SURROGATE_4XX = {
  status: [400, 422],
  code: ['INVALID_REQUEST', 'VALIDATION_ERROR'],
  bug: 'a lone surrogate in metadata reaches jsonb, which refuses the escape: 500 INTERNAL_ERROR',
};
const ALLOWED_NUL_URL = 'http://127.0.0.1:1/x\u0000.mp4'; // 127.0.0.1/32 is on this app's allow-list

// ---- authentication (checked before anything is read or stored)
add('auth', [
  { name: 'no X-API-KEY', run: get(p('/api/v1/files'), { key: null }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'unknown well-formed key', run: get(p('/api/v1/files'), { key: `ffsk_${'0'.repeat(64)}` }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'key of the wrong shape', run: get(p('/api/v1/files'), { key: 'not-a-key' }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'a valid key upper-cased', run: () => send({ path: '/api/v1/files', key: t.apiKey.toUpperCase() }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'a valid key with one character more (raw)', run: raw(() => rawRequest('GET', '/api/v1/files', { key: null, headers: [['X-API-KEY', `${t.apiKey}x`]] })), status: 401, code: 'UNAUTHORIZED' },
  { name: 'key 8 KiB long', run: get(p('/api/v1/files'), { key: `ffsk_${'a'.repeat(8192)}` }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'key as Authorization: Bearer', run: () => send({ path: '/api/v1/files', key: null, headers: { authorization: `Bearer ${t.apiKey}` } }), status: 401, code: 'UNAUTHORIZED' },
  {
    name: 'key with latin1 bytes (raw)',
    run: raw(() => rawRequest('GET', '/api/v1/files', { key: null, headers: [['X-API-KEY', `ffsk_\xe9\xff${'0'.repeat(62)}`]] })),
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    name: 'two X-API-KEY headers, a valid one first (raw)',
    run: raw(() => rawRequest('GET', '/api/v1/files', { headers: [['X-API-KEY', `ffsk_${'1'.repeat(64)}`]] })),
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    name: 'no key and a broken JSON body: 401 before the body is read',
    run: j('POST', p('/api/v1/files/store-file'), '{"file_url": ', { key: null }),
    status: 401,
    code: 'UNAUTHORIZED',
  },
]);

// ---- POST /api/v1/files/store-file
const STORE = p('/api/v1/files/store-file');
add('files: store-file', [
  { name: 'truncated JSON', run: j('POST', STORE, '{"file_url": "http://'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'trailing garbage after the object', run: j('POST', STORE, `${jsonBody({ file_url: INTERNAL })} xyz`), status: 400, code: 'INVALID_REQUEST' },
  { name: 'two JSON objects back to back', run: j('POST', STORE, '{}{}'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'UTF-8 BOM before the JSON', run: j('POST', STORE, `\ufeff${jsonBody({})}`), status: 400, code: 'INVALID_REQUEST' },
  { name: 'NaN as a value', run: j('POST', STORE, '{"file_url": NaN}'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'bare NaN', run: j('POST', STORE, 'NaN'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a raw control character (BEL) inside a JSON string', run: j('POST', STORE, '{"file_url": "http://10.0.0.1/\u0007x"}'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'single-quoted JSON', run: j('POST', STORE, "{'file_url': 'http://10.0.0.1/'}"), status: 400, code: 'INVALID_REQUEST' },
  { name: 'empty body', run: j('POST', STORE, ''), status: 400, code: 'INVALID_REQUEST' },
  { name: 'JSON null', run: j('POST', STORE, 'null'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'JSON array', run: j('POST', STORE, '[]'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'JSON string', run: j('POST', STORE, jsonBody(INTERNAL)), status: 400, code: 'INVALID_REQUEST' },
  { name: 'arrays nested 10000 deep', run: j('POST', STORE, deepArrays(10_000)), status: 400, code: 'INVALID_REQUEST' },
  { name: 'objects nested 10000 deep', run: j('POST', STORE, deepObjects(10_000)), status: 400, code: 'INVALID_REQUEST' },
  { name: 'file_url nested 10000 deep', run: j('POST', STORE, `{"file_url": ${deepArrays(10_000)}}`), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a 2 MiB body', run: j('POST', STORE, padded(2 * JSON_LIMIT, { file_url: INTERNAL })), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  {
    name: 'a 2 MiB chunked body, no Content-Length (raw)',
    run: raw(() =>
      rawRequest('POST', '/api/v1/files/store-file', {
        headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']],
        body: chunked(Buffer.from(padded(2 * JSON_LIMIT, { file_url: INTERNAL }))),
        contentLength: null,
      }),
    ),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'Content-Length 999999999 with a small body (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json']], body: '{}', contentLength: '999999999' })),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'Content-Length shorter than the body (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json']], body: jsonBody({ file_url: INTERNAL }), contentLength: '5' })),
    status: 400,
    kind: 'node',
    judgement: "Node's parser reads the rest of the body as a second request and refuses it with a bare 400 before the app answers the first",
  },
  {
    name: 'Content-Length longer than the body, then the client hangs up (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json']], body: '{"file_url":', contentLength: '500' }), { halfClose: true }),
    status: 400,
    kind: 'node',
    mayNotAnswer: true,
    judgement: 'the body never finishes arriving: Node answers a bare 400 (or the server may close without answering)',
  },
  {
    name: 'Content-Length that is not a number (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json']], body: '{}', contentLength: 'abc' })),
    status: 400,
    kind: 'node',
  },
  {
    name: 'invalid UTF-8 bytes where a value should be (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json']], body: Buffer.from([...Buffer.from('{"file_url": '), 0xff, 0xfe, 0x7d]) })),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'invalid UTF-8 bytes inside an internal URL (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json']], body: Buffer.concat([Buffer.from('{"file_url": "http://10.0.0.1/'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]) })),
    status: 422,
    code: 'VALIDATION_ERROR',
  },
  { name: 'Content-Type text/plain with valid JSON', run: j('POST', STORE, jsonBody({ file_url: INTERNAL }), { headers: { 'content-type': 'text/plain' } }), status: 400, code: 'INVALID_REQUEST' },
  {
    name: 'no Content-Type (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { body: jsonBody({ file_url: INTERNAL }) })),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'application/x-www-form-urlencoded',
    run: j('POST', STORE, `file_url=${encodeURIComponent(INTERNAL)}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  { name: 'multipart/form-data on a JSON route', run: () => send({ method: 'POST', path: STORE(), body: form([['file_url', INTERNAL]]) }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'Content-Type application/jsonx', run: j('POST', STORE, jsonBody({ file_url: INTERNAL }), { headers: { 'content-type': 'application/jsonx' } }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'file_url missing', run: j('POST', STORE, jsonBody({})), status: 400, code: 'INVALID_REQUEST', loc: ['body', 'file_url'] },
  { name: 'file_url missing, an extra field instead', run: j('POST', STORE, jsonBody({ fileUrl: INTERNAL, admin: true })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'file_url only under __proto__', run: j('POST', STORE, `{"__proto__": {"file_url": "${INTERNAL}"}}`), status: 400, code: 'INVALID_REQUEST' },
  { name: 'file_url a number', run: j('POST', STORE, jsonBody({ file_url: 42 })), status: 400, code: 'INVALID_REQUEST', loc: ['body', 'file_url'] },
  { name: 'file_url 1e309', run: j('POST', STORE, '{"file_url": 1e309}'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'file_url null', run: j('POST', STORE, jsonBody({ file_url: null })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'file_url an array of URLs', run: j('POST', STORE, jsonBody({ file_url: [INTERNAL] })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'file_url an object', run: j('POST', STORE, jsonBody({ file_url: { href: INTERNAL } })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'file_url empty', run: j('POST', STORE, jsonBody({ file_url: '' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url not a URL', run: j('POST', STORE, jsonBody({ file_url: 'not a url' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url javascript:', run: j('POST', STORE, jsonBody({ file_url: 'javascript:alert(1)' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url file:///etc/passwd', run: j('POST', STORE, jsonBody({ file_url: 'file:///etc/passwd' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url internal, with extra fields', run: j('POST', STORE, jsonBody({ file_url: INTERNAL, is_admin: true, account_id: UNKNOWN })), status: 422, code: 'VALIDATION_ERROR', loc: ['body', 'file_url'] },
  { name: 'duplicate file_url keys, both internal', run: j('POST', STORE, `{"file_url": "http://192.168.0.1/a", "file_url": "${INTERNAL}"}`), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url with a NUL in the host', run: j('POST', STORE, jsonBody({ file_url: 'http://exa\u0000mple.com/x.mp4' })), status: [400, 422], code: ['INVALID_REQUEST', 'VALIDATION_ERROR'] },
  { name: 'file_url with an RTL override', run: j('POST', STORE, jsonBody({ file_url: 'http://10.0.0.1/\u202Egpj.exe' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url a lone surrogate', run: j('POST', STORE, '{"file_url": "\\ud800"}'), status: [400, 422], code: ['INVALID_REQUEST', 'VALIDATION_ERROR'] },
  { name: 'file_url with emoji, internal host', run: j('POST', STORE, jsonBody({ file_url: 'http://10.0.0.1/💩.mp4' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url 100 KB long, internal host', run: j('POST', STORE, jsonBody({ file_url: `http://10.0.0.1/${'a'.repeat(100_000)}` })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url with credentials', run: j('POST', STORE, jsonBody({ file_url: 'http://user:pw@127.0.0.1/x.mp4' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'Idempotency-Key 256 characters', run: j('POST', STORE, jsonBody({ file_url: INTERNAL }), { headers: { 'idempotency-key': 'k'.repeat(256) } }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'Idempotency-Key empty', run: j('POST', STORE, jsonBody({ file_url: INTERNAL }), { headers: { 'idempotency-key': '' } }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'Idempotency-Key with a space', run: j('POST', STORE, jsonBody({ file_url: INTERNAL }), { headers: { 'idempotency-key': 'a b' } }), status: 400, code: 'INVALID_REQUEST' },
  {
    name: 'Idempotency-Key with a tab (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json'], ['Idempotency-Key', 'a\tb']], body: jsonBody({ file_url: INTERNAL }) })),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'Idempotency-Key with latin1 bytes (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json'], ['Idempotency-Key', 'caf\xe9\xff']], body: jsonBody({ file_url: INTERNAL }) })),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'Idempotency-Key with a control character \\x01 (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json'], ['Idempotency-Key', 'a\x01b']], body: jsonBody({ file_url: INTERNAL }) })),
    status: 400,
    kind: 'node',
    judgement: 'Node refuses the header itself: a bare 400 without a JSON body',
  },
  {
    name: 'Idempotency-Key with DEL \\x7f (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json'], ['Idempotency-Key', 'a\x7fb']], body: jsonBody({ file_url: INTERNAL }) })),
    status: 400,
    kind: 'node',
    judgement: 'Node refuses the header itself: a bare 400 without a JSON body',
  },
  // A good key on a refused request: no completed record, and the same key works again (not stuck).
  { name: 'good Idempotency-Key, broken JSON', run: j('POST', STORE, '{', { headers: { 'idempotency-key': 'malformed-1' } }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'good Idempotency-Key, broken JSON, again', run: j('POST', STORE, '{', { headers: { 'idempotency-key': 'malformed-1' } }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'good Idempotency-Key, internal URL', run: j('POST', STORE, jsonBody({ file_url: INTERNAL }), { headers: { 'idempotency-key': 'malformed-2' } }), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'good Idempotency-Key, internal URL, again', run: j('POST', STORE, jsonBody({ file_url: INTERNAL }), { headers: { 'idempotency-key': 'malformed-2' } }), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'GET on store-file', run: get(STORE), status: 404, code: 'NOT_FOUND', judgement: 'GET /files/store-file matches GET /files/:fileId with the id "store-file"' },
]);

// ---- POST /api/v1/files/upload and POST /api/v1/files (multipart)
const UPLOAD = p('/api/v1/files/upload');
const CREATE = p('/api/v1/files');
const BOUNDARY = 'XyZ123boundary';
const mp = (path: () => string, body: string | Buffer, contentType = `multipart/form-data; boundary=${BOUNDARY}`, extra: Omit<Req, 'method' | 'path' | 'body'> = {}) => () =>
  send({ method: 'POST', path: path(), body, ...extra, headers: { 'content-type': contentType, ...extra.headers } });
const filePart = (name: string, content: string, filename = 'a.txt') =>
  `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${content}`;
const fieldPart = (name: string, value: string) => `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;
const tooBig = () => new Blob([Buffer.alloc(MAX_FILE_BYTES + 64 * 1024, 0x61)]);

add('files: upload', [
  { name: 'no key', run: () => send({ method: 'POST', path: UPLOAD(), key: null, body: form([['file', new Blob(['x']), 'a.txt']]) }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'application/json instead of multipart', run: j('POST', UPLOAD, jsonBody({ file: 'x' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'text/plain body', run: mp(UPLOAD, 'hello', 'text/plain'), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'application/x-www-form-urlencoded', run: mp(UPLOAD, 'file=hello', 'application/x-www-form-urlencoded'), status: 422, code: 'VALIDATION_ERROR' },
  {
    name: 'no Content-Type (raw)',
    run: raw(() => rawRequest('POST', '/api/v1/files/upload', { body: multipart(BOUNDARY, [filePart('file', 'hi')]) })),
    status: 422,
    code: 'VALIDATION_ERROR',
  },
  { name: 'multipart without a boundary', run: mp(UPLOAD, multipart(BOUNDARY, [filePart('file', 'hi')]), 'multipart/form-data; charset=utf-8'), status: 422, code: 'VALIDATION_ERROR', judgement: 'seed 001: 422 when the Content-Type is not (usable) multipart/form-data' },
  { name: 'multipart/form-data with no parameters at all', run: mp(UPLOAD, multipart(BOUNDARY, [filePart('file', 'hi')]), 'multipart/form-data'), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'boundary declared, body is not multipart', run: mp(UPLOAD, 'just some bytes, no boundary anywhere'), status: [400, 422], code: ['INVALID_REQUEST', 'VALIDATION_ERROR'], judgement: 'a form with no parts: malformed (400) or missing its file field (422)' },
  { name: 'file part never closed (truncated form)', run: mp(UPLOAD, multipart(BOUNDARY, [filePart('file', 'hi')], false).slice(0, -2)), status: 400, code: 'INVALID_REQUEST' },
  { name: 'empty form (closing boundary only)', run: mp(UPLOAD, `--${BOUNDARY}--\r\n`), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file under the wrong field name', run: mp(UPLOAD, multipart(BOUNDARY, [filePart('upload', 'hi')])), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file sent as a text field', run: mp(UPLOAD, multipart(BOUNDARY, [fieldPart('file', 'hi')])), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'a text field longer than 64 KiB and no file', run: mp(UPLOAD, multipart(BOUNDARY, [fieldPart('note', 'n'.repeat(70_000))])), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a text field longer than 64 KiB, then a file', run: mp(UPLOAD, multipart(BOUNDARY, [fieldPart('note', 'n'.repeat(70_000)), filePart('file', 'f'.repeat(1024 * 1024))])), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a file over the upload limit', run: () => send({ method: 'POST', path: UPLOAD(), body: form([['file', tooBig(), 'big.bin']]) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  {
    name: 'a file over the upload limit with a hostile file name',
    run: () => send({ method: 'POST', path: UPLOAD(), body: form([['file', tooBig(), '../../etc/\u202Epasswd💩.mp4']]) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  { name: 'a file name with a NUL in the part headers', run: () => send({ method: 'POST', path: UPLOAD(), body: form([['file', new Blob(['x']), 'a\u0000.txt']]) }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'good Idempotency-Key, empty form', run: mp(UPLOAD, `--${BOUNDARY}--\r\n`, undefined, { headers: { 'idempotency-key': 'malformed-3' } }), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'good Idempotency-Key, empty form, again', run: mp(UPLOAD, `--${BOUNDARY}--\r\n`, undefined, { headers: { 'idempotency-key': 'malformed-3' } }), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'Idempotency-Key 300 characters', run: () => send({ method: 'POST', path: UPLOAD(), headers: { 'idempotency-key': 'k'.repeat(300) }, body: form([['file', new Blob(['x']), 'a.txt']]) }), status: 400, code: 'INVALID_REQUEST' },
  {
    name: 'PUT on upload',
    run: () => send({ method: 'PUT', path: UPLOAD(), body: form([['file', new Blob(['x']), 'a.txt']]) }),
    status: [400, 405],
    code: 'INVALID_REQUEST',
    judgement: METHOD_NOT_ALLOWED,
  },
]);

add('files: POST /files', [
  { name: 'neither file nor file_url', run: mp(CREATE, multipart(BOUNDARY, [fieldPart('other', 'x')])), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'both file and file_url', run: () => send({ method: 'POST', path: CREATE(), body: form([['file_url', INTERNAL], ['file', new Blob(['x']), 'a.txt']]) }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'file first, then file_url', run: mp(CREATE, multipart(BOUNDARY, [filePart('file', 'hi'), fieldPart('file_url', INTERNAL)])), status: 400, code: 'INVALID_REQUEST' },
  { name: 'file_url internal', run: () => send({ method: 'POST', path: CREATE(), body: form([['file_url', INTERNAL]]) }), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url empty', run: () => send({ method: 'POST', path: CREATE(), body: form([['file_url', '']]) }), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url with a NUL', run: () => send({ method: 'POST', path: CREATE(), body: form([['file_url', 'http://10.0.0.1/\u0000']]) }), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url sent as a file part', run: mp(CREATE, multipart(BOUNDARY, [filePart('file_url', INTERNAL)])), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'file_url longer than 64 KiB', run: () => send({ method: 'POST', path: CREATE(), body: form([['file_url', `http://10.0.0.1/${'a'.repeat(70_000)}`]]) }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'JSON body {file_url}', run: j('POST', CREATE, jsonBody({ file_url: INTERNAL })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'multipart without a boundary', run: mp(CREATE, multipart(BOUNDARY, [fieldPart('file_url', INTERNAL)]), 'multipart/form-data; foo=bar'), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'a file over the upload limit', run: () => send({ method: 'POST', path: CREATE(), body: form([['file', tooBig(), 'big.bin']]) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
]);

// ---- GET /api/v1/files
const list = (query: string) => get(p(`/api/v1/files?${query}`));
add('files: list', [
  ...(
    [
      ['limit=-1'],
      ['limit=0'],
      ['limit=101'],
      ['limit=1e309'],
      ['limit=99999999999999999999'],
      ['limit=abc'],
      ['limit=1.5'],
      ['limit=Infinity'],
      ['limit=%00'],
      ['limit=10%00'],
      ['limit=%D9%A3', 'an Arabic-Indic digit'],
      ['offset=NaN'],
      ['offset=-1'],
      ['offset=1e10'],
      ['offset=99999999999999999999'],
      ['limit=-1&limit=-2', 'duplicate, both bad'],
      ['limit=10&limit=-1', 'duplicate, the last one bad'],
    ] as [string, string?][]
  ).map(([query, why]): Omit<Case, 'route'> => ({ name: `?${query}${why ? ` (${why})` : ''}`, run: list(query), status: 400, code: 'INVALID_REQUEST' })),
  { name: '?limit=%zz (bad percent-encoding, raw)', run: raw(() => rawRequest('GET', '/api/v1/files?limit=%zz')), status: 400, code: 'INVALID_REQUEST' },
  { name: '?limit= (empty)', run: list('limit='), status: [400], code: 'INVALID_REQUEST', judgement: 'an empty value could mean the default; the API reads it as 0' },
  { name: '?limit=-1&limit=10 (duplicate, the last one good)', run: list('limit=-1&limit=10'), status: [200, 400], judgement: 'duplicate query parameters: last one wins, or refused' },
  { name: '?limit=0x10 (hex)', run: list('limit=0x10'), status: [200, 400], judgement: 'a hex number is read by Number()' },
  { name: 'PATCH /files', run: () => send({ method: 'PATCH', path: '/api/v1/files' }), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
  { name: 'DELETE /files', run: () => send({ method: 'DELETE', path: '/api/v1/files' }), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
  { name: 'PUT /files', run: j('PUT', CREATE, jsonBody({})), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
  { name: 'HEAD /files', run: () => send({ method: 'HEAD', path: '/api/v1/files' }), status: [200, 400, 405], judgement: 'HEAD on a GET route: no body to check', kind: 'bare' },
  { name: 'OPTIONS /files', run: () => send({ method: 'OPTIONS', path: '/api/v1/files' }), status: [204, 400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
]);

// ---- GET/DELETE /api/v1/files/:fileId and GET /api/v1/files/:fileId/:filename
const idCases = (route: string, method: string, prefix: string, suffix = '') => {
  const rawPath = (id: string) => raw(() => rawRequest(method, `${prefix}${id}${suffix}`));
  add(route, [
    { name: 'an unknown UUID', run: rawPath(UNKNOWN), status: 404, code: 'NOT_FOUND' },
    { name: '..%2f..%2fetc%2fpasswd (raw)', run: rawPath('..%2f..%2fetc%2fpasswd'), status: 404, code: 'NOT_FOUND' },
    { name: '%00 (raw)', run: rawPath('%00'), status: 404, code: 'NOT_FOUND' },
    { name: 'double-encoded %252e%252e%252f (raw)', run: rawPath('%252e%252e%252fetc%252fpasswd'), status: 404, code: 'NOT_FOUND' },
    { name: 'bad percent-encoding %zz and a lone % (raw)', run: rawPath('%zz%'), status: 404, code: 'NOT_FOUND' },
    { name: 'an encoded lone surrogate %ED%A0%80 (raw)', run: rawPath('%ED%A0%80'), status: 404, code: 'NOT_FOUND' },
    { name: 'an over-long id (8 KiB)', run: rawPath('f'.repeat(8192)), status: 404, code: 'NOT_FOUND' },
    { name: 'a UUID with a NUL after it', run: rawPath(`${UNKNOWN}%00`), status: 404, code: 'NOT_FOUND' },
    { name: 'SQL in the id', run: rawPath(encodeURIComponent("' OR '1'='1")), status: 404, code: 'NOT_FOUND' },
  ]);
};

idCases('files: get', 'GET', '/api/v1/files/');
add('files: get', [
  { name: "another account's file", run: () => send({ path: `/api/v1/files/${otherFileId}` }), status: 404, code: 'NOT_FOUND' },
  { name: 'the nil UUID', run: get(p('/api/v1/files/00000000-0000-0000-0000-000000000000')), status: 404, code: 'NOT_FOUND' },
  { name: 'a UUID in braces', run: get(p(`/api/v1/files/%7B${UNKNOWN}%7D`)), status: 404, code: 'NOT_FOUND' },
  { name: 'emoji and an RTL override', run: get(p(`/api/v1/files/${encodeURIComponent('💩\u202Eabc')}`)), status: 404, code: 'NOT_FOUND' },
  { name: '/../../etc/passwd dot segments (raw)', run: raw(() => rawRequest('GET', '/api/v1/files/../../etc/passwd')), status: 404, code: 'NOT_FOUND' },
  { name: 'PATCH on a file', run: () => send({ method: 'PATCH', path: `/api/v1/files/${fileId}` }), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
  { name: 'PUT on a file', run: () => send({ method: 'PUT', path: `/api/v1/files/${fileId}`, headers: { 'content-type': 'application/json' }, body: '{"is_deleted": true}' }), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
]);
idCases('files: delete', 'DELETE', '/api/v1/files/');
add('files: delete', [
  { name: "another account's file (it stays)", run: () => send({ method: 'DELETE', path: `/api/v1/files/${otherFileId}` }), status: 404, code: 'NOT_FOUND' },
  { name: 'an already deleted file', run: () => send({ method: 'DELETE', path: `/api/v1/files/${deletedFileId}` }), status: 404, code: 'NOT_FOUND' },
  { name: 'no key', run: () => send({ method: 'DELETE', path: `/api/v1/files/${fileId}`, key: null }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'wrong key', run: () => send({ method: 'DELETE', path: `/api/v1/files/${fileId}`, key: `ffsk_${'f'.repeat(64)}` }), status: 401, code: 'UNAUTHORIZED' },
]);
idCases('files: download', 'GET', '/api/v1/files/', '/x.txt');
add('files: download', [
  { name: 'own file, wrong file name', run: () => send({ path: `/api/v1/files/${fileId}/other.txt` }), status: 404, code: 'NOT_FOUND' },
  { name: 'own file, file name ..%2f..%2fetc%2fpasswd (raw)', run: raw(() => rawRequest('GET', `/api/v1/files/${fileId}/..%2f..%2fetc%2fpasswd`)), status: 404, code: 'NOT_FOUND' },
  { name: 'own file, its name plus %00 (raw)', run: raw(() => rawRequest('GET', `/api/v1/files/${fileId}/${fileName}%00`)), status: 404, code: 'NOT_FOUND' },
  { name: 'own file, a name 8 KiB long', run: () => send({ path: `/api/v1/files/${fileId}/${'n'.repeat(8192)}.txt` }), status: 404, code: 'NOT_FOUND' },
  { name: "another account's file with its right name", run: () => send({ path: `/api/v1/files/${otherFileId}/${otherFileName}` }), status: 404, code: 'NOT_FOUND' },
  { name: 'a deleted file', run: () => send({ path: `/api/v1/files/${deletedFileId}/gone.txt` }), status: 404, code: 'NOT_FOUND' },
  { name: 'an extra path segment', run: () => send({ path: `/api/v1/files/${fileId}/${fileName}/extra` }), status: 404, code: 'NOT_FOUND' },
  { name: 'DELETE on the download route', run: () => send({ method: 'DELETE', path: `/api/v1/files/${fileId}/${fileName}` }), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
]);

// ---- commands: submit
const SINGLE = p('/api/v1/run-ffmpeg-command');
const CHAINED = p('/api/v1/run-chained-ffmpeg-commands');
const MULTIPLE = p('/api/v1/run-multiple-ffmpeg-commands');
const COPY = '-i {{in_a}} -c copy {{out_x}}';
const single = (extra: Record<string, unknown> = {}) => ({ input_files: { in_a: fileId }, output_files: { out_x: 'x.mp4' }, ffmpeg_command: COPY, ...extra });
const singleJ = (extra: Record<string, unknown> | (() => Record<string, unknown>) = {}) => () =>
  jsonBody(single(typeof extra === 'function' ? extra() : extra));
const post = (path: () => string, body: () => string, extra: Omit<Req, 'method' | 'path' | 'body'> = {}) => () => j('POST', path, body(), extra)();

add('commands: run single', [
  { name: 'truncated JSON', run: j('POST', SINGLE, '{"input_files": {"in_a": '), status: 400, code: 'INVALID_REQUEST' },
  { name: 'JSON array', run: j('POST', SINGLE, '[]'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'arrays nested 10000 deep', run: j('POST', SINGLE, deepArrays(10_000)), status: 400, code: 'INVALID_REQUEST' },
  // Written as raw JSON: JSON.parse keeps "__proto__" as a key, which zod's map copy then dropped unseen.
  { name: 'a "__proto__" key in input_files', run: post(SINGLE, () => `{"input_files": {"in_a": "${fileId}", "__proto__": "x"}, "output_files": {"out_x": "x.mp4"}, "ffmpeg_command": "${COPY}"}`), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a "__proto__" key in output_files', run: post(SINGLE, () => `{"input_files": {"in_a": "${fileId}"}, "output_files": {"out_x": "x.mp4", "__proto__": "y.mp4"}, "ffmpeg_command": "${COPY}"}`), status: 400, code: 'INVALID_REQUEST' },
  { name: 'metadata value nested 10000 deep', run: post(SINGLE, () => `{"input_files": {"in_a": "${fileId}"}, "output_files": {"out_x": "x.mp4"}, "ffmpeg_command": "${COPY}", "metadata": {"a": ${deepArrays(10_000)}}}`), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a 2 MiB ffmpeg_command', run: post(SINGLE, () => jsonBody(single({ ffmpeg_command: `${COPY} ${'-y '.repeat(700_000)}` }))), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'Content-Type text/plain', run: post(SINGLE, singleJ(), { headers: { 'content-type': 'text/plain' } }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'ffmpeg_command missing', run: post(SINGLE, () => jsonBody({ input_files: { in_a: fileId }, output_files: { out_x: 'x.mp4' } })), status: 400, code: 'INVALID_REQUEST', loc: ['body', 'ffmpeg_command'] },
  { name: 'every field missing, unknown fields instead', run: j('POST', SINGLE, jsonBody({ command: COPY, inputs: {}, outputs: {} })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'input_files null', run: post(SINGLE, singleJ({ input_files: null })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'output_files a string', run: post(SINGLE, singleJ({ output_files: 'x.mp4' })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'max_command_run_seconds NaN', run: post(SINGLE, () => jsonBody(single()).replace(/}$/, ', "max_command_run_seconds": NaN}')), status: 400, code: 'INVALID_REQUEST' },
  { name: 'max_command_run_seconds 1e309', run: post(SINGLE, () => jsonBody(single()).replace(/}$/, ', "max_command_run_seconds": 1e309}')), status: 400, code: 'INVALID_REQUEST' },
  {
    name: 'max_command_run_seconds 99999999999999999999',
    run: post(SINGLE, () => jsonBody(single()).replace(/}$/, ', "max_command_run_seconds": 99999999999999999999}')),
    status: [400, 422],
    code: ['INVALID_REQUEST', 'VALIDATION_ERROR'],
    judgement: 'an integer beyond 2^53: a wrong type (400) or out of range (422)',
  },
  { name: 'max_command_run_seconds -1', run: post(SINGLE, singleJ({ max_command_run_seconds: -1 })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'max_command_run_seconds "10"', run: post(SINGLE, singleJ({ max_command_run_seconds: '10' })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'input key with emoji', run: post(SINGLE, singleJ(() => ({ input_files: { 'in_💩': fileId }, ffmpeg_command: '-i {{in_💩}} -c copy {{out_x}}' }))), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'input key a lone surrogate', run: post(SINGLE, () => jsonBody(single()).replace('"in_a"', '"in_\\ud800"')), status: [400, 422], code: ['INVALID_REQUEST', 'VALIDATION_ERROR'] },
  { name: 'input_files with a __proto__ key', run: post(SINGLE, () => `{"input_files": {"__proto__": "${fileId}"}, "output_files": {"out_x": "x.mp4"}, "ffmpeg_command": "-i {{__proto__}} {{out_x}}"}`), status: 400, code: 'INVALID_REQUEST' },
  { name: 'output name with an RTL override', run: post(SINGLE, singleJ({ output_files: { out_x: 'x\u202E4pm.exe' } })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'ffmpeg_command with a NUL', run: post(SINGLE, singleJ({ ffmpeg_command: `${COPY}\u0000` })), status: [400, 422], code: ['INVALID_REQUEST', 'VALIDATION_ERROR'] },
  { name: 'ffmpeg_command with a lone surrogate and no placeholders', run: post(SINGLE, () => jsonBody(single()).replace(/"ffmpeg_command":"[^"]*"/, '"ffmpeg_command":"\\udfff"')), status: [400, 422], code: ['INVALID_REQUEST', 'VALIDATION_ERROR'] },
  { name: 'input an internal URL', run: post(SINGLE, singleJ({ input_files: { in_a: INTERNAL } })), status: 422, code: 'VALIDATION_ERROR', loc: ['body', 'input_files', 'in_a'] },
  { name: "input another account's file", run: post(SINGLE, singleJ(() => ({ input_files: { in_a: otherFileId } }))), status: 422, code: 'VALIDATION_ERROR', loc: ['body', 'input_files', 'in_a'] },
  { name: 'webhook_url internal', run: post(SINGLE, singleJ({ webhook_url: 'http://169.254.169.254/hook' })), status: 422, code: 'VALIDATION_ERROR', loc: ['body', 'webhook_url'] },
  // Well-formed requests whose metadata Postgres cannot store as jsonb as is.
  { name: 'metadata value with a NUL', run: post(SINGLE, singleJ({ metadata: { note: 'a\u0000b' } })), ...NUL_4XX },
  { name: 'metadata key with a NUL', run: post(SINGLE, singleJ({ metadata: { 'a\u0000b': 'x' } })), ...NUL_4XX },
  { name: 'webhook_url with a NUL, allowed host', run: post(SINGLE, singleJ({ webhook_url: 'http://127.0.0.1:9/a\u0000b' })), ...NUL_URL_4XX },
  { name: 'input URL with a NUL, allowed host', run: post(SINGLE, singleJ({ input_files: { in_a: ALLOWED_NUL_URL } })), ...NUL_URL_4XX },
  { name: 'Idempotency-Key 256 characters', run: post(SINGLE, singleJ(), { headers: { 'idempotency-key': 'k'.repeat(256) } }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'PATCH', run: () => send({ method: 'PATCH', path: SINGLE(), headers: { 'content-type': 'application/json' }, body: jsonBody(single()) }), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
  { name: 'GET', run: get(SINGLE), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
]);

add('commands: run chained', [
  { name: 'not JSON', run: j('POST', CHAINED, '{{}}'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'ffmpeg_commands a string', run: post(CHAINED, () => jsonBody({ ...single(), ffmpeg_command: undefined, ffmpeg_commands: COPY })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'ffmpeg_commands numbers', run: post(CHAINED, () => jsonBody({ ...single(), ffmpeg_command: undefined, ffmpeg_commands: [1, 2] })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'ffmpeg_commands nested 10000 deep', run: post(CHAINED, () => `{"input_files": {}, "output_files": {}, "ffmpeg_commands": ${deepArrays(10_000)}}`), status: 400, code: 'INVALID_REQUEST' },
  { name: 'ffmpeg_commands empty', run: post(CHAINED, () => jsonBody({ ...single(), ffmpeg_command: undefined, ffmpeg_commands: [] })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'output_files missing', run: post(CHAINED, () => jsonBody({ input_files: { in_a: fileId }, ffmpeg_commands: [COPY] })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'ffmpeg_command (singular) only', run: post(CHAINED, singleJ()), status: 400, code: 'INVALID_REQUEST' },
  { name: 'metadata key with a NUL', run: post(CHAINED, () => jsonBody({ ...single({ metadata: { '\u0000': 1 } }), ffmpeg_command: undefined, ffmpeg_commands: [COPY] })), ...NUL_4XX },
  { name: 'a step with control characters', run: post(CHAINED, () => jsonBody({ ...single(), ffmpeg_command: undefined, ffmpeg_commands: [`${COPY}\u0007\u001b[31m; id`] })), status: 422, code: 'VALIDATION_ERROR' },
]);

add('commands: run multiple', [
  { name: 'not JSON', run: j('POST', MULTIPLE, 'commands=[]'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'commands an object', run: post(MULTIPLE, () => jsonBody({ commands: single() })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'commands [null]', run: post(MULTIPLE, () => jsonBody({ commands: [null] })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'commands nested 10000 deep', run: post(MULTIPLE, () => `{"commands": ${deepArrays(10_000)}}`), status: 400, code: 'INVALID_REQUEST' },
  { name: 'commands empty', run: post(MULTIPLE, () => jsonBody({ commands: [] })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'one good, one with a wrong type', run: post(MULTIPLE, () => jsonBody({ commands: [single(), single({ ffmpeg_command: 5 })] })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'one good, one internal input', run: post(MULTIPLE, () => jsonBody({ commands: [single(), single({ input_files: { in_a: INTERNAL } })] })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'one good, one with NUL metadata', run: post(MULTIPLE, () => jsonBody({ commands: [single(), single({ metadata: { k: '\u0000' } })] })), ...NUL_4XX },
]);

// ---- commands: read and delete
const cmd = (suffix: string) => () => send({ path: `/api/v1/commands/${commandId}${suffix}` });
add('commands: get', [
  ...['wait=-1', 'wait=61', 'wait=abc', 'wait=1e309', 'wait=NaN', 'wait=99999999999999999999', 'wait=0.5', 'wait=5&wait=-5'].map(
    (query): Omit<Case, 'route'> => ({ name: `?${query}`, run: cmd(`?${query}`), status: 400, code: 'INVALID_REQUEST' }),
  ),
  { name: 'an unknown UUID, ?wait=2', run: get(p(`/api/v1/commands/${UNKNOWN}?wait=2`)), status: 404, code: 'NOT_FOUND' },
  { name: "another account's command, ?wait=2", run: () => send({ path: `/api/v1/commands/${otherCommandId}?wait=2` }), status: 404, code: 'NOT_FOUND' },
  { name: '..%2f..%2fetc%2fpasswd (raw)', run: raw(() => rawRequest('GET', '/api/v1/commands/..%2f..%2fetc%2fpasswd')), status: 404, code: 'NOT_FOUND' },
  { name: '%00 (raw)', run: raw(() => rawRequest('GET', '/api/v1/commands/%00?wait=1')), status: 404, code: 'NOT_FOUND' },
  { name: 'an over-long id (8 KiB)', run: get(p(`/api/v1/commands/${'c'.repeat(8192)}`)), status: 404, code: 'NOT_FOUND' },
  { name: 'DELETE a command itself', run: () => send({ method: 'DELETE', path: `/api/v1/commands/${commandId}` }), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
]);
add('commands: list', [
  ...['limit=-1', 'limit=101', 'offset=NaN', 'limit=1e309', 'status=BOGUS', 'status=success', 'status=QUEUED&status=%00', 'status=%F0%9F%92%A9'].map(
    (query): Omit<Case, 'route'> => ({ name: `?${query}`, run: get(p(`/api/v1/commands?${query}`)), status: 400, code: 'INVALID_REQUEST' }),
  ),
  { name: 'POST /commands', run: j('POST', p('/api/v1/commands'), '{}'), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
]);
add('commands: delete files', [
  { name: 'an unknown UUID', run: () => send({ method: 'DELETE', path: `/api/v1/commands/${UNKNOWN}/files` }), status: 404, code: 'NOT_FOUND' },
  { name: "another account's command", run: () => send({ method: 'DELETE', path: `/api/v1/commands/${otherCommandId}/files` }), status: 404, code: 'NOT_FOUND' },
  { name: '..%2f..%2f (raw)', run: raw(() => rawRequest('DELETE', '/api/v1/commands/..%2f..%2ffiles%2f/files')), status: 404, code: 'NOT_FOUND' },
  { name: 'an over-long id', run: () => send({ method: 'DELETE', path: `/api/v1/commands/${'9'.repeat(4096)}/files` }), status: 404, code: 'NOT_FOUND' },
  { name: 'no key', run: () => send({ method: 'DELETE', path: `/api/v1/commands/${commandId}/files`, key: null }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'POST instead of DELETE', run: () => send({ method: 'POST', path: `/api/v1/commands/${commandId}/files` }), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
]);

// ---- webhook-config
const HOOK = p('/api/v1/webhook-config');
const ALLOWED_HOOK = 'http://127.0.0.1:9/hook'; // allowed by this app's OUTBOUND_ALLOW, so only the other field is wrong
add('webhooks', [
  { name: 'PUT not JSON', run: j('PUT', HOOK, 'url=http://x'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'PUT {}', run: j('PUT', HOOK, '{}'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'PUT url a number', run: j('PUT', HOOK, jsonBody({ url: 1 })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'PUT url internal', run: j('PUT', HOOK, jsonBody({ url: 'http://10.0.0.1/hook' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'PUT url ftp://', run: j('PUT', HOOK, jsonBody({ url: 'ftp://127.0.0.1/hook' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'PUT url empty', run: j('PUT', HOOK, jsonBody({ url: '' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'PUT secret a number', run: j('PUT', HOOK, jsonBody({ url: ALLOWED_HOOK, secret: 123 })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'PUT secret 257 characters', run: j('PUT', HOOK, jsonBody({ url: ALLOWED_HOOK, secret: 's'.repeat(257) })), status: [400, 422], code: ['INVALID_REQUEST', 'VALIDATION_ERROR'], judgement: 'a string too long: the zod schema answers 400' },
  { name: 'PUT secret with a NUL', run: j('PUT', HOOK, jsonBody({ url: ALLOWED_HOOK, secret: 'a\u0000b' })), ...NUL_4XX },
  { name: 'PUT url with a NUL in the host', run: j('PUT', HOOK, jsonBody({ url: 'http://127.0.0.\u00001:9/hook' })), status: [400, 422], code: ['INVALID_REQUEST', 'VALIDATION_ERROR'] },
  { name: 'PUT a 2 MiB body', run: j('PUT', HOOK, padded(2 * JSON_LIMIT, { url: ALLOWED_HOOK })), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'PUT text/plain', run: j('PUT', HOOK, jsonBody({ url: ALLOWED_HOOK }), { headers: { 'content-type': 'text/plain' } }), status: 400, code: 'INVALID_REQUEST' },
  { name: 'PUT no key', run: j('PUT', HOOK, jsonBody({ url: ALLOWED_HOOK }), { key: null }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'GET no key', run: get(HOOK, { key: null }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'DELETE wrong key', run: () => send({ method: 'DELETE', path: HOOK(), key: `ffsk_${'e'.repeat(64)}` }), status: 401, code: 'UNAUTHORIZED' },
  { name: 'POST', run: j('POST', HOOK, jsonBody({ url: ALLOWED_HOOK })), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
  { name: 'PATCH', run: j('PATCH', HOOK, jsonBody({ url: ALLOWED_HOOK })), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
  { name: 'an id after the path', run: get(p(`/api/v1/webhook-config/${UNKNOWN}`)), status: 404, code: 'NOT_FOUND' },
]);

// ---- presets
const PRESETS = p('/api/v1/presets');
const presetBody = (extra: Record<string, unknown> = {}) =>
  jsonBody({ name: 'p', input_file_keys: ['in_a'], output_file_definitions: { out_x: 'x.mp4' }, ffmpeg_command: COPY, ...extra });
add('presets: create', [
  { name: 'not JSON', run: j('POST', PRESETS, '{"name": "p",'), status: 400, code: 'INVALID_REQUEST' },
  { name: '{}', run: j('POST', PRESETS, '{}'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'name a number', run: j('POST', PRESETS, presetBody({ name: 5 })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'command_type MULTIPLE_COMMAND', run: j('POST', PRESETS, presetBody({ command_type: 'MULTIPLE_COMMAND' })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'input_file_keys a string', run: j('POST', PRESETS, presetBody({ input_file_keys: 'in_a' })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'output_file_definitions an array', run: j('POST', PRESETS, presetBody({ output_file_definitions: ['x.mp4'] })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'output_file_definitions value a number', run: j('POST', PRESETS, presetBody({ output_file_definitions: { out_x: 5 } })), status: 400, code: 'INVALID_REQUEST' },
  { name: 'metadata nested 10000 deep', run: j('POST', PRESETS, presetBody().replace(/}$/, `, "metadata": {"a": ${deepObjects(10_000)}}}`)), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a 2 MiB description', run: j('POST', PRESETS, presetBody({ description: 'd'.repeat(2 * JSON_LIMIT) })), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'name empty', run: j('POST', PRESETS, presetBody({ name: '' })), status: 422, code: 'VALIDATION_ERROR', loc: ['body', 'name'] },
  { name: 'name whitespace only', run: j('POST', PRESETS, presetBody({ name: ' \t\n ' })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'name 201 characters', run: j('POST', PRESETS, presetBody({ name: 'n'.repeat(201) })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'ffmpeg_command missing', run: j('POST', PRESETS, presetBody({ ffmpeg_command: undefined })), status: 422, code: 'VALIDATION_ERROR', judgement: 'required only for FFMPEG_COMMAND presets: the service answers 422' },
  { name: 'ffmpeg_command with a shell list', run: j('POST', PRESETS, presetBody({ ffmpeg_command: `${COPY}; rm -rf /` })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'duplicate input_file_keys', run: j('POST', PRESETS, presetBody({ input_file_keys: ['in_a', 'in_a'] })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'output name ../x.mp4', run: j('POST', PRESETS, presetBody({ output_file_definitions: { out_x: '../x.mp4' } })), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'name with a NUL', run: j('POST', PRESETS, presetBody({ name: 'a\u0000b' })), ...NUL_4XX },
  { name: 'description with a NUL', run: j('POST', PRESETS, presetBody({ description: '\u0000' })), ...NUL_4XX },
  { name: 'metadata value with a NUL', run: j('POST', PRESETS, presetBody({ metadata: { k: '\u0000' } })), ...NUL_4XX },
  { name: 'metadata value a lone surrogate', run: j('POST', PRESETS, presetBody().replace(/}$/, ', "metadata": {"k": "\\ud800"}}')), ...SURROGATE_4XX },
  { name: 'metadata key a lone surrogate', run: j('POST', PRESETS, presetBody().replace(/}$/, ', "metadata": {"\\udc00": 1}}')), ...SURROGATE_4XX },
  { name: 'name a lone surrogate, and a shell list', run: j('POST', PRESETS, presetBody({ ffmpeg_command: `${COPY} | id` }).replace('"name":"p"', '"name":"\\ud800"')), status: [400, 422], code: ['INVALID_REQUEST', 'VALIDATION_ERROR'] },
  { name: 'PATCH /presets', run: j('PATCH', PRESETS, presetBody()), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
]);
add('presets: list', [
  ...['limit=-1', 'limit=0', 'limit=1e309', 'offset=abc', 'offset=-0.5', 'limit=99999999999999999999'].map(
    (query): Omit<Case, 'route'> => ({ name: `?${query}`, run: get(p(`/api/v1/presets?${query}`)), status: 400, code: 'INVALID_REQUEST' }),
  ),
  { name: 'no key', run: get(PRESETS, { key: null }), status: 401, code: 'UNAUTHORIZED' },
]);
const presetPath = (id: () => string, suffix = '') => () => `/api/v1/presets/${id()}${suffix}`;
const own = () => presetId;
const theirs = () => otherPresetId;
add('presets: get/update/delete', [
  { name: 'GET an unknown UUID', run: get(p(`/api/v1/presets/${UNKNOWN}`)), status: 404, code: 'NOT_FOUND' },
  { name: "GET another account's preset", run: () => send({ path: presetPath(theirs)() }), status: 404, code: 'NOT_FOUND' },
  { name: 'GET ..%2f..%2fetc%2fpasswd (raw)', run: raw(() => rawRequest('GET', '/api/v1/presets/..%2f..%2fetc%2fpasswd')), status: 404, code: 'NOT_FOUND' },
  { name: 'GET %00 (raw)', run: raw(() => rawRequest('GET', '/api/v1/presets/%00')), status: 404, code: 'NOT_FOUND' },
  { name: 'GET an over-long id', run: get(p(`/api/v1/presets/${'p'.repeat(8192)}`)), status: 404, code: 'NOT_FOUND' },
  { name: 'PUT an unknown UUID', run: j('PUT', p(`/api/v1/presets/${UNKNOWN}`), jsonBody({ name: 'x' })), status: 404, code: 'NOT_FOUND' },
  { name: "PUT another account's preset (it stays)", run: () => j('PUT', presetPath(theirs), jsonBody({ name: 'stolen' }))(), status: 404, code: 'NOT_FOUND' },
  { name: 'PUT own, not JSON', run: () => j('PUT', presetPath(own), '{"name": ')(), status: 400, code: 'INVALID_REQUEST' },
  { name: 'PUT own, name a number', run: () => j('PUT', presetPath(own), jsonBody({ name: 5 }))(), status: 400, code: 'INVALID_REQUEST' },
  { name: 'PUT own, name null', run: () => j('PUT', presetPath(own), jsonBody({ name: null }))(), status: 400, code: 'INVALID_REQUEST' },
  { name: 'PUT own, name empty (unchanged)', run: () => j('PUT', presetPath(own), jsonBody({ name: '' }))(), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'PUT own, a shell list (unchanged)', run: () => j('PUT', presetPath(own), jsonBody({ ffmpeg_command: `${COPY} && id` }))(), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'PUT own, CHAINED without ffmpeg_commands', run: () => j('PUT', presetPath(own), jsonBody({ command_type: 'CHAINED_COMMAND' }))(), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'PUT own, name with a NUL', run: () => j('PUT', presetPath(own), jsonBody({ name: 'x\u0000' }))(), ...NUL_4XX },
  { name: 'PUT own, text/plain', run: () => j('PUT', presetPath(own), jsonBody({ name: 'x' }), { headers: { 'content-type': 'text/plain' } })(), status: 400, code: 'INVALID_REQUEST' },
  { name: 'DELETE an unknown UUID', run: () => send({ method: 'DELETE', path: `/api/v1/presets/${UNKNOWN}` }), status: 404, code: 'NOT_FOUND' },
  { name: "DELETE another account's preset (it stays)", run: () => send({ method: 'DELETE', path: presetPath(theirs)() }), status: 404, code: 'NOT_FOUND' },
  { name: 'DELETE double-encoded traversal (raw)', run: raw(() => rawRequest('DELETE', '/api/v1/presets/%252e%252e%252f')), status: 404, code: 'NOT_FOUND' },
  { name: 'PATCH own', run: () => j('PATCH', presetPath(own), jsonBody({ name: 'x' }))(), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
]);
add('presets: execute', [
  { name: 'an unknown UUID', run: () => j('POST', p(`/api/v1/presets/${UNKNOWN}/execute`), jsonBody({ input_files: { in_a: fileId } }))(), status: 404, code: 'NOT_FOUND' },
  { name: "another account's preset", run: () => j('POST', presetPath(theirs, '/execute'), jsonBody({ input_files: { in_a: fileId } }))(), status: 404, code: 'NOT_FOUND' },
  { name: 'traversal id (raw)', run: raw(() => rawRequest('POST', '/api/v1/presets/..%2f..%2f/execute', { headers: [['Content-Type', 'application/json']], body: '{"input_files": {}}' })), status: 404, code: 'NOT_FOUND' },
  { name: 'not JSON', run: () => j('POST', presetPath(own, '/execute'), '{"input_files"')(), status: 400, code: 'INVALID_REQUEST' },
  { name: 'JSON array', run: () => j('POST', presetPath(own, '/execute'), '[]')(), status: 400, code: 'INVALID_REQUEST' },
  { name: 'input_files missing', run: () => j('POST', presetPath(own, '/execute'), jsonBody({ inputs: { in_a: fileId } }))(), status: 400, code: 'INVALID_REQUEST' },
  { name: 'input_files an array', run: () => j('POST', presetPath(own, '/execute'), jsonBody({ input_files: [fileId] }))(), status: 400, code: 'INVALID_REQUEST' },
  { name: 'input_files nested 10000 deep', run: () => j('POST', presetPath(own, '/execute'), `{"input_files": {"in_a": ${deepArrays(10_000)}}}`)(), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a missing input key', run: () => j('POST', presetPath(own, '/execute'), jsonBody({ input_files: {} }))(), status: 422, code: 'VALIDATION_ERROR', loc: ['body', 'input_files', 'in_a'] },
  { name: 'an extra input key', run: () => j('POST', presetPath(own, '/execute'), jsonBody({ input_files: { in_a: fileId, in_b: fileId } }))(), status: 422, code: 'VALIDATION_ERROR', loc: ['body', 'input_files', 'in_b'] },
  { name: 'an extra "__proto__" input key', run: () => j('POST', presetPath(own, '/execute'), `{"input_files": {"in_a": "${fileId}", "__proto__": "x"}}`)(), status: 400, code: 'INVALID_REQUEST', loc: ['body', 'input_files', '__proto__'] },
  { name: 'an internal input', run: () => j('POST', presetPath(own, '/execute'), jsonBody({ input_files: { in_a: INTERNAL } }))(), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'an internal webhook_url', run: () => j('POST', presetPath(own, '/execute'), jsonBody({ input_files: { in_a: fileId }, webhook_url: 'http://10.1.2.3/' }))(), status: 422, code: 'VALIDATION_ERROR' },
  { name: 'metadata value with a NUL', run: () => j('POST', presetPath(own, '/execute'), jsonBody({ input_files: { in_a: fileId }, metadata: { k: '\u0000' } }))(), ...NUL_4XX },
  { name: 'metadata value a lone surrogate', run: () => j('POST', presetPath(own, '/execute'), `{"input_files": {"in_a": "${fileId}"}, "metadata": {"k": "\\ud800"}}`)(), ...SURROGATE_4XX },
  { name: 'input URL with a NUL, allowed host', run: () => j('POST', presetPath(own, '/execute'), jsonBody({ input_files: { in_a: ALLOWED_NUL_URL } }))(), ...NUL_URL_4XX },
  { name: 'webhook_url with a NUL, allowed host', run: () => j('POST', presetPath(own, '/execute'), jsonBody({ input_files: { in_a: fileId }, webhook_url: 'http://127.0.0.1:9/\u0000' }))(), ...NUL_URL_4XX },
  { name: 'Idempotency-Key 1000 characters', run: () => j('POST', presetPath(own, '/execute'), jsonBody({ input_files: { in_a: fileId } }), { headers: { 'idempotency-key': 'z'.repeat(1000) } })(), status: 400, code: 'INVALID_REQUEST' },
  { name: 'GET on execute', run: () => send({ path: presetPath(own, '/execute')() }), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
]);

// ---- GraphQL
const gqlPost = (body: string | Buffer | FormData, opts: { key?: string | null; contentType?: string | null } = {}) => () =>
  send({
    method: 'POST',
    path: '/graphql',
    key: opts.key,
    headers: { accept: 'application/json', ...(opts.contentType === null || body instanceof FormData ? {} : { 'content-type': opts.contentType ?? 'application/json' }) },
    body,
  });
const gq = (query: string, variables?: unknown, opts?: { key?: string | null }) => gqlPost(jsonBody({ query, variables }), opts);
const gqlGet = (params: string, opts: { key?: string | null } = {}) => () => send({ path: `/graphql?${params}`, key: opts.key, headers: { accept: 'application/json' } });
const uploadHead = (boundary: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${jsonBody({ query: 'mutation($f: Upload!) { uploadFile(file: $f) { fileId } }', variables: { f: null } })}\r\n` +
  `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.f"]}\r\n` +
  `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="t.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
const G = (name: string, run: () => Promise<Reply | null>, code: string | string[], extra: Partial<Case> = {}): Omit<Case, 'route'> => ({ name, run, status: [200, 400, 401, 404, 405, 413, 415, 422], code, kind: 'graphql', ...extra });
const GQL_VALIDATION_BUG =
  'GraphQL validation errors carry extensions.code GRAPHQL_VALIDATION_FAILED, not a code of the error table (INVALID_REQUEST); error-mask.ts never sees them';
const GQL_VARIABLE_BUG =
  'a variable that fails coercion is a GraphQLError whose originalError is another GraphQLError: error-mask.ts reports it as INTERNAL_ERROR (and logs it at error level)';
const GQL_DEPTH_BUG = "graphql's recursive parser overflows the stack (RangeError): INTERNAL_ERROR instead of INVALID_REQUEST; no depth or token limit";
const GQL_MULTIPART_SHAPE = 'GraphQL multipart transport errors are answered by server.ts in the REST error shape, not as errors[]';
const deepSelection = (depth: number) => `{ files { files { ${'command { outputFiles { '.repeat(depth)}fileId${' } }'.repeat(depth)} } } }`;

add('graphql', [
  G('query is a number', gqlPost(jsonBody({ query: 123 })), 'INVALID_REQUEST'),
  G('query is an object', gqlPost(jsonBody({ query: { files: true } })), 'INVALID_REQUEST'),
  G('query missing', gqlPost(jsonBody({ variables: {} })), 'INVALID_REQUEST'),
  G('body not JSON', gqlPost('{"query": "{ files { total } }"'), 'INVALID_REQUEST'),
  G('body a JSON array (batch)', gqlPost(jsonBody([{ query: '{ files { total } }' }, { query: '{ files { total } }' }])), 'INVALID_REQUEST'),
  G('body text/plain', gqlPost(jsonBody({ query: '{ files { total } }' }), { contentType: 'text/plain' }), 'INVALID_REQUEST', {
    bug: 'yoga answers 415 with an empty body: API.md wants an error body on every status',
  }),
  G('syntax error', gq('{ files { total '), 'INVALID_REQUEST'),
  G('NUL inside the document', gq('{ files\u0000 { total } }'), 'INVALID_REQUEST'),
  G('unknown field', gq('{ filez { total } }'), 'INVALID_REQUEST', { bug: GQL_VALIDATION_BUG }),
  G('a fragment that spreads itself', gq('{ ...A } fragment A on Query { ...A }'), 'INVALID_REQUEST', { bug: GQL_VALIDATION_BUG }),
  G('two anonymous operations', gq('{ files { total } } { presets { total } }'), 'INVALID_REQUEST'),
  G('operationName that names nothing', gqlPost(jsonBody({ query: 'query A { files { total } }', operationName: 'B' })), 'INVALID_REQUEST'),
  G('variables a string', gqlPost(jsonBody({ query: 'query($l: Int) { files(limit: $l) { total } }', variables: 'l=1' })), 'INVALID_REQUEST'),
  G('variable of the wrong type', gq('query($l: Int) { files(limit: $l) { total } }', { l: 'abc' }), 'INVALID_REQUEST', { bug: GQL_VARIABLE_BUG }),
  G('variable 1e309', gqlPost('{"query": "query($l: Int) { files(limit: $l) { total } }", "variables": {"l": 1e309}}'), 'INVALID_REQUEST', { bug: GQL_VARIABLE_BUG }),
  G('required variable missing', gq('query($id: ID!) { file(fileId: $id) { fileId } }', {}), 'INVALID_REQUEST'),
  G('files(limit: -1)', gq('{ files(limit: -1) { total } }'), 'INVALID_REQUEST'),
  G('files(limit: 99999999999)', gq('{ files(limit: 99999999999) { total } }'), 'INVALID_REQUEST', { bug: GQL_VALIDATION_BUG }),
  G('commands(offset: -5)', gq('{ commands(offset: -5) { total } }'), 'INVALID_REQUEST'),
  G('a query just over 1 MiB', gq(`{ files { total } } #${'x'.repeat(JSON_LIMIT + 1024)}`), ['PAYLOAD_TOO_LARGE', 'INVALID_REQUEST'], {
    acceptData: true,
    judgement: 'no documented size limit for GraphQL bodies; REST refuses JSON over 1 MiB with 413',
  }),
  G('a 20 MiB body', gq(`{ files { total } } #${'x'.repeat(20 * JSON_LIMIT)}`), 'PAYLOAD_TOO_LARGE', {
    bug: '/graphql reads a body of any size (20 MiB here) into memory and runs it; REST caps JSON bodies at 1 MiB (413)',
  }),
  G('selections nested 2000 deep', gq(deepSelection(2000)), 'INVALID_REQUEST', { bug: GQL_DEPTH_BUG }),
  G('a list literal nested 10000 deep', gq(`{ files(limit: ${deepArrays(10_000)}) { total } }`), 'INVALID_REQUEST', { bug: GQL_DEPTH_BUG }),
  G('inputFiles nested 10000 deep in variables', gqlPost(`{"query": "mutation($i: JSON!) { runFfmpegCommand(input: {inputFiles: $i, outputFiles: {out_x: \\"x.mp4\\"}, ffmpegCommand: \\"${COPY}\\"}) { commandId } }", "variables": {"i": {"in_a": ${deepArrays(10_000)}}}}`), 'INVALID_REQUEST'),
  G('inputFiles a string', gq(`mutation { runFfmpegCommand(input: {inputFiles: "x", outputFiles: {out_x: "x.mp4"}, ffmpegCommand: "${COPY}"}) { commandId } }`), 'INVALID_REQUEST'),
  G('file(fileId: "../../etc/passwd")', gq('{ file(fileId: "../../etc/passwd") { fileId } }'), 'NOT_FOUND'),
  G('file(fileId) with a lone surrogate', gqlPost('{"query": "query($id: ID!) { file(fileId: $id) { fileId } }", "variables": {"id": "\\ud800"}}'), ['NOT_FOUND', 'INVALID_REQUEST']),
  G("deleteFile of another account's file", () => gq('mutation($id: ID!) { deleteFile(fileId: $id) { deleted } }', { id: otherFileId })(), 'NOT_FOUND'),
  G("executePreset of another account's preset", () => gq('mutation($id: ID!) { executePreset(presetId: $id, inputFiles: {in_a: "x"}) { commandId } }', { id: otherPresetId })(), 'NOT_FOUND'),
  G('storeFile internal URL', gq(`mutation { storeFile(fileUrl: "${INTERNAL}") { fileId } }`), 'VALIDATION_ERROR'),
  G('setWebhookConfig internal URL', gq('mutation { setWebhookConfig(url: "http://10.0.0.1/") { url } }'), 'VALIDATION_ERROR'),
  G('createPreset name with a NUL', gq('mutation($i: CreatePresetInput!) { createPreset(input: $i) { presetId } }', { i: { name: 'a\u0000b', inputFileKeys: ['in_a'], outputFileDefinitions: { out_x: 'x.mp4' }, ffmpegCommand: COPY } }), ['INVALID_REQUEST', 'VALIDATION_ERROR'], { bug: NUL_BUG }),
  G('runFfmpegCommand metadata with a NUL', () => gq('mutation($i: RunFfmpegCommandInput!) { runFfmpegCommand(input: $i) { commandId } }', { i: { inputFiles: { in_a: fileId }, outputFiles: { out_x: 'x.mp4' }, ffmpegCommand: COPY, metadata: { k: '\u0000' } } })(), ['INVALID_REQUEST', 'VALIDATION_ERROR'], { bug: NUL_BUG }),
  // The REST bodies' size limits hold over GraphQL too.
  G('setWebhookConfig with a 5000-character secret', gq('mutation($s: String) { setWebhookConfig(url: "https://example.com/hook", secret: $s) { url } }', { s: 's'.repeat(5000) }), 'INVALID_REQUEST'),
  G('runFfmpegCommand with a 70000-character ffmpegCommand', () => gq('mutation($i: RunFfmpegCommandInput!) { runFfmpegCommand(input: $i) { commandId } }', { i: { inputFiles: { in_a: fileId }, outputFiles: { out_x: 'x.mp4' }, ffmpegCommand: `${COPY} ${'-an '.repeat(17_500)}` } })(), 'INVALID_REQUEST'),
  G('files without a key', gq('{ files { total } }', undefined, { key: null }), 'UNAUTHORIZED'),
  G('storeFile with an unknown key', gq(`mutation { storeFile(fileUrl: "${INTERNAL}") { fileId } }`, undefined, { key: `ffsk_${'0'.repeat(64)}` }), 'UNAUTHORIZED'),
  G('GET with a mutation', gqlGet(`query=${encodeURIComponent(`mutation { storeFile(fileUrl: "${INTERNAL}") { fileId } }`)}`), 'INVALID_REQUEST'),
  G('GET with a syntax error', gqlGet(`query=${encodeURIComponent('{ files {')}`), 'INVALID_REQUEST'),
  G('GET without a query', gqlGet('foo=bar'), 'INVALID_REQUEST'),
  G('GET with variables that are not JSON', gqlGet(`query=${encodeURIComponent('query($l: Int) { files(limit: $l) { total } }')}&variables=%7Bnot-json`), 'INVALID_REQUEST', {
    bug: "yoga's GET parser throws a SyntaxError on variables that are not JSON; the error masker turns it into INTERNAL_ERROR",
  }),
  G('PUT /graphql', () => send({ method: 'PUT', path: '/graphql', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: jsonBody({ query: '{ files { total } }' }) }), 'INVALID_REQUEST', { judgement: METHOD_NOT_ALLOWED }),
  G('multipart without a boundary', gqlPost('--x\r\n', { contentType: 'multipart/form-data' }), 'INVALID_REQUEST', { restShapeOk: true, judgement: GQL_MULTIPART_SHAPE }),
  G('multipart with operations that are not JSON', gqlPost(form([['operations', '{not json'], ['map', '{}']])), 'INVALID_REQUEST', { restShapeOk: true, judgement: GQL_MULTIPART_SHAPE }),
  G('multipart with an empty boundary', gqlPost('x', { contentType: 'multipart/form-data; boundary=' }), 'INVALID_REQUEST', { restShapeOk: true, judgement: GQL_MULTIPART_SHAPE }),
  G('multipart with an empty body', gqlPost('', { contentType: 'multipart/form-data; boundary=a' }), 'INVALID_REQUEST', { restShapeOk: true, judgement: GQL_MULTIPART_SHAPE }),
  G('multipart with only the closing boundary', gqlPost('--a--\r\n', { contentType: 'multipart/form-data; boundary=a' }), 'INVALID_REQUEST', { restShapeOk: true, judgement: GQL_MULTIPART_SHAPE }),
  G('multipart cut short before its first part', gqlPost('x', { contentType: 'multipart/form-data; boundary=a' }), 'INVALID_REQUEST', { restShapeOk: true, judgement: GQL_MULTIPART_SHAPE }),
  G(
    'multipart upload whose file part is missing',
    gqlPost(form([
      ['operations', jsonBody({ query: 'mutation($f: Upload!) { uploadFile(file: $f) { fileId } }', variables: { f: null } })],
      ['map', jsonBody({ 0: ['variables.f'] })],
    ])),
    'INVALID_REQUEST',
  ),
  G('body the JSON null', gqlPost('null'), 'INVALID_REQUEST'),
  // The nesting count must read past comments and escapes, or a quote there hides the nesting after it.
  G('a list nested 200000 deep after a comment holding a quote', gq(`# "\nquery { files(limit: ${deepArrays(200_000)}) { total } }`), 'INVALID_REQUEST'),
  G('a list nested 200000 deep after the string "\\"', gq(`query { file(fileId: "\\\\") { fileId } files(limit: ${deepArrays(200_000)}) { total } }`), 'INVALID_REQUEST'),
  G('100 brackets inside a block string are text, not nesting', gq(`query { file(fileId: """${deepArrays(100)}""") { fileId } }`), 'NOT_FOUND'),
  // Without a key: the body is read before the key is looked at. graphql-upload-minimal's busboy then
  // emitted a second 'error' nobody listened for, which ended the whole process.
  G('multipart with a malformed part header, without a key', gqlPost('--a\r\nthis line is not a header\r\n\r\nx\r\n--a--\r\n', { contentType: 'multipart/form-data; boundary=a', key: null }), 'INVALID_REQUEST', { restShapeOk: true, judgement: GQL_MULTIPART_SHAPE }),
  G('multipart upload whose file part never ends', gqlPost(Buffer.from(uploadHead('a') + 'x'.repeat(10)), { contentType: 'multipart/form-data; boundary=a' }), 'INVALID_REQUEST'),
  G('multipart upload with 200 KB of a file part that never ends', gqlPost(Buffer.from(uploadHead('a') + 'x'.repeat(200_000)), { contentType: 'multipart/form-data; boundary=a' }), 'INVALID_REQUEST'),
  G(
    'multipart upload of one file to two aliased uploadFile fields',
    gqlPost(form([
      ['operations', jsonBody({ query: 'mutation($f: Upload!) { a: uploadFile(file: $f) { fileId } b: uploadFile(file: $f) { fileId } }', variables: { f: null } })],
      ['map', jsonBody({ 0: ['variables.f'] })],
      ['0', new Blob(['hello']), 'a.txt'],
    ])),
    'INVALID_REQUEST',
    { restShapeOk: true, judgement: GQL_MULTIPART_SHAPE },
  ),
  G('a subscription over POST accepting only JSON', () => gq('subscription($id: ID!) { fileStatus(fileId: $id) { status } }', { id: fileId })(), 'INVALID_REQUEST', { status: 406 }),
  G('Accept: text/html only', () => send({ method: 'POST', path: '/graphql', headers: { accept: 'text/html', 'content-type': 'application/json' }, body: jsonBody({ query: '{ files { total } }' }) }), 'INVALID_REQUEST', { status: 406 }),
  G(
    'multipart upload over the limit',
    gqlPost(form([
      ['operations', jsonBody({ query: 'mutation($f: Upload!) { uploadFile(file: $f) { fileId } }', variables: { f: null } })],
      ['map', jsonBody({ 0: ['variables.f'] })],
      ['0', tooBig(), 'big.bin'],
    ])),
    'PAYLOAD_TOO_LARGE',
  ),
]);

// ---- /media (no key: the signed token is the capability)
add('media', [
  { name: 'not a UUID', run: get(p('/media/not-a-uuid/token/x.txt'), { key: null }), status: 404, code: 'NOT_FOUND' },
  { name: 'own file id, forged token', run: () => send({ path: `/media/${fileId}/forged/${fileName}`, key: null }), status: 404, code: 'NOT_FOUND' },
  { name: "another file's token", run: () => send({ path: new URL(storageUrl).pathname.replace(fileId, otherFileId), key: null }), status: 404, code: 'NOT_FOUND' },
  { name: '..%2f..%2fetc%2fpasswd (raw)', run: raw(() => rawRequest('GET', '/media/..%2f..%2fetc%2fpasswd', { key: null })), status: 404, code: 'NOT_FOUND' },
  { name: 'dot segments /media/x/../../etc/passwd (raw)', run: raw(() => rawRequest('GET', '/media/x/../../etc/passwd', { key: null })), status: 404, code: 'NOT_FOUND' },
  {
    name: 'a valid URL with %00 after the name (raw)',
    run: raw(() => rawRequest('GET', `${new URL(storageUrl).pathname}%00`, { key: null })),
    status: [200, 404],
    kind: 'bare',
    judgement: 'the token signs the file id only; the name segment is not checked',
  },
  { name: 'a token 8 KiB long', run: () => send({ path: `/media/${fileId}/${'t'.repeat(8192)}/${fileName}`, key: null }), status: 404, code: 'NOT_FOUND' },
  { name: 'too few segments', run: get(p(`/media/${UNKNOWN}`), { key: null }), status: 404, code: 'NOT_FOUND' },
  { name: 'a valid URL, Range past the end', run: () => send({ path: new URL(storageUrl).pathname, key: null, headers: { range: 'bytes=99999999-' } }), status: 416, kind: 'bare' },
  { name: 'POST to a valid URL', run: () => send({ method: 'POST', path: new URL(storageUrl).pathname, key: null, body: 'x' }), status: [404, 405], code: 'NOT_FOUND', judgement: 'only GET and HEAD are served; other methods fall through to "no such route"' },
  { name: 'DELETE a valid URL', run: () => send({ method: 'DELETE', path: new URL(storageUrl).pathname, key: null }), status: [404, 405], code: 'NOT_FOUND', judgement: 'only GET and HEAD are served; other methods fall through to "no such route"' },
]);

// ---- unknown routes, request targets and headers
add('routing and headers', [
  { name: 'an unknown /api/v1 route', run: get(p('/api/v1/nope')), status: 404, code: 'NOT_FOUND' },
  { name: 'an unknown API version', run: get(p('/api/v2/files')), status: 404, code: 'NOT_FOUND' },
  { name: 'a route in the wrong case', run: get(p('/api/v1/FILES')), status: 404, code: 'NOT_FOUND' },
  { name: 'an unknown top-level path', run: get(p('/etc/passwd'), { key: null }), status: 404, code: 'NOT_FOUND' },
  { name: 'a path with an encoded NUL and traversal (raw)', run: raw(() => rawRequest('GET', '/api/v1/%00/..%2f..%2f')), status: 404, code: 'NOT_FOUND' },
  { name: 'dot segments out of /api (raw)', run: raw(() => rawRequest('GET', '/api/v1/../../../../etc/passwd')), status: 404, code: 'NOT_FOUND' },
  { name: 'request target without a leading slash (raw)', run: raw(() => rawRequest('GET', 'api/v1/files')), status: 400, kind: 'node', judgement: 'an origin-form target must start with /: Node refuses it (bare 400)' },
  { name: 'request target * (raw)', run: raw(() => rawRequest('OPTIONS', '*')), status: [400, 404], code: ['INVALID_REQUEST', 'NOT_FOUND'], judgement: 'asterisk-form target' },
  { name: 'a 100 KB path (raw)', run: raw(() => rawRequest('GET', `/api/v1/files/${'a'.repeat(100_000)}`)), status: [414, 431], kind: 'node', judgement: "over Node's header size limit: Node answers before the app" },
  { name: 'a 20 KiB header (raw)', run: raw(() => rawRequest('GET', '/api/v1/files', { headers: [['X-Pad', 'p'.repeat(20 * 1024)]] })), status: 431, kind: 'node' },
  { name: 'a header value with \\x01 (raw)', run: raw(() => rawRequest('GET', '/api/v1/files', { headers: [['X-Evil', 'a\x01b']] })), status: 400, kind: 'node' },
  { name: 'a header name with a space (raw)', run: raw(() => rawRequest('GET', '/api/v1/files', { headers: [['X Evil', 'a']] })), status: 400, kind: 'node' },
  { name: 'Content-Length and Transfer-Encoding both (raw)', run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], body: '0\r\n\r\n', contentLength: '5' })), status: 400, kind: 'node' },
  { name: 'a bad chunk size (raw)', run: raw(() => rawRequest('POST', '/api/v1/files/store-file', { headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], body: 'zz\r\n{}\r\n0\r\n\r\n', contentLength: null })), status: [400], kind: 'node', judgement: 'Node refuses the chunk; the app may see an aborted body' },
  {
    name: 'a hostile X-Request-Id is not echoed',
    run: async () => {
      const reply = await send({ path: '/api/v1/nope', headers: { 'x-request-id': `<script>${'x'.repeat(100)}` } });
      expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      return reply;
    },
    status: 404,
    code: 'NOT_FOUND',
  },
  { name: 'TRACE', run: raw(() => rawRequest('TRACE', '/api/v1/files')), status: [400, 405], code: 'INVALID_REQUEST', judgement: METHOD_NOT_ALLOWED },
  ...['constructor', '__proto__', 'toString'].map((name) => ({ name: `/docs/${name} (an Object.prototype member)`, run: get(p(`/docs/${name}`), { key: null }), status: 404, code: 'NOT_FOUND' })),
]);

// ---------------------------------------------------------------------------------------------------

interface Outcome {
  route: string;
  name: string;
  status: number | null;
  code?: string;
  judgement?: string;
  bug?: string;
}
const outcomes: Outcome[] = [];
let initial: Snapshot;

async function upload(key: string, name: string, text: string): Promise<string> {
  const f = new FormData();
  f.append('file', new Blob([text], { type: 'text/plain' }), name);
  const { status, body } = await t.json('/api/v1/files/upload', { method: 'POST', body: f, key });
  expect(status, JSON.stringify(body)).toBe(200);
  const file = await t.waitForFile(body.file_id, key);
  expect(file.status).toBe('STORED');
  return body.file_id;
}

async function createPreset(key: string): Promise<string> {
  const { status, body } = await t.json('/api/v1/presets', {
    method: 'POST',
    key,
    headers: { 'content-type': 'application/json' },
    body: presetBody(),
  });
  expect(status, JSON.stringify(body)).toBe(201);
  return body.preset_id;
}

beforeAll(async () => {
  t = await startTestApp({ env: { MAX_FILE_BYTES: String(MAX_FILE_BYTES) } });
  const url = new URL(t.url);
  host = url.hostname;
  port = Number(url.port);
  [fileId, otherFileId, deletedFileId, presetId, otherPresetId] = await Promise.all([
    upload(t.apiKey, 'notes.txt', 'mine\n'),
    upload(t.otherApiKey, 'theirs.txt', 'theirs\n'),
    upload(t.apiKey, 'gone.txt', 'gone\n'),
    createPreset(t.apiKey),
    createPreset(t.otherApiKey),
  ]);
  expect((await t.json(`/api/v1/files/${deletedFileId}`, { method: 'DELETE' })).status).toBe(200);
  const mine = (await t.json(`/api/v1/files/${fileId}`)).body;
  fileName = mine.filename;
  storageUrl = mine.storage_url;
  otherFileName = (await t.json(`/api/v1/files/${otherFileId}`, { key: t.otherApiKey })).body.filename;
  // Ended commands, written directly: nothing runs in the background while the corpus does.
  const db = t.app.deps.db;
  const accountOf = async (id: string) => (await db.file.findUniqueOrThrow({ where: { id } })).accountId;
  const command = async (accountId: string) =>
    (await db.command.create({
      data: { id: randomUUID(), accountId, status: 'SUCCESS', commandType: 'FFMPEG_COMMAND', originalRequest: {}, maxRunSeconds: 10, completedAt: new Date() },
    })).id;
  [commandId, otherCommandId] = await Promise.all([command(await accountOf(fileId)), command(await accountOf(otherFileId))]);
  initial = await snapshot();
});

afterAll(async () => {
  if (outcomes.length) {
    const byRoute = new Map<string, number>();
    for (const o of outcomes) byRoute.set(o.route, (byRoute.get(o.route) ?? 0) + 1);
    const lines = [
      `malformed-requests: ${outcomes.length} cases`,
      ...[...byRoute].map(([route, n]) => `  ${route}: ${n}`),
      'judgement calls (what the API answered):',
      ...outcomes.filter((o) => o.judgement).map((o) => `  [${o.route}] ${o.name}: ${o.status ?? 'no answer'} ${o.code ?? ''}`),
      'cases that found a product bug (they assert the correct answer):',
      ...outcomes.filter((o) => o.bug).map((o) => `  [${o.route}] ${o.name}: ${o.status ?? 'no answer'} ${o.code ?? ''}`),
    ];
    if (process.env.MALFORMED_VERBOSE) lines.push('all:', ...outcomes.map((o) => `  [${o.route}] ${o.name}: ${o.status ?? 'no answer'} ${o.code ?? ''}`));
    console.log(lines.join('\n'));
  }
  await t?.stop();
});


function parseBody(reply: Reply): any {
  try {
    return JSON.parse(reply.text);
  } catch {
    expect.soft(false, `not JSON: ${reply.status} ${JSON.stringify(reply.headers)} ${reply.text.slice(0, 200)}`).toBe(true);
    return undefined;
  }
}

function checkRestError(c: Case, reply: Reply, body: any, outcome: Outcome): void {
  const shown = JSON.stringify(body)?.slice(0, 500);
  expect.soft(body, shown).toEqual(expect.objectContaining({ error: expect.any(String), message: expect.any(String), request_id: expect.any(String) }));
  if (!body || typeof body !== 'object') return;
  outcome.code = body.error;
  expect.soft(body.request_id, 'request_id is the x-request-id header').toBe(reply.headers['x-request-id']);
  expect.soft(String(body.message).length).toBeGreaterThan(0);
  expect.soft(body.message, 'no stack trace').not.toMatch(/\n\s+at /);
  if (body.detail !== undefined) {
    expect.soft(body.detail).toEqual(expect.any(Array));
    for (const d of body.detail ?? []) {
      expect.soft(d).toEqual(expect.objectContaining({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) }));
    }
  }
  if (c.code) expect.soft(Array.isArray(c.code) ? c.code : [c.code], shown).toContain(body.error);
  if (c.loc) expect.soft((body.detail ?? []).map((d: { loc: unknown }) => d.loc), shown).toContainEqual(c.loc);
  if (reply.status === 429) expect.soft(reply.headers['retry-after']).toBeDefined();
}

function checkReply(c: Case, kind: Kind, reply: Reply, outcome: Outcome): void {
  const statuses = Array.isArray(c.status) ? c.status : [c.status];
  const shown = `${reply.status} ${reply.text.slice(0, 500)}`;
  expect.soft(reply.status, shown).toBeLessThan(500);
  expect.soft(statuses, `status ${shown}`).toContain(reply.status);
  if (kind === 'node' || kind === 'bare') return;

  if (kind === 'rest') {
    if (reply.status >= 400) checkRestError(c, reply, parseBody(reply), outcome);
    return;
  }

  // GraphQL: errors[] with extensions.code from the error table, and no data for what failed.
  const body = parseBody(reply);
  if (body === undefined) return;
  if (c.restShapeOk && body && !Array.isArray(body.errors) && typeof body.error === 'string') {
    checkRestError(c, reply, body, outcome);
    return;
  }
  if (c.acceptData && reply.status < 300 && body?.data && !body.errors) {
    outcome.code = 'data';
    return;
  }
  const shownBody = JSON.stringify(body).slice(0, 500);
  expect.soft(body?.errors, shownBody).toEqual(expect.any(Array));
  if (!Array.isArray(body?.errors) || body.errors.length === 0) return;
  for (const e of body.errors) {
    expect.soft(e.message, JSON.stringify(e)).toEqual(expect.any(String));
    expect.soft(e.extensions?.code, JSON.stringify(e)).toEqual(expect.any(String));
    expect.soft(e.extensions?.code, JSON.stringify(e)).not.toBe('INTERNAL_ERROR');
  }
  outcome.code = body.errors[0]?.extensions?.code;
  if (c.code) expect.soft(Array.isArray(c.code) ? c.code : [c.code], shownBody).toContain(outcome.code);
  for (const value of Object.values(body.data ?? {})) expect.soft(value, 'no data for a refused operation').toBeNull();
}

describe('malformed and hostile requests', () => {
  it('the corpus holds at least 120 distinct cases across every route', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(120);
    const names = CASES.map((c) => `${c.route}: ${c.name}`);
    expect(new Set(names).size, names.filter((n, i) => names.indexOf(n) !== i).join(', ')).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [`${c.route}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const kind = c.kind ?? 'rest';
    const before = await snapshot();
    const reply = await c.run();
    const outcome: Outcome = { route: c.route, name: c.name, status: reply?.status ?? null, judgement: c.judgement, bug: c.bug };
    outcomes.push(outcome);
    // Soft: a wrong answer is reported together with any change to the database.
    if (reply === null) {
      expect.soft(c.mayNotAnswer, 'the server closed the connection without answering').toBe(true);
    } else {
      checkReply(c, kind, reply, outcome);
    }
    expect(await snapshot(), 'the database changed').toEqual(before);
  });

  it('left the database as it was before the corpus (rate_limit_windows aside)', async () => {
    const after = await snapshot();
    expect(after).toEqual(initial);
    // Refused requests with a good Idempotency-Key left no record behind, completed or claimed.
    const records = await t.app.deps.db.idempotencyRecord.findMany({ where: { key: { startsWith: 'malformed-' } } });
    expect(records).toEqual([]);
  });

  it('counted no 5xx answer, including on connections the client could not read', async () => {
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const errors = metrics.split('\n').filter((line) => line.startsWith('ffapi_http_requests_total') && /status="5\d\d"/.test(line));
    expect(errors).toEqual([]);
  });
});

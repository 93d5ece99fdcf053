import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { sanitizeFilename } from '../filenames.ts';
import { type AllowList, isAllowed, parseHostAsIp } from './address-policy.ts';
import { lookupAddresses } from './dns-lookup.ts';
import { isRetryableStatus, OutboundError, toOutboundError } from './outbound-error.ts';
import { guardBody, type Lifetime, lifetime, timedOut, tooLarge } from './response-guards.ts';
import { bareHost, parseTarget } from './url-check.ts';

export { checkUrl } from './url-check.ts';
export { OutboundError, type OutboundErrorStatus } from './outbound-error.ts';

export interface OutboundOptions {
  allow: AllowList;
  maxBytes?: number;
  connectTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  method?: 'GET' | 'POST' | 'HEAD';
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: URL;
  body: Readable;
}

export interface Download {
  body: Readable;
  contentType?: string;
  contentLength?: number;
  filename: string;
  url: URL;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Sent to the first origin only: a redirect must not carry them to someone else.
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

const forbidden = (host: string) =>
  new OutboundError('FORBIDDEN_ADDRESS', `The address of ${host} is internal (loopback, private or reserved), which is not allowed.`, false);

function sendOnce(url: URL, method: string, headers: Record<string, string>, body: string | Buffer | undefined,
  opts: OutboundOptions, life: Lifetime): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const host = bareHost(url);
    const literal = parseHostAsIp(host);
    // Node connects to IP literals without calling `lookup`, so they are checked here.
    if (literal !== null && !isAllowed(literal, host, opts.allow)) return reject(forbidden(host));
    // Resolving inside the connection itself leaves no DNS-rebinding gap between check and connect.
    const lookup: LookupFunction = (name, options, callback) => {
      lookupAddresses(name, { family: options.family, hints: options.hints }).then((addresses) => {
        const first = addresses[0];
        if (!first || !addresses.every((a) => isAllowed(a.address, host, opts.allow))) return callback(forbidden(host), '', 0);
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      }, (err: NodeJS.ErrnoException) => callback(err, '', 0));
    };
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request({
      hostname: host, port: url.port || undefined, path: url.pathname + url.search, method, headers, lookup,
      agent: false, // a pooled socket would skip the connect-time check
    });
    const connectMs = opts.connectTimeoutMs ?? 10_000;
    let timer = setTimeout(() => req.destroy(timedOut('Connecting to', connectMs, host)), connectMs);
    req.once('socket', (socket) => {
      const onConnect = () => {
        clearTimeout(timer);
        const remote = socket.remoteAddress;
        if (remote === undefined || !isAllowed(remote, host, opts.allow)) return void req.destroy(forbidden(host));
        const firstByteMs = opts.firstByteTimeoutMs ?? 30_000;
        timer = setTimeout(() => req.destroy(timedOut('Waiting for an answer from', firstByteMs, host)), firstByteMs);
      };
      // Prepended so the check runs before the queued request bytes are flushed on 'connect'.
      if (socket.connecting) socket.prependOnceListener('connect', onConnect);
      else onConnect();
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    life.onCancel((err) => req.destroy(err));
    req.end(body);
  });
}

/** SSRF-safe HTTP request: checks every hop and connection; non-2xx answers are returned, not thrown. */
export async function request(rawUrl: string, opts: OutboundOptions): Promise<OutboundResponse> {
  let url = parseTarget(rawUrl);
  let method: string = opts.method ?? 'GET';
  let body = opts.body;
  let headers: Record<string, string> = { ...opts.headers };
  const maxRedirects = opts.maxRedirects ?? 5;
  const life = lifetime(opts, () => url.host);
  try {
    for (let hop = 0; ; hop++) {
      const res = await sendOnce(url, method, headers, body, opts, life);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined) {
        res.destroy();
        if (hop >= maxRedirects) {
          throw new OutboundError('TOO_MANY_REDIRECTS', `More than ${maxRedirects} redirects from ${url.host}.`, false);
        }
        const next = parseTarget(location, url);
        // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
        if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          headers = omit(headers, ['content-type', 'content-length']);
        }
        if (next.origin !== url.origin) headers = omit(headers, ORIGIN_BOUND_HEADERS);
        url = next;
        continue;
      }
      const declared = Number(res.headers['content-length']);
      if (method !== 'HEAD' && opts.maxBytes !== undefined && declared > opts.maxBytes) {
        res.destroy();
        throw tooLarge(opts.maxBytes, url.host);
      }
      return { status, headers: res.headers, url, body: guardBody(res, url.host, opts.maxBytes, life) };
    }
  } catch (err) {
    life.dispose();
    throw toOutboundError(err, url.host);
  }
}

/** GET for ingest: like request(), but an answer that is not the whole file (non-2xx, 206, encoded) is UNREACHABLE_INPUT_FILE. */
export async function download(rawUrl: string, opts: OutboundOptions): Promise<Download> {
  // identity: the file's own bytes, not a compressed transfer of them (no Accept-Encoding would allow any).
  const res = await request(rawUrl, { ...opts, method: 'GET', body: undefined, headers: { ...opts.headers, 'accept-encoding': 'identity' } });
  if (res.status < 200 || res.status > 299) {
    res.body.destroy();
    throw new OutboundError('UNREACHABLE_INPUT_FILE', `HTTP ${res.status} from ${res.url.host}`, isRetryableStatus(res.status));
  }
  // Any other 2xx to a GET without Range is not the whole file: 206 is a part of it, 204 nothing.
  if (res.status !== 200 && res.status !== 203) {
    res.body.destroy();
    throw new OutboundError('UNREACHABLE_INPUT_FILE', `HTTP ${res.status} from ${res.url.host} is not the whole file.`, false);
  }
  const encoding = res.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    res.body.destroy();
    throw new OutboundError('UNREACHABLE_INPUT_FILE', `${res.url.host} sent the file with Content-Encoding ${encoding}, not as its own bytes.`, false);
  }
  const declared = res.headers['content-length'];
  const length = declared === undefined ? NaN : Number(declared);
  return {
    body: res.body,
    contentType: res.headers['content-type'],
    contentLength: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
    filename: sanitizeFilename(filenameFromDisposition(res.headers['content-disposition']) ?? lastPathSegment(res.url)),
    url: res.url,
  };
}

function omit(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name.toLowerCase())));
}

export function filenameFromDisposition(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const extended = /filename\*\s*=\s*"?[^']*'[^']*'([^;"]+)/i.exec(value);
  if (extended?.[1] !== undefined) {
    const decoded = safeDecode(extended[1].trim());
    if (decoded) return decoded;
  }
  const plain = /filename\s*=\s*(?:"((?:\\.|[^"\\])*)"|([^;]+))/i.exec(value);
  const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
  return name || undefined;
}

function lastPathSegment(url: URL): string {
  return safeDecode(url.pathname.split('/').pop() ?? '') ?? '';
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}


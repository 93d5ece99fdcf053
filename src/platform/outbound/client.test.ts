import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import dns from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.ts';
import { parseAllowList } from './address-policy.ts';
import { checkUrl, download, OutboundError, request } from './client.ts';

const LOOPBACK = parseAllowList('127.0.0.1/32');
const NONE = parseAllowList('');

interface TestServer {
  port: number;
  origin: string;
  hits: string[];
  /** TCP connections accepted: the address checks must refuse before connecting. */
  connections: () => number;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

async function serve(handler: http.RequestListener, host = '127.0.0.1'): Promise<TestServer> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  const entry: TestServer = {
    port,
    origin: `http://${host}:${port}`,
    hits,
    connections: () => connections,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(entry);
  return entry;
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function outboundFailure(promise: Promise<unknown>): Promise<OutboundError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutboundError);
  return err as OutboundError;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void;
/** Makes dns.lookup answer from a list of scripted answers, one per call. */
function scriptDns(...answers: string[][]) {
  return vi.spyOn(dns, 'lookup').mockImplementation(((_host: string, _opts: unknown, cb: LookupCallback) => {
    const next = answers.shift() ?? [];
    setImmediate(() => cb(null, next.map((address) => ({ address, family: net.isIP(address) }))));
  }) as unknown as typeof dns.lookup);
}

describe('checkUrl', () => {
  it.each([
    ['ftp://example.com/file'], ['file:///etc/passwd'], ['http://user:pw@example.com/'], ['not a url'],
    ['http://2130706433/'], ['http://0177.0.0.1/'], ['http://0x7f000001/'], ['http://127.1/'],
    ['http://[::1]/'], ['http://[::ffff:127.0.0.1]/'], ['http://localhost/'], ['http://10.0.0.1/'],
    ['http://192.168.1.1/'], ['http://169.254.169.254/latest/meta-data'], ['http://[fd00::1]/'], ['http://[fe80::1]/'],
    ['http://100.64.0.1/'], ['http://172.16.0.1/'], ['http://0.0.0.0/'], ['http://[::]/'],
    ['http://does-not-exist.invalid/'], ['http://8.8.8.8:0/a.mp4'], ['https://[2606:4700::1111]:00/'],
  ])('rejects %s with VALIDATION_ERROR before connecting', async (url) => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const err = await checkUrl(url, NONE).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_ERROR');
    expect((err as AppError).detail).toEqual([{ loc: ['body', 'file_url'], msg: (err as AppError).message, type: 'value_error' }]);
    expect(connect).not.toHaveBeenCalled();
  });

  it('uses the given field in the error location', async () => {
    const err = await checkUrl('http://127.0.0.1/', NONE, ['body', 'webhook_url']).catch((e: AppError) => e);
    expect((err as AppError).detail?.[0]?.loc).toEqual(['body', 'webhook_url']);
  });

  it('accepts public addresses and allow-listed internal ones', async () => {
    expect((await checkUrl('http://8.8.8.8/a.mp4', NONE)).href).toBe('http://8.8.8.8/a.mp4');
    expect((await checkUrl('https://[2606:4700::1111]/', NONE)).hostname).toBe('[2606:4700::1111]');
    expect((await checkUrl('http://127.0.0.1:9/x', LOOPBACK)).port).toBe('9');
    expect((await checkUrl('http://localhost/', parseAllowList('localhost'))).hostname).toBe('localhost');
  });

  it('requires every resolved address to be allowed', async () => {
    scriptDns(['93.184.216.34'], ['93.184.216.34', '10.0.0.1']);
    await expect(checkUrl('http://media.example/', NONE)).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('http://media.example/', NONE)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});

describe('request: address checks', () => {
  it('refuses a loopback IP when nothing is allow-listed; the server sees nothing', async () => {
    const s = await serve((_req, res) => res.end('secret'));
    const err = await outboundFailure(request(`${s.origin}/`, { allow: NONE }));
    expect(err).toMatchObject({ status: 'FORBIDDEN_ADDRESS', retryable: false });
    const byName = await outboundFailure(request(`http://localhost:${s.port}/`, { allow: NONE }));
    expect(byName.status).toBe('FORBIDDEN_ADDRESS');
    expect(s.hits).toEqual([]);
    expect(s.connections()).toBe(0);
  });

  it('connects when the allow list covers the address', async () => {
    const s = await serve((_req, res) => res.end('hello'));
    const res = await request(`${s.origin}/x?y=1`, { allow: LOOPBACK });
    expect(res.status).toBe(200);
    expect((await readAll(res.body)).toString()).toBe('hello');
    expect(s.hits).toEqual(['GET /x?y=1']);
  });

  it('allows by host name only for that name', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    const allow = parseAllowList('localhost');
    const res = await request(`http://localhost:${s.port}/`, { allow });
    expect((await readAll(res.body)).toString()).toBe('ok');
    expect((await outboundFailure(request(`${s.origin}/`, { allow }))).status).toBe('FORBIDDEN_ADDRESS');
    expect(s.hits).toHaveLength(1);
    expect(s.connections()).toBe(1);
  });

  it('closes the DNS-rebinding window: the name is resolved again at connect time', async () => {
    const s = await serve((_req, res) => res.end('secret'));
    scriptDns(['93.184.216.34'], ['127.0.0.1']);
    const url = await checkUrl(`http://rebind.example:${s.port}/`, NONE);
    const err = await outboundFailure(request(url.href, { allow: NONE }));
    expect(err.status).toBe('FORBIDDEN_ADDRESS');
    expect(s.hits).toEqual([]);
    expect(s.connections()).toBe(0);
  });

  it('checks the connected peer address before any request byte is sent', async () => {
    let received = 0;
    const raw = net.createServer((socket) => socket.on('data', (d) => (received += d.length)));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const { port } = raw.address() as net.AddressInfo;
    // Pretend the socket landed somewhere the lookup never returned.
    const proto = net.Socket.prototype as unknown as { _getpeername(): { address?: string; port?: number } };
    const real = proto._getpeername;
    vi.spyOn(proto, '_getpeername').mockImplementation(function (this: net.Socket) {
      const peer = real.call(this);
      return peer.port === port ? { ...peer, address: '10.0.0.1' } : peer;
    });
    const err = await outboundFailure(request(`http://127.0.0.1:${port}/`, { allow: LOOPBACK }));
    expect(err.status).toBe('FORBIDDEN_ADDRESS');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toBe(0);
    await new Promise((resolve) => raw.close(resolve));
  });

  it.each([['ftp://127.0.0.1/'], ['http://u:p@127.0.0.1/'], ['nope']])('refuses %s as BAD_URL', async (url) => {
    expect(await outboundFailure(request(url, { allow: LOOPBACK }))).toMatchObject({ status: 'BAD_URL', retryable: false });
  });

  it('reports an unresolvable name as a non-retryable UNREACHABLE_INPUT_FILE', async () => {
    const err = await outboundFailure(request('http://does-not-exist.invalid/', { allow: NONE }));
    expect(err).toMatchObject({ status: 'UNREACHABLE_INPUT_FILE', retryable: false });
  });
});

describe('request: redirects', () => {
  it('follows a chain, re-checking each hop, and reports the final URL', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/a') res.writeHead(301, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(302, { location: `http://127.0.0.1:${(req.socket.localPort)}/c` }).end();
      else res.end(`final ${req.url}`);
    });
    const res = await request(`${s.origin}/a`, { allow: LOOPBACK });
    expect(res.status).toBe(200);
    expect(res.url.pathname).toBe('/c');
    expect((await readAll(res.body)).toString()).toBe('final /c');
    expect(s.hits).toEqual(['GET /a', 'GET /b', 'GET /c']);
  });

  it('refuses a redirect from an allowed host to a denied one; the denied one sees nothing', async () => {
    const denied = await serve((_req, res) => res.end('internal'), '127.0.0.2');
    const allowed = await serve((_req, res) => res.writeHead(302, { location: `${denied.origin}/admin` }).end());
    const err = await outboundFailure(request(`${allowed.origin}/`, { allow: LOOPBACK }));
    expect(err.status).toBe('FORBIDDEN_ADDRESS');
    expect(allowed.hits).toEqual(['GET /']);
    expect(denied.hits).toEqual([]);
    expect(denied.connections()).toBe(0);
  });

  it('refuses a redirect to another scheme', async () => {
    const s = await serve((_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    expect((await outboundFailure(request(`${s.origin}/`, { allow: LOOPBACK }))).status).toBe('BAD_URL');
  });

  it('stops a loop after maxRedirects', async () => {
    const s = await serve((_req, res) => res.writeHead(307, { location: '/loop' }).end());
    const err = await outboundFailure(request(`${s.origin}/loop`, { allow: LOOPBACK }));
    expect(err).toMatchObject({ status: 'TOO_MANY_REDIRECTS', retryable: false });
    expect(s.hits).toHaveLength(6);
    const none = await outboundFailure(request(`${s.origin}/loop`, { allow: LOOPBACK, maxRedirects: 0 }));
    expect(none.status).toBe('TOO_MANY_REDIRECTS');
  });

  it('turns a POST into a GET on 303, keeps it on 307, and drops credentials across origins', async () => {
    const seen: string[] = [];
    const other = await serve((req, res) => {
      seen.push(`${req.method} auth=${req.headers.authorization ?? '-'}`);
      res.end();
    });
    const s = await serve(async (req, res) => {
      const body = (await readAll(req)).toString();
      seen.push(`${req.method} ${req.url} ${body} auth=${req.headers.authorization ?? '-'}`);
      if (req.url === '/see-other') res.writeHead(303, { location: '/done' }).end();
      else if (req.url === '/temporary') res.writeHead(307, { location: '/done' }).end();
      else if (req.url === '/elsewhere') res.writeHead(307, { location: `${other.origin}/` }).end();
      else res.end();
    });
    const opts = { allow: LOOPBACK, method: 'POST' as const, body: 'payload', headers: { authorization: 'Bearer t' } };
    await readAll((await request(`${s.origin}/see-other`, opts)).body);
    await readAll((await request(`${s.origin}/temporary`, opts)).body);
    await readAll((await request(`${s.origin}/elsewhere`, opts)).body);
    expect(seen).toEqual([
      'POST /see-other payload auth=Bearer t', 'GET /done  auth=Bearer t',
      'POST /temporary payload auth=Bearer t', 'POST /done payload auth=Bearer t',
      'POST /elsewhere payload auth=Bearer t', 'POST auth=-',
    ]);
  });
});

describe('request: limits', () => {
  it('fails at once when Content-Length is over maxBytes', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-length': '1000' }).end(Buffer.alloc(1000)));
    const err = await outboundFailure(request(`${s.origin}/`, { allow: LOOPBACK, maxBytes: 999 }));
    expect(err).toMatchObject({ status: 'FILE_TOO_LARGE', retryable: false });
  });

  it('errors the body stream when a chunked body goes over maxBytes', async () => {
    const s = await serve((_req, res) => {
      res.write(Buffer.alloc(600));
      setTimeout(() => res.end(Buffer.alloc(600)), 20);
    });
    const res = await request(`${s.origin}/`, { allow: LOOPBACK, maxBytes: 1000 });
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(await outboundFailure(readAll(res.body))).toMatchObject({ status: 'FILE_TOO_LARGE', retryable: false });
  });

  it('accepts a body of exactly maxBytes', async () => {
    const s = await serve((_req, res) => res.end(Buffer.alloc(1000)));
    const res = await request(`${s.origin}/`, { allow: LOOPBACK, maxBytes: 1000 });
    expect((await readAll(res.body)).length).toBe(1000);
  });

  it('times out a server that never answers within firstByteTimeoutMs', async () => {
    const s = await serve(() => {});
    const started = Date.now();
    const err = await outboundFailure(request(`${s.origin}/`, { allow: LOOPBACK, firstByteTimeoutMs: 300 }));
    expect(err).toMatchObject({ status: 'DOWNLOAD_TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(s.hits).toHaveLength(1);
  });

  it('times out a connection that is never established within connectTimeoutMs', async () => {
    vi.spyOn(dns, 'lookup').mockImplementation((() => {}) as unknown as typeof dns.lookup); // a resolver that hangs
    const started = Date.now();
    const err = await outboundFailure(request('http://hang.example/', { allow: NONE, connectTimeoutMs: 200 }));
    expect(err).toMatchObject({ status: 'DOWNLOAD_TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('errors the body stream when a slow body passes totalTimeoutMs', async () => {
    const s = await serve((_req, res) => {
      res.write('x');
      const tick = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(tick));
    });
    const started = Date.now();
    const res = await request(`${s.origin}/`, { allow: LOOPBACK, totalTimeoutMs: 400 });
    expect(await outboundFailure(readAll(res.body))).toMatchObject({ status: 'DOWNLOAD_TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a connection reset mid-body as a retryable error on the stream', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' }).write(Buffer.alloc(10));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const res = await request(`${s.origin}/`, { allow: LOOPBACK });
    expect(await outboundFailure(readAll(res.body))).toMatchObject({ status: 'UNREACHABLE_INPUT_FILE', retryable: true });
  });

  it('stops when the caller aborts', async () => {
    const s = await serve(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await outboundFailure(request(`${s.origin}/`, { allow: LOOPBACK, signal: controller.signal }));
    expect(err.status).toBe('UNREACHABLE_INPUT_FILE');
  });
});

describe('download', () => {
  it('returns non-2xx from request() but throws it from download()', async () => {
    const s = await serve((req, res) => res.writeHead(Number(req.url?.slice(1))).end('nope'));
    const plain = await request(`${s.origin}/404`, { allow: LOOPBACK });
    expect(plain.status).toBe(404);
    expect((await readAll(plain.body)).toString()).toBe('nope');
    const notFound = await outboundFailure(download(`${s.origin}/404`, { allow: LOOPBACK }));
    expect(notFound).toMatchObject({ status: 'UNREACHABLE_INPUT_FILE', retryable: false, message: `HTTP 404 from 127.0.0.1:${s.port}` });
    expect(await outboundFailure(download(`${s.origin}/503`, { allow: LOOPBACK }))).toMatchObject({ retryable: true });
    expect(await outboundFailure(download(`${s.origin}/429`, { allow: LOOPBACK }))).toMatchObject({ retryable: true });
    expect(await outboundFailure(download(`${s.origin}/403`, { allow: LOOPBACK }))).toMatchObject({ retryable: false });
  });

  it('streams the exact bytes and takes the name from Content-Disposition', async () => {
    const payload = randomBytes(3 * 1024 * 1024 + 17);
    const s = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'video/mp4',
        'content-length': String(payload.length),
        'content-disposition': 'attachment; filename="my video (1).mp4"',
      });
      res.end(payload);
    });
    const got = await download(`${s.origin}/ignored.bin`, { allow: LOOPBACK, maxBytes: payload.length });
    expect(got).toMatchObject({ contentType: 'video/mp4', contentLength: payload.length, filename: 'my_video_1_.mp4' });
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(await readAll(got.body))).toBe(sha(payload));
  });

  it.each([
    ['/media/clip%20one.mov?sig=abc', undefined, 'clip_one.mov'],
    ['/', undefined, 'file'],
    ['/x/%E2%82%AC.wav', undefined, '_.wav'],
    ['/a.bin', "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf; filename=\"fallback.pdf\"", 'resume.pdf'],
    ['/a.bin', 'attachment; filename="../../etc/passwd"', 'passwd'],
    ['/a.bin', 'attachment; filename=.htaccess', 'htaccess'],
    ['/a.bin', 'inline', 'a.bin'],
  ])('names %s with Content-Disposition %s as %s', async (path, disposition, filename) => {
    const s = await serve((_req, res) => {
      if (disposition) res.setHeader('content-disposition', disposition);
      res.end('data');
    });
    const got = await download(`${s.origin}${path}`, { allow: LOOPBACK });
    expect(got.filename).toBe(filename);
    expect(got.url.pathname).toBe(new URL(path, s.origin).pathname);
    await readAll(got.body);
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('request over https', () => {
  it('applies the same address checks, and a bad certificate is not retryable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbound-tls-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    let connections = 0;
    const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end());
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      for (const url of [`https://127.0.0.1:${port}/`, `https://localhost:${port}/`]) {
        expect((await outboundFailure(request(url, { allow: NONE }))).status).toBe('FORBIDDEN_ADDRESS');
      }
      expect(connections).toBe(0);
      const err = await outboundFailure(request(`https://localhost:${port}/`, { allow: LOOPBACK }));
      expect(err).toMatchObject({ status: 'UNREACHABLE_INPUT_FILE', retryable: false });
      expect(err.message).toMatch(/certificate/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';

// No allow-list here: every internal address is refused at request time with 422, before any connection.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { OUTBOUND_ALLOW: '' } });
});
afterAll(async () => {
  await t?.stop();
});

const REFUSED = [
  'http://127.0.0.1/a.mp4',
  'http://127.9.8.7:8080/a.mp4',
  'http://[::1]/a.mp4',
  'http://10.0.0.1/a.mp4',
  'http://172.16.0.1/a.mp4',
  'http://172.31.255.254/a.mp4',
  'http://192.168.1.1/a.mp4',
  'http://169.254.169.254/latest/meta-data/',
  'http://100.64.0.1/a.mp4',
  'http://[fc00::1]/a.mp4',
  'http://[fd12:3456::1]/a.mp4',
  'http://[fe80::1]/a.mp4',
  'http://[::ffff:127.0.0.1]/a.mp4',
  'http://[::ffff:10.0.0.1]/a.mp4',
  'http://2130706433/a.mp4', // decimal 127.0.0.1
  'http://0177.0.0.1/a.mp4', // octal
  'http://0x7f.0.0.1/a.mp4', // hex
  'http://0x7f000001/a.mp4',
  'http://127.1/a.mp4',
  'http://0.0.0.0/a.mp4',
  'http://localhost/a.mp4', // a name that resolves to loopback
  'http://localhost.:9/a.mp4',
  'ftp://example.com/a.mp4',
  'file:///etc/passwd',
  'gopher://example.com/',
  'not a url',
  'http://user:secret@example.com/a.mp4',
];

describe('store-file refuses internal and non-http(s) URLs with 422', () => {
  it.each(REFUSED)('%s', async (fileUrl) => {
    const rowsBefore = await t.app.deps.db.file.count();
    const { status, body } = await t.json('/api/v1/files/store-file', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file_url: fileUrl }),
    });
    expect(status).toBe(422);
    expect(body.error).toBe('VALIDATION_ERROR');
    expect(body.detail[0].loc).toEqual(['body', 'file_url']);
    expect(await t.app.deps.db.file.count()).toBe(rowsBefore);
  });
});

describe('a URL longer than 8192 characters is refused with 422 and stores nothing', () => {
  // A public literal address: refused for its length alone, not for where it points.
  const longUrl = `http://93.184.216.34/${'a'.repeat(8192)}.mp4`;
  const send = (method: string, path: string, body: unknown) =>
    t.json(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('store-file', async () => {
    const rowsBefore = await t.app.deps.db.file.count();
    const { status, body } = await send('POST', '/api/v1/files/store-file', { file_url: longUrl });
    expect({ status, error: body.error, loc: body.detail?.[0]?.loc }).toEqual({ status: 422, error: 'VALIDATION_ERROR', loc: ['body', 'file_url'] });
    expect(body.message).toMatch(/longer than 8192/);
    expect(await t.app.deps.db.file.count()).toBe(rowsBefore);
    expect((await send('POST', '/api/v1/files/store-file', { file_url: longUrl.slice(0, 8192) })).status).toBe(200);
    // Short as sent, long as stored: each é becomes %C3%A9.
    const encoded = await send('POST', '/api/v1/files/store-file', { file_url: `http://93.184.216.34/${'é'.repeat(2000)}.mp4` });
    expect({ status: encoded.status, message: encoded.body.message }).toEqual({ status: 422, message: 'The URL is longer than 8192 characters once percent-encoded.' });
    expect(await t.app.deps.db.file.count()).toBe(rowsBefore + 1);
  });

  it('the account webhook', async () => {
    const { status, body } = await send('PUT', '/api/v1/webhook-config', { url: longUrl });
    expect({ status, error: body.error, loc: body.detail?.[0]?.loc }).toEqual({ status: 422, error: 'VALIDATION_ERROR', loc: ['body', 'url'] });
    expect((await t.json('/api/v1/webhook-config')).body).toEqual({ configured: false });
  });
});

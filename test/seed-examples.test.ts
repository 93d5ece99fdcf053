import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { makeMedia } from './support/media.ts';

// The seed pages' own examples (curl and Python requests), run unchanged but for the base URL and key.
const run = promisify(execFile);
let t: TestApp;
let origin: FixtureServer;
let media: Awaited<ReturnType<typeof makeMedia>>;

beforeAll(async () => {
  [t, origin, media] = await Promise.all([startTestApp(), startFixtureServer(), makeMedia()]);
  origin.file('/sample.mp4', media.mp4, 'video/mp4');
});
afterAll(async () => {
  await Promise.all([t?.stop(), origin?.close()]);
});

async function curl(...args: string[]): Promise<{ status: number; body: any }> {
  const { stdout } = await run('curl', ['-s', '-w', '\n%{http_code}', ...args]);
  const lines = stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  const text = lines.join('\n');
  return { status, body: text ? JSON.parse(text) : undefined };
}

async function python(script: string): Promise<any> {
  const { stdout } = await run('python3', ['-c', script], { env: { ...process.env, BASE: t.url, KEY: t.apiKey } });
  return JSON.parse(stdout);
}

describe('seed examples with curl', () => {
  it('000 store-file, 002 get file, 004-style delete', async () => {
    const stored = await curl('-X', 'POST', `${t.url}/api/v1/files/store-file`, '-H', 'Content-Type: application/json',
      '-H', `X-API-KEY: ${t.apiKey}`, '-d', `{\n    "file_url": "${origin.url}/sample.mp4"\n  }`);
    expect(stored.status).toBe(200);
    await t.waitForFile(stored.body.file_id);
    const got = await curl(`${t.url}/api/v1/files/${stored.body.file_id}`, '-H', `X-API-KEY: ${t.apiKey}`);
    expect(got).toMatchObject({ status: 200, body: { status: 'STORED', file_type: 'video' } });
    const deleted = await curl('-X', 'DELETE', `${t.url}/api/v1/files/${stored.body.file_id}`, '-H', `X-API-KEY: ${t.apiKey}`);
    expect(deleted).toEqual({ status: 200, body: { deleted: true, file_id: stored.body.file_id } });
  });

  it('001 upload with -F "file=@..."', async () => {
    const uploaded = await curl('-X', 'POST', `${t.url}/api/v1/files/upload`, '-H', `X-API-KEY: ${t.apiKey}`, '-F', `file=@${media.mp4}`);
    expect(uploaded.status).toBe(200);
    expect(await t.waitForFile(uploaded.body.file_id)).toMatchObject({ filename: 'clip.mp4', codec: 'h264' });
  });

  it('the documented errors: 401 without a key, 400 without file_url', async () => {
    const noKey = await curl('-X', 'POST', `${t.url}/api/v1/files/store-file`, '-H', 'Content-Type: application/json', '-d', '{}');
    expect(noKey).toMatchObject({ status: 401, body: { error: 'UNAUTHORIZED' } });
    const noUrl = await curl('-X', 'POST', `${t.url}/api/v1/files/store-file`, '-H', 'Content-Type: application/json',
      '-H', `X-API-KEY: ${t.apiKey}`, '-d', '{}');
    expect(noUrl).toMatchObject({ status: 400, body: { error: 'INVALID_REQUEST' } });
    expect(noUrl.body.detail[0]).toMatchObject({ loc: ['body', 'file_url'], type: 'value_error.missing' });
    // Present with the wrong type is not missing.
    const numberUrl = await curl('-X', 'POST', `${t.url}/api/v1/files/store-file`, '-H', 'Content-Type: application/json',
      '-H', `X-API-KEY: ${t.apiKey}`, '-d', '{"file_url": 5}');
    expect(numberUrl).toMatchObject({ status: 400, body: { error: 'INVALID_REQUEST' } });
    expect(numberUrl.body.detail[0]).toMatchObject({ loc: ['body', 'file_url'], type: 'value_error' });
  });
});

describe('seed examples with Python requests', () => {
  it('store-file with json=, upload with files=, get', async () => {
    const result = await python(`
import json, os, requests, time
base, key = os.environ["BASE"], os.environ["KEY"]
stored = requests.post(base + "/api/v1/files/store-file",
    headers={"Content-Type": "application/json", "X-API-KEY": key},
    json={"file_url": "${origin.url}/sample.mp4"}).json()
with open("${media.m4a}", "rb") as f:
    uploaded = requests.post(base + "/api/v1/files/upload", headers={"X-API-KEY": key},
        files={"file": ("tone.m4a", f, "audio/mp4")}).json()
for _ in range(200):
    file = requests.get(base + "/api/v1/files/" + uploaded["file_id"], headers={"X-API-KEY": key}).json()
    if file["status"] == "STORED":
        break
    time.sleep(0.05)
print(json.dumps({"stored": stored, "file": file}))
`);
    expect(result.stored.file_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.file).toMatchObject({ status: 'STORED', filename: 'tone.m4a', file_type: 'audio' });
  });
});

// fetchInput and the abort signal that a shutdown or a lost job lease raises.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config.ts';
import type { AllowList } from '../platform/outbound/index.ts';
import { createLocalDriver, createS3Driver, type StorageDriver } from '../platform/storage/index.ts';
import { startS3 } from '../../test/support/s3.ts';
import { CommandFailure } from './command-failure.ts';
import { fetchInput, type InputSource } from './command-inputs.ts';

let tmp: string;
let storage: StorageDriver;
let deps: Parameters<typeof fetchInput>[0];
const stored: InputSource = { kind: 'stored', fileId: 'f', storageKey: 'acct/f/input.mp4', filename: 'input.mp4', duration: null };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ffapi-inputs-'));
  storage = createLocalDriver(path.join(tmp, 'storage'));
  await storage.put(stored.storageKey, Readable.from([Buffer.from('stored bytes')]), { maxBytes: 1024 });
  deps = { storage, allow: {} as AllowList, config: {} as Config };
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('fetchInput of a file in local storage', () => {
  it('copies the stored bytes into the working directory', async () => {
    const target = path.join(tmp, 'copied.mp4');
    await fetchInput(deps, stored, target, new AbortController().signal);
    expect(await readFile(target, 'utf8')).toBe('stored bytes');
  });

  it('copies nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const target = path.join(tmp, 'never.mp4');
    await expect(fetchInput(deps, stored, target, controller.signal)).rejects.toThrow('shutting down');
    expect(existsSync(target)).toBe(false);
  });

  it('rejects once the copy ends when the signal was aborted during it', async () => {
    const controller = new AbortController();
    const target = path.join(tmp, 'during.mp4');
    const fetching = fetchInput(deps, stored, target, controller.signal);
    controller.abort(new Error('lease lost')); // the copy runs in the thread pool: it has not finished yet
    await expect(fetching).rejects.toThrow('lease lost');
  });
});

describe('fetchInput of a stored file deleted after the command resolved it', () => {
  const gone: InputSource = { kind: 'stored', fileId: 'gone-id', storageKey: 'acct/gone-id/input.mp4', filename: 'input.mp4', duration: null };
  const refusal = { name: 'CommandFailure', status: 'UNREACHABLE_INPUT_FILE', message: expect.stringMatching(/gone-id was deleted/) };

  it('on local disk: UNREACHABLE_INPUT_FILE, not an internal error', async () => {
    const failure = await fetchInput(deps, gone, path.join(tmp, 'gone-local.mp4')).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CommandFailure);
    expect(failure).toMatchObject(refusal);
  });

  it('on S3: UNREACHABLE_INPUT_FILE, not an internal error', async () => {
    const s3 = await startS3('inputs');
    try {
      const s3Storage = createS3Driver({ bucket: 'inputs', endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
      const failure = await fetchInput({ ...deps, storage: s3Storage }, gone, path.join(tmp, 'gone-s3.mp4')).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(CommandFailure);
      expect(failure).toMatchObject(refusal);
    } finally {
      await s3.stop();
    }
  });
});

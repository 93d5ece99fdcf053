import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishCommand } from '../src/commands/command-finish.ts';
import { sweep, SWEEP_CRON } from '../src/maintenance/sweep.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { startS3, type TestS3 } from './support/s3.ts';
import { makeMedia } from './support/media.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.stop();
});

const DAY = 24 * 3600 * 1000;

async function waitFor(condition: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('maintenance sweep', () => {
  it('removes orphaned objects and working directories, fails stuck rows, keeps everything live', async () => {
    const { db, storage, config } = t.app.deps;
    const account = await db.account.findUniqueOrThrow({ where: { name: 'alice' } });

    // A live stored file (kept), bytes whose record is gone or deleted (removed).
    const form = new FormData();
    form.append('file', new Blob(['keep me']), 'live.txt');
    const liveId = (await t.json('/api/v1/files/upload', { method: 'POST', body: form })).body.file_id;
    const live = await t.waitForFile(liveId);
    const orphanKey = `${account.id}/${randomUUID()}/orphan.bin`;
    await storage.put(orphanKey, Readable.from([Buffer.from('nobody owns me')]));
    const deletedId = randomUUID();
    const deletedKey = `${account.id}/${deletedId}/gone.bin`;
    await storage.put(deletedKey, Readable.from([Buffer.from('deleted but left behind')]));
    await db.file.create({ data: { id: deletedId, accountId: account.id, storeType: 'UPLOAD', status: 'STORED', filename: 'gone.bin', storageKey: deletedKey, isDeleted: true } });

    // A file and a command stuck PROCESSING (their workers died and nothing retried them).
    const stuckFile = randomUUID();
    await db.file.create({ data: { id: stuckFile, accountId: account.id, storeType: 'STORED_FILE', filename: 'x.mp4', originalFileUrl: 'http://example.com/x.mp4' } });
    const stuckCommand = randomUUID();
    await db.command.create({
      data: { id: stuckCommand, accountId: account.id, commandType: 'FFMPEG_COMMAND', status: 'PROCESSING', startedAt: new Date(), maxRunSeconds: 60, originalRequest: {} },
    });
    // An output the stuck command's last attempt stored before its worker died (removed with it).
    const strayOutput = randomUUID();
    const strayKey = `${account.id}/${strayOutput}/half.mp4`;
    await storage.put(strayKey, Readable.from([Buffer.from('an output of a run that never ended')]));
    await db.file.create({
      data: { id: strayOutput, accountId: account.id, storeType: 'OUTPUT', status: 'STORED', filename: 'half.mp4', storageKey: strayKey, commandId: stuckCommand, outputAlias: 'out' },
    });
    const running = randomUUID();
    await db.command.create({
      data: { id: running, accountId: account.id, commandType: 'FFMPEG_COMMAND', status: 'PROCESSING', startedAt: new Date(), maxRunSeconds: 7 * 24 * 3600, originalRequest: {} },
    });
    // Working directories: one of the stuck command (removed) and one of a command still running (kept).
    const work = path.join(config.dataDir, 'work');
    await mkdir(path.join(work, `${stuckCommand}-0`), { recursive: true });
    await writeFile(path.join(work, `${stuckCommand}-0`, 'scratch.mp4'), 'x');
    await mkdir(path.join(work, `${running}-1`), { recursive: true });

    // The temp file of an upload whose process was killed mid-write (removed).
    const unfinished = path.join(config.dataDir, 'storage', account.id, randomUUID(), 'big.mp4~part-0123456789ab');
    await mkdir(path.dirname(unfinished), { recursive: true });
    await writeFile(unfinished, 'half an upload');

    // Sweep as if a day had passed: everything above is old enough to judge.
    const report = await sweep(t.app.deps, Date.now() + DAY);
    expect(report).toMatchObject({ orphanObjects: 2, unfinishedWrites: 1, stuckFiles: 1, stuckCommands: 1, workDirs: 1 });
    expect(existsSync(unfinished)).toBe(false);
    expect(await storage.stat(orphanKey)).toBeNull();
    expect(await storage.stat(deletedKey)).toBeNull();
    expect(await storage.stat(`${account.id}/${liveId}/live.txt`)).not.toBeNull();
    expect(await (await fetch(live.storage_url)).text()).toBe('keep me');
    expect(await db.file.findUnique({ where: { id: stuckFile } })).toMatchObject({ status: 'FAILED', errorStatus: 'TIMEOUT' });
    expect(await db.command.findUnique({ where: { id: stuckCommand } })).toMatchObject({ status: 'FAILED', errorStatus: 'WORKER_LOST' });
    expect(await db.file.findUnique({ where: { id: strayOutput } })).toBeNull();
    expect(await storage.stat(strayKey)).toBeNull();
    expect(await db.command.findUnique({ where: { id: running } })).toMatchObject({ status: 'PROCESSING' });
    expect(await readdir(work)).toEqual([`${running}-1`]);

    // A fresh object is never judged: it may be an upload whose record is not written yet.
    const freshKey = `${account.id}/${randomUUID()}/fresh.bin`;
    await storage.put(freshKey, Readable.from([Buffer.from('just arrived')]));
    expect((await sweep(t.app.deps)).orphanObjects).toBe(0);
    expect(await storage.stat(freshKey)).not.toBeNull();
  });

  it('a run given up for lost that finishes after all keeps no outputs', async () => {
    const { db } = t.app.deps;
    const clip = await t.uploadAndWait((await makeMedia()).mp4);
    // -re: the 2 s clip is read in real time, so the command is ended while FFmpeg runs.
    const { body } = await t.json('/api/v1/run-ffmpeg-command', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input_files: { in_video: clip.file_id }, output_files: { out_video: 'late.mp4' }, ffmpeg_command: '-re -i {{in_video}} -c:v libx264 -preset ultrafast -c:a aac {{out_video}}' }),
    });
    const commandId: string = body.command_id;
    await waitFor(async () => (await db.command.findUniqueOrThrow({ where: { id: commandId } })).status === 'PROCESSING');
    // As the sweep or the dead-letter handler ends it (the sweep would also remove its work dir).
    expect(await finishCommand(t.app.deps, commandId, { status: 'FAILED', errorStatus: 'WORKER_LOST', errorMessage: 'lost' })).toBe(true);
    const sweptAt = Date.now();
    const job = async () => (await t.app.deps.queue.boss.findJobs('command.run', { data: { commandId } }))[0];
    await waitFor(async () => (await job())?.state === 'completed');
    expect(new Date((await job())!.completedOn!).getTime()).toBeGreaterThan(sweptAt); // FFmpeg ran on past the sweep
    expect(await db.command.findUniqueOrThrow({ where: { id: commandId } })).toMatchObject({ status: 'FAILED', errorStatus: 'WORKER_LOST' });
    expect(await db.file.count({ where: { commandId } })).toBe(0);
  });

  it('is scheduled in pg-boss for every process to share', async () => {
    const schedules = await t.app.deps.queue.boss.getSchedules();
    expect(schedules.find((s) => s.name === 'maintenance.sweep')).toMatchObject({ cron: SWEEP_CRON });
  });
});

describe('maintenance sweep on a bucket that holds more than this service’s objects', () => {
  let s3: TestS3;
  let app: TestApp;
  beforeAll(async () => {
    s3 = await startS3('shared');
    app = await startTestApp({ s3 });
  });
  afterAll(async () => {
    await app?.stop();
    await s3?.stop();
  });

  it('judges only its own <account>/<file>/<name> keys: foreign objects and folder markers stay, and the sweep runs to its end', async () => {
    const { db, storage } = app.app.deps;
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const foreign = ['exports/', 'other-tool/report.csv', 'notes.txt'];
    for (const Key of foreign) await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: Key.endsWith('/') ? '' : 'not the service’s' }));
    const account = await db.account.findUniqueOrThrow({ where: { name: 'alice' } });
    const orphanKey = `${account.id}/${randomUUID()}/orphan.bin`;
    await storage.put(orphanKey, Readable.from([Buffer.from('nobody owns me')]));
    const stuckFile = randomUUID();
    await db.file.create({ data: { id: stuckFile, accountId: account.id, storeType: 'STORED_FILE', filename: 'x.mp4', originalFileUrl: 'http://example.com/x.mp4' } });

    const report = await sweep(app.app.deps, Date.now() + DAY);
    expect(report).toMatchObject({ orphanObjects: 1, stuckFiles: 1 });
    expect(await storage.stat(orphanKey)).toBeNull();
    const left = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    expect(left.Contents?.map((o) => o.Key).sort()).toEqual([...foreign].sort());
    client.destroy();
  });
});

import { randomUUID } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep, SWEEP_CRON } from '../src/maintenance/sweep.ts';
import { startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.stop();
});

const DAY = 24 * 3600 * 1000;

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
    const running = randomUUID();
    await db.command.create({
      data: { id: running, accountId: account.id, commandType: 'FFMPEG_COMMAND', status: 'PROCESSING', startedAt: new Date(), maxRunSeconds: 7 * 24 * 3600, originalRequest: {} },
    });
    // Working directories: one of the stuck command (removed) and one of a command still running (kept).
    const work = path.join(config.dataDir, 'work');
    await mkdir(path.join(work, `${stuckCommand}-0`), { recursive: true });
    await writeFile(path.join(work, `${stuckCommand}-0`, 'scratch.mp4'), 'x');
    await mkdir(path.join(work, `${running}-1`), { recursive: true });

    // Sweep as if a day had passed: everything above is old enough to judge.
    const report = await sweep(t.app.deps, Date.now() + DAY);
    expect(report).toMatchObject({ orphanObjects: 2, stuckFiles: 1, stuckCommands: 1, workDirs: 1 });
    expect(await storage.stat(orphanKey)).toBeNull();
    expect(await storage.stat(deletedKey)).toBeNull();
    expect(await storage.stat(`${account.id}/${liveId}/live.txt`)).not.toBeNull();
    expect(await (await fetch(live.storage_url)).text()).toBe('keep me');
    expect(await db.file.findUnique({ where: { id: stuckFile } })).toMatchObject({ status: 'FAILED', errorStatus: 'TIMEOUT' });
    expect(await db.command.findUnique({ where: { id: stuckCommand } })).toMatchObject({ status: 'FAILED', errorStatus: 'WORKER_LOST' });
    expect(await db.command.findUnique({ where: { id: running } })).toMatchObject({ status: 'PROCESSING' });
    expect(await readdir(work)).toEqual([`${running}-1`]);

    // A fresh object is never judged: it may be an upload whose record is not written yet.
    const freshKey = `${account.id}/${randomUUID()}/fresh.bin`;
    await storage.put(freshKey, Readable.from([Buffer.from('just arrived')]));
    expect((await sweep(t.app.deps)).orphanObjects).toBe(0);
    expect(await storage.stat(freshKey)).not.toBeNull();
  });

  it('is scheduled in pg-boss for every process to share', async () => {
    const schedules = await t.app.deps.queue.boss.getSchedules();
    expect(schedules.find((s) => s.name === 'maintenance.sweep')).toMatchObject({ cron: SWEEP_CRON });
  });
});

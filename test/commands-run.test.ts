import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';
import { startFixtureServer, type FixtureServer } from './support/http-fixture.ts';
import { ffprobeJson, makeMedia } from './support/media.ts';

let t: TestApp;
let media: Awaited<ReturnType<typeof makeMedia>>;
let origin: FixtureServer;
let clipId: string;
let clip: any;

beforeAll(async () => {
  [t, media, origin] = await Promise.all([startTestApp({ env: { WORKER_CONCURRENCY: '3' } }), makeMedia(), startFixtureServer()]);
  origin.file('/clip.mp4', media.mp4, 'video/mp4');
  clip = await t.uploadAndWait(media.mp4);
  clipId = clip.file_id;
});
afterAll(async () => {
  await Promise.all([t?.stop(), origin?.close()]);
});

const post = (path: string, body: unknown) =>
  t.json(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const waitCommand = async (id: string) => (await t.json(`/api/v1/commands/${id}?wait=60`)).body;
const runAndWait = async (request: unknown) => waitCommand((await post('/api/v1/run-ffmpeg-command', request)).body.command_id);

type PutFile = TestApp['app']['deps']['storage']['putFile'];
/** Fault injection on the real storage: putFile is replaced (around the real one) while run() goes. */
async function withPutFile<T>(replace: (real: PutFile) => PutFile, run: () => Promise<T>): Promise<T> {
  const storage = t.app.deps.storage;
  const putFile = storage.putFile;
  storage.putFile = replace((key, file, opts) => putFile.call(storage, key, file, opts));
  try {
    return await run();
  } finally {
    storage.putFile = putFile;
  }
}
const storedKeys = async () => {
  const keys: string[] = [];
  for await (const object of t.app.deps.storage.list()) keys.push(object.key);
  return keys;
};

describe('running FFmpeg commands', () => {
  it('transcodes an uploaded clip: SUCCESS with a stored, probed output', async () => {
    const { status, body } = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_video: clipId },
      output_files: { out_small: 'small.mp4' },
      ffmpeg_command: 'ffmpeg -i {{in_video}} -vf scale=160:-2 -c:v libx264 -preset ultrafast -c:a aac {{out_small}}',
      metadata: { job: 'thumbnail', attempt: 1, urgent: false },
    });
    expect(status).toBe(200);
    const command = await waitCommand(body.command_id);
    expect(command).toMatchObject({
      command_id: body.command_id,
      status: 'SUCCESS',
      command_type: 'FFMPEG_COMMAND',
      progress: 100,
      metadata: { job: 'thumbnail', attempt: 1, urgent: false },
      error_status: null,
      original_request: { input_files: { in_video: clipId }, output_files: { out_small: 'small.mp4' } },
    });
    expect(command.ffmpeg_command_run_seconds).toBeGreaterThan(0);
    expect(command.total_processing_seconds).toBeGreaterThanOrEqual(command.ffmpeg_command_run_seconds);
    const out = command.output_files.out_small;
    expect(out).toMatchObject({ status: 'STORED', rendi_store_type: 'OUTPUT', filename: 'small.mp4', width: 160, height: 120, codec: 'h264' });
    const bytes = Buffer.from(await (await fetch(out.storage_url)).arrayBuffer());
    expect(bytes.length).toBeGreaterThan(1000);
    const file = await t.json(`/api/v1/files/${out.file_id}`);
    expect(file.body.rendi_store_type).toBe('OUTPUT');
  });

  it('a progress write the database refuses mid-run is logged, and the command still ends SUCCESS', async () => {
    const { db } = t.app.deps;
    // Every progress write of this command fails, as in a failover; the final SUCCESS update does not.
    await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION refuse_progress() RETURNS trigger AS $$ BEGIN
      IF NEW.metadata->>'refuse_progress' = 'yes' AND NEW.status = 'PROCESSING' AND NEW.progress > 0 AND NEW.progress < 99
      THEN RAISE EXCEPTION 'simulated failover'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db.$executeRawUnsafe('CREATE TRIGGER refuse_progress BEFORE UPDATE ON commands FOR EACH ROW EXECUTE FUNCTION refuse_progress()');
    try {
      const { body } = await post('/api/v1/run-ffmpeg-command', {
        input_files: { in_video: clipId },
        output_files: { out_video: 'progress.mp4' },
        ffmpeg_command: '-re -i {{in_video}} -c:v libx264 -preset ultrafast -an {{out_video}}',
        metadata: { refuse_progress: 'yes' },
      });
      expect(await waitCommand(body.command_id)).toMatchObject({ status: 'SUCCESS', progress: 100 });
    } finally {
      await db.$executeRawUnsafe('DROP TRIGGER refuse_progress ON commands');
    }
  });

  it('reads http inputs and this service’s own storage_url, and a file another command made', async () => {
    const first = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_a: `${origin.url}/clip.mp4`, in_b: clip.storage_url },
      output_files: { out_audio: 'audio.m4a' },
      ffmpeg_command: '-i {{in_a}} -i {{in_b}} -map 1:a -c:a aac -b:a 64k {{out_audio}}',
    });
    const done = await waitCommand(first.body.command_id);
    expect(done.status).toBe('SUCCESS');
    const second = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_prev: done.output_files.out_audio.file_id },
      output_files: { out_wav: 'tone.wav' },
      ffmpeg_command: '-i <<in_prev>> -t 1 \\{\\{out_wav\\}\\}',
    });
    const result = await waitCommand(second.body.command_id);
    expect(result.status).toBe('SUCCESS');
    expect(result.output_files.out_wav).toMatchObject({ file_type: 'audio', file_format: 'wav', duration: 1 });
  });

  it('chains commands in one directory: a later step reads an intermediate file', async () => {
    const { body } = await post('/api/v1/run-chained-ffmpeg-commands', {
      input_files: { in_video: clipId },
      output_files: { out_gif: 'clip.gif' },
      ffmpeg_commands: [
        '-i {{in_video}} -t 1 -vf scale=80:-2 -an -c:v libx264 -preset ultrafast temp.mp4',
        '-i temp.mp4 -vf fps=5 {{out_gif}}',
      ],
    });
    const command = await waitCommand(body.command_id);
    expect(command).toMatchObject({ status: 'SUCCESS', command_type: 'CHAINED_COMMAND' });
    expect(command.output_files.out_gif).toMatchObject({ width: 80, file_type: 'video', mime_type: 'image/gif' });
    expect(Object.keys(command.output_files)).toEqual(['out_gif']);
  });

  it('stores several outputs, each with the fields of its own probe (probes run several at once)', async () => {
    const { body } = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_video: clipId },
      output_files: { out_small: 'small.png', out_big: 'big.png', out_sound: 'sound.wav', out_notes: 'notes.txt' },
      ffmpeg_command:
        '-i {{in_video}} -map 0:v -vf scale=80:-2 -frames:v 1 {{out_small}} -map 0:v -vf scale=160:-2 -frames:v 1 {{out_big}} ' +
        '-map 0:a -t 1 {{out_sound}} -f ffmetadata {{out_notes}}',
    });
    const command = await waitCommand(body.command_id);
    expect(command.status, command.error_message).toBe('SUCCESS');
    const outputs = command.output_files;
    expect(outputs.out_small).toMatchObject({ filename: 'small.png', file_type: 'image', width: 80, height: 60 });
    expect(outputs.out_big).toMatchObject({ filename: 'big.png', file_type: 'image', width: 160, height: 120 });
    expect(outputs.out_sound).toMatchObject({ filename: 'sound.wav', file_type: 'audio', width: null, codec: 'pcm_s16le' });
    expect(outputs.out_sound.duration).toBeCloseTo(1, 1);
    expect(outputs.out_notes).toMatchObject({ filename: 'notes.txt', status: 'STORED', width: null, duration: null });
  });

  it('runs multiple independent commands in parallel', async () => {
    const single = (n: number) => ({
      input_files: { in_video: clipId },
      output_files: { out_frame: `frame${n}.png` },
      ffmpeg_command: `-ss ${n * 0.5} -i {{in_video}} -frames:v 1 {{out_frame}}`,
    });
    const { status, body } = await post('/api/v1/run-multiple-ffmpeg-commands', { commands: [single(0), single(1), single(2)] });
    expect(status).toBe(200);
    expect(body.command_ids).toHaveLength(3);
    const results = await Promise.all(body.command_ids.map(waitCommand));
    for (const [i, result] of results.entries()) {
      expect(result).toMatchObject({ status: 'SUCCESS', command_type: 'MULTIPLE_COMMAND' });
      expect(result.output_files.out_frame).toMatchObject({ filename: `frame${i}.png`, file_type: 'image', width: 320 });
    }
    // Parallel: with WORKER_CONCURRENCY 3, their run windows overlap.
    const windows = results.map((r) => [Date.parse(r.started_at), Date.parse(r.completed_at)] as const);
    const overlap = windows.some(([s1, e1], i) => windows.some(([s2, e2], j) => i !== j && s1 < e2 && s2 < e1));
    expect(overlap).toBe(true);
  });

  it('an FFmpeg error ends FAILED with the tail of stderr', async () => {
    const { body } = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_video: clipId },
      output_files: { out_x: 'x.mp4' },
      ffmpeg_command: '-i {{in_video}} -c:v no_such_encoder {{out_x}}',
    });
    const command = await waitCommand(body.command_id);
    expect(command).toMatchObject({ status: 'FAILED', error_status: 'FFMPEG_ERROR', output_files: {} });
    expect(command.error_message).toMatch(/no_such_encoder/);
  });

  it('a command over max_command_run_seconds ends FAILED with TIMEOUT', async () => {
    const started = Date.now();
    const { body } = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_video: clipId },
      output_files: { out_x: 'x.mp4' },
      ffmpeg_command: '-stream_loop -1 -re -i {{in_video}} -c:v libx264 -preset ultrafast {{out_x}}',
      max_command_run_seconds: 2,
    });
    const command = await waitCommand(body.command_id);
    expect(command).toMatchObject({ status: 'FAILED', error_status: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

});

describe('outputs', () => {
  it('an output FFmpeg did not write ends FAILED with OUTPUT_MISSING', async () => {
    const { body } = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_video: clipId },
      output_files: { out_x: 'x.mp4' },
      // The null muxer writes nothing, so x.mp4 never exists.
      ffmpeg_command: '-i {{in_video}} -f null {{out_x}}',
    });
    const command = await waitCommand(body.command_id);
    expect(command).toMatchObject({ status: 'FAILED', error_status: 'OUTPUT_MISSING', output_files: {} });
    expect(command.error_message).toMatch(/out_x \(x\.mp4\)/);
  });

  it('a command that fails while storing its outputs keeps none of them, neither records nor bytes', async () => {
    // The second output cannot be stored, after the first was, for a reason not known to pass: no retry.
    const attempts: string[] = [];
    const command = await withPutFile(
      (real) => (key, file, opts) => {
        attempts.push(key);
        return key.endsWith('/second-part.png') ? Promise.reject(new Error('the disk failed')) : real(key, file, opts);
      },
      () =>
        runAndWait({
          input_files: { in_video: clipId },
          output_files: { out_first: 'first-part.png', out_second: 'second-part.png' },
          ffmpeg_command: '-i {{in_video}} -frames:v 1 {{out_first}} -frames:v 1 {{out_second}}',
        }),
    );
    expect(command).toMatchObject({ status: 'FAILED', error_status: 'INTERNAL_ERROR', output_files: {} });
    expect(attempts.map((key) => key.split('/').pop())).toEqual(['first-part.png', 'second-part.png']);
    expect(await t.app.deps.db.file.count({ where: { commandId: command.command_id } })).toBe(0);
    const keys = await storedKeys();
    expect(keys.filter((key) => key.endsWith('/first-part.png'))).toEqual([]);
    expect(keys.some((key) => key.includes(clipId))).toBe(true); // the listing does see stored files
  });

  it('a storage failure that passes (a connection reset) is tried again, and the next attempt succeeds', async () => {
    let failures = 0;
    const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const command = await withPutFile(
      (real) => (key, file, opts) => (key.endsWith('/flaky-store.png') && failures++ === 0 ? Promise.reject(reset()) : real(key, file, opts)),
      () => runAndWait({ input_files: { in_video: clipId }, output_files: { out_frame: 'flaky-store.png' }, ffmpeg_command: '-i {{in_video}} -frames:v 1 {{out_frame}}' }),
    );
    expect(failures).toBe(2);
    expect(command).toMatchObject({ status: 'SUCCESS', error_status: null });
    expect(command.output_files.out_frame).toMatchObject({ status: 'STORED', filename: 'flaky-store.png', is_deleted: false });
    expect((await fetch(command.output_files.out_frame.storage_url)).status).toBe(200);
    expect(await t.app.deps.db.file.count({ where: { commandId: command.command_id } })).toBe(1);
  });

  it('DELETE /commands/:id/files removes the outputs and keeps the command', async () => {
    const { body } = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_video: clipId },
      output_files: { out_a: 'a.png', out_b: 'b.png' },
      ffmpeg_command: '-i {{in_video}} -frames:v 1 {{out_a}} -frames:v 1 -vf scale=32:-2 {{out_b}}',
    });
    const command = await waitCommand(body.command_id);
    expect(command.status).toBe('SUCCESS');
    const urls = [command.output_files.out_a.storage_url, command.output_files.out_b.storage_url];
    const deleted = await t.json(`/api/v1/commands/${body.command_id}/files`, { method: 'DELETE' });
    expect(deleted).toMatchObject({ status: 200, body: { deleted: true, files_deleted: 2 } });
    for (const url of urls) expect((await fetch(url)).status).toBe(404);
    const after = (await t.json(`/api/v1/commands/${body.command_id}`)).body;
    expect(after.status).toBe('SUCCESS');
    expect(after.output_files.out_a).toMatchObject({ is_deleted: true, storage_url: null });
    const again = await t.json(`/api/v1/commands/${body.command_id}/files`, { method: 'DELETE' });
    expect(again.body).toEqual({ deleted: true, files_deleted: 0 });
    expect((await t.json(`/api/v1/commands/${body.command_id}/files`, { method: 'DELETE', key: t.otherApiKey })).status).toBe(404);
  });

  it('DELETE /commands/:id/files while the command runs: the outputs it stores afterwards are stored deleted', async () => {
    // The output is held at the storage until the DELETE has answered, so the command is PROCESSING then.
    let reached!: () => void;
    const atStorage = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const command = await withPutFile(
      (real) => async (key, file, opts) => {
        if (key.endsWith('/late-output.png')) {
          reached();
          await released;
        }
        return real(key, file, opts);
      },
      async () => {
        const { body } = await post('/api/v1/run-ffmpeg-command', {
          input_files: { in_video: clipId },
          output_files: { out_late: 'late-output.png' },
          ffmpeg_command: '-i {{in_video}} -frames:v 1 {{out_late}}',
        });
        await atStorage;
        expect((await t.json(`/api/v1/commands/${body.command_id}`)).body.status).toBe('PROCESSING');
        const deleted = await t.json(`/api/v1/commands/${body.command_id}/files`, { method: 'DELETE' });
        expect(deleted).toMatchObject({ status: 200, body: { deleted: true, files_deleted: 0 } });
        release();
        return waitCommand(body.command_id);
      },
    );
    expect(command.status).toBe('SUCCESS');
    expect(command.output_files.out_late).toMatchObject({ is_deleted: true, storage_url: null, filename: 'late-output.png' });
    const fileId = command.output_files.out_late.file_id;
    expect((await t.json(`/api/v1/files/${fileId}`)).body).toMatchObject({ is_deleted: true, storage_url: null });
    expect((await t.json(`/api/v1/files/${fileId}`, { method: 'DELETE' })).status).toBe(404);
    expect((await storedKeys()).filter((key) => key.includes(fileId))).toEqual([]);
  });
});

describe('more of the runner', () => {
  it('replaces placeholders inside filter arguments (subtitles={{in_srt}})', async () => {
    const srt = '1\n00:00:00,000 --> 00:00:01,500\nHello from a placeholder\n';
    const form = new FormData();
    form.append('file', new Blob([srt]), 'captions.srt');
    const srtId = (await t.json('/api/v1/files/upload', { method: 'POST', body: form })).body.file_id;
    await t.waitForFile(srtId);
    const { status, body } = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_video: clipId, in_srt: srtId },
      output_files: { out_sub: 'subbed.mp4' },
      ffmpeg_command: '-i {{in_video}} -t 1 -vf "subtitles={{in_srt}}" -c:v libx264 -preset ultrafast -an {{out_sub}}',
    });
    expect(status).toBe(200);
    const command = await waitCommand(body.command_id);
    expect(command, command.error_message).toMatchObject({ status: 'SUCCESS' });
    expect(command.output_files.out_sub).toMatchObject({ width: 320, duration: 1 });
  });

  it('a chained command stops at the first failing step', async () => {
    const { body } = await post('/api/v1/run-chained-ffmpeg-commands', {
      input_files: { in_video: clipId },
      output_files: { out_a: 'a.mp4' },
      ffmpeg_commands: ['-i {{in_video}} -c:v no_such_encoder temp.mp4', '-i temp.mp4 -c copy {{out_a}}'],
    });
    const command = await waitCommand(body.command_id);
    expect(command).toMatchObject({ status: 'FAILED', error_status: 'FFMPEG_ERROR' });
    expect(command.error_message).toMatch(/^command 1 of 2 exited/);
  });

  it('GET /commands lists newest first with limit, offset and a status filter', async () => {
    const all = (await t.json('/api/v1/commands?limit=100')).body;
    expect(all.total).toBe(all.commands.length);
    const created = all.commands.map((c: any) => c.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    const failed = (await t.json('/api/v1/commands?status=FAILED&limit=100')).body;
    expect(failed.commands.length).toBeGreaterThan(0);
    expect(failed.commands.every((c: any) => c.status === 'FAILED')).toBe(true);
    const second = (await t.json('/api/v1/commands?limit=1&offset=1')).body;
    expect(second).toMatchObject({ limit: 1, offset: 1, total: all.total });
    expect(second.commands[0].command_id).toBe(all.commands[1].command_id);
    expect((await t.json('/api/v1/commands?status=DONE')).status).toBe(400);
    expect((await t.json('/api/v1/commands?limit=100', { key: t.otherApiKey })).body.total).toBe(0);
  });
});

describe('input formats', () => {
  const uploadPlaylist = async () => {
    const form = new FormData();
    form.append('file', new Blob(['#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n/etc/hostname\n#EXT-X-ENDLIST\n']), 'list.m3u8');
    const { body } = await t.json('/api/v1/files/upload', { method: 'POST', body: form });
    expect((await t.waitForFile(body.file_id)).status).toBe('STORED');
    return body.file_id as string;
  };

  it('a playlist given through -i is refused by FFmpeg itself: FAILED with INPUT_FORMAT_NOT_ALLOWED naming it', async () => {
    const { status, body } = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_video: clipId, in_list: await uploadPlaylist() },
      output_files: { out_x: 'x.mp4' },
      ffmpeg_command: '-i {{in_video}} -i {{in_list}} -map 0 -map 1 -c copy {{out_x}}',
    });
    expect(status).toBe(200);
    const command = await waitCommand(body.command_id);
    expect(command).toMatchObject({ status: 'FAILED', error_status: 'INPUT_FORMAT_NOT_ALLOWED', output_files: {} });
    expect(command.error_message).toMatch(/^in_list is a playlist/);
  });

  it('a playlist a filter opens (amovie=) is refused before FFmpeg runs', async () => {
    const { body } = await post('/api/v1/run-ffmpeg-command', {
      input_files: { in_list: await uploadPlaylist() },
      output_files: { out_x: 'x.wav' },
      ffmpeg_command: '-f lavfi -i amovie={{in_list}} {{out_x}}',
    });
    const command = await waitCommand(body.command_id);
    expect(command).toMatchObject({ status: 'FAILED', error_status: 'INPUT_FORMAT_NOT_ALLOWED' });
    expect(command.error_message).toMatch(/^in_list is a playlist/);
  });
});

describe('an earlier output read by a filter', () => {
  /** Uploads a WAV whose samples are an HLS playlist's bytes (ffprobe sees a WAV, so it passes as an input), and a real tone. */
  async function playlistCarrierAndTone(): Promise<{ carrier: string; tone: string }> {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const run = promisify(execFile);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-chain-'));
    await writeFile(path.join(dir, 'list.txt'), '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n/etc/hostname\n#EXT-X-ENDLIST\n');
    await run('ffmpeg', ['-v', 'error', '-f', 'u8', '-ar', '8000', '-ac', '1', '-i', path.join(dir, 'list.txt'), '-c:a', 'pcm_u8', path.join(dir, 'carrier.wav')]);
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=d=1', path.join(dir, 'tone.wav')]);
    const [carrier, tone] = await Promise.all([t.uploadAndWait(path.join(dir, 'carrier.wav')), t.uploadAndWait(path.join(dir, 'tone.wav'))]);
    return { carrier: carrier.file_id, tone: tone.file_id };
  }

  async function runChain(body: unknown) {
    const { status, body: answer } = await post('/api/v1/run-chained-ffmpeg-commands', body);
    expect(status, JSON.stringify(answer)).toBe(200);
    return waitCommand(answer.command_id);
  }

  it('is never opened by a filter (movie= in step 2), which a same-run write could swap: 422 before anything runs', async () => {
    const { carrier } = await playlistCarrierAndTone();
    const { status, body } = await post('/api/v1/run-chained-ffmpeg-commands', {
      input_files: { in_a: carrier },
      output_files: { out_pl: 'list.m3u8', out_b: 'b.wav' },
      ffmpeg_commands: ['-i {{in_a}} -c copy -f u8 {{out_pl}}', '-f lavfi -i amovie={{out_pl}} -c:a pcm_s16le {{out_b}}'],
    });
    expect(status, JSON.stringify(body)).toBe(422);
    expect(body.message).toContain('{{out_pl}} is an output');
  });

  it('read through -i instead, it is not ffprobed first: FFmpeg refuses it by the whitelist, naming it', async () => {
    const { carrier } = await playlistCarrierAndTone();
    const command = await runChain({
      input_files: { in_a: carrier },
      output_files: { out_pl: 'list.m3u8', out_b: 'b.wav' },
      ffmpeg_commands: ['-i {{in_a}} -c copy -f u8 {{out_pl}}', '-i {{out_pl}} -c:a pcm_s16le {{out_b}}'],
    });
    expect(command).toMatchObject({ status: 'FAILED', error_status: 'INPUT_FORMAT_NOT_ALLOWED' });
    expect(command.error_message).toMatch(/^out_pl is a playlist/);
  });

  it('so is an input’s own file that step 1 overwrote with a playlist, before movie= opens it in step 2', async () => {
    const { carrier, tone } = await playlistCarrierAndTone();
    const command = await runChain({
      input_files: { in_a: carrier, in_b: tone },
      output_files: { out_b: 'b.wav' },
      ffmpeg_commands: ['-y -i {{in_a}} -c copy -f u8 {{in_b}}', '-f lavfi -i amovie={{in_b}} -c:a pcm_s16le {{out_b}}'],
    });
    expect(command).toMatchObject({ status: 'FAILED', error_status: 'INPUT_FORMAT_NOT_ALLOWED' });
    expect(command.error_message).toMatch(/^in_b is a playlist/);
  });
});

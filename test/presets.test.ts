import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/accounts/accounts-service.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { makeMedia } from './support/media.ts';

let t: TestApp;
let media: Awaited<ReturnType<typeof makeMedia>>;
let clipId: string;

beforeAll(async () => {
  [t, media] = await Promise.all([startTestApp({ env: { WORKER_CONCURRENCY: '3' } }), makeMedia()]);
  clipId = (await t.uploadAndWait(media.mp4)).file_id;
});
afterAll(async () => {
  await t?.stop();
});

const send = (method: string, path: string, body?: unknown, key: string | null = t.apiKey) =>
  t.json(path, { method, key, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
const waitCommand = async (id: string) => (await t.json(`/api/v1/commands/${id}?wait=60`)).body;
const commandCount = () => t.app.deps.db.command.count();

const thumbPreset = {
  name: 'Thumbnail',
  description: 'One small frame',
  ffmpeg_command: '-i {{in_video}} -frames:v 1 -vf scale=32:-2 {{out_thumb}}',
  input_file_keys: ['in_video'],
  output_file_definitions: { out_thumb: 'thumb.png' },
  metadata: { kind: 'thumb', size: 32 },
};

async function create(body: Record<string, unknown> = thumbPreset, key = t.apiKey) {
  const created = await send('POST', '/api/v1/presets', body, key);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

describe('preset CRUD', () => {
  it('POST creates an FFMPEG_COMMAND preset (the default type) with every field', async () => {
    const before = Date.now();
    const preset = await create();
    expect(preset).toEqual({
      preset_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Thumbnail',
      description: 'One small frame',
      command_type: 'FFMPEG_COMMAND',
      ffmpeg_command: thumbPreset.ffmpeg_command,
      ffmpeg_commands: null,
      input_file_keys: ['in_video'],
      output_file_definitions: { out_thumb: 'thumb.png' },
      metadata: { kind: 'thumb', size: 32 },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(Date.parse(preset.created_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(preset.updated_at).toBe(preset.created_at);
    expect((await send('GET', `/api/v1/presets/${preset.preset_id}`)).body).toEqual(preset);

    // Optional fields default to null.
    const bare = await create({ name: 'Bare', ffmpeg_command: '-i {{in_a}} {{out_b}}', input_file_keys: ['in_a'], output_file_definitions: { out_b: 'b.wav' } });
    expect(bare).toMatchObject({ description: null, metadata: null, command_type: 'FFMPEG_COMMAND' });
  });

  it('JSON comes back with its keys in the order sent; an idempotent replay is the same bytes', async () => {
    const body = {
      name: 'Two frames',
      ffmpeg_command: '-i {{in_video}} -frames:v 1 {{out_z}} -frames:v 1 {{out_a}}',
      input_file_keys: ['in_video'],
      output_file_definitions: { out_z: 'z.png', out_a: 'a.png' },
      metadata: { zeta: 1, alpha: 'two' },
    };
    const post = () => t.api('/api/v1/presets', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'ordered-preset' }, body: JSON.stringify(body) });
    const first = await post();
    const replay = await post();
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const text = await first.text();
    expect(await replay.text()).toBe(text);
    const preset = JSON.parse(text);
    const got = (await send('GET', `/api/v1/presets/${preset.preset_id}`)).body;
    expect(Object.keys(got.output_file_definitions)).toEqual(['out_z', 'out_a']);
    expect(Object.keys(got.metadata)).toEqual(['zeta', 'alpha']);

    const run = await send('POST', '/api/v1/run-ffmpeg-command', {
      output_files: body.output_file_definitions, input_files: { in_video: clipId }, ffmpeg_command: body.ffmpeg_command, metadata: body.metadata,
    });
    const command = (await send('GET', `/api/v1/commands/${run.body.command_id}`)).body;
    expect(Object.keys(command.original_request.output_files)).toEqual(['out_z', 'out_a']);
    expect(Object.keys(command.metadata)).toEqual(['zeta', 'alpha']);
    expect((await waitCommand(run.body.command_id)).status).toBe('SUCCESS');
  });

  it('a CHAINED_COMMAND preset keeps its ffmpeg_commands', async () => {
    const preset = await create({
      name: 'Gif',
      command_type: 'CHAINED_COMMAND',
      ffmpeg_commands: ['-i {{in_video}} -t 1 -vf scale=40:-2 -an -c:v libx264 -preset ultrafast temp.mp4', '-i temp.mp4 -vf fps=4 {{out_gif}}'],
      input_file_keys: ['in_video'],
      output_file_definitions: { out_gif: 'clip.gif' },
    });
    expect(preset).toMatchObject({ command_type: 'CHAINED_COMMAND', ffmpeg_command: null, input_file_keys: ['in_video'] });
    expect(preset.ffmpeg_commands).toHaveLength(2);

    const { status, body } = await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, { input_files: { in_video: clipId } });
    expect(status).toBe(200);
    const command = await waitCommand(body.command_id);
    expect(command).toMatchObject({ status: 'SUCCESS', command_type: 'CHAINED_COMMAND', original_request: { ffmpeg_commands: preset.ffmpeg_commands } });
    expect(command.output_files.out_gif).toMatchObject({ filename: 'clip.gif', width: 40, mime_type: 'image/gif' });
  });

  it('GET lists newest first with limit, offset and total', async () => {
    const key = await createApiKey(t.app.deps.db, 'lister');
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await create({ ...thumbPreset, name: `P${n}` }, key)).preset_id);
    const page = await send('GET', '/api/v1/presets?limit=2', undefined, key);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ limit: 2, offset: 0, total: 3 });
    expect(page.body.presets.map((p: any) => p.preset_id)).toEqual([ids[2], ids[1]]);
    const rest = await send('GET', '/api/v1/presets?limit=2&offset=2', undefined, key);
    expect(rest.body).toMatchObject({ limit: 2, offset: 2, total: 3 });
    expect(rest.body.presets.map((p: any) => p.preset_id)).toEqual([ids[0]]);
    expect((await send('GET', '/api/v1/presets', undefined, key)).body).toMatchObject({ limit: 50, offset: 0, total: 3 });
    expect((await send('GET', '/api/v1/presets?limit=0', undefined, key)).status).toBe(400);
    expect((await send('GET', '/api/v1/presets?limit=101', undefined, key)).status).toBe(400);
    expect((await send('GET', '/api/v1/presets?offset=-1', undefined, key)).status).toBe(400);
  });

  it('PUT changes only the fields sent; an invalid merged preset is 422 and changes nothing', async () => {
    const preset = await create();
    await new Promise((r) => setTimeout(r, 20));
    const renamed = await send('PUT', `/api/v1/presets/${preset.preset_id}`, { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...preset, name: 'Renamed', updated_at: expect.any(String) });
    expect(Date.parse(renamed.body.updated_at)).toBeGreaterThan(Date.parse(preset.updated_at));

    const swapped = await send('PUT', `/api/v1/presets/${preset.preset_id}`, {
      ffmpeg_command: '-i {{in_clip}} -frames:v 1 {{out_thumb}}',
      input_file_keys: ['in_clip'],
    });
    expect(swapped.status).toBe(200);
    expect(swapped.body).toMatchObject({ name: 'Renamed', ffmpeg_command: '-i {{in_clip}} -frames:v 1 {{out_thumb}}', input_file_keys: ['in_clip'], metadata: preset.metadata });

    // Sent nulls clear optional fields.
    const cleared = await send('PUT', `/api/v1/presets/${preset.preset_id}`, { description: null, metadata: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ description: null, metadata: null, name: 'Renamed' });
    expect((await send('GET', `/api/v1/presets/${preset.preset_id}`)).body).toMatchObject({ description: null, metadata: null });

    const good = (await send('GET', `/api/v1/presets/${preset.preset_id}`)).body;
    // A new key list that the stored command does not use.
    const invalid = await send('PUT', `/api/v1/presets/${preset.preset_id}`, { input_file_keys: ['in_other'] });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(invalid.body.detail)).toMatch(/in_(clip|other)/);
    // Switching type without the chained commands.
    const noChain = await send('PUT', `/api/v1/presets/${preset.preset_id}`, { command_type: 'CHAINED_COMMAND' });
    expect(noChain.status).toBe(422);
    expect(noChain.body.detail[0].loc).toEqual(['body', 'ffmpeg_commands']);
    expect((await send('PUT', `/api/v1/presets/${preset.preset_id}`, { name: 5 })).status).toBe(400);
    expect((await send('PUT', `/api/v1/presets/${preset.preset_id}`, { name: null })).status).toBe(400);
    expect((await send('GET', `/api/v1/presets/${preset.preset_id}`)).body).toEqual(good);

    // Switching type with its commands.
    const chained = await send('PUT', `/api/v1/presets/${preset.preset_id}`, {
      command_type: 'CHAINED_COMMAND',
      ffmpeg_commands: ['-i {{in_clip}} -frames:v 1 {{out_thumb}}'],
    });
    expect(chained.status).toBe(200);
    expect(chained.body).toMatchObject({ command_type: 'CHAINED_COMMAND', ffmpeg_command: null, ffmpeg_commands: ['-i {{in_clip}} -frames:v 1 {{out_thumb}}'] });
  });

  it('DELETE answers {deleted: true, preset_id}; afterwards the preset is 404 everywhere', async () => {
    const preset = await create();
    const id = preset.preset_id;
    expect(await send('DELETE', `/api/v1/presets/${id}`)).toMatchObject({ status: 200, body: { deleted: true, preset_id: id } });
    for (const [method, path, body] of [
      ['GET', `/api/v1/presets/${id}`],
      ['PUT', `/api/v1/presets/${id}`, { name: 'x' }],
      ['DELETE', `/api/v1/presets/${id}`],
      ['POST', `/api/v1/presets/${id}/execute`, { input_files: { in_video: clipId } }],
    ] as const) {
      const answer = await send(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.error).toBe('NOT_FOUND');
    }
    const listed = await send('GET', '/api/v1/presets?limit=100');
    expect(listed.body.presets.map((p: any) => p.preset_id)).not.toContain(id);
    expect((await send('GET', '/api/v1/presets/not-a-uuid')).status).toBe(404);
  });

  it('DELETE and PUT racing on one preset: one DELETE wins, every other answer is 200 or 404, never 500', async () => {
    for (let round = 0; round < 5; round++) {
      const id = (await create()).preset_id;
      const answers = await Promise.all([
        ...Array.from({ length: 4 }, () => send('DELETE', `/api/v1/presets/${id}`)),
        ...Array.from({ length: 4 }, (_, i) => send('PUT', `/api/v1/presets/${id}`, { name: `renamed ${i}` })),
      ]);
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s !== 200 && s !== 404), JSON.stringify(answers.map((a) => a.body))).toEqual([]);
      expect(answers.slice(0, 4).filter((a) => a.status === 200)).toHaveLength(1);
      for (const a of answers.filter((x) => x.status === 404)) expect(a.body.error).toBe('NOT_FOUND');
      expect(await t.app.deps.db.preset.count({ where: { id } })).toBe(0);
    }
  });
});

describe('concurrent partial PUTs', () => {
  it('PUTs changing different fields of one preset at once all stand (no lost update)', async () => {
    for (let round = 0; round < 8; round++) {
      const id = (await create()).preset_id;
      const answers = await Promise.all([
        send('PUT', `/api/v1/presets/${id}`, { description: `described ${round}` }),
        send('PUT', `/api/v1/presets/${id}`, { name: `named ${round}` }),
        send('PUT', `/api/v1/presets/${id}`, { metadata: { round } }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect((await send('GET', `/api/v1/presets/${id}`)).body).toMatchObject({ name: `named ${round}`, description: `described ${round}`, metadata: { round } });
    }
  });
});

describe('preset validation', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['an undeclared placeholder', { ...thumbPreset, ffmpeg_command: '-i {{in_video}} -i {{in_logo}} {{out_thumb}}' }, /in_logo/],
    ['an unused input key', { ...thumbPreset, input_file_keys: ['in_video', 'in_unused'] }, /in_unused/],
    ['an unused output key', { ...thumbPreset, output_file_definitions: { out_thumb: 'thumb.png', out_more: 'more.png' } }, /out_more/],
    ['a bad input key', { ...thumbPreset, ffmpeg_command: '-i {{video}} {{out_thumb}}', input_file_keys: ['video'] }, /video/],
    ['a path as output filename', { ...thumbPreset, output_file_definitions: { out_thumb: '../thumb.png' } }, /out_thumb/],
    ['an output filename without extension', { ...thumbPreset, output_file_definitions: { out_thumb: 'thumb' } }, /out_thumb/],
    ['a missing ffmpeg_command', { ...thumbPreset, ffmpeg_command: undefined }, /ffmpeg_command/],
    ['an empty ffmpeg_command', { ...thumbPreset, ffmpeg_command: '' }, /ffmpeg_command/],
    ['CHAINED_COMMAND without ffmpeg_commands', { ...thumbPreset, command_type: 'CHAINED_COMMAND' }, /ffmpeg_commands/],
    ['a hostile command reading a host file', { name: 'evil', ffmpeg_command: '-i /etc/passwd {{out_x}}', input_file_keys: [], output_file_definitions: { out_x: 'x.txt' } }, /passwd|path|file/i],
    ['a hostile command using the network', { ...thumbPreset, ffmpeg_command: '-i {{in_video}} -f mpegts udp://127.0.0.1:9 -frames:v 1 {{out_thumb}}' }, /udp|protocol|network|argument/i],
    ['a blank name', { ...thumbPreset, name: '   ' }, /name/],
    ['a name over 200 characters', { ...thumbPreset, name: 'é'.repeat(201) }, /name/],
    ['ffmpeg_commands on an FFMPEG_COMMAND preset', { ...thumbPreset, ffmpeg_commands: [thumbPreset.ffmpeg_command] }, /ffmpeg_commands: not used when command_type is FFMPEG_COMMAND/],
    ['ffmpeg_command on a CHAINED_COMMAND preset', { ...thumbPreset, command_type: 'CHAINED_COMMAND', ffmpeg_commands: [thumbPreset.ffmpeg_command] }, /ffmpeg_command: not used when command_type is CHAINED_COMMAND/],
    ['duplicate input keys', { ...thumbPreset, input_file_keys: ['in_video', 'in_video'] }, /unique|in_video/],
    ['more than 10 metadata keys', { ...thumbPreset, metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])) }, /metadata/],
    // The size limits of a direct command hold for presets too (checked where every command is).
    [
      'more than 50 input keys',
      (() => {
        const keys = Array.from({ length: 60 }, (_, i) => `in_${i}`);
        return { ...thumbPreset, input_file_keys: keys, ffmpeg_command: `${keys.map((k) => `-i {{${k}}}`).join(' ')} -frames:v 1 {{out_thumb}}` };
      })(),
      /at most 50 entries/,
    ],
    ['a command over 64 KiB', { ...thumbPreset, ffmpeg_command: `-i {{in_video}} ${'-an '.repeat(17_000)}-frames:v 1 {{out_thumb}}` }, /at most 65536 characters/],
  ];
  for (const [what, body, pattern] of cases) {
    it(`422 for ${what}`, async () => {
      const before = await t.app.deps.db.preset.count();
      const { status, body: answer } = await send('POST', '/api/v1/presets', body);
      expect(status, JSON.stringify(answer)).toBe(422);
      expect(answer.error).toBe('VALIDATION_ERROR');
      expect(answer.detail.length).toBeGreaterThan(0);
      expect(`${answer.message} ${JSON.stringify(answer.detail)}`).toMatch(pattern);
      expect(await t.app.deps.db.preset.count()).toBe(before);
    });
  }

  it('a name is measured as stored (trimmed) and in characters, not UTF-16 units', async () => {
    expect((await create({ ...thumbPreset, name: `${'a'.repeat(200)} ` })).name).toBe('a'.repeat(200));
    expect((await create({ ...thumbPreset, name: '😀'.repeat(150) })).name).toBe('😀'.repeat(150));
  });

  it('a PUT of a field the type does not use is 422 and changes nothing; changing the type with its field works', async () => {
    const single = await create();
    const wrong = await send('PUT', `/api/v1/presets/${single.preset_id}`, { ffmpeg_commands: [thumbPreset.ffmpeg_command] });
    expect(wrong.status, JSON.stringify(wrong.body)).toBe(422);
    expect(wrong.body.detail).toEqual([{ loc: ['body', 'ffmpeg_commands'], msg: 'not used when command_type is FFMPEG_COMMAND', type: 'value_error' }]);
    expect((await send('GET', `/api/v1/presets/${single.preset_id}`)).body).toEqual(single);
    const chained = await send('PUT', `/api/v1/presets/${single.preset_id}`, { command_type: 'CHAINED_COMMAND', ffmpeg_commands: [thumbPreset.ffmpeg_command] });
    expect(chained.status, JSON.stringify(chained.body)).toBe(200);
    expect(chained.body).toMatchObject({ command_type: 'CHAINED_COMMAND', ffmpeg_command: null, ffmpeg_commands: [thumbPreset.ffmpeg_command] });
    const back = await send('PUT', `/api/v1/presets/${single.preset_id}`, { ffmpeg_command: thumbPreset.ffmpeg_command });
    expect(back.status).toBe(422);
    expect(back.body.message).toBe('ffmpeg_command: not used when command_type is CHAINED_COMMAND');
  });

  it('problems are located at the preset fields (input_file_keys, output_file_definitions)', async () => {
    const unused = await send('POST', '/api/v1/presets', { ...thumbPreset, input_file_keys: ['in_video', 'in_unused'] });
    expect(unused.body.detail).toContainEqual(expect.objectContaining({ loc: ['body', 'input_file_keys', 1], msg: expect.stringMatching(/in_unused/) }));
    const badName = await send('POST', '/api/v1/presets', { ...thumbPreset, output_file_definitions: { out_thumb: 'a/b.png' } });
    expect(badName.body.detail).toContainEqual(expect.objectContaining({ loc: ['body', 'output_file_definitions', 'out_thumb'] }));
  });

  it('400 for wrong JSON types, a missing name, or a body that is not JSON', async () => {
    const bad: Record<string, unknown>[] = [
      { ...thumbPreset, name: undefined },
      { ...thumbPreset, name: 5 },
      { ...thumbPreset, input_file_keys: 'in_video' },
      { ...thumbPreset, input_file_keys: undefined },
      { ...thumbPreset, output_file_definitions: ['thumb.png'] },
      { ...thumbPreset, output_file_definitions: undefined },
      { ...thumbPreset, ffmpeg_command: 7 },
      { ...thumbPreset, command_type: 'MULTIPLE_COMMAND' },
      { ...thumbPreset, metadata: { nested: { a: 1 } } },
    ];
    for (const body of bad) {
      const answer = await send('POST', '/api/v1/presets', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toBe('INVALID_REQUEST');
    }
    const notJson = await t.json('/api/v1/presets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(notJson.status).toBe(400);
  });
});

describe('executing a preset', () => {
  it('runs with the given inputs: SUCCESS with the preset outputs and metadata', async () => {
    const preset = await create();
    const { status, body } = await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, { input_files: { in_video: clipId } });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['command_id']);
    const command = await waitCommand(body.command_id);
    expect(command).toMatchObject({
      status: 'SUCCESS',
      command_type: 'FFMPEG_COMMAND',
      metadata: { kind: 'thumb', size: 32 },
      original_request: { input_files: { in_video: clipId }, output_files: { out_thumb: 'thumb.png' }, ffmpeg_command: thumbPreset.ffmpeg_command },
    });
    expect(command.output_files.out_thumb).toMatchObject({ filename: 'thumb.png', status: 'STORED', file_type: 'image', width: 32, height: 24 });
  });

  it('metadata given at execute overrides the preset’s', async () => {
    const preset = await create();
    const { body } = await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, { input_files: { in_video: clipId }, metadata: { kind: 'override', run: 2, ok: true } });
    const command = await waitCommand(body.command_id);
    expect(command.status).toBe('SUCCESS');
    expect(command.metadata).toEqual({ kind: 'override', run: 2, ok: true });
  });

  it('input_files keys must equal input_file_keys: 422 naming the key, and no command is created', async () => {
    const preset = await create();
    const before = await commandCount();
    const missing = await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, { input_files: {} });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ error: 'VALIDATION_ERROR', detail: [{ loc: ['body', 'input_files', 'in_video'] }] });
    const extra = await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, { input_files: { in_video: clipId, in_extra: clipId } });
    expect(extra.status).toBe(422);
    expect(extra.body.detail).toEqual([expect.objectContaining({ loc: ['body', 'input_files', 'in_extra'] })]);
    const wrong = await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, { input_files: { in_clip: clipId } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.detail.map((d: any) => d.loc.at(-1)).sort()).toEqual(['in_clip', 'in_video']);
    // Right keys, but the value is not a usable input.
    const unknownFile = await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, { input_files: { in_video: '00000000-0000-4000-8000-000000000000' } });
    expect(unknownFile.status).toBe(422);
    expect(unknownFile.body.detail[0].loc).toEqual(['body', 'input_files', 'in_video']);
    const internalHook = await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, { input_files: { in_video: clipId }, webhook_url: 'http://10.0.0.1/x' });
    expect(internalHook.status).toBe(422);
    expect((await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, { input_files: { in_video: 5 } })).status).toBe(400);
    expect((await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, {})).status).toBe(400);
    expect(await commandCount()).toBe(before);
  });

  it('another account’s file cannot be an input', async () => {
    const preset = await create(thumbPreset, t.otherApiKey);
    const before = await commandCount();
    const answer = await send('POST', `/api/v1/presets/${preset.preset_id}/execute`, { input_files: { in_video: clipId } }, t.otherApiKey);
    expect(answer.status).toBe(422);
    expect(await commandCount()).toBe(before);
  });
});

describe('tenant isolation', () => {
  it('another account’s preset is 404 on every route and never listed', async () => {
    const preset = await create();
    const id = preset.preset_id;
    const before = await commandCount();
    for (const [method, path, body] of [
      ['GET', `/api/v1/presets/${id}`],
      ['PUT', `/api/v1/presets/${id}`, { name: 'stolen' }],
      ['DELETE', `/api/v1/presets/${id}`],
      ['POST', `/api/v1/presets/${id}/execute`, { input_files: { in_video: clipId } }],
    ] as const) {
      const answer = await send(method, path, body, t.otherApiKey);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.error).toBe('NOT_FOUND');
    }
    const listed = await send('GET', '/api/v1/presets?limit=100', undefined, t.otherApiKey);
    expect(listed.body.presets.map((p: any) => p.preset_id)).not.toContain(id);
    expect(await commandCount()).toBe(before);
    expect((await send('GET', `/api/v1/presets/${id}`)).body).toEqual(preset);
  });

  it('every route needs a key', async () => {
    const preset = await create();
    for (const [method, path] of [
      ['POST', '/api/v1/presets'],
      ['GET', '/api/v1/presets'],
      ['GET', `/api/v1/presets/${preset.preset_id}`],
      ['PUT', `/api/v1/presets/${preset.preset_id}`],
      ['DELETE', `/api/v1/presets/${preset.preset_id}`],
      ['POST', `/api/v1/presets/${preset.preset_id}/execute`],
    ]) {
      const answer = await send(method!, path!, method === 'GET' || method === 'DELETE' ? undefined : {}, null);
      expect(answer.status, `${method} ${path}`).toBe(401);
    }
  });
});

describe('"__proto__" keys over GraphQL', () => {
  it('are refused in JSON arguments, as literals and as variables, and nothing is created', async () => {
    const preset = await create();
    const commandsBefore = await commandCount();
    const presetsBefore = await t.app.deps.db.preset.count();
    const literal = await t.graphql(`mutation { executePreset(presetId: "${preset.preset_id}", inputFiles: {in_video: "${clipId}", __proto__: "x"}) { commandId } }`);
    const variables = await t.graphql(
      'mutation ($p: ID!, $i: JSON!) { executePreset(presetId: $p, inputFiles: $i) { commandId } }',
      JSON.parse(`{"p": "${preset.preset_id}", "i": {"in_video": "${clipId}", "__proto__": "x"}}`),
    );
    const outputs = await t.graphql(
      'mutation ($o: JSON!) { createPreset(input: {name: "p", ffmpegCommand: "-i {{in_a}} {{out_a}}", inputFileKeys: ["in_a"], outputFileDefinitions: $o}) { presetId } }',
      JSON.parse('{"o": {"out_a": "a.png", "__proto__": "b.png"}}'),
    );
    for (const [what, result] of Object.entries({ literal, variables, outputs })) {
      expect(result.data ?? null, what).toBeNull();
      expect(result.errors?.[0]?.extensions?.code, what).toBe('INVALID_REQUEST');
      expect(result.errors?.[0]?.message, what).toMatch(/__proto__/);
    }
    expect(await commandCount()).toBe(commandsBefore);
    expect(await t.app.deps.db.preset.count()).toBe(presetsBefore);
  });
});

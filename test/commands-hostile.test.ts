import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.ts';

// Hostile command requests through the REST API: each is refused before anything is stored or
// queued (422 VALIDATION_ERROR whose detail names the key or argument, or 400/401 for wrong shapes
// and missing keys). The control tests at the top show the same bodies are accepted once the
// hostile part is taken out, so every refusal below is caused by that part.

const run = promisify(execFile);
const SINGLE = '/api/v1/run-ffmpeg-command';
const CHAINED = '/api/v1/run-chained-ffmpeg-commands';
const MULTIPLE = '/api/v1/run-multiple-ffmpeg-commands';

let t: TestApp;
let mediaDir: string;
let clipId: string; // a STORED file of this account
let othersFileId: string; // a STORED file of the other account
let deletedFileId: string; // a deleted file of this account

async function upload(key: string, name: string, bytes: Buffer<ArrayBuffer>): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const { status, body } = await t.json('/api/v1/files/upload', { method: 'POST', body: form, key });
  expect(status, JSON.stringify(body)).toBe(200);
  const file = await t.waitForFile(body.file_id, key);
  expect(file.status).toBe('STORED');
  return body.file_id;
}

beforeAll(async () => {
  mediaDir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-hostile-'));
  const clip = path.join(mediaDir, 'clip.mp4');
  [t] = await Promise.all([
    startTestApp(),
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10', '-t', '0.5', '-c:v', 'mpeg4', clip]),
  ]);
  const bytes = await readFile(clip);
  [clipId, othersFileId, deletedFileId] = await Promise.all([
    upload(t.apiKey, 'clip.mp4', bytes),
    upload(t.otherApiKey, 'theirs.mp4', bytes),
    upload(t.apiKey, 'gone.mp4', bytes),
  ]);
  const deleted = await t.json(`/api/v1/files/${deletedFileId}`, { method: 'DELETE' });
  expect(deleted.status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
  if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
});

const send = (route: string, body: unknown, init: { key?: string | null; raw?: string } = {}) =>
  t.json(route, {
    method: 'POST',
    key: init.key,
    headers: { 'content-type': 'application/json' },
    body: init.raw ?? JSON.stringify(body),
  });
const commandRows = () => t.app.deps.db.command.count();

const COPY = '-i {{in_video}} -c copy {{out_x}}';
/** A valid single-command body; `cmd` and `extra` replace parts of it. */
const single = (cmd = COPY, extra: Record<string, unknown> = {}) => ({
  input_files: { in_video: clipId },
  output_files: { out_x: 'x.mp4' },
  ffmpeg_command: cmd,
  ...extra,
});
const chained = (cmds: string[], extra: Record<string, unknown> = {}) => {
  const { ffmpeg_command: _, ...rest } = single(COPY, extra);
  return { ...rest, ffmpeg_commands: cmds };
};
const CMD = ['body', 'ffmpeg_command'];

interface HostileCase {
  name: string;
  route?: string;
  body: () => unknown;
  /** The detail entry that must be there: its exact loc, and text its msg must contain. */
  loc: (string | number)[];
  mentions: string;
}

// `arg(x)`: the policy's message quotes the offending argument as `"x"`.
const arg = (value: string) => `"${value}"`;

const CASES: HostileCase[] = [
  // ---- host files and protocols as inputs
  { name: '-i /etc/passwd', body: () => single('-i {{in_video}} -i /etc/passwd -map 1 {{out_x}}'), loc: CMD, mentions: arg('/etc/passwd') },
  { name: '-i file:', body: () => single('-i file:x.mp4 -i {{in_video}} {{out_x}}'), loc: CMD, mentions: arg('file:x.mp4') },
  { name: '-i file:/etc/passwd', body: () => single('-i {{in_video}} -i file:/etc/passwd {{out_x}}'), loc: CMD, mentions: arg('file:/etc/passwd') },
  { name: '-i concat:', body: () => single('-i "concat:{{in_video}}|{{in_video}}" -c copy {{out_x}}'), loc: CMD, mentions: arg('concat:{{in_video}}|{{in_video}}') },
  { name: '-i subfile,', body: () => single('-i {{in_video}} -i "subfile,,start,0,end,100,,:/etc/passwd" {{out_x}}'), loc: CMD, mentions: arg('subfile,,start,0,end,100,,:/etc/passwd') },
  { name: '-i data:', body: () => single('-i {{in_video}} -i "data:text/plain;base64,cm9vdDp4OjA6MA==" {{out_x}}'), loc: CMD, mentions: 'protocol "data:"' },
  { name: '-i tcp://', body: () => single('-i {{in_video}} -i tcp://127.0.0.1:9 {{out_x}}'), loc: CMD, mentions: arg('tcp://127.0.0.1:9') },
  { name: 'raw -i http://169.254.169.254/', body: () => single('-i {{in_video}} -i http://169.254.169.254/latest/meta-data/ {{out_x}}'), loc: CMD, mentions: arg('http://169.254.169.254/latest/meta-data/') },
  { name: '-i - (stdin)', body: () => single('-i {{in_video}} -i - {{out_x}}'), loc: CMD, mentions: 'standard input' },
  { name: '-i ~/x.mp4', body: () => single('-i {{in_video}} -i ~/x.mp4 {{out_x}}'), loc: CMD, mentions: arg('~/x.mp4') },
  { name: '-f hls on an input', body: () => single('-f hls -i {{in_video}} -c copy {{out_x}}'), loc: CMD, mentions: 'hls' },
  { name: '-f v4l2 (device)', body: () => single('-i {{in_video}} -f v4l2 -i video0 -map 0 {{out_x}}'), loc: CMD, mentions: 'v4l2' },
  { name: '-safe 0 -f concat', body: () => single('-safe 0 -f concat -i {{in_video}} -c copy {{out_x}}'), loc: CMD, mentions: arg('-safe') },
  { name: '-allowed_extensions ALL', body: () => single('-allowed_extensions ALL -i {{in_video}} -c copy {{out_x}}'), loc: CMD, mentions: arg('-allowed_extensions') },

  // ---- file-reading filters
  { name: '-vf movie=/etc/passwd', body: () => single('-i {{in_video}} -vf movie=/etc/passwd {{out_x}}'), loc: CMD, mentions: arg('movie=/etc/passwd') },
  { name: '-f lavfi -i movie=/etc/passwd', body: () => single('-i {{in_video}} -f lavfi -i movie=/etc/passwd -map 1 {{out_x}}'), loc: CMD, mentions: arg('movie=/etc/passwd') },
  { name: "-vf movie='/etc/passwd' (quoted in the graph)", body: () => single(`-i {{in_video}} -vf "movie='/etc/passwd'" {{out_x}}`), loc: CMD, mentions: "/etc/passwd" },
  { name: '-vf movie with f=hls', body: () => single('-i {{in_video}} -vf "movie={{in_video}}:f=hls" {{out_x}}'), loc: CMD, mentions: 'hls' },
  { name: '-vf subtitles=/etc/passwd', body: () => single('-i {{in_video}} -vf subtitles=/etc/passwd {{out_x}}'), loc: CMD, mentions: arg('subtitles=/etc/passwd') },
  { name: '-vf subtitles=../x.srt', body: () => single('-i {{in_video}} -vf subtitles=../x.srt {{out_x}}'), loc: CMD, mentions: arg('subtitles=../x.srt') },
  { name: '-vf drawtext=textfile=/etc/passwd', body: () => single('-i {{in_video}} -vf drawtext=textfile=/etc/passwd {{out_x}}'), loc: CMD, mentions: arg('drawtext=textfile=/etc/passwd') },
  { name: '-vf drawtext=fontfile=/x.ttf', body: () => single('-i {{in_video}} -vf "drawtext=fontfile=/x.ttf:text=hi" {{out_x}}'), loc: CMD, mentions: arg('drawtext=fontfile=/x.ttf:text=hi') },
  { name: '-vf lut3d=/etc/passwd', body: () => single('-i {{in_video}} -vf lut3d=/etc/passwd {{out_x}}'), loc: CMD, mentions: arg('lut3d=/etc/passwd') },
  { name: '-af ladspa', body: () => single('-i {{in_video}} -af ladspa=file=cmt:delay_5s {{out_x}}'), loc: CMD, mentions: 'filter "ladspa"' },
  { name: '-vf sendcmd', body: () => single('-i {{in_video}} -vf "sendcmd=f=cmds.txt,drawtext=text=hi" {{out_x}}'), loc: CMD, mentions: 'filter "sendcmd"' },
  { name: '-filter_complex_script', body: () => single('-i {{in_video}} -filter_complex_script graph.txt {{out_x}}'), loc: CMD, mentions: arg('-filter_complex_script') },
  { name: '-/filter_complex x', body: () => single('-i {{in_video}} -/filter_complex x {{out_x}}'), loc: CMD, mentions: arg('-/filter_complex') },

  // ---- options that read or write host files, or change what FFmpeg may open
  { name: '-dump_attachment', body: () => single('-dump_attachment:t "" -i {{in_video}} -c copy {{out_x}}'), loc: CMD, mentions: arg('-dump_attachment:t') },
  { name: '-attach', body: () => single('-i {{in_video}} -attach x.ttf -c copy {{out_x}}'), loc: CMD, mentions: arg('-attach') },
  { name: '-report', body: () => single('-report -i {{in_video}} -c copy {{out_x}}'), loc: CMD, mentions: arg('-report') },
  { name: '-protocol_whitelist', body: () => single('-protocol_whitelist file,http,tcp -i {{in_video}} -c copy {{out_x}}'), loc: CMD, mentions: arg('-protocol_whitelist') },
  { name: '-progress', body: () => single('-progress progress.txt -i {{in_video}} -c copy {{out_x}}'), loc: CMD, mentions: arg('-progress') },
  { name: '-vstats_file', body: () => single('-i {{in_video}} -vstats_file v.log {{out_x}}'), loc: CMD, mentions: arg('-vstats_file') },
  { name: '-fpre (host preset)', body: () => single('-i {{in_video}} -fpre /usr/share/ffmpeg/libx264-fast.ffpreset {{out_x}}'), loc: CMD, mentions: arg('-fpre') },
  { name: '-init_hw_device', body: () => single('-init_hw_device vaapi=va:/dev/dri/renderD128 -i {{in_video}} {{out_x}}'), loc: CMD, mentions: arg('-init_hw_device') },
  { name: '-hls_segment_filename /tmp/...', body: () => single('-i {{in_video}} -f hls -hls_segment_filename /tmp/seg%d.ts {{out_x}}', { output_files: { out_x: 'x.m3u8' } }), loc: CMD, mentions: arg('/tmp/seg%d.ts') },

  // ---- outputs outside the working directory
  { name: 'extra output /tmp/x.mp4', body: () => single('-i {{in_video}} -c copy {{out_x}} -c copy /tmp/x.mp4'), loc: CMD, mentions: arg('/tmp/x.mp4') },
  { name: 'extra output ../x.mp4', body: () => single('-i {{in_video}} -c copy {{out_x}} -c copy ../x.mp4'), loc: CMD, mentions: arg('../x.mp4') },
  { name: 'tee muxer to /tmp', body: () => single('-i {{in_video}} -c copy -f tee "[f=mp4]/tmp/x.mp4|[f=mp4]{{out_x}}"'), loc: CMD, mentions: '[f=mp4]/tmp/x.mp4' },
  { name: '/dev/null beside hls segments', body: () => single('-i {{in_video}} -c copy {{out_x}} -c copy -f hls -hls_flags temp_file /dev/null'), loc: CMD, mentions: '/dev/null is allowed only with' },
  { name: 'hls append_list (reads and deletes what the playlist names)', body: () => single('-i {{in_video}} -c copy -f hls -hls_flags append_list+delete_segments {{out_x}}', { output_files: { out_x: 'x.m3u8' } }), loc: CMD, mentions: 'append_list' },
  { name: 'hls_key_info_file through fifo -format_opts', body: () => single('-i {{in_video}} -c copy -f fifo -fifo_format hls -format_opts hls_key_info_file={{in_video}} {{out_x}}', { output_files: { out_x: 'x.m3u8' } }), loc: CMD, mentions: 'option hls_key_info_file' },
  { name: '-autorotate taking the whitelist as its value', body: () => single('-autorotate -i {{in_video}} -c copy {{out_x}}'), loc: CMD, mentions: '"-i" cannot be the value of another option' },
  { name: '/dev/null not last', body: () => single('-i {{in_video}} -c copy -f mp4 /dev/null -c copy {{out_x}}'), loc: CMD, mentions: arg('/dev/null') },
  { name: 'output_files ../evil.mp4', body: () => single(COPY, { output_files: { out_x: '../evil.mp4' } }), loc: ['body', 'output_files', 'out_x'], mentions: 'bare file name' },
  { name: 'output_files a/b.mp4', body: () => single(COPY, { output_files: { out_x: 'a/b.mp4' } }), loc: ['body', 'output_files', 'out_x'], mentions: 'bare file name' },
  { name: 'output_files noext', body: () => single(COPY, { output_files: { out_x: 'noext' } }), loc: ['body', 'output_files', 'out_x'], mentions: 'extension' },
  { name: 'output_files .hidden', body: () => single(COPY, { output_files: { out_x: '.hidden' } }), loc: ['body', 'output_files', 'out_x'], mentions: 'bare file name' },
  { name: 'output_files /tmp/x.mp4', body: () => single(COPY, { output_files: { out_x: '/tmp/x.mp4' } }), loc: ['body', 'output_files', 'out_x'], mentions: 'bare file name' },
  { name: 'output named like the input', body: () => single(COPY, { output_files: { out_x: 'in_video.mp4' } }), loc: ['body', 'output_files', 'out_x'], mentions: 'in_video.mp4' },

  // ---- shell syntax (the command is never run by a shell)
  { name: '; rm -rf /', body: () => single(`${COPY}; rm -rf /`), loc: CMD, mentions: 'metacharacter ";"' },
  { name: '| cat', body: () => single(`${COPY} | cat`), loc: CMD, mentions: 'metacharacter "|"' },
  { name: '&& id', body: () => single(`${COPY} && id`), loc: CMD, mentions: 'metacharacter "&"' },
  { name: '> redirect', body: () => single(`${COPY} > /tmp/log`), loc: CMD, mentions: 'metacharacter ">"' },
  { name: '$(id)', body: () => single('-i {{in_video}} -metadata title=$(id) -c copy {{out_x}}'), loc: CMD, mentions: '"$("' },
  { name: 'backticks', body: () => single('-i {{in_video}} -metadata title=`id` -c copy {{out_x}}'), loc: CMD, mentions: 'backtick' },
  { name: '${HOME}', body: () => single('-i {{in_video}} -metadata "title=${HOME}" -c copy {{out_x}}'), loc: CMD, mentions: '"${"' },

  // ---- aliases and placeholders
  { name: 'undeclared placeholder', body: () => single('-i {{in_video}} -i {{in_other}} -map 0 {{out_x}}'), loc: CMD, mentions: 'in_other' },
  { name: 'placeholder that is no key', body: () => single('-i {{in_video}} -metadata title={{foo}} -c copy {{out_x}}'), loc: CMD, mentions: 'foo' },
  { name: 'declared but unused input', body: () => single(COPY, { input_files: { in_video: clipId, in_spare: clipId } }), loc: ['body', 'input_files', 'in_spare'], mentions: 'never used' },
  { name: 'declared but unused output', body: () => single(COPY, { output_files: { out_x: 'x.mp4', out_y: 'y.mp4' } }), loc: ['body', 'output_files', 'out_y'], mentions: 'never used' },
  { name: 'input key "video"', body: () => single('-i {{video}} -c copy {{out_x}}', { input_files: { video: clipId } }), loc: ['body', 'input_files', 'video'], mentions: 'in_' },
  { name: 'input key "in-x"', body: () => single('-i {{in-x}} -c copy {{out_x}}', { input_files: { 'in-x': clipId } }), loc: ['body', 'input_files', 'in-x'], mentions: 'in_' },
  { name: 'output key "result"', body: () => single('-i {{in_video}} -c copy {{result}}', { output_files: { result: 'x.mp4' } }), loc: ['body', 'output_files', 'result'], mentions: 'out_' },

  // ---- metadata and limits
  {
    name: 'metadata with 11 keys',
    body: () => single(COPY, { metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])) }),
    loc: ['body', 'metadata'],
    mentions: '10',
  },
  { name: 'max_command_run_seconds 0', body: () => single(COPY, { max_command_run_seconds: 0 }), loc: ['body', 'max_command_run_seconds'], mentions: 'from 1' },
  { name: 'max_command_run_seconds -5', body: () => single(COPY, { max_command_run_seconds: -5 }), loc: ['body', 'max_command_run_seconds'], mentions: 'from 1' },
  { name: 'max_command_run_seconds 10^9', body: () => single(COPY, { max_command_run_seconds: 1_000_000_000 }), loc: ['body', 'max_command_run_seconds'], mentions: 'from 1' },

  // ---- inputs that are not this account's stored files, or internal addresses
  { name: "another account's file_id", body: () => single(COPY, { input_files: { in_video: othersFileId } }), loc: ['body', 'input_files', 'in_video'], mentions: 'STORED' },
  { name: 'a deleted file', body: () => single(COPY, { input_files: { in_video: deletedFileId } }), loc: ['body', 'input_files', 'in_video'], mentions: 'STORED' },
  { name: 'an unknown file id', body: () => single(COPY, { input_files: { in_video: '00000000-0000-4000-8000-000000000000' } }), loc: ['body', 'input_files', 'in_video'], mentions: 'STORED' },
  ...[
    'http://10.0.0.1/x.mp4',
    'http://127.0.0.2:1/x.mp4',
    'http://[::1]:1/x.mp4',
    'http://169.254.169.254/latest/meta-data/',
    'http://192.168.0.1/x.mp4',
    'http://100.64.0.1/x.mp4',
    'http://[::ffff:10.0.0.1]/x.mp4',
    'http://0.0.0.0/x.mp4',
    'file:///etc/passwd',
    '/etc/passwd',
    'ftp://example.com/x.mp4',
  ].map((url): HostileCase => ({
    name: `input ${url}`,
    body: () => single(COPY, { input_files: { in_video: url } }),
    loc: ['body', 'input_files', 'in_video'],
    mentions: '',
  })),
  { name: 'internal webhook_url', body: () => single(COPY, { webhook_url: 'http://10.0.0.1/hook' }), loc: ['body', 'webhook_url'], mentions: 'internal' },
  { name: 'webhook_url on the metadata address', body: () => single(COPY, { webhook_url: 'http://169.254.169.254/hook' }), loc: ['body', 'webhook_url'], mentions: 'internal' },

  // ---- chained
  { name: 'chained: 0 commands', route: CHAINED, body: () => chained([]), loc: ['body', 'ffmpeg_commands'], mentions: '1 to 10' },
  { name: 'chained: 11 commands', route: CHAINED, body: () => chained(Array.from({ length: 11 }, () => COPY)), loc: ['body', 'ffmpeg_commands'], mentions: '1 to 10' },
  {
    name: 'chained: step 2 reads /etc/passwd through movie',
    route: CHAINED,
    body: () => chained(['-i {{in_video}} -c copy tmp.mp4', '-i tmp.mp4 -vf movie=/etc/passwd {{out_x}}']),
    loc: ['body', 'ffmpeg_commands', 1],
    mentions: arg('movie=/etc/passwd'),
  },
  {
    name: 'chained: step 1 writes ../x.mp4',
    route: CHAINED,
    body: () => chained(['-i {{in_video}} -c copy ../x.mp4', '-i {{in_video}} -c copy {{out_x}}']),
    loc: ['body', 'ffmpeg_commands', 0],
    mentions: arg('../x.mp4'),
  },
  {
    name: 'chained: step 3 has a shell list',
    route: CHAINED,
    body: () => chained(['-i {{in_video}} -c copy a.mp4', '-i a.mp4 -c copy b.mp4', '-i b.mp4 -c copy {{out_x}} && id']),
    loc: ['body', 'ffmpeg_commands', 2],
    mentions: 'metacharacter "&"',
  },

  // ---- multiple
  { name: 'multiple: 0 commands', route: MULTIPLE, body: () => ({ commands: [] }), loc: ['body', 'commands'], mentions: '1 to 10' },
  { name: 'multiple: 11 commands', route: MULTIPLE, body: () => ({ commands: Array.from({ length: 11 }, () => single()) }), loc: ['body', 'commands'], mentions: '1 to 10' },
  {
    name: 'multiple: the second of two reads /etc/passwd (the first is not stored either)',
    route: MULTIPLE,
    body: () => ({ commands: [single(), single('-i {{in_video}} -i /etc/passwd {{out_x}}')] }),
    loc: ['body', 'commands', 1, 'ffmpeg_command'],
    mentions: arg('/etc/passwd'),
  },
  {
    name: 'multiple: an internal input in the first command',
    route: MULTIPLE,
    body: () => ({ commands: [single(COPY, { input_files: { in_video: 'http://10.0.0.1/x.mp4' } }), single()] }),
    loc: ['body', 'commands', 0, 'input_files', 'in_video'],
    mentions: '',
  },
];

describe('control: the bodies the table starts from are accepted', () => {
  it('single, chained and multiple with the same inputs run and store one row per command', async () => {
    const before = await commandRows();
    const responses = await Promise.all([
      send(SINGLE, single()),
      send(CHAINED, chained(['-i {{in_video}} -c copy tmp.mp4', '-i tmp.mp4 -c copy {{out_x}}'])),
      send(MULTIPLE, { commands: [single(), single()] }),
    ]);
    for (const r of responses) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await commandRows()).toBe(before + 4);
    const ids = [responses[0].body.command_id, responses[1].body.command_id, ...responses[2].body.command_ids];
    const ended = await Promise.all(ids.map(async (id: string) => (await t.json(`/api/v1/commands/${id}?wait=30`)).body));
    for (const command of ended) expect(command.status, command.error_message).toBe('SUCCESS');
  });
});

describe('hostile requests are refused with 422 naming the key or argument, and store nothing', () => {
  it('the table holds at least 30 distinct requests', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(new Set(CASES.map((c) => JSON.stringify(c.body()))).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await commandRows();
    const { status, body } = await send(c.route ?? SINGLE, c.body());
    expect(status, JSON.stringify(body)).toBe(422);
    expect(body.error).toBe('VALIDATION_ERROR');
    expect(typeof body.message).toBe('string');
    expect(body.detail).toEqual(expect.any(Array));
    const match = body.detail.find(
      (d: { loc: unknown[]; msg: string }) => JSON.stringify(d.loc) === JSON.stringify(c.loc) && d.msg.includes(c.mentions),
    );
    expect(match, `no detail at ${JSON.stringify(c.loc)} mentioning ${c.mentions}: ${JSON.stringify(body.detail)}`).toBeDefined();
    expect(match.type).toBe('value_error');
    expect(await commandRows()).toBe(before);
  });
});

describe('wrong shapes are 400 INVALID_REQUEST, a missing key is 401', () => {
  const SHAPES: [string, string, () => unknown, (string | number)[]][] = [
    ['ffmpeg_command missing', SINGLE, () => ({ input_files: { in_video: clipId }, output_files: { out_x: 'x.mp4' } }), ['body', 'ffmpeg_command']],
    ['ffmpeg_command a number', SINGLE, () => single(42 as unknown as string), ['body', 'ffmpeg_command']],
    ['ffmpeg_command an array of words', SINGLE, () => single(['-i', '{{in_video}}'] as unknown as string), ['body', 'ffmpeg_command']],
    ['input_files a string', SINGLE, () => single(COPY, { input_files: clipId }), ['body', 'input_files']],
    ['input_files an array', SINGLE, () => single(COPY, { input_files: [clipId] }), ['body', 'input_files']],
    ['an output_files value that is a number', SINGLE, () => single(COPY, { output_files: { out_x: 5 } }), ['body', 'output_files', 'out_x']],
    ['metadata with an object value', SINGLE, () => single(COPY, { metadata: { a: { b: 1 } } }), ['body', 'metadata', 'a']],
    ['max_command_run_seconds a string', SINGLE, () => single(COPY, { max_command_run_seconds: '10' }), ['body', 'max_command_run_seconds']],
    ['max_command_run_seconds 1.5', SINGLE, () => single(COPY, { max_command_run_seconds: 1.5 }), ['body', 'max_command_run_seconds']],
    ['chained ffmpeg_commands a string', CHAINED, () => chained(COPY as unknown as string[]), ['body', 'ffmpeg_commands']],
    ['multiple commands an object', MULTIPLE, () => ({ commands: single() }), ['body', 'commands']],
    // Postgres cannot store NUL: refused at the JSON edge, before any rule looks at the command.
    ['a NUL byte in the command', SINGLE, () => single(`${COPY}\u0000-y`), ['body', 'ffmpeg_command']],
    ['multiple: a command without ffmpeg_command', MULTIPLE, () => ({ commands: [single(), { input_files: {}, output_files: {} }] }), ['body', 'commands', 1, 'ffmpeg_command']],
  ];

  it.each(SHAPES)('%s', async (_name, route, body, loc) => {
    const before = await commandRows();
    const res = await send(route, body());
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toBe('INVALID_REQUEST');
    expect(res.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    expect(await commandRows()).toBe(before);
  });

  it.each([
    ['not JSON', '{"input_files": {'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['empty', ''],
  ])('a body that is %s', async (_name, raw) => {
    const before = await commandRows();
    for (const route of [SINGLE, CHAINED, MULTIPLE]) {
      const res = await send(route, undefined, { raw });
      expect(res.status, `${route} ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error).toBe('INVALID_REQUEST');
    }
    expect(await commandRows()).toBe(before);
  });

  it('no API key, or an unknown one, is 401 on every submit route', async () => {
    const before = await commandRows();
    const bodies: [string, unknown][] = [[SINGLE, single()], [CHAINED, chained([COPY])], [MULTIPLE, { commands: [single()] }]];
    for (const [route, body] of bodies) {
      for (const key of [null, `ffsk_${'0'.repeat(64)}`]) {
        const res = await send(route, body, { key });
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('UNAUTHORIZED');
      }
    }
    expect(await commandRows()).toBe(before);
  });
});

// bench/command-overhead: what the API adds to an FFmpeg command. Each case runs one FFmpeg argv
// (libx264 medium + aac) through the service, from POST /api/v1/run-ffmpeg-command to the GET
// ?wait answer showing SUCCESS with the output STORED and probed, and directly (execFile of the same
// ffmpeg binary on the same clip on local disk), alternating. Cases: a 2 s 640x360 transcode (target:
// added ≤ 300 ms p50) and a "20 s encode", a 30 s 1920x1080 clip, which takes about 20 s of FFmpeg
// wall time on 2 idle CPUs (target: API ÷ direct ≤ 1.05). Beside them, with no target in the issue, a
// chain of 3 stream copies of the 2 s clip (each step reads the last one's output through -i), where
// the service's own work around FFmpeg counts the most. One all-roles service, local storage, bwrap.
// `npm run bench -- command-overhead [--runs=5 --long-runs=3 --dry-run]`.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveMediaBinaries } from '../src/platform/media/index.ts';
import { createBenchDatabase } from './support/bench-database.ts';
import { machineLines, markdownTable, recordRun } from './support/benchmarks-md.ts';
import { runDirect, runThroughApi, uploadClip, type ApiRun, type DirectRun } from './support/command-overhead-runs.ts';
import { makeClip } from './support/media.ts';
import { median } from './support/stats.ts';
import { startServer, type ServerProcess } from './support/server-process.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' }, // 2 s transcode
    'long-runs': { type: 'string', default: '3' }, // 20 s encode
    'dry-run': { type: 'boolean', default: false }, // do not write BENCHMARKS.md
  },
});

const WORDS = ['-i', '{{in_video}}', '-c:v', 'libx264', '-preset', 'medium', '-c:a', 'aac', '{{out_video}}'];
const ONE_OUTPUT = { out_video: 'out.mp4' };
const CHAIN = [
  ['-i', '{{in_video}}', '-c', 'copy', '{{out_a}}'],
  ['-i', '{{out_a}}', '-c', 'copy', '{{out_b}}'],
  ['-i', '{{out_b}}', '-c', 'copy', '{{out_video}}'],
];
const CHAIN_OUTPUTS = { out_a: 'a.mp4', out_b: 'b.mp4', out_video: 'out.mp4' };

interface Case {
  name: string;
  clipSeconds: number;
  clipSize: string;
  steps: string[][];
  outputs: Record<string, string>;
  runs: number;
  target: string;
  met: (addedMs: number, ratio: number) => boolean;
}

const cases: Case[] = [
  { name: '2 s 640x360 transcode', clipSeconds: 2, clipSize: '640x360', steps: [WORDS], outputs: ONE_OUTPUT, runs: Number(values.runs), target: 'added ≤ 300 ms', met: (added) => added <= 300 },
  // Calibrated once: 30 s of 1080p25 through libx264 medium took 37 CPU-seconds (user + sys), ~20 s on 2 idle CPUs.
  { name: '20 s encode (30 s 1920x1080)', clipSeconds: 30, clipSize: '1920x1080', steps: [WORDS], outputs: ONE_OUTPUT, runs: Number(values['long-runs']), target: 'ratio ≤ 1.05×', met: (_, ratio) => ratio <= 1.05 },
  { name: '3-step chain, -c copy of the 2 s clip', clipSeconds: 2, clipSize: '640x360', steps: CHAIN, outputs: CHAIN_OUTPUTS, runs: Number(values.runs), target: '(none)', met: () => true },
];

const media = resolveMediaBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
const database = await createBenchDatabase();
const dir = await mkdtemp(path.join(os.tmpdir(), 'ffapi-bench-command-'));
let server: ServerProcess | undefined;
const results: { c: Case; api: ApiRun[]; direct: DirectRun[] }[] = [];
try {
  const clips: string[] = [];
  for (const c of cases) clips.push(await makeClip(dir, c.clipSeconds, c.clipSize));
  // SANDBOX=bwrap: the sandboxed path is what is measured; the bench fails rather than measure without it.
  server = await startServer({ databaseUrl: database.url, env: { SANDBOX: 'bwrap' } });
  const fileIds: string[] = [];
  for (const clip of clips) fileIds.push(await uploadClip(server, clip));

  // Unmeasured: the first command resolves the sandbox and reads FFmpeg's demuxer list, once per process.
  await runThroughApi(server, fileIds[0]!, [WORDS], ONE_OUTPUT);
  await runDirect(media.ffmpeg, media.ffprobe, [WORDS], ONE_OUTPUT, clips[0]!, dir);

  for (const [index, c] of cases.entries()) {
    const api: ApiRun[] = [];
    const direct: DirectRun[] = [];
    for (let i = 0; i < c.runs; i++) {
      // Alternating which side goes first cancels a slow drift of the machine's load.
      const apiRun = () => runThroughApi(server!, fileIds[index]!, c.steps, c.outputs).then((r) => void api.push(r));
      const directRun = () => runDirect(media.ffmpeg, media.ffprobe, c.steps, c.outputs, clips[index]!, dir).then((r) => void direct.push(r));
      if (i % 2 === 0) await apiRun().then(directRun);
      else await directRun().then(apiRun);
      const a = api.at(-1)!;
      const d = direct.at(-1)!;
      console.log(
        `${c.name} run ${i + 1}: API ${a.totalMs.toFixed(0)} ms (queue ${a.queueMs.toFixed(0)}, FFmpeg ${a.ffmpegMs.toFixed(0)}, ` +
          `worker ${a.workerMs.toFixed(0)}, finish ${a.finishMs.toFixed(0)}, answer ${a.answerMs.toFixed(0)}); ` +
          `direct ${d.ffmpegMs.toFixed(0)} ms + probe ${d.probeMs.toFixed(0)} ms`,
      );
    }
    results.push({ c, api, direct });
  }
} finally {
  await server?.stop();
  await database.drop();
  await rm(dir, { recursive: true, force: true });
}

const ms = (value: number) => value.toFixed(0);
const summary = markdownTable(
  ['Case', 'Runs', 'API ms', 'Direct ms', 'Direct + ffprobe ms', 'Added ms (p50)', 'API ÷ direct', 'Target', 'Met'],
  results.map(({ c, api, direct }) => {
    const added = median(api.map((a, i) => a.totalMs - direct[i]!.ffmpegMs));
    const ratio = median(api.map((a, i) => a.totalMs / direct[i]!.ffmpegMs));
    return [
      c.name, String(c.runs), ms(median(api.map((a) => a.totalMs))), ms(median(direct.map((d) => d.ffmpegMs))),
      ms(median(direct.map((d) => d.ffmpegMs + d.probeMs))), ms(added), `${ratio.toFixed(3)}×`, c.target, c.target === '(none)' ? '—' : c.met(added, ratio) ? 'yes' : '**no**',
    ];
  }),
);
const breakdown = markdownTable(
  ['Case', 'POST answered', 'Request → created', 'Queue wait', 'FFmpeg in service', 'FFmpeg direct', 'Worker besides FFmpeg', 'Output row → completed', 'Completed → client', 'API − FFmpeg in service'],
  results.map(({ c, api, direct }) => {
    const m = (key: keyof ApiRun) => ms(median(api.map((a) => a[key])));
    const besides = ms(median(api.map((a) => a.totalMs - a.ffmpegMs)));
    return [c.name, m('submitMs'), m('toCreatedMs'), m('queueMs'), m('ffmpegMs'), ms(median(direct.map((d) => d.ffmpegMs))), m('workerMs'), m('finishMs'), m('answerMs'), besides];
  }),
);
const section = [
  `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: command-overhead (FFmpeg through the API against FFmpeg run directly)`,
  '',
  ...machineLines(database.postgresVersion),
  '',
  `One all-roles service process started as \`npm start\` runs it (local storage, \`SANDBOX=bwrap\`), inputs uploaded ` +
    `beforehand. Both sides run \`ffmpeg ${WORDS.join(' ')}\` on the same lavfi-made h264/aac clip; the chain runs ` +
    `${CHAIN.map((words) => `\`${words.join(' ')}\``).join(', ')} (\`POST /api/v1/run-chained-ffmpeg-commands\`; directly, the ` +
    'three one after the other). API ms: request start ' +
    'of `POST /api/v1/run-ffmpeg-command` to the answer of `GET /api/v1/commands/:id?wait=60` showing SUCCESS with every ' +
    'output STORED and probed (a long poll answered on the service\'s own status event: no polling interval, no requests ' +
    'during the run). Direct ms: `execFile` of the same ffmpeg binary, plain (no bwrap, no prlimit, without the service\'s ' +
    '`-nostdin -hide_banner -nostats -progress pipe:1` and `-format_whitelist`), start to exit, output to a temp dir; ' +
    '+ ffprobe adds the probes the service runs on the outputs. Added ms and API ÷ direct are medians of the per-pair ' +
    `differences and ratios, API and direct alternating (which goes first alternates too), after one unmeasured warm-up pair. ` +
    'Targets: added ≤ 300 ms p50 on the 2 s transcode, ratio ≤ 1.05× on the 20 s encode.',
  '',
  summary,
  '',
  'Where the API time goes (ms, medians; the stages from "Request → created" on add up to API ms). From the command\'s ' +
    '`created_at`, `started_at`, `completed_at`, `ffmpeg_command_run_seconds` and the output file\'s `created_at` (ms ' +
    'precision, database clock, same machine). Queue wait: created to picked up by the worker. FFmpeg in service: ' +
    'prlimit + bwrap + FFmpeg, spawn to close. Worker besides FFmpeg: input copy into the work dir, output store and ' +
    'probe (no ffprobe format check of the input: this command opens it only through -i). Output row → completed: work dir removal and the final transaction. Completed → ' +
    'client: NOTIFY, the waiting GET reading the command, and its answer. API − FFmpeg in service: everything the ' +
    'service adds around FFmpeg, per run; unlike Added ms it does not move when FFmpeg itself runs faster or slower ' +
    'than the direct run (other load on the machine).',
  '',
  breakdown,
].join('\n');
console.log(`\n${section}\n`);
if (!values['dry-run']) recordRun(section);
